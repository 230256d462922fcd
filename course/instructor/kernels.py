"""Kernel processes for the sandbox: forked by the warm factory (zygote.py), or started afresh behind jail.py.

Either way the grader holds a small handle that can tell whether the kernel is alive,
signal it and kill it. A forked kernel is not our child, so it is watched through a
pidfd (which, unlike a process id, can never come to mean another process).
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from functools import cache
from pathlib import Path

ZYGOTE = Path(__file__).with_name("zygote.py")
JAIL = Path(__file__).with_name("jail.py")
SYSTEM_PATHS = ["/usr", "/bin", "/lib", "/lib32", "/lib64", "/libx32", "/sbin", "/etc/ld.so.cache",
                "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/fonts"]
# Given to every kernel, forked or fresh. Printed text goes out in messages small enough
# for the grader to accept however fast a notebook prints (streams.py).
KERNEL_OPTIONS = ["--HistoryManager.enabled=False", "--IPKernelApp.quiet=True",
                  "--IPKernelApp.outstream_class=course.instructor.streams.ChunkedOutStream"]


def python_paths() -> list[str]:
    """Return the folders the kernel's Python needs: its prefixes, sys.path and the course."""
    import course

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(course.__file__).resolve().parents[1])}
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    paths.add(str(Path(sys.executable).resolve().parent))
    return sorted(paths | {os.path.realpath(p) for p in paths})


def jail_command(config: dict, command: list[str]) -> list[str]:
    """Return `command` behind jail.py; its configuration travels base64-encoded (see jail.py)."""
    encoded = base64.b64encode(json.dumps(config).encode()).decode("ascii")
    return [sys.executable, "-I", str(JAIL), encoded, "--"] + command


def isolation_works() -> bool:
    """Return whether this machine can run a kernel inside the namespace jail (tried once)."""
    return sys.platform.startswith("linux") and shutil.which("unshare") is not None and _jail_runs()


@cache
def _jail_runs() -> bool:
    """Return whether a command runs behind jail.py with namespaces (only asked on Linux)."""
    with tempfile.TemporaryDirectory(prefix="course-probe-") as tmp:
        os.mkdir(f"{tmp}/root")
        config = {"cwd": tmp, "limits": {"memory_mb": 2048, "cpu_seconds": 10, "file_mb": 64},
                  "isolate": {"root": f"{tmp}/root", "expose": SYSTEM_PATHS + python_paths(),
                              "writable": [tmp], "hide": []}}
        command = jail_command(config, [sys.executable, "-c", "import json"])
        try:
            return subprocess.run(command, capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False


def readable(fd, seconds: float = 0.0) -> bool:
    """Return whether `fd` (a number or a file) has something to read within `seconds`.

    poll, not select: select() refuses descriptors from 1024 on, which a grader running
    many kernels at once (about 21 descriptors each) reaches.
    """
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(int(seconds * 1000)))


class Forked:
    """A kernel the factory forked, known by its process id."""

    def __init__(self, pid: int):
        self.pid = pid
        self.fd = os.pidfd_open(pid)

    def alive(self) -> bool:
        """Return whether the kernel still runs (its pidfd becomes readable when it ends)."""
        return self.fd is not None and not readable(self.fd)

    def signal(self, signum: int) -> None:
        try:
            signal.pidfd_send_signal(self.fd, signum)
        except (ProcessLookupError, OSError):
            pass  # it has ended already

    def close(self) -> None:
        """Kill the kernel (and, in its own process namespace, everything it started)."""
        if self.fd is not None:
            self.signal(signal.SIGKILL)
            os.close(self.fd)
            self.fd = None


class Spawned:
    """A kernel started as a new process behind jail.py, in a session of its own."""

    def __init__(self, command: list[str], env: dict, cwd: str, log: Path):
        with open(log, "wb") as output:
            self.process = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output,
                                            stderr=output, start_new_session=True)
        self.pid = self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)  # the whole group: with namespaces, the kernel is a grandchild
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        self.signal(signal.SIGKILL)
        self.process.wait()


class Factory:
    """The grader's end of zygote.py: one warm process, asked for kernels one at a time.

    `folder` (which the factory owns and deletes) is its home: matplotlib's cache, its log.
    """

    def __init__(self, modules: list[str], env: dict, folder: Path, ready_seconds: float = 120.0):
        self.lock, self.folder, self.broken = threading.Lock(), folder, False
        with open(folder / "factory.log", "wb") as output:
            self.process = subprocess.Popen([sys.executable, str(ZYGOTE), json.dumps(modules)], env=env,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=output)
        try:
            answer = self._answer(ready_seconds)
        except BaseException:  # Ctrl-C or SIGTERM while it loads: it must not outlive us
            self.close()
            raise
        if not answer.get("ready"):
            self.close()
            raise OSError(answer.get("error") or "the kernel factory did not start")

    def _answer(self, seconds: float) -> dict:
        """Read the factory's next answer; with none in time it is broken (a late one would answer the next request)."""
        line = self.process.stdout.readline() if readable(self.process.stdout, seconds) else b""
        if not line:
            self.broken = True
            return {"error": "the kernel factory did not answer"}
        try:
            return json.loads(line)
        except ValueError:
            return {"error": "the kernel factory sent an unreadable answer"}

    def spawn(self, request: dict) -> Forked:
        """Return a handle on a kernel forked for `request` (see zygote.py); OSError if none could be."""
        with self.lock:
            if self.broken:
                raise OSError("the kernel factory stopped answering")
            try:
                self.process.stdin.write(json.dumps(request).encode() + b"\n")
                self.process.stdin.flush()
            except (BrokenPipeError, OSError):
                self.broken = True
                raise OSError("the kernel factory stopped") from None
            answer = self._answer(30.0)
        if "pid" not in answer:
            raise OSError(answer.get("error", "no kernel"))
        return Forked(int(answer["pid"]))

    def close(self) -> None:
        """Stop the factory (its kernels die with it), close our ends of its pipes and delete its folder."""
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):  # a request still buffered cannot be flushed to a dead process
                pipe.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def supported() -> bool:
    """Return whether kernels can be forked here (Linux with pidfds; elsewhere each starts afresh)."""
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")
