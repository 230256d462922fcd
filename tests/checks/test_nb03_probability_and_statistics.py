"""Do the lesson 03 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import time

import numpy as np
import pytest

from course.checks import Guarded, Incorrect, Question
from course.checks.nb03_probability_and_statistics import (
    _check_coverage,
    bootstrap_ci,
    check_bootstrap_ci,
    gaussian_mle,
    posterior_positive,
    q1,
    q2,
    q3,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: posterior_positive ------------------------------------------------------------

def returns_sensitivity(prevalence, sensitivity, specificity):
    return sensitivity


def joint_not_conditional(prevalence, sensitivity, specificity):
    return sensitivity * prevalence


def base_rate_neglect(prevalence, sensitivity, specificity):
    return sensitivity / (sensitivity + (1 - specificity))


def specificity_not_complemented(prevalence, sensitivity, specificity):
    true_pos = sensitivity * prevalence
    return true_pos / (true_pos + specificity * (1 - prevalence))


def false_positives_not_weighted(prevalence, sensitivity, specificity):
    true_pos = sensitivity * prevalence
    return true_pos / (true_pos + (1 - specificity))


def false_negative_rate_instead(prevalence, sensitivity, specificity):
    true_pos = sensitivity * prevalence
    return true_pos / (true_pos + (1 - sensitivity) * (1 - prevalence))


def as_percent(prevalence, sensitivity, specificity):
    return 100 * posterior_positive(prevalence, sensitivity, specificity)


def rounded_to_4(prevalence, sensitivity, specificity):
    return round(posterior_positive(prevalence, sensitivity, specificity), 4)


def odds_form(prevalence, sensitivity, specificity):
    """Posterior odds = prior odds times the likelihood ratio, then back to a probability."""
    odds = prevalence / (1 - prevalence) * sensitivity / (1 - specificity)
    return odds / (1 + odds)


def from_counts_of_10000_people(prevalence, sensitivity, specificity):
    sick = 10_000 * prevalence
    true_positives, false_positives = sick * sensitivity, (10_000 - sick) * (1 - specificity)
    return true_positives / (true_positives + false_positives)


VALID["q1"] = [odds_form, from_counts_of_10000_people]


def test_does_the_reference_pass_q1():
    assert q1.check(posterior_positive).status == "correct"


def test_is_the_lessons_number_right():
    assert posterior_positive(0.01, 0.99, 0.95) == pytest.approx(0.0099 / 0.0594)


WRONG["q1"] = [
    (returns_sensitivity, "that is the sensitivity"),
    (joint_not_conditional, "that is P(disease and positive)"),
    (base_rate_neglect, "it ignores the prevalence (base-rate neglect)"),
    (specificity_not_complemented, "with probability `1 - specificity`, not `specificity`"),
    (false_positives_not_weighted, "multiply `1 - specificity` by `1 - prevalence`"),
    (false_negative_rate_instead, "`1 - sensitivity` is the rate of false negatives"),
    (as_percent, "a percentage where a fraction between 0 and 1 belongs"),
    (rounded_to_4, "rounded to 4 decimals"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


@pytest.mark.parametrize("bad, words", [
    (None, "You passed None"),
    ("posterior_positive", "expects your function itself"),
    (lambda p, se, sp: float("nan"), "returned nan, not a finite number"),
    (lambda p, se, sp: "0.17", "returned '0.17'; expected one number"),
    (lambda p, se, sp: [0.1, 0.2], "returned 2 values; expected one number"),
])
def test_does_bad_input_get_a_message_q1(bad, words):
    result = q1.check(bad)
    assert result.status == "incorrect" and words in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda p, se, sp: se / 0)
    assert result.status == "error" and "ZeroDivisionError" in result.message


# --- q2: gaussian_mle ------------------------------------------------------------------

def divides_by_n_minus_1(x):
    return float(np.mean(x)), float(np.std(x, ddof=1))


def returns_variance(x):
    return float(np.mean(x)), float(np.var(x))


def median_for_mu(x):
    return float(np.median(x)), float(np.std(x))


def mean_absolute_deviation(x):
    return float(np.mean(x)), float(np.mean(np.abs(x - np.mean(x))))


def sigma_first(x):
    return float(np.std(x)), float(np.mean(x))


def root_mean_square_deviation(x):
    mu = sum(x) / len(x)
    return mu, (sum((v - mu) ** 2 for v in x) / len(x)) ** 0.5


def with_the_statistics_module(x):
    import statistics
    return statistics.fmean(x), statistics.pstdev(x)


VALID["q2"] = [root_mean_square_deviation, with_the_statistics_module]


def test_does_the_reference_pass_q2():
    assert q2.check(gaussian_mle).status == "correct"


def test_does_the_reference_maximise_the_likelihood():
    x = np.random.default_rng(0).normal(1.0, 2.0, 30)
    mu, sigma = gaussian_mle(x)

    def log_lik(m, s):
        return np.sum(-0.5 * ((x - m) / s) ** 2 - np.log(s))

    assert all(log_lik(mu, sigma) > log_lik(mu + dm, sigma * ds) for dm in (-0.01, 0.01) for ds in (0.99, 1.01))


WRONG["q2"] = [
    (divides_by_n_minus_1, "You divided by n - 1"),
    (returns_variance, "That is the variance, sigma squared"),
    (median_for_mu, "the likelihood is largest at the sample mean, 5.0000"),
    (mean_absolute_deviation, "The log-likelihood at your sigma is -17.706, lower than -16.897"),
    (sigma_first, "returned mu = 2.0000"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


@pytest.mark.parametrize("bad, words", [
    (lambda x: np.mean(x), "expected a pair (mu, sigma)"),
    (lambda x: (np.mean(x), np.nan), "NaN"),
    (lambda x: (np.mean(x), -np.std(x)), "a standard deviation is positive"),
    (lambda x: ("5", "2"), "expected numbers"),
])
def test_does_bad_input_get_a_message_q2(bad, words):
    result = q2.check(bad)
    assert result.status == "incorrect" and words in result.message


# --- q3: bootstrap_ci ------------------------------------------------------------------

def without_replacement(x, B, alpha, rng):
    means = np.array([rng.permutation(x).mean() for _ in range(B)])
    return tuple(np.quantile(means, [alpha / 2, 1 - alpha / 2]))


def alpha_in_each_tail(x, B, alpha, rng):
    means = x[rng.integers(0, len(x), size=(B, len(x)))].mean(axis=1)
    return tuple(np.quantile(means, [alpha, 1 - alpha]))


def quantiles_of_the_values(x, B, alpha, rng):
    resamples = x[rng.integers(0, len(x), size=(B, len(x)))]
    return tuple(np.quantile(resamples, [alpha / 2, 1 - alpha / 2]))


def standard_deviation_not_error(x, B, alpha, rng):
    means = x[rng.integers(0, len(x), size=(B, len(x)))].mean(axis=1)
    spread = 1.96 * x.std()
    return means.mean() - spread, means.mean() + spread


def global_numpy_random(x, B, alpha, rng):
    means = np.random.choice(x, size=(B, len(x))).mean(axis=1)
    return tuple(np.quantile(means, [alpha / 2, 1 - alpha / 2]))


def own_seeded_generator(x, B, alpha, rng):
    return bootstrap_ci(x, B, alpha, np.random.default_rng(0))


def percentile_with_fractions(x, B, alpha, rng):
    means = x[rng.integers(0, len(x), size=(B, len(x)))].mean(axis=1)
    return tuple(np.percentile(means, [alpha / 2, 1 - alpha / 2]))


def last_value_never_drawn(x, B, alpha, rng):
    means = x[rng.integers(0, len(x) - 1, size=(B, len(x)))].mean(axis=1)
    return tuple(np.quantile(means, [alpha / 2, 1 - alpha / 2]))


def high_first(x, B, alpha, rng):
    low, high = bootstrap_ci(x, B, alpha, rng)
    return high, low


def normal_formula_no_resampling(x, B, alpha, rng):
    half = 1.96 * x.std() / np.sqrt(len(x))
    return x.mean() - half, x.mean() + half


def normal_approximation(x, B, alpha, rng):
    """mean ± z · sd of the resampled means: right for symmetric data, wrong on skewed data."""
    means = x[rng.integers(0, len(x), size=(B, len(x)))].mean(axis=1)
    half = 1.959963984540054 * means.std()
    return means.mean() - half, means.mean() + half


def basic_bootstrap(x, B, alpha, rng):
    """2 · mean - quantiles: the 'basic' bootstrap interval, reflected about the mean."""
    means = x[rng.integers(0, len(x), size=(B, len(x)))].mean(axis=1)
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return 2 * x.mean() - high, 2 * x.mean() - low


def looped_with_choice(x, B, alpha, rng):
    means = [rng.choice(x, size=len(x), replace=True).mean() for _ in range(B)]
    return tuple(np.quantile(means, [alpha / 2, 1 - alpha / 2]))


def test_does_the_reference_pass_q3():
    result = q3.check(bootstrap_ci)
    assert result.status == "correct", result
    assert "held the true mean in" in result.message


def percentile_in_percent(x, B, alpha, rng):
    means = np.array([x[rng.integers(0, len(x), len(x))].mean() for _ in range(B)])
    return np.percentile(means, 100 * alpha / 2), np.percentile(means, 100 * (1 - alpha / 2))


# a loop over rng.choice draws other resamples than the reference: it must still pass
VALID["q3"] = [looped_with_choice, percentile_in_percent]


WRONG["q3"] = [
    (without_replacement, "width 0"),
    (alpha_in_each_tail, "put alpha / 2 in each tail"),
    (quantiles_of_the_values, "it should halve"),
    (standard_deviation_not_error, "it should halve"),
    (global_numpy_random, "not np.random"),
    (own_seeded_generator, "not from a generator made inside your function"),
    (normal_formula_no_resampling, "it does not resample at all"),
    (normal_approximation, "normal approximation"),
    (basic_bootstrap, "basic bootstrap"),
    (percentile_with_fractions, "misses the sample mean"),
    (last_value_never_drawn, "Can every value of x, the last one too"),
    (high_first, "low is above high"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q3"])
def test_does_each_realistic_mistake_fail_q3_with_its_reason(wrong, words):
    result = q3.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_does_an_answer_that_ignores_alpha_fail_q3():
    result = q3.check(lambda x, B, alpha, rng: bootstrap_ci(x, B, 0.05, rng))
    assert result.status == "incorrect" and "the 80% percentile interval is about" in result.message


def test_does_the_coverage_band_take_the_reference():
    assert 0.78 <= _check_coverage(Guarded(bootstrap_ci)) <= 0.97


@pytest.mark.parametrize("wrong, words", [
    (lambda x, B, alpha, rng: bootstrap_ci(x, B, alpha / 100, rng), "held the mean 99% of the time"),
    (lambda x, B, alpha, rng: tuple(np.add(bootstrap_ci(x, B, alpha, rng), 1.0)), "held the mean 1"),
])
def test_does_the_coverage_band_refuse_far_too_wide_or_shifted_intervals(wrong, words):
    with pytest.raises(Incorrect, match=words):
        _check_coverage(Guarded(wrong))


@pytest.mark.parametrize("bad, words", [
    (None, "You passed None"),
    ("bootstrap_ci", "expects your function itself"),
    (lambda x, B, alpha, rng: (np.nan, 1.0), "NaN"),
    (lambda x, B, alpha, rng: x.mean(), "expected a pair (low, high)"),
    (lambda x, B, alpha, rng: (0.0, 1.0, 2.0), "returned 3 values"),
])
def test_does_bad_input_get_a_message_q3(bad, words):
    result = q3.check(bad)
    assert result.status == "incorrect" and words in result.message


def test_is_a_crash_in_learner_code_reported_q3():
    result = q3.check(lambda x, B, alpha, rng: rng.integers(0, len(x), size=(B, len(x)))[B])
    assert result.status == "error" and "IndexError" in result.message


def test_is_an_endless_loop_stopped_with_a_message():
    def endless(x, B, alpha, rng):
        while True:
            pass

    quick = Question(check_bootstrap_ci, name="q3", notebook="03-probability-and-statistics", time_limit=0.3)
    start = time.perf_counter()
    result = quick.evaluate(endless)
    assert result.status == "error" and "still running after 0.3 s" in result.message
    assert time.perf_counter() - start < 5


def test_does_a_rounded_answer_fail_q1_saying_rounding_is_the_difference():
    """It used to read "returned 0.1667; expected 0.1667"."""
    result = q1.check(rounded_to_4)
    assert result.status == "incorrect"
    assert "rounded to 4 decimals" in result.message and "0.1667; expected 0.1667;" not in result.message

