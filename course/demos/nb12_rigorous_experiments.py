"""Lesson 12's demo: how many seeds does an experiment need? Power and interval width of a paired comparison.

The arithmetic is that of a two-sided paired t-test on n seeds: the per-seed differences
have mean `effect` and standard deviation `sd`; power comes from the noncentral t distribution.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from course.controls import float_slider, int_slider
from course.explore import Explorer

MAX_SEEDS = 60
INTERVALS_SHOWN = 40


def paired_t_power(seeds: int, effect: float, sd: float, alpha: float = 0.05) -> float:
    """Return the probability that a two-sided paired t-test on `seeds` differences rejects 'no difference'."""
    df = seeds - 1
    critical = stats.t.ppf(1 - alpha / 2, df)
    shift = effect / (sd / np.sqrt(seeds))  # the true difference in standard errors
    return float(stats.nct.sf(critical, df, shift) + stats.nct.cdf(-critical, df, shift))


def ci_half_width(seeds: int, sd: float, alpha: float = 0.05) -> float:
    """Return the half-width of a (1 - alpha) t-interval for a mean of `seeds` differences of spread `sd`."""
    return float(stats.t.ppf(1 - alpha / 2, seeds - 1) * sd / np.sqrt(seeds))


def seeds_for_power(effect: float, sd: float, target: float = 0.8, alpha: float = 0.05,
                    most: int = 10_000) -> int | None:
    """Return the fewest seeds (at least 2) whose paired t-test reaches `target` power, or None if over `most`."""
    def enough(seeds):
        return paired_t_power(seeds, effect, sd, alpha) >= target

    if effect <= 0:
        return None
    # power grows with the number of seeds: double until it is enough, then bisect
    low, high = 1, 2
    while not enough(high):
        low, high = high, 2 * high
        if low >= most:
            return None
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return high if high <= most else None


def simulated_intervals(seeds: int, effect: float, sd: float, experiments: int = INTERVALS_SHOWN, seed: int = 0):
    """Return (means, half-widths) of 95% t-intervals from simulated experiments with `seeds` seeds each."""
    diffs = np.random.default_rng(seed).normal(effect, sd, (experiments, seeds))
    half = stats.t.ppf(0.975, seeds - 1) * diffs.std(axis=1, ddof=1) / np.sqrt(seeds)
    return diffs.mean(axis=1), half


def _draw_power_curve(ax, seeds, effect, sd, power):
    counts = np.arange(2, MAX_SEEDS + 1)
    powers = [paired_t_power(n, effect, sd) for n in counts]
    ax.plot(counts, powers, color="tab:blue")
    ax.axhline(0.8, color="gray", linestyle=":", label="80% power")
    ax.plot([seeds], [power], "o", color="tab:red", label=f"your plan: {seeds} seeds")
    ax.set(title="Chance of detecting the difference", xlabel="seeds per arm (paired)",
           ylabel="power (paired t-test, 5%)", ylim=(0, 1.02), xlim=(0, MAX_SEEDS + 1))
    # a curve that stays low runs along the bottom: then the legend goes in the empty middle instead
    ax.legend(loc="lower right" if powers[-1] > 0.5 else "center right", fontsize=9)


def _draw_intervals(ax, seeds, effect, sd):
    means, half = simulated_intervals(seeds, effect, sd)
    found = means - half > 0  # the interval lies wholly above 0: "the difference is real"
    rows = np.arange(len(means))
    # found and not found differ in line style and width as well as colour, so greyscale still tells them apart
    ax.hlines(rows, means - half, means + half, colors=np.where(found, "tab:blue", "0.55"),
              linestyles=["solid" if f else (0, (3, 2)) for f in found], linewidths=np.where(found, 2.2, 1.4))
    ax.axvline(0, color="black", linewidth=1)
    ax.axvline(effect, color="tab:red", linestyle=":", linewidth=1.5, label=f"true difference {effect:g}")
    ax.plot([], [], color="tab:blue", linewidth=2.2, label="above 0: found")
    ax.plot([], [], color="0.55", linestyle=(0, (3, 2)), linewidth=1.4, label="not found")
    ax.set_ylim(-1, len(means) + 7)   # an empty band above the intervals holds the legend
    ax.set(title=f"{len(means)} simulated experiments", xlabel="95% interval for the difference (points)",
           ylabel="experiment", yticks=[])
    ax.legend(loc="upper center", ncols=3, fontsize=9, handlelength=1.8, columnspacing=1.0, borderaxespad=0.3)
    return int(found.sum())


def draw_power(fig, seeds: int, effect: float, sd: float) -> str:
    """Draw the power curve and simulated intervals for this plan on `fig`; return a one-line caption."""
    power = paired_t_power(seeds, effect, sd)
    left, right = fig.subplots(1, 2)
    _draw_power_curve(left, seeds, effect, sd, power)
    found = _draw_intervals(right, seeds, effect, sd)
    half = ci_half_width(seeds, sd)
    head = f"{seeds} seeds, seed-to-seed sd of the difference {sd:.2f} points: "
    if effect == 0:
        return head + (f"with no true difference, {power:.0%} of experiments still 'find' one "
                       f"(the false-positive rate you chose); intervals are about +-{half:.2f} points.")
    needed = seeds_for_power(effect, sd)
    need = f"80% power needs {needed} seeds" if needed else "80% power needs more than 10,000 seeds"
    return head + (f"a true difference of {effect:.2f} is detected with probability {power:.2f} "
                   f"({found} of the {INTERVALS_SHOWN} intervals shown lie above 0); 95% intervals are "
                   f"about +-{half:.2f} points; {need}.")


def power_explorer(seeds: int = 10, effect: float = 0.5, sd: float = 0.5) -> Explorer:
    """Return an explorer with sliders for the number of seeds, the true difference and its seed-to-seed sd."""
    controls = {
        "seeds": int_slider(seeds, 2, MAX_SEEDS, "seeds"),
        "effect": float_slider(effect, 0.0, 2.0, 0.05, "difference"),
        "sd": float_slider(sd, 0.05, 2.0, 0.01, "seed sd"),
    }
    return Explorer(draw_power, controls, figsize=(9, 3.4), title="power of a paired comparison")
