"""One sandboxed kernel for one notebook, driven with time and output limits.

The kernel (forked by the warm factory, or started afresh: kernels.py) gets a job folder
of its own (a working folder holding only the notebook's copy, a home, its sockets), a
clean environment, a memory, CPU and file-size limit, and, where Linux user namespaces
work, a private root file system, process list and no network (jail.py). It talks to us
over Unix sockets, and every message it sends is capped in size, so nothing it prints or
returns can exhaust the grader's memory.
"""
from __future__ import annotations

import ast
import os
import queue
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from course.instructor.kernels import KERNEL_OPTIONS, SYSTEM_PATHS, Factory, Spawned, jail_command, python_paths
from course.instructor.outputs import Outputs
from course.instructor.watchdog import Watchdog

GRACE = 3.0  # seconds a kernel gets to answer an interrupt before it is killed


def base_environment() -> dict:
    """Return the environment every kernel shares (each adds its own folders): nothing of the instructor's."""
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           # Few malloc arenas: each thread's arena reserves 64 MB of address space, which counts
           # against the memory limit without being used.
           "MALLOC_ARENA_MAX": "2"}
    env.update(dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
    if "COURSE_ASSETS" in os.environ:
        env["COURSE_ASSETS"] = os.environ["COURSE_ASSETS"]
    return env


@dataclass(frozen=True)
class Limits:
    """What one notebook may use."""

    cell_seconds: float = 30.0
    notebook_seconds: float = 120.0
    memory_mb: int = 2048
    output_chars: int = 2_000_000
    file_mb: int = 64
    message_mb: int = 32
    processes: int = 64  # at once, for the whole submission (watchdog.py)
    disk_mb: int = 512  # everything the submission writes in its job folder


def kernel_limits(limits: Limits) -> dict:
    """Return the limits jail.py sets on a kernel (its CPU time covers the cells and the checks, with room)."""
    return {"memory_mb": limits.memory_mb, "file_mb": limits.file_mb,
            "cpu_seconds": int(2 * limits.notebook_seconds) + 30}


class KernelGone(Exception):
    """The kernel died, or ignored an interrupt and was killed, or grading is stopping; its state is lost."""


class Sandbox:
    """A kernel in its own job folder; `run_cell` and `evaluate` drive it within limits.

    Once `stopping` is set (by another thread: the grader was told to stop), the kernel is
    killed at its next wait and no new one starts; both raise KernelGone.
    """

    def __init__(self, limits: Limits, hide: list[str], isolate: bool, factory: Factory | None = None,
                 stopping: threading.Event | None = None):
        self.limits, self.hide, self.isolate, self.factory = limits, hide, isolate, factory
        self.stopping = stopping if stopping is not None else threading.Event()
        self.base = Path(tempfile.mkdtemp(prefix="course-grade-"))
        self.work, self.home, self.run = (self.base / name for name in ("work", "home", "run"))
        self.process = self.kc = self.watchdog = None
        self.breach = ""  # why the watchdog stopped the last kernel ("" if it did not)
        try:
            for folder in (self.work, self.home / "tmp", self.run, self.base / "root"):
                folder.mkdir(parents=True)
        except BaseException:  # nothing else knows this folder yet
            shutil.rmtree(self.base, ignore_errors=True)
            raise
        self.outputs = Outputs(limits.output_chars)

    def config(self) -> dict:
        """Return jail.py's configuration for this job."""
        factory = [str(self.factory.folder)] if self.factory else []  # its matplotlib cache, say
        isolate = {"root": str(self.base / "root"), "expose": SYSTEM_PATHS + python_paths() + factory,
                   "writable": [str(self.work), str(self.home), str(self.run)], "hide": self.hide}
        return {"cwd": str(self.work), "limits": kernel_limits(self.limits),
                "isolate": isolate if self.isolate else None}

    def environment(self) -> dict:
        """Return the kernel's whole environment: nothing of the instructor's leaks in."""
        home = str(self.home)
        return base_environment() | {"HOME": home, "TMPDIR": f"{home}/tmp", "MPLCONFIGDIR": f"{home}/.mpl",
                                     "IPYTHONDIR": f"{home}/.ipython", "JUPYTER_RUNTIME_DIR": str(self.run),
                                     "COURSE_PROGRESS": f"{home}/progress.json"}

    def start(self, startup_seconds: float = 60.0) -> None:
        """Start a fresh kernel (stopping any previous one) and wait until it answers."""
        self.stop()
        if self.stopping.is_set():
            raise KernelGone("grading was stopped")
        key = secrets.token_hex(32)
        connection_file, info = write_connection_file(str(self.run / "kernel.json"), ip=str(self.run / "k"),
                                                      transport="ipc", key=key.encode())
        self._launch(connection_file)
        self.breach = ""
        self.watchdog = Watchdog(self.process.pid, self.base, self.limits.memory_mb, self.limits.processes,
                                 self.limits.disk_mb)
        self.watchdog.start()
        context = zmq.Context()
        # A peer that sends a bigger message is disconnected: the kernel cannot flood our memory.
        context.setsockopt(zmq.MAXMSGSIZE, self.limits.message_mb << 20)
        context.setsockopt(zmq.RCVHWM, 100)  # and at most this many wait unread
        context.setsockopt(zmq.LINGER, 0)
        self.kc = BlockingKernelClient(context=context)
        self.kc.load_connection_info(info)
        self.kc.start_channels()
        self._wait_until_ready(startup_seconds)
        self.outputs = Outputs(self.limits.output_chars)  # a new run of the notebook, new outputs

    def _launch(self, connection_file: str) -> None:
        """Start the kernel process: forked by the warm factory if there is one (and it works), else afresh."""
        log = self.run / "stderr.txt"
        if self.factory is not None:
            request = {"config": self.config(), "connection_file": connection_file, "env": self.environment(),
                       "log": str(log)}
            try:
                self.process = self.factory.spawn(request)
                return
            except OSError:
                pass  # a factory that failed costs speed, not the notebook
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file, *KERNEL_OPTIONS]
        self.process = Spawned(jail_command(self.config(), kernel), self.environment(), str(self.work), log)

    def _wait_until_ready(self, seconds: float) -> None:
        """Ask for kernel_info until its answer arrives on IOPub; KernelGone if the kernel ends or stays silent.

        Waiting on IOPub, not only on the shell reply, matters: a subscription takes a moment
        to reach the kernel, and what the kernel publishes before that is lost, which would
        lose the first cell's "idle" and make it look endless.
        """
        deadline = time.monotonic() + seconds
        idle = (lambda msg: msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle")
        while time.monotonic() < deadline:
            msg_id = self.kc.kernel_info()
            try:
                if self._wait(msg_id, "iopub", min(deadline, time.monotonic() + 0.5), idle):
                    return
            except KernelGone:
                break
        why = self._stderr() or (f"it did not answer within {seconds:g} s" if self.alive() else "it stopped")
        self.stop()
        raise KernelGone(f"the kernel did not start: {why}")

    def _stderr(self) -> str:
        """Return the last line the kernel wrote to its stderr (why it failed to start, say)."""
        with open(self.run / "stderr.txt", "rb") as stderr:
            stderr.seek(max(0, os.fstat(stderr.fileno()).st_size - 4000))
            lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.alive()

    def _next(self, channel: str, deadline: float):
        """Return the next message on `channel`, None at the deadline; KernelGone if the kernel died."""
        while time.monotonic() < deadline:
            if self.stopping.is_set():
                self.stop()
                raise KernelGone("grading was stopped")
            try:
                return getattr(self.kc, f"get_{channel}_msg")(timeout=min(0.25, max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                if not self.alive():
                    self.breach = self.watchdog.breach if self.watchdog else ""
                    raise KernelGone(f"the grader stopped the notebook: {self.breach}" if self.breach
                                     else "the kernel stopped") from None
            except Exception as exc:  # a notebook that patches json or zmq can garble the protocol itself
                self.stop()
                raise KernelGone(f"the kernel sent a message the grader could not read ({type(exc).__name__}); "
                                 "did the notebook replace a library the kernel itself uses?") from None
        return None

    def _wait(self, msg_id: str, channel: str, deadline: float, handle) -> bool:
        """Feed `handle` the messages answering `msg_id` until it returns True; False at the deadline."""
        while (msg := self._next(channel, deadline)) is not None:
            if msg["parent_header"].get("msg_id") == msg_id and handle(msg):
                return True
        return False

    def _finish(self, msg_id: str, channel: str, handle) -> None:
        """Interrupt the kernel and wait briefly for `msg_id` to end; kill it if it does not."""
        self.process.signal(signal.SIGINT)
        if not self._wait(msg_id, channel, time.monotonic() + GRACE, handle):
            self.stop()
            raise KernelGone("the kernel ignored an interrupt and was stopped")

    def run_cell(self, source: str, seconds: float) -> tuple[list, bool]:
        """Run one cell; return (its outputs, whether it ran out of time)."""
        cell = self.outputs.start_cell()
        msg_id = self.kc.execute(source, store_history=True, allow_stdin=False, stop_on_error=False)

        def handle(msg):
            if msg["msg_type"] == "status":
                return msg["content"].get("execution_state") == "idle"
            self.outputs.add(cell, msg)
            return False

        if self._wait(msg_id, "iopub", time.monotonic() + seconds, handle):
            return cell, False
        self._finish(msg_id, "iopub", handle)
        return cell, True

    def evaluate(self, code: str, expression: str, seconds: float) -> str | None:
        """Run `code` quietly and return the string `expression` names afterwards (None: out of time)."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False,
                                 stop_on_error=False, user_expressions={"r": expression})
        replies = []
        handle = (lambda msg: replies.append(msg) or True)
        if not self._wait(msg_id, "shell", time.monotonic() + seconds, handle):
            self._finish(msg_id, "shell", handle)
            return None
        found = replies[0]["content"].get("user_expressions", {}).get("r", {})
        text = found.get("data", {}).get("text/plain", "") if found.get("status") == "ok" else ""
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = None
        if not isinstance(value, str):
            raise ValueError(f"the kernel's answer could not be read ({found.get('ename', 'not a string')})")
        return value

    def stop(self) -> None:
        """Kill the kernel and close its channels (the job folder stays until `close`)."""
        if self.watchdog is not None:
            self.watchdog.stop()
            self.breach = self.breach or self.watchdog.breach
            self.watchdog = None
        if self.process is not None:
            self.process.close()
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc.context.destroy(linger=0)
        self.process = self.kc = None

    def close(self) -> None:
        """Stop the kernel and delete the job folder, even parts the notebook made unwritable."""
        self.stop()

        def unlock(function, path, _):
            os.chmod(os.path.dirname(path), 0o700)
            function(path)

        try:
            shutil.rmtree(self.base, onerror=unlock)
        except OSError:
            shutil.rmtree(self.base, ignore_errors=True)
