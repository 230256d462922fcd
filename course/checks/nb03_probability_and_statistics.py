"""Checks for exercises/03-probability-and-statistics.ipynb: Bayes' rule, maximum likelihood, the bootstrap.

q1  posterior_positive(prevalence, sensitivity, specificity): P(disease | positive test)
q2  gaussian_mle(x): the maximum-likelihood (mu, sigma) of a normal distribution
q3  bootstrap_ci(x, B, alpha, rng): a percentile bootstrap interval for the mean
"""
from __future__ import annotations

import inspect

import numpy as np

from course.checks import Incorrect, Question, expect_number, expect_numbers
from course.checks.expect import digits, gap
from course.checks.intervals import Bootstrap, expect_coverage

NOTEBOOK = "03-probability-and-statistics"


def posterior_positive(prevalence, sensitivity, specificity):
    """Return P(disease | positive) for a test with these rates."""
    true_pos = sensitivity * prevalence
    false_pos = (1 - specificity) * (1 - prevalence)
    return true_pos / (true_pos + false_pos)


def gaussian_mle(x):
    """Return the maximum-likelihood (mu, sigma) of a normal distribution fitted to x."""
    mu = np.mean(x)
    sigma = np.sqrt(np.mean((x - mu) ** 2))
    return float(mu), float(sigma)


def bootstrap_ci(x, B, alpha, rng):
    """Return the percentile bootstrap interval (low, high) for the mean of x at level 1 - alpha."""
    resamples = rng.integers(0, len(x), size=(B, len(x)))
    means = x[resamples].mean(axis=1)
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


# --- q1 ------------------------------------------------------------------------------------

SCREENINGS = [(0.01, 0.99, 0.95), (0.2, 0.7, 0.6), (0.001, 0.9, 0.99), (0.5, 0.8, 0.9), (0.05, 1.0, 0.75)]

# Likely slips, each as (formula, what it means); tried in this order when an answer is wrong.
BAYES_SLIPS = [
    (lambda p, se, sp: se, "that is the sensitivity, P(positive | disease): the question turned around. "
                           "P(disease | positive) also depends on how many healthy people test positive."),
    (lambda p, se, sp: se * p, "that is P(disease and positive): divide it by P(positive), "
                               "the share of everybody who tests positive."),
    (lambda p, se, sp: se / (se + 1 - sp), "it ignores the prevalence (base-rate neglect): weight the ill "
                                           "by `prevalence` and the healthy by `1 - prevalence`."),
    (lambda p, se, sp: se * p / (se * p + sp * (1 - p)), "healthy people test positive with probability "
                                                         "`1 - specificity`, not `specificity`."),
    (lambda p, se, sp: se * p / (se * p + 1 - sp), "the false positives come only from the healthy: "
                                                   "multiply `1 - specificity` by `1 - prevalence`."),
    (lambda p, se, sp: se * p / (se * p + (1 - se) * (1 - p)),
     "`1 - sensitivity` is the rate of false negatives; false positives happen at `1 - specificity`."),
]


def check_posterior_positive(fn):
    for case in SCREENINGS:
        got = expect_number(fn(*case), fn.last_call, "one number (a probability)")
        expected = posterior_positive(*case)
        if abs(got - expected) <= 1e-6 * expected:
            continue
        for slip, meaning in BAYES_SLIPS:
            if abs(got - slip(*case)) <= 1e-9:
                raise Incorrect(f"`{fn.last_call}` returned {got:.4f}; expected {expected:.4f}: {meaning}")
        shown, wanted = digits(got, expected)
        raise Incorrect(f"`{fn.last_call}` returned {shown}; expected {wanted}." + (gap(got, expected) or (
                        " P(disease | positive) = P(positive and ill) / (P(positive and ill) + P(positive and "
                        "healthy)).")))
    return f"Right on {len(SCREENINGS)} tests, including 0.167 for 1% prevalence, 99% sensitivity, 95% specificity."


# --- q2 ------------------------------------------------------------------------------------

def _gaussian_samples():
    yield np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    rng = np.random.default_rng(3)
    yield rng.normal(10.0, 3.0, 5)
    yield rng.exponential(2.0, 40) - 1.0
    yield rng.normal(-2.0, 0.5, 500)


def _log_likelihood(x, mu, sigma):
    return float(np.sum(-0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)))


def _sigma_slip(got, sigma, n):
    """Name a likely mistake in sigma, or return ''."""
    if np.isclose(got, sigma * np.sqrt(n / (n - 1)), rtol=1e-6):
        return ("You divided by n - 1. That is the unbiased estimate of the variance; the likelihood "
                "is largest when you divide by n.")
    if np.isclose(got, sigma**2, rtol=1e-6):
        return "That is the variance, sigma squared; return its square root, sigma."
    return ""


def check_gaussian_mle(fn):
    for x in _gaussian_samples():
        mu_got, sigma_got = expect_numbers(fn(x.copy()), 2, fn.last_call, "(mu, sigma)")
        call, (mu, sigma) = fn.last_call, gaussian_mle(x)
        if not np.isclose(mu_got, mu, rtol=1e-6, atol=1e-9):
            raise Incorrect(f"`{call}` returned mu = {mu_got:.4f}; the likelihood is largest at the sample mean, "
                            f"{mu:.4f}.")
        if sigma_got <= 0:
            raise Incorrect(f"`{call}` returned sigma = {sigma_got:.4g}; a standard deviation is positive.")
        if not np.isclose(sigma_got, sigma, rtol=1e-6):
            slip = _sigma_slip(sigma_got, sigma, len(x))
            raise Incorrect(f"`{call}` returned sigma = {sigma_got:.4f}; expected {sigma:.4f}. " + (slip or (
                f"The log-likelihood at your sigma is {_log_likelihood(x, mu, sigma_got):.3f}, lower than "
                f"{_log_likelihood(x, mu, sigma):.3f} at sigma = sqrt(mean((x - mu) ** 2)).")))
    return "Right on 4 samples, from 5 to 500 values: (mean, standard deviation dividing by n)."


# --- q3 ------------------------------------------------------------------------------------

def _interval(fn, x, B, alpha, seed):
    """Call fn with a fresh generator; return (low, high) and the call, written so a learner can rerun it."""
    plain = f"{fn.__name__}(x, B={B}, alpha={alpha}, rng=np.random.default_rng({seed}))"
    call = f"`{plain}` (x: {len(x)} values)"
    low, high = expect_numbers(fn(x.copy(), B, alpha, np.random.default_rng(seed)), 2, plain, "(low, high)")
    if low > high:
        raise Incorrect(f"{call} returned ({low:.4f}, {high:.4f}): low is above high. "
                        "Return (low, high), the lower end first.")
    return low, high, call


def _task(fn) -> Bootstrap:
    """The shared bootstrap checks, told how to call fn on a sample (x,) and what it resamples."""
    return Bootstrap(draw=lambda sample, B, alpha, seed: _interval(fn, sample[0], B, alpha, seed),
                     values=lambda sample: sample[0],
                     reference=lambda sample, B, alpha, rng: bootstrap_ci(sample[0], B, alpha, rng),
                     unit="value of x", units="values of x", repeated="values (x repeated 4 times)",
                     resampled="values", estimate="the sample mean", kind="percentile")


def _check_coverage(fn, trials=200, n=30):
    """90% intervals from samples of 30 normal values hold the true mean about 90% of the time."""
    rng = np.random.default_rng(13)
    experiments = [((rng.normal(3.0, 2.0, n),), 100 + seed) for seed in range(trials)]
    return expect_coverage(_task(fn).coverage(experiments, 3.0), (0.78, 0.97), trials,
                           f"samples of {n} values from a normal distribution with mean 3", "the mean", "88-90%")


def check_bootstrap_ci(fn):
    task = _task(fn)
    x = np.random.default_rng(10).normal(5.0, 2.0, 40)
    first = _interval(fn, x, 1000, 0.05, 1)
    task.expect_width_and_mean(first, x.mean())
    task.expect_rng((x,), 1000, first)
    task.expect_every_unit((np.array([1.0] * 9 + [11.0]),), "x being nine 1s and then one 11")
    task.expect_halving((np.random.default_rng(11).normal(0.0, 1.0, 50),), seed=4)
    task.expect_skewed((np.array([1.0] * 9 + [11.0]),), "x being nine 1s and then one 11")
    task.expect_ends((np.random.default_rng(12).normal(0.0, 1.0, 400),), seed=5, reference_seed=6)
    coverage = _check_coverage(fn)
    return (f"Deterministic given rng, halves in width when n quadruples, matches the percentile interval, and "
            f"its 90% intervals held the true mean in {coverage:.0%} of 200 simulated experiments.")


q1 = Question(
    check_posterior_positive,
    hints=[
        "Think of 1000 people: `1000 * prevalence` are ill, and a share `sensitivity` of them test positive; "
        "the other `1000 * (1 - prevalence)` are healthy, and a share `1 - specificity` of them test positive.",
        "P(disease | positive) = (ill people who test positive) / (everybody who tests positive).",
        "`true_pos = sensitivity * prevalence`, `false_pos = (1 - specificity) * (1 - prevalence)`; "
        "return `true_pos / (true_pos + false_pos)`.",
    ],
    solution=inspect.getsource(posterior_positive), name="q1", notebook=NOTEBOOK,
)

q2 = Question(
    check_gaussian_mle,
    hints=[
        "Setting the derivative of the log-likelihood to zero gives mu = the mean of x.",
        "For sigma, the derivative gives sigma squared = the mean of (x - mu) ** 2: divide by n, not n - 1.",
        "`np.mean(x)` and `np.std(x)` (whose default, ddof=0, divides by n) are exactly the two answers.",
    ],
    solution=inspect.getsource(gaussian_mle), name="q2", notebook=NOTEBOOK,
)

q3 = Question(
    check_bootstrap_ci,
    hints=[
        "`rng.integers(0, len(x), size=(B, len(x)))` draws B rows of indices with replacement; `x[indices]` "
        "turns them into B resamples, one per row.",
        "Take the mean of each row (`axis=1`): that gives B bootstrap means.",
        "The interval's ends are the quantiles `alpha / 2` and `1 - alpha / 2` of those means: "
        "`np.quantile(means, [alpha / 2, 1 - alpha / 2])`.",
    ],
    solution=inspect.getsource(bootstrap_ci), name="q3", notebook=NOTEBOOK,
)
