"""Shared by the grader's unit tests: the kernel's end of the wire, run in this process."""
import pytest

from course.instructor import wire
from course.instructor.sandbox import Limits


class InProcessRun:
    """Stands in for NotebookRun: the grader's kernel code runs here, on a dict of learner names."""

    limits, problem, cut_short, memory_note = Limits(), "", False, "went over the limit"

    def ask(self, code, seconds):
        exec(code, {"_course_grader": wire})
        return wire.reply


@pytest.fixture
def learner(monkeypatch):
    """The learner's names, as the kernel's end of the wire sees them."""
    names = {}
    monkeypatch.setattr(wire, "_namespace", lambda: names)
    return names
