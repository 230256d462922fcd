"""Can a lesson be read without JupyterLab? `jupyter nbconvert --to html` of every lesson
must show every self-check's question and all its choices as text (no widget needed).
"""
from __future__ import annotations

import html
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from course.data import ROOT
from course.quiz import LETTERS
from tests.browser.notebook import asked_questions, squash

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "pre", "summary", "details", "h1", "h2", "h3", "h4", "table"}


class _Text(HTMLParser):
    """The text a reader sees: everything outside <script> and <style>, blocks apart, inline joined."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return squash(html.unescape("".join(parser.parts)))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every lesson exported to HTML by one nbconvert call; {lesson name: visible text}."""
    out = tmp_path_factory.mktemp("html")
    done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(out),
                           *map(str, LESSONS)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return {p.name: visible_text((out / f"{p.stem}.html").read_text(encoding="utf-8")) for p in LESSONS}


@pytest.mark.parametrize("lesson", [p.name for p in LESSONS])
def test_html_export_shows_every_question_and_its_choices(exported, lesson):
    asked = asked_questions(ROOT / "notebooks" / lesson)
    assert asked, f"{lesson} asks no self-check question"
    text = exported[lesson]
    for spec in asked:
        assert squash(spec["prompt"]) in text, f"{lesson}: the question {spec['id']!r} is missing from the export"
        for i, choice in enumerate(spec.get("choices", [])):
            assert squash(f"{LETTERS[i]}. {choice['text']}") in text, (
                f"{lesson}: choice {LETTERS[i]} of {spec['id']!r} is missing from the export")
    assert "Error displaying widget" not in text and "model not found" not in text.lower()
