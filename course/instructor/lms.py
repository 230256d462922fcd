"""What an LMS imports: one row per student, one column of points per exercise (`--wide CSV`).

With `--roster CSV` (columns `student` and `id`; others are ignored) each row also carries
the student's id in the LMS, so Canvas or Moodle can match rows to its own students.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from course.atomic import write_text_atomically
from course.instructor.gradebook import cell


class BadRoster(ValueError):
    """A roster that cannot be used; the message says why in one line."""


def read_roster(path: Path, students: set[str]) -> dict[str, str]:
    """Return {folder name: LMS id} for `students`, or raise BadRoster (missing, duplicated, unreadable)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            lines = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadRoster(f"cannot read roster {path}: {exc}") from None
    if not lines or not {"student", "id"} <= set(lines[0]):
        raise BadRoster(f"roster {path} needs a header with columns `student` and `id` and a row per student")
    roster: dict[str, str] = {}
    for line in lines:
        name, ident = (line.get("student") or "").strip(), (line.get("id") or "").strip()
        if name in roster:
            raise BadRoster(f"roster {path} lists {name!r} twice")
        roster[name] = ident
    ids = [i for i in roster.values() if i]
    if len(set(ids)) != len(ids):
        raise BadRoster(f"roster {path} gives two students the same id")
    unknown = sorted(s for s in students if not roster.get(s))
    if unknown:
        raise BadRoster(f"roster {path} has no id for {len(unknown)} student(s): {', '.join(unknown[:5])}")
    return roster


def wide_text(rows: list, stems: list[str], roster: dict | None = None) -> str:
    """Return the wide CSV: student[, id], one column of points per exercise, total."""
    points: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        points[r.student][r.notebook] += r.points
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student"] + (["id"] if roster is not None else []) + stems + ["total"])
    for student in sorted(points):
        ident = [cell(roster[student])] if roster is not None else []
        scores = [points[student][stem] for stem in stems]
        writer.writerow([cell(student)] + ident + [f"{p:g}" for p in scores] + [f"{sum(scores):g}"])
    return out.getvalue()


def write_wide(rows: list, stems: list[str], path: Path, roster: dict | None = None) -> None:
    """Write the wide CSV atomically."""
    write_text_atomically(path, wide_text(rows, stems, roster), newline="")
