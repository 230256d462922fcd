"""Is the glossary well formed, and does every link to it land on an entry?

docs/glossary.md holds one `### term` heading per entry. A term is lowercase words, digits,
spaces and hyphens, so its anchor (the term with spaces turned into hyphens) is the same on
GitHub, which lowercases, and in JupyterLab, which keeps the case. Lessons link to an entry
where they first explain a term: `[eigenvector](../docs/glossary.md#eigenvalue-and-eigenvector)`.
"""
import json
import re
from pathlib import Path

import pytest

from course.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
TERM = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")
HEADING = re.compile(r"^(#{1,6}) +(.+?) *$", re.M)
# Code blocks and inline code show examples; they are not links a reader can follow.
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|href=[\"']([^\"']+)[\"']")
GLOSSARY_ANCHOR = re.compile(r"glossary\.md#([^\s)\"'`<>\]]*)")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
LESSON_LINK = re.compile(r"\]\(\.\./notebooks/\d\d-[a-z0-9-]+\.ipynb\)")
EXAMPLE = "[eigenvector](../docs/glossary.md#eigenvalue-and-eigenvector)"


def glossary_text() -> str:
    return GLOSSARY.read_text(encoding="utf-8")


def headings(text: str) -> list[tuple[int, str]]:
    """Return (level, text) for every heading outside code."""
    return [(len(hashes), title) for hashes, title in HEADING.findall(CODE.sub("", text))]


def entries(text: str) -> dict[str, str]:
    """Return {term: the entry's text} for every `### term`, in the glossary's order."""
    parts = re.split(r"^### +(.+?) *$", CODE.sub("", text), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def anchor(term: str) -> str:
    return term.replace(" ", "-")


def alphabetical(term: str) -> str:
    """Order word by word: a hyphen separates words as a space does ("t-interval" before "temperature")."""
    return term.replace("-", " ")


def link_targets(markdown: str) -> list[str]:
    """Return the target of every markdown link and HTML href outside code."""
    return [inline or href for inline, href in LINK.findall(CODE.sub("", markdown))]


def markdown_and_code(path: Path) -> tuple[list[str], list[str]]:
    """Return the markdown texts and the code texts of a notebook or a markdown file."""
    if path.suffix != ".ipynb":
        return [path.read_text(encoding="utf-8")], []
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = {"markdown": [], "code": []}
    for cell in cells:
        text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        source.setdefault(cell["cell_type"], []).append(text)
    return source["markdown"], source["code"]


def glossary_link_problems(path: Path, anchors: set[str], glossary: Path = GLOSSARY) -> list[str]:
    """Return what is wrong with the links to the glossary in one file: a missing entry or a wrong path."""
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    markdown, code = markdown_and_code(path)
    problems = [f"{name}: no entry for #{found}"
                for text in markdown + code for found in GLOSSARY_ANCHOR.findall(text) if found not in anchors]
    for text in markdown:
        for target in link_targets(text):
            file = target.split("#")[0]
            if file.endswith("glossary.md") and not SCHEME.match(file):
                if (path.parent / file).resolve() != glossary.resolve():
                    problems.append(f"{name}: {target} does not lead to docs/glossary.md from here")
    return problems


def linking_files() -> list[Path]:
    notebooks = [path for folder in ("notebooks", "solutions", "exercises")
                 for path in sorted((ROOT / folder).glob("*.ipynb"))]
    return notebooks + [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def test_is_every_entry_heading_a_plain_lowercase_term():
    terms = list(entries(glossary_text()))
    assert terms, "docs/glossary.md has no `### term` entries"
    bad = [term for term in terms if not TERM.fullmatch(term)]
    assert not bad, f"entry headings may use only lowercase letters, digits, single spaces and hyphens: {bad}"


def test_are_the_headings_the_title_and_unique_entries():
    found = headings(glossary_text())
    assert found[0] == (1, "Glossary"), f"the glossary starts with '# Glossary', not {found[:1]}"
    others = [(level, title) for level, title in found[1:] if level != 3]
    assert not others, f"only `### term` headings after the title, so every anchor is an entry: {others}"
    anchors = [anchor(title) for _, title in found]
    repeated = sorted({name for name in anchors if anchors.count(name) > 1})
    assert not repeated, f"repeated headings give repeated anchors: {repeated}"


def test_are_the_entries_in_alphabetical_order():
    terms = list(entries(glossary_text()))
    for before, after in zip(terms, terms[1:]):
        assert alphabetical(before) < alphabetical(after), f"'{after}' belongs before '{before}'"


def test_does_every_entry_name_a_lesson_that_uses_it():
    silent = [term for term, body in entries(glossary_text()).items() if not LESSON_LINK.search(body)]
    assert not silent, f"each entry links to a lesson, like [lesson 08](../notebooks/08-...ipynb): {silent}"


def test_does_every_glossary_link_point_at_an_entry():
    anchors = {anchor(term) for term in entries(glossary_text())}
    problems = [problem for path in linking_files() for problem in glossary_link_problems(path, anchors)]
    assert not problems, "\n".join(problems)


def test_does_every_link_inside_the_glossary_lead_somewhere():
    anchors = {anchor(term) for term in entries(glossary_text())}
    problems = []
    for target in link_targets(glossary_text()):
        file, _, fragment = target.partition("#")
        if SCHEME.match(target):
            continue
        if not file:
            if fragment not in anchors:
                problems.append(f"#{fragment}: no such entry")
        elif not (GLOSSARY.parent / file).is_file():
            problems.append(f"{target}: no such file")
    assert not problems, "\n".join(problems)


# Issue 13: every lesson explains its mathematics where it first appears and links the term here.
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_does_every_lesson_link_to_the_glossary(lesson):
    notebook = ROOT / "notebooks" / f"{lesson.stem}.ipynb"
    markdown, _ = markdown_and_code(notebook)
    linked = any(target.split("#")[0].endswith("glossary.md") for text in markdown for target in link_targets(text))
    assert linked, (f"lesson {lesson.stem} does not link to the glossary yet: where it first explains a term, "
                    f"link the term to its entry in docs/glossary.md, e.g. {EXAMPLE}")


def test_is_a_link_to_a_missing_entry_or_from_the_wrong_folder_reported(tmp_path):
    (tmp_path / "notebooks").mkdir()
    notebook = tmp_path / "notebooks" / "made-up.ipynb"
    markdown = ["A [vector](../docs/glossary.md#vector), a [matrix](docs/glossary.md#matrix) ",
                "and a [tensor](../docs/glossary.md#tensor); `glossary.md#also-not` in code."]
    cells = [{"cell_type": "markdown", "source": markdown},
             {"cell_type": "code", "source": "print('../docs/glossary.md#not-either')"}]
    notebook.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    problems = glossary_link_problems(notebook, {"vector", "matrix"}, glossary=tmp_path / "docs" / "glossary.md")
    assert problems == ["made-up.ipynb: no entry for #tensor",
                        "made-up.ipynb: no entry for #also-not",
                        "made-up.ipynb: no entry for #not-either",
                        "made-up.ipynb: docs/glossary.md#matrix does not lead to docs/glossary.md from here"]


def test_does_a_lesson_link_count_only_outside_code():
    assert link_targets("See [softmax](../docs/glossary.md#softmax).") == ["../docs/glossary.md#softmax"]
    assert link_targets("Write `[softmax](../docs/glossary.md#softmax)` to link.") == []
