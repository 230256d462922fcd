"""Feedback to hand back: each student's executed notebook with the grader's verdicts, as offline HTML.

The verdicts come from the gradebook rows (computed outside the notebook), shown in
cells of their own: one summary at the top, one after each question's check cell. The
HTML needs nothing from the network: styles are inline, remote scripts (MathJax,
require.js, mermaid, widgets) are left out, and the learner's own HTML outputs are
sanitized, so a notebook cannot run scripts in the browser of whoever opens its feedback.
"""
from __future__ import annotations

import html
import os
import tempfile
import threading
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

from course.feedback import Feedback
from course.instructor.judge import check_calls

TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{% block html_head_js %}{% endblock html_head_js %}
{% block html_head_js_mathjax %}{% endblock html_head_js_mathjax %}
{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block extra_css %}<style>
.course-feedback { padding: 6px 10px; margin: 4px 0; border-left: 4px solid; }
.course-correct { color: #1b5e20; background: #e8f5e9; }
.course-incorrect { color: #b71c1c; background: #fdecea; }
.course-not_attempted { color: #424242; background: #f1f3f4; }
.course-error { color: #8a4b00; background: #fff4e0; }
</style>{% endblock extra_css %}
"""


def verdict_html(row) -> str:
    """Return one gradebook row as the course's feedback box, with its points."""
    box = Feedback(row.status, row.message, f"{row.question} ({row.points:g}/{row.max_points:g})")
    return box.html()


def summary_cell(student: str, stem: str, rows: list):
    """Return the first cell of a feedback notebook: who, which notebook, the score, every verdict."""
    got, out_of = sum(r.points for r in rows), sum(r.max_points for r in rows)
    head = (f"<h1>Feedback on {html.escape(stem)}</h1>\n<p>{html.escape(student)}: <b>{got:g} of {out_of:g} "
            "points</b>. These verdicts come from the grader, which ran your notebook and checked your "
            "functions outside it; the check outputs inside the notebook are what your kernel showed.</p>")
    return nbformat.v4.new_markdown_cell(head + "\n" + "\n".join(verdict_html(r) for r in rows), id="grader-summary")


def feedback_notebook(nb, student: str, stem: str, rows: list):
    """Return a copy of `nb` (or an empty notebook) with the grader's verdicts added."""
    nb = nbformat.from_dict(nb) if nb is not None else nbformat.v4.new_notebook()
    by_question = {row.question: row for row in rows}
    placed = set()
    for index in reversed(range(len(nb.cells))):
        asked = [q for q in check_calls(nbformat.v4.new_notebook(cells=[nb.cells[index]])) if q in by_question]
        for question in asked:
            if question not in placed:
                placed.add(question)
                cell = nbformat.v4.new_markdown_cell(verdict_html(by_question[question]), id=f"grader-{question}")
                nb.cells.insert(index + 1, cell)
    nb.cells.insert(0, summary_cell(student, stem, rows))
    return nb


_local = threading.local()


def exporter() -> HTMLExporter:
    """Return this thread's HTML exporter for feedback files (see the module docstring).

    One per thread, kept: a new exporter reloads its templates, several times slower.
    """
    if not hasattr(_local, "exporter"):
        _local.exporter = HTMLExporter(extra_loaders=[jinja2.DictLoader({"feedback.html.j2": TEMPLATE})],
                                       template_file="feedback.html.j2", sanitize_html=True, embed_images=True)
    return _local.exporter


def write_feedback(folder: Path, student: str, stem: str, nb, rows: list) -> Path:
    """Write folder/<student>/<stem>.html atomically and return its path."""
    body, _ = exporter().from_notebook_node(feedback_notebook(nb, student, stem, rows),
                                            resources={"metadata": {"name": f"{stem} ({student})"}})
    target = folder / student / f"{stem}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(body)
    os.replace(temporary, target)
    return target
