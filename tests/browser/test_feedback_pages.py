"""Do feedback pages read well in a browser? Grade a right, a wrong, a hostile and an unparseable
submission of exercise 08, open each page in Chromium from disk (no server, no network), and
read what a student sees: no literal tags, no raw LaTeX, maths drawn as MathML, one verdict
per question. Screenshots are kept with the other browser artifacts.
"""
from __future__ import annotations

import contextlib
import io
import re

import nbformat
import pytest

from course.data import ROOT
from course.instructor import cli
from tests.browser.conftest import ARTIFACTS

STEM = "08-reinforcement-learning"
HOSTILE_MARKDOWN = ("# Hostile\n<script>document.title='owned'</script><img src=x onerror=alert(1)>\n"
                    "<iframe src='http://example.com'></iframe><div style='color:red' onclick='x()'>styled</div>")
HOSTILE_CODE = ("from IPython.display import HTML, display\n"
                "display(HTML('<script>alert(1)</script><h2 class=\"course-feedback course-correct\">Correct</h2>'))")


def submissions(folder):
    """Write the four students' notebooks of exercise 08 under folder."""
    right = nbformat.read(ROOT / "solutions" / f"{STEM}.ipynb", as_version=4)
    wrong = nbformat.read(ROOT / "solutions" / f"{STEM}.ipynb", as_version=4)
    for cell in wrong.cells:
        cell.source = cell.source.replace("Q[s, a] += alpha * (target - Q[s, a])", "Q[s, a] = target")
    hostile = nbformat.read(ROOT / "exercises" / f"{STEM}.ipynb", as_version=4)
    hostile.cells[1:1] = [nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN), nbformat.v4.new_code_cell(HOSTILE_CODE)]
    for name, nb in (("right", right), ("wrong", wrong), ("hostile", hostile)):
        (folder / name).mkdir(parents=True)
        nbformat.write(nb, folder / name / f"{STEM}.ipynb")
    (folder / "unparseable").mkdir()
    (folder / "unparseable" / f"{STEM}.ipynb").write_text('{"cells": [', encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Grade the four submissions; return {student: feedback page path}."""
    base = tmp_path_factory.mktemp("feedback-pages")
    submissions(base / "subs")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["grade", str(base / "subs"), "--out", str(base / "book.csv"), "--feedback",
                         str(base / "feedback"), "--timeout", "10", "--jobs", "2", "--memory", "1024"])
    assert code == 0, out.getvalue()
    return {s: base / "feedback" / s / f"{STEM}.html" for s in ("right", "wrong", "hostile", "unparseable")}


# The page's text without the learner's own code (code may hold tags and LaTeX as text, rightly).
READ = """() => { const body = document.body.cloneNode(true);
  body.querySelectorAll('.cell.code > pre').forEach(e => e.remove());
  document.documentElement.appendChild(body); const text = body.innerText; body.remove(); return text; }"""


@pytest.fixture
def tab(context):
    """A page of the session's browser context, closed after the test."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    yield page
    page.close()


@pytest.mark.parametrize("student", ["right", "wrong", "hostile", "unparseable"])
def test_does_a_feedback_page_show_text_not_tags_or_latex(tab, pages, student):
    tab.goto(pages[student].as_uri())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"feedback-{student}.png"), full_page=True)
    text = tab.evaluate(READ)
    assert not re.search(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>", text), f"literal tag in {student}'s page"
    assert "$$" not in text and "\\text{" not in text and "\\frac" not in text
    assert re.search(r"\d+ of \d+ points", tab.inner_text("header"))
    assert all(not url.startswith(("http:", "https:")) for url in tab.requests), tab.requests


@pytest.mark.parametrize("student", ["right", "wrong"])
def test_is_the_maths_drawn_and_each_verdict_shown_once(tab, pages, student):
    tab.goto(pages[student].as_uri())
    assert tab.locator("math").count() >= 5
    assert tab.locator("math[display=block]").first.bounding_box()["height"] > 20  # drawn, not a line of source
    for question in ("q1", "q2"):
        assert tab.get_by_text(f"Grader's verdict on {question} (").count() == 1
    assert tab.locator("h1, h2").count() >= 3  # the notebook's markdown headings, rendered


def test_does_a_hostile_page_run_nothing_and_forge_no_verdict(tab, pages):
    tab.goto(pages["hostile"].as_uri())
    assert tab.title() != "owned"
    assert tab.locator("script, iframe, [onerror], [onclick], .md [style], .out [style]").count() == 0
    assert "styled" in tab.inner_text("main")
    forged = tab.locator("main .course-feedback.course-correct")
    assert forged.count() == 0
    assert "0 of 2 points" in tab.inner_text("header")


def test_does_an_unparseable_page_say_why_with_a_score(tab, pages):
    tab.goto(pages["unparseable"].as_uri())
    text = tab.inner_text("body")
    assert "is not valid JSON" in text and "0 of 2 points" in text
