"""Limits on a whole submission, not one process: a thread that watches a kernel's process tree
and job folder, and ends the kernel with everything it started when, together, they use more
memory than `--memory`, run more processes than `--processes`, or write more than `--disk`.

Memory is each process's proportional share (PSS: a page shared by n processes counts 1/n to
each), so children forked from the kernel are not counted twice for pages they share. It
samples every `interval` seconds, so a submission can overshoot by what it allocates or
writes in that time (at most a few hundred MB) before it is stopped; the per-process limits
(address space, file size) still hold in between.
"""
from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import psutil

MAX_FILES = 20_000  # a folder with more files than this is a breach by itself (and costly to measure)


def tree(pid: int) -> list[psutil.Process]:
    """Return the process `pid` and all its descendants that still run."""
    try:
        root = psutil.Process(pid)
        return [root] + root.children(recursive=True)
    except psutil.Error:
        return []


def memory_mb(processes: list[psutil.Process]) -> float:
    """Return the processes' memory together, in MB (PSS; RSS where PSS cannot be read)."""
    total = 0
    for process in processes:
        try:
            try:
                total += process.memory_full_info().pss
            except (psutil.AccessDenied, AttributeError):
                total += process.memory_info().rss
        except psutil.Error:
            continue
    return total / (1 << 20)


def disk_mb(folder: Path) -> float:
    """Return the bytes under `folder` in MB (infinite past MAX_FILES files)."""
    total, count, stack = 0, 0, [str(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            count += 1
            if count > MAX_FILES:
                return float("inf")
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    total += entry.stat(follow_symlinks=False).st_blocks * 512
            except OSError:
                continue
    return total / (1 << 20)


class Watchdog(threading.Thread):
    """Watch one kernel; on a breach, say why in `breach` and kill its whole tree."""

    def __init__(self, pid: int, folder: Path, memory: int, processes: int, disk: int, interval: float = 0.2):
        super().__init__(daemon=True, name=f"watchdog-{pid}")
        self.pid, self.folder, self.interval = pid, folder, interval
        self.memory, self.processes, self.disk = memory, processes, disk
        self.breach, self.done = "", threading.Event()

    def check(self) -> str:
        """Return why the submission is over a limit now ("" if it is not)."""
        processes = tree(self.pid)
        if len(processes) > self.processes:
            return f"it started more than {self.processes} processes at once (the limit for a whole submission)"
        used = memory_mb(processes)
        if used > self.memory:
            return (f"its processes together used more than {self.memory} MB of memory (the limit for a whole "
                    f"submission; {used:.0f} MB when stopped)")
        written = disk_mb(self.folder)
        if written > self.disk:
            what = "more files than the grader counts" if written == float("inf") else f"{written:.0f} MB"
            return f"it wrote more than {self.disk} MB to disk (the limit for a whole submission; {what})"
        return ""

    def run(self) -> None:
        while not self.done.wait(self.interval):
            reason = self.check()
            if reason:
                self.breach = reason
                self.kill()
                return

    def kill(self) -> None:
        """Kill every process of the tree, the kernel last (with namespaces, that ends the rest too)."""
        for _ in range(3):
            processes = tree(self.pid)
            if not processes:
                return
            for process in reversed(processes):
                try:
                    process.send_signal(signal.SIGKILL)
                except psutil.Error:
                    pass

    def stop(self) -> None:
        """Stop watching (the kernel is being stopped anyway)."""
        self.done.set()
