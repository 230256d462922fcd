"""A feedback page: one self-contained HTML file (no scripts, no network) per student and notebook.

At the top, the score and the grader's verdict on every question; then the notebook as
the grader ran it: markdown rendered (maths as MathML), the learner's code, its outputs,
and after each check cell the grader's verdict in place of the one the kernel printed
(which is left out, so each verdict appears once, and it is the grader's).
"""
from __future__ import annotations

import base64
import binascii
import html
import re

import nbformat
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from course.feedback import Feedback
from course.instructor.judge import check_calls
from course.instructor.markup import clean, markdown_html

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FORMATTER = HtmlFormatter(nowrap=True)
STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1f2328;
line-height:1.5}header{border-bottom:2px solid #d0d7de;margin-bottom:1rem}.score{font-size:1.4rem}
.cell{margin:.75rem 0}.code pre,.out pre{margin:0;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
.code pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px}.out pre{border-left:3px solid #d0d7de}
.out .stderr{background:#fff8f0}.out .error{background:#fdecea}.out img{max-width:100%}
.course-feedback{padding:6px 10px;margin:4px 0;border-left:4px solid}.label{font-size:.8rem;color:#57606a}
table.verdicts{border-collapse:collapse}table.verdicts td,table.verdicts th{padding:2px 8px;text-align:left;
border-bottom:1px solid #d0d7de}math[display=block]{margin:.5rem 0}
""" + FORMATTER.get_style_defs(".code")
IMAGES = ("image/png", "image/jpeg", "image/gif")


def verdict_box(row) -> str:
    """Return one gradebook row as the grader's verdict box, with its points."""
    title = f"Grader's verdict on {row.question} ({row.points:g}/{row.max_points:g} points)"
    return Feedback(row.status, row.message, title).html()


def header(student: str, stem: str, rows: list, unplaced: list) -> str:
    """Return the top of the page: who, which notebook, the score, a table of verdicts, and the verdicts
    that have no check cell to follow."""
    got, out_of = sum(r.points for r in rows), sum(r.max_points for r in rows)
    items = "".join(f"<tr><td>{html.escape(r.question)}</td><td>{Feedback(r.status).label}</td>"
                    f"<td>{r.points:g} / {r.max_points:g}</td></tr>" for r in rows)
    return (f"<header><h1>Feedback on {html.escape(stem)}</h1><p class='score'>{html.escape(student)}: "
            f"<b>{got:g} of {out_of:g} points</b></p><table class='verdicts'><tr><th>question</th><th>verdict"
            f"</th><th>points</th></tr>{items}</table><p>These verdicts come from the grader, which ran your "
            "notebook and checked your functions outside it. Below is your notebook as the grader ran it, "
            "with each verdict after its check cell.</p></header>"
            + "".join(verdict_box(r) for r in unplaced))


def pre(text: str, kind: str) -> str:
    """Return text (ANSI colours removed) in a <pre> of class `kind`."""
    return f'<pre class="{kind}">{html.escape(ANSI.sub("", text))}</pre>'


def image(mime: str, data) -> str:
    """Return an inline <img> for base64 image data, or "" if it is not base64."""
    text = "".join(data) if isinstance(data, list) else str(data)
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return ""
    return f'<img alt="figure" src="data:{mime};base64,{text.strip()}">'


def rich(data: dict) -> str:
    """Return the best safe rendering of a display_data or execute_result bundle."""
    for mime in IMAGES:
        if mime in data:
            return image(mime, data[mime])
    if "image/svg+xml" in data:  # as an <img>, an SVG cannot run scripts
        svg = base64.b64encode(str(data["image/svg+xml"]).encode()).decode()
        return f'<img alt="figure" src="data:image/svg+xml;base64,{svg}">'
    if "text/html" in data:
        return f"<div>{clean(str(data['text/html']))}</div>"
    if "text/markdown" in data:
        return markdown_html(str(data["text/markdown"]))
    return pre(str(data.get("text/plain", "")), "result")


def is_kernel_verdict(output) -> bool:
    """Say whether an output is the course's own verdict box, as the kernel printed it."""
    data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
    return 'class="course-feedback' in str(data.get("text/html", ""))


def output_html(output) -> str:
    """Return one cell output as safe HTML."""
    kind = output.get("output_type")
    if kind == "stream":
        return pre(str(output.get("text", "")), "stderr" if output.get("name") == "stderr" else "stdout")
    if kind == "error":
        return pre("\n".join(map(str, output.get("traceback", []))) or f"{output.get('ename')}: "
                   f"{output.get('evalue')}", "error")
    return rich(output.get("data", {})) if kind in ("display_data", "execute_result") else ""


def cell_html(cell, verdicts: list[str]) -> str:
    """Return one cell: markdown rendered, or code with its outputs (kernel verdicts replaced by the grader's)."""
    if cell.cell_type == "markdown":
        return f'<section class="cell md">{markdown_html(cell.source)}</section>'
    if cell.cell_type != "code":
        return f'<section class="cell raw">{pre(cell.source, "raw")}</section>'
    code = highlight(cell.source, PythonLexer(), FORMATTER)
    outputs = [o for o in cell.get("outputs", []) if not (verdicts and is_kernel_verdict(o))]
    shown = "".join(output_html(o) for o in outputs)
    return (f'<section class="cell code"><div class="label">your code</div><pre>{code}</pre>'
            + (f'<div class="out"><div class="label">its output</div>{shown}</div>' if shown else "")
            + "".join(verdicts) + "</section>")


def page_html(nb, student: str, stem: str, rows: list) -> str:
    """Return the whole feedback page for one notebook (None: nothing could be read)."""
    by_question = {row.question: row for row in rows}
    placed, cells = set(), []
    nb = nbformat.from_dict(nb) if nb is not None else nbformat.v4.new_notebook()
    for cell in reversed(nb.cells):
        asked = [q for q in check_calls(nbformat.v4.new_notebook(cells=[cell])) if q in by_question]
        fresh = [q for q in asked if q not in placed]
        placed.update(fresh)
        cells.append(cell_html(cell, [verdict_box(by_question[q]) for q in fresh]))
    body = "".join(reversed(cells)) or "<p>The grader could not read a notebook from this file.</p>"
    title = html.escape(f"{stem} ({student})")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            f'style-src \'unsafe-inline\'"><style>{STYLE}</style></head><body>'
            f"{header(student, stem, rows, [r for r in rows if r.question not in placed])}<main>{body}</main></body></html>")
