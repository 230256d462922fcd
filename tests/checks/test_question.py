"""Does Question.check turn every way learner code can go wrong into a clear verdict?"""
import functools
import sys
import threading
import time

import numpy as np
import pytest

from course import progress
from course.checks import Incorrect, Question, expect_array, expect_close


def check_double(fn):
    got = fn(np.arange(3.0))
    expect_close(got, [0.0, 2.0, 4.0], fn.last_call)
    return "doubles correctly"


def make(**kwargs):
    return Question(check_double, hints=["first", "second"], solution="def double(x):\n    return 2 * x",
                    name="q9", notebook="99-test", **kwargs)


def double(x):
    return 2 * x


def stub(x):
    # YOUR CODE HERE
    raise NotImplementedError()


def verdict(answer, **kwargs):
    return make(**kwargs).check(answer)


def test_does_the_right_answer_pass_with_the_checkers_message():
    result = verdict(double)
    assert result.status == "correct" and result.message == "doubles correctly"
    assert progress.load()["notebooks"]["99-test"]["exercise"]["q9"]["passed"] is True


def test_is_the_untouched_stub_not_attempted_and_not_recorded():
    result = verdict(stub)
    assert result.status == "not_attempted" and "NotImplementedError" in result.message
    assert progress.load()["notebooks"] == {}


def test_does_a_missing_return_say_so():
    def forgot(x):
        2 * x
    result = verdict(forgot)
    assert result.status == "incorrect" and "did you forget `return`?" in result.message
    assert "forgot(x=float64 array of shape (3,))" in result.message


@pytest.mark.parametrize("answer, words", [
    (None, "You passed None"),
    ("double", "expects your function itself"),
    (np.nan, "expects your function itself"),
])
def test_is_a_value_instead_of_a_function_explained(answer, words):
    result = verdict(answer)
    assert result.status == "incorrect" and words in result.message


@pytest.mark.parametrize("returned, words", [
    ("two", "expected a numpy array"),
    (np.zeros(4), "shape (4,); expected shape (3,)"),
    (np.array(["a", "b", "c"]), "expected numbers"),
    (np.array([0.0, np.nan, 4.0]), "containing NaN"),
    (np.array([0.0, np.inf, 4.0]), "containing inf"),
    (np.array([0.0, 2.0, 5.0]), "at index (2,): got 5.0, expected 4.0"),
])
def test_does_a_wrong_type_shape_dtype_or_value_name_input_expected_and_got(returned, words):
    result = verdict(lambda x: returned)
    assert result.status == "incorrect" and words in result.message
    assert "<lambda>(x=float64 array of shape (3,))" in result.message
    assert "q9.hint()" in result.message


def test_does_an_exception_report_its_type_message_and_input_not_a_traceback():
    def broken(x):
        return x[10]
    result = verdict(broken)
    assert result.status == "error"
    assert "broken(x=float64 array of shape (3,))` raised IndexError: index 10 is out of bounds" in result.message
    assert "at line" in result.message and "Traceback" not in result.message


def test_is_an_endless_loop_stopped_with_a_message():
    def forever(x):
        while True:
            pass
    start = time.perf_counter()
    result = verdict(forever, time_limit=0.3)
    assert time.perf_counter() - start < 2
    assert result.status == "error" and "still running after 0.3 s" in result.message


def test_is_a_sleeping_function_stopped_too():
    result = verdict(lambda x: time.sleep(30), time_limit=0.3)
    assert result.status == "error" and "still running" in result.message


def test_does_the_time_limit_work_outside_the_main_thread():
    results = []

    def forever(x):
        while True:
            pass

    worker = threading.Thread(target=lambda: results.append(make(time_limit=0.3).evaluate(forever)))
    worker.start()
    worker.join(5)
    assert not worker.is_alive() and results and "still running" in results[0].message


def test_does_learner_code_that_catches_everything_still_stop():
    def stubborn(x):
        while True:
            try:
                time.sleep(0.01)
            except Exception:
                pass
    assert "still running" in verdict(stubborn, time_limit=0.3).message


def sleeps_and_swallows(x):
    while True:
        try:
            time.sleep(0.01)
        except BaseException:
            pass


def spins_and_swallows(x):
    while True:
        try:
            x = x + 1
        except BaseException:
            pass


def swallows_then_answers(x):
    try:
        while True:
            time.sleep(0.01)
    except BaseException:
        return 2 * x


@pytest.mark.parametrize("learner", [sleeps_and_swallows, spins_and_swallows])
def test_does_a_loop_that_catches_the_stop_itself_still_stop(learner):
    start = time.perf_counter()
    result = verdict(learner, time_limit=0.3)
    assert time.perf_counter() - start < 2
    assert result.status == "error" and "still running after 0.3 s" in result.message


def test_is_an_answer_given_after_the_limit_still_too_late():
    result = verdict(swallows_then_answers, time_limit=0.3)
    assert result.status == "error" and "still running after 0.3 s" in result.message


def test_does_a_call_that_swallowed_the_stop_hear_why():
    """A callable without globals cannot be traced: it swallows the stop, answers late, and is told so."""
    result = verdict(functools.partial(swallows_then_answers), time_limit=0.3)
    assert result.status == "error" and "still running after 0.3 s" in result.message
    assert "it caught the stop and went on: `except BaseException`" in result.message


def errstate_in_a_loop(x):
    while True:
        try:
            with np.errstate(all="ignore"):
                np.ones(3) / 0
        except BaseException:
            pass


def test_does_stopping_leave_numpys_error_settings_as_they_were():
    before = np.geterr()
    for _ in range(3):
        verdict(errstate_in_a_loop, time_limit=0.2)
        assert np.geterr() == before


def test_are_the_alarm_and_the_trace_function_put_back_after_a_timeout():
    import signal
    handler, trace = signal.getsignal(signal.SIGALRM), sys.gettrace()
    verdict(sleeps_and_swallows, time_limit=0.2)
    assert signal.getsignal(signal.SIGALRM) is handler and sys.gettrace() is trace
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def in_a_thread(learner, seconds):
    """Return (verdict, seconds taken) of evaluating `learner` from a thread other than the main one."""
    results = []
    worker = threading.Thread(target=lambda: results.append(make(time_limit=seconds).evaluate(learner)))
    start = time.perf_counter()
    worker.start()
    worker.join(10)
    return (results[0] if results else None), time.perf_counter() - start


def test_does_the_thread_path_stop_waiting_at_the_limit_and_say_the_call_was_abandoned():
    result, took = in_a_thread(lambda x: time.sleep(3), 0.3)
    assert took < 1.5 and result.status == "error"
    assert "still running after 0.3 s" in result.message and "in the background" in result.message


def test_does_the_thread_path_stop_a_loop_that_catches_the_stop():
    result, took = in_a_thread(spins_and_swallows, 0.3)
    assert took < 1.5 and result.status == "error" and "still running after 0.3 s" in result.message


def test_does_the_thread_path_pass_the_right_answer_and_report_a_crash():
    def broken(x):
        return x[10]
    assert in_a_thread(double, 1.0)[0].status == "correct"
    crashed = in_a_thread(broken, 1.0)[0]
    assert crashed.status == "error" and "IndexError" in crashed.message and "at line" in crashed.message


def test_is_the_alarm_cleared_after_a_check():
    verdict(double, time_limit=0.2)
    time.sleep(0.3)  # a leftover alarm would interrupt this test


def test_is_sys_exit_reported():
    result = verdict(lambda x: sys.exit(1))
    assert result.status == "error" and "called exit(1)" in result.message


class Weird:
    """A returned value whose own code fails when the check reads it."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")


def test_is_an_exception_in_the_learners_returned_value_their_fault_not_the_courses():
    result = make().check(lambda x: [Weird()] * 3)
    assert result.status == "error" and "Traceback" not in result.message
    assert "RuntimeError: no array for you" in result.message and "bug in the course" not in result.message
    assert "at line" in result.message and "raise RuntimeError" in result.message


def check_with_a_bug(fn):
    fn(np.arange(3.0))
    return undefined_name  # noqa: F821 - the course's bug this test is about


def buggy(**kwargs):
    return Question(check_with_a_bug, hints=["a", "b"], name="q7", notebook="99-test", **kwargs)


def test_is_a_bug_in_the_check_called_the_courses_with_a_way_to_report_it():
    result = buggy().check(double)
    assert result.status == "error"
    assert result.message.startswith("This is a bug in the course, not in your code: please report it")
    assert "NameError: name 'undefined_name' is not defined" in result.message
    assert "Traceback" not in result.message and "hint()" not in result.message


def test_does_a_course_bug_keep_its_traceback_folded_for_the_report():
    result = buggy().check(double)
    assert "Traceback" in result.detail and "check_with_a_bug" in result.detail
    assert result.detail in result.text()
    page = result.html()
    assert "<details" in page and "check_with_a_bug" in page and "course-feedback course-error" in page
    assert "Your code stopped" not in result.text() + page


def test_is_a_course_bug_logged_and_not_recorded_as_the_learners_attempt(caplog):
    with caplog.at_level("ERROR", logger="course.checks"):
        buggy().check(double)
    assert "q7 of 99-test" in caplog.text and "NameError" in caplog.text
    assert progress.load()["notebooks"] == {}


def test_does_judge_give_a_verdict_without_recording_printing_or_hinting(capsys):
    from course.checks.guard import Guarded

    right, wrong = make().judge(Guarded(double)), make().judge(Guarded(lambda x: x))
    assert right.status == "correct" and right.message == "doubles correctly"
    assert wrong.status == "incorrect" and "hint()" not in wrong.message
    assert progress.load()["notebooks"] == {} and capsys.readouterr() == ("", "")
    assert buggy().judge(Guarded(double)).message.startswith("This is a bug in the course")


def test_do_hints_come_in_order_and_then_point_to_the_solution():
    q = make()
    assert str(q.hint()).startswith("Hint 1 of 2 (more: q9.hint(2)): first")
    assert str(q.hint()).startswith("Hint 2 of 2 (last one; q9.solution() shows the answer): second")
    assert "second" in str(q.hint())
    assert str(q.hint(1)).endswith("first")
    assert "hints 1 to 2" in str(q.hint(5))


def test_does_the_solution_show_as_code():
    bundle = make().solution()._repr_mimebundle_()
    assert bundle["text/plain"] == "def double(x):\n    return 2 * x"
    assert bundle["text/html"].startswith("<pre>def double(x):")


def test_does_a_leaked_expect_status_variable_leave_checks_alone(monkeypatch):
    """The test harness's variable must never make a learner's check raise."""
    monkeypatch.setenv("COURSE_EXPECT_STATUS", "not_attempted")
    assert make().check(stub).status == "not_attempted"
    assert make().check(double).status == "correct"


def test_does_expect_array_refuse_a_non_array():
    with pytest.raises(Incorrect, match="returned 'x'; expected a numpy array"):
        expect_array("x", "f()")


def test_does_a_random_generator_argument_show_without_a_memory_address():
    from course.checks.guard import describe
    assert describe(np.random.default_rng(0)) == "np.random.Generator(PCG64)"


def test_does_an_error_in_the_learners_code_point_to_the_hints_like_a_wrong_answer():
    """Status `error` (the learner's code raised) gets the "Stuck?" line the incorrect verdicts have."""
    from course.checks import Question as _Question

    def check(fn):
        fn(1)
        return "fine"

    def crashes(x):
        return 1 / 0

    verdict = _Question(check, hints=["h"], name="q9", notebook="99-test").evaluate(crashes)
    assert verdict.status == "error" and verdict.message.endswith("Stuck? `q9.hint()` gives a hint.")


@pytest.mark.parametrize("crash, words", [
    (lambda x: np.ones((3, 64)) @ np.ones((128, 10)), "A has 64 columns and B has 128 rows"),
    (lambda x: np.dot(np.ones((3, 64)), np.ones((128, 10))), "needs the last size of the first"),
    (lambda x: np.ones(10).reshape(3, 4), "10 entries cannot fill shape (3,4)"),
    (lambda x: np.ones((3, 4)) + np.ones(5), "cannot be combined elementwise"),
])
def test_are_numpys_shape_errors_put_in_words(crash, words):
    def check(fn):
        fn(1)
        return "fine"

    verdict = Question(check, name="q9", notebook="99-test").evaluate(crash)
    assert verdict.status == "error" and words in verdict.message, verdict
