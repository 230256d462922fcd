"""Are a lesson's facts (its checker, its self-checks, its exercises) computed in one place and right?"""
import subprocess
import sys
import types

import pytest

from course.checks import Question
from course.lessons import LESSONS, Lesson, by_stem, question_names
from course.questions import lesson_questions, module_questions
from course.quiz import load_bank


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_does_the_quick_count_from_the_source_agree_with_importing_the_checker(lesson):
    imported = lesson_questions(lesson)
    assert question_names(lesson.checker_module) == tuple(q.name for q in imported)
    assert lesson.exercise_count == len(imported) > 0


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_does_a_lesson_count_the_self_checks_of_its_bank(lesson):
    assert lesson.self_check_count == len(load_bank(lesson.stem).questions)


def test_is_the_checker_module_named_after_the_stem():
    assert by_stem("00-what-is-an-ai-researcher").checker_module == "course.checks.nb00_what_is_an_ai_researcher"


def test_does_a_lesson_without_a_bank_or_a_checker_offer_nothing():
    lesson = Lesson("99-not-written-yet", "Not yet", "nothing")
    assert (lesson.self_check_count, lesson.exercise_count, lesson_questions(lesson)) == (0, 0, ())


def test_are_questions_in_the_order_q1_q2_q10_whatever_the_module_order(monkeypatch):
    module = types.ModuleType("course.checks.nb99_made_up")
    for name in ("q10", "q2", "q1"):
        setattr(module, name, Question(print, name=name, notebook="99-made-up"))
    module.helper = print
    assert [q.name for q in module_questions(module)] == ["q1", "q2", "q10"]


def test_does_the_quick_count_read_the_source_without_importing_any_checker():
    code = ("import sys; from course.lessons import LESSONS\n"
            "print(sum(lesson.exercise_count for lesson in LESSONS) > 0, 'course.checks' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False"], out.stderr
