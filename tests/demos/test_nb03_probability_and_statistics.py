"""Does lesson 03's screening picture count people right, agree with Bayes' rule, and redraw on slider moves?"""
import pytest
from matplotlib.figure import Figure

from course.checks.nb03_probability_and_statistics import posterior_positive
from course.demos.nb03_probability_and_statistics import (
    draw_screening,
    natural_frequencies,
    posterior,
    screening_explorer,
)


def test_are_the_lessons_numbers_the_natural_frequencies_in_the_text():
    assert natural_frequencies(0.01, 0.99, 0.95) == {"tp": 10, "fn": 0, "fp": 50, "tn": 940}


@pytest.mark.parametrize("rates", [(0.01, 0.99, 0.95), (0.1, 0.9, 0.8), (0.001, 0.5, 0.995), (0.5, 1.0, 1.0)])
def test_do_the_four_groups_add_up_to_everybody_and_to_the_ill(rates):
    counts = natural_frequencies(*rates)
    assert sum(counts.values()) == 1000 and min(counts.values()) >= 0
    assert counts["tp"] + counts["fn"] == round(1000 * rates[0])


def test_does_the_demo_use_the_same_bayes_rule_as_the_exercise():
    for rates in [(0.01, 0.99, 0.95), (0.2, 0.7, 0.6), (0.003, 0.8, 0.999)]:
        assert posterior(*rates) == pytest.approx(posterior_positive(*rates))


def test_does_the_caption_give_the_counts_and_the_exact_posterior():
    fig = Figure()
    caption = draw_screening(fig, 0.01, 0.99, 0.95)
    assert caption == ("1000 people: 10 ill (10 test positive), 990 healthy (50 test positive). Ill among the "
                       "positives: 10 / 60 in whole people; Bayes' rule gives exactly 0.167.")
    grid_ax, bar_ax = fig.axes
    assert len(grid_ax.collections[0].get_offsets()) == 1000
    assert [bar.get_height() for bar in bar_ax.patches] == [10, 50]
    assert fig._suptitle.get_text() == "P(disease | positive) = 0.167"


def test_does_a_test_nobody_fails_say_so_instead_of_dividing_by_zero():
    caption = draw_screening(Figure(), 0.001, 0.5, 1.0)
    assert "undefined (nobody tests positive)" in caption


def test_does_moving_a_slider_redraw_with_the_new_posterior():
    explorer = screening_explorer()
    assert explorer.caption.value.endswith("exactly 0.167.")
    explorer.controls["specificity"].value = 0.99
    assert "990 healthy (10 test positive)" in explorer.caption.value
    assert explorer.caption.value.endswith("exactly 0.500.")
    explorer.controls["prevalence"].value = 0.1
    assert explorer.caption.value.startswith("1000 people: 100 ill (99 test positive)")
    assert explorer.png.startswith(b"\x89PNG")
