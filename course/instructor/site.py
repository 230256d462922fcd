"""`course site`: the course as a static website, built with Sphinx, myst-nb and sphinx-book-theme.

The pages come from the committed, executed notebooks; nothing is executed. The build copies
what it needs into a staging folder (build/site-src): the lessons and the exercises as handed
out, docs/, a home page whose lesson table comes from course.lessons.LESSONS, and a page on
running the course yourself. On the way each notebook gets what a page without a kernel needs:

- every self-check's saved fallback is rendered again from its bank by course/quiz.py
  (`_SelfCheck.html()`, the same function the notebook saved it with; a stale output is left
  as it is and reported), so site/_static/selfcheck.js can make it a working question.

An explorer needs nothing here: its saved view (course/explore.py) is already its figure with
alt text and a sentence on what its controls do in JupyterLab.

The configuration, templates, style and script live in site/. The site works offline, from
file:// or any static host: no page asks for anything outside it (the browser tests check).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

QUIZ_CALL = re.compile(r"""quiz\.ask\(\s*["']([a-z0-9-]+)["']\s*\)""")


class SiteError(RuntimeError):
    """The site could not be built; the message says why."""


@dataclass
class Built:
    """What a build produced: where, how many pages, how long, and what it noticed."""

    out: Path
    pages: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _refresh_quiz(output: dict, cell_source: str, stem: str, banks: dict, notes: list[str], where: str) -> None:
    """Give a saved self-check output the fallback its bank renders now, if it is the same question."""
    from course.quiz import QuizBankError, load_bank

    data = output.get("data", {})
    if 'class="course-quiz"' not in _text(data.get("text/html")):
        return
    ids = QUIZ_CALL.findall(cell_source)
    if len(ids) != 1:
        notes.append(f"{where}: a self-check output whose cell does not name one question; left as saved")
        return
    try:
        bank = banks.setdefault(stem, load_bank(stem))
        question = bank.ask(ids[0])
    except (QuizBankError, KeyError, OSError) as exc:
        notes.append(f"{where}: {exc}; left as saved")
        return
    if question.text() != _text(data.get("text/plain")):
        notes.append(f"{where}: the saved self-check {ids[0]!r} differs from its bank (run `make execute`); "
                     "left as saved")
        return
    data["text/html"] = question.html()


def stage_notebook(source: Path, target: Path, notes: list[str], banks: dict) -> None:
    """Copy one notebook for the site, its self-checks refreshed from their banks."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        cells.append(cell)
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            where = f"{source.parent.name}/{source.name} cell {index}"
            _refresh_quiz(output, _text(cell["source"]), source.stem, banks, notes, where)
    notebook["cells"] = cells
    target.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def lesson_table(lessons, exercises: set[str]) -> str:
    """The home page's table: number, lesson (linked), what it lets you do, its exercise (linked)."""
    rows = ["| # | lesson | what you will be able to do | exercise |", "|---|---|---|---|"]
    for lesson in lessons:
        exercise = f"[exercise {lesson.number}](exercises/{lesson.stem}.ipynb)" if lesson.stem in exercises else ""
        rows.append(f"| {lesson.number} | [{lesson.title}](notebooks/{lesson.stem}.ipynb) | {lesson.can_do} | "
                    f"{exercise} |")
    return "\n".join(rows)


def toctree(caption: str, entries: list[str]) -> str:
    return "\n".join(["```{toctree}", f":caption: {caption}", ":hidden:", "", *entries, "```", ""])


def stage(root: Path, target: Path) -> list[str]:
    """Lay out the site's sources in `target`; return notes on anything left as it was."""
    from course.lessons import LESSONS

    if target.exists():
        shutil.rmtree(target)
    notes: list[str] = []
    banks: dict = {}
    lessons = [lesson for lesson in LESSONS if (root / "notebooks" / f"{lesson.stem}.ipynb").is_file()]
    if not lessons:
        raise SiteError(f"no lessons in {root / 'notebooks'}")
    exercises = {p.stem for p in (root / "exercises").glob("[0-9][0-9]-*.ipynb")}
    for folder, stems in (("notebooks", [lesson.stem for lesson in lessons]), ("exercises", sorted(exercises))):
        (target / folder).mkdir(parents=True)
        for stem in stems:
            stage_notebook(root / folder / f"{stem}.ipynb", target / folder / f"{stem}.ipynb", notes, banks)
    docs = [name for name in ("instructors", "contributing", "glossary") if (root / "docs" / f"{name}.md").is_file()]
    (target / "docs").mkdir()
    for name in docs:
        shutil.copyfile(root / "docs" / f"{name}.md", target / "docs" / f"{name}.md")
    site = root / "site"
    shutil.copyfile(site / "run-it-yourself.md", target / "run-it-yourself.md")
    home = (site / "index.md").read_text(encoding="utf-8")
    home = home.replace("<!-- lesson table -->", lesson_table(lessons, exercises))
    home += "\n" + toctree("Lessons", [f"notebooks/{lesson.stem}" for lesson in lessons])
    home += "\n" + toctree("Exercises", [f"exercises/{stem}" for stem in sorted(exercises)])
    home += "\n" + toctree("The course", ["run-it-yourself", *[f"docs/{name}" for name in docs]])
    (target / "index.md").write_text(home, encoding="utf-8")
    return notes


def build(root: Path, out: Path, staging: Path | None = None, timeout: float = 600) -> Built:
    """Build the site from the course in `root` into `out` (replaced); raise SiteError if Sphinx fails."""
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as exc:
        raise SiteError(f"the site needs Sphinx, myst-nb and sphinx-book-theme ({exc.name} is missing); "
                        "install them into the course's environment") from None
    start = time.monotonic()
    staging = staging or out.parent / f"{out.name}-src"
    notes = stage(root, staging)
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-c", str(root / "site"),
               "-d", str(staging / ".doctrees"), str(staging), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0:
        raise SiteError("Sphinx failed:\n" + "\n".join(warnings[-40:]))
    pages = sum(1 for page in out.rglob("*.html") if "_static" not in page.parts)
    return Built(out, pages, time.monotonic() - start, notes, warnings)


def main(root: Path, out: Path) -> int:
    """`course site`: build, then say where, how many pages, and how long it took."""
    try:
        built = build(root, out)
    except (SiteError, subprocess.TimeoutExpired) as exc:
        print(f"course site: {exc}", file=sys.stderr)
        return 1
    for line in built.notes + built.warnings:
        print(f"course site: {line}", file=sys.stderr)
    print(f"built {built.pages} pages into {built.out} in {built.seconds:.0f} s; open {built.out / 'index.html'}")
    return 0
