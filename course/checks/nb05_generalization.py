"""Checks for exercises/05-generalization.ipynb: ridge regression, k-fold cross-validation, a sealed test set.

q1  ridge_fit(X, y, lam): (w, b) minimising ||X w + b - y||^2 + lam ||w||^2, intercept not penalised
q2  kfold_select_lambda(X, y, lambdas, k): (chosen lambda, k-fold CV error of every lambda)
q3  select_and_test(X_dev, y_dev, lambdas, k, test): (chosen lambda, test MSE), touching the test set once
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from course.checks import (
    Incorrect,
    LearnerProblem,
    Question,
    expect_array,
    expect_close,
    expect_inputs_unchanged,
    expect_number,
    expect_values,
)

NOTEBOOK = "05-generalization"


class TestSetUsed(Exception):
    """Code touched the sealed test set other than by scoring one final model."""

    __test__ = False  # not a pytest test class


@dataclass(frozen=True, eq=False)
class SealedTestSet:
    """Held-out data that scores one final linear model, `test(w, b)`, and refuses every other use."""

    sealed_X: np.ndarray
    sealed_y: np.ndarray
    answered: list = field(default_factory=list)

    def __call__(self, w, b):
        if self.answered:
            raise TestSetUsed(f"the test set already scored one model (test MSE {self.answered[0]:.4g}) and answers "
                              "only once. Choose lambda by cross-validation on the development data, then score only "
                              "the final model.")
        w = np.asarray(w, dtype=float)
        if w.shape != (self.sealed_X.shape[1],) or np.ndim(b) != 0:
            raise ValueError(f"test(w, b) needs w of shape ({self.sealed_X.shape[1]},) and a single number b; "
                             f"got w of shape {w.shape} and b={b!r}.")
        mse = float(np.mean((self.sealed_X @ w + float(b) - self.sealed_y) ** 2))
        self.answered.append(mse)
        return mse

    def _refuse(self, *args, **kwargs):
        raise TestSetUsed("you used the test set: it is sealed, so its data cannot be read, indexed, measured or "
                          "converted. The only thing it does is score your final model once: `test(w, b)`.")

    __len__ = __iter__ = __getitem__ = __contains__ = __array__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __matmul__ = __rmatmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __neg__ = _refuse

    def __bool__(self):
        return True

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()

    def __repr__(self):
        return f"SealedTestSet({len(self.sealed_y)} examples, scores one model)"


def ridge_fit(X, y, lam):
    """Return (w, b) minimising ||X w + b - y||^2 + lam * ||w||^2; the intercept b is not penalised."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    # with centred data the best intercept is 0, so only w is left, penalised by sqrt(lam) rows
    d = X.shape[1]
    A = np.vstack([X - x_mean, np.sqrt(lam) * np.eye(d)])
    w, *_ = np.linalg.lstsq(A, np.concatenate([y - y_mean, np.zeros(d)]), rcond=None)
    return w, float(y_mean - x_mean @ w)


def kfold_select_lambda(X, y, lambdas, k):
    """Return (lambda with the lowest k-fold CV error, array of CV errors, one per lambda)."""
    n = len(y)
    folds = np.array_split(np.arange(n), k)
    errors = []
    for lam in lambdas:
        squared = 0.0
        for fold in folds:
            train = np.setdiff1d(np.arange(n), fold)
            w, b = ridge_fit(X[train], y[train], lam)
            squared += np.sum((X[fold] @ w + b - y[fold]) ** 2)
        errors.append(squared / n)
    errors = np.array(errors)
    return float(lambdas[np.argmin(errors)]), errors


def select_and_test(X_dev, y_dev, lambdas, k, test):
    """Return (lambda chosen by k-fold CV on the development data, test MSE of the refitted model)."""
    lam, _ = kfold_select_lambda(X_dev, y_dev, lambdas, k)
    w, b = ridge_fit(X_dev, y_dev, lam)
    return lam, test(w, b)


# --- data for the checks ---------------------------------------------------------

def _regression(rng, n, d, noise, offset=0.0):
    """Features away from 0 and a target with an offset, so a wrong intercept shows."""
    X = rng.normal(2.0, 1.5, (n, d))
    y = X @ rng.normal(0, 1, d) + offset + rng.normal(0, noise, n)
    return X, y


def _ridge_cases():
    yield np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0]), 0.0
    rng = np.random.default_rng(5)
    for n, d, lam, offset in [(30, 3, 2.0, 20.0), (12, 5, 0.5, -8.0), (50, 1, 10.0, 5.0)]:
        X, y = _regression(rng, n, d, 0.5, offset)
        yield X, y, lam


def _cv_cases():
    rng = np.random.default_rng(6)
    for n, d, k in [(53, 4, 5), (31, 6, 10), (42, 3, 4)]:
        X, y = _regression(rng, n, d, 2.0, 10.0)
        yield X, y, np.array([0.01, 0.3, 3.0, 30.0, 300.0, 3000.0]), k


def _protocol_cases():
    # seed chosen so that CV, the test set and training error prefer different lambdas, and so does
    # CV with any other usual k (2, 3, 4, 5, 10): a hard-coded k fails
    rng = np.random.default_rng(24)
    for n_dev, d, k in [(60, 8, 5), (45, 10, 3)]:
        X, y = _regression(rng, n_dev + 500, d, 3.0, 4.0)
        yield X[:n_dev], y[:n_dev], np.array([0.01, 1.0, 10.0, 30.0, 100.0, 1000.0]), k, X[n_dev:], y[n_dev:]


# --- the checks ------------------------------------------------------------------

def _same(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-6, atol=1e-9)


def _penalised_b(X, y, lam):
    """The common mistake: ridge with a column of ones whose coefficient (the intercept) is penalised too."""
    ones = np.column_stack([np.ones(len(y)), X])
    coef, *_ = np.linalg.lstsq(np.vstack([ones, np.sqrt(lam) * np.eye(ones.shape[1])]),
                               np.concatenate([y, np.zeros(ones.shape[1])]), rcond=None)
    return coef[1:], coef[0]


def _ridge_variants(X, y, lam):
    """Results of common mistakes in ridge_fit, each with what it means."""
    n, d = X.shape
    no_b, *_ = np.linalg.lstsq(np.vstack([X, np.sqrt(lam) * np.eye(d)]), np.concatenate([y, np.zeros(d)]), rcond=None)
    yield _penalised_b(X, y, lam), "the intercept b is penalised too: only w should be. Centre X and y first."
    yield (no_b, 0.0), "there is no intercept: fit b as well (it is `y.mean() - X.mean(axis=0) @ w` for centred data)."
    yield ridge_fit(X, y, lam ** 2), "the penalty is lam**2: the extra rows should hold `np.sqrt(lam)`, not lam."
    yield ridge_fit(X, y, lam * n), "the penalty is n times too strong: minimise the sum of squared errors, not their mean."


def check_ridge(fn):
    for X, y, lam in _ridge_cases():
        # copies, so a learner who centres X or y in place cannot change what the reference sees
        w, b = expect_values(fn(X.copy(), y.copy(), lam), 2, fn.last_call, "(w, b)")
        call, d = fn.last_call, X.shape[1]
        changed = list(getattr(fn, "changed_inputs", None) or [])   # read now: a later call would reset it
        w = expect_array(w, call, kind="f")
        if w.shape == (d + 1,):
            raise Incorrect(f"`{call}` returned w with {d + 1} entries for {d} feature(s): return the intercept "
                            "separately, as `(w, b)`.")
        expect_array(w, call, shape=(d,), kind="f")
        b = expect_number(b, call, "a single number", part="b")
        want_w, want_b = ridge_fit(X, y, lam)   # on the check's own X and y, which the learner never saw
        right = _same(w, want_w) and _same(b, want_b)
        if changed and not right:
            names = ", ".join(f"`{name}`" for name in changed)
            raise Incorrect(f"`{call}` changed its input {names} in place (centred it with `-=`?), and returned "
                            f"w = {np.round(w, 4).tolist()}, b = {b:.6g}; expected w = {np.round(want_w, 4).tolist()}, "
                            f"b = {want_b:.6g}. Means taken after centring in place are 0, so the intercept "
                            "`y.mean() - X.mean(axis=0) @ w` loses them. Centre into new arrays, `Xc = X - "
                            "X.mean(axis=0)` and `yc = y - y.mean()`, and keep X and y as they were: the lesson fits "
                            "again on them.")
        expect_inputs_unchanged(fn, "The lesson fits again on the same X and y (the penalty sweep, cross-validation): "
                                    "centred data there gives every later fit a wrong intercept.")
        if right:
            continue
        if _same(w, want_w) and abs(b) < 1e-9 < abs(want_b):
            raise Incorrect(f"`{call}` has the right w but b = 0; expected {want_b:.6g}. That is the intercept "
                            "of the centred data. Put the means back, `b = y.mean() - X.mean(axis=0) @ w`, with the "
                            "means of the X and y you were given (if you centred them in place, their means are "
                            "now 0: centre into new arrays instead).")
        for (vw, vb), meaning in _ridge_variants(X, y, lam):
            if _same(w, vw) and _same(b, vb):
                raise Incorrect(f"`{call}`: {meaning}")
        expect_close(w, want_w, call, what="weights w")
        raise Incorrect(f"`{call}` has the right w but b = {b:.6g}; expected {want_b:.6g}.")
    return "Matches the reference on 4 problems, with and without a penalty."


def _cv_errors(X, y, lambdas, folds, fit=ridge_fit, pooled=True):
    """CV error per lambda for the given validation folds: pooled over samples, or the mean of fold means."""
    rows = []
    for lam in lambdas:
        parts = []
        for fold in folds:
            train = np.setdiff1d(np.arange(len(y)), fold)
            w, b = fit(X[train], y[train], lam)
            parts.append((X[fold] @ w + b - y[fold]) ** 2)
        rows.append(np.concatenate(parts).mean() if pooled else np.mean([p.mean() for p in parts]))
    return np.array(rows)


def _cv_variants(X, y, lambdas, k):
    n = len(y)
    folds = np.array_split(np.arange(n), k)
    sizes = sorted({len(f) for f in folds})
    yield (_cv_errors(X, y, lambdas, folds, pooled=False),
           f"these are the mean of the {k} fold MSEs, but the folds differ in size ({sizes} samples): add up all "
           "squared errors and divide by n, so every sample counts once.")
    yield (np.array([np.mean((X @ w + b - y) ** 2) for w, b in (ridge_fit(X, y, lam) for lam in lambdas)]),
           "these are training errors: each model was scored on data it was fitted to. Fit without the fold, "
           "score on the fold.")
    yield (_cv_errors(X, y, lambdas, folds, fit=_penalised_b),
           "the intercept is penalised in the fits: use ridge_fit from q1, which leaves b free.")
    yield (_cv_errors(X, y, lambdas, folds) * n, "these are sums of squared errors: divide by n.")
    size = n // k
    short = [np.arange(i * size, (i + 1) * size) for i in range(k)]
    yield (_cv_errors(X, y, lambdas, short),
           f"{n - k * size} of the {n} samples are never in a validation fold (folds of n // k = {size}): "
           "use np.array_split(np.arange(n), k), which puts every sample in exactly one fold.")


def check_kfold(fn):
    for X, y, lambdas, k in _cv_cases():
        best, errors = expect_values(fn(X.copy(), y.copy(), lambdas.copy(), k), 2, fn.last_call,
                                     "(best lambda, CV errors)")
        expect_inputs_unchanged(fn, "The lesson's next cells use the same X, y and lambdas again.")
        call = fn.last_call
        errors = expect_array(errors, call, kind="f")
        if errors.shape != (len(lambdas),):
            raise Incorrect(f"`{call}` returned CV errors of shape {errors.shape}; expected one per lambda, "
                            f"shape ({len(lambdas)},).")
        want_best, want = kfold_select_lambda(X, y, lambdas, k)
        if not _same(errors, want):
            for variant, meaning in _cv_variants(X, y, lambdas, k):
                if _same(errors, variant):
                    raise Incorrect(f"`{call}`: {meaning}")
            expect_close(errors, want, call, what="CV errors (folds: np.array_split(np.arange(n), k), in order)")
        best = expect_number(best, call, "a single number", part="the best lambda")
        if best == np.argmin(want) and best not in lambdas:
            raise Incorrect(f"`{call}` returned {best:g}, the position of the best lambda: return the value "
                            f"lambdas[{int(best)}] = {want_best:g}.")
        if not np.isclose(best, want_best):
            raise Incorrect(f"`{call}` returned best lambda {best:g}, but the lowest CV error "
                            f"({want.min():.4g}) belongs to lambda = {want_best:g}.")
    _check_tie(fn)
    return "Matches the reference on 3 problems with 4, 5 and 10 folds of unequal size."


def _check_tie(fn):
    """Features that never vary fit w = 0 for every lambda: all CV errors tie, and the first lambda is the answer."""
    X, y = np.zeros((20, 2)), np.random.default_rng(7).normal(3.0, 1.0, 20)
    lambdas = np.array([0.1, 1.0, 10.0])
    best, errors = expect_values(fn(X.copy(), y.copy(), lambdas.copy(), 4), 2, fn.last_call,
                                 "(best lambda, CV errors)")
    call = fn.last_call
    expect_array(errors, call, shape=(3,), kind="f")
    best = expect_number(best, call, "a single number", part="the best lambda")
    if not np.isclose(best, lambdas[0]):
        raise Incorrect(f"`{call}`, with features that never vary (X all zeros), returned best lambda {best:g}. "
                        "Every lambda then fits w = 0 and the CV errors tie exactly; take the first lambda with "
                        f"the lowest error, {lambdas[0]:g}, as np.argmin does (a loop with `<=` keeps the last).")


def _call_sealed(fn, *args):
    """Call fn; if it touched the sealed test set, say so as a wrong answer rather than a crash."""
    try:
        return fn(*args)
    except LearnerProblem as problem:
        if "raised TestSetUsed" not in problem.message:
            raise
        raise Incorrect(f"{problem.message}\nThe test set measures the final model once; every choice, lambda "
                        "included, must come from the development data.") from None


def _wrong_lambda(X_dev, y_dev, lambdas, X_test, y_test, lam):
    """Say which criterion the wrong lambda optimises, if it is the test or the training error."""
    fits = [ridge_fit(X_dev, y_dev, value) for value in lambdas]
    on_test = lambdas[np.argmin([np.mean((X_test @ w + b - y_test) ** 2) for w, b in fits])]
    on_train = lambdas[np.argmin([np.mean((X_dev @ w + b - y_dev) ** 2) for w, b in fits])]
    if np.isclose(lam, on_test):
        return " It is the lambda with the lowest TEST error: was the choice made on the test set?"
    if np.isclose(lam, on_train):
        return " It is the lambda with the lowest training error, which always favours the weakest penalty."
    return ""


def _wrong_score(X_dev, y_dev, k, X_test, y_test, lam, score):
    """Name the number returned instead of the test score, or return ''."""
    def mse(X, y, w, b):
        return float(np.mean((X @ w + b - y) ** 2))

    keep = np.array_split(np.arange(len(y_dev)), k)[-1][0]
    if np.isclose(score, kfold_select_lambda(X_dev, y_dev, [lam], k)[1][0]):
        return "the second number is the CV error of the chosen lambda; return the test set's score instead."
    if np.isclose(score, mse(X_dev, y_dev, *ridge_fit(X_dev, y_dev, lam))):
        return "the second number is the error on the development data; return the test set's score instead."
    if np.isclose(score, mse(X_test, y_test, *ridge_fit(X_dev[:keep], y_dev[:keep], lam))):
        return "the model was fitted on the development data minus one fold: refit on all of it before testing."
    return ""


def check_protocol(fn):
    for X_dev, y_dev, lambdas, k, X_test, y_test in _protocol_cases():
        got = _call_sealed(fn, X_dev, y_dev, lambdas, k, SealedTestSet(X_test, y_test))
        call = fn.last_call
        lam, score = expect_values(got, 2, call, "(chosen lambda, test MSE)")
        lam = expect_number(lam, call, "a single number", part="lambda")
        score = expect_number(score, call, "a single number", part="the test MSE")
        want_lam = kfold_select_lambda(X_dev, y_dev, lambdas, k)[0]
        w, b = ridge_fit(X_dev, y_dev, want_lam)
        want_score = float(np.mean((X_test @ w + b - y_test) ** 2))
        if not np.isclose(lam, want_lam):
            note = _wrong_lambda(X_dev, y_dev, lambdas, X_test, y_test, lam)
            raise Incorrect(f"`{call}` chose lambda = {lam:g}; {k}-fold cross-validation on the development data "
                            f"chooses {want_lam:g}.{note} Does q2 pass, and do you pass k on?")
        if not np.isclose(score, want_score, rtol=1e-6):
            mistake = _wrong_score(X_dev, y_dev, k, X_test, y_test, lam, score)
            raise Incorrect(f"`{call}` returned test MSE {score:.6g}: " + (mistake or "the model refitted on all "
                            f"the development data with lambda = {lam:g} scores {want_score:.6g}."))
    return "Right lambda and test score on 2 problems, and the test set was used once."

q1 = Question(
    check_ridge,
    hints=[
        "The intercept is not penalised, so take it out first: centre X (subtract `X.mean(axis=0)`) and y "
        "(subtract `y.mean()`). For centred data the best intercept is 0.",
        "On centred data, ridge is least squares on a taller system: stack `np.sqrt(lam) * np.eye(d)` under X "
        "and `d` zeros under y, then `np.linalg.lstsq`.",
        "The intercept puts the means back: `b = y.mean() - X.mean(axis=0) @ w`. Return `(w, b)`.",
    ],
    solution=inspect.getsource(ridge_fit), name="q1", notebook=NOTEBOOK,
)

q2 = Question(
    check_kfold,
    hints=[
        "`folds = np.array_split(np.arange(len(y)), k)` gives k blocks of indices; each block is one validation "
        "fold, and the training indices are all the others (`np.setdiff1d(np.arange(n), fold)`).",
        "For each lambda and each fold: fit `ridge_fit` on the training indices, then add up the squared errors "
        "on the fold. Every sample is predicted exactly once.",
        "The CV error of a lambda is the total of its squared errors divided by n (not the mean of the k fold "
        "means: folds can differ in size). Return `(lambdas[np.argmin(errors)], errors)`.",
    ],
    solution=inspect.getsource(kfold_select_lambda), name="q2", notebook=NOTEBOOK,
)

q3 = Question(
    check_protocol,
    hints=[
        "Three steps, in order: choose lambda with `kfold_select_lambda` on the development data only; refit "
        "with `ridge_fit` on all of the development data; score that one model with `test(w, b)`.",
        "`test` answers once and refuses everything else: no `len(test)`, no indexing, no `np.asarray(test)`. "
        "If you call it inside a loop over lambdas, you are choosing on the test set.",
        "Return `(lam, test(w, b))` where w, b come from the refit on all the development data.",
    ],
    solution=inspect.getsource(select_and_test), name="q3", notebook=NOTEBOOK,
)
