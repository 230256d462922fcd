"""Start JupyterLab for the course: what `course lab` (and `make lab`, which calls it) does.

First `prepare` makes sure this Python environment has the course's kernel spec (this
interpreter, one BLAS thread) and JupyterLab settings that keep it offline; it only writes
what is missing or wrong. Then `start` runs JupyterLab as a child process on the course
folder, opened at lesson 00, and returns its exit code. Nothing here needs make or a POSIX
shell, so it works the same on Windows, macOS and Linux.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

FIRST = "notebooks/00-what-is-an-ai-researcher.ipynb"
# One BLAS thread: on a 2-core laptop tiny matrix work is 2-4x slower with more.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
KERNEL_NAME = "python3"
DISPLAY_NAME = "Python 3 (course)"
# Offline: no news feed, no update check, no extension manager that asks PyPI.
OFFLINE_ARGS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]
NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension:notification"
OFFLINE_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}


def course_root(candidates) -> Path | None:
    """Return the first candidate folder that holds lesson 00, or None."""
    for folder in candidates:
        if (Path(folder) / FIRST).is_file():
            return Path(folder).resolve()
    return None


def has_display(platform: str = sys.platform, environ=os.environ) -> bool:
    """Return whether a browser can be shown: always on macOS and Windows, else with X11 or Wayland."""
    if platform in ("darwin", "win32", "cygwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def is_root() -> bool:
    """Return whether this process runs as root (POSIX); JupyterLab then needs --allow-root."""
    geteuid = getattr(os, "geteuid", None)  # absent on Windows
    return geteuid is not None and geteuid() == 0


def lab_command(root: Path, extra=(), *, display: bool, as_root: bool, python: str = sys.executable) -> list[str]:
    """Return the command that starts JupyterLab on `root` at lesson 00; `extra` comes last, so it wins."""
    return [
        python, "-m", "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{FIRST}",
        *OFFLINE_ARGS,
        *([] if display else ["--no-browser"]),
        *(["--allow-root"] if as_root else []),
        *extra,
    ]


def lab_environment(environ=os.environ) -> dict[str, str]:
    """Return a copy of `environ` for JupyterLab and its kernels: one BLAS thread, this environment's data first."""
    env = dict(environ)
    env.update(ONE_THREAD, PYDEVD_DISABLE_FILE_VALIDATION="1", JUPYTER_PREFER_ENV_PATH="1")
    return env


def kernel_spec_path(prefix) -> Path:
    """Return where the course's kernel spec lives under an environment's prefix."""
    return Path(prefix, "share", "jupyter", "kernels", KERNEL_NAME, "kernel.json")


def kernel_spec_is_right(path: Path, python: str = sys.executable) -> bool:
    """Return whether the kernel.json at `path` runs ipykernel in `python` with one BLAS thread."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
        argv, env = spec["argv"], spec.get("env", {})
    except (OSError, ValueError, TypeError, KeyError):
        return False
    return (isinstance(argv, list) and argv[:1] == [python] and "ipykernel_launcher" in argv
            and spec.get("display_name") == DISPLAY_NAME and isinstance(env, dict)
            and all(env.get(name) == value for name, value in ONE_THREAD.items()))


def ensure_kernel_spec(prefix=sys.prefix) -> bool:
    """Install the kernel spec under `prefix` unless it is already right; return whether it was written."""
    if kernel_spec_is_right(kernel_spec_path(prefix)):
        return False
    from ipykernel.kernelspec import install  # what `python -m ipykernel install --prefix` runs

    # install() stages the spec in a tmp*_kernels folder that it never removes: give it one we do
    saved = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="course-kernel-spec-") as staging:
        tempfile.tempdir = staging
        try:
            install(kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME, prefix=str(prefix), env=dict(ONE_THREAD))
        finally:
            tempfile.tempdir = saved
    return True


def settings_path(prefix) -> Path:
    """Return JupyterLab's overrides.json under an environment's prefix."""
    return Path(prefix, "share", "jupyter", "lab", "settings", "overrides.json")


def ensure_offline_settings(prefix=sys.prefix) -> bool:
    """Turn off JupyterLab's news and update checks in `prefix`'s overrides.json, keeping other overrides."""
    path = settings_path(prefix)
    try:
        overrides = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        overrides = {}
    if not isinstance(overrides, dict):
        overrides = {}
    plugin = overrides.get(NOTIFICATION_PLUGIN)
    plugin = dict(plugin) if isinstance(plugin, dict) else {}
    if all(plugin.get(key) == value for key, value in OFFLINE_SETTINGS.items()):
        return False
    overrides[NOTIFICATION_PLUGIN] = {**plugin, **OFFLINE_SETTINGS}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(overrides, indent=2) + "\n", encoding="utf-8")
    return True


def prepare(prefix=sys.prefix) -> list[str]:
    """Make the kernel spec and offline settings right under `prefix`; return one line per change or problem."""
    notes = []
    steps = ((ensure_kernel_spec, kernel_spec_path, f'the "{DISPLAY_NAME}" kernel spec'),
             (ensure_offline_settings, settings_path, "JupyterLab's offline settings"))
    for ensure, where, what in steps:
        try:
            if ensure(prefix):
                notes.append(f"wrote {what} to {where(prefix)}")
        except OSError as exc:
            notes.append(f"warning: could not write {what} to {where(prefix)}: {exc}")
    return notes


def exit_status(returncode: int) -> int:
    """Return a child's exit code as a shell reports it: killed by signal N (POSIX) becomes 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def run(command: list[str], env: dict[str, str]) -> int:
    """Run `command` as a child and return its exit status; SIGTERM is passed on, Ctrl-C is left to the child."""
    process = subprocess.Popen(command, env=env)
    main_thread = threading.current_thread() is threading.main_thread()  # only it may set handlers
    if main_thread:
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: process.send_signal(signum))
    try:
        while True:
            try:
                return exit_status(process.wait())
            except KeyboardInterrupt:
                pass  # the terminal sent Ctrl-C to JupyterLab as well: it asks, or stops, by itself
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def start(root: Path, extra=()) -> int:
    """Run JupyterLab on the course folder `root` at lesson 00, as `make lab` does; return its exit status."""
    command = lab_command(root, extra, display=has_display(), as_root=is_root())
    return run(command, lab_environment())
