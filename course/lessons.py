"""The course's notebooks in reading order: stem, title, what a learner can do afterwards, and what each offers.

Each lesson describes itself in assets/<stem>/lesson.toml (title, can_do), so lessons can
be added without editing a shared list. The catalogue drives the progress dashboard and is
checked against the README's notebook map. A lesson's facts (its checker module, how many
self-checks and exercises it has) are computed here and nowhere else; course.questions
imports the exercises themselves, for the grader and the tests.
"""
from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from course.bank import bank_path, load_questions
from course.data import assets_dir

QUESTION_NAME = re.compile(r"q\d+")


def natural_order(name: str) -> list:
    """Return a sort key that puts q2 before q10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _source_file(module_name: str) -> Path:
    """Return where a module of this package lives, without importing its package (as find_spec would)."""
    _course, *parts = module_name.split(".")
    return Path(__file__).parent.joinpath(*parts).with_suffix(".py")


def question_names(module_name: str) -> tuple[str, ...]:
    """Return the exercise names (module-level q1, q2, ...) a checker module defines, in order.

    The source is read, not imported: checker modules import scipy, scikit-learn or
    gymnasium, which take a second or more to load, and the dashboard should be instant.
    tests/test_lessons.py checks the names against the imported module's Questions.
    """
    source = _source_file(module_name)
    if not source.is_file():
        return ()
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = {target.id for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    return tuple(sorted((name for name in names if QUESTION_NAME.fullmatch(name)), key=natural_order))


def checker_module(stem: str) -> str:
    """Return the module of a lesson's exercise checks: 00-topic -> course.checks.nb00_topic."""
    return "course.checks.nb" + stem.replace("-", "_")


@dataclass(frozen=True)
class Lesson:
    stem: str
    title: str
    can_do: str

    @property
    def number(self) -> str:
        return self.stem[:2]

    @property
    def checker_module(self) -> str:
        return checker_module(self.stem)

    # Cached: a lesson's files do not change while a kernel runs, and every lesson ends
    # by drawing the dashboard, which asks every lesson for its counts.
    @cached_property
    def self_check_ids(self) -> frozenset[str]:
        """Return the ids of the self-check questions the lesson's bank holds (none without a bank)."""
        return frozenset(load_questions(self.stem)) if bank_path(self.stem).exists() else frozenset()

    @cached_property
    def exercise_names(self) -> tuple[str, ...]:
        """Return the exercise questions (q1, q2, ...) the lesson's checker module defines (none without one)."""
        return question_names(self.checker_module)

    @property
    def self_check_count(self) -> int:
        return len(self.self_check_ids)

    @property
    def exercise_count(self) -> int:
        return len(self.exercise_names)


def _discover() -> tuple[Lesson, ...]:
    lessons = []
    for path in sorted(assets_dir().glob("[0-9][0-9]-*/lesson.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lessons.append(Lesson(path.parent.name, data["title"], data["can_do"]))
    return tuple(lessons)


LESSONS = _discover()


def by_stem(stem: str) -> Lesson:
    """Return the lesson whose stem is `stem` (KeyError if there is none)."""
    for lesson in LESSONS:
        if lesson.stem == stem:
            return lesson
    raise KeyError(f"no lesson named {stem!r}; known: {[lesson.stem for lesson in LESSONS]}")
