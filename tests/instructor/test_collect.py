"""Does `course collect` turn each LMS or hub export into SUBMISSIONS/<student>/<NN-topic>.ipynb,
report what it cannot place instead of guessing, refuse bad exports in one line, and change
nothing it reads? Each export is a small fixture built here, in the real layout."""
from __future__ import annotations

import contextlib
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from course.instructor import cli
from course.instructor.links import binder_link, puller_link

EX00, EX08 = "00-what-is-an-ai-researcher", "08-reinforcement-learning"
NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def run_cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def make_tree(root: Path, members: dict[str, bytes]) -> Path:
    for name, data in members.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def digest(path: Path) -> str:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def collected(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*.ipynb")}


def collect(tmp_path, source):
    before = digest(source)
    code, out, err = run_cli("collect", source, "--out", tmp_path / "subs")
    assert digest(source) == before
    return code, out, err


CANVAS = {f"lovelaceada_1001_5001_{EX00}.ipynb": NB, f"hoppergrace_LATE_1002_5002_{EX00}-1.ipynb": NB,
          f"turingalan_1003_5003_{EX00}.ipynb": NB, f"turingalan_1003_5004_{EX00}-1.ipynb": NB,
          "curiemarie_1004_5005_homework.ipynb": NB, f"lovelaceada_1001_5006_{EX08}.ipynb": NB}


def test_does_a_canvas_zip_become_a_folder_per_student_with_copies_and_duplicates_reported(tmp_path):
    code, out, err = collect(tmp_path, make_zip(tmp_path / "canvas.zip", CANVAS))
    assert code == 0 and "canvas layout" in out
    assert collected(tmp_path / "subs") == {f"lovelaceada/{EX00}.ipynb", f"lovelaceada/{EX08}.ipynb",
                                            f"hoppergrace/{EX00}.ipynb"}
    assert "2 files for turingalan's" in err and "homework.ipynb is not the name of an exercise" in err


def test_does_a_moodle_download_become_a_folder_per_participant(tmp_path):
    members = {f"Ada Lovelace_2001_assignsubmission_file_/{EX00}.ipynb": NB,
               f"Grace Hopper_2002_assignsubmission_file_/{EX00} (1).ipynb": NB,
               "Alan Turing_2003_assignsubmission_file_/notes.ipynb": NB}
    for source in (make_zip(tmp_path / "moodle.zip", members), make_tree(tmp_path / "moodle", members)):
        code, out, err = collect(tmp_path, source)
        assert code == 0 and "moodle layout" in out, err
        assert collected(tmp_path / "subs") == {f"Ada-Lovelace_2001/{EX00}.ipynb", f"Grace-Hopper_2002/{EX00}.ipynb"}
        assert "notes.ipynb is not the name of an exercise" in err
        __import__("shutil").rmtree(tmp_path / "subs")


def test_does_an_nbgrader_submitted_tree_become_submissions(tmp_path):
    source = make_tree(tmp_path / "course", {f"submitted/ada/ex00/{EX00}.ipynb": NB,
                                             f"submitted/grace/ex00/{EX00}.ipynb": NB,
                                             f"submitted/grace/ex08/{EX08}.ipynb": NB,
                                             f"source/ex00/{EX00}.ipynb": NB})
    code, out, err = collect(tmp_path, source)
    assert code == 0 and "nbgrader layout" in out
    assert collected(tmp_path / "subs") == {f"ada/{EX00}.ipynb", f"grace/{EX00}.ipynb", f"grace/{EX08}.ipynb"}


def test_does_a_folder_of_hub_homes_find_each_exercise_once_and_report_two_copies(tmp_path):
    source = make_tree(tmp_path / "home", {f"ada/course/exercises/{EX00}.ipynb": NB,
                                           f"ada/course/solutions/{EX00}.ipynb": NB,
                                           f"ada/course/notebooks/{EX00}.ipynb": NB,
                                           f"ada/course/exercises/.ipynb_checkpoints/{EX00}-checkpoint.ipynb": NB,
                                           f"grace/course/exercises/{EX00}.ipynb": NB,
                                           f"grace/Downloads/{EX00}.ipynb": NB, f"alan/{EX08}.ipynb": NB})
    (source / "mallory").mkdir()
    (source / "mallory" / f"{EX00}.ipynb").symlink_to(source / "ada" / "course" / "exercises" / f"{EX00}.ipynb")
    (source / "mallory" / "linked").symlink_to(source / "alan")
    code, out, err = collect(tmp_path, source)
    assert code == 0 and "hub layout" in out
    assert collected(tmp_path / "subs") == {f"ada/{EX00}.ipynb", f"alan/{EX08}.ipynb"}  # links are not followed
    assert "2 files for grace's" in err and "solutions" not in err


def test_is_every_collected_notebook_byte_for_byte_the_submitted_one_even_a_corrupt_one(tmp_path):
    data = b'{"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": []}]}'
    code, _, err = collect(tmp_path, make_zip(tmp_path / "c.zip", {f"ada_1_2_{EX00}.ipynb": data,
                                                                   f"bo_3_4_{EX00}.ipynb": b'{"cells": ['}))
    assert (tmp_path / "subs" / "ada" / f"{EX00}.ipynb").read_bytes() == data
    assert (tmp_path / "subs" / "bo" / f"{EX00}.ipynb").read_bytes() == b'{"cells": ['
    assert code == 0 and "not a readable notebook (collected as it is" in err


@pytest.mark.parametrize("build, words", [
    (lambda t: t / "missing", "does not exist"),
    (lambda t: make_zip(t / "empty.zip", {}), "empty zip"),
    (lambda t: make_zip(t / "escape.zip", {f"../{EX00}.ipynb": NB}), "escapes"),
    (lambda t: make_zip(t / "abs.zip", {f"/etc/{EX00}.ipynb": NB}), "escapes"),
    (lambda t: (t / "bad.zip").write_bytes(b"PK not really") and t / "bad.zip", "not a readable zip"),
    (lambda t: make_zip(t / "none.zip", {"readme.txt": b"hi"}), "holds no notebooks"),
    (lambda t: make_zip(t / "other.zip", {"ada_1_2_essay.ipynb": NB}), "no notebook named like an exercise"),
])
def test_is_a_bad_export_refused_in_one_line_with_nothing_written(tmp_path, build, words):
    source = build(tmp_path)
    code, _, err = run_cli("collect", source, "--out", tmp_path / "subs")
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "subs").exists() and not list(tmp_path.glob(".collect-*"))


def test_does_collect_refuse_to_write_into_a_folder_that_holds_something(tmp_path):
    (tmp_path / "subs" / "old").mkdir(parents=True)
    code, _, err = run_cli("collect", make_zip(tmp_path / "c.zip", CANVAS), "--out", tmp_path / "subs")
    assert code == 2 and "not an empty folder" in err and list((tmp_path / "subs").iterdir()) == [tmp_path / "subs" / "old"]


def test_do_the_links_point_binder_and_nbgitpuller_at_each_exercise():
    assert binder_link("https://github.com/org/course", "main", f"{EX00}.ipynb") == (
        f"https://mybinder.org/v2/gh/org/course/main?urlpath=lab/tree/exercises/{EX00}.ipynb")
    link = puller_link("https://hub.example.edu", "https://github.com/org/course", "main", f"{EX00}.ipynb")
    assert link.startswith("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2F")
    assert f"urlpath=lab%2Ftree%2Fcourse%2Fexercises%2F{EX00}.ipynb" in link


@pytest.mark.parametrize("args, status", [(["--repo", "https://github.com/org/course"], 0),
                                          (["--repo", "github.com/org/course"], 2),
                                          (["--repo", "https://github.com/org/c", "--hub", "hub"], 2)])
def test_does_course_links_print_a_line_per_exercise_or_refuse_a_bad_address(args, status):
    code, out, err = run_cli("links", *args)
    assert code == status and (out.count("binder: ") >= 14 if status == 0 else len(err.strip().splitlines()) == 1)
