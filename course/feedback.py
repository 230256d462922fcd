"""Feedback: the verdict of a self-check or an exercise check, as text, HTML or widget state.

A verdict is one of four statuses. Messages may use `backticks` for code; the
HTML rendering turns them into <code> and keeps line breaks.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not_attempted"
ERROR = "error"
STATUSES = (CORRECT, INCORRECT, NOT_ATTEMPTED, ERROR)

# symbol, label, text colour, background colour
_LOOK = {
    CORRECT: ("✔", "Correct", "#1b5e20", "#e8f5e9"),
    INCORRECT: ("✘", "Not yet", "#b71c1c", "#fdecea"),
    NOT_ATTEMPTED: ("○", "Not attempted yet", "#424242", "#f1f3f4"),
    ERROR: ("!", "Your code stopped with an error", "#8a4b00", "#fff4e0"),
}

_CODE = re.compile(r"`([^`]+)`")


def markup(text: str) -> str:
    """Return `text` as safe HTML: escaped, `code` in <code>, newlines as <br>."""
    escaped = html.escape(text, quote=False)
    return _CODE.sub(r"<code>\1</code>", escaped).replace("\n", "<br>")


@dataclass(frozen=True)
class Feedback:
    """A verdict (`status`) with the reason a learner reads (`message`)."""

    status: str
    message: str = ""
    title: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; use one of {STATUSES}")

    @property
    def passed(self) -> bool:
        return self.status == CORRECT

    @property
    def label(self) -> str:
        return _LOOK[self.status][1]

    def text(self) -> str:
        symbol, label, _, _ = _LOOK[self.status]
        head = f"{self.title}: " if self.title else ""
        body = f": {self.message}" if self.message else ""
        return f"{symbol} {head}{label}{body}"

    def html(self) -> str:
        symbol, label, colour, background = _LOOK[self.status]
        head = f"{html.escape(self.title)}: " if self.title else ""
        body = f"<div>{markup(self.message)}</div>" if self.message else ""
        return (
            f'<div class="course-feedback course-{self.status}" style="color:{colour};'
            f"background:{background};border-left:4px solid {colour};"
            f'padding:6px 10px;margin:4px 0">'
            f"<b>{symbol} {head}{label}</b>{body}</div>"
        )

    def __str__(self) -> str:
        return self.text()

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text())

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text(), "text/html": self.html()}
