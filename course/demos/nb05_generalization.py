"""Lesson 05's demo: a polynomial fit with a degree slider and a ridge-strength slider."""
from __future__ import annotations

import numpy as np

from course.controls import int_slider, log_slider
from course.explore import Explorer

MAX_DEGREE = 15


def ridge_poly(x, y, degree: int, lam: float) -> np.ndarray:
    """Return polynomial coefficients (constant first) minimising squared error + lam * sum of w[1:]**2."""
    A = np.vander(np.asarray(x, dtype=float), degree + 1, increasing=True)
    # ridge as least squares on extra rows sqrt(lam) * w_j = 0; no row for the constant term
    penalty = np.sqrt(lam) * np.eye(degree + 1)[1:]
    w, *_ = np.linalg.lstsq(np.vstack([A, penalty]), np.concatenate([y, np.zeros(degree)]), rcond=None)
    return w


def predict(w, x) -> np.ndarray:
    """Return the polynomial with coefficients w (constant first) evaluated at x."""
    return np.vander(np.asarray(x, dtype=float), len(w), increasing=True) @ w


def errors_by_degree(x_train, y_train, x_test, y_test, lam: float) -> np.ndarray:
    """Return an array of (train MSE, test MSE) rows for degrees 1 to MAX_DEGREE."""
    rows = []
    for degree in range(1, MAX_DEGREE + 1):
        w = ridge_poly(x_train, y_train, degree, lam)
        rows.append((np.mean((predict(w, x_train) - y_train) ** 2), np.mean((predict(w, x_test) - y_test) ** 2)))
    return np.array(rows)


def _draw_curve(ax, x_train, y_train, x_test, y_test, w, degree):
    grid = np.linspace(-1, 1, 400)
    ax.scatter(x_test, y_test, s=3, color="0.75", label="test points")
    ax.scatter(x_train, y_train, s=22, color="tab:blue", zorder=3, label="training points")
    ax.plot(grid, predict(w, grid), color="tab:red", label=f"degree-{degree} fit")
    ax.set_ylim(-2, 2)  # a wild fit leaves the frame instead of squashing the data flat
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("The fit and the data")
    ax.legend(loc="upper left", fontsize=9)


def _draw_errors(ax, errors, degree, lam):
    degrees = np.arange(1, MAX_DEGREE + 1)
    ax.semilogy(degrees, errors[:, 0], "o-", ms=3, label="train MSE")
    ax.semilogy(degrees, errors[:, 1], "s--", ms=3, label="test MSE")
    ax.axvline(degree, color="0.5", ls=":", label="this degree")
    ax.set_xlabel("polynomial degree")
    ax.set_ylabel("mean squared error (log scale)")
    ax.set_title(f"Error by degree at λ = {lam:.0e}")
    ax.legend(fontsize=9, loc="best")


def draw_fit(fig, x_train, y_train, x_test, y_test, degree: int, lam: float) -> str:
    """Draw the fit (left) and train/test error by degree (right); return a caption with the errors."""
    w = ridge_poly(x_train, y_train, degree, lam)
    errors = errors_by_degree(x_train, y_train, x_test, y_test, lam)
    left, right = fig.subplots(1, 2)
    _draw_curve(left, x_train, y_train, x_test, y_test, w, degree)
    _draw_errors(right, errors, degree, lam)
    train, test = errors[degree - 1]
    return (f"Degree {degree}, λ = {lam:.0e}: train MSE {train:.3f}, test MSE {test:.3g}, "
            f"largest coefficient {np.abs(w).max():.3g}.")


def fit_explorer(x_train, y_train, x_test, y_test, degree: int = MAX_DEGREE, lam: float = 1e-12) -> Explorer:
    """Return an explorer with a degree slider and a ridge-strength (λ) slider."""
    controls = {
        "degree": int_slider(degree, 1, MAX_DEGREE, "degree"),
        "lam": log_slider(lam, -12, 1, 1, "λ", readout_format=".0e"),
    }

    def draw(fig, degree, lam):
        return draw_fit(fig, x_train, y_train, x_test, y_test, degree, lam)

    return Explorer(draw, controls, figsize=(9, 3.4), title="polynomial degree and ridge strength")
