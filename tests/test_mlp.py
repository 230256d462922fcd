"""Does course.mlp, the network lessons 10 to 12 reuse, train well, deterministically, with right gradients?"""
import numpy as np
import pytest

from course import mlp
from course.data import load_digits_split


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(test_size=0.5, seed=0)


@pytest.fixture(scope="module")
def trained(digits):
    X_train, _, y_train, _ = digits
    return mlp.train(X_train, y_train, seed=0)


def numerical_grads(params, X, y, h=1e-6):
    """Central differences of the mean loss for every parameter entry."""
    grads = {}
    for name, value in params.items():
        grads[name] = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            old = value[i]
            value[i] = old + h
            up = mlp.loss(params, X, y)
            value[i] = old - h
            down = mlp.loss(params, X, y)
            value[i] = old
            grads[name][i] = (up - down) / (2 * h)
    return grads


def test_does_it_reach_96_percent_on_the_digits_test_half(digits, trained):
    _, X_test, _, y_test = digits
    assert mlp.accuracy(trained, X_test, y_test) >= 0.96


def test_does_the_same_seed_give_the_same_weights_and_another_seed_different_ones(digits, trained):
    X_train, _, y_train, _ = digits
    again = mlp.train(X_train, y_train, seed=0)
    other = mlp.train(X_train, y_train, seed=1)
    assert all(np.array_equal(trained[k], again[k]) for k in trained)
    assert not np.allclose(trained["W1"], other["W1"])


def test_does_the_loss_start_near_ln_10():
    X_train, _, y_train, _ = load_digits_split(test_size=0.5, seed=0)
    assert mlp.loss(mlp.init_params((64, 128, 10), seed=0), X_train, y_train) == pytest.approx(np.log(10), abs=0.02)


def test_does_the_backward_pass_match_finite_differences():
    rng = np.random.default_rng(0)
    params = mlp.init_params((5, 4, 3), seed=1)
    params["W2"] = rng.normal(0, 1, params["W2"].shape)  # larger output weights: gradients far from zero
    params["b1"] = rng.normal(0, 0.5, 4)
    X, y = rng.normal(0, 1, (7, 5)), rng.integers(0, 3, 7)
    analytic, numeric = mlp.mlp_backward(params, X, y), numerical_grads(params, X, y)
    for name in params:
        assert analytic[name].shape == params[name].shape
        np.testing.assert_allclose(analytic[name], numeric[name], rtol=1e-6, atol=1e-9)


def test_is_the_softmax_cross_entropy_finite_on_huge_logits():
    loss, grad = mlp.softmax_xent_grad(np.array([[1000.0, 0.0, -1000.0], [0.0, 2000.0, 0.0]]), np.array([0, 0]))
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert loss == pytest.approx(1000.0)


def test_do_probabilities_sum_to_one_and_does_on_epoch_see_every_epoch(digits):
    X_train, X_test, y_train, _ = digits
    seen = []
    params = mlp.train(X_train[:64], y_train[:64], hidden=8, epochs=3, seed=0, on_epoch=lambda e, p: seen.append(e))
    assert seen == [0, 1, 2]
    np.testing.assert_allclose(mlp.predict_proba(params, X_test).sum(axis=1), 1.0)
