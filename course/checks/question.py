"""Question: one auto-checked exercise, with the learner API check / hint / solution.

    q1 = Question(check_top_confusions, hints=["...", "..."], solution=SOURCE,
                  name="q1", notebook="00-what-is-an-ai-researcher")
    q1.check(top_confusions)   # Feedback: correct / incorrect with a reason / not attempted / error
    q1.hint()                  # the next hint; q1.hint(2) the second
    q1.solution()              # the reference code

A check function receives the learner's answer (a callable arrives wrapped in Guarded,
with a time limit), raises Incorrect with a reason, and may return a success message.
"""
from __future__ import annotations

import html
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path

from course import progress
from course.checks.expect import Incorrect
from course.checks.guard import Guarded, LearnerProblem, describe, where
from course.feedback import CORRECT, ERROR, INCORRECT, NOT_ATTEMPTED, Feedback, markup

log = logging.getLogger("course.checks")
log.addHandler(logging.NullHandler())   # a library logs; the grader or a test decides where it goes

PACKAGE = Path(__file__).resolve().parents[1]   # course/, to name where a course bug happened


@dataclass(frozen=True)
class CourseBug(Feedback):
    """An error verdict that is the course's fault: the message says so, `detail` holds the traceback."""

    detail: str = ""
    LABEL = "The course's check failed"

    @property
    def label(self) -> str:
        return self.LABEL

    def text(self) -> str:
        return f"! {self.title}: {self.LABEL}: {self.message}\n\n{self.detail}"

    def html(self) -> str:
        # the traceback folds away: the learner copies it into the report, nobody needs to read it
        return (f'<div class="course-feedback course-{self.status} course-bug" style="color:#8a4b00;'
                'background:#fff4e0;border-left:4px solid #8a4b00;padding:6px 10px;margin:4px 0">'
                f"<b>! {html.escape(self.title)}: {self.LABEL}</b><div>{markup(self.message)}</div>"
                f"<details><summary>Text for the report</summary><pre>{html.escape(self.detail)}</pre>"
                "</details></div>")


def course_bug(name: str, notebook: str, exc: Exception) -> CourseBug:
    """Return the verdict for a check that raised after the learner's code had answered, and log it."""
    log.error("check %s of %s failed", name, notebook, exc_info=exc)
    message = (f"This is a bug in the course, not in your code: please report it, with this text, as an issue in "
               f"the course's repository. The check {name} of {notebook} stopped with {type(exc).__name__}: "
               f"{str(exc)[:200]}{_place(exc)}.")
    return CourseBug(ERROR, message, name, "".join(traceback.format_exception(exc)))


def _place(exc: Exception) -> str:
    """Return " (course/checks/nbNN.py, line N)": the deepest line of the course's own code in the traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(PACKAGE) and path != Path(__file__).resolve():
            return f" ({path.relative_to(PACKAGE.parent)}, line {frame.lineno})"
    return ""


def _learners_fault(exc: Exception, candidate) -> str:
    """Return " at line N: `code`" if the learner's own code raised `exc` inside the check, else ''.

    That happens when the check uses a value the learner returned and the value's own
    methods fail. Only frames below the check function's own count: in the course's
    tests a check may share its module with the answers it is tested on.
    """
    code_globals = getattr(candidate, "code_globals", None)
    tb = exc.__traceback__.tb_next   # skip _verdict's frame: tb is now the check's own frame
    if code_globals is None or tb is None:
        return ""
    inner = tb.tb_next
    while inner is not None and inner.tb_frame.f_globals is not code_globals:
        inner = inner.tb_next
    return (where(exc, code_globals=code_globals) or " in your code") if inner is not None else ""


class Text:
    """A block of text that shows as <pre> (code) or a paragraph in Jupyter and as plain text elsewhere."""

    def __init__(self, text: str, code: bool = False):
        self.value, self.code = text, code

    def __str__(self) -> str:
        return self.value

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.value)

    def _repr_mimebundle_(self, include=None, exclude=None):
        body = html.escape(self.value)
        return {"text/plain": self.value, "text/html": f"<pre>{body}</pre>" if self.code else f"<p>{body}</p>"}


class Question:
    """An auto-checked exercise: a check function, hints in order, and a reference solution."""

    def __init__(self, check, hints=(), solution: str = "", *, name: str, notebook: str,
                 points: int = 1, time_limit: float = 10.0, wants_function: bool = True):
        self._check, self.hints, self._solution = check, list(hints), solution.strip()
        self.wants_function = wants_function
        self.name, self.notebook, self.points, self.time_limit = name, notebook, points, time_limit
        self._next_hint = 0

    def __repr__(self) -> str:
        return f"<exercise {self.name} of {self.notebook}: use {self.name}.check(...), .hint(), .solution()>"

    def evaluate(self, answer) -> Feedback:
        """Judge `answer` without recording it: the verdict as Feedback, with a pointer to the hints."""
        if answer is None:
            return Feedback(INCORRECT, "You passed None. If a function of yours made it, did it `return` "
                            "its result? Pass the function itself, without calling it.", self.name)
        if self.wants_function and not callable(answer):
            return Feedback(INCORRECT, f"{self.name}.check expects your function itself, like "
                            f"`{self.name}.check(my_function)`; you passed {describe(answer)}.", self.name)
        candidate = Guarded(answer, self.time_limit) if callable(answer) else answer
        return self._verdict(candidate, f"\nStuck? `{self.name}.hint()` gives a hint.")

    def judge(self, answer) -> Feedback:
        """Run the check on `answer` exactly as given (the grader's stand-in for a learner's function):
        the verdict, with nothing recorded, printed or hinted."""
        return self._verdict(answer, "")

    def _verdict(self, candidate, after_incorrect: str) -> Feedback:
        """Run the check on `candidate` and turn what happens into Feedback; never raise."""
        try:
            message = self._check(candidate)
        except LearnerProblem as problem:
            # an error in the learner's code gets the pointer to the hints too; "not attempted" does not
            after = after_incorrect if problem.status in (INCORRECT, ERROR) else ""
            return Feedback(problem.status, f"{problem.message}{after}", self.name)
        except Incorrect as wrong:
            return Feedback(INCORRECT, f"{wrong}{after_incorrect}", self.name)
        except Exception as exc:
            return self._failed(candidate, exc, after_incorrect)
        return Feedback(CORRECT, message or "", self.name)

    def _failed(self, candidate, exc: Exception, after: str = "") -> Feedback:
        """Return the verdict for a check that raised: the learner's fault if their code raised, else the course's."""
        at = _learners_fault(exc, candidate)
        if not at:
            return course_bug(self.name, self.notebook, exc)
        call = getattr(candidate, "last_call", "") or "your function"
        return Feedback(ERROR, f"`{call}` returned a value whose own code raised {type(exc).__name__}: {exc}{at} "
                        f"when the check used it. Return plain numbers, arrays, lists or tuples.{after}", self.name)

    def check(self, answer) -> Feedback:
        """Judge `answer`, record the verdict in your progress, and return it to display."""
        verdict = self.evaluate(answer)
        # a course bug says nothing about the learner's answer, so it is not their attempt
        if verdict.status != NOT_ATTEMPTED and not isinstance(verdict, CourseBug):
            progress.record(self.notebook, "exercise", self.name, verdict.status)
        return verdict

    def hint(self, n: int | None = None) -> Text:
        """Return hint `n` (1-based), or the next one you have not seen."""
        if not self.hints:
            return Text(f"There are no hints for {self.name}.")
        if n is None:
            n = min(self._next_hint, len(self.hints) - 1) + 1
        if not isinstance(n, int) or not 1 <= n <= len(self.hints):
            return Text(f"{self.name} has hints 1 to {len(self.hints)}; try {self.name}.hint(1).")
        self._next_hint = max(self._next_hint, n)
        last = f" (last one; {self.name}.solution() shows the answer)"
        more = f" (more: {self.name}.hint({n + 1}))" if n < len(self.hints) else last
        return Text(f"Hint {n} of {len(self.hints)}{more}: {self.hints[n - 1]}")

    def solution(self) -> Text:
        """Return the reference solution as code."""
        return Text(self._solution or f"No solution is written down for {self.name}.", code=True)


__all__ = ["CourseBug", "Question", "Text", "CORRECT", "ERROR", "INCORRECT", "NOT_ATTEMPTED"]
