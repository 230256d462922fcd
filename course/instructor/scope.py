"""Which exercises a grading run covers: those named by `--assignment`, else those somebody submitted.

`--assignment` takes a number (`08`), a stem (`08-reinforcement-learning`) or a range of
numbers (`03-05`), and may be repeated. Only the exercises in scope get gradebook rows, a
line in the summary and a place in the progress count.
"""
from __future__ import annotations

import re
from pathlib import Path

RANGE = re.compile(r"^(\d{1,2})-(\d{1,2})$")
NUMBER = re.compile(r"^\d{1,2}$")


class BadScope(ValueError):
    """An `--assignment` value that names no exercise; the message says why in one line."""


def wanted_numbers(specs: list[str], stems: list[str]) -> set[str]:
    """Return the stems that the `--assignment` values name, or raise BadScope."""
    chosen: set[str] = set()
    by_number = {stem[:2]: stem for stem in stems}
    for spec in specs:
        spec = spec.strip()
        if spec in stems:
            chosen.add(spec)
        elif NUMBER.match(spec):
            chosen.add(_one(by_number, int(spec), spec))
        elif match := RANGE.match(spec):
            low, high = int(match[1]), int(match[2])
            if low > high:
                raise BadScope(f"--assignment {spec}: the range runs backwards")
            chosen.update(_one(by_number, n, spec) for n in range(low, high + 1))
        else:
            raise BadScope(f"--assignment {spec!r}: expected a number (08), a range (03-05) or an exercise's name")
    return chosen


def _one(by_number: dict, number: int, spec: str) -> str:
    """Return the stem numbered `number`, or raise BadScope naming the value it came from."""
    key = f"{number:02d}"
    if key not in by_number:
        raise BadScope(f"--assignment {spec}: there is no gradeable exercise {key} (have {', '.join(sorted(by_number))})")
    return by_number[key]


def submitted_stems(submissions: Path, stems: list[str]) -> set[str]:
    """Return the stems that at least one student folder holds a notebook for."""
    found = set()
    for folder in submissions.iterdir():
        if folder.name.startswith(".") or folder.is_symlink() or not folder.is_dir():
            continue
        found.update(stem for stem in stems if (folder / f"{stem}.ipynb").exists())
    return found


def in_scope(assignments: list, specs: list[str], submissions: Path) -> list:
    """Return the assignments a run grades: those `specs` name, or (no specs) those somebody submitted."""
    stems = [a.stem for a in assignments]
    keep = wanted_numbers(specs, stems) if specs else submitted_stems(submissions, stems)
    return [a for a in assignments if a.stem in keep]
