"""Do the lesson 04 checks pass the reference and fail realistic mistakes for the right reason?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import numpy as np
import pytest

from course import mlp
from course.checks.nb04_neural_networks_from_scratch import (
    _net_cases,
    init_params,
    mlp_backward,
    numerical_grads,
    q1,
    q2,
    q3,
    softmax_xent_grad,
    train,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}


def endless(*args, **kwargs):
    while True:
        pass


# --- q1: softmax_xent_grad -----------------------------------------------------

def one_hot(y, k):
    return np.eye(k)[y]


def no_max_subtraction(logits, y):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    n = len(y)
    return -np.log(p[np.arange(n), y]).mean(), (p - one_hot(y, logits.shape[1])) / n


def summed_over_batch(logits, y):
    loss, grad = softmax_xent_grad(logits, y)
    return loss * len(y), grad * len(y)


def softmax_down_columns(logits, y):
    shifted = logits - logits.max(axis=0, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=0, keepdims=True)
    n = len(y)
    return -np.log(p[np.arange(n), y]).mean(), (p - one_hot(y, logits.shape[1])) / n


def gradient_without_one_hot(logits, y):
    loss, _ = softmax_xent_grad(logits, y)
    return loss, mlp.softmax(logits) / len(y)


def gradient_not_divided(logits, y):
    loss, grad = softmax_xent_grad(logits, y)
    return loss, grad * len(y)


def gradient_sign_flipped(logits, y):
    loss, grad = softmax_xent_grad(logits, y)
    return loss, -grad


def loss_per_example(logits, y):
    p = mlp.softmax(logits)
    n = len(y)
    return -np.log(p[np.arange(n), y]), (p - one_hot(y, logits.shape[1])) / n


def with_logsumexp(logits, y):
    from scipy.special import logsumexp
    n = len(y)
    log_p = logits - logsumexp(logits, axis=1, keepdims=True)
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1
    return -log_p[np.arange(n), y].mean(), grad / n


def row_by_row(logits, y):
    losses, grads = [], []
    for row, label in zip(logits, y):
        shifted = row - row.max()
        log_p = shifted - np.log(np.exp(shifted).sum())
        losses.append(-log_p[label])
        grads.append(np.exp(log_p) - np.eye(len(row))[label])
    return float(np.mean(losses)), np.array(grads) / len(y)


VALID["q1"] = [with_logsumexp, row_by_row]


def test_does_the_reference_pass_q1():
    assert q1.check(softmax_xent_grad).status == "correct"


WRONG["q1"] = [
    (no_max_subtraction, "np.exp of more than about 709 overflows"),
    (summed_over_batch, "loss 2 times too large, for a batch of 2"),
    (softmax_down_columns, "softmax taken down each column (axis=0)"),
    (gradient_without_one_hot, "returned p / n as the gradient"),
    (gradient_not_divided, "gradient 2 times too large"),
    (gradient_sign_flipped, "sign flipped"),
    (loss_per_example, "a loss of shape (2,)"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_does_the_unstable_version_pass_everything_but_huge_logits():
    """Is the overflow case the one thing that tells a naive softmax from a stable one?"""
    logits, y = np.random.default_rng(0).normal(0, 3, (5, 4)), np.array([0, 1, 2, 3, 0])
    np.testing.assert_allclose(no_max_subtraction(logits, y)[1], softmax_xent_grad(logits, y)[1], rtol=1e-12)


def test_is_a_nan_answer_reported_q1():
    result = q1.check(lambda logits, y: (float("nan"), np.zeros_like(logits)))
    assert result.status == "incorrect" and "NaN" in result.message


def test_is_a_string_answer_reported_q1():
    result = q1.check(lambda logits, y: ("2.3", np.zeros_like(logits)))
    assert result.status == "incorrect" and "expected a numpy array" in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda logits, y: logits[len(logits)])
    assert result.status == "error" and "IndexError" in result.message


def test_is_an_endless_loop_stopped_q1(monkeypatch):
    monkeypatch.setattr(q1, "time_limit", 0.3)
    result = q1.check(endless)
    assert result.status == "error" and "still running" in result.message


# --- q2: mlp_backward ----------------------------------------------------------

def backward_with(dz_rule=None, **changes):
    """Build an mlp_backward variant: a different ReLU rule, or gradients replaced or dropped."""
    def variant(params, X, y):
        _, cache = mlp.forward(params, X)
        _, dlogits = softmax_xent_grad(cache["logits"], y)
        dh = dlogits @ params["W2"].T
        dz = dz_rule(dh, cache) if dz_rule else dh * (cache["z"] > 0)
        grads = {"W1": X.T @ dz, "b1": dz.sum(axis=0), "W2": cache["h"].T @ dlogits, "b2": dlogits.sum(axis=0)}
        local = {"X": X, "dz": dz, "dlogits": dlogits, "h": cache["h"]}
        for name, rule in changes.items():
            if rule is None:
                del grads[name]
            else:
                grads[name] = rule(local)
        return grads
    variant.__name__ = "mlp_backward"
    return variant


def loss_summed_not_averaged(params, X, y):
    return {name: g * len(y) for name, g in mlp_backward(params, X, y).items()}


WRONG_BACKWARDS = {
    "no ReLU gate": (backward_with(lambda dh, c: dh), "look between the logits and the hidden layer, at the ReLU"),
    "ReLU derivative taken as relu(z)": (backward_with(lambda dh, c: dh * c["h"]), "at the ReLU"),
    "ReLU gate taken from the gradient": (backward_with(lambda dh, c: dh * (dh > 0)), "at the ReLU"),
    "gate on z < 0": (backward_with(lambda dh, c: dh * (c["z"] < 0)), "at the ReLU"),
    "bias gradients missing": (backward_with(b1=None, b2=None), "without 'b1', 'b2'"),
    "bias gradients zero": (backward_with(b2=lambda v: np.zeros(v["dlogits"].shape[1])), "returned zeros for grads['b2']"),
    "bias gradient not summed": (backward_with(b2=lambda v: v["dlogits"]), "sum its gradient over the batch"),
    "bias summed over the wrong axis": (backward_with(b1=lambda v: v["dz"].sum(axis=1)),
                                        "grads['b1'] of shape (6,), but b1 has shape (4,)"),
    "W1 gradient transposed": (backward_with(W1=lambda v: v["dz"].T @ v["X"]), "it looks transposed"),
    "W2 gradient transposed": (backward_with(W2=lambda v: v["dlogits"].T @ v["h"]),
                               "it looks transposed. A gradient has the shape of its parameter: h.T @ dlogits"),
    "sum instead of mean": (loss_summed_not_averaged, "6 times too large"),
    "bias gradient averaged, not summed": (backward_with(b2=lambda v: v["dlogits"].mean(axis=0)),
                                           "6 times too small, for a batch of 6"),
}


WRONG["q2"] = list(WRONG_BACKWARDS.values())


def backward_with_where_and_einsum(params, X, y):
    z = X @ params["W1"] + params["b1"]
    h = np.where(z > 0, z, 0.0)
    logits = h @ params["W2"] + params["b2"]
    _, dlogits = softmax_xent_grad(logits, y)
    dz = np.where(z > 0, dlogits @ params["W2"].T, 0.0)
    return {"W1": np.einsum("ni,nj->ij", X, dz), "b1": dz.sum(axis=0),
            "W2": np.einsum("ni,nj->ij", h, dlogits), "b2": dlogits.sum(axis=0)}


def backward_one_example_at_a_time(params, X, y):
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    for x, label in zip(X, y):
        z = x @ params["W1"] + params["b1"]
        h = np.maximum(z, 0)
        p = mlp.softmax((h @ params["W2"] + params["b2"])[None, :])[0]
        dlogits = p - np.eye(len(p))[label]
        dz = (params["W2"] @ dlogits) * (z > 0)
        grads["W2"] += np.outer(h, dlogits) / len(y)
        grads["b2"] += dlogits / len(y)
        grads["W1"] += np.outer(x, dz) / len(y)
        grads["b1"] += dz / len(y)
    return grads


VALID["q2"] = [backward_with_where_and_einsum, backward_one_example_at_a_time]


def test_does_the_reference_pass_q2():
    assert q2.check(mlp_backward).status == "correct"


def test_does_the_reference_agree_with_the_finite_differences_the_check_uses():
    """Are the check's finite differences trustworthy: no ReLU input within reach of the kink at 0?"""
    for params, X, y in _net_cases():
        assert np.abs(X @ params["W1"] + params["b1"]).min() > 1e-3
        numeric, analytic = numerical_grads(params, X, y), mlp_backward(params, X, y)
        for name in analytic:
            np.testing.assert_allclose(analytic[name], numeric[name], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", WRONG_BACKWARDS)
def test_does_each_realistic_mistake_fail_q2_with_its_reason(name):
    wrong, words = WRONG_BACKWARDS[name]
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_is_a_list_instead_of_a_dict_refused_q2():
    result = q2.check(lambda params, X, y: list(mlp_backward(params, X, y).values()))
    assert result.status == "incorrect" and "expected a dict of gradients" in result.message


def test_is_a_nan_gradient_reported_q2():
    result = q2.check(lambda params, X, y: {k: np.full_like(v, np.nan) for k, v in params.items()})
    assert result.status == "incorrect" and "NaN" in result.message


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda params, X, y: params["W3"])
    assert result.status == "error" and "KeyError" in result.message


def test_is_an_endless_loop_stopped_q2(monkeypatch):
    monkeypatch.setattr(q2, "time_limit", 0.3)
    assert q2.check(endless).status == "error"


# --- q3: train -----------------------------------------------------------------

def train_with(lr=0.5, epochs=20, sign=-1.0, seed_used=None, update=True, shuffle="rng"):
    """Build a train variant: another learning rate or epoch count, a flipped update, a fixed seed, another
    shuffle ("none", "global": np.random unseeded, "seeded global": np.random.seed(seed), "apart": X and y
    each with its own permutation)."""
    def variant(X, y, seed):
        seed = seed if seed_used is None else seed_used
        params = init_params((X.shape[1], 64, 10), seed)
        rng = np.random.default_rng(seed)
        if shuffle == "seeded global":
            np.random.seed(seed)
        for epoch in range(epochs if update else 0):
            if shuffle == "none":
                order = np.arange(len(y))
            elif shuffle in ("global", "seeded global"):
                order = np.random.permutation(len(y))
            else:
                order = rng.permutation(len(y))
            labels = rng.permutation(len(y)) if shuffle == "apart" else order
            for start in range(0, len(y) - 31, 32):
                grads = mlp_backward(params, X[order[start:start + 32]], y[labels[start:start + 32]])
                for name in params:
                    params[name] += sign * lr * grads[name]
        return params
    variant.__name__ = "train"
    return variant


def shuffles_an_index_array(X, y, seed):
    params = init_params((X.shape[1], 64, 10), seed)
    rng, index = np.random.default_rng(seed), np.arange(len(y))
    for epoch in range(20):
        rng.shuffle(index)
        for batch in np.split(index[: len(y) // 32 * 32], len(y) // 32):
            for name, grad in mlp_backward(params, X[batch], y[batch]).items():
                params[name] = params[name] - 0.5 * grad
    return params


VALID["q3"] = [shuffles_an_index_array]


def test_does_the_reference_pass_q3():
    result = q3.check(train)
    assert result.status == "correct", result
    assert "for seeds 0, 1, 2" in result.message


WRONG["q3"] = [
    (train_with(update=False), "the parameters are never updated"),
    (train_with(lr=0.002), "the task asks for at least 95%"),
    (train_with(epochs=1, lr=0.05), "the task asks for at least 95%"),
    (train_with(sign=+1.0), "training diverged"),
    (train_with(lr=50.0), "every ReLU died"),
    (train_with(seed_used=0), "the same weights for seeds (0, 1, 2)"),
    (train_with(shuffle="none"), "sorted by label"),
    (train_with(shuffle="global"), "other weights when called again with the same seed"),
    (train_with(shuffle="seeded global"), "draws from the global np.random"),
    (train_with(shuffle="apart"), "index X and y with the same indices"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q3"])
def test_does_each_realistic_mistake_fail_q3_with_its_reason(wrong, words):
    # the "global" mistake shuffles with unseeded np.random: seed it here, or its accuracy (and so
    # which reason the check gives first) would change from run to run
    np.random.seed(0)
    result = q3.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_is_a_diverged_run_reported_as_such_q3():
    def diverged(X, y, seed):
        params = train(X, y, seed)
        params["W2"][0, 0] = np.inf
        return params
    result = q3.check(diverged)
    assert result.status == "incorrect" and "training diverged" in result.message


@pytest.mark.parametrize("returned, words", [
    (lambda params: (params, [2.3, 0.1]), "expected the trained parameters"),
    (lambda params: {"W1": params["W1"], "b1": params["b1"]}, "without 'W2', 'b2'"),
    (lambda params: dict(params, b2=params["b2"][:5]), "b2 of shape (5,)"),
])
def test_is_a_wrongly_shaped_return_value_explained_q3(returned, words):
    result = q3.check(lambda X, y, seed: returned(train(X, y, seed)))
    assert result.status == "incorrect" and words in result.message


def test_is_an_endless_loop_stopped_q3(monkeypatch):
    monkeypatch.setattr(q3, "time_limit", 0.3)
    assert q3.check(endless).status == "error"


def test_is_a_log_of_an_underflowed_probability_not_blamed_on_overflow_q1():
    """The learner did subtract the largest logit; the log of p = 0 is what went wrong."""
    def log_of_probabilities(logits, y):
        shifted = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        n = len(y)
        with np.errstate(divide="ignore"):
            loss = -np.log(p[np.arange(n), y]).mean()
        grad = p.copy()
        grad[np.arange(n), y] -= 1
        return loss, grad / n
    result = q1.check(log_of_probabilities)
    assert result.status == "incorrect" and "underflowed to 0" in result.message, result
    assert "Subtract each row's largest logit" not in result.message

