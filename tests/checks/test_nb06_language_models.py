"""Do the lesson 06 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import numpy as np
import pytest

from course.checks.nb06_language_models import bigram_nll, causal_attention, q1, q2

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: bigram_nll -------------------------------------------------------------

def bigram_table(train, vocab_size, alpha, denominator_alpha=None):
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    extra = alpha * vocab_size if denominator_alpha is None else denominator_alpha
    return (counts + alpha) / (counts.sum(axis=1, keepdims=True) + extra)


def natural_log(train, test, vocab_size, alpha=1.0):
    probs = bigram_table(train, vocab_size, alpha)
    return float(-np.log(probs[test[:-1], test[1:]]).mean())


def no_smoothing(train, test, vocab_size, alpha=1.0):
    with np.errstate(divide="ignore", invalid="ignore"):
        probs = bigram_table(train, vocab_size, 0.0)
        return float(-np.log2(probs[test[:-1], test[1:]]).mean())


def pairs_off_by_one(train, test, vocab_size, alpha=1.0):
    probs = bigram_table(train, vocab_size, alpha)
    return float(-np.log2(probs[test[:-2], test[2:]]).mean())


def pairs_reversed(train, test, vocab_size, alpha=1.0):
    probs = bigram_table(train, vocab_size, alpha)
    return float(-np.log2(probs[test[1:], test[:-1]]).mean())


def alpha_missing_from_total(train, test, vocab_size, alpha=1.0):
    probs = bigram_table(train, vocab_size, alpha, denominator_alpha=alpha)
    return float(-np.log2(probs[test[:-1], test[1:]]).mean())


def normalised_by_column(train, test, vocab_size, alpha=1.0):
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    probs = (counts + alpha) / (counts.sum(axis=0, keepdims=True) + alpha * vocab_size)
    return float(-np.log2(probs[test[:-1], test[1:]]).mean())


def total_not_mean(train, test, vocab_size, alpha=1.0):
    probs = bigram_table(train, vocab_size, alpha)
    return float(-np.log2(probs[test[:-1], test[1:]]).sum())


def every_pair_score(train, test, vocab_size, alpha=1.0):
    probs = bigram_table(train, vocab_size, alpha)
    return -np.log2(probs[test[:-1], test[1:]])


def counts_in_a_loop(train, test, vocab_size, alpha=1.0):
    counts = np.zeros((vocab_size, vocab_size))
    for a, b in zip(train[:-1], train[1:]):
        counts[a, b] += 1
    bits = 0.0
    for a, b in zip(test[:-1], test[1:]):
        bits -= np.log2((counts[a, b] + alpha) / (counts[a].sum() + alpha * vocab_size))
    return bits / (len(test) - 1)


def natural_log_converted(train, test, vocab_size, alpha=1.0):
    """Natural log divided by log 2: bits all the same."""
    return natural_log(train, test, vocab_size, alpha) / np.log(2)


VALID["q1"] = [counts_in_a_loop, natural_log_converted]


def test_does_the_reference_pass_q1():
    assert q1.check(bigram_nll).status == "correct"


def test_does_the_worked_example_give_the_number_in_the_task():
    train, test = np.array([0, 1, 0, 1, 1, 2, 0]), np.array([0, 1, 2, 2])
    by_hand = -(np.log2(3 / 5) + np.log2(2 / 6) + np.log2(1 / 4)) / 3
    assert bigram_nll(train, test, 3, 1.0) == pytest.approx(by_hand) == pytest.approx(1.4406, abs=1e-4)


WRONG["q1"] = [
    (natural_log, "you used the natural log"),
    (no_smoothing, "returned inf: some pair in `test` never occurs in `train`"),
    (pairs_off_by_one, "should get probabilities 0.6, 0.333, 0.25"),
    (pairs_reversed, "expected 1.440643 bits per character"),
    (alpha_missing_from_total, "every row sums to 1"),
    (normalised_by_column, "every row sums to 1"),
    (total_not_mean, "the total over all 3 test pairs"),
    (every_pair_score, "returned 3 values; expected one number"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_is_a_nan_from_an_empty_row_explained_q1():
    def zero_rows_unsmoothed(train, test, vocab_size, alpha=1.0):
        # right until the case where a character never occurs in train; there 0/0 gives NaN
        return bigram_nll(train, test, vocab_size, alpha) if vocab_size < 8 else float("nan")

    result = q1.check(zero_rows_unsmoothed)
    assert result.status == "incorrect" and "row of counts that is all zeros" in result.message


def test_is_a_string_result_refused_q1():
    result = q1.check(lambda train, test, vocab_size, alpha: "3.3 bits")
    assert result.status == "incorrect" and "returned '3.3 bits'; expected one number" in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda train, test, vocab_size, alpha: train[len(train)])
    assert result.status == "error" and "IndexError" in result.message


def test_is_an_endless_loop_stopped_q1():
    def forever(train, test, vocab_size, alpha):
        while True:
            pass

    q1.time_limit = 0.5
    try:
        result = q1.check(forever)
    finally:
        q1.time_limit = 10.0
    assert result.status == "error" and "still running" in result.message


# --- q2: causal_attention -------------------------------------------------------

def softmax_rows(scores, axis=1):
    weights = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return weights / weights.sum(axis=axis, keepdims=True)


def masked_scores(q, k, scale=True, offset=1):
    T, d = q.shape
    scores = q @ k.T / (np.sqrt(d) if scale else 1.0)
    return np.where(np.triu(np.ones((T, T), dtype=bool), k=offset), -np.inf, scores)


def no_scale(q, k, v):
    return softmax_rows(masked_scores(q, k, scale=False)) @ v


def scale_by_d(q, k, v):
    return softmax_rows(masked_scores(q * np.sqrt(q.shape[1]) / q.shape[1], k)) @ v


def mask_after_softmax(q, k, v):
    weights = softmax_rows(q @ k.T / np.sqrt(q.shape[1]))
    return np.tril(weights) @ v


def mask_after_softmax_renormalised(q, k, v):
    """Equal to the reference in exact arithmetic; 0 / 0 when a future score dominates a row."""
    weights = np.tril(softmax_rows(q @ k.T / np.sqrt(q.shape[1])))
    with np.errstate(invalid="ignore"):
        return weights / weights.sum(axis=1, keepdims=True) @ v


def sees_one_ahead(q, k, v):
    return softmax_rows(masked_scores(q, k, offset=2)) @ v


def no_mask(q, k, v):
    return softmax_rows(q @ k.T / np.sqrt(q.shape[1])) @ v


def softmax_over_columns(q, k, v):
    return np.nan_to_num(softmax_rows(masked_scores(q, k), axis=0)) @ v


def naive_exp(q, k, v):
    with np.errstate(over="ignore", invalid="ignore"):
        weights = np.exp(masked_scores(q, k))
        return weights / weights.sum(axis=1, keepdims=True) @ v


def returns_weights(q, k, v):
    return softmax_rows(masked_scores(q, k))


def one_position_at_a_time(q, k, v):
    """Each position attends over positions 0..t only, with a stable softmax of those scores."""
    out = np.empty((len(q), v.shape[1]))
    for t in range(len(q)):
        scores = k[: t + 1] @ q[t] / np.sqrt(q.shape[1])
        weights = np.exp(scores - scores.max())
        out[t] = weights / weights.sum() @ v[: t + 1]
    return out


def large_negative_mask(q, k, v):
    """-1e9 in place of -inf, with the softmax made stable by the row maximum."""
    scores = q @ k.T / np.sqrt(q.shape[1])
    scores = scores + np.triu(np.full(scores.shape, -1e9), k=1)
    return softmax_rows(scores) @ v


VALID["q2"] = [one_position_at_a_time, large_negative_mask]


def test_does_the_reference_pass_q2():
    assert q2.check(causal_attention).status == "correct"


def test_does_the_reference_give_position_0_its_own_value():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    assert np.allclose(causal_attention(q, k, v)[0], v[0])


WRONG["q2"] = [
    (no_scale, "matches attention without the scale"),
    (scale_by_d, "not by d"),
    (mask_after_softmax_renormalised, "Mask before the softmax"),
    (mask_after_softmax, "at position 0; expected v[0]"),
    (sees_one_ahead, "at position 0; expected v[0]"),
    (no_mask, "at position 0; expected v[0]"),
    (softmax_over_columns, "at position 0; expected v[0]"),
    (naive_exp, "`np.exp` overflows"),
    (returns_weights, "expected shape (5, 3)"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_does_peeking_at_the_future_fail_even_when_position_0_is_right_q2():
    def future_mean(q, k, v):
        out = causal_attention(q, k, v)
        out[1:] += 0.01 * v.mean(axis=0)   # a leak from every later position
        return out

    result = q2.check(future_mean)
    assert result.status == "incorrect" and "sees the future" in result.message


@pytest.mark.parametrize("bad", [None, "causal_attention", 3.0])
def test_does_bad_input_get_a_message_q2(bad):
    result = q2.check(bad)
    assert result.status == "incorrect" and result.message


def test_is_a_nan_result_reported_q2():
    result = q2.check(lambda q, k, v: np.full(v.shape, np.nan))
    assert result.status == "incorrect" and "every output should be finite" in result.message


def test_does_masking_the_diagonal_too_get_its_own_reason_q2():
    def masks_itself(q, k, v):
        return softmax_rows(masked_scores(q, k, offset=0)) @ v

    with np.errstate(invalid="ignore"):
        result = q2.check(masks_itself)
    assert result.status == "incorrect" and "Is a whole row of scores masked" in result.message


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda q, k, v: q @ v)
    assert result.status == "error" and "ValueError" in result.message

