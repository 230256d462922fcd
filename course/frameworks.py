"""PyTorch and JAX for lesson 15: a one-line message when they are missing, and their CPU install.

In a notebook, `require()` comes first:

    from course.frameworks import require
    require()   # without PyTorch or JAX: one line saying how to install them, no traceback

On the command line, `python -m course.frameworks` (what `make frameworks` runs) installs
the `frameworks` extra with the versions of constraints.txt, taking PyTorch's CPU build:
on Linux, PyPI's `torch` is a CUDA build of several gigabytes, so the CPU build of the same
version is installed first, from a local wheel that pip's find-links offers or else from
PyTorch's CPU index, and never from PyPI. PyPI's builds for macOS and Windows are CPU builds.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

NEEDED = {"torch": "PyTorch", "jax": "JAX"}
INSTALL = "make frameworks"
INSTALL_WITHOUT_MAKE = "python -m course.frameworks"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
ROOT = Path(__file__).resolve().parent.parent
# One thread for XLA's CPU code, as for OpenBLAS (the Makefile's OPENBLAS_NUM_THREADS=1): read when jax starts.
XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


class FrameworksMissing(ImportError):
    """PyTorch or JAX is not installed. IPython shows this as its one-line message, without a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def missing() -> list[str]:
    """Return the names (PyTorch, JAX) of the frameworks that cannot be imported here."""
    return [name for module, name in NEEDED.items() if not _findable(module)]


def _findable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):   # blocked (sys.modules[name] = None) or a broken install
        return False


def require() -> None:
    """Raise FrameworksMissing, saying how to install them, unless PyTorch and JAX can be imported.

    Also sets XLA_FLAGS (unless already set) so that JAX, imported next, computes on one thread.
    """
    absent = missing()
    if absent:
        raise FrameworksMissing(
            f"This notebook needs {' and '.join(absent)}, which {'is' if len(absent) == 1 else 'are'} not installed "
            f"in this Python: run `{INSTALL}` in the course folder (without make: `{INSTALL_WITHOUT_MAKE}`), "
            "then restart the kernel (Kernel > Restart Kernel).")
    os.environ.setdefault("XLA_FLAGS", XLA_FLAGS)


# --- installing (python -m course.frameworks) ---------------------------------------


def locked_version(name: str, lock: Path) -> str | None:
    """Return the version constraints.txt pins for `name`, or None."""
    for line in lock.read_text(encoding="utf-8").splitlines():
        pin, _, version = line.split("#", 1)[0].strip().partition("==")
        if pin.strip().lower() == name and version:
            return version.strip()
    return None


def needs_cpu_wheel(system: str) -> bool:
    """Return whether PyPI's torch for this system is a CUDA build, so the CPU build must come from elsewhere."""
    return system == "Linux"


def is_cpu_build(version: str) -> bool:
    """Return whether a torch version names the CPU build: "2.13.0+cpu" (PEP 440 local label)."""
    return version.partition("+")[2] == "cpu"


def pip(python: str, *args: str, quiet: bool = True) -> list[str]:
    """Return the pip command line for `python`."""
    return [python, "-m", "pip", *(("--quiet",) if quiet else ()), "--disable-pip-version-check", *args]


def local_cpu_torch(python: str, requirement: str) -> bool:
    """Return whether pip finds a CPU build of `requirement` without any index (a wheel from find-links)."""
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        result = subprocess.run(pip(python, "install", "--dry-run", "--ignore-installed", "--no-index", "--no-deps",
                                    "--report", str(report_path), requirement),
                                capture_output=True, text=True)
        if result.returncode != 0 or not report_path.exists():
            return False
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except ValueError:
            return False
    return any(item["metadata"]["name"] == "torch" and is_cpu_build(item["metadata"]["version"])
               for item in report.get("install", []))


def torch_commands(python: str, requirement: str, system: str, local: bool) -> list[list[str]]:
    """Return the pip commands that install the CPU build of torch (none where PyPI's build is the CPU build)."""
    if not needs_cpu_wheel(system):
        return []
    if local:
        return [pip(python, "install", "--no-index", "--no-deps", requirement)]
    return [pip(python, "install", "--no-deps", "--index-url", CPU_INDEX, requirement)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.frameworks", description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "constraints.txt", help="the constraints file")
    parser.add_argument("--extras", default="frameworks", help="the extras to install, e.g. test,frameworks")
    parser.add_argument("--newest", action="store_true", help="ignore the lock: the newest torch (for make lock)")
    args = parser.parse_args(argv)
    python = sys.executable
    version = None if args.newest else locked_version("torch", args.lock)
    requirement = f"torch=={version}" if version else "torch"
    system = platform.system()
    local = needs_cpu_wheel(system) and local_cpu_torch(python, requirement)
    for command in torch_commands(python, requirement, system, local):
        print("frameworks: the CPU build of PyTorch:", " ".join(command[3:]), flush=True)
        if subprocess.run(command).returncode != 0:
            print(f"frameworks: could not install PyTorch's CPU build from {CPU_INDEX}. PyPI's torch for Linux is "
                  "a CUDA build of several GB, so it is not taken instead. Install the CPU build yourself "
                  "(https://pytorch.org/get-started/locally/), then run this again.", file=sys.stderr)
            return 1
    constraints = [] if args.newest else ["-c", str(args.lock)]
    command = pip(python, "install", *constraints, "-e", f"{ROOT}[{args.extras}]")
    print("frameworks:", " ".join(command[3:]), flush=True)
    return subprocess.run(command).returncode


if __name__ == "__main__":
    sys.exit(main())
