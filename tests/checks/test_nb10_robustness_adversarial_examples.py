"""Do the lesson 10 checks pass the reference and fail realistic mistakes for the right reason?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import numpy as np
import pytest

from course import mlp
from course.checks.nb10_robustness_adversarial_examples import (
    attack_cases,
    fgsm,
    gradient_cases,
    input_gradient,
    numerical_input_gradient,
    q1,
    q2,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}


def endless(*args, **kwargs):
    while True:
        pass


# --- q1: input_gradient --------------------------------------------------------

def gradient_with(gate=None, dlogits=None, last=None):
    """Build an input_gradient variant: another ReLU gate, gradient at the logits, or last step."""
    def variant(params, X, y):
        probs, cache = mlp.forward(params, X)
        onehot = np.eye(probs.shape[1])[y]
        dl = dlogits(probs, onehot, cache) if dlogits else probs - onehot
        dh = dl @ params["W2"].T
        dz = gate(dh, cache, params) if gate else dh * (cache["z"] > 0)
        return last(dz, params, X) if last else dz @ params["W1"].T
    variant.__name__ = "input_gradient"
    return variant


def mean_loss_gradient(params, X, y):
    """The trap the task warns about: course.mlp's softmax_xent_grad is the gradient of the batch mean."""
    _, cache = mlp.forward(params, X)
    _, dlogits = mlp.softmax_xent_grad(cache["logits"], y)
    dz = (dlogits @ params["W2"].T) * (cache["z"] > 0)
    return dz @ params["W1"].T


WRONG_GRADIENTS = {
    "mean loss, 1/n too small": (mean_loss_gradient, "4 times too small: the gradient of the batch's mean loss"),
    "sign flipped (y - p)": (gradient_with(dlogits=lambda p, onehot, c: onehot - p), "sign flipped"),
    "no ReLU gate": (gradient_with(gate=lambda dh, c, prm: dh), "so look at the ReLU gate"),
    "gate without the bias (X @ W1 > 0)": (
        gradient_with(gate=lambda dh, c, prm: dh * (c["X"] @ prm["W1"] > 0)), "z = X @ W1 + b1, bias included"),
    "gate taken from the gradient (dh > 0)": (
        gradient_with(gate=lambda dh, c, prm: dh * (dh > 0)), "Check the gradient at the logits, p - onehot(y)"),
    "derivative of ReLU taken as relu(z)": (
        gradient_with(gate=lambda dh, c, prm: dh * c["h"]), "Check the gradient at the logits"),
    "one-hot never subtracted": (gradient_with(dlogits=lambda p, onehot, c: p), "finite differences of that example"),
    "stopped at the hidden layer": (gradient_with(last=lambda dz, prm, X: dz), "gradient at the hidden layer"),
    "loss taken as -logit[y], softmax forgotten": (
        gradient_with(dlogits=lambda p, onehot, c: -onehot), "finite differences of that example"),
    "transposed": (gradient_with(last=lambda dz, prm, X: (dz @ prm["W1"].T).T), "It looks transposed"),
    "summed over the batch": (
        gradient_with(last=lambda dz, prm, X: (dz @ prm["W1"].T).sum(axis=0)), "keep one row per example"),
}


WRONG["q1"] = list(WRONG_GRADIENTS.values())


def one_example_at_a_time(params, X, y):
    rows = []
    for x, label in zip(X, y):
        z = x @ params["W1"] + params["b1"]
        p = mlp.softmax((np.maximum(z, 0) @ params["W2"] + params["b2"])[None, :])[0]
        p[label] -= 1
        rows.append(params["W1"] @ ((params["W2"] @ p) * (z > 0)))
    return np.array(rows)


def times_n_of_the_mean_gradient(params, X, y):
    """course.mlp's gradient is of the batch mean: multiplied back by n it is each example's own."""
    return len(y) * mean_loss_gradient(params, X, y)


VALID["q1"] = [one_example_at_a_time, times_n_of_the_mean_gradient]


def test_does_the_reference_pass_q1():
    result = q1.check(input_gradient)
    assert result.status == "correct", result


def test_are_the_finite_differences_the_check_uses_trustworthy():
    """Is every pre-activation far from the ReLU's kink, and do reference and finite differences agree?"""
    for description, params, X, y, numeric in gradient_cases():
        z = X @ params["W1"] + params["b1"]
        assert np.abs(z).min() > 1e-4, description
        assert ("all active" in description) == bool((z > 0).all()), description
        np.testing.assert_allclose(input_gradient(params, X, y), numeric, rtol=1e-5, atol=1e-9)


def test_is_the_finite_difference_helper_a_central_difference_of_each_examples_loss():
    params, X, y = gradient_cases()[1][1:4]
    nudged, below = X.copy(), X.copy()
    nudged[0, 2] += 1e-6
    below[0, 2] -= 1e-6
    # The first example's loss alone, as a batch of one.
    difference = mlp.loss(params, nudged[:1], y[:1]) - mlp.loss(params, below[:1], y[:1])
    assert np.isclose(numerical_input_gradient(params, X, y)[0, 2], difference / 2e-6, rtol=1e-6)


@pytest.mark.parametrize("name", WRONG_GRADIENTS)
def test_does_each_realistic_mistake_fail_q1_with_its_reason(name):
    wrong, words = WRONG_GRADIENTS[name]
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


def test_is_a_nan_gradient_reported_q1():
    result = q1.check(lambda params, X, y: np.full_like(X, np.nan))
    assert result.status == "incorrect" and "NaN" in result.message


def test_is_a_string_answer_reported_q1():
    result = q1.check(lambda params, X, y: "gradient")
    assert result.status == "incorrect" and "expected a numpy array" in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda params, X, y: params["W3"])
    assert result.status == "error" and "KeyError" in result.message


def test_is_an_endless_loop_stopped_q1(monkeypatch):
    monkeypatch.setattr(q1, "time_limit", 0.3)
    result = q1.check(endless)
    assert result.status == "error" and "still running" in result.message


# --- q2: fgsm ------------------------------------------------------------------

def fgsm_with(step=None, clip=True, gradient=input_gradient):
    """Build an fgsm variant: another step from the gradient, no clipping, or another input gradient."""
    def variant(params, X, y, eps):
        g = gradient(params, X, y)
        moved = X + (step(g, eps) if step else eps * np.sign(g))
        return np.clip(moved, 0.0, 1.0) if clip else moved
    variant.__name__ = "fgsm"
    return variant


def predicted_labels_attack(params, X, y, eps):
    """FGSM on the network's own predictions instead of the true labels."""
    predicted = np.argmax(mlp.forward(params, X)[1]["logits"], axis=1)
    return fgsm(params, X, predicted, eps)


def random_noise_attack(params, X, y, eps):
    return np.clip(X + eps * np.random.default_rng(1).choice([-1.0, 1.0], size=X.shape), 0.0, 1.0)


WRONG_ATTACKS = {
    "no clipping": (fgsm_with(clip=False), "Clip the result: np.clip(..., 0, 1)"),
    "gradient instead of its sign": (fgsm_with(step=lambda g, eps: eps * g), "Step by eps times the sign of the gradient"),
    "gradient scaled to the largest entry": (
        fgsm_with(step=lambda g, eps: eps * g / np.abs(g).max(axis=1, keepdims=True)), "Use np.sign of the gradient"),
    "twice eps": (fgsm_with(step=lambda g, eps: 2 * eps * np.sign(g)), "more than eps = 0.1"),
    "sign flipped": (fgsm_with(step=lambda g, eps: -eps * np.sign(g)), "the step goes down the loss"),
    "random noise of the same size": (random_noise_attack, "no more harmful than noise"),
    "predicted labels for true ones": (predicted_labels_attack, "attacks the network's own predictions"),
    "ReLU gate from the gradient": (
        fgsm_with(gradient=WRONG_GRADIENTS["gate taken from the gradient (dh > 0)"][0]), "does it pass q1?"),
    "one-hot never subtracted": (
        fgsm_with(gradient=WRONG_GRADIENTS["one-hot never subtracted"][0]), "no more harmful than noise"),
    "ReLU gate without the bias": (
        fgsm_with(gradient=WRONG_GRADIENTS["gate without the bias (X @ W1 > 0)"][0]), "does it pass q1?"),
}


def test_does_the_reference_pass_q2():
    result = q2.check(fgsm)
    assert result.status == "correct", result
    assert "53.2% accuracy on the test digits, against 96.0% under random +-0.1 noise and 97.0% clean" in result.message


@pytest.mark.parametrize("name", WRONG_ATTACKS)
def test_does_each_realistic_mistake_fail_q2_with_its_reason(name):
    wrong, words = WRONG_ATTACKS[name]
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


def changes_x_in_place(params, X, y, eps):
    """Its values are right, but the lesson's noise control then starts from the attacked X (26.4%, not 96.0%)."""
    X += eps * np.sign(input_gradient(params, X, y))
    return np.clip(X, 0.0, 1.0, out=X)


WRONG["q2"] = [*WRONG_ATTACKS.values(), (changes_x_in_place, "changed its input `X` in place")]


def test_does_an_fgsm_that_changes_x_in_place_fail_q2_naming_the_noise_control():
    result = q2.check(changes_x_in_place)
    assert result.status == "incorrect", result
    assert "changed its input `X` in place" in result.message and "26.4%" in result.message


def clipped_with_minimum_and_maximum(params, X, y, eps):
    return np.minimum(np.maximum(X + eps * np.sign(input_gradient(params, X, y)), 0.0), 1.0)


# Dividing the gradient by n changes no sign, so FGSM is the same: q1 is where that mistake is caught
VALID["q2"] = [fgsm_with(gradient=mean_loss_gradient), clipped_with_minimum_and_maximum]


def test_do_the_attack_cases_have_pixels_fgsm_must_clip_and_pixels_it_cannot():
    for description, params, X, y, eps in attack_cases():
        g = input_gradient(params, X, y)
        assert np.all(g != 0), description
        assert ((X < eps) & (g < 0)).any() and ((X > 1 - eps) & (g > 0)).any(), description
        assert ((X >= eps) & (X <= 1 - eps)).any(), description


@pytest.mark.parametrize("returned, words", [
    (lambda X: np.full_like(X, np.nan), "NaN"),
    (lambda X: X[:, :-1], "expected shape"),
    (lambda X: "adversarial", "expected a numpy array"),
    (lambda X: X, "returned X unchanged"),
])
def test_is_a_wrong_kind_of_result_explained_q2(returned, words):
    result = q2.check(lambda params, X, y, eps: returned(X.copy()))
    assert result.status == "incorrect" and words in result.message, result.message


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda params, X, y: X)
    assert result.status == "error" and "TypeError" in result.message


def test_is_an_endless_loop_stopped_q2(monkeypatch):
    monkeypatch.setattr(q2, "time_limit", 0.3)
    result = q2.check(endless)
    assert result.status == "error" and "still running" in result.message

