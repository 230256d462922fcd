"""Are feedback pages built right without a browser: maths to MathML, markdown rendered, learner HTML
cleaned, each verdict once, a score at the top? (tests/browser/test_feedback_pages.py opens them.)"""
from __future__ import annotations

import html
import re

import nbformat
import pytest

from course.data import ROOT
from course.instructor.grade import Row
from course.instructor.markup import clean, markdown_html
from course.instructor.pages import page_html
from course.instructor.texmath import to_mathml

EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem[:2])
def test_does_every_formula_in_the_exercises_become_mathml(path):
    nb = nbformat.read(path, as_version=4)
    page = "".join(markdown_html(c.source) for c in nb.cells if c.cell_type == "markdown")
    assert 'class="tex"' not in page and "$" not in re.sub(r"<code>.*?</code>", "", page, flags=re.S)


@pytest.mark.parametrize("tex, parts", [
    (r"\frac{a}{b}", ["<mfrac>", "<mi>a</mi>", "<mi>b</mi>"]),
    (r"x_{t+1}^2", ["<msubsup>"]),
    (r"\tfrac12", ["<mfrac><mn>1</mn><mn>2</mn></mfrac>"]),
    (r"\sqrt{n}", ["<msqrt>"]),
    (r"\text{half\_width}", ["<mtext>half_width</mtext>"]),
    (r"\begin{cases} r & \text{if done} \\ 0 & \text{else} \end{cases}", ["<mtable>", "<mtr>", "{"]),
    (r"\left\lceil x \right\rceil", ["⌈", "⌉"]),
    (r"\gamma \max_a Q", ["<mi>γ</mi>", "<mi>max</mi>"]),
])
def test_is_each_latex_construct_the_exercises_use_converted(tex, parts):
    mathml = to_mathml(tex)
    assert mathml.startswith("<math") and all(part in mathml for part in parts), mathml


def test_is_unknown_latex_shown_as_code_not_dropped():
    assert to_mathml(r"\unknowncommand{x}") == r'<code class="tex">\unknowncommand{x}</code>'


def test_does_dollar_in_code_stay_code_and_escaped_dollar_stay_text():
    html = markdown_html("`$x$` costs \\$5 and $y$")
    assert "<code>$x$</code>" in html and html.count("<math") == 1


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=http://e.com></iframe>",
    "<a href='javascript:alert(1)'>x</a>", "<div style='position:fixed'>x</div>", "<style>body{}</style>",
    "<img src='http://tracker.example/p.png'>", "<svg onload=alert(1)></svg>",
])
def test_is_learner_html_cleaned_of_anything_that_runs_or_fetches(hostile):
    cleaned = clean(hostile)
    for bad in ("<script", "onerror", "<iframe", "javascript:", "style=", "<style", "http://", "onload", "<svg"):
        assert bad not in cleaned, cleaned


def rows(statuses):
    return [Row("ann", "00-x", f"q{i + 1}", s, 1 if s == "correct" else 0, 1, f"message {i + 1}\nStuck? try")
            for i, s in enumerate(statuses)]


def test_does_a_page_have_the_score_at_the_top_and_each_verdict_once_after_its_check():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Task\nCompute $x^2$."),
        nbformat.v4.new_code_cell("def f(x):\n    return x", outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text="hello <b>\n")]),
        nbformat.v4.new_code_cell("q1.check(f)", outputs=[nbformat.v4.new_output("display_data", data={
            "text/html": '<div class="course-feedback course-correct">q1: Correct</div>', "text/plain": "ok"})]),
    ])
    page = html.unescape(page_html(nb, "ann", "00-x", rows(["incorrect", "correct"])))
    assert page.index("1 of 2 points") < page.index("<main>")
    assert page.count("Grader's verdict on q1") == 1 and page.count("Grader's verdict on q2") == 1
    assert page.index("Grader's verdict on q1") > page.rindex('class="cell code"')  # after the check cell
    assert "q1: Correct" not in page  # the kernel's own verdict box is left out
    assert "hello <b>\n</pre>" in page and "<h1>Task</h1>" in page and "<math" in page
    assert "message 1<br>Stuck? try" in page and "<script" not in page


def test_does_an_unreadable_notebook_still_get_a_page_with_its_verdicts():
    page = html.unescape(page_html(None, "ann", "00-x", rows(["error", "error"])))
    assert "0 of 2 points" in page and page.count("Grader's verdict on") == 2
