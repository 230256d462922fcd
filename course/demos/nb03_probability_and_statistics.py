"""Lesson 03's demo: a screening test as natural frequencies, with sliders for its three rates."""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from course.controls import float_slider, log_slider
from course.explore import Explorer

# (key, legend label, colour): people with the disease first, so they sit together in the grid
GROUPS = [
    ("tp", "ill, tests positive", "#b71c1c"),
    ("fn", "ill, tests negative", "#f9a825"),
    ("fp", "healthy, tests positive", "#1e88e5"),
    ("tn", "healthy, tests negative", "#d9d9d9"),
]


def natural_frequencies(prevalence: float, sensitivity: float, specificity: float,
                        people: int = 1000) -> dict[str, int]:
    """Return how many of `people` are true/false positives/negatives, rounded to whole people."""
    ill = round(people * prevalence)
    tp = round(ill * sensitivity)
    fp = round((people - ill) * (1 - specificity))
    return {"tp": tp, "fn": ill - tp, "fp": fp, "tn": people - ill - fp}


def posterior(prevalence: float, sensitivity: float, specificity: float) -> float:
    """Return P(disease | positive) by Bayes' rule."""
    true_pos = sensitivity * prevalence
    false_pos = (1 - specificity) * (1 - prevalence)
    return true_pos / (true_pos + false_pos)


def _draw_grid(ax, counts: dict[str, int], rows: int = 20) -> None:
    """One dot per person, filled column by column in the order of GROUPS."""
    colours = np.concatenate([[colour] * counts[key] for key, _, colour in GROUPS])
    index = np.arange(len(colours))
    ax.scatter(index // rows, rows - 1 - index % rows, c=colours, s=26, marker="s", linewidths=0)
    ax.set_xlim(-0.8, -(-len(colours) // rows) - 0.2)
    ax.set_ylim(-0.8, rows - 0.2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(f"{len(colours)} people, one square each")
    handles = [Line2D([], [], marker="s", ls="", color=colour, label=f"{label}: {counts[key]}")
               for key, label, colour in GROUPS]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=2, fontsize=9, frameon=False)


def _draw_positives(ax, counts: dict[str, int]) -> None:
    """Bars of the people who test positive: ill ones and healthy ones."""
    tp, fp = counts["tp"], counts["fp"]
    ax.bar(["ill", "healthy"], [tp, fp], color=[GROUPS[0][2], GROUPS[2][2]])
    for x, count in enumerate([tp, fp]):
        ax.text(x, count, str(count), ha="center", va="bottom", fontsize=9)
    ax.set_title(f"The {tp + fp} positives", fontsize=10)
    ax.set_ylabel("people who test positive")
    ax.margins(y=0.15)


def draw_screening(fig, prevalence: float, sensitivity: float, specificity: float) -> str:
    """Draw 1000 people as natural frequencies and the positives; return a caption with P(disease | positive)."""
    counts = natural_frequencies(prevalence, sensitivity, specificity)
    grid_ax, bar_ax = fig.subplots(1, 2, width_ratios=[3, 1])
    _draw_grid(grid_ax, counts)
    _draw_positives(bar_ax, counts)
    ill, positives = counts["tp"] + counts["fn"], counts["tp"] + counts["fp"]
    exact = posterior(prevalence, sensitivity, specificity)
    fig.suptitle(f"P(disease | positive) = {exact:.3f}")
    share = f"{counts['tp']} / {positives}" if positives else "undefined (nobody tests positive)"
    return (f"1000 people: {ill} ill ({counts['tp']} test positive), {1000 - ill} healthy ({counts['fp']} test "
            f"positive). Ill among the positives: {share} in whole people; Bayes' rule gives exactly {exact:.3f}.")


def screening_explorer(prevalence: float = 0.01, sensitivity: float = 0.99, specificity: float = 0.95) -> Explorer:
    """Return sliders for the three rates above the natural-frequency picture."""
    controls = {
        "prevalence": log_slider(prevalence, -3, -0.3, 0.05, "prevalence", readout_format=".3f"),
        "sensitivity": float_slider(sensitivity, 0.5, 1.0, 0.01, "sensitivity"),
        "specificity": float_slider(specificity, 0.5, 1.0, 0.005, "specificity", ".3f"),
    }
    return Explorer(draw_screening, controls, figsize=(9, 3.6), title="a screening test in natural frequencies")
