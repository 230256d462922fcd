"""Do the lesson 01 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import time

import numpy as np
import pytest

from course.checks import Question
from course.checks.nb01_linear_algebra import (
    NOTEBOOK,
    check_pca,
    components_needed,
    pca,
    q1,
    q2,
    q3,
    reconstruct,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}


def centred_svd(X):
    return np.linalg.svd(X - X.mean(axis=0), full_matrices=False)


def covariance_eigh(X):
    return np.linalg.eigh(np.cov(X, rowvar=False))


# --- q1: pca ------------------------------------------------------------------

def eigh_reference(X, k):
    values, vectors = covariance_eigh(X)
    return vectors[:, ::-1][:, :k].T, values[::-1][:k]


def not_centred(X, k):
    _, S, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:k], S[:k] ** 2 / (len(X) - 1)


def columns_of_vt(X, k):
    _, S, Vt = centred_svd(X)
    return Vt[:, :k].T, S[:k] ** 2 / (len(X) - 1)


def eigh_ascending(X, k):
    values, vectors = covariance_eigh(X)
    return vectors[:, :k].T, values[:k]


def eigenvectors_as_rows(X, k):
    values, vectors = covariance_eigh(X)
    order = np.argsort(values)[::-1][:k]
    return vectors[order], values[order]


def divides_by_n(X, k):
    _, S, Vt = centred_svd(X)
    return Vt[:k], S[:k] ** 2 / len(X)


def singular_values(X, k):
    _, S, Vt = centred_svd(X)
    return Vt[:k], S[:k]


def returns_u(X, k):
    U, S, _ = centred_svd(X)
    return U[:, :k].T, S[:k] ** 2 / (len(X) - 1)


def covariance_of_rows(X, k):
    values, vectors = np.linalg.eigh(np.cov(X))
    return vectors[:, ::-1][:, :k].T, values[::-1][:k]


def components_as_columns(X, k):
    components, variances = pca(X, k)
    return components.T, variances


def unnormalised_directions(X, k):
    components, variances = pca(X, k)
    return components * np.sqrt(variances)[:, None], variances


def test_does_the_reference_pass_q1():
    assert q1.check(pca).status == "correct"


def centres_in_place(X, k):
    X -= X.mean(axis=0)
    _, S, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:k], S[:k] ** 2 / (len(X) - 1)


def flipped_signs(X, k):
    """Each component's sign is arbitrary: -v is as good a direction as v."""
    components, variances = pca(X, k)
    return -components, variances


VALID["q1"] = [eigh_reference, flipped_signs]


WRONG["q1"] = [
    (not_centred, "Subtract the column means first"),
    (columns_of_vt, "component 0 points the wrong way"),
    (eigh_ascending, "list the largest first"),
    (eigenvectors_as_rows, "columns of `eigh`'s output"),
    (divides_by_n, "divided by n = 8; the sample variance divides by n - 1 = 7"),
    (singular_values, "returned the singular values S"),
    (returns_u, "one number per sample"),
    (covariance_of_rows, "one number per sample"),
    (components_as_columns, "one component per row (transpose it)"),
    (unnormalised_directions, "should be orthonormal rows (length 1, dot product 0), but row 0 has length"),
    (centres_in_place, "changed its input `X` in place"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("answer, words", [
    (None, "You passed None"),
    ("pca", "expects your function itself"),
    (lambda X, k: pca(X, k)[0], "returned float64 array of shape (3, 5); expected a pair"),
    (lambda X, k: (pca(X, k)[0],), "returned 1 value; expected 2"),
    (lambda X, k: "components", "expected a pair (components, explained_variance)"),
    (lambda X, k: (np.full((k, X.shape[1]), np.nan), np.ones(k)), "NaN"),
    (lambda X, k: (pca(X, k)[0], "variances"), "expected a numpy array"),
])
def test_does_bad_input_get_a_message_q1(answer, words):
    result = q1.check(answer)
    assert result.status == "incorrect" and words in result.message, result


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda X, k: np.linalg.svd(X)[3])
    assert result.status == "error" and "IndexError" in result.message


def test_is_an_endless_loop_stopped_q1():
    def endless(X, k):
        while True:
            pass

    started = time.perf_counter()
    result = Question(check_pca, name="q1", notebook=NOTEBOOK, time_limit=0.3).check(endless)
    assert result.status == "error" and "still running after 0.3 s" in result.message
    assert time.perf_counter() - started < 5


# --- q2: reconstruct ---------------------------------------------------------------

def forgets_the_mean(X, components, mean):
    return (X - mean) @ components.T @ components


def own_mean(X, components, mean):
    return reconstruct(X, components, X.mean(axis=0))


def not_centred_projection(X, components, mean):
    return mean + X @ components.T @ components


def coordinates_only(X, components, mean):
    return (X - mean) @ components.T


def first_component_only(X, components, mean):
    return reconstruct(X, components[:1], mean)


def test_does_the_reference_pass_q2():
    assert q2.check(reconstruct).status == "correct"


def through_the_projection_matrix(X, components, mean):
    projection = components.T @ components   # (d, d): projects onto the components' span
    return (X - mean) @ projection + mean


def row_by_row(X, components, mean):
    rows = []
    for x in X:
        centred = x - mean
        rows.append(mean + sum(np.dot(centred, c) * c for c in components))
    return np.array(rows)


VALID["q2"] = [through_the_projection_matrix, row_by_row]


def subtracts_the_mean_in_place(X, components, mean):
    X -= mean
    return X @ components.T @ components + mean


WRONG["q2"] = [
    (forgets_the_mean, "left out the mean"),
    (own_mean, "used X's own mean"),
    (not_centred_projection, "without subtracting the mean first"),
    (coordinates_only, "the coordinates along the components"),
    (first_component_only, "returned wrong reconstruction"),
    (subtracts_the_mean_in_place, "changed its input `X` in place"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


def test_is_a_wrong_matrix_product_reported_q2():
    result = q2.check(lambda X, components, mean: mean + (X - mean) @ components @ components.T)
    assert result.status == "error" and "ValueError" in result.message


@pytest.mark.parametrize("answer, words", [
    (lambda X, components, mean: "X", "expected a numpy array"),
    (lambda X, components, mean: X * np.nan, "NaN"),
    (lambda X, components, mean: X[:, :2], "expected shape"),
])
def test_does_bad_input_get_a_message_q2(answer, words):
    result = q2.check(answer)
    assert result.status == "incorrect" and words in result.message, result


# --- q3: components_needed --------------------------------------------------------

def no_plus_one(variances, fraction):
    return int(np.argmax(np.cumsum(variances) / np.sum(variances) >= fraction))


def counts_those_below(variances, fraction):
    """How many components keep less than the target: one short of the answer."""
    return int(np.sum(np.cumsum(variances) / np.sum(variances) < fraction))


def strictly_more(variances, fraction):
    return int(np.argmax(np.cumsum(variances) / np.sum(variances) > fraction)) + 1


def not_normalised(variances, fraction):
    return int(np.argmax(np.cumsum(variances) >= fraction)) + 1


def searchsorted_right(variances, fraction):
    return int(np.searchsorted(np.cumsum(variances) / np.sum(variances), fraction, side="right")) + 1


def returns_the_fraction_kept(variances, fraction):
    return np.cumsum(variances) / np.sum(variances)


def test_does_the_reference_pass_q3():
    assert q3.check(components_needed).status == "correct"


def whole_float(variances, fraction):
    """np.ceil and friends give 3.0: a whole value is a count, whatever its type."""
    return float(components_needed(variances, fraction))


def plain_loop(variances, fraction):
    total, kept = sum(variances), 0.0
    for k, v in enumerate(variances, start=1):
        kept += v
        if kept >= fraction * total:
            return k


def searchsorted_left(variances, fraction):
    return int(np.searchsorted(np.cumsum(variances) / np.sum(variances), fraction, side="left")) + 1


VALID["q3"] = [whole_float, plain_loop, searchsorted_left]


WRONG["q3"] = [
    (no_plus_one, "also counts the one that reaches it"),
    (counts_those_below, "also counts the one that reaches it"),
    (strictly_more, "returned 2; expected 1. The first 2 component(s) keep 75.0%"),
    (not_normalised, "divided by the total variance"),
    (searchsorted_right, "(reaching it exactly is enough)"),
    (returns_the_fraction_kept, "expected a whole number"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q3"])
def test_does_each_realistic_mistake_fail_q3_with_its_reason(wrong, words):
    result = q3.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("answer, words", [
    (lambda variances, fraction: 2.5, "returned 2.5, not a whole number; expected a whole number"),
    (lambda variances, fraction: True, "expected a whole number"),
    (lambda variances, fraction: "3", "expected a whole number"),
    (lambda variances, fraction: float("nan"), "expected a whole number"),
])
def test_does_bad_input_get_a_message_q3(answer, words):
    result = q3.check(answer)
    assert result.status == "incorrect" and words in result.message, result


def test_does_the_reference_give_the_lessons_digit_counts():
    from sklearn.datasets import load_digits

    _, variances = pca(load_digits().data / 16.0, 64)
    assert [components_needed(variances, f) for f in (0.5, 0.8, 0.95)] == [5, 13, 29]


def test_does_reconstruction_from_every_component_give_the_data_back():
    X = np.random.default_rng(0).normal(size=(10, 4))
    assert np.allclose(reconstruct(X, pca(X, 4)[0], X.mean(axis=0)), X)

