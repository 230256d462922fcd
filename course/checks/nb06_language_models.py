"""Checks for exercises/06-language-models.ipynb: a bigram baseline and causal self-attention.

q1  bigram_nll(train, test, vocab_size, alpha): held-out bits per character of an add-alpha bigram model
q2  causal_attention(q, k, v): one head of self-attention in which no position sees the future
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from course.checks import Incorrect, Question, expect_array, expect_close, expect_number

NOTEBOOK = "06-language-models"


def bigram_nll(train, test, vocab_size, alpha=1.0):
    """Return the mean of -log2 P(test[i+1] | test[i]) under an add-alpha bigram model of train."""
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    probs = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * vocab_size)
    return float(-np.log2(probs[test[:-1], test[1:]]).mean())


def causal_attention(q, k, v):
    """Return softmax(q k^T / sqrt(d)) v, where position t attends only to positions 0..t."""
    T, d = q.shape
    scores = q @ k.T / np.sqrt(d)
    future = np.triu(np.ones((T, T), dtype=bool), k=1)
    scores = np.where(future, -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return weights @ v


def _markov_text(rng, vocab_size, n):
    """Token ids from a random Markov chain, so that which character comes next really matters."""
    transition = rng.dirichlet(np.full(vocab_size, 0.3), size=vocab_size)
    ids = [int(rng.integers(vocab_size))]
    for u in rng.random(n - 1):
        ids.append(min(int(np.searchsorted(transition[ids[-1]].cumsum(), u)), vocab_size - 1))
    return np.array(ids)


def _bigram_cases():
    """Inputs for q1: the worked example of the task first, then Markov texts with unseen pairs."""
    yield np.array([0, 1, 0, 1, 1, 2, 0]), np.array([0, 1, 2, 2]), 3, 1.0
    rng = np.random.default_rng(6)
    for vocab_size, n_train, n_test, alpha in [(5, 400, 120, 0.5), (12, 300, 200, 1.0), (30, 2000, 500, 0.05)]:
        text = _markov_text(rng, vocab_size, n_train + n_test)
        yield text[:n_train], text[n_train:], vocab_size, alpha
    # character 7 never occurs in training: its row of counts is all zeros
    yield np.array([0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6] * 3), np.array([1, 2, 7, 3, 7, 7, 0]), 8, 2.0


def _pair_probabilities(train, test, vocab_size, alpha):
    """Return ' The test pairs (a, b), ... should get probabilities p, ...' for a short test text."""
    if len(test) > 5:
        return ""
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    probs = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * vocab_size)
    pairs = list(zip(test[:-1].tolist(), test[1:].tolist()))
    return (f" Here the test pairs {', '.join(map(str, pairs))} should get probabilities "
            f"{', '.join(f'{probs[a, b]:.3g}' for a, b in pairs)}.")


def _diagnose_bigram(got, expected, call, n_pairs, example):
    if math.isinf(got):
        raise Incorrect(f"`{call}` returned inf: some pair in `test` never occurs in `train`, so an unsmoothed "
                        "probability is 0 and -log2(0) is infinite. Add `alpha` to every count (and "
                        "`alpha * vocab_size` to every row total).")
    if math.isnan(got):
        raise Incorrect(f"`{call}` returned NaN. A row of counts that is all zeros gives 0/0 without smoothing: "
                        "add `alpha` to every count and `alpha * vocab_size` to every row total.")
    if math.isclose(got, expected * math.log(2), rel_tol=1e-6):
        raise Incorrect(f"`{call}` returned {got:.6f}, which is {expected:.6f} times ln 2: you used the natural "
                        "log. Bits need log base 2 (`np.log2`).")
    if math.isclose(got, expected * n_pairs, rel_tol=1e-6):
        raise Incorrect(f"`{call}` returned {got:.6f}, the total over all {n_pairs} test pairs: divide by the "
                        "number of pairs to get the average.")
    raise Incorrect(f"`{call}` returned {got:.6f}; expected {expected:.6f} bits per character.{example} "
                    "Check the pairs you count, (train[i], train[i+1]) for the table and (test[i], test[i+1]) "
                    "for the score, and the smoothing: (count + alpha) / (row total + alpha * vocab_size), "
                    "so that every row sums to 1.")


def check_bigram_nll(fn):
    for train, test, vocab_size, alpha in _bigram_cases():
        got = expect_number(fn(train.copy(), test.copy(), vocab_size, alpha), fn.last_call,
                            "one number: the average over all test pairs", finite=False)
        expected = bigram_nll(train, test, vocab_size, alpha)
        if not math.isclose(got, expected, rel_tol=1e-6):
            example = _pair_probabilities(train, test, vocab_size, alpha)
            _diagnose_bigram(got, expected, fn.last_call, len(test) - 1, example)
    return "Matches the reference on 5 texts, including unseen pairs and a character that never occurs in train."


def _attention_cases():
    """Inputs for q2: small random heads, one position only, and scores large enough to overflow exp."""
    rng = np.random.default_rng(16)
    for T, d, dv, scale in [(5, 4, 3, 1.0), (1, 3, 2, 1.0), (9, 8, 5, 2.0), (6, 4, 4, 30.0)]:
        yield scale * rng.normal(size=(T, d)), scale * rng.normal(size=(T, d)), rng.normal(size=(T, dv))


def _unscaled_attention(q, k, v):
    return causal_attention(q * math.sqrt(q.shape[1]), k, v)


def _check_one_head(fn, q, k, v):
    T, dv = v.shape
    got = fn(q.copy(), k.copy(), v.copy())
    call = fn.last_call
    arr = expect_array(got, call, shape=(T, dv), kind="f", finite=False)
    if not np.all(np.isfinite(arr)):
        if np.abs(q @ k.T).max() / math.sqrt(q.shape[1]) > 700:   # beyond this np.exp overflows
            raise Incorrect(f"`{call}` returned NaN or inf. With scores this large `np.exp` overflows: subtract "
                            "each row's maximum score before taking `np.exp` (it cancels in the division).")
        raise Incorrect(f"`{call}` returned NaN or inf; every output should be finite. Is a whole row of "
                        "scores masked (then the softmax divides 0 by 0)? Only columns after the row are future.")
    if not np.allclose(arr[0], v[0], rtol=1e-6, atol=1e-9):
        raise Incorrect(f"`{call}` gave output {np.round(arr[0], 3)} at position 0; expected v[0] = "
                        f"{np.round(v[0], 3)}. Position 0 may only look at itself, so all its weight is on v[0].")
    for t in range(T - 1):
        # new tokens after position t: fresh queries, keys and values there, the past untouched
        rng, q2, k2, v2 = np.random.default_rng(t), q.copy(), k.copy(), v.copy()
        for x in (q2, k2, v2):
            x[t + 1:] = 3 * rng.normal(size=x[t + 1:].shape)
        changed = expect_array(fn(q2, k2, v2), call, shape=(T, dv), kind="f")
        if not np.allclose(changed[:t + 1], arr[:t + 1], rtol=1e-6, atol=1e-9):
            raise Incorrect(f"In `{call}`, changing the tokens after position {t} changed your output at "
                            f"position {t} or before: position {t} sees the future. Mask every score with "
                            "column > row before the softmax.")
    if np.allclose(arr, _unscaled_attention(q, k, v), rtol=1e-6, atol=1e-9) and not np.allclose(
            arr, causal_attention(q, k, v), rtol=1e-6, atol=1e-9):
        raise Incorrect(f"`{call}` matches attention without the scale: divide the scores q k^T by "
                        f"sqrt(d) = sqrt({q.shape[1]}) before the softmax.")
    d = q.shape[1]
    if np.allclose(arr, causal_attention(q / math.sqrt(d), k, v), rtol=1e-6, atol=1e-9) and not np.allclose(
            arr, causal_attention(q, k, v), rtol=1e-6, atol=1e-9):
        raise Incorrect(f"`{call}` matches attention with the scores divided by d = {d}: divide q k^T by "
                        f"sqrt(d) = sqrt({d}) = {math.sqrt(d):.3g}, not by d.")
    expect_close(arr, causal_attention(q, k, v), call, rtol=1e-6, atol=1e-9, what="outputs")


def _check_future_dominates(fn):
    """A future score 1200 above the past ones: masking after the softmax (and renormalising) gives 0 / 0 there."""
    q, k = np.full((3, 1), 30.0), np.array([[0.0], [0.0], [40.0]])
    v = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    got = fn(q.copy(), k.copy(), v.copy())
    call = fn.last_call
    arr = expect_array(got, call, shape=(3, 2), kind="f", finite=False)
    if not np.all(np.isfinite(arr)):
        raise Incorrect(f"`{call}` returned NaN or inf when a future score (1200) dwarfs the past ones (0): "
                        "after the softmax the past weights have underflowed to 0, and renormalising divides 0 by "
                        "0. Mask before the softmax: set the future scores to -np.inf, then subtract each row's "
                        "maximum and take np.exp.")
    expect_close(arr, causal_attention(q, k, v), call, rtol=1e-6, atol=1e-9,
                 what="outputs when a future score dwarfs the past ones")


def check_causal_attention(fn):
    for q, k, v in _attention_cases():
        _check_one_head(fn, q, k, v)
    _check_future_dominates(fn)
    return ("Matches the reference on 4 heads; position 0 returns v[0], and changing later tokens never "
            "changes earlier outputs.")


q1 = Question(
    check_bigram_nll,
    hints=[
        "Build a `vocab_size` x `vocab_size` table of counts: row `a`, column `b` counts how often `b` follows "
        "`a` in `train`. `np.add.at(counts, (train[:-1], train[1:]), 1)` fills it in one line.",
        "Smooth every row: P(b | a) = (counts[a, b] + alpha) / (row total of a + alpha * vocab_size). "
        "Each row then sums to 1, and no probability is 0.",
        "Score the test pairs (test[i], test[i+1]): `probs[test[:-1], test[1:]]` picks them all; return "
        "the mean of `-np.log2` of those, as a float.",
    ],
    solution=inspect.getsource(bigram_nll),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_causal_attention,
    hints=[
        "Scores first: `q @ k.T` is T x T, row t holding how well query t matches every key. Divide by "
        "`np.sqrt(d)` where d is the number of columns of q.",
        "Mask before the softmax: set the scores above the diagonal (column > row, the future) to `-np.inf`, "
        "e.g. with `np.triu(np.ones((T, T), dtype=bool), k=1)` and `np.where`.",
        "Softmax along each row (`axis=1`), subtracting the row maximum first so `np.exp` cannot overflow; "
        "then return `weights @ v`.",
    ],
    solution=inspect.getsource(causal_attention),
    name="q2",
    notebook=NOTEBOOK,
)
