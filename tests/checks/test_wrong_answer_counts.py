"""Does every exercise face enough realistic wrong answers, and at least one other right one?

Each lesson's checker test module keeps two registries: `WRONG = {"q1": [(wrong_function,
words its message must hold), ...]}`, which its own parametrised tests run (each lesson
asserts on its messages in its own way), and `VALID = {"q1": [another_right_function, ...]}`,
which the last test here runs for every lesson. Here we also count them for every question
the lesson's checker module defines, so a new question cannot go without.
"""
import importlib

import pytest

from course.lessons import LESSONS
from course.questions import lesson_questions

MIN_WRONG, MIN_VALID = 5, 1


def registries(lesson):
    """Return (WRONG, VALID) of the lesson's checker tests, tests/checks/test_<checker stem>.py."""
    name = f"tests.checks.test_{lesson.checker_module.rsplit('.', 1)[-1]}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        pytest.fail(f"{name} does not exist: lesson {lesson.number}'s checks need their tests, with WRONG and VALID")
    if not (isinstance(getattr(module, "WRONG", None), dict) and isinstance(getattr(module, "VALID", None), dict)):
        pytest.fail(f"{name} has no WRONG and VALID registries: module-level dicts such as "
                    '`WRONG = {"q1": [(wrong_function, "words of its message"), ...]}` and '
                    '`VALID = {"q1": [another_right_function]}`, which its parametrised tests run')
    return module.WRONG, module.VALID


CASES = [pytest.param(lesson, question.name, id=f"{lesson.number}-{question.name}")
         for lesson in LESSONS for question in lesson_questions(lesson)]


@pytest.mark.parametrize("lesson, name", CASES)
def test_does_each_question_face_five_realistic_wrong_answers(lesson, name):
    wrong, _ = registries(lesson)
    entries = wrong.get(name, [])
    assert len(entries) >= MIN_WRONG, f"{lesson.number} {name}: {len(entries)} wrong answers, want {MIN_WRONG}"
    for entry in entries:
        answer, words = entry
        assert callable(answer) and isinstance(words, str) and words, entry
    functions = [answer for answer, _ in entries]
    assert len(set(map(id, functions))) == len(functions), f"{lesson.number} {name}: a wrong answer is listed twice"


@pytest.mark.parametrize("lesson, name", CASES)
def test_does_each_question_accept_another_right_answer(lesson, name):
    _, valid = registries(lesson)
    assert len(valid.get(name, [])) >= MIN_VALID, f"{lesson.number} {name}: no valid alternative"
    assert all(callable(answer) for answer in valid[name])


def test_does_every_registry_name_a_real_question():
    for lesson in LESSONS:
        names = {question.name for question in lesson_questions(lesson)}
        wrong, valid = registries(lesson)
        assert set(wrong) <= names and set(valid) <= names, lesson.number


def valid_cases():
    """Every registered valid alternative, with the question it answers (skipping lessons without registries)."""
    cases = []
    for lesson in LESSONS:
        module = importlib.import_module(f"tests.checks.test_{lesson.checker_module.rsplit('.', 1)[-1]}")
        questions = {question.name: question for question in lesson_questions(lesson)}
        for name, answers in getattr(module, "VALID", {}).items():
            cases += [pytest.param(questions[name], answer, id=f"{lesson.number}-{name}-{answer.__name__}")
                      for answer in answers if name in questions]
    return cases


@pytest.mark.parametrize("question, answer", valid_cases())
def test_does_each_valid_alternative_pass(question, answer):
    result = question.check(answer)
    assert result.status == "correct", result
