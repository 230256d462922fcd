"""Do the lesson 00 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
from collections import Counter

import numpy as np
import pytest

from course.checks.nb00_what_is_an_ai_researcher import (
    confidence_by_correctness,
    q1,
    q2,
    top_confusions,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: top_confusions -------------------------------------------------------

def with_diagonal(y_true, y_pred, k=5):
    counts = Counter(zip(map(int, y_true), map(int, y_pred)))
    return [(t, p, n) for (t, p), n in counts.most_common(k)]


def ascending(y_true, y_pred, k=5):
    return sorted(top_confusions(y_true, y_pred, 10**6), key=lambda t: t[2])[:k]


def one_short(y_true, y_pred, k=5):
    return top_confusions(y_true, y_pred, k)[: k - 1]


def swapped(y_true, y_pred, k=5):
    return [(p, t, n) for t, p, n in top_confusions(y_true, y_pred, k)]


def ties_reversed(y_true, y_pred, k=5):
    mistakes = Counter((int(t), int(p)) for t, p in zip(y_true, y_pred) if t != p)
    ranked = sorted(mistakes.items(), key=lambda item: (item[1], item[0]), reverse=True)
    return [(t, p, n) for (t, p), n in ranked[:k]]


def unique_pairs(y_true, y_pred, k=5):
    pairs = sorted({(int(t), int(p)) for t, p in zip(y_true, y_pred) if t != p})
    return [(t, p, 1) for t, p in pairs[:k]]


def counts_start_at_one(y_true, y_pred, k=5):
    return [(t, p, n + 1) for t, p, n in top_confusions(y_true, y_pred, k)]


def as_dict(y_true, y_pred, k=5):
    return dict(((t, p), n) for t, p, n in top_confusions(y_true, y_pred, k))


def test_does_the_reference_pass_q1():
    assert q1.check(top_confusions).status == "correct"


WRONG["q1"] = [
    (with_diagonal, "true == predicted is a correct answer"),
    (ascending, "real mistakes, but not the most frequent ones"),
    (one_short, "returned 1 pairs; expected 2"),
    (swapped, "each tuple should be (true, predicted, count)"),
    (ties_reversed, "the difference is in the ties"),
    (unique_pairs, "not the most frequent ones"),
    (counts_start_at_one, "it happened 2 times"),
    (as_dict, "expected a list of (true, predicted, count) tuples"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda y_true, y_pred, k: y_true[len(y_true)])
    assert result.status == "error" and "IndexError" in result.message


def test_does_the_reference_find_the_lessons_main_confusion():
    y_true = np.array([8] * 6 + [3] * 3 + [1])
    y_pred = np.array([1] * 6 + [8] * 3 + [1])
    assert top_confusions(y_true, y_pred, 5) == [(8, 1, 6), (3, 8, 3)]


# --- q2: confidence_by_correctness ---------------------------------------------

def true_class_probability(proba, y_true):
    p = proba[np.arange(len(y_true)), y_true]
    right = proba.argmax(axis=1) == y_true
    return float(p[right].mean()), float(p[~right].mean())


def right_wrong_swapped(proba, y_true):
    a, b = confidence_by_correctness(proba, y_true)
    return b, a


def overall_mean(proba, y_true):
    mean = float(proba.max(axis=1).mean())
    return mean, mean


def wrong_axis(proba, y_true):
    right = proba.argmax(axis=1) == y_true
    confidence = np.resize(proba.max(axis=0), len(y_true))
    return float(confidence[right].mean()), float(confidence[~right].mean())


def test_are_counts_with_a_fraction_not_rounded_into_whole_numbers_q1():
    result = q1.check(lambda y_true, y_pred, k=5: [(t, p, n + 0.25) for t, p, n in top_confusions(y_true, y_pred, k)])
    assert result.status == "incorrect" and "its three entries should be whole numbers" in result.message


def test_does_the_reference_pass_q2():
    assert q2.check(confidence_by_correctness).status == "correct"


def rounded_to_two(proba, y_true):
    return tuple(round(v, 2) for v in confidence_by_correctness(proba, y_true))


WRONG["q2"] = [
    (true_class_probability, "returned wrong means"),
    (right_wrong_swapped, "the two means in the other order"),
    (overall_mean, "returned wrong means"),
    (wrong_axis, "returned wrong means"),
    (rounded_to_two, "rounded to 2 decimals"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message
    assert "0.6499999999999999" not in result.message


def test_is_a_single_number_refused_q2():
    result = q2.check(lambda proba, y_true: 0.5)
    assert result.status == "incorrect" and "expected a pair" in result.message


def test_is_a_nan_reported_q2():
    result = q2.check(lambda proba, y_true: (float("nan"), 0.5))
    assert result.status == "incorrect" and "NaN" in result.message


# --- valid alternatives -------------------------------------------------------------

def confusions_with_a_dict_and_a_loop(y_true, y_pred, k=5):
    """Counts in a plain dict, ties broken by sorting on (true, predicted) first: a stable sort keeps that order."""
    counts = {}
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        if t != p:
            counts[(t, p)] = counts.get((t, p), 0) + 1
    pairs = sorted(counts)
    pairs.sort(key=lambda pair: counts[pair], reverse=True)
    return [(t, p, counts[(t, p)]) for t, p in pairs[:k]]


def confusions_with_np_unique(y_true, y_pred, k=5):
    wrong = y_true != y_pred
    pairs, counts = np.unique(np.column_stack([y_true[wrong], y_pred[wrong]]), axis=0, return_counts=True)
    order = np.lexsort((pairs[:, 1], pairs[:, 0], -counts))[:k]
    return [(int(pairs[i, 0]), int(pairs[i, 1]), int(counts[i])) for i in order]


def confidence_in_a_loop(proba, y_true):
    right, wrong = [], []
    for row, label in zip(proba, y_true):
        (right if int(np.argmax(row)) == label else wrong).append(max(row))
    return sum(right) / len(right), sum(wrong) / len(wrong)


def confidence_with_take_along_axis(proba, y_true):
    guess = proba.argmax(axis=1)
    confidence = np.take_along_axis(proba, guess[:, None], axis=1)[:, 0]
    return np.mean(confidence[guess == y_true]), np.mean(confidence[guess != y_true])


VALID["q1"] = [confusions_with_a_dict_and_a_loop, confusions_with_np_unique]
VALID["q2"] = [confidence_in_a_loop, confidence_with_take_along_axis]
