"""Every lesson, clicked through in JupyterLab in Chromium, as a learner would.

For each notebook in notebooks/ (new lessons are picked up without edits): open it, clear
and run all cells, wait for the kernel, and fail on any cell that did not run, shows an
error or warning, or shows a broken widget. Then answer the lesson's first choice question
wrongly (its explanation must appear) and rightly (it must be confirmed), and keep a
screenshot. Then axe-core audits what the lesson itself puts on the page, its rendered markdown
and its outputs (widgets included), not JupyterLab's own menus and panels, which the course
cannot change: no violation of impact serious or critical, the others listed in the output and
in test-artifacts/browser/axe-lab-*.txt. An exercise notebook, run untouched, must say "not
attempted" at every check.
"""
from __future__ import annotations

import os
import re

import pytest

from course.data import ROOT
from tests.browser.audit import axe_violations, report
from tests.browser.conftest import ARTIFACTS
from tests.browser.notebook import (
    NOTEBOOK,
    answer_wrong_then_right,
    asked_questions,
    cells_of,
    code_of,
    open_notebook,
    problems,
    run_all,
)

LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# One exercise by default: the checks render through the same code in every exercise, and
# nbval-lax already runs all of them headless; all 15 here would break the 4-minute budget.
# COURSE_BROWSER_EXERCISES=all clicks through every one (about 100 s more on 2 cores).
EXERCISES = sorted(p.name for p in (ROOT / "exercises").glob("[0-9][0-9]-*.ipynb"))
if os.environ.get("COURSE_BROWSER_EXERCISES") != "all":
    EXERCISES = EXERCISES[:1]
RUN_TIMEOUT = 90.0  # seconds; a lesson runs its cells in about 3 s under nbval


def first_choice_question(name: str) -> dict:
    for spec in asked_questions(ROOT / "notebooks" / name):
        if spec["kind"] in ("single", "multiple"):
            return spec
    pytest.fail(f"{name} asks no single- or multiple-choice question to click", pytrace=False)


def run_and_check(page, lab, folder: str, name: str, timer) -> float:
    open_notebook(page, lab, f"{folder}/{name}", len(cells_of(ROOT / folder / name)))
    seconds = run_all(page, RUN_TIMEOUT)
    timer.update(name=f"{folder}/{name}", cells=seconds)
    found = problems(page)
    assert not found, f"{folder}/{name}:\n" + "\n".join(found)
    assert not page.crashes, f"JavaScript errors in the page: {page.crashes}"
    return seconds


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_and_its_quiz_answers_in_jupyterlab(page, lab, name, timer):
    spec = first_choice_question(name)
    run_and_check(page, lab, "notebooks", name, timer)
    answer_wrong_then_right(page, spec)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name.replace(".ipynb", ".png")))
    content = {"include": [[f"{NOTEBOOK} .jp-MarkdownOutput"], [f"{NOTEBOOK} .jp-OutputArea-output"]]}
    blocking, _other = report(f"lab/{name}", axe_violations(page, context=content))
    assert not blocking, f"{name}: axe finds serious or critical violations in the lesson:\n" + "\n".join(blocking)


@pytest.mark.parametrize("name", EXERCISES)
def test_untouched_exercise_says_not_attempted_at_every_check(page, lab, name, timer):
    checks = len(re.findall(r"\bq\d+\.check\(", code_of(ROOT / "exercises" / name)))
    assert checks, f"exercises/{name} has no q<n>.check(...) cell"
    run_and_check(page, lab, "exercises", name, timer)
    verdicts = page.locator(f"{NOTEBOOK} .course-feedback")
    classes = [verdicts.nth(i).get_attribute("class").split() for i in range(verdicts.count())]
    shown = [c.removeprefix("course-") for names in classes for c in names if c != "course-feedback"]
    assert shown == ["not_attempted"] * checks, (
        f"exercises/{name}: {checks} checks should each say 'not attempted'; the page shows {shown}")
