"""Do the shared checker helpers give each idea (a number, a count, N values) one meaning?"""
import numpy as np
import pytest

from course.checks import Guarded, Incorrect, expect_inputs_unchanged
from course.checks.expect import expect_count, expect_number, expect_numbers, expect_values


@pytest.mark.parametrize("value, number", [
    (3, 3.0), (2.5, 2.5), (np.float32(1.5), 1.5), (np.int64(4), 4.0), (np.array(0.25), 0.25),
    (np.array([0.5]), 0.5), ([7.0], 7.0),
])
def test_is_one_number_in_any_numeric_form_accepted(value, number):
    assert expect_number(value, "f()") == number


@pytest.mark.parametrize("value, words", [
    (True, "returned True; expected a probability"),
    (np.True_, "returned np.True_; expected a probability"),
    (np.array([True]), "expected a probability"),
    ("0.5", "returned '0.5'; expected a probability"),
    (None, "returned None; expected a probability"),
    ({"p": 0.5}, "expected a probability"),
    (1 + 2j, "expected a probability"),
    ([0.1, 0.2], "returned 2 values; expected a probability"),
    ([[1, 2], [3]], "expected a probability"),
    (float("nan"), "returned nan, not a finite number; expected a probability"),
    (np.array([np.inf]), "returned inf, not a finite number; expected a probability"),
])
def test_are_booleans_text_and_many_values_not_a_number(value, words):
    with pytest.raises(Incorrect) as wrong:
        expect_number(value, "f()", "a probability")
    assert str(wrong.value).startswith("`f()` returned") and words in str(wrong.value)


def test_may_a_number_be_infinite_when_the_check_says_so():
    assert expect_number(float("inf"), "f()", finite=False) == float("inf")


def test_do_the_messages_carry_the_checks_own_advice():
    with pytest.raises(Incorrect, match="2 values; expected one number. Add them up."):
        expect_number([1.0, 2.0], "f()", why_many=" Add them up.")
    with pytest.raises(Incorrect, match="empty bin"):
        expect_number(float("nan"), "f()", why_nan=" Skip an empty bin.")


@pytest.mark.parametrize("value, count", [(3, 3), (np.int64(12), 12), (12.0, 12), (np.ceil(11.2), 12), ([5], 5)])
def test_is_a_whole_number_in_any_numeric_form_a_count(value, count):
    got = expect_count(value, "f()", "a number of seeds")
    assert got == count and type(got) is int


@pytest.mark.parametrize("value, words", [
    (True, "returned True; expected a number of seeds"),
    (2.5, "returned 2.5, not a whole number; expected a number of seeds"),
    ("3", "returned '3'; expected a number of seeds"),
    (float("nan"), "returned nan, not a finite number; expected a number of seeds"),
    ([1, 2], "returned 2 values; expected a number of seeds"),
])
def test_are_booleans_fractions_and_text_not_a_count(value, words):
    with pytest.raises(Incorrect, match=words.replace("(", r"\(").replace(")", r"\)")):
        expect_count(value, "f()", "a number of seeds")


def test_do_n_values_come_back_as_they_were_given():
    values = expect_values((np.zeros(2), "b"), 2, "f()", "(w, b)")
    assert len(values) == 2 and values[1] == "b"
    assert expect_numbers(np.array([1.0, 2.0, 3.0]), 3, "f()", "(mean, low, high)")[2] == 3.0


@pytest.mark.parametrize("value, words", [
    (1.0, "returned 1.0; expected a pair (w, b)"),
    ("wb", "returned 'wb'; expected a pair (w, b)"),
    ({"w": 1}, "expected a pair (w, b)"),
    ((1.0,), "returned 1 value; expected 2: (w, b)"),
    ([1.0, 2.0, 3.0], "returned 3 values; expected 2: (w, b)"),
    (np.zeros(2), "returned float64 array of shape (2,); expected a pair (w, b)"),
])
def test_is_a_wrong_count_or_kind_of_values_named(value, words):
    with pytest.raises(Incorrect) as wrong:
        expect_values(value, 2, "f()", "(w, b)")
    assert words in str(wrong.value)


def test_are_three_numbers_read_as_floats_and_checked_like_one():
    assert expect_numbers([1, np.float32(2.5), np.array(3.0)], 3, "f()", "(mean, low, high)") == (1.0, 2.5, 3.0)
    for bad, words in [((True, 1.0, 2.0), "returned True in (mean, low, high); expected numbers"),
                       ("0.7, 0.4", "returned '0.7, 0.4'; expected three numbers (mean, low, high)"),
                       ((np.nan, 0.0, 1.0), "returned (mean, low, high) containing NaN; every value should be"),
                       ((1.0, 2.0), "returned 2 values; expected 3: (mean, low, high)")]:
        with pytest.raises(Incorrect) as wrong:
            expect_numbers(bad, 3, "f()", "(mean, low, high)")
        assert words in str(wrong.value), wrong.value


def test_does_a_number_inside_a_result_say_which_part_it_is():
    with pytest.raises(Incorrect, match=r"^`f\(\)` returned b = True; expected a single number\.$"):
        expect_number(True, "f()", "a single number", part="b")


# --- expect_inputs_unchanged: a function that changes its inputs in place --------------

def test_does_an_in_place_change_get_named_with_its_argument():

    def centre(X, params):
        X -= X.mean(axis=0)
        params["W1"] *= 2
        return X

    fn = Guarded(centre)
    fn(np.arange(6.0).reshape(3, 2), {"W1": np.ones(2), "b1": np.zeros(2)})
    assert fn.changed_inputs == ["X", 'params["W1"]']
    with pytest.raises(Incorrect, match=r'changed its input `X`, `params\["W1"\]` in place. Later.'):
        expect_inputs_unchanged(fn, "Later.")


def test_is_an_untouched_input_or_a_grader_function_left_alone():

    fn = Guarded(lambda X: X - X.mean())
    fn(np.arange(3.0))
    assert fn.changed_inputs == []
    expect_inputs_unchanged(fn, "Later.")
    expect_inputs_unchanged(object(), "Later.")   # the grader's function has no changed_inputs


@pytest.mark.parametrize("got, expected, words", [
    (0.1667, 1 / 6, "rounded to 4 decimals"),
    (16.67 / 100 * 100, 0.1667, "a percentage"),
    ([2.0, 4.0], [1.0, 2.0], "2 times as large as the answer (a factor of 2), in every entry"),
    ([1.0, 2.0], [32.0, 64.0], "32 times smaller than"),
    ([-1.0, 2.0], [1.0, -2.0], "opposite sign"),
    (4.0, 2.0, "sqrt(4)") if False else (2.0, 2.0 ** 0.5 * 2 ** 0.5 * 2 ** 0.5, "sqrt(2)"),
    ([0.0, 0.0], [1.0, 2.0], ""),
    ([1.0, 5.0], [1.0, 2.0], ""),
])
def test_does_gap_name_the_common_slips(got, expected, words):
    from course.checks.expect import gap

    assert (words in gap(got, expected)) if words else gap(got, expected) == ""
