"""Does `course exercises` turn solutions into exercises exactly, and refuse to guess?"""
import shutil
from pathlib import Path

import nbformat
import pytest

from course.data import ROOT
from course.instructor import cli
from course.instructor.generate import HEADER_ID, MarkerError, exercise_from_solution, generate_all, render

FIXTURES = Path(__file__).parent / "fixtures"


def generate(name):
    nb = nbformat.read(FIXTURES / f"{name}.ipynb", as_version=4)
    return exercise_from_solution(nb, f"{name}.ipynb")


def test_is_the_solution_replaced_by_a_stub_at_the_same_indent():
    cell = generate("good").cells[2]
    assert cell.source == 'def area(r):\n    """Circle area."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'


def test_are_hidden_tests_removed_and_visible_tests_kept():
    cell = generate("good").cells[3]
    assert cell.source == "assert area(1) > 3"


def test_are_two_regions_in_one_cell_both_replaced():
    assert generate("good").cells[4].source == (
        "x = 1\n# YOUR CODE HERE\nraise NotImplementedError()\ny = 2\n# YOUR CODE HERE\nraise NotImplementedError()"
    )


def test_does_a_markdown_solution_become_your_answer_here():
    assert generate("good").cells[5].source == "Explain your answer.\n\nYOUR ANSWER HERE"


def test_are_outputs_counts_and_widget_state_cleared():
    nb = generate("good")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "widgets" not in nb.metadata
    assert nb.cells[2].metadata == {"tags": ["solution"]}


def test_does_the_last_cell_not_the_first_name_the_source_to_edit():
    cells = generate("good").cells
    assert cells[-1].id == HEADER_ID and HEADER_ID not in [cell.id for cell in cells[:-1]]
    assert "generated from `solutions/good.ipynb` by `make exercises`. Change that file" in cells[-1].source
    assert "solutions/" not in cells[0].source


def test_is_the_output_a_valid_notebook_that_renders_the_same_twice():
    nb = generate("good")
    nbformat.validate(nb)
    assert render(nb) == render(generate("good"))


@pytest.mark.parametrize("name, words", [
    ("nested_markers", "nested inside the region opened on line 1"),
    ("unclosed_marker", "opened on line 2 is never closed"),
    ("end_without_begin", "'### END SOLUTION' on line 2 has no matching BEGIN"),
    ("mismatched_end", "'### END HIDDEN TESTS' on line 3 has no matching BEGIN"),
    ("marker_in_untagged_cell", "has solution markers but is not tagged 'solution'"),
    ("solution_tag_without_markers", "is tagged 'solution' but has no"),
    ("hidden_tests_in_untagged_cell", "has hidden-test markers but is not tagged 'tests'"),
])
def test_is_each_marker_defect_an_error_naming_notebook_and_cell(name, words):
    with pytest.raises(MarkerError) as error:
        generate(name)
    message = str(error.value)
    assert words in message
    assert f"solutions/{name}.ipynb: cell " in message and "(id cell-" in message


def make_course(tmp_path, *names):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    for name in names:
        shutil.copy(FIXTURES / f"{name}.ipynb", tmp_path / "solutions" / f"{name}.ipynb")
    return tmp_path


def test_does_check_list_every_stale_file_and_write_nothing(tmp_path, capsys):
    root = make_course(tmp_path, "good")
    (root / "exercises" / "orphan.ipynb").write_text("{}")
    assert cli.main(["exercises", "--check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "stale: exercises/good.ipynb" in err and "exercises/orphan.ipynb (no solutions/orphan.ipynb)" in err
    assert not (root / "exercises" / "good.ipynb").exists()


def test_does_regenerating_make_check_pass(tmp_path, capsys):
    root = make_course(tmp_path, "good")
    assert cli.main(["exercises", "--root", str(root)]) == 0
    assert "wrote exercises/good.ipynb" in capsys.readouterr().out
    assert cli.main(["exercises", "--check", "--root", str(root)]) == 0


def test_are_all_defective_notebooks_reported_in_one_run(tmp_path, capsys):
    root = make_course(tmp_path, "good", "nested_markers", "unclosed_marker")
    assert cli.main(["exercises", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "nested_markers.ipynb" in err and "unclosed_marker.ipynb" in err
    assert (root / "exercises" / "good.ipynb").exists()


def test_does_a_file_that_is_not_a_notebook_give_a_message(tmp_path):
    root = make_course(tmp_path)
    (root / "solutions" / "broken.ipynb").write_text("not json")
    errors, stale = generate_all(root, check=True)
    assert len(errors) == 1 and errors[0].startswith("solutions/broken.ipynb:")


def test_are_the_committed_exercises_in_sync_with_solutions():
    errors, stale = generate_all(ROOT, check=True)
    assert errors == [] and stale == [], "run `make exercises`"
