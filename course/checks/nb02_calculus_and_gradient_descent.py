"""Checks for exercises/02-calculus-and-gradient-descent.ipynb: numerical gradients and gradient descent.

q1  numerical_grad(f, x, h): the gradient of f at x by central differences
q2  gradient_descent(grad, x0, lr, steps, momentum): every iterate of heavy-ball gradient descent

The functions handed to the learner's code are frozen dataclasses (data fields plus
__call__), so the instructor's grader can rebuild them in another kernel.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from course.checks import Incorrect, Question, expect_array, expect_close, expect_inputs_unchanged

NOTEBOOK = "02-calculus-and-gradient-descent"
RTOL = ATOL = 1e-6   # a central difference with h = 1e-4 errs ~1e-8 here, a forward one ~1e-4


def _point(x, d: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.shape != (d,):
        raise ValueError(f"this function takes one point, an array of shape ({d},); it got shape {x.shape}")
    return x


@dataclass(frozen=True)
class Cubic:
    """f(x) = sum_i a_i x_i^3 + 1/2 x^T B x + c^T x (B symmetric), a polynomial with a known gradient."""
    a: tuple
    B: tuple
    c: tuple

    def __call__(self, x) -> float:
        x = _point(x, len(self.a))
        return float(np.dot(self.a, x**3) + 0.5 * x @ np.array(self.B) @ x + np.dot(self.c, x))

    def gradient(self, x) -> np.ndarray:
        x = _point(x, len(self.a))
        return 3 * np.array(self.a) * x**2 + np.array(self.B) @ x + np.array(self.c)

    def __repr__(self) -> str:
        return f"f (a cubic polynomial in {len(self.a)} variable{'s' * (len(self.a) > 1)})"


@dataclass(frozen=True)
class QuadraticGrad:
    """The gradient A x - b of f(x) = 1/2 x^T A x - b^T x, with A symmetric positive definite."""
    A: tuple
    b: tuple

    def __call__(self, x) -> np.ndarray:
        return np.array(self.A) @ _point(x, len(self.b)) - np.array(self.b)

    def __repr__(self) -> str:
        return f"grad (of a quadratic in {len(self.b)} variables)"


def numerical_grad(f, x, h=1e-5):
    """Return the gradient of f at x by central differences with step h."""
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def gradient_descent(grad, x0, lr, steps, momentum=0.0):
    """Return every iterate of heavy-ball gradient descent, x0 first: shape (steps + 1, len(x0))."""
    x = np.asarray(x0, dtype=float)
    velocity = np.zeros_like(x)
    path = [x]
    for _ in range(steps):
        velocity = momentum * velocity - lr * grad(x)
        x = x + velocity
        path.append(x)
    return np.array(path)


def _data(array) -> tuple:
    """Return an array as nested tuples of Python floats: plain data the grader can send to a kernel."""
    return tuple(_data(row) for row in array) if np.ndim(array) > 1 else tuple(map(float, array))


def _random_cubic(rng, d: int) -> Cubic:
    M = rng.normal(size=(d, d))
    return Cubic(_data(rng.normal(size=d)), _data((M + M.T) / 2), _data(rng.normal(size=d)))


def _grad_cases():
    """(f, x, h): an easy 1-D case first, then random cubics; the last has a large h."""
    yield Cubic((1.0,), ((0.0,),), (0.0,)), np.array([2.0]), 1e-4
    rng = np.random.default_rng(2)
    for d in (3, 5, 8):
        yield _random_cubic(rng, d), rng.normal(size=d), 1e-4
    yield _random_cubic(rng, 4), rng.normal(size=4), 0.1


def _forward(f, x, h):
    return np.array([(f(x + h * e) - f(x)) / h for e in np.eye(len(x))])


def _close(a, b) -> bool:
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _diagnose_grad(got, f, x, h, expected, call):
    """Raise Incorrect naming the likely mistake, or the first entry that is wrong."""
    if _close(got, _forward(f, x, h)):
        raise Incorrect(f"`{call}` returned a forward difference (f(x + h e_i) - f(x)) / h: its error shrinks "
                        "only like h, and is too large here. Use the central difference "
                        "(f(x + h e_i) - f(x - h e_i)) / (2h), whose error shrinks like h².")
    if _close(got, 2 * expected):
        raise Incorrect(f"`{call}` returned twice the gradient: divide by 2h, the distance between "
                        "x + h e_i and x - h e_i, not by h.")
    if len(x) > 1 and np.ptp(got) < ATOL:
        raise Incorrect(f"`{call}` returned the same number in every entry: perturb one coordinate at a time "
                        "(x + h e_i, with e_i the i-th unit vector), not all of them at once.")
    if h >= 0.01 and _close(got, f.gradient(x)):
        raise Incorrect(f"`{call}`: with h = {h:g} a central difference on this cubic is off the exact gradient "
                        f"by h² · a_i; yours matches the exact gradient, so it seems to ignore the `h` it was given.")
    wrong = [i for i in range(len(x)) if not _close(got[i], expected[i])]
    if wrong == [len(x) - 1] and got[-1] == 0:
        raise Incorrect(f"`{call}`: the last entry is 0, and it should be {expected[-1]:.4g} (any others are "
                        "right). Does your loop visit every coordinate, `range(len(x))`?")
    if len(x) > 1 and wrong == list(range(1, len(x))):
        raise Incorrect(f"`{call}`: entry 0 is right, but later ones are not. Does x come back to its original "
                        "value after you perturb coordinate i? Perturb a copy, or restore x[i].")
    expect_close(got, expected, call, rtol=RTOL, atol=ATOL, what="gradient entries")


def check_numerical_grad(fn):
    cases = list(_grad_cases())
    for f, x, h in cases:
        # a central difference of a cubic with step h is exactly the gradient plus h² a_i
        expected = f.gradient(x) + h**2 * np.array(f.a)
        got = expect_array(fn(f, x.copy(), h), fn.last_call, shape=x.shape, kind="f")
        if not _close(got, expected):
            _diagnose_grad(got, f, x, h, expected, fn.last_call)
    # right values everywhere; now, does the call leave x as it was?
    f, x, h = cases[-1]
    fn(f, x.copy(), h)
    expect_inputs_unchanged(fn, "The lesson then compares your gradient with the analytic one at the same x: "
                                "perturbing x and not restoring it exactly (x[i] += h, then -= h, leaves "
                                "rounding) moves that point. Perturb a copy.")
    return (f"Matches the analytic gradient on {len(cases)} cubic polynomials (1 to 8 variables) to within "
            f"{ATOL:g}, a tolerance a forward difference fails.")


def _random_quadratic(rng, d: int, condition: float) -> QuadraticGrad:
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = Q @ np.diag(np.geomspace(1, condition, d)) @ Q.T
    return QuadraticGrad(_data((A + A.T) / 2), _data(rng.normal(size=d)))


def _descent_cases():
    """(grad, x0, lr, steps, momentum, what the case shows)."""
    lesson = QuadraticGrad(((1.0, 0.0), (0.0, 25.0)), (0.0, 0.0))
    start = np.array([-4.0, 1.0])
    yield lesson, start, 0.07, 30, 0.0, "the lesson's quadratic, L = 25"
    yield lesson, start, 0.076, 200, 0.0, "lr = 0.076 is below 2/L = 0.08, so the iterates must approach the minimum"
    yield lesson, start, 0.084, 50, 0.0, "lr = 0.084 is above 2/L = 0.08, so the iterates must move away"
    rng = np.random.default_rng(3)
    yield _random_quadratic(rng, 3, 10.0), rng.normal(size=3), 0.1, 40, 0.5, "a 3-variable quadratic, L = 10"
    yield _random_quadratic(rng, 4, 50.0), rng.normal(size=4), 0.01, 60, 0.9, "a 4-variable quadratic, L = 50"
    yield lesson, start, 0.07, 0, 0.9, "zero steps: only x0"


def _diagnose_path(got, expected, case, call):
    """Raise Incorrect naming the likely mistake, or the first row that is wrong."""
    grad, x0, lr, steps, momentum, about = case
    if got.shape == x0.shape:
        raise Incorrect(f"`{call}` returned a single point; return every iterate, x0 first: an array of shape "
                        f"(steps + 1, {len(x0)}) = {expected.shape}.")
    if got.ndim == 2 and got.shape[1] == len(x0) and len(got) != steps + 1:
        raise Incorrect(f"`{call}` returned {len(got)} rows for steps={steps}; expected steps + 1 = {steps + 1}: "
                        "x0 first, then one row after each step.")
    expect_array(got, call, shape=expected.shape, kind="f")   # any other shape: say which was expected
    if steps > 1 and _close(got[1:], np.broadcast_to(got[-1], got[1:].shape)):
        raise Incorrect(f"`{call}`: every row after row 0 is the same point. Did you append x and then change it "
                        "in place (`x -= ...`)? Write `x = x - ...`, or append a copy.")
    if not _close(got[0], x0):
        raise Incorrect(f"`{call}`: row 0 should be x0 itself, {x0.round(4)}; got {got[0].round(4)}.")
    if steps and not _close(got[1], expected[1]):
        raise Incorrect(f"`{call}`: the first step should give x0 - lr * grad(x0) = {expected[1].round(4)}; got "
                        f"{got[1].round(4)}. Step against the gradient, scaled by lr.")
    if momentum and _close(got, gradient_descent(grad, x0, lr, steps)):
        raise Incorrect(f"`{call}`: these are the iterates of plain gradient descent, as if momentum were 0. "
                        "Keep the velocity from one step to the next (do not reset it inside the loop).")
    t = int(np.argmax([not _close(g, e) for g, e in zip(got, expected)]))
    raise Incorrect(f"`{call}` ({about}): rows 0 to {t - 1} are right, row {t} is {got[t].round(4)}, expected "
                    f"{expected[t].round(4)}. The update is `v = momentum * v - lr * grad(x)`, then `x = x + v`, "
                    "with v starting at 0.")


def check_gradient_descent(fn):
    cases = list(_descent_cases())
    for case in cases:
        grad, x0, lr, steps, momentum, _ = case
        expected = gradient_descent(grad, x0, lr, steps, momentum)
        got = expect_array(fn(grad, x0.copy(), lr, steps, momentum), fn.last_call, kind="f")
        if got.shape != expected.shape or not _close(got, expected):
            _diagnose_path(got, expected, case, fn.last_call)
    return (f"Matches heavy-ball gradient descent on {len(cases)} cases: it converges below 2/L = 0.08 on the "
            "lesson's quadratic and moves away above it, with and without momentum.")


q1 = Question(
    check_numerical_grad,
    hints=[
        "For each coordinate i, build a step vector that is h in entry i and 0 elsewhere, and evaluate f on "
        "both sides of x: f(x + step) and f(x - step).",
        "Entry i of the gradient is (f(x + step) - f(x - step)) / (2 * h). Work on new arrays (x + step), "
        "so x itself never changes.",
        "Start from `grad = np.zeros_like(x, dtype=float)`, fill one entry per loop pass, and return grad.",
    ],
    solution=inspect.getsource(numerical_grad),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_gradient_descent,
    hints=[
        "Keep a list of points that starts as [x0]; each pass of `for _ in range(steps)` appends one new point. "
        "Return `np.array(points)`, of shape (steps + 1, len(x0)).",
        "Plain gradient descent is `x = x - lr * grad(x)`. Momentum keeps a velocity v, starting at zeros: "
        "`v = momentum * v - lr * grad(x)`, then `x = x + v`.",
        "Create v once, before the loop, so that it carries over from step to step; write `x = x + v` (a new "
        "array), not `x += v`, or every point in your list becomes the same array.",
    ],
    solution=inspect.getsource(gradient_descent),
    name="q2",
    notebook=NOTEBOOK,
)
