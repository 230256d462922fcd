"""Which exercises and students a run grades (`--assignment`, `--shard K/N`), how shard gradebooks
merge, and the wide CSV for an LMS: fast tests on fixture folders and gradebooks, no kernels."""
from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from course.instructor import cli
from course.instructor.lms import BadRoster, read_roster, wide_text
from course.instructor.scope import BadScope, in_scope, wanted_numbers
from course.instructor.shards import BadShards, merge, parse_shard, shard_of

STEMS = ["00-what-is-an-ai-researcher", "01-linear-algebra", "02-calculus-and-gradient-descent", "08-reinforcement-learning"]
HEADER = "student,notebook,question,status,points,max_points,message,flags\n"


def run_cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("specs, expected", [
    (["08"], {"08-reinforcement-learning"}), (["8"], {"08-reinforcement-learning"}),
    (["00-02"], set(STEMS[:3])), (["01-linear-algebra", "00"], set(STEMS[:2])),
])
def test_do_assignment_numbers_ranges_and_names_pick_the_right_exercises(specs, expected):
    assert wanted_numbers(specs, STEMS) == expected


@pytest.mark.parametrize("spec, words", [("99", "no gradeable exercise 99"), ("02-00", "runs backwards"),
                                         ("x", "expected a number"), ("03", "no gradeable exercise 03")])
def test_is_an_assignment_that_names_no_exercise_refused_in_one_line(spec, words):
    with pytest.raises(BadScope, match=words):
        wanted_numbers([spec], STEMS)


def test_without_assignment_are_only_submitted_exercises_graded(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "08-reinforcement-learning.ipynb").write_text("{}")
    (tmp_path / "bob" / "09-not-an-exercise.ipynb").write_text("{}")
    chosen = in_scope([SimpleNamespace(stem=s) for s in STEMS], [], tmp_path)
    assert [a.stem for a in chosen] == ["08-reinforcement-learning"]


@pytest.mark.parametrize("spec", ["3/2", "0/2", "1/0", "a/b", "1", "-1/2"])
def test_is_a_shard_spec_outside_1_to_n_refused(spec):
    with pytest.raises(BadShards):
        parse_shard(spec)


def test_is_the_split_into_shards_stable_and_complete():
    students = [f"student{i:03d}" for i in range(300)]
    shards = [shard_of(s, 4) for s in students]
    assert shards == [shard_of(s, 4) for s in students] and set(shards) == {1, 2, 3, 4}
    assert all(40 < shards.count(k) < 110 for k in range(1, 5))


def shard_books(tmp_path, students, count, stem=STEMS[0]) -> list[Path]:
    """Write the `count` shard gradebooks of `students` (two questions each); return their paths."""
    paths = []
    for k in range(1, count + 1):
        lines = [f"{s},{stem},{q},correct,1,1,ok,\n" for s in students if shard_of(s, count) == k for q in ("q1", "q2")]
        path = tmp_path / f"shard{k}.csv"
        path.write_text(HEADER + "".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def test_do_shard_gradebooks_merge_into_one_with_every_student_once(tmp_path):
    students = [f"s{i}" for i in range(20)]
    rows = merge(shard_books(tmp_path, students, 3))
    assert sorted({r[0] for r in rows}) == sorted(students) and len(rows) == 40


def test_does_merge_refuse_a_missing_shard_and_a_repeated_one(tmp_path):
    paths = shard_books(tmp_path, [f"s{i}" for i in range(20)], 3)
    with pytest.raises(BadShards, match="not the 2 shards"):
        merge(paths[:2])
    copy = tmp_path / "again.csv"
    copy.write_bytes(paths[0].read_bytes())
    with pytest.raises(BadShards, match="overlap"):
        merge([paths[0], copy, paths[1]])


def test_does_merge_refuse_shards_of_different_exercises(tmp_path):
    one = shard_books(tmp_path, [f"s{i}" for i in range(20)], 2)
    (tmp_path / "b").mkdir()
    other = shard_books(tmp_path / "b", [f"s{i}" for i in range(20)], 2, stem=STEMS[1])
    with pytest.raises(BadShards, match="different exercises"):
        merge([one[0], other[1]])


def test_does_the_merge_command_write_the_gradebook_and_wide_csv_or_nothing(tmp_path):
    paths = shard_books(tmp_path, ["ann", "bob", "cy"], 2)
    code, out, err = run_cli("gradebook", "merge", *paths, "--out", tmp_path / "all.csv", "--wide", tmp_path / "w.csv")
    assert code == 0, err
    assert (tmp_path / "w.csv").read_text().splitlines() == [
        f"student,{STEMS[0]},total", "ann,2,2", "bob,2,2", "cy,2,2"]
    code, _, err = run_cli("gradebook", "merge", paths[0], "--out", tmp_path / "bad.csv")
    assert code == 2 and len(err.strip().splitlines()) == 1 and not (tmp_path / "bad.csv").exists()


@pytest.mark.parametrize("content, words", [
    ("name,id\nann,1\n", "needs a header"), ("student,id\nann,1\nann,2\n", "twice"),
    ("student,id\nann,1\nbob,1\n", "same id"), ("student,id\nbob,2\n", "no id for 1 student"),
])
def test_is_a_bad_roster_refused_with_its_reason(tmp_path, content, words):
    (tmp_path / "roster.csv").write_text(content)
    with pytest.raises(BadRoster, match=words):
        read_roster(tmp_path / "roster.csv", {"ann"})


def test_does_the_wide_csv_carry_roster_ids_and_points_per_exercise(tmp_path):
    (tmp_path / "roster.csv").write_text("student,id,name\nann,1001,Ann A\nbob,1002,Bob B\n")
    roster = read_roster(tmp_path / "roster.csv", {"ann", "bob"})
    rows = [SimpleNamespace(student=s, notebook=n, points=p) for s, n, p in
            [("ann", STEMS[0], 1), ("ann", STEMS[0], 1), ("bob", STEMS[0], 0), ("ann", STEMS[1], 2), ("bob", STEMS[1], 1)]]
    table = list(csv.reader(io.StringIO(wide_text(rows, STEMS[:2], roster))))
    assert table == [["student", "id", STEMS[0], STEMS[1], "total"], ["ann", "1001", "2", "2", "4"],
                     ["bob", "1002", "0", "1", "1"]]


@pytest.mark.parametrize("args, words", [
    (["--shard", "3/2"], "expected K/N"), (["--assignment", "99"], "no gradeable exercise 99"),
    (["--roster", "{tmp}/nope.csv", "--wide", "{tmp}/w.csv"], "is not a file"),
    (["--roster", "{tmp}/nope.csv"], "only with --wide"), (["--disk", "1"], "--disk at least 16"),
    (["--wide", "{tmp}/nofolder/w.csv"], "cannot write --wide"),
])
def test_does_grade_refuse_bad_scope_shard_and_roster_in_one_line_writing_nothing(tmp_path, args, words):
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    code, _, err = run_cli("grade", tmp_path / "subs", "--out", tmp_path / "g.csv",
                           *[a.format(tmp=tmp_path) for a in args])
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subs"]


@pytest.mark.parametrize("make, words", [
    (lambda t, books: [t / "missing.csv", books[1]], "is not a file"),
    (lambda t, books: [books[0], books[0]], "given twice"),
    (lambda t, books: [books[0], (t / "x.csv").write_text("a,b\n1,2\n") and t / "x.csv"], "not a course gradebook"),
    (lambda t, books: [books[0], (t / "y.csv").write_bytes(b"\xff\xfe\x00bad") and t / "y.csv"], "cannot read"),
])
def test_does_merge_refuse_bad_gradebooks_in_one_line_writing_nothing(tmp_path, make, words):
    books = shard_books(tmp_path, ["ann", "bob", "cy", "dee"], 2)
    before = {p: p.read_bytes() for p in books}
    code, _, err = run_cli("gradebook", "merge", *make(tmp_path, books), "--out", tmp_path / "all.csv")
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "all.csv").exists() and {p: p.read_bytes() for p in books} == before
