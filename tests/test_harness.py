"""Does a test run leave the machine's temporary folder as it found it?"""
import os
import subprocess
import sys

from course.data import ROOT


def test_does_a_parallel_pytest_run_remove_its_progress_folders(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("COURSE_PROGRESS", None)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                          "tests/test_atomic.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("course-")) == []
