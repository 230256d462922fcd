"""Do the limits hold for a whole submission, not one process? A notebook whose children together
use too much memory, one that starts too many processes, and one that writes too much to disk each
end as `error` rows saying why, while a correct notebook graded beside them keeps full marks.
Limits are set low (1024 MB, 16 processes, 100 MB of disk) so the test's own peak stays near 1.2 GB."""
from __future__ import annotations

import contextlib
import csv
import io
import shutil
from pathlib import Path

import nbformat
import pytest

from course.instructor import cli

FIXTURES = Path(__file__).parent / "submissions"
STEM = "00-what-is-an-ai-researcher"
HOSTILE = {
    # 12 children holding 100 MB each: no process is over 1024 MB, together they are.
    "forks_memory": "import os, time\nfor _ in range(12):\n    if os.fork() == 0:\n"
                    "        block = bytearray(100 << 20)\n        time.sleep(60)\n        os._exit(0)\ntime.sleep(30)",
    "forks_many": "import os, time\nfor _ in range(40):\n    if os.fork() == 0:\n        time.sleep(60)\n"
                  "        os._exit(0)\ntime.sleep(30)",
    # 5 files of 40 MB: each is under the 64 MB file limit, together they pass the 100 MB disk quota.
    "fills_disk": "import time\nfor i in range(5):\n    with open(f'big{i}.bin', 'wb') as f:\n"
                  "        f.write(b'x' * (40 << 20))\n    time.sleep(0.3)\ntime.sleep(30)",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("limits")
    shutil.copytree(FIXTURES / "correct", base / "subs" / "correct")
    exercise = nbformat.read(FIXTURES / "correct" / f"{STEM}.ipynb", as_version=4)
    for student, code in HOSTILE.items():
        nb = nbformat.from_dict(exercise)
        nb.cells.insert(1, nbformat.v4.new_code_cell(code))
        (base / "subs" / student).mkdir()
        nbformat.write(nb, base / "subs" / student / f"{STEM}.ipynb")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["grade", str(base / "subs"), "--out", str(base / "book.csv"), "--timeout", "20",
                         "--jobs", "2", "--memory", "1024", "--processes", "16", "--disk", "100"])
    with open(base / "book.csv", newline="", encoding="utf-8") as handle:
        rows = {(r["student"], r["question"]): r for r in csv.DictReader(handle)}
    return {"code": code, "rows": rows, "out": out.getvalue()}


@pytest.mark.parametrize("student, words", [
    ("forks_memory", "processes together used more than 1024 MB"),
    ("forks_many", "started more than 16 processes"),
    ("fills_disk", "wrote more than 100 MB to disk"),
])
def test_is_a_submission_over_a_whole_submission_limit_an_error_that_says_why(graded, student, words):
    assert graded["code"] == 0, graded["out"]
    for question in ("q1", "q2"):
        row = graded["rows"][(student, question)]
        assert row["status"] == "error" and words in row["message"], row


def test_does_a_correct_notebook_graded_beside_them_keep_full_marks(graded):
    assert [graded["rows"][("correct", q)]["status"] for q in ("q1", "q2")] == ["correct", "correct"]
