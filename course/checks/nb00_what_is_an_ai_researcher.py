"""Checks for exercises/00-what-is-an-ai-researcher.ipynb: error analysis of a classifier.

q1  top_confusions(y_true, y_pred, k): the k most frequent (true, predicted, count) mistakes
q2  confidence_by_correctness(proba, y_true): mean confidence on right and on wrong answers
"""
from __future__ import annotations

import inspect
from collections import Counter

import numpy as np

from course.checks import (
    Incorrect,
    Question,
    expect_close,
    expect_count,
    expect_number,
    expect_type,
    expect_values,
)

NOTEBOOK = "00-what-is-an-ai-researcher"


def top_confusions(y_true, y_pred, k=5):
    """Return the k most frequent mistakes as (true, predicted, count), most frequent first."""
    mistakes = Counter((int(t), int(p)) for t, p in zip(y_true, y_pred) if t != p)
    ranked = sorted(mistakes.items(), key=lambda item: (-item[1], item[0]))
    return [(t, p, n) for (t, p), n in ranked[:k]]


def confidence_by_correctness(proba, y_true):
    """Return (mean top probability where the argmax is right, the same where it is wrong)."""
    proba = np.asarray(proba)
    right = proba.argmax(axis=1) == np.asarray(y_true)
    confidence = proba.max(axis=1)
    return float(confidence[right].mean()), float(confidence[~right].mean())


def _label_cases():
    """Inputs for q1: a small hand-made case first (easiest to debug), then random labels."""
    yield np.array([0, 0, 1, 1, 2, 2, 2, 2]), np.array([0, 1, 1, 0, 2, 1, 1, 0]), 2
    rng = np.random.default_rng(0)
    for n, classes, k, accuracy in [(300, 10, 5, 0.7), (200, 3, 4, 0.5), (500, 10, 100, 0.8), (50, 10, 3, 1.0)]:
        y_true = rng.integers(0, classes, n)
        wrong = rng.random(n) > accuracy
        y_pred = np.where(wrong, rng.integers(0, classes, n), y_true)
        yield y_true, y_pred, k


def _as_triples(got, call):
    expect_type(got, (list, tuple), call, "a list of (true, predicted, count) tuples")
    triples = []
    for item in got:
        if not (isinstance(item, (tuple, list)) and len(item) == 3):
            raise Incorrect(f"`{call}` returned an item {item!r}; each item should be a (true, predicted, count) tuple.")
        try:
            triples.append(tuple(expect_count(v, call) for v in item))
        except Incorrect:
            raise Incorrect(f"`{call}` returned {item!r}; its three entries should be whole numbers.") from None
    return triples


def _diagnose(got, expected, everything, call):
    """Raise Incorrect saying how `got` differs from `expected`, most specific reason first."""
    for t, p, n in got:
        if everything.get((t, p)) == n:
            continue
        if everything.get((p, t)) == n:
            raise Incorrect(f"`{call}` returned {(t, p, n)}, but that count belongs to true {p}, predicted {t}: "
                            "each tuple should be (true, predicted, count).")
        if (t, p) not in everything:
            raise Incorrect(f"`{call}` returned {(t, p, n)}, but true {t} is never predicted as {p} in this input.")
        raise Incorrect(f"`{call}` says {t} was read as {p} {n} times; it happened {everything[(t, p)]} times.")
    if [n for *_, n in got] != [n for *_, n in expected]:
        raise Incorrect(f"`{call}` returned real mistakes, but not the most frequent ones: counts "
                        f"{[n for *_, n in got]}, expected {[n for *_, n in expected]}.")
    raise Incorrect(f"`{call}` returned {got}; expected {expected}. The counts are right, so the difference is "
                    "in the ties: when counts are equal, order by (true, predicted), smallest first.")


def check_top_confusions(fn):
    for y_true, y_pred, k in _label_cases():
        got = _as_triples(fn(y_true, y_pred, k), fn.last_call)
        call, expected = fn.last_call, top_confusions(y_true, y_pred, k)
        diagonal = [t for t in got if t[0] == t[1]]
        if diagonal:
            raise Incorrect(f"`{call}` includes {diagonal[0]}: true == predicted is a correct answer, not a confusion.")
        counts = [t[2] for t in got]
        if counts != sorted(counts, reverse=True):
            raise Incorrect(f"`{call}` gave counts {counts}: sort them from most to least frequent.")
        if len(got) != len(expected):
            raise Incorrect(f"`{call}` returned {len(got)} pairs; expected {len(expected)} (k={k}, or fewer "
                            "if there are fewer distinct mistakes).")
        if got != expected:
            everything = {(t, p): n for t, p, n in top_confusions(y_true, y_pred, len(y_true))}
            _diagnose(got, expected, everything, call)
    return "Matches the reference on 5 label sets, including one with no mistakes at all."


def _proba_cases():
    rng = np.random.default_rng(1)
    yield np.array([[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.5, 0.4, 0.1], [0.2, 0.2, 0.6]]), np.array([0, 0, 1, 2])
    for n, classes in [(200, 10), (60, 3)]:
        logits = rng.normal(0, 2, (n, classes))
        proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        y_true = np.where(rng.random(n) < 0.6, proba.argmax(axis=1), rng.integers(0, classes, n))
        yield proba, y_true


def check_confidence_by_correctness(fn):
    for proba, y_true in _proba_cases():
        got = expect_values(fn(proba, y_true), 2, fn.last_call, "(mean confidence when right, when wrong)")
        call = fn.last_call
        expected = confidence_by_correctness(proba, y_true)
        pair = [expect_number(value, call, "a number", finite=False) for value in got]
        if np.allclose(pair[::-1], expected, rtol=1e-6) and not np.allclose(pair, expected, rtol=1e-6):
            raise Incorrect(f"`{call}` returned ({pair[0]:.4f}, {pair[1]:.4f}): the two means in the other order. "
                            f"Return (mean confidence when right, when wrong) = ({expected[0]:.4f}, "
                            f"{expected[1]:.4f}); the right answers are usually the more confident.")
        expect_close(got, expected, call,
                     rtol=1e-6, what="means (first: when right, second: when wrong)")
    return "Matches the reference on 3 sets of predictions."


q1 = Question(
    check_top_confusions,
    hints=[
        "Walk over `zip(y_true, y_pred)` and count only the pairs where the two labels differ; "
        "`collections.Counter` counts (true, predicted) pairs for you.",
        "`sorted(counts.items(), key=lambda item: (-item[1], item[0]))` orders by count, largest "
        "first, and breaks ties by (true, predicted).",
        "Return a list of plain tuples `(true, predicted, count)` and keep only the first k.",
    ],
    solution=inspect.getsource(top_confusions),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_confidence_by_correctness,
    hints=[
        "The model's confidence in an answer is the largest probability in that row: `proba.max(axis=1)`.",
        "A prediction is right where `proba.argmax(axis=1) == y_true`; use that boolean mask and its "
        "negation `~right` to pick rows.",
        "Return two floats, right first: `(confidence[right].mean(), confidence[~right].mean())`.",
    ],
    solution=inspect.getsource(confidence_by_correctness),
    name="q2",
    notebook=NOTEBOOK,
)
