"""The course's notebooks in reading order: stem, title and what a learner can do afterwards.

Each lesson describes itself in assets/<stem>/lesson.toml (title, can_do), so lessons can
be added without editing a shared list. The catalogue drives the progress dashboard and is
checked against the README's notebook map.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass

from course.data import assets_dir


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
        return "course.checks.nb" + self.stem.replace("-", "_")


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
    raise KeyError(f"no lesson named {stem!r}; known: {[l.stem for l in LESSONS]}")
