"""How kernels are made for a grading run, decided once: namespaces or not, forked or fresh.

`prepare` tries the strongest and fastest setup this machine allows and falls back step
by step, saying why: namespaces if Linux lets us (kernels.isolation_works), kernels forked
from a warm factory if it starts (kernels.Factory), else each kernel started afresh. One
kernel is started before grading begins, so a grader that cannot start any says so once.

Off Linux some protections do not exist, and the summary names each (`missing_protections`):
macOS has no prctl, so kernels do not die with a grader that crashes and may gain privileges
through setuid programs, and it refuses some limits, which a throw-away process finds out
(`refused_limits`). Windows lacks what the sandbox is built from (`cannot_grade_here`).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from course.instructor import kernels
from course.instructor.kernels import JAIL, Factory, isolation_works
from course.instructor.sandbox import KernelGone, Limits, Sandbox, base_environment, kernel_limits

# The limits jail.py sets, as the summary names them.
LIMIT_WORDS = {"RLIMIT_AS": "memory", "RLIMIT_CPU": "CPU time", "RLIMIT_FSIZE": "file size",
               "RLIMIT_CORE": "core dump size"}
# jail.py's own set_limits, run in a throw-away process, prints the limits the system refused.
LIMITS_PROBE = ("import json, runpy, sys\n"
                "print(json.dumps(runpy.run_path(sys.argv[1])['set_limits'](json.loads(sys.argv[2]))))")


@dataclass(frozen=True)
class Setup:
    """How every notebook's kernel is made: its limits, what it must not see, namespaces, warm factory, and
    the limits this system refused. Setting `stopping` kills every kernel made from it (see Sandbox)."""

    limits: Limits
    hide: tuple = ()
    isolate: bool = False
    factory: Factory | None = None
    refused: tuple = ()
    stopping: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)

    def sandbox(self) -> Sandbox:
        return Sandbox(self.limits, list(self.hide), self.isolate, self.factory, self.stopping)

    def stop(self) -> None:
        """Stop grading: every kernel made from this setup is killed at its next wait, and none starts."""
        self.stopping.set()

    def describe(self) -> str:
        """Return one line for the summary: how isolated the kernels were, how they started, what is missing."""
        held = [word for name, word in LIMIT_WORDS.items() if name not in self.refused]
        limits = f"limits ({', '.join(held)}) and " if held else ""
        isolation = ("a private file system, process list and no network (Linux namespaces)" if self.isolate
                     else f"{limits}a private working folder only (no Linux user namespaces)")
        line = f"isolation: {isolation}; kernels {'forked from a warm factory' if self.factory else 'started afresh'}"
        missing = missing_protections(self.refused)
        return line + (f"; missing on this system: {', '.join(missing)}" if missing else "")


def missing_protections(refused=()) -> list[str]:
    """Return the kernel protections this system lacks (limits it refused, what prctl gives on Linux)."""
    missing = [f"the {LIMIT_WORDS.get(name, name)} limit (refused by the system)" for name in refused]
    if not sys.platform.startswith("linux"):  # jail.py's prctl calls do nothing here
        missing += ["killing kernels when the grader dies (no prctl: after a crash or kill -9, end them yourself)",
                    "no new privileges (no prctl: a setuid program a notebook runs keeps its powers)"]
    return missing


def refused_limits(limits: Limits) -> tuple:
    """Return the limits this system refuses: none on Linux (where a refusal stops the kernel), else probed."""
    return () if sys.platform.startswith("linux") else tuple(probe_limits(limits))


def probe_limits(limits: Limits) -> list[str]:
    """Set the kernels' limits in a throw-away process, with jail.py's own code; return those refused."""
    command = [sys.executable, "-I", "-c", LIMITS_PROBE, str(JAIL), json.dumps(kernel_limits(limits))]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
        return [str(name) for name in json.loads(done.stdout)]
    except (OSError, ValueError, TypeError, subprocess.TimeoutExpired):
        return list(LIMIT_WORDS)  # it could not tell: claim none


def _has_resource() -> bool:
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return True


def cannot_grade_here() -> str:
    """Return why kernels cannot be sandboxed on this system at all (Windows, say), or ""."""
    lacking = [what for what, present in (("resource limits (the resource module)", _has_resource()),
                                          ("process groups (os.killpg)", hasattr(os, "killpg")),
                                          ("SIGKILL", hasattr(signal, "SIGKILL"))) if not present]
    if not lacking:
        return ""
    listed = " or ".join([", ".join(lacking[:-1]), lacking[-1]] if len(lacking) > 1 else lacking)
    return (f"cannot grade here: this system has no {listed}, which the sandbox is built from; "
            "grade on Linux (on Windows, inside WSL) or macOS")


def warm_factory(modules) -> tuple[Factory | None, str]:
    """Start a kernel factory preloaded with `modules`; (None, why) where it cannot run here."""
    if not kernels.supported():
        return None, "forking kernels needs Linux"
    folder = Path(tempfile.mkdtemp(prefix="course-factory-"))
    env = base_environment() | {"HOME": str(folder), "TMPDIR": str(folder), "MPLCONFIGDIR": str(folder / "mpl"),
                                "IPYTHONDIR": str(folder / "ipython")}
    try:
        return Factory(["ipykernel.kernelapp", *sorted(modules)], env, folder), ""
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return None, str(exc)
    except BaseException:  # Ctrl-C or SIGTERM while it starts
        shutil.rmtree(folder, ignore_errors=True)
        raise


def starts(setup: Setup) -> str:
    """Start and stop one kernel with `setup`; return "" or why it could not start."""
    sandbox = setup.sandbox()
    try:
        sandbox.start()
        return ""
    except KernelGone as exc:
        return str(exc)
    finally:
        sandbox.close()


def prepare(limits: Limits, hide: list[str], modules) -> tuple[Setup, list[str]]:
    """Return the setup to grade with, and notes on what was given up; KernelGone if no kernel starts."""
    notes, isolate, refused = [], isolation_works(), refused_limits(limits)
    factory, why = warm_factory(modules)
    try:
        if factory is not None and (why := starts(Setup(limits, tuple(hide), isolate, factory, refused))):
            factory.close()
            factory = None
        if why:
            notes.append(f"kernels start afresh, about 1 s slower each ({why})")
        setup = Setup(limits, tuple(hide), isolate, factory, refused)
        if factory is None and (why := starts(setup)):
            raise KernelGone(why)
    except BaseException:  # no kernel starts, or Ctrl-C or SIGTERM meanwhile: the factory must not outlive us
        if factory is not None:
            factory.close()
        raise
    return setup, notes


def finish(setup: Setup) -> None:
    """Stop the warm factory, if there is one."""
    if setup.factory is not None:
        setup.factory.close()
