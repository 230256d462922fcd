"""Verdicts computed in the grading process, never in the learner's kernel.

For each question the grader runs the checker's own check function here, handing it a
`LearnerFunction` in place of the learner's function. Calling that sends the arguments
to the kernel as data (wire.py), runs the learner's function there with a time limit and
brings the result back as data. Whatever the notebook did to `q1`, its `check`, the
`course` package or numpy inside the kernel, or whatever it printed, the comparison
with the reference happens in this process, on plain values.
"""
from __future__ import annotations

import ast
import inspect
import json

from course.checks.guard import LearnerProblem, describe_call
from course.feedback import ERROR, INCORRECT, NOT_ATTEMPTED, Feedback
from course.instructor import wire
from course.instructor.runner import HELPER, NotebookRun

REPLY_GRACE = 2.0  # the kernel stops a call itself; this is how much longer we wait for it to say so


def code_trees(nb):
    """Yield the syntax tree of each code cell that parses (not IPython magics, not broken code)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            try:
                yield ast.parse(cell.source)
            except (SyntaxError, ValueError):
                continue


def check_calls(nb) -> dict[str, list[str]]:
    """Return, per question, the names passed to `qN.check(name)` in the notebook's code cells."""
    found: dict[str, list[str]] = {}
    for tree in code_trees(nb):
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check"
                    and isinstance(node.func.value, ast.Name) and node.args and isinstance(node.args[0], ast.Name)):
                found.setdefault(node.func.value.id, []).append(node.args[0].id)
    return found


KINDS = [inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
         inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD]


def _signature(params) -> inspect.Signature | None:
    """Rebuild the learner's parameter list (names and kinds; defaults as placeholders) for messages."""
    try:
        return inspect.Signature([inspect.Parameter(str(name), KINDS[int(kind)],
                                                    default=... if has_default else inspect.Parameter.empty)
                                  for name, kind, has_default in params])
    except (TypeError, ValueError, IndexError):
        return None


class LearnerFunction:
    """Stands in for the learner's function: each call runs it in the kernel (like Guarded, but remote)."""

    def __init__(self, run: NotebookRun, name: str, params, seconds: float):
        self.run, self.seconds, self.__name__ = run, seconds, name
        self.__signature__ = _signature(params)
        self.last_call = ""

    def __call__(self, *args, **kwargs):
        call = self.last_call = describe_call(self, args, kwargs)
        request = json.dumps({"name": self.__name__, "args": wire.encode(list(args)),
                              "kwargs": wire.encode(kwargs), "seconds": self.seconds})
        reply = _reply(self.run.ask(f"{HELPER}.call({request!r})", self.seconds + REPLY_GRACE))
        if reply.get("kind") == "value":
            return self._value(reply, call)
        raise LearnerProblem(*_problem(reply, call, self))

    def _value(self, reply: dict, call: str):
        try:
            value = wire.decode(reply.get("value"))
        except ValueError as exc:  # wire.decode's one error for anything it cannot read
            raise LearnerProblem(ERROR, f"`{call}` returned something the grader cannot read ({exc}).") from None
        if value is None:
            raise LearnerProblem(INCORRECT, f"`{call}` returned None: did you forget `return`?")
        return value


def _reply(text: str) -> dict:
    try:
        reply = json.loads(text)
    except (ValueError, RecursionError):
        reply = None
    return reply if isinstance(reply, dict) else {"kind": "unreadable"}


def _problem(reply: dict, call: str, fn: LearnerFunction) -> tuple[str, str]:
    """Return (status, message) for a call that gave no value; the wording follows Guarded's."""
    name, kind, seconds = fn.__name__, reply.get("kind"), f"{fn.seconds:g} s"
    if kind == "not_attempted":
        return NOT_ATTEMPTED, (f"`{name}` still raises NotImplementedError: replace that line with your code, "
                               "run the cell, then check again.")
    messages = {
        "timeout": f"`{call}` was still running after {seconds} and was stopped. Look for a loop that never ends.",
        "exit": f"`{call}` called exit({reply.get('code')}); return a value instead.",
        "raised": f"`{call}` raised {reply.get('type')}{': ' if reply.get('message') else ''}"
                  f"{reply.get('message', '')}{reply.get('where', '')}",
        "gone": f"`{call}` stopped the kernel (it crashed, called os._exit(), or {fn.run.memory_note}).",
        "too_big": f"`{call}` returned {reply.get('size')} characters of data, more than the grader reads.",
        "missing": f"`{name}` was no longer defined when the grader called it.",
        "unavailable": f"`{call}` could not be run: {fn.run.problem}.",
        "out_of_time": f"`{call}` was not run: the checks used up their {fn.run.limits.notebook_seconds:g} s.",
    }
    return ERROR, messages.get(kind, f"The grader could not read what `{call}` gave back.")


def find_answer(run: NotebookRun, names: list[str]) -> dict:
    """Ask the kernel which of `names` is defined first, and what it holds."""
    return _reply(run.ask(f"{HELPER}.find({json.dumps(names)!r})", 5.0 + REPLY_GRACE))


def judge(run: NotebookRun, question, names: list[str], seconds: float) -> Feedback:
    """Return the verdict on one question, computed in this process."""
    found = find_answer(run, names)
    if found.get("kind") not in ("function", "value"):
        return _unanswered(run, question, names, found)
    if found["kind"] == "value":
        try:
            return question.evaluate(wire.decode(found.get("value")))
        except ValueError as exc:  # wire.decode's one error for anything it cannot read
            return Feedback(ERROR, f"The grader cannot read `{found.get('name')}` ({exc}).", question.name)
    if not question.wants_function:
        return Feedback(INCORRECT, f"{question.name} expects a value, and `{found['name']}` is a function.",
                        question.name)
    # the question's own verdict, minus the notebook's extras (the Guarded wrapper, hints, progress)
    return question.judge(LearnerFunction(run, str(found["name"]), found.get("params", []), seconds))


def _unanswered(run: NotebookRun, question, names: list[str], found: dict) -> Feedback:
    listed = " or ".join(f"`{name}`" for name in names)
    budget = f"{run.limits.notebook_seconds:g} s"
    if found.get("kind") == "missing" and run.cut_short:
        return Feedback(ERROR, f"{listed} is not defined: the notebook's cells used up their {budget} "
                        "before the end.", question.name)
    if found.get("kind") == "missing":
        return Feedback(NOT_ATTEMPTED, f"{listed} is not defined in this notebook (was its cell deleted, "
                        "renamed, or did it fail to run?).", question.name)
    if found.get("kind") == "out_of_time":
        return Feedback(ERROR, f"Not checked: the checks used up their {budget}.", question.name)
    return Feedback(ERROR, f"Not graded: {run.problem or 'the kernel did not answer'}.", question.name)
