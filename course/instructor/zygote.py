"""A warm kernel factory: import what the exercises use once, then fork a fresh kernel per notebook.

Starting a Python kernel and importing numpy, scikit-learn and the course's checkers
costs about 1.5 s of CPU; a fork of a process that already did costs a few milliseconds.
The grader starts this file as `python zygote.py MODULES_JSON` with the kernels' base
environment. It imports those modules (trusted: they come from the course's own
exercises, never from a submission), prints {"ready": true}, then answers one JSON
request per line on stdin with one JSON line:

    {"config": <jail.py config>, "connection_file": ..., "env": {...}, "log": ...}
    -> {"pid": <the kernel's process id>} or {"error": "why"}

Each kernel is a fork that never ran anyone's code: it gets a session of its own, the
jail's namespaces, file system, powers and limits (jail.py, the same steps as a fresh
kernel), the request's environment and working folder, then becomes an IPython kernel.
It dies with the factory, and the factory dies with the grader.
"""
import importlib
import json
import os
import signal
import sys
import threading

from course.instructor import jail
from course.instructor.kernels import KERNEL_OPTIONS

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000


def reap(signum=None, frame=None) -> None:
    """Collect every child that has ended, so none lingers as a zombie."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def enter_namespaces() -> None:
    """Move this process into new user, mount, network and (for its next child) process namespaces."""
    uid, gid = os.getuid(), os.getgid()
    jail._check(jail.libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def detach(log: str, keep: int) -> None:
    """Give the new process its own session, default signals, and no file descriptor of ours but `keep`."""
    os.setsid()
    for signum in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    jail.prctl(jail.PR_SET_PDEATHSIG, signal.SIGKILL, "parent death signal")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))


def report(fd: int, message: dict) -> None:
    os.write(fd, json.dumps(message).encode())
    os.close(fd)


def become_kernel(request: dict) -> None:
    """Apply the jail's limits, take the request's environment, and run an IPython kernel; never returns."""
    config = request["config"]
    if config.get("isolate"):
        jail.build_root(config["isolate"])
        jail.drop_powers()
    jail.prctl(jail.PR_SET_NO_NEW_PRIVS, 1, "no_new_privs")
    os.chdir(config["cwd"])
    jail.set_limits(config["limits"])
    os.environ.clear()
    os.environ.update(request["env"])
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["-f", request["connection_file"], *KERNEL_OPTIONS])
    app.start()
    os._exit(0)


def child(request: dict, fd: int) -> None:
    """In the forked process: set up and report the kernel's process id; never returns."""
    try:
        detach(request["log"], fd)
        if request["config"].get("isolate"):
            enter_namespaces()
            kernel = os.fork()  # the kernel: process 1 of the new process namespace
            if kernel:
                report(fd, {"pid": kernel})
                os._exit(os.waitstatus_to_exitcode(os.waitpid(kernel, 0)[1]) & 0xFF)
            jail.prctl(jail.PR_SET_PDEATHSIG, signal.SIGKILL, "parent death signal")
            os.close(fd)
        else:
            report(fd, {"pid": os.getpid()})
        become_kernel(request)
    except BaseException as exc:  # whatever happens, this process must not return into the factory's loop
        try:
            report(fd, {"error": f"{type(exc).__name__}: {exc}"})
        except OSError:
            print(f"course grade: kernel setup failed ({type(exc).__name__}: {exc})", file=sys.stderr)
    os._exit(70)


def spawn(request: dict) -> dict:
    """Fork one kernel for `request` and return its process id (or why it failed)."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.close(read_end)
        child(request, write_end)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    try:
        return json.loads(b"".join(chunks) or b'{"error": "the kernel process ended before it started"}')
    except ValueError:
        return {"error": "the kernel process sent an unreadable answer"}


def main(argv) -> None:
    jail.prctl(jail.PR_SET_PDEATHSIG, signal.SIGKILL, "parent death signal")
    # Ctrl-C and a closing terminal reach every process in the grader's group; they are for the
    # grader, which stops its kernels and then us in order.
    for signum in (signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, reap)
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything a module prints while it loads must not reach the grader as an answer
    for name in json.loads(argv[1]):
        try:
            importlib.import_module(name)
        except Exception as exc:  # the notebook will import it itself, and show the error there
            print(f"course grade: could not preload {name} ({type(exc).__name__}: {exc})", file=sys.stderr)
    # A fork copies only the thread that forks: a module that started a thread would leave kernels broken.
    alone = threading.active_count() == 1
    print(json.dumps({"ready": alone, "error": "" if alone else "a preloaded module started a thread"}),
          file=answers, flush=True)
    for line in sys.stdin:
        print(json.dumps(spawn(json.loads(line))), file=answers, flush=True)


if __name__ == "__main__":
    main(sys.argv)
