"""Does Question.check turn every way learner code can go wrong into a clear verdict?"""
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


def test_is_the_alarm_cleared_after_a_check():
    verdict(double, time_limit=0.2)
    time.sleep(0.3)  # a leftover alarm would interrupt this test


def test_is_sys_exit_reported():
    result = verdict(lambda x: sys.exit(1))
    assert result.status == "error" and "called exit(1)" in result.message


def test_does_a_checker_crash_on_an_odd_return_become_an_error_message():
    class Weird:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("no array for you")
    result = make().check(lambda x: [Weird()] * 3)
    assert result.status in ("error", "incorrect") and "Traceback" not in result.message


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


def test_does_the_expected_status_hook_raise_only_on_a_mismatch(monkeypatch):
    monkeypatch.setenv("COURSE_EXPECT_STATUS", "not_attempted")
    assert make().check(stub).status == "not_attempted"
    with pytest.raises(AssertionError, match="expected status 'not_attempted'"):
        make().check(double)


def test_does_expect_array_refuse_a_non_array():
    with pytest.raises(Incorrect, match="returned 'x'; expected a numpy array"):
        expect_array("x", "f()")


def test_does_a_random_generator_argument_show_without_a_memory_address():
    from course.checks.guard import describe
    assert describe(np.random.default_rng(0)) == "np.random.Generator(PCG64)"
