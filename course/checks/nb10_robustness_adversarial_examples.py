"""Checks for exercises/10-robustness-adversarial-examples.ipynb: the input gradient and FGSM.

q1  input_gradient(params, X, y): row i is the gradient of example i's own loss wrt its pixels x_i
q2  fgsm(params, X, y, eps): clip(X + eps * sign(input gradient), 0, 1)
"""
from __future__ import annotations

import inspect
from functools import lru_cache

import numpy as np

from course import mlp
from course.checks import Incorrect, Question, expect_array, expect_inputs_unchanged

NOTEBOOK = "10-robustness-adversarial-examples"
TOLERANCE = 1e-6  # relative error allowed against finite differences (a right answer gives about 1e-10)


def input_gradient(params, X, y):
    """Return the gradient of each example's cross-entropy wrt its own input row (shape of X)."""
    probs, cache = mlp.forward(params, X)
    dlogits = probs.copy()
    dlogits[np.arange(len(y)), y] -= 1.0  # p - onehot(y): one example's loss, not the batch mean
    dz = (dlogits @ params["W2"].T) * (cache["z"] > 0)
    return dz @ params["W1"].T


def fgsm(params, X, y, eps):
    """Return the fast-gradient-sign adversarial inputs: one step of eps along the sign, kept in [0, 1]."""
    return np.clip(X + eps * np.sign(input_gradient(params, X, y)), 0.0, 1.0)


def example_losses(params, X, y):
    """Return each row's cross-entropy, computed from the logits by a stable log-sum-exp."""
    logits = mlp.forward(params, X)[1]["logits"]
    top = logits.max(axis=1)
    return top + np.log(np.exp(logits - top[:, None]).sum(axis=1)) - logits[np.arange(len(y)), y]


def numerical_input_gradient(params, X, y, h=1e-6):
    """Return central differences of every example's loss wrt each of its pixels."""
    grad = np.zeros_like(X)
    for j in range(X.shape[1]):
        up, down = X.copy(), X.copy()
        up[:, j] += h
        down[:, j] -= h
        # Rows do not interact, so one pass nudges pixel j of every example at once.
        grad[:, j] = (example_losses(params, up, y) - example_losses(params, down, y)) / (2 * h)
    return grad


@lru_cache(maxsize=1)
def digits_network():
    """Return lesson 04's trained network and the test half of the digits (trained once, then cached)."""
    from course.data import load_digits_split

    X_train, X_test, y_train, y_test = load_digits_split(test_size=0.5, seed=0)
    return mlp.train(X_train, y_train, seed=0), X_test, y_test


def tiny_net(rng, n, d, h, k, bias=0.5, scale=1.0):
    """Return (params, X, y): a random net and inputs on the digits' grey levels k/16."""
    params = {"W1": rng.normal(0, 1, (d, h)), "b1": rng.normal(bias, 0.5, h),
              "W2": rng.normal(0, scale, (h, k)), "b2": rng.normal(0, 0.5, k)}
    return params, rng.integers(0, 17, (n, d)) / 16, rng.integers(0, k, n)


def _copy(params, X, y):
    return {name: value.copy() for name, value in params.items()}, X.copy(), y.copy()


def _relative_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


# --- q1: input_gradient -------------------------------------------------------

@lru_cache(maxsize=1)
def gradient_cases():
    """(description, params, X, y, finite differences): an all-active net first, then gates closing."""
    rng = np.random.default_rng(10)
    cases = [("a 5-6-3 network whose hidden units are all active", *tiny_net(rng, 4, 5, 6, 3, bias=5.0, scale=0.2)),
             ("a 8-5-4 network with some hidden units off", *tiny_net(rng, 6, 8, 5, 4)),
             ("a 4-7-3 network with some hidden units off", *tiny_net(rng, 5, 4, 7, 3))]
    params, X_test, y_test = digits_network()
    # The four test digits the network finds hardest: their gradients are large enough to compare.
    hardest = np.sort(np.argsort(example_losses(params, X_test, y_test))[-4:])
    cases.append(("lesson 04's trained network on 4 test digits", params, X_test[hardest], y_test[hardest]))
    return tuple((*case, numerical_input_gradient(*case[1:])) for case in cases)


def _wrong_shape(shape, X, params, call):
    """Return a message for an array of the wrong shape, naming the layer it seems to come from."""
    (n, d), h, k = X.shape, params["W1"].shape[1], params["W2"].shape[1]
    guesses = {(d, n): "It looks transposed: one row per example, one column per pixel.",
               (n, h): "That is the gradient at the hidden layer; one more step back, `@ W1.T`, reaches the pixels.",
               (n, k): "That is the gradient at the logits; carry it back through W2, the ReLU and W1.",
               (d,): "One number per pixel: keep one row per example instead of summing or averaging over the batch."}
    return f"`{call}` returned shape {shape}; expected {X.shape}, the shape of X. " + guesses.get(
        tuple(shape), "Row i should be the gradient of example i's loss wrt its own pixels.")


def check_input_gradient(fn):
    right_when_all_active = False
    for description, params, X, y, want in gradient_cases():
        call = f"{fn.__name__}(params, X, y)"
        got = expect_array(fn(*_copy(params, X, y)), call, kind="f", finite=False)
        if got.shape != X.shape and got.ndim > 0:
            raise Incorrect(_wrong_shape(got.shape, X, params, call))
        got = expect_array(got, call, shape=X.shape, kind="f").astype(float)
        if _relative_error(got, want) <= TOLERANCE:
            right_when_all_active |= "all active" in description
            continue
        n = len(y)
        if n > 1 and _relative_error(got * n, want) <= TOLERANCE:
            raise Incorrect(f"On {description}, `{call}` returned the gradient {n} times too small: the gradient of "
                            "the batch's mean loss. Each row should be the gradient of that example's own loss, "
                            "so it does not depend on how many images are attacked together (course.mlp's "
                            "softmax_xent_grad divides by n: multiply back, or use p - onehot(y)).")
        if _relative_error(-got, want) <= TOLERANCE:
            raise Incorrect(f"On {description}, `{call}` returned the gradient with its sign flipped: at the logits "
                            "it is p - onehot(y), probabilities minus the one-hot truth.")
        i, j = np.unravel_index(np.argmax(np.abs(got - want)), got.shape)
        where = ("It was right on a network whose hidden units are all active, so look at the ReLU gate: "
                 "multiply by (z > 0) with z = X @ W1 + b1, the pre-activation." if right_when_all_active else
                 "Check the gradient at the logits, p - onehot(y), then W2.T, the ReLU gate (z > 0) with "
                 "z = X @ W1 + b1, bias included, and W1.T.")
        raise Incorrect(f"On {description}, `{call}` returned {got[i, j]:.6g} for example {i}, pixel {j}, but "
                        f"finite differences of that example's loss give {want[i, j]:.6g} (relative error "
                        f"{_relative_error(got, want):.1e} over the whole array). {where}")
    return "Matches finite differences on 3 random networks and on lesson 04's trained network."


# --- q2: fgsm -----------------------------------------------------------------

@lru_cache(maxsize=1)
def attack_cases():
    """(description, params, X, y, eps): the digits network first, then two random networks."""
    rng = np.random.default_rng(11)
    params, X_test, y_test = digits_network()
    return (("lesson 04's network on the 899 test digits", params, X_test, y_test, 0.1),
            ("a 6-5-3 network", *tiny_net(rng, 8, 6, 5, 3), 0.1),
            ("a 9-6-4 network", *tiny_net(rng, 7, 9, 6, 4), 0.25))


def _check_threat_model(got, X, eps, gradient, call):
    """Raise Incorrect unless every pixel is in [0, 1], moved at most eps, and by exactly eps where free."""
    if got.min() < -1e-12 or got.max() > 1 + 1e-12:
        raise Incorrect(f"`{call}` returned pixels from {got.min():.3g} to {got.max():.3g}; the threat model keeps "
                        "every pixel in [0, 1]. Clip the result: np.clip(..., 0, 1).")
    change = np.abs(got - X)
    if not change.any():
        raise Incorrect(f"`{call}` returned X unchanged: FGSM moves each pixel by eps = {eps} in the direction "
                        "that raises the loss (unless that would leave [0, 1]).")
    if change.max() > eps + 1e-9:
        raise Incorrect(f"`{call}` changed a pixel by {change.max():.3g}, more than eps = {eps}: the attacker may "
                        "move each pixel by at most eps. Step by eps times the sign of the gradient.")
    # Pixels at least eps away from 0 and 1 cannot be clipped, so FGSM moves each by exactly eps.
    free = (X >= eps) & (X <= 1 - eps) & (gradient != 0)
    if not np.allclose(change[free], eps, rtol=1e-9, atol=1e-12):
        raise Incorrect(f"`{call}` moved pixels that cannot reach 0 or 1 by amounts from {change[free].min():.3g} "
                        f"to {change[free].max():.3g}; FGSM moves every one of them by exactly eps = {eps}. Use "
                        "np.sign of the gradient: only its direction counts, not its size.")


def _check_harm(got, params, X, y, eps, call):
    """Raise Incorrect unless the attack lowers accuracy more than random +-eps noise; return the numbers."""
    clean, attacked = mlp.accuracy(params, X, y), mlp.accuracy(params, got, y)
    signs = np.random.default_rng(0).choice([-1.0, 1.0], size=X.shape)
    noisy = mlp.accuracy(params, np.clip(X + eps * signs, 0.0, 1.0), y)
    if attacked >= clean:
        raise Incorrect(f"After `{call}` the network reads {attacked:.1%} of the test digits correctly, no fewer "
                        f"than the {clean:.1%} it reads clean: the step goes down the loss and makes it surer. "
                        "FGSM adds +eps * sign(gradient of the loss), to climb it.")
    if attacked >= noisy:
        raise Incorrect(f"After `{call}` the network still reads {attacked:.1%} of the test digits correctly, "
                        f"while random +-{eps} noise leaves {noisy:.1%}: your attack is no more harmful than "
                        "noise. Step along the sign of each example's loss gradient.")
    return clean, attacked, noisy


def _check_direction(got, params, X, y, eps, gradient, call, description):
    """Raise Incorrect unless `got` equals the reference FGSM wherever the gradient has a sign."""
    want, signed = fgsm(params, X, y, eps), gradient != 0
    wrong = ~np.isclose(got, want, atol=1e-9) & signed
    if not wrong.any():
        return
    flipped = np.clip(X - eps * np.sign(gradient), 0.0, 1.0)
    if np.isclose(got, flipped, atol=1e-9)[signed].mean() > 0.9:
        raise Incorrect(f"On {description}, `{call}` moves the pixels against the gradient, down the loss. "
                        "FGSM climbs it: X + eps * np.sign(gradient).")
    predicted = np.argmax(mlp.forward(params, X)[1]["logits"], axis=1)
    if not np.array_equal(predicted, y) and np.allclose(got, fgsm(params, X, predicted, eps), atol=1e-9):
        raise Incorrect(f"On {description}, `{call}` attacks the network's own predictions: it matches FGSM with "
                        "y replaced by the predicted labels. Use the true labels `y` you are given: the attack "
                        "climbs the loss of the right answer.")
    i, j = (int(v) for v in np.argwhere(wrong)[0])
    raise Incorrect(f"On {description}, `{call}` moved {int(wrong.sum())} of {int(signed.sum())} pixels the other "
                    f"way from FGSM; first example {i}, pixel {j}: from {X[i, j]:.4g} to {got[i, j]:.4g}, "
                    f"expected {want[i, j]:.4g}. The direction comes from your input_gradient: does it pass q1?")


def check_fgsm(fn):
    harm = None
    for description, params, X, y, eps in attack_cases():
        call = f"{fn.__name__}(params, X, y, eps={eps})"
        got = expect_array(fn(*_copy(params, X, y), eps), call, shape=X.shape, kind="f").astype(float)
        expect_inputs_unchanged(fn, "The lesson then adds random noise to the same X as a control: an X already "
                                    "attacked in place makes that control as harmful as the attack (26.4% accuracy "
                                    "instead of 96.0%).")
        gradient = input_gradient(params, X, y)
        _check_threat_model(got, X, eps, gradient, call)
        if harm is None:
            harm = _check_harm(got, params, X, y, eps, call)
        _check_direction(got, params, X, y, eps, gradient, call, description)
    clean, attacked, noisy = harm
    return (f"At eps = 0.1 your attack leaves lesson 04's network {attacked:.1%} accuracy on the test digits, "
            f"against {noisy:.1%} under random +-0.1 noise and {clean:.1%} clean; it matches FGSM on 2 more networks.")


q1 = Question(
    check_input_gradient,
    hints=[
        "Run the forward pass (`probs, cache = forward(params, X)`). For one example's loss, the gradient at the "
        "logits is probs minus the one-hot truth: copy probs and subtract 1 at `[np.arange(n), y]`. No division by n.",
        "Carry it back exactly as backprop does for the weights: `dh = dlogits @ W2.T`, then the ReLU gate "
        "`dz = dh * (cache['z'] > 0)`.",
        "One step further than training goes: the pixels entered through `z = X @ W1 + b1`, so the gradient wrt X "
        "is `dz @ W1.T`, one row per example.",
    ],
    solution=inspect.getsource(input_gradient),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_fgsm,
    hints=[
        "Call your input_gradient once; `np.sign` of it says, pixel by pixel, which way raises the loss.",
        "Move every pixel by eps that way: `X + eps * np.sign(gradient)`.",
        "Keep the result a valid image: `np.clip(..., 0.0, 1.0)`. Do not change X in place.",
    ],
    solution=inspect.getsource(fgsm),
    name="q2",
    notebook=NOTEBOOK,
)
