"""Are the committed notebooks executed, clean and complete, as the harness and GitHub need?"""
import json
import re

import pytest

from course.data import ROOT
from course.lessons import LESSONS

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
EXECUTED = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
GENERATED = sorted((ROOT / "exercises").glob("*.ipynb"))
ALL = EXECUTED + GENERATED


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def name(path):
    return f"{path.parent.name}/{path.name}"


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", EXECUTED, ids=name)
def test_is_every_code_cell_executed_in_order(path):
    counts = [c["execution_count"] for c in code_cells(read(path))]
    assert counts == list(range(1, len(counts) + 1)), "re-run with `make execute`"


@pytest.mark.parametrize("path", ALL, ids=name)
def test_does_no_cell_have_outputs_without_an_execution_count(path):
    for cell in code_cells(read(path)):
        assert not (cell["outputs"] and cell["execution_count"] is None), cell["source"][:80]


@pytest.mark.parametrize("path", ALL, ids=name)
def test_does_widget_metadata_carry_its_state(path):
    widgets = read(path)["metadata"].get("widgets")
    if widgets is not None:
        assert "state" in widgets.get(WIDGET_STATE, {}), "GitHub will not render this notebook"


@pytest.mark.parametrize("path", EXECUTED, ids=name)
def test_are_outputs_free_of_errors_addresses_and_live_widget_views(path):
    for cell in code_cells(read(path)):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", cell["source"][:80]
            assert "application/vnd.jupyter.widget-view+json" not in output.get("data", {})
            text = json.dumps(output.get("data", {}).get("text/plain", "")) + json.dumps(output.get("text", ""))
            assert not re.search(r" at 0x[0-9a-f]{6,}", text), text[:120]


@pytest.mark.parametrize("path", GENERATED, ids=name)
def test_are_exercises_free_of_outputs(path):
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code_cells(read(path)))


@pytest.mark.parametrize("path", EXECUTED, ids=name)
def test_does_every_notebook_open_with_its_goals(path):
    first = "".join(read(path)["cells"][0]["source"])
    assert "**By the end of this notebook you can**" in first


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_does_every_lesson_have_all_its_parts(lesson):
    stem = lesson.stem
    for part in (f"notebooks/{stem}.ipynb", f"solutions/{stem}.ipynb", f"exercises/{stem}.ipynb",
                 f"assets/{stem}/quiz.toml", f"course/checks/nb{stem.replace('-', '_')}.py",
                 f"tests/checks/test_nb{stem.replace('-', '_')}.py"):
        assert (ROOT / part).exists(), part
    lesson_text = (ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8")
    for heading in ("## Summary", "## Further reading", f"exercises/{stem}.ipynb"):
        assert heading in lesson_text, heading


def test_is_every_notebook_a_lesson_in_the_catalogue():
    stems = {lesson.stem for lesson in LESSONS}
    assert {p.stem for p in ALL} <= stems


def test_does_the_readme_map_list_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lesson in LESSONS:
        row = f"| {lesson.number} | [{lesson.title}](notebooks/{lesson.stem}.ipynb) | {lesson.can_do} |"
        assert row in readme, row


def test_does_every_lesson_folder_describe_itself():
    folders = {p.name for p in (ROOT / "assets").iterdir() if p.is_dir() and p.name[:2].isdigit()}
    assert folders == {lesson.stem for lesson in LESSONS}
    assert all(lesson.title and lesson.can_do for lesson in LESSONS)


def test_does_every_link_in_the_readme_point_to_a_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if "://" not in target:
            assert (ROOT / target).exists(), target


TEMPORARY = re.compile(r"/tmp/|/var/folders/|\\Temp\\|course-(progress|test|execute)-")


def output_texts(cell):
    """Return the text a reader sees in the cell's outputs (stream text, plain text and HTML)."""
    for output in cell["outputs"]:
        data = output.get("data", {})
        yield "".join(output.get("text", "")) + "".join(data.get("text/plain", "")) + "".join(data.get("text/html", ""))


@pytest.mark.parametrize("path", EXECUTED, ids=name)
def test_are_outputs_free_of_temporary_paths(path):
    for cell in code_cells(read(path)):
        for text in output_texts(cell):
            assert not TEMPORARY.search(text), f"{cell['source'][:60]!r} shows {TEMPORARY.search(text).group(0)}"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=name)
def test_does_the_progress_table_show_what_a_new_learner_sees(path):
    """Every lesson listed, nothing done yet, saved where a new learner's progress goes on Linux."""
    shown = [text for cell in code_cells(read(path)) if "progress.show()" in "".join(cell["source"])
             for text in output_texts(cell)]
    assert shown, "the lesson should end with progress.show()"
    for lesson in LESSONS:
        assert lesson.stem in shown[0], lesson.stem
    assert "(saved in ~/.local/share/ai-researcher-course/progress.json)" in shown[0]
    assert not re.search(r"█", shown[0]), "executed with answers recorded: run `make execute`"
