"""Does every exercise of every lesson keep the learner contract, whatever its checker does?

Each lesson's own tests feed its checks realistic mistakes; this file holds every question
of every checker module to the same baseline, so a new lesson cannot forget it.
"""
import numpy as np
import pytest

from course import progress
from course.lessons import LESSONS
from course.questions import lesson_questions


def all_questions():
    """Return every Question of every lesson's checker module, as pytest params named NN-qK."""
    return [pytest.param(question, id=f"{lesson.number}-{question.name}")
            for lesson in LESSONS for question in lesson_questions(lesson)]


QUESTIONS = all_questions()


def stub(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def returns_nothing(*args, **kwargs):
    pass


@pytest.mark.parametrize("question", QUESTIONS)
def test_is_the_untouched_stub_not_attempted_and_not_recorded(question):
    verdict = question.check(stub)
    assert verdict.status == "not_attempted" and "NotImplementedError" in verdict.message
    assert progress.load()["notebooks"] == {}


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("answer", [None, "my_function", np.nan])
def test_is_a_value_instead_of_a_function_explained(question, answer):
    verdict = question.check(answer)
    assert verdict.status == "incorrect" and question.name in verdict.text() and verdict.message


@pytest.mark.parametrize("question", QUESTIONS)
def test_does_a_function_without_return_hear_about_it(question):
    verdict = question.check(returns_nothing)
    assert verdict.status == "incorrect" and "forget `return`" in verdict.message


@pytest.mark.parametrize("question", QUESTIONS)
def test_does_every_question_offer_hints_and_a_solution(question):
    assert len(question.hints) >= 2 and str(question.hint(1)).startswith("Hint 1 of")
    assert str(question.solution()).strip() and question.points > 0


ODD_RETURNS = {"text": "x", "a dict": {}, "a set": {1}, "an object": object(), "True": True, "NaN": float("nan"),
               "a ragged list": [[1, 2], [3]], "an empty array": np.zeros(0)}


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("kind", ODD_RETURNS)
def test_is_a_return_of_the_wrong_kind_the_learners_mistake_not_a_course_bug(question, kind):
    verdict = question.check(lambda *args, **kwargs: ODD_RETURNS[kind])
    assert verdict.status == "incorrect", verdict.text()
