"""The course's notebooks in reading order: stem, title and what a learner can do afterwards.

This list drives the progress dashboard and is checked against the README's notebook map.
"""
from __future__ import annotations

from dataclasses import dataclass


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


LESSONS = (
    Lesson(
        "00-what-is-an-ai-researcher",
        "What is an AI researcher?",
        "tell research from engineering, name the five branches, and do error analysis on a real classifier",
    ),
)


def by_stem(stem: str) -> Lesson:
    """Return the lesson whose stem is `stem` (KeyError if there is none)."""
    for lesson in LESSONS:
        if lesson.stem == stem:
            return lesson
    raise KeyError(f"no lesson named {stem!r}; known: {[l.stem for l in LESSONS]}")
