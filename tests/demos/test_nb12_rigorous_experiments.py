"""Does lesson 12's power explorer compute power and interval widths right, draw both panels and caption them?"""
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats

from course.demos.nb12_rigorous_experiments import (
    ci_half_width,
    draw_power,
    paired_t_power,
    power_explorer,
    seeds_for_power,
    simulated_intervals,
)


def simulated_power(seeds, effect, sd, experiments=40_000):
    """Power of a two-sided paired t-test at 5%, by brute-force simulation."""
    diffs = np.random.default_rng(1).normal(effect, sd, (experiments, seeds))
    t = diffs.mean(axis=1) / (diffs.std(axis=1, ddof=1) / np.sqrt(seeds))
    return (np.abs(t) > stats.t.ppf(0.975, seeds - 1)).mean()


@pytest.mark.parametrize("seeds, effect, sd", [(10, 0.5, 0.68), (3, 1.0, 0.5), (25, 0.25, 0.6), (5, -0.4, 0.3)])
def test_does_the_exact_power_match_a_simulation(seeds, effect, sd):
    assert paired_t_power(seeds, effect, sd) == pytest.approx(simulated_power(seeds, effect, sd), abs=0.01)


def test_is_the_power_for_no_difference_the_false_positive_rate():
    assert paired_t_power(10, 0.0, 0.7) == pytest.approx(0.05, abs=1e-9)
    assert paired_t_power(10, 0.0, 0.7, alpha=0.1) == pytest.approx(0.1, abs=1e-9)


def test_does_the_interval_half_width_follow_t_times_the_standard_error():
    assert ci_half_width(10, 0.68) == pytest.approx(2.262157 * 0.68 / np.sqrt(10), rel=1e-6)
    assert ci_half_width(40, 0.68) < ci_half_width(10, 0.68) / 1.9  # four times the seeds, about half the width


@pytest.mark.parametrize("effect, sd, target", [(0.5, 0.68, 0.8), (0.25, 0.68, 0.8), (1.0, 0.2, 0.9), (0.1, 1.0, 0.8)])
def test_is_seeds_for_power_the_fewest_that_reach_the_target(effect, sd, target):
    n = seeds_for_power(effect, sd, target)
    assert paired_t_power(n, effect, sd) >= target
    assert n == 2 or paired_t_power(n - 1, effect, sd) < target


def test_does_seeds_for_power_give_up_when_no_budget_could_reach_it():
    assert seeds_for_power(0.0, 0.5) is None
    assert seeds_for_power(0.01, 2.0, most=1000) is None


def test_are_the_simulated_intervals_the_same_every_time_and_about_as_often_above_zero_as_the_power():
    first, again = (simulated_intervals(10, 0.5, 0.68, experiments=2000) for _ in range(2))
    assert all(np.array_equal(x, y) for x, y in zip(first, again))
    means, half = first
    assert (means - half > 0).mean() == pytest.approx(paired_t_power(10, 0.5, 0.68), abs=0.03)


def test_does_the_drawing_show_both_panels_and_caption_the_plan():
    fig = Figure()
    caption = draw_power(fig, seeds=10, effect=0.5, sd=0.68)
    assert caption.startswith("10 seeds, seed-to-seed sd of the difference 0.68 points: a true difference of "
                              "0.50 is detected with probability 0.55")
    assert "80% power needs 17 seeds" in caption and "about +-0.49 points" in caption
    power_ax, interval_ax = fig.axes
    assert power_ax.get_xlabel() and power_ax.get_ylabel() and power_ax.get_title()
    assert interval_ax.get_xlabel() and len(interval_ax.collections) == 1  # the 40 intervals


def test_does_a_zero_difference_get_a_false_positive_caption():
    caption = draw_power(Figure(), seeds=10, effect=0.0, sd=0.68)
    assert "with no true difference, 5% of experiments still 'find' one" in caption


def test_does_the_explorer_redraw_when_a_slider_moves():
    explorer = power_explorer(seeds=10, effect=0.5, sd=0.68)
    assert "detected with probability 0.55" in explorer.caption.value
    explorer.controls["seeds"].value = 20
    assert explorer.caption.value.startswith("20 seeds") and "probability 0.8" in explorer.caption.value
    explorer.controls["effect"].value = 0.25
    assert "a true difference of 0.25" in explorer.caption.value
