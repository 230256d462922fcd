"""Checks for exercises/13-research-craft-and-career.ipynb: honest results tables.

q1  mean_ci(scores): (mean, low, high), a 95% Student-t interval for the mean
q2  results_table(runs): one row per method; bold only a top method whose interval clears all others
q3  seeds_for_precision(sd, half_width): the fewest seeds whose 95% interval is that narrow
"""
from __future__ import annotations

import inspect
import math

import numpy as np
from scipy import stats

from course.checks import Incorrect, Question, expect_count, expect_numbers, expect_type
from course.checks.intervals import expect_t_interval, t_half_width

NOTEBOOK = "13-research-craft-and-career"
KEYS = ("method", "mean", "low", "high", "bold")


def mean_ci(scores):
    """Return (mean, low, high): the mean of scores with a 95% Student-t confidence interval."""
    x = np.asarray(scores, dtype=float)
    n = len(x)
    half = stats.t.ppf(0.975, df=n - 1) * x.std(ddof=1) / math.sqrt(n)
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def results_table(runs):
    """Return one row per method (in the order of runs) with mean, 95% CI and whether it is bold."""
    rows = []
    for method, scores in runs.items():
        mean, low, high = mean_ci(scores)
        rows.append({"method": method, "mean": mean, "low": low, "high": high, "bold": False})
    top = max(rows, key=lambda row: row["mean"])
    # bold only a clear winner: its whole interval above every other method's whole interval
    top["bold"] = all(top["low"] > row["high"] for row in rows if row is not top)
    return rows


def seeds_for_precision(sd, half_width):
    """Return the fewest seeds n >= 2 whose 95% t-interval half-width t * sd / sqrt(n) is <= half_width."""
    n = 2
    while stats.t.ppf(0.975, df=n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


def _score_cases():
    yield [0.96, 0.97, 0.98]
    rng = np.random.default_rng(13)
    for n in (2, 3, 5, 10, 30):
        yield [float(v) for v in np.round(rng.normal(0.9, 0.02, n), 4)]


def check_mean_ci(fn):
    for scores in _score_cases():
        got = expect_numbers(fn(scores), 3, fn.last_call, "(mean, low, high)")
        expect_t_interval(got, scores, fn.last_call, "the interval")
    return "Matches a Student-t 95% interval on 6 samples of 2 to 30 scores."


def _run_cases():
    yield {"baseline": [0.89, 0.90, 0.91], "new idea": [0.95, 0.96, 0.97]}              # clear winner
    yield {"width 64": [0.960, 0.975, 0.965, 0.958, 0.970], "width 128": [0.968, 0.972, 0.970, 0.966, 0.974]}
    # the runner-up by mean is far below; a noisier third method still reaches the top's interval
    yield {"A": [0.950, 0.951, 0.952], "B": [0.930, 0.931, 0.932], "C": [0.900, 0.960, 0.920]}
    yield {"old": [0.80, 0.86, 0.83], "new": [0.90, 0.95, 0.92]}   # separate with z = 1.96, overlap with t
    rng = np.random.default_rng(7)
    for methods, n in [(4, 5), (2, 2), (6, 10)]:
        yield {f"m{i}": [float(v) for v in np.round(rng.normal(0.9 + 0.01 * i, 0.01, n), 4)] for i in range(methods)}


def _as_rows(got, runs, call):
    """Check that got is a list of dicts with the right keys, one per method in order; return it."""
    expect_type(got, (list, tuple), call, "a list of dicts, one per method")
    if len(got) != len(runs):
        raise Incorrect(f"`{call}` returned {len(got)} rows for {len(runs)} methods; expected one row each.")
    for row in got:
        if not isinstance(row, dict) or not set(KEYS) <= set(row):
            missing = sorted(set(KEYS) - set(row)) if isinstance(row, dict) else KEYS
            raise Incorrect(f"`{call}` returned a row {row!r}; each row should be a dict with keys "
                            f"{', '.join(KEYS)} (missing: {', '.join(missing)}).")
    names = [row["method"] for row in got]
    if names != list(runs):
        raise Incorrect(f"`{call}` returned rows for {names}; expected {list(runs)}, in the order of `runs`.")
    return got


def _diagnose_bold(got, expected, call):
    """Raise Incorrect saying which row is wrongly bold or wrongly plain."""
    bold = [row["method"] for row in got if row["bold"] is True or row["bold"] is np.True_]
    plain = [row["method"] for row in got if row["bold"] is False or row["bold"] is np.False_]
    if len(bold) + len(plain) != len(got):
        odd = next(row["bold"] for row in got if row["method"] not in bold + plain)
        raise Incorrect(f"`{call}` set bold to {odd!r}; use True or False.")
    top = max(expected, key=lambda row: row["mean"])
    if len(bold) > 1:
        raise Incorrect(f"`{call}` made {bold} bold; at most one row, the top method's, can be bold.")
    if bold and bold[0] != top["method"]:
        raise Incorrect(f"`{call}` made {bold[0]!r} bold, but {top['method']!r} has the highest mean.")
    if bold and not top["bold"]:
        rival = next(r for r in expected if r is not top and r["high"] >= top["low"])
        runner_up = max((r for r in expected if r is not top), key=lambda r: r["mean"])
        why = ("its lower end must lie above every other method's upper end." if rival is runner_up else
               f"{rival['method']!r} is not the runner-up by mean: compare with every other method.")
        raise Incorrect(f"`{call}` made {top['method']!r} bold, but its interval ({top['low']:.4f}, "
                        f"{top['high']:.4f}) overlaps the interval of {rival['method']!r} ({rival['low']:.4f}, "
                        f"{rival['high']:.4f}): {why}")
    if not bold and top["bold"]:
        raise Incorrect(f"`{call}` left {top['method']!r} plain, but its interval ({top['low']:.4f}, "
                        f"{top['high']:.4f}) lies entirely above every other method's: it should be bold.")


def check_results_table(fn):
    for runs in _run_cases():
        got = _as_rows(fn(runs), runs, fn.last_call)
        call = fn.last_call
        for row in got:
            values = expect_numbers([row["mean"], row["low"], row["high"]], 3, call,
                                    f"(mean, low, high) of the row of {row['method']!r}")
            expect_t_interval(values, runs[row["method"]], call, f"the interval of {row['method']!r}")
        _diagnose_bold(got, results_table(runs), call)
    _check_touching(fn)
    return "Right intervals and right bolding on 7 tables, including a noisy method that overlaps the top one."


def _check_touching(fn):
    """Two methods scoring 0.75 on every seed: intervals of width 0 that touch, so neither clears the other."""
    runs = {"lookup": [0.75, 0.75, 0.75], "rules": [0.75, 0.75, 0.75]}
    got = _as_rows(fn(runs), runs, fn.last_call)
    bold = [row["method"] for row in got if row["bold"] is True or row["bold"] is np.True_]
    if bold:
        raise Incorrect(f"`{fn.last_call}`, for two methods that score 0.75 on every seed, made {bold[0]!r} bold. "
                        "Both intervals are [0.75, 0.75]: they touch, and touching is not clearing. Bold only when "
                        "the top's lower end is strictly above every other upper end: `>`, not `>=`.")


PRECISION_CASES = [(1.0, 1.0), (0.01, 0.05), (0.5, 0.2), (0.45, 0.175), (2.0, 0.5), (1.0, 2.0), (1.0, 0.1)]


def check_seeds_for_precision(fn):
    for sd, half_width in PRECISION_CASES:
        n = expect_count(fn(sd, half_width), fn.last_call, "a whole number of seeds",
                         why_fraction=" Seeds come in whole numbers: round up.")
        call, expected = fn.last_call, seeds_for_precision(sd, half_width)
        if n < 2:
            raise Incorrect(f"`{call}` returned {n}; an interval needs at least 2 seeds (expected {expected}).")
        if n < expected:
            raise Incorrect(f"`{call}` returned {n}, too few: with {n} seeds the half-width is "
                            f"t(0.975, {n - 1}) * {sd} / sqrt({n}) = {t_half_width(n, sd):.4f} > {half_width}.")
        if n > expected:
            raise Incorrect(f"`{call}` returned {n}, more than needed: {n - 1} seeds already give "
                            f"{t_half_width(n - 1, sd):.4f} <= {half_width}. Return the smallest n that works.")
    return "The fewest seeds on 7 cases, from 3 seeds to 387."


def _question(check, hints, reference, name):
    return Question(check, hints=hints, solution=inspect.getsource(reference), name=name, notebook=NOTEBOOK)


q1 = _question(check_mean_ci, [
    "The half-width is t * s / sqrt(n): s is the sample standard deviation `np.std(x, ddof=1)` and "
    "sqrt(n) turns it into the standard error of the mean.",
    "t is the 0.975 quantile of Student's t with n - 1 degrees of freedom: `stats.t.ppf(0.975, df=n - 1)` "
    "(0.975, not 0.95: 2.5% is cut from each side).",
    "Return three floats: (mean, mean - half, mean + half).",
], mean_ci, "q1")

q2 = _question(check_results_table, [
    "Build the rows first: for each `method, scores` in `runs.items()`, call your `mean_ci(scores)` and "
    "append a dict with keys method, mean, low, high and bold (False for now).",
    "Find the top row with `max(rows, key=lambda row: row['mean'])`.",
    "The top row is bold only if `top['low'] > row['high']` for every other row: use `all(...)` over all "
    "of them, not only the runner-up by mean.",
], results_table, "q2")

q3 = _question(check_seeds_for_precision, [
    "Start at n = 2 and count up until the half-width t(0.975, n - 1) * sd / sqrt(n) is at most half_width.",
    "Do not use 1.96: with few seeds t is much larger (12.7 for 2 seeds, 2.78 for 5).",
    "Return n as an int: the first n that is narrow enough, not the last one that was too wide.",
], seeds_for_precision, "q3")
