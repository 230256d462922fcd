"""Start a grading kernel inside limits: run as `python jail.py CONFIG -- KERNEL_CMD...`.

The grader puts this file (by path, so no package is imported first) in front of the
kernel command. It first ties the kernel's life to the grader's (if the grader dies, so
does the kernel: Linux's prctl, which other systems lack), and when CONFIG has "isolate"
runs itself again inside `unshare --user --mount --pid --net` (new namespaces: its own
mounts, process list, no network). Then:
  1. build_root   (isolated only) a new, mostly read-only root file system holding only
                  the paths the kernel needs, the job folders writable, given paths hidden
  2. drop_powers  (isolated only) no capabilities, ever again, so the kernel cannot unmount
                  what hides SUBMISSIONS or raise its limits
  3. set_limits   address space, CPU seconds, file size, no core files; no new privileges
then replaces itself with the kernel. CONFIG is base64-encoded JSON (the kernel launcher
would otherwise read its braces as templates). It uses only the standard library.
"""
import base64
import ctypes
import json
import os
import resource
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC = 1024, 2048, 4096, 8192, 16384
MS_PRIVATE, MS_RELATIME = 1 << 18, 1 << 21
# statvfs flag -> mount flag: a bind mount from outside the namespace has these locked,
# and a read-only remount must repeat them or the kernel refuses it. Only Linux has them
# all (and mounts); elsewhere this file is still loaded for its limits.
LOCKED = {getattr(os, f"ST_{name}"): flag for name, flag in (
    ("NOSUID", MS_NOSUID), ("NODEV", MS_NODEV), ("NOEXEC", MS_NOEXEC), ("NOATIME", MS_NOATIME),
    ("NODIRATIME", MS_NODIRATIME), ("RELATIME", MS_RELATIME)) if hasattr(os, f"ST_{name}")}
DEVICES = ("null", "zero", "full", "random", "urandom")
UNSHARE = ["unshare", "--user", "--map-root-user", "--mount", "--pid", "--fork", "--net", "--kill-child", "--"]
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, CLEAR_ALL = 24, 28, 38, 47, 4
# SECBIT_NOROOT and SECBIT_NO_SETUID_FIXUP, each with its lock bit: uid 0 gains nothing on exec.
SECUREBITS = 0b1111

LINUX = sys.platform.startswith("linux")
libc = ctypes.CDLL(None, use_errno=True)


def prctl(option: int, value: int, what: str) -> None:
    """Call prctl(2) on Linux (other systems have no such call, and get only the limits)."""
    if LINUX:
        _check(libc.prctl(option, value, 0, 0, 0), what)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def mount(source, target: str, fstype=None, flags: int = 0, data=None) -> None:
    """Call mount(2); bytes in, OSError out."""
    enc = (lambda s: s.encode() if isinstance(s, str) else s)
    _check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def bind(source: str, target: str, writable: bool = False) -> None:
    """Bind `source` at `target` (creating the target), read-only unless `writable`."""
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    # Not recursive: mounts below `source` (this job's own new root, say) stay out of sight.
    mount(source, target, None, MS_BIND)
    if not writable:
        kept = os.statvfs(source).f_flag
        flags = sum(flag for st, flag in LOCKED.items() if kept & st)
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)


def expose(path: str, root: str) -> None:
    """Make `path` appear at the same place under `root`: a top-level symlink as a symlink, else a bind.

    A path inside one already exposed is bound again: it may be a mount of its own there.
    """
    target = root + path
    if os.path.islink(path) and os.path.dirname(path) == "/":
        os.symlink(os.readlink(path), target)
    elif os.path.exists(path):
        bind(path, target)


def hide(path: str, root: str) -> None:
    """Cover `path` under `root` with something empty (a folder or /dev/null)."""
    target = root + path
    if os.path.isdir(target):
        mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0555")
    elif os.path.lexists(target):
        mount(root + "/dev/null", target, None, MS_BIND)


def add_system(root: str) -> None:
    """Give the new root its devices, a private /proc and small scratch folders."""
    for name in DEVICES:
        bind(f"/dev/{name}", f"{root}/dev/{name}", writable=True)
    for name, target in {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1",
                         "stderr": "/proc/self/fd/2"}.items():
        os.symlink(target, f"{root}/dev/{name}")
    for scratch in ("/tmp", "/dev/shm"):
        os.makedirs(root + scratch, exist_ok=True)
        mount("tmpfs", root + scratch, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
    os.makedirs(root + "/proc", exist_ok=True)
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def build_root(plan: dict) -> None:
    """Switch to a new root holding `expose` (read-only), `writable`, and nothing of `hide`."""
    root = plan["root"]
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755")
    os.makedirs(root + "/dev", exist_ok=True)
    add_system(root)
    for path in sorted(set(plan["expose"]), key=len):
        expose(path, root)
    for path in plan["writable"]:
        bind(path, root + path, writable=True)
    for path in plan["hide"]:
        hide(path, root)
    mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(root)
    mount(root, "/", None, MS_MOVE)
    os.chroot(".")


class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_powers() -> None:
    """Give up every capability for good: none now, none after exec."""
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    prctl(PR_CAP_AMBIENT, CLEAR_ALL, "ambient capabilities")
    prctl(PR_SET_SECUREBITS, SECUREBITS, "securebits")
    # Empty effective, permitted and inheritable sets (capability format version 3: two 32-bit halves).
    _check(libc.capset(ctypes.byref(CapHeader(0x20080522, 0)), (CapData * 2)()), "capset")


def set_limits(limits: dict) -> list[str]:
    """Set hard limits (soft = hard) so the kernel cannot raise them; return those the system refused.

    On Linux a refused limit stops the kernel (OSError or ValueError). macOS refuses some
    (the address-space limit, say); there the rest is set and the grader reports the gap.
    """
    refused = []
    for name, value in (("RLIMIT_AS", limits["memory_mb"] << 20), ("RLIMIT_CPU", limits["cpu_seconds"]),
                        ("RLIMIT_FSIZE", limits["file_mb"] << 20), ("RLIMIT_CORE", 0)):
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (ValueError, OSError):
            if LINUX:
                raise
            refused.append(name)
    return refused


def enter_namespaces(argv, config: dict) -> None:
    """Die with the grader, then run this file again in new namespaces (see the module docstring)."""
    prctl(PR_SET_PDEATHSIG, 9, "parent death signal")
    inner = base64.b64encode(json.dumps(config | {"inside": True}).encode()).decode("ascii")
    os.execvp(UNSHARE[0], UNSHARE + [sys.executable, "-I", os.path.abspath(__file__), inner] + argv[2:])


def main(argv) -> None:
    config, command = json.loads(base64.b64decode(argv[1])), argv[3:]
    try:
        if config.get("isolate") and not config.get("inside"):
            enter_namespaces(argv, config)
        if config.get("isolate"):
            build_root(config["isolate"])
            drop_powers()
        else:
            prctl(PR_SET_PDEATHSIG, 9, "parent death signal")
        prctl(PR_SET_NO_NEW_PRIVS, 1, "no_new_privs")
        os.chdir(config["cwd"])
        set_limits(config["limits"])
    except (OSError, ValueError) as exc:
        sys.exit(f"course grade: the kernel's sandbox could not be set up ({exc})")
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv)
