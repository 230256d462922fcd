"""Do the lesson 02 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import dataclasses

import numpy as np
import pytest

from course.checks.nb02_calculus_and_gradient_descent import (
    Cubic,
    QuadraticGrad,
    _descent_cases,
    _grad_cases,
    gradient_descent,
    numerical_grad,
    q1,
    q2,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: numerical_grad ----------------------------------------------------------

def forward_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return np.array([(f(x + h * e) - f(x)) / h for e in np.eye(len(x))])


def not_halved(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return np.array([(f(x + h * e) - f(x - h * e)) / h for e in np.eye(len(x))])


def all_at_once(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    return np.full(len(x), (f(x + h) - f(x - h)) / (2 * h))


def not_restored(f, x, h=1e-5):
    grad = np.zeros(len(x))
    for i in range(len(x)):
        x[i] += h
        up = f(x)
        x[i] -= 2 * h   # x[i] is left at x_i - h: every later coordinate sees a shifted point
        grad[i] = (up - f(x)) / (2 * h)
    return grad


def restored_with_rounding(f, x, h=1e-5):
    """Right values, but x[i] += h then -= h leaves x changed by rounding: the lesson's next cell sees another x."""
    grad = np.zeros(len(x))
    for i in range(len(x)):
        x[i] += h
        up = f(x)
        x[i] -= 2 * h
        down = f(x)
        x[i] += h
        grad[i] = (up - down) / (2 * h)
    return grad


def skips_last_coordinate(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x) - 1):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def ignores_h(f, x, h=1e-5):
    return numerical_grad(f, x, 1e-5)


def tiny_h_forward(f, x, h=1e-5):
    return forward_difference(f, x, 1e-8)


def test_does_the_reference_pass_q1():
    assert q1.check(numerical_grad).status == "correct"


def steps_from_the_identity(f, x, h=1e-5):
    """Each row of h * I is one step: a list comprehension over them, with new arrays each time."""
    x = np.asarray(x, dtype=float)
    return np.array([(f(x + step) - f(x - step)) / (2 * h) for step in h * np.eye(len(x))])


def copies_and_restores(f, x, h=1e-5):
    grad = np.empty(len(x))
    for i in range(len(x)):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


VALID["q1"] = [steps_from_the_identity, copies_and_restores]


WRONG["q1"] = [
    (forward_difference, "returned a forward difference"),
    (not_halved, "returned twice the gradient"),
    (all_at_once, "the same number in every entry"),
    (not_restored, "entry 0 is right, but later ones are not"),
    (skips_last_coordinate, "Does your loop visit every coordinate"),
    (restored_with_rounding, "changed its input `x` in place"),
    (ignores_h, "seems to ignore the `h` it was given"),
    (tiny_h_forward, "seems to ignore the `h` it was given"),
    (lambda f, x, h: -numerical_grad(f, x, h), "returned wrong gradient entries at index (0,)"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_would_a_forward_difference_fail_even_without_the_diagnosis():
    """Is the tolerance tight enough that a forward difference misses it by a wide margin on every case?"""
    for f, x, h in _grad_cases():
        error = np.abs(forward_difference(f, x, h) - f.gradient(x)).max()
        assert error > 20 * 1e-6 * (1 + np.abs(f.gradient(x)).max())


def test_does_a_central_difference_stay_well_inside_the_tolerance():
    for f, x, h in list(_grad_cases())[:-1]:
        assert np.abs(numerical_grad(f, x, h) - f.gradient(x)).max() < 1e-7


def test_does_the_cubic_know_its_gradient_and_refuse_a_batch():
    f = Cubic((1.0, 2.0), ((1.0, 0.5), (0.5, 0.0)), (0.0, -1.0))
    x = np.array([1.0, -1.0])
    assert np.allclose(f.gradient(x), [3 + 1 - 0.5, 6 + 0.5 - 1])
    with pytest.raises(ValueError, match="one point, an array of shape"):
        f(np.eye(2))


def leaves(value):
    return [leaf for item in value for leaf in leaves(item)] if isinstance(value, tuple) else [value]


@pytest.mark.parametrize("function", [case[0] for case in _grad_cases()] + [case[0] for case in _descent_cases()])
def test_is_every_function_passed_to_learners_a_frozen_dataclass_of_plain_floats(function):
    """Can the grader rebuild each function from its class name and fields, and get the same numbers?"""
    assert dataclasses.is_dataclass(function) and function.__dataclass_params__.frozen
    fields = {field.name: getattr(function, field.name) for field in dataclasses.fields(function)}
    assert all(type(leaf) is float for value in fields.values() for leaf in leaves(value))
    rebuilt = type(function)(**fields)
    point = np.linspace(-1, 1, len(fields["a"] if "a" in fields else fields["b"]))
    assert rebuilt == function and np.array_equal(rebuilt(point), function(point))


@pytest.mark.parametrize("bad", [None, "numerical_grad", np.nan, 3])
def test_does_bad_input_get_a_message_q1(bad):
    result = q1.check(bad)
    assert result.status == "incorrect" and result.message


@pytest.mark.parametrize("answer, words", [
    (lambda f, x, h: "gradient", "expected a numpy array"),
    (lambda f, x, h: np.full(len(x), np.nan), "containing NaN"),
    (lambda f, x, h: f(x), "returned an array of shape ()"),
    (lambda f, x, h: print("done"), "did you forget `return`"),
])
def test_does_a_bad_return_value_get_a_message_q1(answer, words):
    result = q1.check(answer)
    assert result.status == "incorrect" and words in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda f, x, h: f(x[0]))
    assert result.status == "error" and "ValueError" in result.message and "one point" in result.message


def test_is_an_endless_loop_stopped_q1(monkeypatch):
    monkeypatch.setattr(q1, "time_limit", 0.3)

    def forever(f, x, h):
        while True:
            pass

    result = q1.check(forever)
    assert result.status == "error" and "still running after 0.3 s" in result.message


# --- q2: gradient_descent ----------------------------------------------------------

def uphill(grad, x0, lr, steps, momentum=0.0):
    return gradient_descent(lambda x: -grad(x), x0, lr, steps, momentum)


def final_point_only(grad, x0, lr, steps, momentum=0.0):
    return gradient_descent(grad, x0, lr, steps, momentum)[-1]


def without_x0(grad, x0, lr, steps, momentum=0.0):
    return gradient_descent(grad, x0, lr, steps, momentum)[1:]


def one_step_too_many(grad, x0, lr, steps, momentum=0.0):
    return gradient_descent(grad, x0, lr, steps + 1, momentum)


def in_place(grad, x0, lr, steps, momentum=0.0):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    path = [x]
    for _ in range(steps):
        v = momentum * v - lr * grad(x)
        x += v   # the same array object is in the list steps + 1 times
        path.append(x)
    return np.array(path)


def velocity_reset(grad, x0, lr, steps, momentum=0.0):
    x = np.asarray(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        v = np.zeros_like(x)
        v = momentum * v - lr * grad(x)
        x = x + v
        path.append(x)
    return np.array(path)


def momentum_sign_flipped(grad, x0, lr, steps, momentum=0.0):
    x, v = np.asarray(x0, dtype=float), np.zeros(len(x0))
    path = [x]
    for _ in range(steps):
        v = -momentum * v - lr * grad(x)
        x = x + v
        path.append(x)
    return np.array(path)


def momentum_on_the_gradient_only(grad, x0, lr, steps, momentum=0.0):
    """Averages gradients (v = m v + (1 - m) g), a different method with a different step size."""
    x, v = np.asarray(x0, dtype=float), np.zeros(len(x0))
    path = [x]
    for _ in range(steps):
        v = momentum * v + (1 - momentum) * grad(x)
        x = x - lr * v
        path.append(x)
    return np.array(path)


def pytorch_style(grad, x0, lr, steps, momentum=0.0):
    """v = m v + g; x = x - lr v: the same iterates as the heavy ball with a constant lr."""
    x, v = np.asarray(x0, dtype=float), np.zeros(len(x0))
    path = [x]
    for _ in range(steps):
        v = momentum * v + grad(x)
        x = x - lr * v
        path.append(x)
    return path


def test_does_the_reference_pass_q2():
    assert q2.check(gradient_descent).status == "correct"


def preallocated_path(grad, x0, lr, steps, momentum=0.0):
    path = np.zeros((steps + 1, len(x0)))
    path[0] = x0
    velocity = np.zeros(len(x0))
    for t in range(steps):
        velocity = momentum * velocity - lr * grad(path[t])
        path[t + 1] = path[t] + velocity
    return path


VALID["q2"] = [pytorch_style, preallocated_path]


WRONG["q2"] = [
    (uphill, "the first step should give x0 - lr * grad(x0)"),
    (final_point_only, "returned a single point"),
    (without_x0, "returned 30 rows for steps=30; expected steps + 1 = 31"),
    (one_step_too_many, "returned 32 rows for steps=30; expected steps + 1 = 31"),
    (in_place, "every row after row 0 is the same point"),
    (velocity_reset, "as if momentum were 0"),
    (momentum_sign_flipped, "rows 0 to 1 are right, row 2"),
    (momentum_on_the_gradient_only, "the first step should give"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_does_the_check_demand_convergence_below_2_over_l_and_growth_above():
    """Does the reference really converge at lr 0.076 and grow at 0.084, as the cases claim?"""
    cases = list(_descent_cases())
    for grad, x0, lr, steps, momentum, about in cases[1:3]:
        path = gradient_descent(grad, x0, lr, steps, momentum)
        shrink = np.linalg.norm(path[-1]) / np.linalg.norm(x0)
        assert (shrink < 1e-6) if lr < 0.08 else (shrink > 10), about


@pytest.mark.parametrize("answer, words", [
    (None, "You passed None"),
    ("gradient_descent", "expects your function itself"),
    (np.nan, "expects your function itself"),
    (lambda grad, x0, lr, steps, momentum: "done", "expected a numpy array"),
    (lambda grad, x0, lr, steps, momentum: [[np.nan, 0.0]] * (steps + 1), "containing NaN"),
])
def test_does_bad_input_get_a_message_q2(answer, words):
    result = q2.check(answer)
    assert result.status == "incorrect" and words in result.message


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda grad, x0, lr, steps, momentum: grad(x0[:1]))
    assert result.status == "error" and "ValueError" in result.message


def test_is_an_endless_loop_stopped_q2(monkeypatch):
    monkeypatch.setattr(q2, "time_limit", 0.3)

    def forever(grad, x0, lr, steps, momentum):
        x = x0
        while True:
            x = x - lr * grad(x)

    result = q2.check(forever)
    assert result.status == "error" and "still running after 0.3 s" in result.message


def test_does_the_quadratic_gradient_vanish_at_its_minimum():
    grad = QuadraticGrad(((2.0, 1.0), (1.0, 3.0)), (1.0, 2.0))
    assert np.allclose(grad(np.linalg.solve(np.array(grad.A), grad.b)), 0)

