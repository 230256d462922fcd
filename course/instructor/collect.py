"""`course collect SOURCE --out SUBMISSIONS`: an LMS or hub export -> SUBMISSIONS/<student>/<NN-topic>.ipynb.

Formats, recognised from the paths:
  canvas    a "Download submissions" zip: name_[LATE_]userid_submissionid_<file>.ipynb
  moodle    "Download all submissions": <Full Name>_<id>_assignsubmission_file_/<file>.ipynb
  nbgrader  submitted/<student>/<assignment>/<file>.ipynb (the course folder or its submitted/)
  hub       JupyterHub homes: <user>/.../<NN-topic>.ipynb anywhere in the home, except in
            the course's own notebooks/ and solutions/ folders
A file is an exercise when its name, less a `-1` or ` (1)` copy mark, is an exercise's name.
Two files for one student and exercise, or a name that is no exercise, are reported and
not collected; nothing is guessed. SUBMISSIONS is written whole or not at all.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path, PurePosixPath

from course.instructor.sources import BadSource, Source

CANVAS = re.compile(r"^(?P<student>[^_/]+)_(?:LATE_)?\d+_\d+_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<student>.+?)_(?P<id>\d+)_assignsubmission_file_?$")
COPY = re.compile(r"(?:-\d+| \(\d+\))$")
COURSE_COPIES = {"notebooks", "solutions"}  # folders of the course itself in a hub home, not submissions
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def student_folder(name: str) -> str:
    """Return a name as a folder name: letters, digits, . _ - only."""
    return SAFE.sub("-", name).strip("-.") or "unnamed"


def exercise_of(filename: str, stems: set[str]) -> str | None:
    """Return the exercise a file name is (less a copy mark), or None."""
    stem = PurePosixPath(filename).stem
    return stem if stem in stems else (COPY.sub("", stem) if COPY.sub("", stem) in stems else None)


def owners(paths: list[str]) -> tuple[str, dict[str, tuple[str, str]]]:
    """Return (format, {path: (student, file name)}) for an export's notebook paths."""
    parts = {p: PurePosixPath(p).parts for p in paths}
    nbgrader = {p: (ps[-3], ps[-1]) for p, ps in parts.items() if len(ps) >= 4 and ps[-4] == "submitted"}
    if nbgrader:
        return "nbgrader", nbgrader
    moodle = {p: (f"{m['student']}_{m['id']}", ps[1]) for p, ps in parts.items()
              if len(ps) == 2 and (m := MOODLE.match(ps[0]))}
    if moodle:
        return "moodle", moodle
    if all(len(ps) == 1 for ps in parts.values()):
        return "canvas", {p: (m["student"], m["file"]) for p, ps in parts.items() if (m := CANVAS.match(ps[0]))}
    # A home holds the whole course: its lessons and solutions share the exercises' names.
    return "hub", {p: (ps[0], ps[-1]) for p, ps in parts.items() if len(ps) >= 2 and ps[-2] not in COURSE_COPIES}


def plan(source: Source, stems: set[str]) -> tuple[str, dict, list[str]]:
    """Return (format, {(student folder, stem): path}, notes on what was not collected)."""
    kind, owned = owners(sorted(source.files))
    course = (lambda p: kind == "hub" and PurePosixPath(p).parent.name in COURSE_COPIES)  # skipped quietly
    notes = [f"{p}: not a submission in the {kind} layout; not collected" for p in sorted(source.files)
             if p not in owned and not course(p)]
    found, names = defaultdict(list), defaultdict(set)
    for path, (student, filename) in sorted(owned.items()):
        folder = student_folder(student)
        names[folder].add(student)
        stem = exercise_of(filename, stems)
        if stem is None:
            notes.append(f"{path}: {filename} is not the name of an exercise notebook; not collected")
        else:
            found[(folder, stem)].append(path)
    chosen = {}
    for (folder, stem), paths in sorted(found.items()):
        if len(names[folder]) > 1:
            notes.append(f"{path_list(paths)}: students {sorted(names[folder])} share the folder name {folder}; "
                         "not collected")
        elif len(paths) > 1:
            notes.append(f"{path_list(paths)}: {len(paths)} files for {folder}'s {stem}; none collected "
                         "(keep one and collect again)")
        else:
            chosen[(folder, stem)] = paths[0]
    return kind, chosen, notes


def looks_like_notebook(data: bytes) -> bool:
    """Say whether bytes are JSON with a list of cells."""
    try:
        return isinstance(json.loads(data.decode("utf-8")).get("cells"), list)
    except (ValueError, AttributeError, RecursionError):
        return False


def path_list(paths: list[str]) -> str:
    """Return paths as one comma-separated string, for a note."""
    return ", ".join(paths)


def collect(where: Path, out: Path, stems: set[str]) -> tuple[str, int, list[str]]:
    """Write out/<student>/<stem>.ipynb from the export at `where`; return (format, count, notes).

    Raises BadSource (nothing written) if the export or `out` cannot be used.
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadSource(f"--out {out} already exists and is not an empty folder; give a new one")
    if not out.parent.is_dir():
        raise BadSource(f"cannot write {out}: folder {out.parent} does not exist")
    if out.resolve().is_relative_to(where.resolve()):
        raise BadSource(f"--out {out} is inside {where}, which collecting never changes")
    source = Source(where)
    kind, chosen, notes = plan(source, stems)
    if not chosen:
        raise BadSource(f"{where} ({kind} layout) holds no notebook named like an exercise: " +
                        (notes[0] if notes else "nothing to collect"))
    staging = Path(tempfile.mkdtemp(prefix=".collect-", dir=out.parent))
    try:
        for (folder, stem), path in chosen.items():
            (staging / folder).mkdir(exist_ok=True)
            data = source.files[path]()
            if not looks_like_notebook(data):
                notes.append(f"{path}: not a readable notebook (collected as it is; grading will say so)")
            (staging / folder / f"{stem}.ipynb").write_bytes(data)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return kind, len(chosen), notes
