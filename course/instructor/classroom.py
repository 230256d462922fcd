"""Grade a class end to end: plan, grade in parallel with a progress bar, write the gradebook,
the feedback and a summary. `grade_class` is what `course grade` runs.

Told to stop (Ctrl-C, SIGTERM, or SIGHUP when its terminal closes), it kills the kernels
at work, deletes their folders and the kernel factory's, and writes no gradebook.
"""
from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections import defaultdict
from pathlib import Path

from course.feedback import ERROR
from course.instructor.grade import Result, Task, grade_all, safe_grade
from course.instructor.gradebook import write_gradebook
from course.instructor.handback import write_feedback
from course.instructor.kernel_setup import Setup, cannot_grade_here, finish, prepare
from course.instructor.lms import BadRoster, read_roster, write_wide
from course.instructor.planning import CannotGrade, Plan, hidden_paths, plan_problems, plan_tasks
from course.instructor.sandbox import KernelGone

STOP_SIGNALS = ("SIGTERM", "SIGHUP")  # by name: Windows has no SIGHUP


class Stopped(BaseException):
    """A signal (SIGTERM, SIGHUP) told the grader to stop; a BaseException, like KeyboardInterrupt."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def summary(results: list[Result], assignments=()) -> str:
    """Return the table printed at the end: per notebook, submissions, mean score, notebooks with errors.

    Every assignment in `assignments` gets a line, even one no student of this run has.
    """
    scores, missing, errors = defaultdict(list), defaultdict(int), defaultdict(int)
    out_of = {a.stem: sum(q.points for q in a.questions) for a in assignments}
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


def grader(plan: Plan, setup: Setup):
    """Return the function the worker threads run on each task: grade it, then write its feedback.

    A student with no notebook for an assignment gets gradebook rows but no feedback page.
    """

    def grade_one(task: Task) -> Result:
        result = safe_grade(task, setup)
        # A notebook cut short by a stop gets no page: its verdicts say only that grading stopped.
        if plan.feedback and task.path is not None and not setup.stopping.is_set():
            # Here, not at the end: while this thread renders HTML, the others' kernels keep working.
            try:
                write_feedback(plan.feedback, task.student, task.assignment.stem, result.notebook, result.rows)
            except Exception as exc:  # one unrenderable notebook must not stop the class
                result.note = f"{task.student}/{task.assignment.stem}: no feedback file ({type(exc).__name__}: {exc})"
        result.notebook = None  # its page is written: the grader's memory stays flat however large the class
        return result

    return grade_one


@contextlib.contextmanager
def stopping_on_signals():
    """In the block, SIGTERM and SIGHUP raise Stopped in this thread, as Ctrl-C raises KeyboardInterrupt.

    Signals already ignored (SIGHUP under nohup, say) stay ignored. After the first, all of
    them are ignored, so a second cannot cut the cleanup short. Only the main thread may set
    handlers; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    numbers = [signal.SIGINT] + [getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)]
    previous = {signum: signal.getsignal(signum) for signum in numbers}
    # None: a handler set outside Python, not ours to replace.
    handled = [signum for signum in numbers if previous[signum] not in (signal.SIG_IGN, None)]

    received = []

    def stopping(signum):
        return KeyboardInterrupt() if signum == signal.SIGINT else Stopped(signum)

    def stop(signum, frame):
        received.append(signum)
        for other in handled:
            signal.signal(other, signal.SIG_IGN)
        raise stopping(signum)

    for signum in handled:
        signal.signal(signum, stop)
    try:
        yield
    except Exception as exc:
        # The stop is raised wherever the main thread happens to be; code unwinding there (a
        # subprocess's pipes, say) can fail in turn and hide it. The signal is what happened.
        if received:
            raise stopping(received[0]) from exc
        raise
    finally:
        for signum in handled:
            signal.signal(signum, previous[signum])


def grade_class(plan: Plan, root: Path, report=None, progress=None) -> int:
    """Grade SUBMISSIONS, write the gradebook (and feedback); summary to `report`, progress to `progress`."""
    report, progress = report or sys.stdout, progress or sys.stderr
    problems = [why] if (why := cannot_grade_here()) else plan_problems(plan)
    if problems:
        raise CannotGrade("; ".join(problems))
    assignments, left_out, tasks, notes = plan_tasks(plan, root)
    try:
        roster = read_roster(plan.roster, {t.student for t in tasks}) if plan.roster else None
    except BadRoster as exc:
        raise CannotGrade(str(exc)) from None
    try:
        setup, kernel_notes = prepare(plan.limits, hidden_paths(plan), set().union(*(a.imports for a in assignments)))
    except KernelGone as exc:
        raise CannotGrade(f"cannot start a sandboxed kernel: {exc}") from None
    try:
        results = grade_all(tasks, grader(plan, setup), plan.jobs, Progress(len(tasks), progress), setup.stop)
    finally:
        finish(setup)
    rows = [row for result in results for row in result.rows]
    write_gradebook(rows, plan.out)
    if plan.wide:
        write_wide(rows, [a.stem for a in assignments], plan.wide, roster)
    for line in left_out + notes + kernel_notes + [r.note for r in results if r.note]:
        print(f"note: {line}", file=progress)
    print(summary(results, assignments), file=report)
    where = f"; feedback in {plan.feedback}" if plan.feedback else ""
    print(f"gradebook: {plan.out} ({len(rows)} rows){where}", file=report)
    print(setup.describe(), file=report)
    lim = plan.limits
    print(f"per submission, all its processes together: at most {lim.memory_mb} MB of memory, {lim.processes} "
          f"processes and {lim.disk_mb} MB written", file=report)
    return 0
