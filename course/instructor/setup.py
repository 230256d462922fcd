"""How kernels are made for a grading run, decided once: namespaces or not, forked or fresh.

`prepare` tries the strongest and fastest setup this machine allows and falls back step
by step, saying why: namespaces if Linux lets us (kernels.isolation_works), kernels forked
from a warm factory if it starts (kernels.Factory), else each kernel started afresh. One
kernel is started before grading begins, so a grader that cannot start any says so once.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course.instructor import kernels
from course.instructor.kernels import Factory, isolation_works
from course.instructor.sandbox import KernelGone, Limits, Sandbox, base_environment


@dataclass(frozen=True)
class Setup:
    """How every notebook's kernel is made: its limits, what it must not see, namespaces, warm factory."""

    limits: Limits
    hide: tuple = ()
    isolate: bool = False
    factory: Factory | None = None

    def sandbox(self) -> Sandbox:
        return Sandbox(self.limits, list(self.hide), self.isolate, self.factory)

    def describe(self) -> str:
        """Return one line for the summary: how isolated the kernels were and how they started."""
        isolation = ("a private file system, process list and no network (Linux namespaces)" if self.isolate
                     else "limits and a private working folder only (no Linux user namespaces)")
        return f"isolation: {isolation}; kernels {'forked from a warm factory' if self.factory else 'started afresh'}"


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
    notes, isolate = [], isolation_works()
    factory, why = warm_factory(modules)
    if factory is not None and (why := starts(Setup(limits, tuple(hide), isolate, factory))):
        factory.close()
        factory = None
    if why:
        notes.append(f"kernels start afresh, about 1 s slower each ({why})")
    setup = Setup(limits, tuple(hide), isolate, factory)
    if factory is None and (why := starts(setup)):
        raise KernelGone(why)
    return setup, notes


def finish(setup: Setup) -> None:
    """Stop the warm factory, if there is one."""
    if setup.factory is not None:
        setup.factory.close()
