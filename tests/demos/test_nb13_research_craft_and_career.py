"""Does lesson 13's budget planner count runs and seeds right, and predict the interval it buys?"""
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from course.demos.nb13_research_craft_and_career import budget_planner, ci_half_width, draw_plan, plan
from course.stats import mean_ci


def test_does_the_half_width_match_the_t_table_by_hand():
    assert ci_half_width(1.0, 2) == pytest.approx(12.706 / math.sqrt(2), rel=1e-4)
    assert ci_half_width(1.0, 5) == pytest.approx(2.776 / math.sqrt(5), rel=1e-3)
    assert ci_half_width(0.5, 10) == pytest.approx(2.262 * 0.5 / math.sqrt(10), rel=1e-3)
    assert ci_half_width(1.0, 1) == math.inf


def test_is_the_predicted_half_width_the_one_mean_ci_gives_when_the_sd_is_right():
    scores = np.array([96.0, 96.5, 97.0, 96.2, 96.8])
    mean, low, high = mean_ci(scores)
    assert ci_half_width(scores.std(ddof=1), len(scores)) == pytest.approx(high - mean)


@pytest.mark.parametrize("hours, minutes, configs, runs, seeds", [
    (3, 6, 4, 30, 7),        # the lesson's evening: 30 runs, 7 seeds for 4 configs (28 runs)
    (8, 20, 5, 24, 4),       # the self-check: round down, a fifth seed would need 25 runs
    (0.5, 0.1, 1, 300, 300),
    (1, 45, 3, 1, 0),        # not even one run per config
])
def test_does_the_plan_count_runs_and_seeds_right(hours, minutes, configs, runs, seeds):
    result = plan(hours, minutes, configs, sd=1.0)
    assert (result["runs"], result["seeds"]) == (runs, seeds)
    assert result["hours_used"] <= hours + 1e-12


def test_does_a_ratio_just_below_a_whole_number_keep_its_last_run():
    assert 0.005 * 60 / 0.1 < 3                           # floating point: 2.9999999999999996
    assert plan(0.005, 0.1, 1, sd=1.0)["runs"] == 3       # 0.3 minutes at 0.1 minutes per run
    assert plan(2.0 / 3600, 0.1 / 60, 4, sd=1.0)["runs"] == 20   # the lesson's 2 s at 0.1 s per run


def test_does_the_caption_state_the_plan_and_the_interval():
    fig = Figure()
    caption = draw_plan(fig, 3.0, 6.0, 4, 0.36)
    assert caption == ("3 h at 6 min per run: 30 runs fit; 4 configs x 7 seeds = 28 runs (2.8 h). "
                       "Expected 95% CI: mean +- 0.33 points.")
    left, right = fig.axes
    assert left.get_xlabel() == right.get_xlabel() == "seeds per config"
    assert len(left.patches) == 40 and left.patches[6].get_height() == 4   # 30 // 7 configs at 7 seeds
    assert right.get_ylabel() == "half-width (points)"


def test_does_a_budget_too_small_for_an_interval_say_so():
    caption = draw_plan(Figure(), 1.0, 30.0, 2, 0.5)
    assert caption.startswith("1 h at 30 min per run: 2 runs fit, so 2 configs get 1 seed each")
    assert "too few for an interval" in caption


def test_does_a_plan_with_many_seeds_stay_on_the_chart():
    fig = Figure()
    caption = draw_plan(fig, 24.0, 2.0, 12, 1.5)
    assert "12 configs x 60 seeds = 720 runs" in caption
    left, right = fig.axes
    assert len(left.patches) == 76 and left.get_xlim()[1] > 60   # 60 seeds plus a quarter


def test_do_the_sliders_redraw_and_update_the_caption():
    explorer = budget_planner(sd=0.36)
    assert "30 runs fit; 4 configs x 7 seeds" in explorer.caption.value and explorer.png
    explorer.controls["configs"].value = 10
    assert "10 configs x 3 seeds = 30 runs" in explorer.caption.value
    explorer.controls["budget_hours"].value = 0.5
    assert "too few for an interval" in explorer.caption.value
