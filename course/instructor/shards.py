"""Split a class across machines (`course grade --shard K/N`) and join the gradebooks again.

A student belongs to shard K of N when the SHA-256 of their folder name, as a number,
leaves K-1 when divided by N: the split depends on nothing but the names, so every
machine computes the same one. `merge` refuses gradebooks that overlap or leave a gap.
"""
from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from course.instructor.gradebook import HEADER

SPEC = re.compile(r"^(\d+)/(\d+)$")


class BadShards(ValueError):
    """A shard spec or a set of shard gradebooks that cannot be used; the message is one line."""


def parse_shard(spec: str) -> tuple[int, int]:
    """Return (K, N) from "K/N" with 1 <= K <= N, or raise BadShards."""
    match = SPEC.match(spec.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise BadShards(f"--shard {spec!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(match[1]), int(match[2])


def shard_of(student: str, count: int) -> int:
    """Return the shard (1..count) that `student` belongs to."""
    return int.from_bytes(hashlib.sha256(student.encode("utf-8")).digest()[:8], "big") % count + 1


def read_rows(path: Path) -> list[list[str]]:
    """Return a gradebook's data rows, or raise BadShards if it is not one."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            lines = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadShards(f"cannot read {path}: {exc}") from None
    if not lines or lines[0] != HEADER:
        raise BadShards(f"{path} is not a course gradebook (its first line is not the gradebook's header)")
    return lines[1:]


def check_shards(books: dict[Path, list[list[str]]]) -> None:
    """Raise BadShards unless the gradebooks are the N distinct shards of one class, with the same exercises."""
    count, seen, notebooks = len(books), {}, {}
    for path, rows in books.items():
        students = {r[0] for r in rows}
        shards = {shard_of(s.removeprefix("'"), count) for s in students}
        if len(shards) > 1:
            raise BadShards(f"{path} holds students of different shards of {count}: "
                            f"these {count} files are not the {count} shards of one class (one missing or extra?)")
        for shard in shards:
            if shard in seen:
                raise BadShards(f"{path} and {seen[shard]} overlap: both hold shard {shard}/{count}")
            seen[shard] = path
        if rows:
            notebooks[path] = sorted({r[1] for r in rows})
    if len({tuple(v) for v in notebooks.values()}) > 1:
        raise BadShards("the shards graded different exercises: " +
                        "; ".join(f"{p}: {', '.join(v)}" for p, v in notebooks.items()))


def merge(paths: list[Path]) -> list[list[str]]:
    """Return the rows of all shard gradebooks, sorted by student, or raise BadShards."""
    if len(paths) < 2:
        raise BadShards("give the gradebooks of all N shards (at least 2) to merge")
    if len(set(p.resolve() for p in paths)) != len(paths):
        raise BadShards("the same gradebook is given twice")
    books = {p: read_rows(p) for p in paths}
    check_shards(books)
    rows = [row for rows in books.values() for row in rows]
    keys = [(r[0], r[1], r[2]) for r in rows]
    if len(set(keys)) != len(keys):
        raise BadShards("the gradebooks overlap: a student's question appears twice")
    return sorted(rows, key=lambda r: r[0])
