"""Does lesson 02's learning-rate explorer draw the right path and tell convergence from divergence?"""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course.demos.nb02_calculus_and_gradient_descent import (
    descent_path,
    draw_descent,
    learning_rate_explorer,
    rate_per_step,
    steps_to_converge,
    verdict,
)


def test_does_the_path_follow_the_update_rule_by_hand():
    path = descent_path(0.07, momentum=0.0, steps=2)
    assert np.allclose(path[0], [-4.0, 1.0])
    assert np.allclose(path[1], [-4.0 * 0.93, 1.0 * (1 - 0.07 * 25)])
    with_momentum = descent_path(0.07, momentum=0.5, steps=2)
    step1 = with_momentum[1] - with_momentum[0]
    assert np.allclose(with_momentum[2], with_momentum[1] + 0.5 * step1 - 0.07 * np.array([1, 25]) * with_momentum[1])


@pytest.mark.parametrize("lr, momentum, steps", [(0.07, 0.0, 190), (0.07, 0.5, 72)])
def test_are_the_lessons_step_counts_reproduced(lr, momentum, steps):
    assert steps_to_converge(descent_path(lr, momentum, 2000)) == steps


@pytest.mark.parametrize("lr, momentum, expected", [
    (0.079, 0.0, "converges"),
    (0.08, 0.0, "oscillates for ever"),
    (0.081, 0.0, "diverges"),
    (0.1, 0.3, "converges"),     # momentum widens the limit to 2(1 + 0.3)/25 = 0.104
    (0.11, 0.3, "diverges"),
    (0.005, 0.0, "only after more than 2000 steps"),
])
def test_does_the_verdict_follow_the_limit_2_1_plus_momentum_over_l(lr, momentum, expected):
    assert expected in verdict(lr, momentum)


def test_does_the_rate_match_the_factor_worked_out_by_hand():
    assert rate_per_step(0.07) == pytest.approx(0.93)          # x1 shrinks by 1 - 0.07, x2 by |1 - 1.75|
    assert rate_per_step(0.081) == pytest.approx(1.025)        # x2 grows by |1 - 0.081 * 25|
    assert rate_per_step(4 / 36, 4 / 9) == pytest.approx(2 / 3, abs=1e-6)   # tuned heavy ball: (5 - 1) / (5 + 1)


def test_does_the_figure_show_the_path_and_its_distance():
    fig = Figure()
    caption = draw_descent(fig, 0.07, 0.0)
    left, right = fig.axes
    assert "converges" in caption and "Stability limit 2(1 + momentum)/L = 0.080" in caption
    assert len(left.lines[-1].get_xdata()) == 61 and len(right.lines[0].get_ydata()) == 61
    assert right.get_yscale() == "log" and left.get_xlabel() and right.get_xlabel() == "step"


def test_does_a_diverging_path_stop_being_drawn_once_it_leaves_the_map():
    fig = Figure()
    caption = draw_descent(fig, 0.12, 0.0)
    assert caption.startswith("Learning rate 0.120, momentum 0.00: diverges: the distance to the minimum grows 2.000x")
    assert np.abs(fig.axes[0].lines[-1].get_ydata()[:-1]).max() <= 10


def test_do_the_sliders_redraw_and_update_the_caption():
    explorer = learning_rate_explorer()
    assert "converges" in explorer.caption.value and explorer.png
    explorer.controls["lr"].value = 0.081
    assert "diverges" in explorer.caption.value
    explorer.controls["momentum"].value = 0.5
    assert "converges" in explorer.caption.value and "= 0.120" in explorer.caption.value
