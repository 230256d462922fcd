"""Lesson 02's demo: gradient descent on f(x) = 1/2 (x1^2 + 25 x2^2), with learning-rate and momentum sliders."""
from __future__ import annotations

import numpy as np

from course.controls import float_slider
from course.explore import Explorer

CURVATURES = (1.0, 25.0)   # the Hessian's diagonal: L = 25 (steepest), mu = 1 (flattest)
START = (-4.0, 1.0)
XLIM, YLIM = (-5.0, 5.0), (-2.0, 2.0)
TOL = 1e-6                 # "converged": distance to the minimum below a millionth of the starting distance
MAX_STEPS = 2000


def plot_quadratic_contours(ax, curvatures=CURVATURES, xlim=XLIM, ylim=YLIM):
    """Draw contour lines of f(x) = 1/2 sum_i c_i x_i^2 with the minimum marked; return the axes."""
    x1, x2 = np.meshgrid(np.linspace(*xlim, 201), np.linspace(*ylim, 201))
    f = 0.5 * (curvatures[0] * x1**2 + curvatures[1] * x2**2)
    ax.contour(x1, x2, f, levels=[0.125, 0.5, 1, 2, 4, 8, 16, 32], colors="0.7", linewidths=0.8)
    ax.plot(0, 0, marker="*", color="black", markersize=10, linestyle="none")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")   # so that "perpendicular to the contours" looks perpendicular
    ax.set_xlabel("$x_1$ (curvature 1)")
    ax.set_ylabel("$x_2$ (curvature 25)")
    return ax


def descent_path(lr: float, momentum: float = 0.0, steps: int = 60, start=START, curvatures=CURVATURES):
    """Return heavy-ball iterates on the quadratic: row 0 is the start, one row per step."""
    c = np.asarray(curvatures, dtype=float)
    x, v = np.array(start, dtype=float), np.zeros(len(c))
    path = [x]
    for _ in range(steps):
        v = momentum * v - lr * c * x   # the gradient of 1/2 sum c_i x_i^2 is c * x
        x = x + v
        path.append(x)
    return np.array(path)


def steps_to_converge(path, tol: float = TOL):
    """Return the first step whose distance to the minimum is below tol times the start's, or None."""
    distance = np.linalg.norm(path, axis=1)
    below = np.flatnonzero(distance < tol * distance[0])
    return int(below[0]) if len(below) else None


def rate_per_step(lr: float, momentum: float = 0.0, curvatures=CURVATURES) -> float:
    """Return the factor by which the distance to the minimum eventually changes per step."""
    # Along curvature c, heavy ball multiplies (x_t, x_t-1) by a 2x2 matrix whose eigenvalues
    # solve r^2 - (1 + momentum - lr c) r + momentum = 0; the largest |r| sets the pace.
    return max(np.abs(np.roots([1.0, -(1 + momentum - lr * c), momentum])).max() for c in curvatures)


def verdict(lr: float, momentum: float) -> str:
    """Return one sentence saying whether gradient descent converges, oscillates or diverges."""
    rate = rate_per_step(lr, momentum)
    if rate > 1 + 1e-9:
        return f"diverges: the distance to the minimum grows {rate:.3f}x per step"
    if rate > 1 - 1e-9:
        return "oscillates for ever at the edge of stability, neither converging nor diverging"
    n = steps_to_converge(descent_path(lr, momentum, MAX_STEPS))
    when = f"after {n} steps" if n is not None else f"only after more than {MAX_STEPS} steps"
    return f"converges: the distance shrinks {rate:.3f}x per step and reaches a millionth of its start {when}"


def draw_descent(fig, lr: float, momentum: float = 0.0, steps: int = 60) -> str:
    """Draw the path on the contours and its distance to the minimum per step; return a caption."""
    path = descent_path(lr, momentum, steps)
    left, right = fig.subplots(1, 2, width_ratios=[1.6, 1])
    plot_quadratic_contours(left)
    far = np.flatnonzero(np.abs(path).max(axis=1) > 10)   # stop drawing once the path leaves the map
    shown = path[: far[0] + 1] if len(far) else path
    left.plot(shown[:, 0], shown[:, 1], "o-", color="tab:red", markersize=3, linewidth=1)
    left.set_title(f"{steps} steps, learning rate {lr:.3f}, momentum {momentum:.2f}")
    right.semilogy(np.linalg.norm(path, axis=1), color="tab:red")
    right.set_title("distance to the minimum")
    right.set_xlabel("step")
    right.set_ylabel("distance (log scale)")
    limit = 2 * (1 + momentum) / max(CURVATURES)
    return f"Learning rate {lr:.3f}, momentum {momentum:.2f}: {verdict(lr, momentum)}. " \
           f"Stability limit 2(1 + momentum)/L = {limit:.3f}."


def learning_rate_explorer(lr: float = 0.07, momentum: float = 0.0) -> Explorer:
    """Return an explorer with learning-rate and momentum sliders over draw_descent."""
    controls = {
        "lr": float_slider(lr, 0.005, 0.12, 0.001, "learning rate", ".3f", continuous_update=False),
        "momentum": float_slider(momentum, 0.0, 0.95, 0.05, "momentum", continuous_update=False),
    }
    return Explorer(draw_descent, controls, figsize=(9, 3.4), title="gradient descent on the quadratic")
