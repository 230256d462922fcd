"""The exercise questions of a lesson, imported: what the grader and the tests check against.

course.lessons counts the same questions from the checker's source without importing it
(fast enough for the dashboard); tests/test_lessons.py checks that the two agree. This
module sits above course.checks, which records answers through course.progress, so
course.lessons and course.progress must never import it.
"""
from __future__ import annotations

import importlib

from course.checks.question import Question
from course.lessons import Lesson, natural_order


def module_questions(module) -> tuple[Question, ...]:
    """Return the Questions a checker module defines, in the order q1, q2, ..., q10."""
    found = [value for value in vars(module).values() if isinstance(value, Question)]
    return tuple(sorted(found, key=lambda question: natural_order(question.name)))


def lesson_questions(lesson: Lesson) -> tuple[Question, ...]:
    """Import `lesson`'s checker module and return its Questions in order (none without a checker)."""
    try:
        module = importlib.import_module(lesson.checker_module)
    except ModuleNotFoundError as exc:
        if exc.name != lesson.checker_module:  # a checker that exists but fails to import is a bug
            raise
        return ()
    return module_questions(module)
