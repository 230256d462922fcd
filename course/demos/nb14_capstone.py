"""Lesson 14's demo: how the paired interval would have looked with fewer seeds."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course.controls import int_slider
from course.explore import Explorer
from course.stats import mean_ci


def draw_seed_subset(fig, runs, comparison, n_seeds) -> str:
    """Draw the per-seed differences a - b, with the t-interval from the first `n_seeds` only; return a caption."""
    a, b = comparison
    diff = np.asarray(runs[a], dtype=float) - np.asarray(runs[b], dtype=float)
    mean, low, high = mean_ci(diff[:n_seeds])
    ax = fig.subplots()
    seeds = np.arange(1, len(diff) + 1)
    # unused seeds are hollow, used ones filled: the two differ in shape, not only in colour
    ax.plot(seeds[n_seeds:], diff[n_seeds:], "o", color="0.45", markerfacecolor="none", label="seeds not used yet")
    ax.plot(seeds[:n_seeds], diff[:n_seeds], "o", color="tab:blue", label=f"the first {n_seeds} seeds")
    ax.axhspan(low, high, color="tab:red", alpha=0.15, label="their 95% t-interval")
    ax.axhline(mean, color="tab:red", linewidth=1.5, label="their mean")
    ax.axhline(0, color="black", linewidth=1)
    spread = max(abs(diff).max(), abs(low), abs(high)) * 1.15
    ax.set(title=f"{a} - {b}, per seed", xlabel="position of the seed in the plan's list",
           ylabel="difference (points)", xticks=seeds, ylim=(-spread, spread))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)   # outside the axes: never over a seed
    verdict = "excludes 0" if low > 0 or high < 0 else "includes 0: these seeds alone would not decide"
    return (f"With the first {n_seeds} seeds, {a} - {b} = {mean:+.2f} points, "
            f"95% interval [{low:+.2f}, {high:+.2f}], which {verdict}.")


def seed_explorer(runs, comparisons) -> Explorer:
    """Return an explorer: pick a comparison and how many of the seeds to analyse."""
    choose = widgets.Dropdown(options=[(f"{a} - {b}", (a, b)) for a, b in comparisons], description="compare")
    n_seeds = int_slider(len(next(iter(runs.values()))), 2, len(next(iter(runs.values()))), "seeds")

    def draw(fig, comparison, n_seeds):
        return draw_seed_subset(fig, runs, comparison, n_seeds)

    return Explorer(draw, {"comparison": choose, "n_seeds": n_seeds}, figsize=(7, 3.2),
                    title="the paired interval with fewer seeds")
