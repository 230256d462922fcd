"""Does `course grade`, told to stop while it grades (SIGTERM, or its terminal closing), clean up and say so?

Each test runs the real command on a small class in a subprocess whose temporary folder is
private, so what it leaves behind (job folders, the kernel factory's folder, processes
that still mention that folder) can be counted.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.instructor.classroom import Stopped, stopping_on_signals
from course.instructor.kernels import supported

STEM = "00-what-is-an-ai-researcher"
pytestmark = pytest.mark.skipif(not supported(), reason="signals and /proc are tested on Linux")


def write_notebook(path: Path, *sources: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)


@pytest.fixture
def small_class(tmp_path):
    """A course whose one exercise imports nothing (a quick factory), and one student whose notebook runs on."""
    write_notebook(tmp_path / "course" / "exercises" / f"{STEM}.ipynb",
                   "q1.check(top_confusions)", "q2.check(confidence_by_correctness)")
    write_notebook(tmp_path / "submissions" / "ann" / f"{STEM}.ipynb",
                   "open('started', 'w').close()\nimport time\ntime.sleep(60)")
    (tmp_path / "tmp").mkdir()
    return tmp_path


def processes_mentioning(text: str) -> list[int]:
    """Return the ids of other processes whose command line or environment contains `text`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        for part in ("cmdline", "environ"):
            try:
                if text.encode() in Path(f"/proc/{entry}/{part}").read_bytes():
                    found.append(int(entry))
                    break
            except OSError:  # it ended meanwhile, or is not ours to read
                continue
    return found


def wait_for(condition, seconds: float):
    """Return condition()'s first true value within `seconds`, else its last value."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def hang_up(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGHUP)  # a closing terminal hangs up its whole foreground process group


def terminate(process: subprocess.Popen) -> None:
    process.terminate()  # `kill PID`, or a service manager stopping the job


def interrupt(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group


@pytest.mark.parametrize("send, status, said", [
    (hang_up, 128 + signal.SIGHUP, "stopped by SIGHUP"), (terminate, 128 + signal.SIGTERM, "stopped by SIGTERM"),
    (interrupt, 130, "interrupted"),
], ids=["terminal-closed", "sigterm", "ctrl-c"])
def test_does_a_grader_told_to_stop_remove_its_kernels_and_folders_and_say_so_in_one_line(small_class, send, status,
                                                                                            said):
    private = small_class / "tmp"
    command = [sys.executable, "-m", "course.instructor.cli", "grade", str(small_class / "submissions"),
               "--out", str(small_class / "gradebook.csv"), "--root", str(small_class / "course"),
               "--jobs", "1", "--timeout", "60", "--memory", "1024"]
    # A session of its own, as a terminal gives a command; SIGINT as a shell leaves it (pytest may ignore it).
    process = subprocess.Popen(command, env=os.environ | {"TMPDIR": str(private)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert wait_for(lambda: list(private.glob("course-grade-*/work/started")), 60), "the notebook never started"
        # The grader and its kernel (and factory): the check at the end would see any of them left.
        assert len(processes_mentioning(str(private))) >= 2
        send(process)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert (process.returncode, err.decode().strip().splitlines()[-1:]) == (
        status, [f"course grade: {said}; no gradebook written"])
    assert "Traceback" not in err.decode()
    assert not (small_class / "gradebook.csv").exists()
    assert wait_for(lambda: not processes_mentioning(str(private)), 5), "processes outlived the grader"
    assert sorted(p.name for p in private.iterdir()) == []


def test_is_a_stop_still_reported_when_code_unwinding_from_it_fails():
    """SIGTERM lands inside, say, subprocess.run, whose cleanup then raises ValueError: the stop must win."""
    with pytest.raises(Stopped) as stopped:
        with stopping_on_signals():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
            except Stopped:
                raise ValueError("Invalid file descriptor: -1") from None
    assert stopped.value.signum == signal.SIGTERM
