"""`course gradebook merge`: join shard gradebooks into one, and optionally the wide CSV for an LMS."""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from types import SimpleNamespace

from course.atomic import write_text_atomically
from course.instructor.gradebook import HEADER
from course.instructor.lms import BadRoster, read_roster, wide_text
from course.instructor.shards import BadShards, merge


def rows_text(rows: list[list[str]]) -> str:
    """Return gradebook rows (already safe cells) as CSV text under the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def as_rows(rows: list[list[str]]) -> list:
    """Return CSV rows as objects with the fields the wide CSV reads."""
    return [SimpleNamespace(student=r[0].removeprefix("'") if r[0][:2] in ("'=", "'+", "'-", "'@") else r[0],
                            notebook=r[1], points=float(r[4])) for r in rows]


def merged_outputs(args) -> dict[Path, str]:
    """Return {path: text} for everything `course gradebook merge` writes, or raise ValueError."""
    for path in args.shards:
        if not path.is_file():
            raise BadShards(f"{path} is not a file")
    for path in filter(None, (args.out, args.wide)):
        if path.resolve() in {p.resolve() for p in args.shards}:
            raise BadShards(f"{path} is one of the shards; write the merged gradebook elsewhere")
        if path.is_dir() or not path.parent.is_dir():
            raise BadShards(f"cannot write {path}: give a file name in an existing folder")
    rows = merge(args.shards)
    outputs = {args.out: rows_text(rows)}
    if args.wide:
        objects = as_rows(rows)
        stems = sorted({r.notebook for r in objects})
        roster = read_roster(args.roster, {r.student for r in objects}) if args.roster else None
        outputs[args.wide] = wide_text(objects, stems, roster)
    return outputs


def cmd_merge(args) -> int:
    """Merge the shards; on any problem print one line and write nothing."""
    try:
        outputs = merged_outputs(args)
    except (BadShards, BadRoster, ValueError) as exc:
        print(f"course gradebook merge: {exc}", file=sys.stderr)
        return 2
    for path, text in outputs.items():
        write_text_atomically(path, text, newline="")
    count = outputs[args.out].count("\n") - 1
    print(f"gradebook: {args.out} ({count} rows from {len(args.shards)} shards)")
    return 0
