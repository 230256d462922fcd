"""Checks for exercises/03-probability-and-statistics.ipynb: Bayes' rule, maximum likelihood, the bootstrap.

q1  posterior_positive(prevalence, sensitivity, specificity): P(disease | positive test)
q2  gaussian_mle(x): the maximum-likelihood (mu, sigma) of a normal distribution
q3  bootstrap_ci(x, B, alpha, rng): a percentile bootstrap interval for the mean
"""
from __future__ import annotations

import inspect

import numpy as np

from course.checks import Incorrect, Question, expect_array, expect_type

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


def _number(got, call, what):
    """Return `got` as a float, or say why it is not one number."""
    if isinstance(got, (str, bytes)):
        raise Incorrect(f"`{call}` returned the text {got!r}; expected one number ({what}).")
    arr = expect_array(got, call, kind="f")
    if arr.size != 1:
        raise Incorrect(f"`{call}` returned {arr.size} values; expected one number ({what}).")
    return float(arr.reshape(()))


def _pair(got, call, what):
    """Return `got` as two floats, or say why it is not a pair of numbers."""
    expect_type(got, (tuple, list, np.ndarray), call, f"a pair {what}")
    arr = expect_array(got, call, kind="f")
    if arr.shape != (2,):
        raise Incorrect(f"`{call}` returned {arr.size} values; expected a pair {what}.")
    return float(arr[0]), float(arr[1])


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
        got = _number(fn(*case), fn.last_call, "a probability")
        expected = posterior_positive(*case)
        if abs(got - expected) <= 1e-6 * expected:
            continue
        for slip, meaning in BAYES_SLIPS:
            if abs(got - slip(*case)) <= 1e-9:
                raise Incorrect(f"`{fn.last_call}` returned {got:.4f}; expected {expected:.4f}: {meaning}")
        raise Incorrect(f"`{fn.last_call}` returned {got:.4f}; expected {expected:.4f}. P(disease | positive) "
                        "= P(positive and ill) / (P(positive and ill) + P(positive and healthy)).")
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
        mu_got, sigma_got = _pair(fn(x.copy()), fn.last_call, "(mu, sigma)")
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
    low, high = _pair(fn(x.copy(), B, alpha, np.random.default_rng(seed)), plain, "(low, high)")
    if low > high:
        raise Incorrect(f"{call} returned ({low:.4f}, {high:.4f}): low is above high. "
                        "Return (low, high), the lower end first.")
    return low, high, call


def _check_basics(fn):
    """The interval has a width, holds the sample mean, and depends on rng and only on rng."""
    x = np.random.default_rng(10).normal(5.0, 2.0, 40)
    low, high, call = first = _interval(fn, x, 1000, 0.05, 1)
    if high - low < 1e-9:
        raise Incorrect(f"{call} returned an interval of width 0, [{low:.4f}, {high:.4f}]. Are your resamples "
                        "drawn with replacement? Without it every resample is a reordering of x, with the same mean.")
    if not low <= x.mean() <= high:
        raise Incorrect(f"{call} returned [{low:.4f}, {high:.4f}], which misses the sample mean {x.mean():.4f}. "
                        "Take quantiles of the resample means (np.quantile expects fractions such as 0.025, "
                        "np.percentile percentages such as 2.5).")
    if _interval(fn, x, 1000, 0.05, 1) != first:
        raise Incorrect(f"{call} gave a different interval when called again with a generator seeded alike. "
                        "Draw every random number from `rng` (rng.integers or rng.choice), not np.random.")
    if _interval(fn, x, 1000, 0.05, 2)[:2] == first[:2]:
        raise Incorrect(f"{call} gave the same interval with generators seeded 1 and 2. Draw the resamples "
                        "from the `rng` you are given (not a generator made inside your function).")
    low, high, call = _interval(fn, np.array([1.0] * 9 + [11.0]), 2000, 0.05, 3)
    if not low <= 2.0 <= high:
        raise Incorrect(f"{call}, x being nine 1s and then one 11, returned [{low:.2f}, {high:.2f}], which "
                        "misses the mean 2.0. Can every value of x, the last one too, appear in a resample?")


def _check_width(fn):
    """Quadrupling n (same values, four copies) should halve the width, as the standard error does."""
    x = np.random.default_rng(11).normal(0.0, 1.0, 50)
    (low, high, _), (low4, high4, _) = (_interval(fn, values, 2000, 0.05, 4) for values in (x, np.tile(x, 4)))
    ratio = (high4 - low4) / (high - low)
    if not 0.4 < ratio < 0.6:
        raise Incorrect(f"With 4 times as many values (x repeated 4 times) the width of your interval went from "
                        f"{high - low:.3f} to {high4 - low4:.3f} (ratio {ratio:.2f}); it should halve, as the "
                        "standard error sigma / sqrt(n) does. Take quantiles of the resample *means*, not of values.")


def _check_ends(fn):
    """Each end matches a long reference run within 0.2 standard errors, for two levels."""
    x = np.random.default_rng(12).normal(0.0, 1.0, 400)
    se = x.std() / np.sqrt(len(x))
    for alpha in (0.05, 0.2):
        *got, call = _interval(fn, x, 4000, alpha, 5)
        expected = np.array(bootstrap_ci(x, 20_000, alpha, np.random.default_rng(6)))
        if np.all(np.abs(np.subtract(got, expected)) < 0.2 * se):
            continue
        # the reference at 2 * alpha recognises quantiles taken at alpha instead of alpha / 2
        doubled = np.array(bootstrap_ci(x, 20_000, 2 * alpha, np.random.default_rng(6)))
        tails = (" That is the interval for level 1 - 2 alpha: put alpha / 2 in each tail."
                 if np.all(np.abs(np.subtract(got, doubled)) < 0.2 * se) else "")
        raise Incorrect(f"{call} returned [{got[0]:.4f}, {got[1]:.4f}]; the {1 - alpha:.0%} percentile interval "
                        f"is about [{expected[0]:.4f}, {expected[1]:.4f}].{tails}")


def _check_coverage(fn, trials=200, n=30):
    """90% intervals from samples of 30 normal values hold the true mean about 90% of the time."""
    rng = np.random.default_rng(13)
    hits = sum(low <= 3.0 <= high for low, high, _ in
               (_interval(fn, rng.normal(3.0, 2.0, n), 500, 0.1, 100 + seed) for seed in range(trials)))
    if not 0.78 <= hits / trials <= 0.97:
        raise Incorrect(f"On {trials} samples of {n} values from a normal distribution with mean 3, your 90% "
                        f"intervals held the mean {hits / trials:.0%} of the time; expected about 88-90%.")
    return hits / trials


def check_bootstrap_ci(fn):
    _check_basics(fn)
    _check_width(fn)
    _check_ends(fn)
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
