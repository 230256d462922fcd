"""Lesson 13's demo: a compute-budget planner that says what fits and how wide the intervals will be."""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from course.controls import float_slider, int_slider
from course.explore import Explorer

MIN_SEEDS_SHOWN, MAX_SEEDS_SHOWN = 40, 400


def ci_half_width(sd: float, seeds: int) -> float:
    """Return the expected half-width of a 95% Student-t interval for a mean of `seeds` runs."""
    if seeds < 2:
        return math.inf   # one run has no spread to measure: no interval at all
    return float(stats.t.ppf(0.975, seeds - 1) * sd / math.sqrt(seeds))


def plan(budget_hours: float, minutes_per_run: float, configs: int, sd: float) -> dict:
    """Return the runs that fit the budget, the seeds each config gets, the time used and the half-width."""
    # the 1e-9 keeps a ratio such as 3 / 0.1 = 29.999... from losing a whole run to rounding
    runs = int(budget_hours * 60 / minutes_per_run + 1e-9)
    seeds = runs // configs
    return {"runs": runs, "seeds": seeds, "hours_used": configs * seeds * minutes_per_run / 60,
            "half_width": ci_half_width(sd, seeds)}


def _seeds_shown(seeds: int) -> np.ndarray:
    """Return the seed counts to draw: 1 to 40, or a quarter beyond the plan (at most 400)."""
    return np.arange(1, min(max(MIN_SEEDS_SHOWN, seeds + seeds // 4 + 1), MAX_SEEDS_SHOWN) + 1)


def _draw_fit(ax, runs: int, configs: int, seeds: int) -> None:
    """Draw how many configs fit at each seed count, and mark the chosen plan."""
    n = _seeds_shown(seeds)
    ax.bar(n, runs // n, width=0.8, color="tab:blue", alpha=0.5, label="most configs that fit")
    ax.axhline(configs, color="0.3", linestyle=":", label=f"your {configs} configs")
    if seeds >= 1:
        ax.plot(seeds, configs, "o", color="tab:red", label=f"{seeds} seed{'s' if seeds > 1 else ''} each")
    ax.set_ylim(0, max(2 * configs, 10))
    ax.set_title(f"What fits: {runs} runs in the budget")
    ax.set_xlabel("seeds per config")
    ax.set_ylabel("configs")
    ax.legend(fontsize=9)


def _draw_width(ax, sd: float, seeds: int) -> None:
    """Draw the expected 95% CI half-width against seeds, solid where the budget allows it."""
    n = _seeds_shown(seeds)[1:]
    width = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)   # ci_half_width for every n at once
    ax.plot(n, width, color="0.7", linestyle="--", label="over budget")
    allowed = n <= seeds
    ax.plot(n[allowed], width[allowed], color="tab:blue", label="fits the budget")
    if seeds >= 2:
        ax.plot(seeds, ci_half_width(sd, seeds), "o", color="tab:red")
    ax.set_ylim(0, ci_half_width(sd, 3) * 1.1)   # 2 seeds (12.7 x sd / 1.41) would flatten the rest
    ax.set_title(f"How sure: 95% CI half-width, seed sd {sd:.2f}")
    ax.set_xlabel("seeds per config")
    ax.set_ylabel("half-width (points)")
    ax.legend(fontsize=9)


def draw_plan(fig, budget_hours: float, minutes_per_run: float, configs: int, sd: float) -> str:
    """Draw what fits the budget and the interval it buys; return a one-line caption."""
    p = plan(budget_hours, minutes_per_run, configs, sd)
    left, right = fig.subplots(1, 2)
    _draw_fit(left, p["runs"], configs, p["seeds"])
    _draw_width(right, sd, p["seeds"])
    head = f"{budget_hours:g} h at {minutes_per_run:g} min per run: {p['runs']} runs fit"
    if p["seeds"] < 2:
        each = "no run" if p["seeds"] == 0 else "1 seed"
        return (f"{head}, so {configs} configs get {each} each: too few for an interval. "
                "Cut configs, shorten runs or grow the budget.")
    return (f"{head}; {configs} configs x {p['seeds']} seeds = {configs * p['seeds']} runs "
            f"({p['hours_used']:.1f} h). Expected 95% CI: mean +- {p['half_width']:.2f} points.")


def budget_planner(budget_hours: float = 3.0, minutes_per_run: float = 6.0, configs: int = 4,
                   sd: float = 0.5) -> Explorer:
    """Return an explorer with budget, run-time, config and seed-sd sliders over draw_plan."""
    controls = {
        "budget_hours": float_slider(budget_hours, 0.5, 48, 0.5, "budget (h)", ".1f", continuous_update=False),
        "minutes_per_run": float_slider(minutes_per_run, 0.5, 120, 0.5, "min per run", ".1f",
                                        continuous_update=False),
        "configs": int_slider(configs, 1, 20, "configs", continuous_update=False),
        "sd": float_slider(sd, 0.05, 3.0, 0.05, "seed sd", continuous_update=False),
    }
    return Explorer(draw_plan, controls, figsize=(9, 3.2), title="compute-budget planner")
