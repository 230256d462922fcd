"""Does `course site` lay out the course's website as it should? (Sphinx itself runs in the browser
tests, tests/browser/test_site.py, which build the site once and open every page.)"""
from __future__ import annotations

import json

from course.data import ROOT
from course.instructor import cli
from course.instructor.site import lesson_table, stage, stage_notebook
from course.lessons import LESSONS
from course.quiz import load_bank


def notebook(cells: list[dict]) -> dict:
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def code(source: str, outputs: list[dict], cell_id: str = "c1") -> dict:
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": 1, "source": source,
            "outputs": outputs}


def staged(tmp_path, cells: list[dict], stem: str = "08-reinforcement-learning") -> tuple[list[dict], list[str]]:
    source, target, notes = tmp_path / f"{stem}.ipynb", tmp_path / "out.ipynb", []
    source.write_text(json.dumps(notebook(cells)))
    stage_notebook(source, target, notes, {})
    return json.loads(target.read_text())["cells"], notes


def quiz_output(html: str, text: str) -> dict:
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {},
            "data": {"text/html": html, "text/plain": text}}


def test_is_the_home_pages_table_the_lessons_catalogue():
    table = lesson_table(LESSONS, {LESSONS[0].stem})
    for lesson in LESSONS:
        assert f"| {lesson.number} | [{lesson.title}](notebooks/{lesson.stem}.ipynb) | {lesson.can_do} |" in table
    assert f"[exercise {LESSONS[0].number}](exercises/{LESSONS[0].stem}.ipynb)" in table
    assert f"[exercise {LESSONS[1].number}]" not in table


def test_is_a_saved_self_check_given_the_fallback_its_bank_renders(tmp_path):
    question = load_bank("08-reinforcement-learning").ask("why-not-one")
    old = '<div class="course-quiz"><p>an older fallback</p></div>'
    cells, notes = staged(tmp_path, [code('quiz.ask("why-not-one")', [quiz_output(old, question.text())])])
    assert cells[0]["outputs"][0]["data"]["text/html"] == question.html() and not notes


def test_is_a_self_check_that_differs_from_its_bank_left_as_saved_and_reported(tmp_path):
    old = '<div class="course-quiz"><p>stale</p></div>'
    cells, notes = staged(tmp_path, [code('quiz.ask("why-not-one")', [quiz_output(old, "Self-check: an old prompt")])])
    assert cells[0]["outputs"][0]["data"]["text/html"] == old
    assert notes and "differs from its bank" in notes[0] and "cell 0" in notes[0]


def test_does_staging_lay_out_every_lesson_exercise_and_doc(tmp_path):
    notes = stage(ROOT, tmp_path / "src")
    home = (tmp_path / "src" / "index.md").read_text()
    for lesson in LESSONS:
        assert (tmp_path / "src" / "notebooks" / f"{lesson.stem}.ipynb").is_file()
        assert f"notebooks/{lesson.stem}\n" in home and lesson.can_do in home
    exercises = sorted(p.name for p in (ROOT / "exercises").glob("[0-9][0-9]-*.ipynb"))
    assert sorted(p.name for p in (tmp_path / "src" / "exercises").glob("*.ipynb")) == exercises
    assert (tmp_path / "src" / "docs" / "instructors.md").is_file()
    assert (tmp_path / "src" / "run-it-yourself.md").is_file() and "<!--" not in home
    assert all("differs from its bank" in note for note in notes), notes


def test_is_course_site_a_subcommand():
    args = cli.parser().parse_args(["site", "--out", "x"])
    assert args.run is cli.cmd_site and str(args.out) == "x"
