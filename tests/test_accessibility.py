"""Can every notebook be read without seeing it? Figures with text alternatives, headings in order, links
that say where they go."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb"), *ROOT.glob("exercises/*.ipynb")])
IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="([^"]*)"')
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
VAGUE = {"here", "click here", "this", "this link", "link", "more", "read more"}


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def figure_faults(outputs: list[dict]) -> list[str]:
    """Return what is wrong with the figures among a cell's outputs."""
    faults = []
    for output in outputs:
        data = output.get("data", {})
        images = IMG.findall(str(data.get("text/html", "")))
        if "image/png" in data and not images:   # an explorer sends both: the PNG and an <img> with alt text
            faults.append("a figure without a text alternative: end the cell with course.plotting.show(alt)")
        for tag in images:
            alt = ALT.search(tag)
            if not alt or len(alt.group(1).split()) < 5:
                faults.append(f"an <img> whose alt text is missing or too short: {tag[-120:]}")
    return faults


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_does_every_figure_have_a_text_alternative(path):
    faults = [f"cell {i}: {fault}" for i, cell in enumerate(cells(path)) if cell["cell_type"] == "code"
              for fault in figure_faults(cell.get("outputs", []))]
    assert not faults, "\n".join(faults)


def heading_levels(path: Path) -> list[tuple[int, int, str]]:
    """Return (cell, level, text) of every markdown heading, outside fenced code."""
    found = []
    for i, cell in enumerate(cells(path)):
        if cell["cell_type"] != "markdown":
            continue
        fenced = False
        for line in "".join(cell["source"]).splitlines():
            if line.lstrip().startswith("```"):
                fenced = not fenced
            heading = re.match(r"(#{1,6})\s+(.*)", line)
            if heading and not fenced:
                found.append((i, len(heading.group(1)), heading.group(2)))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_are_the_headings_in_order(path):
    headings = heading_levels(path)
    assert headings and headings[0][1] == 1, f"the first heading must be the notebook's # title: {headings[:1]}"
    assert [level for _, level, _ in headings].count(1) == 1, "one # title per notebook"
    skips = [f"cell {cell}: '{'#' * level} {text}' follows a level-{before} heading"
             for (_, before, _), (cell, level, text) in zip(headings, headings[1:]) if level > before + 1]
    assert not skips, "\n".join(skips)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_does_every_link_say_where_it_goes(path):
    vague = [f"cell {i}: [{text}]({target})" for i, cell in enumerate(cells(path)) if cell["cell_type"] == "markdown"
             for text, target in LINK.findall("".join(cell["source"]))
             if text.strip().lower() in VAGUE or re.fullmatch(r"https?://\S+", text.strip())]
    assert not vague, "link text should say where the link goes:\n" + "\n".join(vague)


def test_would_a_figure_without_alt_text_or_a_skipped_heading_be_caught(tmp_path):
    assert figure_faults([{"data": {"image/png": "iVBOR", "text/plain": "<Figure size 640x480>"}}])
    assert figure_faults([{"data": {"text/html": '<img src="data:image/png;base64,AAAA" alt="a plot">'}}])
    assert not figure_faults([{"data": {"text/html": '<img src="x" alt="Loss falls from 2.3 to 0.1.">'}}])
    notebook = tmp_path / "skips.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": "# Title\n\n### Too deep"}]}))
    assert [level for _, level, _ in heading_levels(notebook)] == [1, 3]


SMALL_TEXT = re.compile(r"\b(?:fontsize|labelsize)\s*=\s*(?:([0-8](?:\.\d+)?)\b|[\"'](?:xx-small|x-small|small)[\"'])")


def small_text(code: str) -> list[str]:
    """Return the figure text sizes in `code` that are set below 9 pt."""
    return [match.group(0) for match in SMALL_TEXT.finditer(code)]


def test_is_no_text_in_a_figure_set_below_9_points():
    """Matplotlib's default is 10 pt; nothing the course draws may be set smaller than 9."""
    found = [f"{path.relative_to(ROOT)} cell {i}: {size}" for path in NOTEBOOKS for i, cell in enumerate(cells(path))
             if cell["cell_type"] == "code" for size in small_text("".join(cell["source"]))]
    found += [f"{path.relative_to(ROOT)}: {size}" for path in sorted((ROOT / "course").rglob("*.py"))
              for size in small_text(path.read_text(encoding="utf-8"))]
    assert not found, "text in figures at 9 pt or more:\n" + "\n".join(found)


def test_would_small_figure_text_be_caught():
    assert small_text('ax.legend(fontsize=8); ax.tick_params(labelsize=7.5); ax.text(0, 0, "a", fontsize="small")')
    assert not small_text("ax.legend(fontsize=9); ax.set_title('x', fontsize=12); markersize=3")
