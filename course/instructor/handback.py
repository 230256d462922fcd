"""Feedback to hand back: each student's executed notebook with the grader's verdicts, as offline HTML.

The page itself is built by pages.py (markdown and maths rendered, no scripts, no
network, the learner's HTML cleaned); this module writes it, atomically, where the
instructor asked: FEEDBACK/<student>/<NN-topic>.html.
"""
from __future__ import annotations

from pathlib import Path

from course.atomic import write_text_atomically
from course.instructor.pages import page_html


def write_feedback(folder: Path, student: str, stem: str, nb, rows: list) -> Path:
    """Write folder/<student>/<stem>.html atomically and return its path."""
    target = folder / student / f"{stem}.html"
    write_text_atomically(target, page_html(nb, student, stem, rows))
    return target
