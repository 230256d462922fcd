"""Checks for exercises/04-neural-networks-from-scratch.ipynb: softmax cross-entropy, backprop, training.

q1  softmax_xent_grad(logits, y): (mean cross-entropy, its gradient wrt the logits), stable on huge logits
q2  mlp_backward(params, X, y): every gradient of a one-hidden-layer ReLU net, against finite differences
q3  train(X, y, seed): parameters reaching >= 95% test accuracy on the digits for seeds 0, 1 and 2
"""
from __future__ import annotations

import inspect

import numpy as np

from course import mlp
from course.checks import Incorrect, Question, expect_array, expect_close, expect_type, expect_values
from course.mlp import init_params, mlp_backward, softmax_xent_grad

NOTEBOOK = "04-neural-networks-from-scratch"
NAMES = ("W1", "b1", "W2", "b2")
TARGET = 0.95
SEEDS = (0, 1, 2)


def train(X, y, seed, hidden=64, lr=0.5, epochs=20, batch_size=32):
    """Return params trained by minibatch SGD on (X, y), starting from init_params with `seed`."""
    params = init_params((X.shape[1], hidden, 10), seed)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            grads = mlp_backward(params, X[batch], y[batch])
            for name in params:
                params[name] -= lr * grads[name]
    return params


# --- q1: softmax_xent_grad ----------------------------------------------------

def _logit_cases():
    """(logits, y): a small hand-made case, random ones, then logits large enough to overflow exp."""
    yield np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]), np.array([0, 2])
    rng = np.random.default_rng(4)
    for n, classes in [(5, 4), (8, 10), (3, 3)]:
        yield rng.normal(0, 3, (n, classes)), rng.integers(0, classes, n)
    yield np.array([[1000.0, 0.0, -5.0], [10.0, 800.0, 20.0], [-3.0, 1.0, 2.0], [0.0, 0.0, 710.0]]), np.array([0, 0, 2, 1])


def _loss_normalised_by_column(logits, y):
    """Return the mean cross-entropy when softmax is (wrongly) taken along axis 0."""
    shifted = logits - logits.max(axis=0, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -log_probs[np.arange(len(y)), y].mean()


def _diagnose_scale(got, expected, n, call, what):
    """Raise Incorrect naming a sum-instead-of-mean or flipped-sign mistake, if that is what `got` is."""
    if n > 1 and np.allclose(got, n * expected, rtol=1e-6, atol=1e-9):
        raise Incorrect(f"`{call}` returned a {what} {n} times too large, for a batch of {n}: "
                        "take the mean over the batch, not the sum (divide by n).")
    if np.allclose(got, -expected, rtol=1e-6, atol=1e-9):
        raise Incorrect(f"`{call}` returned the {what} with its sign flipped: it should be p - y, not y - p.")


def _check_loss(loss, logits, y, call):
    """Raise Incorrect if `loss` is not the mean softmax cross-entropy, naming the likely mistake."""
    want = softmax_xent_grad(logits, y)[0]
    if loss.ndim != 0:
        raise Incorrect(f"`{call}` returned a loss of shape {loss.shape}; expected one number, the mean "
                        "cross-entropy over the batch.")
    _diagnose_scale(loss, want, len(y), call, "loss")
    if np.isclose(loss, _loss_normalised_by_column(logits, y), rtol=1e-6):
        raise Incorrect(f"`{call}` returned {loss:.6g}, the loss of a softmax taken down each column "
                        f"(axis=0); expected {want:.6g}. Each row is one example: normalise along axis=1.")
    expect_close(loss, want, call, rtol=1e-6, what="loss (the mean over rows of -log p[true class])")


def _check_logit_grad(grad, logits, y, call):
    """Raise Incorrect if `grad` is not (p - y) / n, naming the likely mistake."""
    want = softmax_xent_grad(logits, y)[1]
    expect_array(grad, call, shape=logits.shape, kind="f")
    _diagnose_scale(grad, want, len(y), call, "gradient")
    if np.allclose(grad, want + np.eye(logits.shape[1])[y] / len(y), atol=1e-9):
        raise Incorrect(f"`{call}` returned p / n as the gradient: subtract 1 at each row's true class first, "
                        "(p - y) / n with y one-hot.")
    expect_close(grad, want, call, rtol=1e-6, what="gradient, (p - y) / n,")


def check_softmax_xent_grad(fn):
    for logits, y in _logit_cases():
        with np.errstate(all="ignore"):
            got = fn(logits.copy(), y.copy())
        call = fn.last_call
        got = expect_values(got, 2, call, "(loss, gradient)")
        loss, grad = (expect_array(value, call, kind="f", finite=False).astype(float) for value in got)
        if np.isinf(loss).all() and np.isfinite(grad).all():
            # the shift worked (the probabilities are finite), but a true class's probability underflowed to 0
            raise Incorrect(f"`{call}` returned a loss of {float(loss):g} with a finite gradient: a true class's "
                            "probability underflowed to 0 (its logit is hundreds below the row's largest), and "
                            "np.log(0) is -inf. Take the log before dividing: log p = shifted - "
                            "np.log(np.exp(shifted).sum(axis=1, keepdims=True)) (log-softmax) never rounds to 0.")
        if np.abs(logits).max() > 700 and not (np.isfinite(loss).all() and np.isfinite(grad).all()):
            raise Incorrect(f"`{call}` returned NaN or inf for logits as large as {np.abs(logits).max():g}: np.exp of "
                            "more than about 709 overflows. Subtract each row's largest logit before np.exp; "
                            "softmax does not change.")
        _check_loss(loss, logits, y, call)
        _check_logit_grad(grad, logits, y, call)
    return "Loss and gradient match the reference on 5 batches, including logits as large as 1000."


# --- q2: mlp_backward ---------------------------------------------------------

def _net_cases():
    """(params, X, y) for tiny random nets of three shapes, none with a pre-activation near the ReLU's kink."""
    rng = np.random.default_rng(7)
    for n, d, h, k in [(6, 5, 4, 3), (5, 4, 4, 4), (9, 6, 8, 5)]:
        params = {"W1": rng.normal(0, 1, (d, h)), "b1": rng.normal(0, 0.5, h),
                  "W2": rng.normal(0, 1, (h, k)), "b2": rng.normal(0, 0.5, k)}
        yield params, rng.normal(0, 1, (n, d)), rng.integers(0, k, n)


def numerical_grads(params, X, y, eps=1e-6):
    """Return central-difference estimates of the mean loss's gradient for every parameter entry."""
    grads = {}
    for name in NAMES:
        grads[name] = np.zeros_like(params[name])
        for index in np.ndindex(params[name].shape):
            up = {key: value.copy() for key, value in params.items()}
            down = {key: value.copy() for key, value in params.items()}
            up[name][index] += eps
            down[name][index] -= eps
            grads[name][index] = (mlp.loss(up, X, y) - mlp.loss(down, X, y)) / (2 * eps)
    return grads


def _check_one_gradient(got, want, name, params, n, call, right_so_far):
    """Raise Incorrect if the gradient `got` for parameter `name` differs from the finite differences `want`."""
    shape, got_shape = params[name].shape, np.shape(got)
    if got_shape == shape[::-1] and len(shape) == 2 and shape[0] != shape[1]:
        formula = {"W1": "X.T @ dz", "W2": "h.T @ dlogits"}[name]
        raise Incorrect(f"`{call}` returned grads[{name!r}] of shape {got_shape}, but {name} has shape {shape}: "
                        f"it looks transposed. A gradient has the shape of its parameter: {formula}.")
    if name.startswith("b") and got_shape == (n, shape[0]):
        raise Incorrect(f"`{call}` returned grads[{name!r}] of shape {got_shape}: one row per example. "
                        "The bias is added to every row, so sum its gradient over the batch (axis=0).")
    if got_shape != shape:
        raise Incorrect(f"`{call}` returned grads[{name!r}] of shape {got_shape}, but {name} has shape {shape}: "
                        "a gradient has the shape of its parameter (a bias gradient sums over the batch, axis=0).")
    got = expect_array(got, call, shape=shape, kind="f")
    _diagnose_scale(got, want, n, call, f"grads[{name!r}]")
    if name.startswith("b") and n > 1 and np.allclose(got * n, want, rtol=1e-5, atol=1e-7):
        raise Incorrect(f"`{call}` returned grads[{name!r}] {n} times too small, for a batch of {n}: the gradient "
                        "arriving at the layer is already divided by n (it comes from the mean loss), so the bias "
                        "gradient is its sum over the batch, `.sum(axis=0)`, not its mean.")
    if name.startswith("b") and not np.any(got) and np.any(want):
        raise Incorrect(f"`{call}` returned zeros for grads[{name!r}]: a bias gets gradient too, the sum over the "
                        "batch of the gradient arriving at that layer.")
    where = ("; W2 and b2 are right, so look between the logits and the hidden layer, at the ReLU: its "
             "derivative is 1 where the pre-activation z = X @ W1 + b1 is positive, 0 elsewhere"
             if right_so_far and name in ("W1", "b1") else "")
    close = np.isclose(got, want, rtol=1e-5, atol=1e-7)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        (d, h), k = params["W1"].shape, len(params["b2"])
        raise Incorrect(f"On a {d}-{h}-{k} network and a batch of {n}, `{call}` returned grads[{name!r}]{list(index)} "
                        f"= {got[index]:.6g}, but finite differences of the loss give {want[index]:.6g} "
                        f"({int((~close).sum())} of {close.size} entries differ){where}.")


def check_mlp_backward(fn):
    for params, X, y in _net_cases():
        got = fn({k: v.copy() for k, v in params.items()}, X.copy(), y.copy())
        call = f"{fn.__name__}(params, X, y)"
        expect_type(got, dict, call, "a dict of gradients with keys 'W1', 'b1', 'W2', 'b2'")
        missing = [name for name in NAMES if name not in got]
        if missing:
            raise Incorrect(f"`{call}` returned a dict without {', '.join(map(repr, missing))}: return a gradient "
                            f"for every parameter (it has keys {sorted(got)}).")
        want = numerical_grads(params, X, y)
        # Output layer first: an error there spreads to everything computed after it.
        for i, name in enumerate(("W2", "b2", "W1", "b1")):
            _check_one_gradient(got[name], want[name], name, params, len(y), call, right_so_far=i >= 2)
    return "Every gradient matches central finite differences on 3 random tiny networks."


# --- q3: train ----------------------------------------------------------------

def _digits():
    from course.data import load_digits_split

    return load_digits_split(test_size=0.5, seed=0)


def _check_params(params, call):
    """Return the learner's params after checking they are a dict of finite arrays the MLP can use."""
    expect_type(params, dict, call, "the trained parameters: a dict with keys 'W1', 'b1', 'W2', 'b2'")
    missing = [name for name in NAMES if name not in params]
    if missing:
        raise Incorrect(f"`{call}` returned a dict without {', '.join(map(repr, missing))}: return params, the dict "
                        "init_params made and the loop updated.")
    arrays = {name: expect_array(params[name], call, kind="f", finite=False) for name in NAMES}
    if not all(np.all(np.isfinite(a)) for a in arrays.values()):
        raise Incorrect(f"`{call}` returned weights containing NaN or inf: training diverged. Is the update "
                        "params[name] -= lr * grads[name], with a learning rate around 0.1 to 1?")
    hidden = arrays["W1"].shape[-1]
    shapes = {"W1": (64, hidden), "b1": (hidden,), "W2": (hidden, 10), "b2": (10,)}
    for name, shape in shapes.items():
        if arrays[name].shape != shape:
            raise Incorrect(f"`{call}` returned {name} of shape {arrays[name].shape}; expected {shape} for a "
                            f"64-{hidden}-10 network.")
    return arrays


def _chance_reason(params, X, seed):
    """Return why a network at chance level got there: no update, dead ReLUs, or labels shuffled apart from images."""
    start = init_params((X.shape[1], params["W1"].shape[1], 10), seed)
    if all(np.shape(start[name]) == params[name].shape and np.allclose(start[name], params[name]) for name in NAMES):
        return (" The weights are still init_params(..., seed)'s: the parameters are never updated. Write the "
                "update back into the dict: params[name] -= lr * grads[name].")
    if not np.any(X @ params["W1"] + params["b1"] > 0):
        return (" No hidden ReLU is ever active on the test digits: the steps were so large that every ReLU died. "
                "Lower the learning rate.")
    return (" The weights did change and the hidden layer is alive, so the network learned labels that do not "
            "belong to their images: index X and y with the same indices (`X[batch]`, `y[batch]` from one "
            "permutation), not two separate shuffles.")


def _train(fn, X, y, seed):
    with np.errstate(all="ignore"):
        return _check_params(fn(X.copy(), y.copy(), seed), fn.last_call)


def check_train(fn):
    X_train, X_test, y_train, y_test = _digits()
    results = []
    for seed in SEEDS:
        params = _train(fn, X_train, y_train, seed)
        with np.errstate(all="ignore"):
            accuracy = mlp.accuracy(params, X_test, y_test)
        if accuracy < TARGET:
            chance = (" That is chance level (10%)." + _chance_reason(params, X_test, seed)) if accuracy < 0.2 else ""
            raise Incorrect(f"With seed {seed}, your network reaches {accuracy:.1%} test accuracy; the task asks for "
                            f"at least {TARGET:.0%}.{chance}" + ("" if chance else " Check the update "
                            "(params[name] -= lr * grads[name]), the learning rate and the number of epochs."))
        results.append((params, accuracy))
    if all(np.array_equal(results[0][0]["W1"], params["W1"]) for params, _ in results[1:]):
        raise Incorrect(f"`train` returned the same weights for seeds {SEEDS}: use `seed` for both the "
                        "initialisation and the shuffling, so that different seeds give different runs.")
    state = np.random.get_state()[1].copy()
    again = _train(fn, X_train, y_train, SEEDS[0])
    if not all(np.array_equal(again[name], results[0][0][name]) for name in NAMES):
        raise Incorrect(f"`train(X, y, seed={SEEDS[0]})` returned other weights when called again with the same "
                        "seed: the shuffling draws from np.random or an unseeded generator. Shuffle with "
                        "`rng = np.random.default_rng(seed)` and `rng.permutation(len(y))`.")
    if not np.array_equal(np.random.get_state()[1], state):
        raise Incorrect(f"`train(X, y, seed={SEEDS[0]})` draws from the global np.random (np.random.seed, "
                        "np.random.permutation or np.random.shuffle): any other cell that uses np.random changes "
                        "your run. Shuffle with `rng = np.random.default_rng(seed)` and `rng.permutation(len(y))`.")
    order = np.argsort(y_train, kind="stable")
    with np.errstate(all="ignore"):
        sorted_accuracy = mlp.accuracy(_train(fn, X_train[order], y_train[order], SEEDS[0]), X_test, y_test)
    if sorted_accuracy < TARGET:
        raise Incorrect(f"Given the same training digits sorted by label (all 0s, then all 1s, ...), "
                        f"`train(X, y, seed={SEEDS[0]})` reaches only {sorted_accuracy:.1%} test accuracy: your loop "
                        "takes the batches in the order of the data, so each epoch ends on a run of 9s. Shuffle "
                        "every epoch: `order = rng.permutation(len(y))`, then batches of `order`.")
    scores = ", ".join(f"{accuracy:.1%}" for _, accuracy in results)
    return f"Test accuracy {scores} for seeds {', '.join(map(str, SEEDS))}: all at least {TARGET:.0%}."


q1 = Question(
    check_softmax_xent_grad,
    hints=[
        "Subtract each row's maximum first: `shifted = logits - logits.max(axis=1, keepdims=True)`. Softmax does "
        "not change, and np.exp can no longer overflow.",
        "log p = shifted - log(sum of exp(shifted) along axis=1); the loss is minus the mean of log p at each "
        "row's true class: `log_probs[np.arange(n), y]`.",
        "The gradient is (p - y) / n: take p = exp(log_probs), subtract 1 at `[np.arange(n), y]`, divide by n.",
    ],
    solution=inspect.getsource(softmax_xent_grad),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_mlp_backward,
    hints=[
        "Run the forward pass first and keep z (before the ReLU) and h (after it); then "
        "`_, dlogits = softmax_xent_grad(logits, y)`.",
        "Output layer: dW2 = h.T @ dlogits, db2 = dlogits.sum(axis=0), and the gradient at h is dlogits @ W2.T.",
        "Through the ReLU: dz = dh * (z > 0). First layer: dW1 = X.T @ dz, db1 = dz.sum(axis=0). Every gradient "
        "has the shape of its parameter.",
    ],
    solution=inspect.getsource(mlp_backward),
    name="q2",
    notebook=NOTEBOOK,
)

q3 = Question(
    check_train,
    hints=[
        "For each epoch, shuffle: `order = rng.permutation(len(y))`, then take the indices 32 at a time.",
        "For each batch: `grads = mlp_backward(params, X[batch], y[batch])`, then for every name "
        "`params[name] -= lr * grads[name]`.",
        "With hidden=64, lr=0.5 and 20 epochs of batches of 32 the network reaches about 97%. If yours is far "
        "lower, print the loss every epoch: it should fall from 2.3 towards 0.",
    ],
    solution=inspect.getsource(train),
    name="q3",
    notebook=NOTEBOOK,
)
