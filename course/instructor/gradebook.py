"""The gradebook: one CSV row per student, exercise and question, written in one step.

Text a student controls (names, messages) becomes one line that no spreadsheet reads as a formula.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from course.atomic import write_text_atomically

HEADER = ["student", "notebook", "question", "status", "points", "max_points", "message", "flags"]
MAX_MESSAGE = 1000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def cell(text: str) -> str:
    """Return text safe for one spreadsheet cell: one line, no control characters, never a formula."""
    text = CONTROL.sub(" ", str(text).replace("\r\n", " ").replace("\n", " "))
    # A lone surrogate (JSON from a kernel can carry one) cannot be written as UTF-8: it becomes "?".
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."
    # A cell starting with = + - @ is a formula in Excel and LibreOffice; names and messages come from students.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def gradebook_text(rows: list) -> str:
    """Return the rows (grade.Row) as CSV text under the fixed header."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow([cell(r.student), cell(r.notebook), r.question, r.status, f"{r.points:g}",
                         f"{r.max_points:g}", cell(r.message), cell(r.flags)])
    return text.getvalue()


def write_gradebook(rows: list, path: Path) -> None:
    """Write the rows as CSV with the fixed header, atomically: on any failure the old file (or none) stays."""
    write_text_atomically(path, gradebook_text(rows), newline="")  # "": the line ends stay as csv wrote them
