"""Does a class graded as two shards in two processes on one machine merge into the gradebook of
the whole class, for exactly the exercises assigned, with a wide CSV an LMS can import?"""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.instructor.shards import shard_of

FIXTURES = Path(__file__).parent / "submissions"
# folder -> fixture it copies; the names put students in both shards of 2 (ann, bob in 1; eve, fay in 2)
CLASS = {"ann": "correct", "bob": "wrong", "eve": "stub", "fay": "imports_reference"}
STUDENTS = list(CLASS)
EX00, EX08 = "00-what-is-an-ai-researcher", "08-reinforcement-learning"


def read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """Grade the class as shards 1/2 and 2/2 at once (two processes), then merge them."""
    base = tmp_path_factory.mktemp("shards")
    for student, fixture in CLASS.items():
        shutil.copytree(FIXTURES / fixture, base / "subs" / student)
    (base / "subs" / "dee").mkdir()  # shard 2, submitted nothing
    (base / "roster.csv").write_text("student,id\n" + "".join(f"{s},{1000 + i}\n" for i, s in
                                                              enumerate(STUDENTS + ["dee"])))
    command = [sys.executable, "-m", "course.instructor.cli", "grade", str(base / "subs"), "--assignment", "00",
               "--assignment", "08", "--timeout", "5", "--jobs", "1", "--memory", "1024"]
    runs = [subprocess.Popen(command + ["--shard", f"{k}/2", "--out", str(base / f"shard{k}.csv")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in (1, 2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    merged = subprocess.run([sys.executable, "-m", "course.instructor.cli", "gradebook", "merge",
                             str(base / "shard1.csv"), str(base / "shard2.csv"), "--out", str(base / "all.csv"),
                             "--wide", str(base / "wide.csv"), "--roster", str(base / "roster.csv")],
                            capture_output=True, text=True, timeout=60)
    assert merged.returncode == 0, merged.stderr
    return {"base": base, "outputs": outputs}


def test_does_each_shard_hold_only_its_own_students(sharded):
    for k in (1, 2):
        students = {r["student"] for r in read(sharded["base"] / f"shard{k}.csv")}
        assert students and all(shard_of(s, 2) == k for s in students)


def test_does_the_merged_gradebook_hold_every_student_once_for_the_assigned_exercises_only(sharded):
    rows = read(sharded["base"] / "all.csv")
    keys = [(r["student"], r["notebook"], r["question"]) for r in rows]
    assert len(keys) == len(set(keys)) == 5 * (2 + 2)
    assert {r["notebook"] for r in rows} == {EX00, EX08}


def test_does_a_student_without_an_assigned_notebook_get_a_row_per_question_saying_so(sharded):
    rows = [r for r in read(sharded["base"] / "all.csv") if r["notebook"] == EX08]
    assert len(rows) == 10 and all(r["status"] == "not_attempted" for r in rows)
    assert all(f"No {EX08}.ipynb was submitted" in r["message"] for r in rows)


def test_do_the_summaries_agree_with_the_gradebooks(sharded):
    for k, (out, _) in zip((1, 2), sharded["outputs"]):
        rows = read(sharded["base"] / f"shard{k}.csv")
        students = {r["student"] for r in rows}
        for stem in (EX00, EX08):
            line = next(x for x in out.splitlines() if x.startswith(stem)).split()
            submitted = {r["student"] for r in rows if r["notebook"] == stem and "was submitted" not in r["message"]}
            assert (int(line[1]), int(line[2])) == (len(submitted), len(students) - len(submitted))


def test_does_the_wide_csv_have_a_row_per_student_with_lms_ids_and_points(sharded):
    rows = read(sharded["base"] / "wide.csv")
    assert [r["student"] for r in rows] == sorted(STUDENTS + ["dee"])
    by_name = {r["student"]: r for r in rows}
    assert by_name["ann"][EX00] == "2" and by_name["dee"]["total"] == "0"
    assert by_name["ann"]["id"] == "1000" and list(rows[0]) == ["student", "id", EX00, EX08, "total"]
