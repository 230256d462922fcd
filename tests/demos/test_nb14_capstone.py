"""Does lesson 14's seed explorer compute the interval from the chosen seeds only?"""
import numpy as np
from matplotlib.figure import Figure

from course.demos.nb14_capstone import draw_seed_subset, seed_explorer
from course.stats import mean_ci

RUNS = {
    "baseline": np.array([95.0, 96.0, 95.5, 96.5, 95.0, 96.0]),
    "treatment": np.array([96.0, 95.5, 96.5, 97.5, 96.0, 97.0]),
}


def test_does_the_caption_use_only_the_first_n_seeds():
    caption = draw_seed_subset(Figure(), RUNS, ("treatment", "baseline"), 3)
    mean, low, high = mean_ci([1.0, -0.5, 1.0])
    assert caption == (f"With the first 3 seeds, treatment - baseline = {mean:+.2f} points, 95% interval "
                       f"[{low:+.2f}, {high:+.2f}], which includes 0: these seeds alone would not decide.")


def test_does_an_interval_clear_of_zero_say_so():
    _, low, _ = mean_ci(RUNS["treatment"] - RUNS["baseline"])
    assert low > 0  # all six seeds: the interval is clear of 0
    assert draw_seed_subset(Figure(), RUNS, ("treatment", "baseline"), 6).endswith("which excludes 0.")


def test_does_the_figure_label_its_axes_and_mark_used_and_unused_seeds():
    fig = Figure()
    draw_seed_subset(fig, RUNS, ("treatment", "baseline"), 4)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    labels = [line.get_label() for line in ax.get_lines()]
    assert "the first 4 seeds" in labels and "seeds not used yet" in labels


def test_does_the_explorer_redraw_when_the_slider_or_the_comparison_changes():
    runs = {**RUNS, "ablation": RUNS["baseline"] + 2.0}
    explorer = seed_explorer(runs, [("treatment", "baseline"), ("ablation", "baseline")])
    assert explorer.caption.value.startswith("With the first 6 seeds, treatment - baseline")
    explorer.controls["n_seeds"].value = 2
    assert explorer.caption.value.startswith("With the first 2 seeds")
    explorer.controls["comparison"].value = ("ablation", "baseline")
    assert "ablation - baseline = +2.00 points" in explorer.caption.value
