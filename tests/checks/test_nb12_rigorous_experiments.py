"""Do the lesson 12 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import math
import time

import numpy as np
import pytest
from scipy import stats
from scipy.stats import norm

from course.checks import Guarded, Incorrect, Question
from course.checks.nb12_rigorous_experiments import (
    PLANS,
    _check_coverage,
    check_paired_bootstrap_diff,
    paired_bootstrap_diff,
    q1,
    q2,
    seeds_needed,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}


def quantiles(means, alpha):
    return np.quantile(means, [alpha / 2, 1 - alpha / 2])


# --- q1: paired_bootstrap_diff -------------------------------------------------------------

def unpaired(a, b, n_boot, alpha, rng):
    means = (a[rng.integers(0, len(a), (n_boot, len(a)))].mean(axis=1)
             - b[rng.integers(0, len(b), (n_boot, len(b)))].mean(axis=1))
    return (a - b).mean(), *quantiles(means, alpha)


def alpha_in_each_tail(a, b, n_boot, alpha, rng):
    d = a - b
    means = d[rng.integers(0, len(d), (n_boot, len(d)))].mean(axis=1)
    return d.mean(), *np.quantile(means, [alpha, 1 - alpha])


def quantiles_of_the_differences(a, b, n_boot, alpha, rng):
    d = a - b
    return d.mean(), *quantiles(d[rng.integers(0, len(d), (n_boot, len(d)))], alpha)


def sd_instead_of_standard_error(a, b, n_boot, alpha, rng):
    d = a - b
    means = d[rng.integers(0, len(d), (n_boot, len(d)))].mean(axis=1)
    return d.mean(), means.mean() - 1.96 * d.std(), means.mean() + 1.96 * d.std()


def normal_formula_no_resampling(a, b, n_boot, alpha, rng):
    d = a - b
    half = 1.96 * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half


def normal_approximation(a, b, n_boot, alpha, rng):
    """mean ± z · sd of the resampled mean differences: symmetric, so wrong on skewed differences."""
    d = a - b
    means = d[rng.integers(0, len(d), (n_boot, len(d)))].mean(axis=1)
    half = 1.959963984540054 * means.std()
    return d.mean(), d.mean() - half, d.mean() + half


def global_numpy_random(a, b, n_boot, alpha, rng):
    d = a - b
    return d.mean(), *quantiles(d[np.random.randint(0, len(d), (n_boot, len(d)))].mean(axis=1), alpha)


def own_seeded_generator(a, b, n_boot, alpha, rng):
    return paired_bootstrap_diff(a, b, n_boot, alpha, np.random.default_rng(0))


def b_minus_a(a, b, n_boot, alpha, rng):
    return paired_bootstrap_diff(b, a, n_boot, alpha, rng)


def low_mean_high(a, b, n_boot, alpha, rng):
    mean, low, high = paired_bootstrap_diff(a, b, n_boot, alpha, rng)
    return low, mean, high


def high_first(a, b, n_boot, alpha, rng):
    mean, low, high = paired_bootstrap_diff(a, b, n_boot, alpha, rng)
    return mean, high, low


def percentile_with_fractions(a, b, n_boot, alpha, rng):
    d = a - b
    means = d[rng.integers(0, len(d), (n_boot, len(d)))].mean(axis=1)
    return d.mean(), *np.percentile(means, [alpha / 2, 1 - alpha / 2])


def last_seed_never_drawn(a, b, n_boot, alpha, rng):
    d = a - b
    return d.mean(), *quantiles(d[rng.integers(0, len(d) - 1, (n_boot, len(d)))].mean(axis=1), alpha)


def without_replacement(a, b, n_boot, alpha, rng):
    d = a - b
    return d.mean(), *quantiles(np.array([rng.permutation(d).mean() for _ in range(n_boot)]), alpha)


def interval_only(a, b, n_boot, alpha, rng):
    return paired_bootstrap_diff(a, b, n_boot, alpha, rng)[1:]


def looped_with_choice(a, b, n_boot, alpha, rng):
    d = a - b
    means = [rng.choice(d, size=len(d), replace=True).mean() for _ in range(n_boot)]
    return float(d.mean()), *(float(v) for v in quantiles(means, alpha))


def same_indices_for_both_arms(a, b, n_boot, alpha, rng):
    rows = rng.integers(0, len(a), (n_boot, len(a)))
    return float((a - b).mean()), *quantiles(a[rows].mean(axis=1) - b[rows].mean(axis=1), alpha)


def indices_drawn_transposed(a, b, n_boot, alpha, rng):
    d = a - b
    return d.mean(), *quantiles(d[rng.integers(0, len(d), size=(len(d), n_boot)).T].mean(axis=1), alpha)


def test_does_the_reference_pass_q1():
    result = q1.check(paired_bootstrap_diff)
    assert result.status == "correct", result
    assert "held the true difference in" in result.message


# other correct ways of resampling pairs draw other numbers than the reference: they must pass
VALID["q1"] = [looped_with_choice, same_indices_for_both_arms, indices_drawn_transposed]


WRONG["q1"] = [
    (unpaired, "Resampling a and b independently gives about"),
    (alpha_in_each_tail, "put alpha / 2 in each tail"),
    (quantiles_of_the_differences, "it should halve"),
    (sd_instead_of_standard_error, "do not use their standard deviation as the half-width"),
    (normal_formula_no_resampling, "it does not resample at all"),
    (normal_approximation, "normal approximation"),
    (global_numpy_random, "not np.random"),
    (own_seeded_generator, "not from a generator made inside your function"),
    (b_minus_a, "that is b - a"),
    (low_mean_high, "put the mean difference first"),
    (high_first, "above high"),
    (percentile_with_fractions, "np.percentile percentages"),
    (last_seed_never_drawn, "Can every seed, the last one too"),
    (without_replacement, "width 0"),
    (interval_only, "returned 2 values; expected 3"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_does_an_answer_that_ignores_alpha_fail_q1():
    result = q1.check(lambda a, b, n_boot, alpha, rng: paired_bootstrap_diff(a, b, n_boot, 0.05, rng))
    assert result.status == "incorrect" and "the 80% paired percentile interval is about" in result.message


def test_does_the_coverage_band_take_the_reference():
    assert 0.83 <= _check_coverage(Guarded(paired_bootstrap_diff)) <= 0.93


@pytest.mark.parametrize("wrong, words", [
    (lambda a, b, n_boot, alpha, rng: paired_bootstrap_diff(a, b, n_boot, alpha / 100, rng), "held it 98%"),
    (lambda a, b, n_boot, alpha, rng: np.add(paired_bootstrap_diff(a, b, n_boot, alpha, rng), 0.5), "held it 14%"),
])
def test_does_the_coverage_band_refuse_far_too_wide_or_shifted_intervals(wrong, words):
    with pytest.raises(Incorrect, match=words):
        _check_coverage(Guarded(wrong))


@pytest.mark.parametrize("bad, words", [
    (None, "You passed None"),
    ("paired_bootstrap_diff", "expects your function itself"),
    (lambda a, b, n_boot, alpha, rng: (np.nan, 0.0, 1.0), "NaN"),
    (lambda a, b, n_boot, alpha, rng: (a - b).mean(), "expected three numbers"),
    (lambda a, b, n_boot, alpha, rng: "0.7, 0.4, 1.1", "expected three numbers"),
])
def test_does_bad_input_get_a_message_q1(bad, words):
    result = q1.check(bad)
    assert result.status == "incorrect" and words in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda a, b, n_boot, alpha, rng: a[len(a)])
    assert result.status == "error" and "IndexError" in result.message


def test_is_an_endless_loop_stopped_with_a_message():
    def endless(a, b, n_boot, alpha, rng):
        while True:
            pass

    quick = Question(check_paired_bootstrap_diff, name="q1", notebook="12-rigorous-experiments", time_limit=0.3)
    start = time.perf_counter()
    result = quick.evaluate(endless)
    assert result.status == "error" and "still running after 0.3 s" in result.message
    assert time.perf_counter() - start < 5


# --- q2: seeds_needed ----------------------------------------------------------------------

def formula(delta, sigma, power, alpha):
    return ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * sigma / delta) ** 2


def not_rounded(delta, sigma, power, alpha):
    return formula(delta, sigma, power, alpha)


def rounded_down(delta, sigma, power, alpha):
    return int(formula(delta, sigma, power, alpha))


def rounded_to_nearest(delta, sigma, power, alpha):
    return round(formula(delta, sigma, power, alpha))


def one_sided(delta, sigma, power, alpha):
    return math.ceil(((norm.ppf(1 - alpha) + norm.ppf(power)) * sigma / delta) ** 2)


def power_left_out(delta, sigma, power, alpha):
    return math.ceil((norm.ppf(1 - alpha / 2) * sigma / delta) ** 2)


def one_minus_power(delta, sigma, power, alpha):
    return math.ceil(((norm.ppf(1 - alpha / 2) + norm.ppf(1 - power)) * sigma / delta) ** 2)


def lower_tail_point(delta, sigma, power, alpha):
    return math.ceil(((norm.ppf(alpha / 2) + norm.ppf(power)) * sigma / delta) ** 2)


def two_independent_groups(delta, sigma, power, alpha):
    return math.ceil(2 * formula(delta, sigma, power, alpha))


def not_squared(delta, sigma, power, alpha):
    return math.ceil(math.sqrt(formula(delta, sigma, power, alpha)))


def delta_and_sigma_swapped(delta, sigma, power, alpha):
    return math.ceil(formula(sigma, delta, power, alpha))


def fixed_numbers(delta, sigma, power, alpha):
    return math.ceil(((1.96 + 0.84) * sigma / delta) ** 2)


def t_distribution_search(delta, sigma, power, alpha):
    n = 2
    while stats.nct.sf(stats.t.ppf(1 - alpha / 2, n - 1), n - 1, delta * math.sqrt(n) / sigma) < power:
        n += 1
    return n


def numpy_ceil(delta, sigma, power, alpha):
    return np.ceil(formula(delta, sigma, power, alpha))


def test_does_the_reference_pass_q2():
    assert q2.check(seeds_needed).status == "correct"


def counts_up_until_the_power_is_reached(delta, sigma, power, alpha):
    """The smallest n whose z-test power (ignoring the far tail) reaches `power`: the formula, by search."""
    n = 1
    while norm.cdf(delta * math.sqrt(n) / sigma - norm.ppf(1 - alpha / 2)) < power:
        n += 1
    return n


VALID["q2"] = [numpy_ceil, counts_up_until_the_power_is_reached]


def test_are_the_plans_far_from_whole_numbers_before_rounding():
    """A plan whose formula lands on a whole number could not tell rounding up from rounding down."""
    assert all(0.05 < formula(*plan) % 1 < 0.95 for plan in PLANS)


@pytest.mark.parametrize("plan", PLANS)
def test_is_the_formula_within_a_seed_of_a_simulation(plan):
    """With sigma known (a z-test) the formula's n reaches the power, and two seeds fewer do not."""
    delta, sigma, power, alpha = plan
    n, rng = seeds_needed(*plan), np.random.default_rng(0)

    def simulated(seeds):
        means = rng.normal(delta, sigma / math.sqrt(seeds), 200_000)
        return (np.abs(means) / (sigma / math.sqrt(seeds)) > norm.ppf(1 - alpha / 2)).mean()

    assert simulated(n) >= power - 0.01
    if n > 2:
        assert simulated(n - 2) < power


WRONG["q2"] = [
    (not_rounded, "not a whole number"),
    (rounded_down, "the formula rounded down"),
    (rounded_to_nearest, "rounded to the nearest whole number"),
    (one_sided, "the point of a one-sided test"),
    (power_left_out, "it leaves out norm.ppf(power)"),
    (one_minus_power, "it subtracts the power term"),
    (lower_tail_point, "norm.ppf(alpha / 2) is the lower tail point"),
    (two_independent_groups, "as for two independent groups"),
    (not_squared, "it is not squared"),
    (delta_and_sigma_swapped, "delta and sigma are swapped"),
    (fixed_numbers, "it uses the fixed numbers 1.96 and 0.84"),
    (t_distribution_search, "this task asks for the normal approximation"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


@pytest.mark.parametrize("bad, words", [
    (None, "You passed None"),
    ("seeds_needed", "expects your function itself"),
    (lambda delta, sigma, power, alpha: float("nan"), "returned nan, not a finite number"),
    (lambda delta, sigma, power, alpha: "12", "expected a whole number of seeds"),
    (lambda delta, sigma, power, alpha: True, "expected a whole number of seeds"),
    (lambda delta, sigma, power, alpha: [12, 13], "returned 2 values"),
])
def test_does_bad_input_get_a_message_q2(bad, words):
    result = q2.check(bad)
    assert result.status == "incorrect" and words in result.message


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda delta, sigma, power, alpha: math.ceil(sigma / (delta - delta)))
    assert result.status == "error" and "ZeroDivisionError" in result.message

