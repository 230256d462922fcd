"""Do the lesson 13 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import math
import statistics
import time

import numpy as np
import pytest
from scipy import stats

from course.checks import Question
from course.checks.nb13_research_craft_and_career import (
    check_seeds_for_precision,
    mean_ci,
    q1,
    q2,
    q3,
    results_table,
    seeds_for_precision,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: mean_ci -------------------------------------------------------------------

def interval(quantile, spread):
    """Build a mean_ci variant from a quantile rule q(n) and a spread rule s(x)."""
    def wrong(scores):
        x = np.asarray(scores, dtype=float)
        half = quantile(len(x)) * spread(x)
        return float(x.mean()), float(x.mean() - half), float(x.mean() + half)
    return wrong


def t_quantile(n):
    return stats.t.ppf(0.975, n - 1)


def standard_error(x):
    return x.std(ddof=1) / math.sqrt(len(x))


z_instead_of_t = interval(lambda n: 1.96, standard_error)
population_sd = interval(t_quantile, lambda x: x.std() / math.sqrt(len(x)))
sd_not_se = interval(t_quantile, lambda x: x.std(ddof=1))
n_degrees_of_freedom = interval(lambda n: stats.t.ppf(0.975, n), standard_error)
one_sided_quantile = interval(lambda n: stats.t.ppf(0.95, n - 1), standard_error)


z_and_population_sd = interval(lambda n: 1.96, lambda x: x.std() / math.sqrt(len(x)))


def low_mean_high(scores):
    mean, low, high = mean_ci(scores)
    return low, mean, high


def bounds_swapped(scores):
    mean, low, high = mean_ci(scores)
    return mean, high, low


def half_width_as_bounds(scores):
    mean, low, high = mean_ci(scores)
    return mean, -(high - mean), high - mean


def mean_and_half_width(scores):
    mean, low, high = mean_ci(scores)
    return mean, high - mean


def with_statistics_module(scores):
    mean, sd, n = statistics.mean(scores), statistics.stdev(scores), len(scores)
    half = stats.t.ppf(0.975, n - 1) * sd / n ** 0.5
    return mean, mean - half, mean + half


def test_does_the_reference_pass_q1():
    assert q1.check(mean_ci).status == "correct"


def with_scipy_t_interval(scores):
    x = np.asarray(scores, dtype=float)
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    return x.mean(), low, high


VALID["q1"] = [with_statistics_module, with_scipy_t_interval]


WRONG["q1"] = [
    (z_instead_of_t, "z = 1.96 in place of Student t (with 3 values, t(0.975, 2) = 4.303)"),
    (population_sd, "the population standard deviation (ddof=0)"),
    (sd_not_se, "the standard deviation where the standard error sd / sqrt(n) belongs"),
    (n_degrees_of_freedom, "n = 3 degrees of freedom in place of n - 1 = 2"),
    (one_sided_quantile, "a two-sided 95% interval needs 0.975"),
    (half_width_as_bounds, "not centred on the mean"),
    (bounds_swapped, "low is above high"),
    (mean_and_half_width, "returned 2 values; expected 3"),
    (z_and_population_sd, "two slips together: z = 1.96"),
    (low_mean_high, "the right numbers in the order (low, mean, high)"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


def test_does_z_show_that_it_is_too_narrow_q1():
    result = q1.check(z_instead_of_t)
    assert "0.456 times as wide as it should be" in result.message   # 1.96 / 4.303


@pytest.mark.parametrize("returns, words", [
    (lambda scores: (float("nan"), 0.0, 1.0), "NaN"),
    (lambda scores: "0.97 +- 0.02", "expected three numbers (mean, low, high)"),
    (lambda scores: ("0.97", 0.95, 0.99), "expected numbers"),
    (lambda scores: {"mean": 0.97}, "expected three numbers (mean, low, high)"),
])
def test_does_a_malformed_return_value_get_a_message_q1(returns, words):
    result = q1.check(returns)
    assert result.status == "incorrect" and words in result.message, result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda scores: scores[len(scores)])
    assert result.status == "error" and "IndexError" in result.message


# --- q2: results_table -------------------------------------------------------------

def table_from(ci, bold_rule):
    """Build a results_table variant from an interval function and a bold rule(top, others)."""
    def wrong(runs):
        rows = [dict(zip(("method", "mean", "low", "high"), (m, *ci(s)))) for m, s in runs.items()]
        top = max(rows, key=lambda row: row["mean"])
        for row in rows:
            row["bold"] = row is top and bold_rule(top, [r for r in rows if r is not top])
        return rows
    return wrong


def clears_all(top, others):
    return all(top["low"] > r["high"] for r in others)


def clears_runner_up(top, others):
    runner_up = max(others, key=lambda row: row["mean"])
    return top["low"] > runner_up["high"]


highest_mean_bold = table_from(mean_ci, lambda top, others: True)
runner_up_only = table_from(mean_ci, clears_runner_up)
z_table = table_from(z_instead_of_t, clears_all)
population_sd_table = table_from(population_sd, clears_all)
sd_not_se_table = table_from(sd_not_se, clears_all)


def sorted_by_mean(runs):
    return sorted(results_table(runs), key=lambda row: -row["mean"])


def every_clear_method_bold(runs):
    rows = results_table(runs)
    for row in rows:
        row["bold"] = all(row["low"] > r["high"] or row["high"] < r["low"] for r in rows if r is not row)
    return rows


def bold_as_markdown(runs):
    rows = results_table(runs)
    for row in rows:
        row["bold"] = "**" if row["bold"] else ""
    return rows


def interval_as_pair(runs):
    return [{"method": m, "mean": mean, "ci": (low, high), "bold": False}
            for m, (mean, low, high) in ((m, mean_ci(s)) for m, s in runs.items())]


def dict_of_rows(runs):
    return {row["method"]: row for row in results_table(runs)}


def touching_counts_as_clear(runs):
    """`>=` for `>`: intervals that touch exactly are taken to clear each other."""
    rows = results_table(runs)
    top = max(rows, key=lambda row: row["mean"])
    top["bold"] = all(top["low"] >= row["high"] for row in rows if row is not top)
    return rows


def never_bold(runs):
    return [dict(row, bold=False) for row in results_table(runs)]


def numpy_bools(runs):
    return [dict(row, bold=np.bool_(row["bold"])) for row in results_table(runs)]


def against_the_highest_other_high(runs):
    """Bold the top mean if its low clears the highest `high` among the others: the same rule, said once."""
    rows = []
    for method, scores in runs.items():
        mean, low, high = mean_ci(scores)
        rows.append({"method": method, "mean": mean, "low": low, "high": high})
    best = int(np.argmax([row["mean"] for row in rows]))
    others = [row["high"] for i, row in enumerate(rows) if i != best]
    for i, row in enumerate(rows):
        row["bold"] = bool(i == best and (not others or row["low"] > max(others)))
    return rows


VALID["q2"] = [numpy_bools, against_the_highest_other_high]


def test_does_the_reference_pass_q2():
    assert q2.check(results_table).status == "correct"


WRONG["q2"] = [
    (highest_mean_bold, "made 'width 128' bold, but its interval (0.9661, 0.9739) overlaps the interval of 'width 64'"),
    (runner_up_only, "'C' is not the runner-up by mean: compare with every other method"),
    (z_table, "z = 1.96 in place of Student t"),
    (population_sd_table, "the population standard deviation (ddof=0)"),
    (sd_not_se_table, "the standard deviation where the standard error sd / sqrt(n) belongs"),
    (sorted_by_mean, "in the order of `runs`"),
    (every_clear_method_bold, "at most one row, the top method's, can be bold"),
    (bold_as_markdown, "use True or False"),
    (interval_as_pair, "missing: high, low"),
    (dict_of_rows, "expected a list of dicts, one per method"),
    (touching_counts_as_clear, "touching is not clearing"),
    (never_bold, "should be bold"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


def test_is_a_clear_winner_left_plain_reported_q2():
    result = q2.check(never_bold)
    assert result.status == "incorrect" and "'new idea' plain" in result.message and "should be bold" in result.message


def test_is_a_nan_mean_reported_q2():
    def nan_means(runs):
        return [dict(row, mean=float("nan")) for row in results_table(runs)]
    result = q2.check(nan_means)
    assert result.status == "incorrect" and "NaN" in result.message


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda runs: runs["no such method"])
    assert result.status == "error" and "KeyError" in result.message


def test_does_the_reference_bold_only_a_clear_winner():
    rows = results_table({"a": [0.5, 0.6, 0.7], "b": [0.95, 0.96, 0.97]})
    assert [row["bold"] for row in rows] == [False, True]
    rows = results_table({"a": [0.5, 0.9, 0.7], "b": [0.80, 0.81, 0.82]})
    assert [row["bold"] for row in rows] == [False, False]


# --- q3: seeds_for_precision -----------------------------------------------------------

def z_formula(sd, half_width):
    return math.ceil((1.96 * sd / half_width) ** 2)


def z_formula_unrounded(sd, half_width):
    return (1.96 * sd / half_width) ** 2


def last_too_wide(sd, half_width):
    return seeds_for_precision(sd, half_width) - 1


def n_degrees_of_freedom_seeds(sd, half_width):
    n = 2
    while stats.t.ppf(0.975, n) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


def forgot_sqrt(sd, half_width):
    n = 2
    while stats.t.ppf(0.975, n - 1) * sd / n > half_width:
        n += 1
    return n


def sqrt_n_minus_one(sd, half_width):
    n = 2
    while stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n - 1) > half_width:
        n += 1
    return n


def starts_at_one(sd, half_width):
    n = 1   # t with 0 degrees of freedom is nan, and nan > half_width is False
    while stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


def half_width_from_scipy(sd, half_width):
    n = 2
    while True:
        low, high = stats.t.interval(0.95, n - 1, loc=0.0, scale=sd / math.sqrt(n))
        if high <= half_width:
            return n
        n += 1


def starts_from_the_z_answer(sd, half_width):
    """Start at z's n (never above the answer) and go up until t agrees: fewer steps, the same n."""
    n = max(2, math.ceil((1.96 * sd / half_width) ** 2))
    while stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


VALID["q3"] = [half_width_from_scipy, starts_from_the_z_answer]


def test_does_the_reference_pass_q3():
    assert q3.check(seeds_for_precision).status == "correct"


WRONG["q3"] = [
    (z_formula, "returned 4, too few: with 4 seeds the half-width is t(0.975, 3) * 1.0 / sqrt(4) = 1.5912 > 1.0"),
    (z_formula_unrounded, "Seeds come in whole numbers: round up"),
    (last_too_wide, "returned 6, too few"),
    (n_degrees_of_freedom_seeds, "returned 6, too few"),
    (forgot_sqrt, "returned 4, too few"),
    (sqrt_n_minus_one, "returned 28, more than needed: 27 seeds already give 0.1978 <= 0.2"),
    (starts_at_one, "an interval needs at least 2 seeds (expected 7)"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q3"])
def test_does_each_realistic_mistake_fail_q3_with_its_reason(wrong, words):
    result = q3.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("returns, words", [
    (lambda sd, half_width: float("nan"), "not a finite number; expected a whole number of seeds"),
    (lambda sd, half_width: "7", "expected a whole number of seeds"),
    (lambda sd, half_width: [7, 8], "returned 2 values; expected a whole number of seeds"),
])
def test_does_a_malformed_return_value_get_a_message_q3(returns, words):
    result = q3.check(returns)
    assert result.status == "incorrect" and words in result.message, result.message


def test_is_an_endless_loop_stopped_with_a_message_q3():
    def endless(sd, half_width):
        n = 2
        while True:   # never checks the half-width
            n += 1
    quick = Question(check_seeds_for_precision, name="q3", notebook="test", time_limit=0.3)
    start = time.perf_counter()
    result = quick.evaluate(endless)
    assert result.status == "error" and "still running after 0.3 s" in result.message
    assert time.perf_counter() - start < 5


def test_do_the_lessons_numbers_need_the_seeds_the_text_says():
    assert seeds_for_precision(1.0, 1.0) == 7
    assert z_formula(1.0, 1.0) == 4

