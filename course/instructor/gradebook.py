"""Grade a class end to end: plan, grade in parallel with a progress bar, write the gradebook,
the feedback and a summary. `grade_class` is what `course grade` runs.
"""
from __future__ import annotations

import csv
import os
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from course.feedback import ERROR
from course.instructor.grade import Result, Row, Task, find_assignments, find_tasks, grade_all, safe_grade
from course.instructor.handback import write_feedback
from course.instructor.kernels import python_paths
from course.instructor.sandbox import KernelGone, Limits
from course.instructor.setup import Setup, finish, prepare

HEADER = ["student", "notebook", "question", "status", "points", "max_points", "message"]
MAX_MESSAGE = 1000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class CannotGrade(Exception):
    """The grader itself cannot run (a missing folder, bad arguments); the message says why in one line."""


@dataclass(frozen=True)
class Plan:
    submissions: Path
    out: Path
    feedback: Path | None
    limits: Limits
    jobs: int


def cell(text: str) -> str:
    """Return text safe for one spreadsheet cell: one line, no control characters, never a formula."""
    text = CONTROL.sub(" ", str(text).replace("\r\n", " ").replace("\n", " "))
    text = text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."
    # A cell starting with = + - @ is a formula in Excel and LibreOffice; names and messages come from students.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_gradebook(rows: list[Row], path: Path) -> None:
    """Write the rows as CSV with the fixed header, atomically."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for r in rows:
            writer.writerow([cell(r.student), cell(r.notebook), r.question, r.status, f"{r.points:g}",
                             f"{r.max_points:g}", cell(r.message)])
    os.replace(temporary, path)


def summary(results: list[Result]) -> str:
    """Return the table printed at the end: per notebook, submissions, mean score, notebooks with errors."""
    scores, missing, errors, out_of = defaultdict(list), defaultdict(int), defaultdict(int), {}
    for result in results:
        stem = result.task.assignment.stem
        out_of[stem] = sum(q.points for q in result.task.assignment.questions)
        if result.task.path is None:
            missing[stem] += 1
            continue
        scores[stem].append(sum(r.points for r in result.rows))
        errors[stem] += any(r.status == ERROR for r in result.rows)
    lines = [f"{'notebook':<36} {'submitted':>9} {'missing':>7} {'mean score':>12} {'errors':>6}"]
    for stem in sorted(out_of):
        mean = f"{sum(scores[stem]) / len(scores[stem]):.2f} / {out_of[stem]:g}" if scores[stem] else "-"
        lines.append(f"{stem:<36} {len(scores[stem]):>9} {missing[stem]:>7} {mean:>12} {errors[stem]:>6}")
    return "\n".join(lines)


class Progress:
    """A progress bar on stderr (when stderr is not a terminal, a line per tenth of the work)."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, result: Result) -> None:
        self.done += 1
        what = f"{result.task.student}/{result.task.assignment.stem}"
        if self.live:
            filled = self.width * self.done // max(1, self.total)
            bar = "#" * filled + "-" * (self.width - filled)
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} {what[:40]:<40}{end}")
        elif self.done == self.total or self.done % max(1, self.total // 10) == 0:
            self.stream.write(f"graded {self.done}/{self.total}\n")
        self.stream.flush()


def plan_problems(plan: Plan) -> list[str]:
    """Return every reason the grader cannot run this plan (none: it can)."""
    problems, inside = [], plan.submissions.resolve()
    if not plan.submissions.is_dir():
        problems.append(f"{plan.submissions} is not a folder (expected SUBMISSIONS/<student>/<NN-topic>.ipynb)")
    if plan.jobs < 1 or not 0 < plan.limits.cell_seconds < float("inf"):
        problems.append("--jobs must be at least 1 and --timeout a number of seconds above 0")
    if plan.limits.memory_mb < 1024:
        problems.append("--memory must be at least 1024 (MB): a kernel with numpy alone reserves about 1 GB")
    if not plan.out.parent.is_dir():
        problems.append(f"cannot write {plan.out}: folder {plan.out.parent} does not exist")
    if plan.feedback and plan.feedback.exists() and not plan.feedback.is_dir():
        problems.append(f"--feedback {plan.feedback} is a file, not a folder")
    for path in filter(None, (plan.out, plan.feedback)):
        if path.resolve().is_relative_to(inside):
            problems.append(f"{path} is inside {plan.submissions}, which grading never changes; write it elsewhere")
    # Kernels never see SUBMISSIONS, so it must not hold the Python they run on.
    if any(Path(p).resolve().is_relative_to(inside) for p in python_paths()):
        problems.append(f"{plan.submissions} holds the course's Python environment; keep submissions elsewhere")
    return problems


def hidden_paths(plan: Plan) -> list[str]:
    """Return what a kernel must never see: every student's work, the gradebook and the feedback."""
    paths = [plan.submissions, plan.out] + ([plan.feedback] if plan.feedback else [])
    return [str(p.resolve()) for p in paths]


def grader(plan: Plan, setup: Setup):
    """Return the function the worker threads run on each task: grade it, then write its feedback.

    A student with no notebook for an assignment gets gradebook rows but no feedback page.
    """

    def grade_one(task: Task) -> Result:
        result = safe_grade(task, setup)
        if plan.feedback and task.path is not None:
            # Here, not at the end: while this thread renders HTML, the others' kernels keep working.
            try:
                write_feedback(plan.feedback, task.student, task.assignment.stem, result.notebook, result.rows)
            except Exception as exc:  # one unrenderable notebook must not stop the class
                result.note = f"{task.student}/{task.assignment.stem}: no feedback file ({type(exc).__name__}: {exc})"
        return result

    return grade_one


def grade_class(plan: Plan, root: Path, report=None, progress=None) -> int:
    """Grade SUBMISSIONS, write the gradebook (and feedback); summary to `report`, progress to `progress`."""
    report, progress = report or sys.stdout, progress or sys.stderr
    problems = plan_problems(plan)
    if problems:
        raise CannotGrade("; ".join(problems))
    assignments, left_out = find_assignments(root)
    if not assignments:
        raise CannotGrade(f"no gradeable exercise notebooks in {root / 'exercises'}")
    tasks, notes = find_tasks(plan.submissions, assignments)
    if not tasks:
        raise CannotGrade(f"{plan.submissions} has no student folders")
    try:
        setup, kernel_notes = prepare(plan.limits, hidden_paths(plan), set().union(*(a.imports for a in assignments)))
    except KernelGone as exc:
        raise CannotGrade(f"cannot start a sandboxed kernel: {exc}") from None
    try:
        results = grade_all(tasks, grader(plan, setup), plan.jobs, Progress(len(tasks), progress))
    finally:
        finish(setup)
    rows = [row for result in results for row in result.rows]
    write_gradebook(rows, plan.out)
    for line in left_out + notes + kernel_notes + [r.note for r in results if r.note]:
        print(f"note: {line}", file=progress)
    print(summary(results), file=report)
    where = f"; feedback in {plan.feedback}" if plan.feedback else ""
    print(f"gradebook: {plan.out} ({len(rows)} rows){where}", file=report)
    print(setup.describe(), file=report)
    return 0
