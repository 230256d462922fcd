"""What one `course grade` run is asked to do (a Plan), whether it can, and which tasks it grades.

Every reason it cannot run is found before any kernel starts, and said in one line.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.instructor.grade import find_assignments, find_tasks
from course.instructor.kernels import python_paths
from course.instructor.sandbox import Limits
from course.instructor.scope import BadScope, in_scope
from course.instructor.shards import shard_of


class CannotGrade(Exception):
    """The grader itself cannot run (a missing folder, bad arguments); the message says why in one line."""


@dataclass(frozen=True)
class Plan:
    submissions: Path
    out: Path
    feedback: Path | None
    limits: Limits
    jobs: int
    assignments: tuple = ()  # `--assignment` values; none: what at least one student submitted
    shard: tuple | None = None  # (K, N): grade only shard K of N
    wide: Path | None = None  # also write one row per student, one column per exercise
    roster: Path | None = None  # folder name -> LMS id, for the wide CSV


def plan_problems(plan: Plan) -> list[str]:
    """Return every reason the grader cannot run this plan (none: it can)."""
    problems, inside = [], plan.submissions.resolve()
    if not plan.submissions.is_dir():
        problems.append(f"{plan.submissions} is not a folder (expected SUBMISSIONS/<student>/<NN-topic>.ipynb)")
    if plan.jobs < 1 or not 0 < plan.limits.cell_seconds < float("inf"):
        problems.append("--jobs must be at least 1 and --timeout a number of seconds above 0")
    if plan.limits.processes < 4 or plan.limits.disk_mb < 16:
        problems.append("--processes must be at least 4 and --disk at least 16 (MB): a kernel needs a few of each")
    if plan.limits.memory_mb < 1024:
        problems.append("--memory must be at least 1024 (MB): a kernel with numpy alone reserves about 1 GB")
    if not plan.out.parent.is_dir():
        problems.append(f"cannot write {plan.out}: folder {plan.out.parent} does not exist")
    if plan.out.is_dir():
        problems.append(f"--out {plan.out} is a folder; give the gradebook's file name")
    if plan.feedback and plan.feedback.exists() and not plan.feedback.is_dir():
        problems.append(f"--feedback {plan.feedback} is a file, not a folder")
    if plan.wide and (plan.wide.is_dir() or not plan.wide.parent.is_dir()):
        problems.append(f"cannot write --wide {plan.wide}: give a file name in an existing folder")
    if plan.roster and not plan.wide:
        problems.append("--roster is used only with --wide (the table it adds ids to)")
    if plan.roster and not plan.roster.is_file():
        problems.append(f"--roster {plan.roster} is not a file")
    for path in filter(None, (plan.out, plan.feedback, plan.wide)):
        if path.resolve().is_relative_to(inside):
            problems.append(f"{path} is inside {plan.submissions}, which grading never changes; write it elsewhere")
    # Kernels never see SUBMISSIONS, so it must not hold the Python they run on.
    if any(Path(p).resolve().is_relative_to(inside) for p in python_paths()):
        problems.append(f"{plan.submissions} holds the course's Python environment; keep submissions elsewhere")
    return problems


def hidden_paths(plan: Plan) -> list[str]:
    """Return what a kernel must never see: every student's work, the gradebook and the feedback."""
    paths = [plan.submissions, plan.out] + [p for p in (plan.feedback, plan.wide, plan.roster) if p]
    return [str(p.resolve()) for p in paths]


def plan_tasks(plan: Plan, root: Path):
    """Return (assignments in scope, notes on exercises left out, tasks of this shard, notes), or raise CannotGrade."""
    every, left_out = find_assignments(root)
    if not every:
        raise CannotGrade(f"no gradeable exercise notebooks in {root / 'exercises'}")
    if not any(e.is_dir() and not e.is_symlink() and not e.name.startswith(".") for e in plan.submissions.iterdir()):
        raise CannotGrade(f"{plan.submissions} has no student folders")
    try:
        assignments = in_scope(every, list(plan.assignments), plan.submissions)
    except BadScope as exc:
        raise CannotGrade(str(exc)) from None
    if not assignments:
        raise CannotGrade(f"no student in {plan.submissions} submitted an exercise notebook "
                          "(name the exercises with --assignment NN to grade them anyway)")
    tasks, notes = find_tasks(plan.submissions, assignments, [a.stem for a in every])
    if not tasks:
        raise CannotGrade(f"{plan.submissions} has no student folders")
    if plan.shard:
        k, n = plan.shard
        tasks = [t for t in tasks if shard_of(t.student, n) == k]
        notes.append(f"shard {k}/{n}: {len({t.student for t in tasks})} students")
    return assignments, left_out, tasks, notes
