"""Checks for exercises/12-rigorous-experiments.ipynb: a paired bootstrap interval, and seeds for a given power.

q1  paired_bootstrap_diff(a, b, n_boot, alpha, rng): (mean of a - b, low, high), resampling pairs
q2  seeds_needed(delta, sigma, power, alpha): seeds for a paired comparison, normal approximation
"""
from __future__ import annotations

import inspect
import math

import numpy as np
from scipy.stats import norm

from course.checks import Incorrect, Question, expect_count, expect_numbers
from course.checks.intervals import Bootstrap, expect_coverage

NOTEBOOK = "12-rigorous-experiments"


def paired_bootstrap_diff(a, b, n_boot, alpha, rng):
    """Return (mean of a - b, low, high): a percentile bootstrap interval that resamples pairs."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    rows = rng.integers(0, len(diff), size=(n_boot, len(diff)))
    means = diff[rows].mean(axis=1)
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(diff.mean()), float(low), float(high)


def seeds_needed(delta, sigma, power, alpha):
    """Return the seeds a paired comparison needs to detect `delta` with `power` (normal approximation)."""
    z_alpha = norm.ppf(1 - alpha / 2)
    z_power = norm.ppf(power)
    return math.ceil(((z_alpha + z_power) * sigma / delta) ** 2)


# --- q1 ------------------------------------------------------------------------------------

def _pairs(n, effect=0.5, shared=3.0, own=0.4, seed=0):
    """Synthetic accuracies of two arms over n seeds: much luck shared by a seed's two runs, a little of their own."""
    rng = np.random.default_rng(seed)
    luck = rng.normal(0.0, shared, n)
    return 95.0 + effect + luck + rng.normal(0.0, own, n), 95.0 + luck + rng.normal(0.0, own, n)


def _triple(fn, a, b, n_boot, alpha, seed):
    """Call fn with a fresh generator; return (mean, low, high) and the call, written so a learner can rerun it."""
    plain = f"{fn.__name__}(a, b, n_boot={n_boot}, alpha={alpha}, rng=np.random.default_rng({seed}))"
    call = f"`{plain}` (a, b: {len(a)} seeds each)"
    got = fn(a.copy(), b.copy(), n_boot, alpha, np.random.default_rng(seed))
    mean, low, high = expect_numbers(got, 3, plain, "(mean difference, low, high)")
    if low > high:
        raise Incorrect(f"{call} returned low {low:.4f} above high {high:.4f}. Return (mean, low, high) in that order.")
    return mean, low, high, call


def _task(fn) -> Bootstrap:
    """The shared bootstrap checks, told how to call fn on a sample (a, b) and what it resamples."""
    return Bootstrap(draw=lambda sample, B, alpha, seed: _triple(fn, *sample, B, alpha, seed)[1:],
                     values=lambda sample: sample[0] - sample[1],
                     reference=lambda sample, B, alpha, rng: paired_bootstrap_diff(*sample, B, alpha, rng)[1:],
                     unit="seed", units="seeds", repeated="seeds (the same pairs repeated 4 times)",
                     resampled="differences", estimate="the mean difference", kind="paired percentile")


def _check_mean_and_order(fn):
    """The first value is mean(a - b), and the interval has a width and holds it."""
    a = np.array([96.1, 95.8, 97.0, 96.4, 95.9, 96.6])
    b = np.array([95.2, 95.5, 96.1, 95.0, 95.7, 96.3])
    mean, low, high, call = _triple(fn, a, b, 2000, 0.05, 1)
    expected = float((a - b).mean())
    if not np.isclose(mean, expected, rtol=1e-9, atol=1e-9):
        if np.isclose(mean, -expected):
            raise Incorrect(f"{call} returned mean {mean:.4f}: that is b - a. The task asks for a - b, {expected:.4f}.")
        if np.isclose(low, expected) or np.isclose(high, expected):
            raise Incorrect(f"{call} returned ({mean:.4f}, {low:.4f}, {high:.4f}): put the mean difference "
                            "first, then low, then high.")
        raise Incorrect(f"{call} returned mean {mean:.4f}; the mean of the per-seed differences a - b is "
                        f"{expected:.4f}.")
    _task(fn).expect_width_and_mean((low, high, call), expected)


def _check_rng(fn):
    """The interval depends on rng and only on rng; every pair can be drawn."""
    # continuous values, so that two different sets of resamples practically never give the same ends
    sample, task = _pairs(15, shared=0.5, seed=10), _task(fn)
    task.expect_rng(sample, 2000, task.draw(sample, 2000, 0.05, 1))
    task.expect_every_unit((np.array([0.0] * 9 + [10.0]), np.zeros(10)), "with differences nine 0s and then one 10")


def _unpaired(a, b, n_boot, alpha, rng):
    """The interval you get by resampling the two arms independently: the mistake q1 guards against."""
    means = (a[rng.integers(0, len(a), (n_boot, len(a)))].mean(axis=1)
             - b[rng.integers(0, len(b), (n_boot, len(b)))].mean(axis=1))
    return np.quantile(means, [alpha / 2, 1 - alpha / 2])


def _check_pairing(fn):
    """With a large luck shared within each seed, a paired interval is many times narrower than an unpaired one."""
    a, b = _pairs(12, seed=12)
    _, low, high, call = _triple(fn, a, b, 4000, 0.05, 5)
    _, ref_low, ref_high = paired_bootstrap_diff(a, b, 20_000, 0.05, np.random.default_rng(6))
    if high - low > 3 * (ref_high - ref_low):
        u_low, u_high = _unpaired(a, b, 20_000, 0.05, np.random.default_rng(6))
        raise Incorrect(f"{call} returned [{low:.2f}, {high:.2f}], width {high - low:.2f}. Here each seed's luck "
                        f"(sd 3 points) is shared by both arms, and the paired interval is about [{ref_low:.2f}, "
                        f"{ref_high:.2f}]. Resampling a and b independently gives about [{u_low:.2f}, {u_high:.2f}]: "
                        "draw one set of seed indices and use it for both arms (or resample a - b).")


def _check_coverage(fn, trials=200, n=10):
    """90% intervals from 10 synthetic seeds hold the true difference 0.5 about 90% of the time (a bit less)."""
    experiments = [(_pairs(n, shared=1.0, seed=100 + trial), 1000 + trial) for trial in range(trials)]
    return expect_coverage(_task(fn).coverage(experiments, 0.5), (0.75, 0.96), trials,
                           f"synthetic experiments of {n} paired seeds with a true difference of 0.5", "it",
                           "83-90% (the percentile bootstrap falls a little short with 10 seeds)")


def check_paired_bootstrap_diff(fn):
    _check_mean_and_order(fn)
    _task(fn).expect_halving(_pairs(12, shared=0.5, seed=11), seed=4)
    _check_rng(fn)
    _check_pairing(fn)
    _task(fn).expect_skewed((np.array([0.0] * 9 + [10.0]), np.zeros(10)), "with differences nine 0s and then one 10")
    _task(fn).expect_ends(_pairs(40, shared=1.0, own=0.6, seed=13), seed=7, reference_seed=8)
    coverage = _check_coverage(fn)
    return (f"Resamples pairs, is deterministic given rng, halves in width when the seeds quadruple, matches the "
            f"percentile interval, and its 90% intervals held the true difference in {coverage:.0%} of 200 "
            "synthetic experiments.")


# --- q2 ------------------------------------------------------------------------------------

# (delta, sigma, power, alpha), none of them within 0.05 of a whole number of seeds before rounding up
PLANS = [(0.5, 0.6, 0.8, 0.05), (0.3, 0.6, 0.8, 0.05), (1.0, 0.5, 0.9, 0.05), (0.25, 1.0, 0.8, 0.01),
         (0.2, 0.7, 0.95, 0.1), (0.5, 0.53, 0.5, 0.05)]


def _raw(delta, sigma, power, alpha):
    return ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * sigma / delta) ** 2


# Likely slips, each as (the seeds it gives, what went wrong). An answer is put down to a slip only if it
# agrees with that slip on every plan: on a single plan two slips can give the same number.
SEED_SLIPS = [
    (lambda d, s, p, a: math.floor(_raw(d, s, p, a)),
     "the formula rounded down. {raw:.2f} seeds are not enough for the power you asked for: round up with math.ceil."),
    (lambda d, s, p, a: round(_raw(d, s, p, a)),
     "the formula rounded to the nearest whole number. {raw:.2f} seeds rounded to {nearest} fall short of the power "
     "you asked for: always round up, with math.ceil."),
    (lambda d, s, p, a: math.ceil(((norm.ppf(1 - a) + norm.ppf(p)) * s / d) ** 2),
     "it uses norm.ppf(1 - alpha), the point of a one-sided test. The test is two-sided: each tail gets "
     "alpha / 2, so use norm.ppf(1 - alpha / 2)."),
    (lambda d, s, p, a: math.ceil((norm.ppf(1 - a / 2) * s / d) ** 2),
     "it leaves out norm.ppf(power): with only the alpha term the effect is found half the time (power 0.5)."),
    (lambda d, s, p, a: math.ceil(((norm.ppf(1 - a / 2) - norm.ppf(p)) * s / d) ** 2),
     "it subtracts the power term (norm.ppf(1 - power) does the same). z_power = norm.ppf(power) is positive for "
     "power above 0.5 and adds to the alpha term."),
    (lambda d, s, p, a: math.ceil(((norm.ppf(a / 2) + norm.ppf(p)) * s / d) ** 2),
     "norm.ppf(alpha / 2) is the lower tail point, -1.96 for alpha = 0.05. Use norm.ppf(1 - alpha / 2), +1.96."),
    (lambda d, s, p, a: math.ceil(((1.96 + 0.84) * s / d) ** 2),
     "it uses the fixed numbers 1.96 and 0.84, which hold only for alpha = 0.05 and power = 0.8. Compute them "
     "from the arguments: norm.ppf(1 - alpha / 2) and norm.ppf(power)."),
    (lambda d, s, p, a: math.ceil(2 * _raw(d, s, p, a)),
     "it doubles the variance, as for two independent groups. sigma here is already the sd of the per-seed "
     "difference, so the paired formula has no factor 2."),
    (lambda d, s, p, a: math.ceil(math.sqrt(_raw(d, s, p, a))),
     "it is not squared. The mean of n differences varies with standard error sigma / sqrt(n), so solving "
     "for n squares the ratio."),
    (lambda d, s, p, a: math.ceil(_raw(s, d, p, a)),
     "delta and sigma are swapped: the ratio is sigma / delta (more noise or a smaller effect needs more seeds)."),
]


ROUND_UP = (" Seeds come in whole numbers: round up with math.ceil, since rounding down would fall short of the power "
            "you asked for.")


def check_seeds_needed(fn):
    answers, calls = [], []
    for plan in PLANS:
        answers.append(expect_count(fn(*plan), fn.last_call, "a whole number of seeds", why_fraction=ROUND_UP))
        calls.append(fn.last_call)
    expected = [seeds_needed(*plan) for plan in PLANS]
    if answers != expected:
        first = next(i for i, (got, want) in enumerate(zip(answers, expected)) if got != want)
        plan, head = PLANS[first], f"`{calls[first]}` returned {answers[first]}; expected {expected[first]}"
        for slip, meaning in SEED_SLIPS:
            if answers == [slip(*p) for p in PLANS]:
                raise Incorrect(f"{head}: " + meaning.format(raw=_raw(*plan), nearest=answers[first]))
        t_note = (" (If you used the t distribution or a simulation: that is more exact with few seeds, but this "
                  "task asks for the normal approximation.)" if answers[first] > expected[first] else "")
        raise Incorrect(f"{head}. Use n = ((z_alpha + z_power) * sigma / delta) ** 2 rounded up, with the normal "
                        "approximation: z_alpha = norm.ppf(1 - alpha / 2) and z_power = norm.ppf(power)." + t_note)
    return (f"Right on {len(PLANS)} plans, including {expected[0]} seeds for a 0.5-point effect with a per-seed "
            "sd of 0.6 at 80% power.")


q1 = Question(
    check_paired_bootstrap_diff,
    hints=[
        "Work with the per-seed differences `diff = a - b`: one number per seed, so the two runs of a seed stay "
        "together.",
        "`rng.integers(0, len(diff), size=(n_boot, len(diff)))` draws n_boot rows of seed indices with replacement; "
        "`diff[rows].mean(axis=1)` gives n_boot resampled mean differences.",
        "The ends are `np.quantile(means, [alpha / 2, 1 - alpha / 2])`; return `(diff.mean(), low, high)` as floats.",
    ],
    solution=inspect.getsource(paired_bootstrap_diff), name="q1", notebook=NOTEBOOK,
)

q2 = Question(
    check_seeds_needed,
    hints=[
        "The mean of n per-seed differences varies with standard error sigma / sqrt(n). The test detects the effect "
        "when delta is at least (z_alpha + z_power) standard errors away from 0.",
        "Solve delta = (z_alpha + z_power) * sigma / sqrt(n) for n. `norm.ppf(1 - alpha / 2)` is z_alpha (1.96 at "
        "alpha = 0.05, two-sided) and `norm.ppf(power)` is z_power (0.84 at power 0.8).",
        "Return `math.ceil(((z_alpha + z_power) * sigma / delta) ** 2)`: a whole number, rounded up.",
    ],
    solution=inspect.getsource(seeds_needed), name="q2", notebook=NOTEBOOK,
)
