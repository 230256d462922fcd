"""Does lesson 10's attack explorer show the right digits, readings and curve values?"""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course import mlp
from course.checks.nb10_robustness_adversarial_examples import digits_network, input_gradient
from course.demos.nb10_robustness_adversarial_examples import attack_explorer, draw_attack, plot_accuracy_curves

EPS_GRID = np.array([0.0, 0.1, 0.2])
CURVES = (EPS_GRID, np.array([0.97, 0.5, 0.04]), np.array([0.97, 0.96, 0.93]), 0.97)


@pytest.fixture(scope="module")
def attack():
    params, X, y = digits_network()
    X, y = X[:20], y[:20]
    directions = np.sign(input_gradient(params, X, y))
    noise = np.random.default_rng(0).choice([-1.0, 1.0], size=X.shape)
    return params, X, y, directions, noise


def reading(params, image):
    proba = mlp.predict_proba(params, image[None, :])[0]
    return f"read as {proba.argmax()} ({proba.max():.2f})"


def test_does_the_caption_report_both_readings_and_the_accuracies_at_eps(attack):
    params, X, y, directions, noise = attack
    caption = draw_attack(Figure(), params, X[2], y[2], directions[2], noise[2], 0.1, CURVES)
    attacked = np.clip(X[2] + 0.1 * directions[2], 0, 1)
    noisy = np.clip(X[2] + 0.1 * noise[2], 0, 1)
    assert caption == (f"eps = 0.10: this {y[2]} is {reading(params, attacked)} after FGSM and {reading(params, noisy)} "
                       "after random noise of the same size. Over all test digits: 50.0% right under FGSM, 96.0% "
                       "under random noise, 97.0% clean.")


def test_does_the_lessons_example_flip_under_fgsm_but_not_under_noise(attack):
    """Is test digit 2 (a 9) the example the lesson describes: sure when clean, fooled by FGSM, not by noise?"""
    params, X, y, directions, noise = attack
    caption = draw_attack(Figure(), params, X[2], y[2], directions[2], noise[2], 0.1, CURVES)
    assert caption.startswith("eps = 0.10: this 9 is read as 5 (0.67) after FGSM and read as 9 (1.00) after random")


def test_does_eps_zero_change_nothing(attack):
    params, X, y, directions, noise = attack
    caption = draw_attack(Figure(), params, X[0], y[0], directions[0], noise[0], 0.0, CURVES)
    clean = reading(params, X[0])
    assert f"is {clean} after FGSM and {clean} after random noise" in caption
    assert "97.0% right under FGSM" in caption


def test_are_the_panels_the_digits_the_change_within_eps_and_the_curves(attack):
    params, X, y, directions, noise = attack
    fig = Figure()
    draw_attack(fig, params, X[3], y[3], directions[3], noise[3], 0.2, CURVES)
    assert len(fig.axes) == 5
    change = fig.axes[1].images[0].get_array()
    assert np.abs(change).max() <= 0.2 + 1e-12 and np.abs(change).max() > 0.19
    shown = fig.axes[2].images[0].get_array()
    assert shown.min() >= 0 and shown.max() <= 1
    curve_ax = fig.axes[4]
    assert curve_ax.get_xlabel().startswith("epsilon") and curve_ax.get_ylabel() == "test accuracy (%)"


def test_do_the_curves_mark_the_chosen_eps_on_both_lines():
    ax = Figure().subplots()
    plot_accuracy_curves(ax, *CURVES[:3], CURVES[3], eps=0.1)
    markers = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(markers) == 1
    np.testing.assert_allclose(markers[0].get_xydata(), [[0.1, 96.0], [0.1, 50.0]])
    assert [text.get_text() for text in ax.get_legend().get_texts()][:2] == ["random ±eps noise", "FGSM"]


def test_do_the_sliders_redraw_the_explorer(attack):
    params, X, y, directions, noise = attack
    explorer = attack_explorer(params, X, y, directions, noise, CURVES, index=2)
    assert explorer.caption.value.startswith("eps = 0.10: this 9")
    explorer.controls["eps"].value = 0.2
    assert explorer.caption.value.startswith("eps = 0.20") and "4.0% right under FGSM" in explorer.caption.value
    explorer.controls["index"].value = 0
    assert f"this {y[0]} is" in explorer.caption.value
    assert explorer.png.startswith(b"\x89PNG")


def test_does_the_same_setting_draw_the_same_caption_twice(attack):
    params, X, y, directions, noise = attack
    first = draw_attack(Figure(), params, X[5], y[5], directions[5], noise[5], 0.1, CURVES)
    assert draw_attack(Figure(), params, X[5], y[5], directions[5], noise[5], 0.1, CURVES) == first
