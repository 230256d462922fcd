"""Do the lesson 05 checks pass the reference, fail realistic mistakes, and guard the test set?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import copy
import pickle

import numpy as np
import pytest

from course.checks.guard import describe_call
from course.checks.nb05_generalization import (
    SealedTestSet,
    TestSetUsed,
    _cv_cases,
    _protocol_cases,
    kfold_select_lambda,
    q1,
    q2,
    q3,
    ridge_fit,
    select_and_test,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: ridge_fit ----------------------------------------------------------------

def intercept_penalised(X, y, lam):
    A = np.column_stack([np.ones(len(y)), X])
    coef = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ y)
    return coef[1:], coef[0]


def no_intercept(X, y, lam):
    w = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    return w, 0.0


def lam_not_square_rooted(X, y, lam):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    d = X.shape[1]
    w, *_ = np.linalg.lstsq(np.vstack([Xc, lam * np.eye(d)]), np.concatenate([yc, np.zeros(d)]), rcond=None)
    return w, y.mean() - X.mean(axis=0) @ w


def mean_loss(X, y, lam):
    return ridge_fit(X, y, lam * len(y))


def intercept_inside_w(X, y, lam):
    w, b = ridge_fit(X, y, lam)
    return np.concatenate([[b], w]), b


def intercept_sign_flipped(X, y, lam):
    w, b = ridge_fit(X, y, lam)
    return w, X.mean(axis=0) @ w - y.mean()


def test_does_the_reference_pass_q1():
    assert q1.check(ridge_fit).status == "correct"


def normal_equations(X, y, lam):
    """Centred normal equations, solved: the same (w, b) written another way."""
    Xc = X - X.mean(axis=0)
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ (y - y.mean()))
    return w, y.mean() - X.mean(axis=0) @ w


def ones_column_with_a_free_intercept(X, y, lam):
    """A column of ones whose coefficient gets no penalty: the penalty matrix has a 0 in its corner."""
    A = np.column_stack([np.ones(len(y)), X])
    penalty = lam * np.eye(A.shape[1])
    penalty[0, 0] = 0.0
    coef = np.linalg.solve(A.T @ A + penalty, A.T @ y)
    return coef[1:], coef[0]


VALID["q1"] = [normal_equations, ones_column_with_a_free_intercept]


def centres_in_place(X, y, lam):
    """Right (w, b) computed after centring X and y in place: the learner's later cells see centred data."""
    mx, my = X.mean(axis=0), y.mean()
    X -= mx
    y -= my
    w = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    return w, my - mx @ w


WRONG["q1"] = [
    (centres_in_place, "changed its input `X`, `y` in place"),
    (intercept_penalised, "the intercept b is penalised too"),
    (no_intercept, "there is no intercept"),
    (lam_not_square_rooted, "should hold `np.sqrt(lam)`, not lam"),
    (mean_loss, "n times too strong"),
    (intercept_inside_w, "return the intercept separately"),
    (intercept_sign_flipped, "has the right w but b ="),
]


def centres_in_place_then_takes_the_means(X, y, lam):
    """Centres X and y in place, then takes the intercept from their means, which are now 0."""
    X -= X.mean(axis=0)
    y -= y.mean()
    w = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    return w, y.mean() - X.mean(axis=0) @ w


WRONG["q1"].append((centres_in_place_then_takes_the_means, "changed its input `X`, `y` in place (centred it"))


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("bad, words", [
    (None, "You passed None"),
    ("ridge_fit", "expects your function itself"),
    (lambda X, y, lam: (np.full(X.shape[1], np.nan), 0.0), "NaN"),
    (lambda X, y, lam: ridge_fit(X, y, lam)[0], "expected a pair (w, b)"),
    (lambda X, y, lam: (ridge_fit(X, y, lam)[0], "b"), "expected a single number"),
    (lambda X, y, lam: X[len(X)], "IndexError"),
])
def test_does_bad_input_get_a_message_q1(bad, words):
    result = q1.check(bad)
    assert result.status in ("incorrect", "error") and words in result.message, result


class Remote:
    """The grader's stand-in for a learner's function: it runs on copies, as in the kernel, and has no
    `changed_inputs`, so the check cannot see an input changed in place."""

    def __init__(self, fn):
        self.fn, self.__name__, self.last_call = fn, fn.__name__, ""

    def __call__(self, *args):
        self.last_call = describe_call(self.fn, args, {})
        return self.fn(*copy.deepcopy(args))


def test_is_the_reference_computed_on_untouched_data_when_the_learner_centres_in_place_q1():
    """In the grader the in-place change is invisible: a right answer passes, and a b taken from centred data
    is compared with the reference of the data as given (the worked example's b = 1), named as such."""
    assert q1.judge(Remote(centres_in_place)).status == "correct"
    result = q1.judge(Remote(centres_in_place_then_takes_the_means))
    assert result.status == "incorrect", result
    assert "has the right w but b = 0; expected 1. That is the intercept of the centred data" in result.message
    assert "centre into new arrays" in result.message


def test_is_true_not_taken_for_the_first_problems_intercept_of_one_q1():
    """The first problem's intercept is exactly 1: a bool must not pass as that number."""
    result = q1.check(lambda X, y, lam: (ridge_fit(X, y, lam)[0], True))
    assert result.status == "incorrect" and "returned b = True; expected a single number" in result.message


def test_is_an_endless_loop_stopped_q1():
    def forever(X, y, lam):
        while True:
            pass
    q1.time_limit = 0.5
    try:
        result = q1.check(forever)
    finally:
        q1.time_limit = 10.0
    assert result.status == "error" and "still running" in result.message


# --- q2: kfold_select_lambda --------------------------------------------------------

def folds_of(n, k):
    return np.array_split(np.arange(n), k)


def cv_with(X, y, lambdas, folds, score):
    """CV errors from per-fold squared-error arrays combined by `score`."""
    errors = []
    for lam in lambdas:
        parts = []
        for fold in folds:
            train = np.setdiff1d(np.arange(len(y)), fold)
            w, b = ridge_fit(X[train], y[train], lam)
            parts.append((X[fold] @ w + b - y[fold]) ** 2)
        errors.append(score(parts))
    return errors


def mean_of_fold_means(X, y, lambdas, k):
    errors = np.array(cv_with(X, y, lambdas, folds_of(len(y), k), lambda parts: np.mean([p.mean() for p in parts])))
    return lambdas[np.argmin(errors)], errors


def by_training_error(X, y, lambdas, k):
    errors = np.array([np.mean((X @ w + b - y) ** 2) for w, b in (ridge_fit(X, y, lam) for lam in lambdas)])
    return lambdas[np.argmin(errors)], errors


def validation_inside_training(X, y, lambdas, k):
    """Fits on all the data, then scores each fold: the fold was part of the training set."""
    errors = []
    for lam in lambdas:
        w, b = ridge_fit(X, y, lam)
        errors.append(np.mean(np.concatenate([(X[f] @ w + b - y[f]) ** 2 for f in folds_of(len(y), k)])))
    return lambdas[np.argmin(errors)], np.array(errors)


def intercept_penalised_cv(X, y, lambdas, k):
    errors = []
    for lam in lambdas:
        parts = []
        for fold in folds_of(len(y), k):
            train = np.setdiff1d(np.arange(len(y)), fold)
            w, b = intercept_penalised(X[train], y[train], lam)
            parts.append((X[fold] @ w + b - y[fold]) ** 2)
        errors.append(np.concatenate(parts).mean())
    return lambdas[np.argmin(errors)], np.array(errors)


def samples_left_out(X, y, lambdas, k):
    size = len(y) // k
    folds = [np.arange(i * size, (i + 1) * size) for i in range(k)]
    errors = np.array(cv_with(X, y, lambdas, folds, lambda parts: np.concatenate(parts).mean()))
    return lambdas[np.argmin(errors)], errors


def overlapping_folds(X, y, lambdas, k):
    """Validation slices one sample too long: neighbouring folds share a sample."""
    size = -(-len(y) // k)
    folds = [np.arange(i * size, min((i + 1) * size + 1, len(y))) for i in range(k)]
    errors = np.array(cv_with(X, y, lambdas, folds, lambda parts: np.concatenate(parts).mean()))
    return lambdas[np.argmin(errors)], errors


def sum_not_mean(X, y, lambdas, k):
    best, errors = kfold_select_lambda(X, y, lambdas, k)
    return best, errors * len(y)


def shuffled_folds(X, y, lambdas, k):
    order = np.random.default_rng(0).permutation(len(y))
    errors = np.array(cv_with(X, y, lambdas, np.array_split(order, k), lambda parts: np.concatenate(parts).mean()))
    return lambdas[np.argmin(errors)], errors


def returns_index(X, y, lambdas, k):
    _, errors = kfold_select_lambda(X, y, lambdas, k)
    return int(np.argmin(errors)), errors


def picks_the_largest_error(X, y, lambdas, k):
    _, errors = kfold_select_lambda(X, y, lambdas, k)
    return lambdas[np.argmax(errors)], errors


def keeps_the_last_of_tied(X, y, lambdas, k):
    """A loop with `<=`: on equal CV errors it keeps the last lambda, where np.argmin keeps the first."""
    _, errors = kfold_select_lambda(X, y, lambdas, k)
    best = 0
    for i in range(len(lambdas)):
        if errors[i] <= errors[best]:
            best = i
    return lambdas[best], errors


def with_boolean_masks(X, y, lambdas, k):
    """Folds as boolean masks, errors summed in a loop: another way to the same numbers."""
    n = len(y)
    fold_of = np.concatenate([np.full(len(f), i) for i, f in enumerate(np.array_split(np.arange(n), k))])
    errors = np.zeros(len(lambdas))
    for j, lam in enumerate(lambdas):
        for i in range(k):
            held = fold_of == i
            w, b = ridge_fit(X[~held], y[~held], lam)
            errors[j] += np.sum((X[held] @ w + b - y[held]) ** 2)
    errors /= n
    return lambdas[int(np.argmin(errors))], errors


def predictions_then_one_mse(X, y, lambdas, k):
    """Every sample predicted once by the model fitted without its fold, then one MSE per lambda."""
    errors = []
    for lam in lambdas:
        predicted = np.empty(len(y))
        for fold in np.array_split(np.arange(len(y)), k):
            keep = np.ones(len(y), dtype=bool)
            keep[fold] = False
            w, b = ridge_fit(X[keep], y[keep], lam)
            predicted[fold] = X[fold] @ w + b
        errors.append(np.mean((predicted - y) ** 2))
    return float(lambdas[np.argmin(errors)]), np.array(errors)


VALID["q2"] = [with_boolean_masks, predictions_then_one_mse]


def test_does_the_reference_pass_q2():
    assert q2.check(kfold_select_lambda).status == "correct"


def test_do_the_check_cases_have_folds_of_unequal_size():
    """Averaging fold means only differs from the pooled mean when folds differ in size."""
    for X, y, lambdas, k in _cv_cases():
        assert len(y) % k != 0


WRONG["q2"] = [
    (mean_of_fold_means, "the mean of the"),
    (by_training_error, "these are training errors"),
    (validation_inside_training, "these are training errors"),
    (intercept_penalised_cv, "the intercept is penalised"),
    (samples_left_out, "are never in a validation fold"),
    (sum_not_mean, "divide by n"),
    (overlapping_folds, "returned wrong CV errors"),
    (shuffled_folds, "np.array_split(np.arange(n), k), in order"),
    (returns_index, "the position of the best lambda"),
    (picks_the_largest_error, "belongs to lambda = 3"),
    (keeps_the_last_of_tied, "a loop with `<=` keeps the last"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("bad, words", [
    (None, "You passed None"),
    (42, "expects your function itself"),
    (lambda X, y, lambdas, k: (lambdas[0], np.full(len(lambdas), np.nan)), "NaN"),
    (lambda X, y, lambdas, k: (lambdas[0], np.ones(3)), "expected one per lambda"),
    (lambda X, y, lambdas, k: kfold_select_lambda(X, y, lambdas, k)[1], "expected a pair"),
    (lambda X, y, lambdas, k: 1 / 0, "ZeroDivisionError"),
])
def test_does_bad_input_get_a_message_q2(bad, words):
    result = q2.check(bad)
    assert result.status in ("incorrect", "error") and words in result.message, result


# --- q3: select_and_test with a sealed test set ----------------------------------------

def choose_on_test(X_dev, y_dev, lambdas, k, test):
    scores = [test(*ridge_fit(X_dev, y_dev, lam)) for lam in lambdas]
    return lambdas[np.argmin(scores)], min(scores)


def peek_at_test_arrays(X_dev, y_dev, lambdas, k, test):
    X_test = np.asarray(test)
    return kfold_select_lambda(X_dev, y_dev, lambdas, k)[0], float(len(X_test))


def standardise_with_test(X_dev, y_dev, lambdas, k, test):
    mean = np.concatenate([X_dev, test.X]).mean(axis=0)
    return select_and_test(X_dev - mean, y_dev, lambdas, k, test)


def cheat_through_the_fields(X_dev, y_dev, lambdas, k, test):
    """Reads the sealed arrays directly to choose lambda: caught by which lambda comes back."""
    fits = [ridge_fit(X_dev, y_dev, lam) for lam in lambdas]
    best = int(np.argmin([np.mean((test.sealed_X @ w + b - test.sealed_y) ** 2) for w, b in fits]))
    return lambdas[best], test(*fits[best])


def by_training_error_protocol(X_dev, y_dev, lambdas, k, test):
    lam = by_training_error(X_dev, y_dev, lambdas, k)[0]
    return lam, test(*ridge_fit(X_dev, y_dev, lam))


def returns_cv_error(X_dev, y_dev, lambdas, k, test):
    lam, errors = kfold_select_lambda(X_dev, y_dev, lambdas, k)
    return lam, errors.min()


def no_refit(X_dev, y_dev, lambdas, k, test):
    """Keeps the model of the last fold (fitted without that fold) instead of refitting on all the data."""
    lam, _ = kfold_select_lambda(X_dev, y_dev, lambdas, k)
    keep = np.array_split(np.arange(len(y_dev)), k)[-1][0]
    return lam, test(*ridge_fit(X_dev[:keep], y_dev[:keep], lam))


def returns_dev_error(X_dev, y_dev, lambdas, k, test):
    lam, _ = kfold_select_lambda(X_dev, y_dev, lambdas, k)
    w, b = ridge_fit(X_dev, y_dev, lam)
    return lam, float(np.mean((X_dev @ w + b - y_dev) ** 2))


def fixed_k(fixed):
    def ignores_k(X_dev, y_dev, lambdas, k, test):
        lam, _ = kfold_select_lambda(X_dev, y_dev, lambdas, fixed)
        return lam, test(*ridge_fit(X_dev, y_dev, lam))
    return ignores_k


def step_by_step(X_dev, y_dev, lambdas, k, test):
    errors = kfold_select_lambda(X_dev, y_dev, lambdas, k)[1]
    lam = lambdas[int(np.argmin(errors))]
    w, b = ridge_fit(X_dev, y_dev, lam)
    score = test(w, b)
    return float(lam), score


VALID["q3"] = [step_by_step]


def test_does_the_reference_pass_q3():
    assert q3.check(select_and_test).status == "correct"


def test_do_cv_test_and_training_error_prefer_different_lambdas():
    """Can the check tell choosing by CV from choosing on the test set or by training error?"""
    for X_dev, y_dev, lambdas, k, X_test, y_test in _protocol_cases():
        fits = [ridge_fit(X_dev, y_dev, lam) for lam in lambdas]
        on_test = lambdas[np.argmin([np.mean((X_test @ w + b - y_test) ** 2) for w, b in fits])]
        on_train = lambdas[np.argmin([np.mean((X_dev @ w + b - y_dev) ** 2) for w, b in fits])]
        by_cv = kfold_select_lambda(X_dev, y_dev, lambdas, k)[0]
        assert len({on_test, on_train, by_cv}) == 3


WRONG["q3"] = [
    (choose_on_test, "answers only once"),
    (peek_at_test_arrays, "you used the test set"),
    (standardise_with_test, "you used the test set"),
    (cheat_through_the_fields, "lowest TEST error: was the choice made on the test set?"),
    (by_training_error_protocol, "lowest training error"),
    (returns_cv_error, "the CV error of the chosen lambda"),
    (no_refit, "refit on all of it"),
    (returns_dev_error, "the error on the development data"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q3"])
def test_does_each_realistic_mistake_fail_q3_with_its_reason(wrong, words):
    result = q3.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("k", [2, 3, 4, 5, 10])
def test_does_a_hard_coded_k_fail_q3(k):
    result = q3.check(fixed_k(k))
    assert result.status == "incorrect" and "do you pass k on?" in result.message, result


@pytest.mark.parametrize("bad, words", [
    (None, "You passed None"),
    ("select_and_test", "expects your function itself"),
    (lambda X_dev, y_dev, lambdas, k, test: (1.0, float("nan")), "not a finite number"),
    (lambda X_dev, y_dev, lambdas, k, test: test(np.zeros(3), 0.0), "ValueError: test(w, b) needs w of shape"),
    (lambda X_dev, y_dev, lambdas, k, test: test(*ridge_fit(X_dev, y_dev, 1.0)), "expected a pair"),
])
def test_does_bad_input_get_a_message_q3(bad, words):
    result = q3.check(bad)
    assert result.status in ("incorrect", "error") and words in result.message, result


# --- the sealed test set itself ----------------------------------------------------------

def sealed():
    rng = np.random.default_rng(0)
    return SealedTestSet(rng.normal(size=(5, 2)), rng.normal(size=5))


@pytest.mark.parametrize("touch", [
    len, iter, np.asarray, lambda t: t[0], lambda t: t.shape, lambda t: t + 1, lambda t: np.zeros(2) @ t,
    lambda t: t.X, lambda t: 3 in t,
])
def test_does_every_way_of_touching_the_sealed_data_raise(touch):
    with pytest.raises(TestSetUsed, match="you used the test set"):
        touch(sealed())


def test_does_the_sealed_set_score_exactly_one_model():
    test = sealed()
    score = test(np.zeros(2), 0.0)
    assert score == pytest.approx(np.mean(test.sealed_y ** 2))
    with pytest.raises(TestSetUsed, match="answers only once"):
        test(np.zeros(2), 0.0)


def test_is_the_sealed_set_a_frozen_gradeable_value():
    """Can the grader copy and rebuild it from its fields, and does it stay truthy and describable?"""
    test = sealed()
    assert bool(test) and repr(test) == "SealedTestSet(5 examples, scores one model)"
    for clone in (copy.deepcopy(test), pickle.loads(pickle.dumps(test))):
        assert clone(np.zeros(2), 0.0) == pytest.approx(np.mean(test.sealed_y ** 2))
    with pytest.raises(AttributeError):
        test.sealed_y = None

