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
import os

from course import progress
from course.checks.expect import Incorrect
from course.checks.guard import Guarded, LearnerProblem, describe
from course.feedback import CORRECT, ERROR, INCORRECT, NOT_ATTEMPTED, Feedback

# Set by the test harness for exercise notebooks: a check whose status differs raises,
# so nbval notices an exercise whose stub is not reported as "not attempted".
EXPECT_ENV = "COURSE_EXPECT_STATUS"


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
        """Judge `answer` without recording it: the verdict as Feedback."""
        if answer is None:
            return Feedback(INCORRECT, "You passed None. If a function of yours made it, did it `return` "
                            "its result? Pass the function itself, without calling it.", self.name)
        if self.wants_function and not callable(answer):
            return Feedback(INCORRECT, f"{self.name}.check expects your function itself, like "
                            f"`{self.name}.check(my_function)`; you passed {describe(answer)}.", self.name)
        candidate = Guarded(answer, self.time_limit) if callable(answer) else answer
        try:
            message = self._check(candidate)
        except LearnerProblem as problem:
            return Feedback(problem.status, problem.message, self.name)
        except Incorrect as wrong:
            return Feedback(INCORRECT, f"{wrong}\nStuck? `{self.name}.hint()` gives a hint.", self.name)
        except Exception as exc:  # the answer broke the checker itself (an odd type, say)
            return Feedback(ERROR, f"The check could not use what your code gave back ({type(exc).__name__}: "
                            f"{exc}). Does it return the kind of value the task asks for?", self.name)
        return Feedback(CORRECT, message or "", self.name)

    def check(self, answer) -> Feedback:
        """Judge `answer`, record the verdict in your progress, and return it to display."""
        verdict = self.evaluate(answer)
        if verdict.status != NOT_ATTEMPTED:
            progress.record(self.notebook, "exercise", self.name, verdict.status)
        expected = os.environ.get(EXPECT_ENV)
        if expected and verdict.status != expected:
            raise AssertionError(f"{self.name}: expected status {expected!r}, got {verdict.text()}")
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
        more = f" (more: {self.name}.hint({n + 1}))" if n < len(self.hints) else f" (last one; {self.name}.solution() shows the answer)"
        return Text(f"Hint {n} of {len(self.hints)}{more}: {self.hints[n - 1]}")

    def solution(self) -> Text:
        """Return the reference solution as code."""
        return Text(self._solution or f"No solution is written down for {self.name}.", code=True)


__all__ = ["Question", "Text", "CORRECT", "ERROR", "INCORRECT", "NOT_ATTEMPTED"]
