"""Generate exercises/ from solutions/: the solution notebooks are the single source.

The pipeline for one notebook, in this order:
  1. find_regions     parse the nbgrader markers of every cell; misplaced, nested or unclosed
                      markers, and `solution` cells without markers, are errors
  2. strip_regions    SOLUTION regions become "# YOUR CODE HERE" + raise NotImplementedError()
                      (markdown: "YOUR ANSWER HERE"); HIDDEN TESTS regions are removed
  3. clear_cell       outputs, execution counts and cell metadata other than tags are dropped
  4. header_cell      a last cell tells maintainers which solutions/ file to edit (learners
                       should not meet it first: it points at the answers)
`generate_all` runs every notebook, collects every error, then fails once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
MARKERS = {BEGIN_SOLUTION: "solution", BEGIN_HIDDEN: "hidden"}
ENDS = {END_SOLUTION: "solution", END_HIDDEN: "hidden"}
SOLUTION_TAG, TESTS_TAG = "solution", "tests"
HEADER_ID = "generated-from-solutions"


class MarkerError(ValueError):
    """A solution notebook whose markers cannot be turned into an exercise unambiguously."""


@dataclass
class Region:
    kind: str  # "solution" or "hidden"
    start: int  # line index of BEGIN
    end: int  # line index of END
    indent: str


def _marker(line: str) -> str | None:
    # Longer markers first: "### END SOLUTION" is not inside "### END HIDDEN TESTS", but be explicit.
    for marker in (BEGIN_HIDDEN, END_HIDDEN, BEGIN_SOLUTION, END_SOLUTION):
        if marker in line:
            return marker
    return None


def find_regions(cell, where: str) -> list[Region]:
    """Return the marked regions of `cell`, raising MarkerError on any misuse."""
    lines = cell.source.split("\n")
    tags = set(cell.get("metadata", {}).get("tags", []))
    regions, open_region = [], None
    for i, line in enumerate(lines):
        marker = _marker(line)
        if marker is None:
            continue
        if marker in MARKERS:
            if open_region is not None:
                raise MarkerError(f"{where}: {marker!r} on line {i + 1} is nested inside the region opened on line "
                                  f"{open_region.start + 1}")
            open_region = Region(MARKERS[marker], i, -1, line[: len(line) - len(line.lstrip())])
        elif open_region is None or ENDS[marker] != open_region.kind:
            raise MarkerError(f"{where}: {marker!r} on line {i + 1} has no matching BEGIN")
        else:
            open_region.end = i
            regions.append(open_region)
            open_region = None
    if open_region is not None:
        raise MarkerError(f"{where}: the region opened on line {open_region.start + 1} is never closed")
    kinds = {r.kind for r in regions}
    if "solution" in kinds and SOLUTION_TAG not in tags:
        raise MarkerError(f"{where}: has solution markers but is not tagged {SOLUTION_TAG!r}")
    if "hidden" in kinds and not tags & {SOLUTION_TAG, TESTS_TAG}:
        raise MarkerError(f"{where}: has hidden-test markers but is not tagged {TESTS_TAG!r}")
    if "hidden" in kinds and cell.cell_type != "code":
        raise MarkerError(f"{where}: hidden-test markers belong in code cells")
    if SOLUTION_TAG in tags and "solution" not in kinds:
        raise MarkerError(f"{where}: is tagged {SOLUTION_TAG!r} but has no {BEGIN_SOLUTION!r} ... {END_SOLUTION!r} region")
    return regions


def strip_regions(cell, regions: list[Region]) -> None:
    """Replace solution regions with a stub and drop hidden-test regions, in place."""
    lines = cell.source.split("\n")
    for region in reversed(regions):
        if region.kind == "hidden":
            stub = []
        elif cell.cell_type == "code":
            stub = [f"{region.indent}# YOUR CODE HERE", f"{region.indent}raise NotImplementedError()"]
        else:
            stub = ["YOUR ANSWER HERE"]
        lines[region.start : region.end + 1] = stub
    cell.source = "\n".join(lines)


def clear_cell(cell) -> None:
    """Drop outputs, execution counts and all cell metadata but tags."""
    tags = cell.get("metadata", {}).get("tags")
    cell.metadata = nbformat.NotebookNode({"tags": tags} if tags else {})
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None


def header_cell(source_name: str):
    """Return the maintainers' note, the last cell of a generated notebook."""
    return nbformat.v4.new_markdown_cell(
        f"*For course maintainers: this notebook is generated from `solutions/{source_name}` "
        "by `make exercises`. Change that file, not this one.*",
        id=HEADER_ID,
    )


def exercise_from_solution(nb, name: str):
    """Return the exercise notebook made from solution notebook `nb` (named `name`)."""
    nb = nbformat.from_dict(nb)
    for index, cell in enumerate(nb.cells):
        regions = find_regions(cell, f"solutions/{name}: cell {index + 1} (id {cell.get('id', '?')})")
        strip_regions(cell, regions)
        clear_cell(cell)
    nb.cells.append(header_cell(name))
    nb.metadata = nbformat.NotebookNode({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return nb


def render(nb) -> str:
    """Return the notebook as text, exactly as it is written to disk."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def generate_all(root: Path, check: bool = False) -> tuple[list[str], list[str]]:
    """Regenerate (or with check=True compare) every exercise; return (errors, stale files)."""
    solutions, exercises = root / "solutions", root / "exercises"
    errors, stale = [], []
    names = sorted(p.name for p in solutions.glob("*.ipynb"))
    for name in names:
        try:
            nb = nbformat.read(solutions / name, as_version=4)
            text = render(exercise_from_solution(nb, name))
        except (MarkerError, ValueError, OSError) as exc:
            errors.append(str(exc) if isinstance(exc, MarkerError) else f"solutions/{name}: {exc}")
            continue
        target = exercises / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(f"exercises/{name}")
        if not check:
            exercises.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
    for orphan in sorted(p.name for p in exercises.glob("*.ipynb")):
        if orphan not in names:
            stale.append(f"exercises/{orphan} (no solutions/{orphan})")
    return errors, stale
