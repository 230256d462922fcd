"""Grade a class's exercise notebooks: SUBMISSIONS/<student>/<NN-topic>.ipynb -> gradebook rows.

The pipeline, in this order:
  1. find_assignments   exercises/NN-topic.ipynb, each with its checker module's questions
  2. find_tasks         one task per student and assignment; other notebook names are reported
  3. grade_task         (in parallel) read a copy of the notebook, run it in a sandboxed
                        kernel made as kernel_setup.py decided (runner.py, sandbox.py), and
                        judge every question in this process (judge.py)
  4. the caller writes the feedback and the summary (classroom.py), and the gradebook (gradebook.py)
SUBMISSIONS is only ever read; every notebook runs from a copy in its own job folder.
"""
from __future__ import annotations

import ast
import importlib
import json
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.feedback import ERROR, NOT_ATTEMPTED, Feedback
from course.instructor.copies import reference_flags, solution_shapes
from course.instructor.judge import check_calls, code_trees, judge
from course.instructor.runner import NotebookRun
from course.instructor.sandbox import Limits
from course.lessons import checker_module
from course.questions import module_questions

MAX_NOTEBOOK_BYTES = 20 << 20


@dataclass(frozen=True)
class Assignment:
    """An exercise notebook: its questions, the names its check cells pass (q1 -> top_confusions),
    and the modules it imports (which the warm kernel factory loads in advance)."""

    stem: str
    questions: tuple
    answers: dict
    imports: frozenset = frozenset()
    solutions: frozenset = frozenset()  # the normalised functions of solutions/<stem>.ipynb (copies.py)


@dataclass(frozen=True)
class Task:
    student: str
    assignment: Assignment
    path: Path | None  # None: the student has no notebook of this name
    others: tuple = ()  # notebooks with names that are not exercises, to mention


@dataclass(frozen=True)
class Row:
    student: str
    notebook: str
    question: str
    status: str
    points: float
    max_points: float
    message: str
    flags: str = ""  # e.g. "uses-reference" (copies.py); never changes the verdict


@dataclass
class Result:
    """The rows for one task, and the notebook as executed (None when it could not be read)."""

    task: Task
    rows: list = field(default_factory=list)
    notebook: object = None
    note: str = ""


def imported_modules(nb) -> frozenset:
    """Return the absolute imports in a notebook's code cells (`import a.b`, `from c import d`)."""
    names = set()
    for tree in code_trees(nb):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return frozenset(names)


def find_assignments(root: Path) -> tuple[list[Assignment], list[str]]:
    """Return every gradeable exercise under root/exercises, and why any other was left out."""
    assignments, problems = [], []
    for path in sorted((root / "exercises").glob("*.ipynb")):
        stem = path.stem
        try:
            module = importlib.import_module(checker_module(stem))
            exercise = nbformat.read(path, as_version=4)
        except Exception as exc:  # a checker that fails to import costs its own notebook only
            problems.append(f"exercises/{path.name} is not graded: {type(exc).__name__}: {exc}")
            continue
        questions = module_questions(module)
        if questions:
            assignments.append(Assignment(stem, questions, check_calls(exercise), imported_modules(exercise),
                                          solution_shapes(root / "solutions" / path.name)))
    return assignments, problems


def find_tasks(submissions: Path, assignments: list[Assignment], exercises=()) -> tuple[list[Task], list[str]]:
    """Return one task per student folder and assignment, and a note on everything not graded.

    Notebooks named for an exercise in `exercises` but not in `assignments` are left out silently.
    """
    tasks, notes, known = [], [], {a.stem for a in assignments} | set(exercises)
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() or not entry.is_dir():
            notes.append(f"{entry.name}: not a student folder (a folder per student is expected); not graded")
            continue
        names = sorted(p.name for p in entry.iterdir() if p.suffix == ".ipynb" and not p.name.startswith("."))
        others = tuple(n for n in names if n[:-len(".ipynb")] not in known)
        notes.extend(f"{entry.name}/{n}: not the name of an exercise notebook; not graded" for n in others)
        for assignment in assignments:
            path = entry / f"{assignment.stem}.ipynb"
            tasks.append(Task(entry.name, assignment, path if path.name in names else None, others))
    return tasks, notes


def read_notebook(path: Path):
    """Return (the notebook rebuilt from its cells' types and sources only, "") or (None, why it cannot be read)."""
    if path.is_symlink() or not path.is_file():
        return None, "is not a regular file (a link or a folder, say)"
    with path.open("rb") as handle:
        data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, f"is larger than {MAX_NOTEBOOK_BYTES >> 20} MB"
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "is not text (not UTF-8)"
    except ValueError as exc:
        return None, f"is not valid JSON ({exc})"
    except RecursionError:
        return None, "is not valid JSON (nested too deeply)"
    return rebuild(raw)


def rebuild(raw):
    """Return (a clean nbformat 4 notebook of the cells in `raw`, "") or (None, why `raw` is not a notebook)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        return None, "is not a Jupyter notebook (it has no list of cells)"
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    makers = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
              "raw": nbformat.v4.new_raw_cell}
    for cell in raw["cells"]:
        source = cell.get("source", "") if isinstance(cell, dict) else None
        source = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
        if isinstance(source, str) and cell.get("cell_type") in makers:
            # Fixed ids keep the feedback files identical from one run to the next.
            nb.cells.append(makers[cell["cell_type"]](source, id=f"cell-{len(nb.cells)}"))
    return nb, ""


def rows_for(task: Task, status: str, message: str) -> list[Row]:
    """Return the same verdict for every question of the task's assignment."""
    return [Row(task.student, task.assignment.stem, q.name, status, 0, q.points, message)
            for q in task.assignment.questions]


def missing_message(task: Task) -> str:
    extra = f" (found instead, not graded: {', '.join(task.others)})" if task.others else ""
    return f"No {task.assignment.stem}.ipynb was submitted{extra}."


def grade_task(task: Task, setup) -> Result:
    """Grade one student's notebook for one assignment, with kernels made by `setup`; every problem becomes rows."""
    result = Result(task)
    if task.path is None:
        result.rows = rows_for(task, NOT_ATTEMPTED, missing_message(task))
        return result
    nb, problem = read_notebook(task.path)
    if nb is None:
        result.rows = rows_for(task, ERROR, f"{task.path.name} {problem}; nothing could be graded.")
        return result
    result.notebook = nb
    if not any(cell.cell_type == "code" and cell.source.strip() for cell in nb.cells):
        result.rows = rows_for(task, NOT_ATTEMPTED, f"{task.path.name} has no code in it.")
        return result
    with NotebookRun(nb, task.path.name, setup) as run:
        result.rows = judge_all(task, nb, run, setup.limits)
    return result


def judge_all(task: Task, nb, run: NotebookRun, limits: Limits) -> list[Row]:
    """Run the notebook, then judge each question in order."""
    run.execute()
    own = check_calls(nb)
    rows = []
    for question in task.assignment.questions:
        names = list(dict.fromkeys(own.get(question.name, [])[::-1] + task.assignment.answers.get(question.name, [])))
        seconds = min(question.time_limit, limits.cell_seconds)
        verdict = judge(run, question, names, seconds) if names else Feedback(
            ERROR, f"The grader does not know which name answers {question.name}.", question.name)
        points = question.points if verdict.passed else 0
        flags = safe_flags(nb, run, question, names, task.assignment.solutions) if names else ""
        rows.append(Row(task.student, task.assignment.stem, question.name, verdict.status, points,
                        question.points, verdict.message + run.note(), flags))
    return rows


def safe_flags(nb, run: NotebookRun, question, names: list[str], solutions: frozenset) -> str:
    """Return the answer's flags (copies.py); a failure to tell gives none, never a changed verdict."""
    try:
        return reference_flags(nb, run, question, names, solutions)
    except (RecursionError, ValueError, TypeError, SyntaxError):
        return ""


def safe_grade(task: Task, setup) -> Result:
    """grade_task, with a failure of the grader itself turned into rows so the run goes on."""
    try:
        return grade_task(task, setup)
    except Exception as exc:  # a grader bug must cost one notebook, not the class
        return Result(task, rows_for(task, ERROR, f"The grader failed on this notebook ({type(exc).__name__}: {exc})."))


def grade_all(tasks: list[Task], grade_one, jobs: int, on_done=None, on_stop=None) -> list[Result]:
    """Run grade_one(task) for every task, `jobs` at a time; call on_done(result) as each ends; keep task order.

    If this thread is interrupted (Ctrl-C, SIGTERM), on_stop() is called first, so the
    notebooks in progress can end at once; no other starts, and the exception goes on.
    """
    results: dict[int, Result] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_one, task): i for i, task in enumerate(tasks)}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if on_done:
                    on_done(results[futures[future]])
        except BaseException:
            if on_stop:
                on_stop()
            pool.shutdown(cancel_futures=True)  # waits for the notebooks in progress
            raise
    return [results[i] for i in range(len(tasks))]
