"""Does the `uses-reference` flag see the course's reference through renamed names, comments and
layout, and through the solutions notebook, without flagging code that is only similar?"""
from __future__ import annotations

import ast

import nbformat
import pytest

from course.checks.nb00_what_is_an_ai_researcher import q2
from course.data import ROOT
from course.instructor.copies import reference_shapes, shape, solution_shapes, written_copy

RENAMED = '''
def mine(probs, labels):
    # my own words
    probs = np.asarray(probs)
    ok = (probs.argmax(axis=1)
          == np.asarray(labels))
    conf = probs.max(axis=1)
    return float(conf[ok].mean()), float(conf[~ok].mean())
'''
DIFFERENT = '''
def mine(probs, labels):
    probs = np.asarray(probs)
    ok = probs.argmax(axis=1) == np.asarray(labels)
    conf = probs.max(axis=1)
    return float(np.mean(conf[ok])), float(np.mean(conf[~ok]))
'''


def notebook(source: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])


def test_is_the_reference_with_new_names_comments_and_layout_recognised():
    assert written_copy(notebook(RENAMED), ["mine"], reference_shapes(q2))


def test_is_code_that_computes_the_same_another_way_not_flagged():
    assert not written_copy(notebook(DIFFERENT), ["mine"], reference_shapes(q2))


def test_is_only_the_answer_name_looked_at():
    assert not written_copy(notebook(RENAMED), ["other_name"], reference_shapes(q2))


def test_are_annotations_and_docstrings_set_aside():
    plain = ast.parse("def f(a, b):\n    c = a + b\n    return c").body[0]
    dressed = ast.parse('def g(x: int, y: int) -> int:\n    """Sum."""\n    z: int = x + y  # add\n    return z').body[0]
    assert shape(plain) == shape(dressed)


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb"))[:3], ids=lambda p: p.stem[:2])
def test_is_a_pasted_solution_notebook_answer_recognised(path):
    nb = nbformat.read(path, as_version=4)
    answers = [c.source for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    name = ast.parse(answers[0]).body[0].name
    assert written_copy(notebook(answers[0].replace(name, "renamed")), ["renamed"], solution_shapes(path))


def test_is_a_helper_the_course_writes_into_the_exercise_not_taken_for_a_copied_answer():
    path = ROOT / "solutions" / "15-frameworks-pytorch-and-jax.ipynb"
    nb = nbformat.read(path, as_version=4)
    helpers = [c.source for c in nb.cells if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])
               and "def run_epoch" in c.source]
    assert helpers, "lesson 15's exercise defines run_epoch outside its answer cells"
    assert not written_copy(notebook(helpers[0]), ["run_epoch"], solution_shapes(path))
