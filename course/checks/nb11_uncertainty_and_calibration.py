"""Checks for exercises/11-uncertainty-and-calibration.ipynb: expected calibration error and temperature scaling.

q1  ece(proba, y, n_bins): per-bin |accuracy - confidence| weighted by bin size, bins ((m-1)/M, m/M]
q2  fit_temperature(logits, y): the T > 0 minimising the NLL of softmax(logits / T) on the data it is given
"""
from __future__ import annotations

import inspect
from functools import lru_cache

import numpy as np

from course.checks import Incorrect, Question, expect_number

NOTEBOOK = "11-uncertainty-and-calibration"


def ece(proba, y, n_bins=10):
    """Return the expected calibration error of the predictions `proba` against the labels `y`."""
    confidence = proba.max(axis=1)
    right = proba.argmax(axis=1) == y
    edges = np.linspace(0, 1, n_bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)  # (low, high]: 1.0 lands in the last bin
        if inside.any():
            total += inside.mean() * abs(right[inside].mean() - confidence[inside].mean())
    return float(total)


def nll(logits, y, T=1.0):
    """Return the mean negative log-likelihood of the labels under softmax(logits / T)."""
    scaled = np.asarray(logits, dtype=float) / T
    shifted = scaled - scaled.max(axis=1, keepdims=True)
    log_proba = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_proba[np.arange(len(y)), y].mean())


def fit_temperature(logits, y):
    """Return the temperature T > 0 that minimises the NLL of softmax(logits / T) on (logits, y)."""
    # a grid even in log T: the temperature acts by multiplying; neighbours are 1.3% apart
    temperatures = np.exp(np.linspace(np.log(0.05), np.log(20), 481))
    losses = [nll(logits, y, T) for T in temperatures]
    return float(temperatures[np.argmin(losses)])


# --- q1: ece -------------------------------------------------------------------

def _softmax(logits):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def _mixed_predictions(rng, n, classes, accuracy):
    """Random predictions with some confidences exactly 1.0 (right and wrong) and exactly 0.5."""
    proba = _softmax(rng.normal(0, rng.uniform(1, 4, (n, 1)), (n, classes)))
    proba[: n // 10] = np.eye(classes)[rng.integers(0, classes, n // 10)]           # one-hot: confidence 1.0
    half = slice(n // 10, n // 10 + n // 5)
    proba[half] = 0.0
    proba[half, 0], proba[half, 1] = 0.5, 0.5                                        # exactly on the 0.5 edge
    y = np.where(rng.random(n) < accuracy, proba.argmax(axis=1), rng.integers(0, classes, n))
    y[half] = 2  # wrong: which bin these land in then changes the ECE
    return proba, y


def ece_cases():
    """(proba, y, n_bins): perfect predictions, a small hand-made case, then random ones with edge confidences."""
    yield np.eye(4)[[0, 1, 2, 3, 1, 0]], np.array([0, 1, 2, 3, 1, 0]), 10
    hand = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.3, 0.2], [0.2, 0.7, 0.1],
                     [0.6, 0.1, 0.3], [0.4, 0.35, 0.25], [0.9, 0.05, 0.05], [0.75, 0.2, 0.05]])
    yield hand, np.array([0, 1, 0, 1, 2, 1, 0, 0]), 4
    rng = np.random.default_rng(11)
    for n, classes, n_bins, accuracy in [(300, 10, 10, 0.7), (200, 3, 15, 0.5), (400, 10, 4, 0.85)]:
        proba, y = _mixed_predictions(rng, n, classes, accuracy)
        yield proba, y, n_bins


def _binned_error(confidence, right, bin_of, n_bins, weighted=True, signed=False, power=1):
    """Return a calibration error for predictions already assigned to bins by `bin_of` (-1 or n_bins: no bin)."""
    gaps, weights = [], []
    for m in range(n_bins):
        inside = bin_of == m
        if inside.any():
            gaps.append(right[inside].mean() - confidence[inside].mean())
            weights.append(inside.mean())
    gaps, weights = np.array(gaps), np.array(weights)
    if signed:
        return float(abs(np.sum(weights * gaps)))
    size = np.abs(gaps) ** power
    return float(np.sum(weights * size) if weighted else size.mean())


def _mistakes(proba, y, n_bins):
    """Return (value, what it means) for the usual mistakes, computed on this input."""
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
    closed = np.digitize(confidence, np.linspace(0, 1, n_bins + 1)[1:-1], right=True)  # the reference's bins
    floor = np.floor(confidence * n_bins).astype(int)
    true_class = proba[np.arange(len(y)), y]
    return [
        (_binned_error(confidence, right, closed, n_bins, weighted=False),
         "the plain mean of the per-bin gaps. Weight each bin by its share of the predictions, n_m / N, so that "
         "a bin holding 3 predictions counts less than one holding 300."),
        (_binned_error(confidence, right, closed, n_bins, signed=True),
         "what you get when the gaps keep their sign and partly cancel. Take |accuracy - confidence| in each bin "
         "before you add them up."),
        (_binned_error(true_class, right, np.digitize(true_class, np.linspace(0, 1, n_bins + 1)[1:-1], right=True),
                       n_bins),
         "what you get with the probability of the true class as the confidence. Confidence is the probability "
         "of the predicted class, the largest in each row: proba.max(axis=1)."),
        (_binned_error(confidence, right, floor, n_bins),
         "what you get when predictions with confidence exactly 1.0 fall out of every bin (int(1.0 * n_bins) is "
         "n_bins, one past the last bin). They belong in the last bin, (1 - 1/n_bins, 1]."),
        (_binned_error(confidence, right, np.minimum(floor, n_bins - 1), n_bins),
         "what you get when a confidence exactly on an inner edge, such as 0.5, goes to the bin above it. The task "
         "asks for bins (low, high], so 0.5 belongs to the bin that ends at 0.5."),
        (ece(proba, y, n_bins - 1) if n_bins > 1 else np.nan,
         "the ECE with n_bins - 1 bins. np.linspace(0, 1, n_bins + 1) gives the n_bins + 1 edges of n_bins bins."),
        (_binned_error(confidence, right, closed, n_bins, power=2),
         "what you get with squared gaps. ECE uses the absolute gap |accuracy - confidence|."),
    ]


def check_ece(fn):
    failures = []  # (call, value, expected, mistakes that explain the value) for every case that fails
    for proba, y, n_bins in ece_cases():
        with np.errstate(all="ignore"):
            got = fn(proba.copy(), y.copy(), n_bins)
        call = fn.last_call
        value = expect_number(got, call, "the ECE, one number between 0 and 1",
                           why_many=" Add the weighted gaps of the bins up into a single number.",
                           why_nan=" NaN often comes from an empty bin (0 predictions, so 0 / 0): skip bins "
                                   "with no predictions.")
        want = ece(proba, y, n_bins)
        if np.isclose(value, want, rtol=1e-6, atol=1e-9):
            continue
        if want == 0:
            raise Incorrect(f"`{call}` returned {value:.6g} for perfect predictions: every one right, with "
                            "confidence 1.0. Their accuracy and confidence agree in every bin, so the ECE is 0.")
        explains = [meaning for mistake, meaning in _mistakes(proba, y, n_bins)
                    if np.isclose(value, mistake, rtol=1e-6, atol=1e-9)]
        failures.append((call, value, want, explains))
    if failures:
        _explain_ece_failure(failures)
    return ("Matches the reference on 5 sets of predictions, including perfect ones, confidences of exactly 1.0 "
            "and confidences exactly on a bin edge.")


def _explain_ece_failure(failures):
    """Raise Incorrect for the first failing input, naming the mistake that explains every failing input."""
    call, value, want, explains = failures[0]
    # two mistakes can give the same number on one input; keep the one that explains all of them
    meaning = next((m for m in explains if all(m in other for *_, other in failures)), None)
    if meaning:
        raise Incorrect(f"`{call}` returned {value:.6g}, expected {want:.6g}. Your number is {meaning}")
    raise Incorrect(f"`{call}` returned {value:.6g}; expected {want:.6g}. Check that bin m holds the confidences "
                    "in (m/n_bins, (m+1)/n_bins], and that each bin's |accuracy - mean confidence| is weighted by "
                    "its share of all predictions.")


# --- q2: fit_temperature ------------------------------------------------------

@lru_cache(maxsize=1)
def _network_validation_logits():
    """Return lesson 04's network's logits and labels on the lesson's 180 validation images."""
    from sklearn.model_selection import train_test_split

    from course import mlp
    from course.data import load_digits_split

    X_train, _, y_train, _ = load_digits_split(test_size=0.5, seed=0)
    X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.2, random_state=0, stratify=y_train)
    return mlp.forward(mlp.train(X_fit, y_fit, seed=0), X_val)[1]["logits"], y_val


def temperature_cases():
    """(logits, y): an overconfident and an underconfident synthetic set, then lesson 04's validation logits."""
    rng = np.random.default_rng(5)
    for n, classes, scale, true_t in [(400, 10, 4.0, 2.5), (300, 5, 1.0, 0.5)]:
        logits = rng.normal(0, scale, (n, classes))
        # labels drawn from softmax(logits / true_t): the best temperature for these logits is near true_t
        cumulative = _softmax(logits / true_t).cumsum(axis=1)
        y = (rng.random((n, 1)) > cumulative).sum(axis=1)
        yield logits, y
    yield _network_validation_logits()


def _check_one_temperature(T, logits, y, call):
    """Raise Incorrect if T is not the NLL-minimising temperature for (logits, y), naming the likely mistake."""
    best = fit_temperature(logits, y)
    if T <= 0:
        flipped = int((np.argmax(logits / T, axis=1) != np.argmax(logits, axis=1)).sum()) if T < 0 else len(y)
        raise Incorrect(f"`{call}` returned T = {T:.4g}. A temperature must be positive: dividing the logits by "
                        f"it must keep their order, and here the predicted class would change on {flipped} of "
                        f"{len(y)} rows. (Searching over log T keeps T positive.)")
    changed = int((np.argmax(logits / T, axis=1) != np.argmax(logits, axis=1)).sum())
    if changed:
        raise Incorrect(f"`{call}` returned T = {T:.4g}, which changes the predicted class on {changed} rows.")
    if abs(np.log(T) + np.log(best)) < np.log(1.05) and abs(np.log(best)) > np.log(1.2):
        raise Incorrect(f"`{call}` returned T = {T:.4g}, close to 1 / {best:.4g}, the reciprocal of the best "
                        "temperature. Did you multiply the logits by T? Temperature scaling divides: "
                        "softmax(logits / T).")
    if nll(logits, y, T) > nll(logits, y, 1.0) + 1e-9:
        raise Incorrect(f"`{call}` returned T = {T:.4g}, whose NLL ({nll(logits, y, T):.4f}) is worse than no "
                        f"scaling at all (T = 1 gives {nll(logits, y, 1.0):.4f}). The best T here is {best:.4g}.")
    if abs(np.log(T / best)) > np.log(1.05):
        raise Incorrect(f"`{call}` returned T = {T:.4g} (NLL {nll(logits, y, T):.4f}); the best temperature is "
                        f"{best:.4g} (NLL {nll(logits, y, best):.4f}). Keep the T with the lowest NLL (not the "
                        "lowest ECE), searching both sides of 1 on a log scale: for example 400 values from 0.05 "
                        "to 20.")


def _check_not_one_answer_for_all(temperatures, best, name):
    """Raise Incorrect if the same T came back for every data set, although their best temperatures differ."""
    if len(set(temperatures)) > 1:
        return
    listed = ", ".join(f"{b:.2f}" for b in best)
    if temperatures[0] == 1.0:
        raise Incorrect(f"`{name}` returned T = 1 for all {len(best)} data sets, whose best temperatures are "
                        f"{listed}: is the search running and keeping its best T?")
    if temperatures[0] < 0.5 * min(best):
        raise Incorrect(f"`{name}` returned the same small T = {temperatures[0]:.4g} for all {len(best)} data sets, "
                        f"whose best temperatures are {listed}: the search ran to its lower end. That happens when "
                        "the NLL is scored against the predicted labels (the argmax of the logits) instead of the "
                        "true labels y: then sharper is always better. Score the NLL with the y you are given.")
    raise Incorrect(f"`{name}` returned the same T = {temperatures[0]:.4g} for {len(best)} different data sets, whose "
                    f"best temperatures are {listed}. Fit T on the logits and labels passed in, not on fixed arrays: "
                    "above all, never on the test set.")


def check_fit_temperature(fn):
    cases, answers, calls = list(temperature_cases()), [], []
    for logits, y in cases:
        with np.errstate(all="ignore"):
            got = fn(logits.copy(), y.copy())
        calls.append(fn.last_call)
        answers.append(expect_number(got, fn.last_call, "a temperature: one positive number",
                                  why_nan=" NaN or inf often comes from the log of a probability that underflowed "
                                          "to 0: compute log-probabilities with the log-softmax trick."))
    best = [fit_temperature(logits, y) for logits, y in cases]
    _check_not_one_answer_for_all(answers, best, fn.__name__)
    for T, call, (logits, y) in zip(answers, calls, cases):
        _check_one_temperature(T, logits, y, call)
    return (f"Within 5% of the NLL-minimising temperature on 3 data sets (best T "
            f"{', '.join(f'{b:.2f}' for b in best)}); the predicted classes are unchanged and the NLL never gets "
            "worse than at T = 1.")


q1 = Question(
    check_ece,
    hints=[
        "Confidence is `proba.max(axis=1)`; a prediction is right where `proba.argmax(axis=1) == y`. "
        "The bin edges are `np.linspace(0, 1, n_bins + 1)`.",
        "For each pair of edges (low, high), the predictions in the bin are "
        "`(confidence > low) & (confidence <= high)`: 1.0 lands in the last bin, 0.5 in the bin ending at 0.5. "
        "Skip empty bins.",
        "Add up `inside.mean() * abs(right[inside].mean() - confidence[inside].mean())` over the bins: "
        "`inside.mean()` is the bin's share of all predictions.",
    ],
    solution=inspect.getsource(ece),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_fit_temperature,
    hints=[
        "Write the NLL of softmax(logits / T) first, with lesson 04's log-softmax trick: subtract each row's maximum, "
        "then log_proba = shifted - log(sum of exp(shifted)); the NLL is minus the mean of log_proba[rows, y].",
        "Try many temperatures spaced evenly in log T, for example "
        "`np.exp(np.linspace(np.log(0.05), np.log(20), 481))`, and return the one with the lowest NLL as a float.",
        "Divide the logits by T (do not multiply), and use only the logits and labels you are given.",
    ],
    solution=inspect.getsource(fit_temperature),
    name="q2",
    notebook=NOTEBOOK,
)
