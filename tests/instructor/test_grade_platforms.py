"""Off Linux, does the grader say exactly which protections it lacks, and refuse where it cannot sandbox at all?

The other systems are simulated here (sys.platform, hidden modules and functions), as far
as the code allows; no test starts a kernel, which would still run on this machine.
"""
import contextlib
import io
import os
import runpy
import signal
import sys

import nbformat
import pytest

from course.instructor import classroom, cli, jail, kernel_setup  # noqa: F401 (imported before any simulation)
from course.instructor.kernels import JAIL
from course.instructor.sandbox import Limits

STEM = "00-what-is-an-ai-researcher"
LINUX_ONLY_FLAGS = ("ST_NODEV", "ST_NOEXEC", "ST_NOATIME", "ST_NODIRATIME", "ST_RELATIME", "ST_SYNCHRONOUS",
                    "ST_MANDLOCK", "ST_WRITE", "ST_APPEND", "ST_IMMUTABLE")


def grade(submissions, out):
    """Run `course grade` in this process; return (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = cli.main(["grade", str(submissions), "--out", str(out)])
        except SystemExit as exit_:
            code = exit_.code
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def empty_submission(tmp_path):
    """One student whose notebook has no code: graded without starting a kernel."""
    path = tmp_path / "submissions" / "ann" / f"{STEM}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("nothing yet")]), path)
    return tmp_path / "submissions"


@pytest.fixture
def windows(monkeypatch):
    """Windows as the grader sees it: no resource module, no process groups, no SIGKILL or SIGHUP."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "resource", None)  # `import resource` now raises ImportError
    monkeypatch.delattr(os, "killpg")
    for name in ("SIGKILL", "SIGHUP"):
        monkeypatch.delattr(signal, name)


@pytest.fixture
def macos(monkeypatch):
    """macOS as the grader sees it: no prctl (so no namespaces either) and no Linux mount flags."""
    monkeypatch.setattr(sys, "platform", "darwin")
    for name in LINUX_ONLY_FLAGS:
        monkeypatch.delattr(os, name, raising=False)


def test_on_windows_does_course_grade_stop_with_one_line_and_status_2(windows, empty_submission, tmp_path):
    code, _, err = grade(empty_submission, tmp_path / "gradebook.csv")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("course grade: cannot grade here:") and "resource" in err and "SIGKILL" in err
    assert not (tmp_path / "gradebook.csv").exists()


def test_on_macos_does_the_summary_name_the_missing_protections_and_claim_only_the_rest(
        macos, monkeypatch, empty_submission, tmp_path):
    monkeypatch.setattr(kernel_setup, "starts", lambda made: "")  # no kernel is needed for an empty notebook
    monkeypatch.setattr(kernel_setup, "probe_limits", lambda limits: ["RLIMIT_AS"])  # as macOS answers
    code, out, err = grade(empty_submission, tmp_path / "gradebook.csv")
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("isolation:"))
    claimed, _, missing = line.partition("; missing on this system: ")
    assert "limits (CPU time, file size, core dump size) and a private working folder only" in claimed
    assert "memory" not in claimed and "no Linux user namespaces" in claimed
    assert "the memory limit (refused by the system)" in missing
    assert "killing kernels when the grader dies (no prctl" in missing
    assert "no new privileges (no prctl" in missing


def test_on_linux_does_the_summary_claim_every_limit_and_miss_nothing(monkeypatch):
    monkeypatch.setattr(kernel_setup, "warm_factory", lambda modules: (None, "not needed here"))
    monkeypatch.setattr(kernel_setup, "starts", lambda made: "")
    monkeypatch.setattr(kernel_setup, "isolation_works", lambda: False)
    made, _ = kernel_setup.prepare(Limits(), [], set())
    assert made.describe() == ("isolation: limits (memory, CPU time, file size, core dump size) and a private "
                               "working folder only (no Linux user namespaces); kernels started afresh")


def test_does_jail_load_where_statvfs_has_no_linux_mount_flags(macos):
    assert runpy.run_path(str(JAIL))["LINUX"] is False


def test_does_jail_off_linux_return_the_limits_the_system_refuses_and_set_the_rest(monkeypatch):
    applied = []

    def setrlimit(which, values):
        if which == jail.resource.RLIMIT_AS:
            raise ValueError("current limit exceeds maximum limit")  # what macOS says
        applied.append(which)

    monkeypatch.setattr(jail, "LINUX", False)
    monkeypatch.setattr(jail.resource, "setrlimit", setrlimit)
    assert jail.set_limits({"memory_mb": 1024, "cpu_seconds": 10, "file_mb": 64}) == ["RLIMIT_AS"]
    assert len(applied) == 3


def test_does_the_limits_probe_run_jails_own_code_and_find_nothing_refused_here():
    assert kernel_setup.probe_limits(Limits(memory_mb=1024)) == []
