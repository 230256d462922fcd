"""Does lesson 05's polynomial explorer fit, score and caption correctly, and redraw on every slider?"""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course.demos.nb05_generalization import MAX_DEGREE, draw_fit, errors_by_degree, fit_explorer, predict, ridge_poly

RNG = np.random.default_rng(0)
X_TRAIN = RNG.uniform(-1, 1, 20)
Y_TRAIN = np.sin(np.pi * X_TRAIN) + RNG.normal(0, 0.2, 20)
X_TEST = RNG.uniform(-1, 1, 300)
Y_TEST = np.sin(np.pi * X_TEST) + RNG.normal(0, 0.2, 300)


def test_does_a_tiny_penalty_give_least_squares():
    w = ridge_poly(X_TRAIN, Y_TRAIN, 5, 0.0)
    expected, *_ = np.linalg.lstsq(np.vander(X_TRAIN, 6, increasing=True), Y_TRAIN, rcond=None)
    assert np.allclose(w, expected)


def test_does_an_exact_polynomial_come_back():
    x = np.linspace(-1, 1, 9)
    assert np.allclose(ridge_poly(x, 1 - 2 * x + 3 * x ** 2, 2, 0.0), [1, -2, 3])
    assert np.allclose(predict(np.array([1.0, -2.0, 3.0]), np.array([2.0])), [9.0])


def test_does_a_huge_penalty_leave_only_the_unpenalised_mean():
    w = ridge_poly(X_TRAIN, Y_TRAIN, 15, 1e12)
    assert w[0] == pytest.approx(Y_TRAIN.mean(), abs=1e-6)
    assert np.abs(w[1:]).max() < 1e-6


def test_does_training_error_fall_with_degree_and_test_error_rise_at_the_end():
    errors = errors_by_degree(X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, 1e-12)
    assert errors.shape == (MAX_DEGREE, 2)
    assert np.all(np.diff(errors[:, 0]) <= 1e-9)           # more freedom never fits the same points worse
    assert errors[-1, 1] > 100 * errors[:, 1].min()        # degree 15 overfits by orders of magnitude


def test_does_ridge_bring_the_degree_15_test_error_down():
    weak = errors_by_degree(X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, 1e-12)[-1, 1]
    ridge = errors_by_degree(X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, 1e-3)[-1, 1]
    assert ridge < 0.2 < 100 < weak


def test_does_the_caption_report_the_errors_of_the_chosen_degree():
    fig = Figure()
    caption = draw_fit(fig, X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, 3, 1e-3)
    train, test = errors_by_degree(X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, 1e-3)[2]
    assert caption.startswith(f"Degree 3, λ = 1e-03: train MSE {train:.3f}, test MSE {test:.3g}")
    left, right = fig.axes
    assert left.get_title() and left.get_xlabel() == "x" and right.get_xlabel() == "polynomial degree"


def test_do_the_sliders_redraw_the_figure_and_caption():
    explorer = fit_explorer(X_TRAIN, Y_TRAIN, X_TEST, Y_TEST)
    assert explorer.caption.value.startswith("Degree 15, λ = 1e-12")
    first = explorer.png
    explorer.controls["lam"].value = 1e-3
    assert explorer.caption.value.startswith("Degree 15, λ = 1e-03") and explorer.png != first
    explorer.controls["degree"].value = 4
    assert explorer.caption.value.startswith("Degree 4, λ = 1e-03")
