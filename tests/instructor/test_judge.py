"""Does the grader judge with the question's own public verdict, and call a broken check the course's bug?"""
import numpy as np

from course.checks import Question
from course.instructor import judge as judge_module
from course.instructor.judge import judge
from tests.instructor.conftest import InProcessRun


def check_twice(fn):
    got = fn(np.arange(3.0))
    if not np.allclose(got, 2 * np.arange(3.0)):
        from course.checks import Incorrect
        raise Incorrect(f"`{fn.last_call}` did not double")
    return "doubles"


def check_with_a_bug(fn):
    fn(np.arange(3.0))
    return undefined_name  # noqa: F821 - the course's bug these tests are about


def question(check):
    return Question(check, hints=["a", "b"], name="q1", notebook="99-test")


def test_does_judge_pass_a_right_answer_and_fail_a_wrong_one_without_hints(learner):
    learner["double"] = lambda x: 2 * x
    assert judge(InProcessRun(), question(check_twice), ["double"], 5).status == "correct"
    learner["double"] = lambda x: x
    wrong = judge(InProcessRun(), question(check_twice), ["double"], 5)
    assert wrong.status == "incorrect" and "did not double" in wrong.message and "hint()" not in wrong.message


def test_is_a_bug_in_the_check_an_error_that_says_it_is_the_courses(learner, caplog):
    learner["double"] = lambda x: 2 * x
    with caplog.at_level("ERROR", logger="course.checks"):
        verdict = judge(InProcessRun(), question(check_with_a_bug), ["double"], 5)
    assert verdict.status == "error" and verdict.message.startswith("This is a bug in the course, not in your code")
    assert "NameError: name 'undefined_name' is not defined" in verdict.message and "\n" not in verdict.message
    assert "Traceback" in caplog.text and "check_with_a_bug" in caplog.text


def test_does_the_grader_use_the_questions_public_judge(learner, monkeypatch):
    seen = []
    monkeypatch.setattr(Question, "judge", lambda self, answer: seen.append(answer.__name__) or "verdict")
    learner["double"] = lambda x: 2 * x
    assert judge(InProcessRun(), question(check_twice), ["double"], 5) == "verdict" and seen == ["double"]
    assert not hasattr(judge_module, "evaluate")
