"""Checks shared by the lessons that ask for an interval: Student-t (13, 14) and the percentile bootstrap (03, 12).

Each lesson keeps its own data and task; the mistakes a learner can make, and the words
that explain them, live here once.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from course.checks.expect import Incorrect, expect_close
from course.stats import mean_ci


def t_half_width(n: int, sd: float = 1.0, confidence: float = 0.95) -> float:
    """Return the half-width t * sd / sqrt(n) of a Student-t interval for the mean of n values."""
    return float(stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n))


def t_interval_mistakes(n: int, unit: str) -> list[tuple[float, str]]:
    """Return (wrong width / right width, the mistake) for the usual slips in a t-interval of n `unit`."""
    t = stats.t.ppf(0.975, n - 1)
    return [
        (1.96 / t, f"z = 1.96 in place of Student t (with {n} {unit}, t(0.975, {n - 1}) = {t:.3f})"),
        (math.sqrt((n - 1) / n), "the population standard deviation (ddof=0) in place of the sample one (ddof=1)"),
        (math.sqrt(n), "the standard deviation where the standard error sd / sqrt(n) belongs"),
        (stats.t.ppf(0.975, n) / t, f"n = {n} degrees of freedom in place of n - 1 = {n - 1}"),
        (stats.t.ppf(0.95, n - 1) / t, "the 0.95 quantile of t, a 90% interval: a two-sided 95% interval needs 0.975"),
        (1.96 / t * math.sqrt((n - 1) / n), f"two slips together: z = 1.96 in place of t(0.975, {n - 1}) = {t:.3f}, "
                                            "and the population standard deviation (ddof=0) in place of ddof=1"),
    ]


def expect_t_interval(got, x, call: str, what: str, unit: str = "values") -> None:
    """Raise Incorrect, naming a known mistake when it is one, unless got = (mean, low, high) is mean_ci(x)."""
    mean, low, high = mean_ci(x)
    arr = np.asarray(got, dtype=float)
    if arr.shape == (3,) and np.all(np.isfinite(arr)) and not np.isclose(arr[0], mean, rtol=1e-6, atol=1e-9) \
            and high > low:
        for order, names in (((1, 0, 2), "(low, mean, high)"), ((1, 2, 0), "(low, high, mean)"),
                             ((0, 2, 1), "(mean, high, low)"), ((2, 0, 1), "(high, mean, low)")):
            if np.allclose(arr, np.array([mean, low, high])[list(order)], rtol=1e-6, atol=1e-9):
                raise Incorrect(f"`{call}` gave {what} as ({arr[0]:.6g}, {arr[1]:.6g}, {arr[2]:.6g}): the right "
                                f"numbers in the order {names}. Return (mean, low, high).")
    if np.all(np.isfinite(arr)) and np.isclose(arr[0], mean, rtol=1e-6, atol=1e-9):
        if not np.isclose(arr[1] + arr[2], 2 * mean, rtol=1e-6, atol=1e-9):
            raise Incorrect(f"`{call}` gave {what} ({arr[1]:.6g}, {arr[2]:.6g}), not centred on the mean "
                            f"{mean:.6g}: low = mean - half-width, high = mean + half-width.")
        if arr[1] > arr[2]:
            raise Incorrect(f"`{call}` gave {what} ({arr[1]:.6g}, {arr[2]:.6g}): low is above high. "
                            "Return (mean, low, high) with low = mean - half-width.")
        ratio = (arr[2] - arr[1]) / (high - low) if high > low else 1.0
        for wrong, reason in t_interval_mistakes(len(x), unit):
            if np.isclose(ratio, wrong, rtol=1e-4):
                raise Incorrect(f"`{call}` gave {what} ({arr[1]:.6g}, {arr[2]:.6g}); expected ({low:.6g}, "
                                f"{high:.6g}). It is {ratio:.3f} times as wide as it should be, which is what you "
                                f"get from {reason}.")
    expect_close(arr, (mean, low, high), call, rtol=1e-6, atol=1e-9, what=f"(mean, low, high) for {what}")


# --- the percentile bootstrap --------------------------------------------------------

@dataclass(frozen=True)
class Bootstrap:
    """A lesson's bootstrap task as the shared checks see it.

    A sample is a tuple of arrays, the learner function's first arguments ((x,) or (a, b));
    `draw(sample, B, alpha, seed)` calls the learner with a fresh generator and returns
    (low, high, call); `values(sample)` is what gets resampled (x, or a - b), whose mean
    the interval is for.
    """

    draw: Callable
    values: Callable
    reference: Callable   # reference(sample, B, alpha, rng) -> (low, high)
    unit: str             # one resampled thing, for messages: "value of x", "seed"
    units: str            # the same, plural: "values of x", "seeds"
    repeated: str         # "values (x repeated 4 times)": what four copies of the sample hold
    resampled: str        # "values", "differences": what must not be taken quantiles of directly
    estimate: str         # "the sample mean", "the mean difference"
    kind: str             # "percentile", "paired percentile"

    def expect_width_and_mean(self, drawn, mean: float) -> None:
        """Raise Incorrect unless the drawn (low, high, call) has a width and holds the sample's `mean`."""
        low, high, call = drawn
        if high - low < 1e-9:
            raise Incorrect(f"{call} returned an interval of width 0, [{low:.4f}, {high:.4f}]. Are the {self.units} "
                            f"drawn with replacement? Without it every resample holds each {self.unit} once and has "
                            "the same mean.")
        if not low <= mean <= high:
            raise Incorrect(f"{call} returned [{low:.4f}, {high:.4f}], which misses {self.estimate} {mean:.4f}. "
                            "Take quantiles of the resampled means (np.quantile expects fractions such as 0.025, "
                            "np.percentile percentages such as 2.5).")

    def expect_rng(self, sample, B: int, first) -> None:
        """Raise Incorrect unless seed 1 again gives `first`, the (low, high, call) of seed 1, and seed 2 another."""
        call = first[2]
        if self.draw(sample, B, 0.05, 1)[:2] != first[:2]:
            raise Incorrect(f"{call} gave a different interval when called again with a generator seeded alike. "
                            "Draw every random number from `rng` (rng.integers or rng.choice), not np.random.")
        if self.draw(sample, B, 0.05, 2)[:2] == first[:2]:
            # an interval that does not move with B either was never resampled at all
            if self.draw(sample, B + 1, 0.05, 2)[:2] == first[:2]:
                raise Incorrect(f"{call} gave the same interval with generators seeded 1 and 2, and with B = {B} and "
                                f"B = {B + 1}: it does not resample at all. A bootstrap interval draws B resamples "
                                "from the `rng` you are given and takes quantiles of their means; a formula such as "
                                "mean ± 1.96 · se is not one.")
            raise Incorrect(f"{call} gave the same interval with generators seeded 1 and 2, but a bootstrap interval "
                            "depends on its random resamples. Draw them from the `rng` you are given, not from a "
                            "generator made inside your function.")

    def expect_every_unit(self, lopsided, words: str) -> None:
        """Raise Incorrect unless `lopsided` (nine alike, one far off: `words`) gives an interval holding its mean."""
        low, high, call = self.draw(lopsided, 2000, 0.05, 3)
        mean = float(np.mean(self.values(lopsided)))
        if not low <= mean <= high:
            raise Incorrect(f"{call}, {words}, returned [{low:.2f}, {high:.2f}], which misses their mean, {mean:.2f}. "
                            f"Can every {self.unit}, the last one too, appear in a resample?")

    def expect_skewed(self, lopsided, words: str) -> None:
        """Raise Incorrect unless the interval on skewed data (`words`) is the percentile one, not a symmetric one."""
        low, high, call = self.draw(lopsided, 2000, 0.05, 3)
        values = self.values(lopsided)
        smallest, largest = float(values.min()), float(values.max())
        if low < smallest - 1e-9 or high > largest + 1e-9:
            raise Incorrect(f"{call}, {words}, returned [{low:.2f}, {high:.2f}], which goes beyond [{smallest:.2f}, "
                            f"{largest:.2f}], the smallest and largest mean any resample can have. A percentile "
                            "interval cannot: its ends are resampled means. Mean ± z · sd of the resampled means (the "
                            "normal approximation) or 2 · mean - quantile (the basic bootstrap) can; take the "
                            "quantiles alpha / 2 and 1 - alpha / 2 of the means themselves.")
        expected = self.reference(lopsided, 20_000, 0.05, np.random.default_rng(4))
        if abs(low - expected[0]) > 0.5 or abs(high - expected[1]) > 0.5:
            raise Incorrect(f"{call}, {words}, returned [{low:.2f}, {high:.2f}]; the 95% {self.kind} interval is "
                            f"[{expected[0]:.2f}, {expected[1]:.2f}], skewed like the data. An interval symmetric "
                            "about the mean (mean ± z · sd of the resampled means) is the normal approximation, not "
                            "the percentile interval: take the quantiles of the resampled means themselves.")

    def expect_halving(self, sample, seed: int) -> None:
        """Raise Incorrect unless four copies of the sample (four times the n) halve the width, as the SE does."""
        (low, high, _), (low4, high4, _) = (self.draw(tuple(np.tile(part, k) for part in sample), 2000, 0.05, seed)
                                            for k in (1, 4))
        ratio = (high4 - low4) / (high - low)
        if not 0.4 < ratio < 0.6:
            raise Incorrect(f"With 4 times as many {self.repeated} the width of your interval went from "
                            f"{high - low:.3f} to {high4 - low4:.3f} (ratio {ratio:.2f}); it should halve, as the "
                            "standard error sigma / sqrt(n) does. Take quantiles of the resample *means*, not of the "
                            f"{self.resampled} themselves, and do not use their standard deviation as the half-width.")

    def expect_ends(self, sample, seed: int, reference_seed: int) -> None:
        """Raise Incorrect unless each end matches a long reference run within 0.2 standard errors, at two levels."""
        values = self.values(sample)
        se = values.std() / np.sqrt(len(values))
        for alpha in (0.05, 0.2):
            *got, call = self.draw(sample, 4000, alpha, seed)
            expected = np.array(self.reference(sample, 20_000, alpha, np.random.default_rng(reference_seed)))
            if np.all(np.abs(np.subtract(got, expected)) < 0.2 * se):
                continue
            # the reference at 2 * alpha recognises quantiles taken at alpha instead of alpha / 2
            doubled = np.array(self.reference(sample, 20_000, 2 * alpha, np.random.default_rng(reference_seed)))
            tails = (" That is the interval for level 1 - 2 alpha: put alpha / 2 in each tail."
                     if np.all(np.abs(np.subtract(got, doubled)) < 0.2 * se) else "")
            raise Incorrect(f"{call} returned [{got[0]:.4f}, {got[1]:.4f}]; the {1 - alpha:.0%} {self.kind} interval "
                            f"is about [{expected[0]:.4f}, {expected[1]:.4f}].{tails}")

    def coverage(self, experiments, truth: float, B: int = 500) -> float:
        """Return how often 90% intervals hold `truth`, over (sample, seed) pairs."""
        hits = 0
        for sample, seed in experiments:
            low, high, _ = self.draw(sample, B, 0.1, seed)
            hits += low <= truth <= high
        return hits / len(experiments)


def expect_coverage(rate: float, band: tuple[float, float], trials: int, experiments: str, held: str,
                    expected: str) -> float:
    """Raise Incorrect unless the coverage `rate` lies in `band`; return it."""
    if not band[0] <= rate <= band[1]:
        raise Incorrect(f"On {trials} {experiments}, your 90% intervals held {held} {rate:.0%} of the time; "
                        f"expected about {expected}.")
    return rate
