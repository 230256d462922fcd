"""Checks for exercises/01-linear-algebra.ipynb: PCA written with the SVD.

q1  pca(X, k): (components (k, d) with orthonormal rows, variance along each (k,))
q2  reconstruct(X, components, mean): X rebuilt from its coordinates along the components
q3  components_needed(variances, fraction): the fewest components that keep `fraction` of the variance
"""
from __future__ import annotations

import inspect

import numpy as np

from course.checks import (
    Incorrect,
    Question,
    expect_array,
    expect_close,
    expect_count,
    expect_inputs_unchanged,
    expect_values,
)

NOTEBOOK = "01-linear-algebra"


def pca(X, k):
    """Return the first k principal components (rows) of X and the variance along each."""
    centred = X - X.mean(axis=0)
    _, S, Vt = np.linalg.svd(centred, full_matrices=False)
    return Vt[:k], S[:k] ** 2 / (len(X) - 1)


def reconstruct(X, components, mean):
    """Return each row of X rebuilt from the mean and its coordinates along the components."""
    return mean + (X - mean) @ components.T @ components


def components_needed(variances, fraction):
    """Return the smallest k whose first k variances hold at least `fraction` of the total."""
    kept = np.cumsum(variances) / np.sum(variances)
    return int(np.argmax(kept >= fraction)) + 1


def _data(rng, n, d):
    """Return n samples in d dimensions with well-separated variances and a mean far from 0."""
    rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return rng.normal(size=(n, d)) * np.geomspace(4.0, 0.2, d) @ rotation + 3 * rng.normal(size=d)


def _pca_cases():
    """Inputs for q1 and q2: small n (where n and n-1 differ most), wider data, real digits."""
    from sklearn.datasets import load_digits

    rng = np.random.default_rng(1)
    yield _data(rng, 8, 5), 3
    yield _data(rng, 120, 12), 4
    yield load_digits().data / 16.0, 5


def _same_directions(got, expected):
    """Return |cosine| between matching rows of two (k, d) arrays of unit rows."""
    return np.abs(np.sum(got * expected, axis=1))


def _pca_pair(got, call, n, d, k):
    """Return (components, variances) after checking the pair's type and shapes."""
    got = expect_values(got, 2, call, "(components, explained_variance)")
    shape = np.shape(got[0]) if isinstance(got[0], (np.ndarray, list, tuple)) else None
    if shape in ((k, n), (n, k)) and n != d:
        raise Incorrect(f"`{call}` returned components of shape {shape}: one number per sample (row of X). "
                        "Components live in feature space, one per row: take rows of `Vt`, not columns of `U`.")
    if shape == (d, k) and d != k:
        raise Incorrect(f"`{call}` returned components of shape {shape}; expected {(k, d)}: "
                        "one component per row (transpose it).")
    components = expect_array(got[0], call, shape=(k, d), kind="f")
    variances = expect_array(got[1], call, shape=(k,), kind="f")
    return components.astype(float), variances.astype(float)


def _explain_wrong_components(X, components, expected, call):
    """Raise Incorrect naming the most likely reason the components differ from scikit-learn's."""
    k = len(components)
    _, _, Vt_raw = np.linalg.svd(X, full_matrices=False)
    if np.all(_same_directions(components, Vt_raw[:k]) > 1 - 1e-6):
        raise Incorrect(f"`{call}` returned the directions of the raw X. Subtract the column means first "
                        "(`X - X.mean(axis=0)`): PCA measures variance around the mean, not around 0.")
    cosines = _same_directions(components, expected)
    row, cosine = int(np.argmin(cosines)), cosines.min()
    raise Incorrect(f"`{call}`: component {row} points the wrong way (|cosine| {cosine:.2f} with scikit-learn's, "
                    "1 if it matched up to sign). The components are the first k rows of `Vt` from the SVD of "
                    "the centred X, or the eigenvectors of its covariance, which are the columns of `eigh`'s output.")


def _expect_orthonormal(components, call):
    gram = components @ components.T
    off = np.argwhere(~np.isclose(gram, np.eye(len(gram)), atol=1e-6))
    if len(off):
        i, j = (int(v) for v in off[0])
        what = f"row {i} has length {np.sqrt(max(gram[i, i], 0)):.3f}" if i == j else \
            f"rows {i} and {j} have dot product {gram[i, j]:.3f}"
        raise Incorrect(f"`{call}`: the components should be orthonormal rows (length 1, dot product 0), but {what}.")


def check_pca(fn):
    from sklearn.decomposition import PCA

    for X, k in _pca_cases():
        # a copy, so a learner who centres X in place cannot change what the reference sees
        (n, d), got = X.shape, fn(X.copy(), k)
        call = fn.last_call
        expect_inputs_unchanged(fn, "The lesson's next cells reconstruct and plot the same X: centred in place, "
                                    "it no longer holds the digits, and its mean is 0.")
        components, variances = _pca_pair(got, call, n, d, k)
        _expect_orthonormal(components, call)
        rises = np.flatnonzero(np.diff(variances) > 1e-9 * np.abs(variances).max())
        if len(rises):
            i = int(rises[0])
            raise Incorrect(f"`{call}`: the variance rises from {variances[i]:.4g} (component {i}) to "
                            f"{variances[i + 1]:.4g}; list the largest first (`np.linalg.eigh` sorts ascending).")
        reference = PCA(n_components=k, svd_solver="full").fit(X)
        if not np.all(_same_directions(components, reference.components_) > 1 - 1e-6):
            _explain_wrong_components(X, components, reference.components_, call)
        expected = reference.explained_variance_
        if np.allclose(variances, expected * (n - 1) / n, rtol=1e-6):
            raise Incorrect(f"`{call}` divided by n = {n}; the sample variance divides by n - 1 = {n - 1}, "
                            "as scikit-learn's `explained_variance_` does.")
        if np.allclose(variances, np.sqrt(expected * (n - 1)), rtol=1e-6):
            raise Incorrect(f"`{call}` returned the singular values S; the variance along a component is S**2 / (n - 1).")
        expect_close(variances, expected, call, rtol=1e-6, what="explained variances")
    return "Orthonormal components, largest variance first, and a match with scikit-learn's PCA on 3 datasets."


def _reconstruct_cases():
    """(X, components, mean): the fitted rows, new rows with the old mean, then all d components."""
    cases = list(_pca_cases())
    for X, k in cases:
        half = len(X) // 2
        components, mean = pca(X[:half], k)[0], X[:half].mean(axis=0)
        yield X[:half], components, mean
        yield X[half:], components, mean
    X = cases[0][0]
    yield X, pca(X, X.shape[1])[0], X.mean(axis=0)


def _explain_wrong_reconstruction(got, X, components, mean, call):
    """Raise Incorrect naming the most likely slip in a reconstruction."""
    projector = components.T @ components
    if np.allclose(got, (X - mean) @ projector):
        raise Incorrect(f"`{call}` left out the mean: add `mean` back after projecting.")
    if np.allclose(got, reconstruct(X, components, X.mean(axis=0))):
        raise Incorrect(f"`{call}` used X's own mean; use the `mean` you are given (these rows are new data, "
                        "and the components were fitted around the training mean).")
    if np.allclose(got, X @ projector) or np.allclose(got, mean + X @ projector):
        raise Incorrect(f"`{call}` projected X without subtracting the mean first: project `X - mean`.")
    expect_close(got, reconstruct(X, components, mean), call, rtol=1e-6, atol=1e-9, what="reconstruction")


def check_reconstruct(fn):
    for X, components, mean in _reconstruct_cases():
        got = fn(X.copy(), components.copy(), mean.copy())
        expect_inputs_unchanged(fn, "The lesson compares the reconstruction with the same X afterwards: an X "
                                    "changed in place makes the error look like 0.")
        got = expect_array(got, fn.last_call, kind="f")
        call = fn.last_call
        if got.shape == (len(X), len(components)) and len(components) != X.shape[1]:
            raise Incorrect(f"`{call}` returned shape {got.shape}: the coordinates along the components. "
                            "Map them back to pixel space with `@ components` and add the mean.")
        got = expect_array(got, call, shape=X.shape, kind="f").astype(float)
        if not np.allclose(got, reconstruct(X, components, mean), rtol=1e-6, atol=1e-9):
            _explain_wrong_reconstruction(got, X, components, mean, call)
    return "Matches the reference on fitted data, on new data, and rebuilds X exactly from all components."


def _fraction_cases():
    """Variances that make exact ties (4, 2, 1, 1 of 8), then a longer list like the digits' top ten."""
    for fraction in (0.5, 0.75, 0.8, 1.0, 0.1):
        yield np.array([4.0, 2.0, 1.0, 1.0]), fraction
    longer = np.array([0.699, 0.640, 0.554, 0.395, 0.272, 0.227, 0.170, 0.142, 0.119, 0.105])
    for fraction in (0.4, 0.9, 0.99):
        yield longer, fraction


def _count_below(variances, fraction):
    return int(np.sum(np.cumsum(variances) / np.sum(variances) < fraction))


def _not_normalised(variances, fraction):
    return int(np.argmax(np.cumsum(variances) >= fraction)) + 1


def check_components_needed(fn):
    answers = []
    for variances, fraction in _fraction_cases():
        got = expect_count(fn(variances.copy(), fraction), fn.last_call, "a whole number: how many components")
        answers.append((variances, fraction, got, fn.last_call))
        expect_inputs_unchanged(fn, "The lesson plots the same variances afterwards, in their order.")
    # a slip is named only when it explains every answer, so that two slips agreeing on one case do not mix up
    below = all(got == _count_below(v, f) for v, f, got, _ in answers)
    unnormalised = all(got == _not_normalised(v, f) for v, f, got, _ in answers)
    for variances, fraction, got, call in answers:
        expected = components_needed(variances, fraction)
        if got == expected:
            continue
        kept = np.cumsum(variances) / np.sum(variances)
        if below:
            raise Incorrect(f"`{call}` returned {got}; expected {expected}. {got} is how many components keep less "
                            f"than {fraction:.0%}; the answer also counts the one that reaches it: that count + 1, "
                            "or np.argmax(kept >= fraction) + 1.")
        if unnormalised:
            raise Incorrect(f"`{call}` returned {got}; expected {expected}. Compare the fraction with the running "
                            "total divided by the total variance, not with the running total itself.")
        if not 1 <= got <= len(variances):
            raise Incorrect(f"`{call}` returned {got}; expected {expected}. k counts components, so it lies "
                            f"between 1 and {len(variances)}; positions start at 0, counts at 1.")
        raise Incorrect(f"`{call}` returned {got}; expected {expected}. The first {got} component(s) keep "
                        f"{kept[got - 1]:.1%} of the variance; the first {expected} keep {kept[expected - 1]:.1%}, "
                        f"the fewest to reach {fraction:.0%} (reaching it exactly is enough).")
    return "Right on 8 cases, including fractions that are reached exactly."


q1 = Question(
    check_pca,
    hints=[
        "Centre first: `centred = X - X.mean(axis=0)`. Then `U, S, Vt = np.linalg.svd(centred, full_matrices=False)`.",
        "The rows of `Vt` are the principal directions, largest first: `Vt[:k]` has shape (k, d).",
        "The variance along row i of `Vt` is `S[i] ** 2 / (n - 1)`, with n = `len(X)`.",
    ],
    solution=inspect.getsource(pca), name="q1", notebook=NOTEBOOK)

q2 = Question(
    check_reconstruct,
    hints=[
        "Three steps: subtract `mean`; find the coordinates `(X - mean) @ components.T`, shape (n, k); map back.",
        "Mapping back is `coordinates @ components`, shape (n, d); then add `mean` again.",
    ],
    solution=inspect.getsource(reconstruct), name="q2", notebook=NOTEBOOK)

q3 = Question(
    check_components_needed,
    hints=[
        "`np.cumsum(variances) / np.sum(variances)` gives the fraction kept by the first 1, 2, 3, ... components.",
        "Find the first position where that fraction is `>= fraction`; positions start at 0, counts at 1.",
    ],
    solution=inspect.getsource(components_needed), name="q3", notebook=NOTEBOOK)
