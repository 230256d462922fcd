"""Do the lesson 11 checks pass the reference and fail realistic mistakes for the right reason?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import numpy as np
import pytest

from course.checks import Question
from course.checks.nb11_uncertainty_and_calibration import (
    NOTEBOOK,
    _network_validation_logits,
    check_fit_temperature,
    ece,
    ece_cases,
    fit_temperature,
    nll,
    q1,
    q2,
    temperature_cases,
)

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}


def endless(*args, **kwargs):
    while True:
        pass


# --- q1: ece -------------------------------------------------------------------

def per_bin_gaps(proba, y, n_bins, confidence=None, edges_rule="closed"):
    """(weight, signed gap) of each non-empty bin, for building the wrong answers below."""
    confidence = proba.max(axis=1) if confidence is None else confidence
    right = proba.argmax(axis=1) == y
    edges = np.linspace(0, 1, n_bins + 1)
    out = []
    for m, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            out.append((inside.mean(), right[inside].mean() - confidence[inside].mean()))
    return out


def unweighted_mean_over_bins(proba, y, n_bins=10):
    return float(np.mean([abs(gap) for _, gap in per_bin_gaps(proba, y, n_bins)]))


def signed_gaps(proba, y, n_bins=10):
    return float(abs(sum(weight * gap for weight, gap in per_bin_gaps(proba, y, n_bins))))


def true_class_probability(proba, y, n_bins=10):
    confidence = proba[np.arange(len(y)), y]
    return float(sum(w * abs(g) for w, g in per_bin_gaps(proba, y, n_bins, confidence=confidence)))


def drops_confidence_one(proba, y, n_bins=10):
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
    which = (confidence * n_bins).astype(int)  # 1.0 * n_bins = n_bins: no such bin below
    total = 0.0
    for m in range(n_bins):
        inside = which == m
        if inside.any():
            total += inside.mean() * abs(right[inside].mean() - confidence[inside].mean())
    return total


def left_closed_bins(proba, y, n_bins=10):
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
    counts, edges = np.histogram(confidence, bins=n_bins, range=(0, 1))  # [low, high): 0.5 goes up a bin
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, n_bins - 1)
    total = 0.0
    for m in range(n_bins):
        inside = which == m
        if counts[m]:
            total += counts[m] / len(y) * abs(right[inside].mean() - confidence[inside].mean())
    return total


def one_bin_short(proba, y, n_bins=10):
    return ece(proba, y, n_bins - 1)


def squared_gaps(proba, y, n_bins=10):
    return float(sum(w * g ** 2 for w, g in per_bin_gaps(proba, y, n_bins)))


def gaps_per_bin(proba, y, n_bins=10):
    return np.array([w * abs(g) for w, g in per_bin_gaps(proba, y, n_bins)])


def empty_bins_divide_by_zero(proba, y, n_bins=10):
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
    edges = np.linspace(0, 1, n_bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        total += inside.mean() * abs(right[inside].sum() / inside.sum() - confidence[inside].sum() / inside.sum())
    return total


def right_closed_digitize(proba, y, n_bins=10):
    """Bins (low, high] found with np.digitize(..., right=True), weighted by their share of predictions."""
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
    which = np.digitize(confidence, np.linspace(0, 1, n_bins + 1), right=True)   # 1..n_bins
    total = 0.0
    for m in np.unique(which):
        inside = which == m
        total += inside.sum() / len(y) * abs(right[inside].mean() - confidence[inside].mean())
    return total


def bin_index_by_ceil(proba, y, n_bins=10):
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == y
    edges = np.linspace(0, 1, n_bins + 1)
    which = np.searchsorted(edges, confidence, side="left")   # the first edge >= confidence: (low, high]
    gaps = [np.sum(which == m) * abs(right[which == m].mean() - confidence[which == m].mean())
            for m in set(which.tolist())]
    return float(sum(gaps) / len(y))


VALID["q1"] = [right_closed_digitize, bin_index_by_ceil]


def test_does_the_reference_pass_q1():
    assert q1.check(ece).status == "correct"


def test_do_perfect_predictions_give_zero_and_the_worked_example_half():
    perfect = np.eye(3)[[0, 1, 2, 2]]
    assert ece(perfect, np.array([0, 1, 2, 2]), 10) == 0.0
    example = np.array([[1.0, 0, 0], [1.0, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0]])
    assert ece(example, np.array([0, 1, 0, 0]), 4) == pytest.approx(0.5)


def test_do_the_cases_include_confidences_of_one_and_on_an_inner_edge():
    confidences = np.concatenate([proba.max(axis=1) for proba, _, _ in ece_cases()])
    assert (confidences == 1.0).sum() >= 50 and (confidences == 0.5).sum() >= 50


WRONG["q1"] = [
    (unweighted_mean_over_bins, "the plain mean of the per-bin gaps"),
    (signed_gaps, "gaps keep their sign and partly cancel"),
    (true_class_probability, "probability of the true class as the confidence"),
    (drops_confidence_one, "confidence exactly 1.0 fall out of every bin"),
    (left_closed_bins, "exactly on an inner edge, such as 0.5, goes to the bin above"),
    (one_bin_short, "with n_bins - 1 bins"),
    (squared_gaps, "with squared gaps"),
    (gaps_per_bin, "Add the weighted gaps of the bins up into a single number"),
    (empty_bins_divide_by_zero, "skip bins with no predictions"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("returned, words", [
    ("0.1", "expected the ECE, one number"),
    (None, "did you forget `return`"),
    (float("nan"), "returned nan"),
    ([0.1, 0.2], "returned 2 values"),
])
def test_does_a_wrong_kind_of_answer_get_a_message_q1(returned, words):
    result = q1.check(lambda proba, y, n_bins=10: returned)
    assert result.status == "incorrect" and words in result.message, result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda proba, y, n_bins=10: proba[len(proba)])
    assert result.status == "error" and "IndexError" in result.message


def test_is_an_endless_loop_stopped_q1(monkeypatch):
    monkeypatch.setattr(q1, "time_limit", 0.3)
    result = q1.check(endless)
    assert result.status == "error" and "still running after 0.3 s" in result.message


# --- q2: fit_temperature ------------------------------------------------------

TEST_LOGITS = np.random.default_rng(0).normal(0, 3, (50, 10))
TEST_Y = np.arange(50) % 10


def _grid(loss, temperatures=np.exp(np.linspace(np.log(0.05), np.log(20), 481))):
    """Return the temperature in `temperatures` with the lowest `loss`."""
    return float(temperatures[np.argmin([loss(T) for T in temperatures])])


def multiplies_by_t(logits, y):
    return _grid(lambda T: nll(logits * T, y))


def fitted_on_the_test_set(logits, y):
    return fit_temperature(TEST_LOGITS, TEST_Y)


def only_temperatures_above_one(logits, y):
    return _grid(lambda T: nll(logits, y, T), np.linspace(1, 10, 91))


def coarse_linear_grid(logits, y):
    return _grid(lambda T: nll(logits, y, T), np.linspace(0.5, 3, 6))


def minimises_ece_instead(logits, y):
    def softmax_ece(T):
        scaled = logits / T
        proba = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        return ece(proba / proba.sum(axis=1, keepdims=True), y, 10)
    return _grid(softmax_ece)


def returns_log_t(logits, y):
    return float(np.log(fit_temperature(logits, y)))


def never_searches(logits, y):
    return 1.0


def returns_the_grid_index(logits, y):
    temperatures = np.exp(np.linspace(np.log(0.05), np.log(20), 481))
    return int(np.argmin([nll(logits, y, T) for T in temperatures]))


def scored_on_predicted_labels(logits, y):
    """The NLL against argmax(logits) instead of y: sharper always wins, and the search runs to its lower end."""
    return fit_temperature(logits, np.argmax(logits, axis=1))


def flips_the_sign(logits, y):
    return -fit_temperature(logits, y)


def minimize_scalar_on_log_t(logits, y):
    from scipy.optimize import minimize_scalar
    best = minimize_scalar(lambda log_t: nll(logits, y, np.exp(log_t)), bounds=(np.log(0.01), np.log(100)),
                           method="bounded", options={"xatol": 1e-6})
    return float(np.exp(best.x))


def fine_log_grid(logits, y):
    return _grid(lambda T: nll(logits, y, T), np.geomspace(0.02, 50, 4001))


VALID["q2"] = [minimize_scalar_on_log_t, fine_log_grid]


def test_does_the_reference_pass_q2():
    assert q2.check(fit_temperature).status == "correct"


def test_are_the_best_temperatures_on_both_sides_of_one():
    best = [fit_temperature(logits, y) for logits, y in temperature_cases()]
    assert best[0] > 2 and best[1] < 0.6 and 1.2 < best[2] < 1.6


def test_does_the_worked_example_give_three_over_log_three():
    assert fit_temperature(np.array([[3.0, 0.0]] * 4), np.array([0, 0, 0, 1])) == pytest.approx(3 / np.log(3), rel=0.01)


def test_does_the_fitted_temperature_never_raise_the_nll_or_change_a_prediction():
    for logits, y in temperature_cases():
        T = fit_temperature(logits, y)
        assert nll(logits, y, T) <= nll(logits, y, 1.0)
        assert np.array_equal(np.argmax(logits / T, axis=1), np.argmax(logits, axis=1))


WRONG["q2"] = [
    (multiplies_by_t, "Did you multiply the logits by T?"),
    (fitted_on_the_test_set, "never on the test set"),
    (scored_on_predicted_labels, "instead of the true labels y"),
    (only_temperatures_above_one, "searching both sides of 1 on a log scale"),
    (coarse_linear_grid, "the best temperature is 1.4"),
    (minimises_ece_instead, "not the lowest ECE"),
    (returns_log_t, "worse than no scaling at all"),
    (never_searches, "returned T = 1 for all 3 data sets"),
    (returns_the_grid_index, "worse than no scaling at all"),
    (flips_the_sign, "A temperature must be positive"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


@pytest.mark.parametrize("returned, words", [
    ("1.5", "expected a temperature: one positive number"),
    (float("nan"), "returned nan"),
    (np.array([1.2, 1.4]), "returned 2 values"),
])
def test_does_a_wrong_kind_of_answer_get_a_message_q2(returned, words):
    result = q2.check(lambda logits, y: returned)
    assert result.status == "incorrect" and words in result.message, result.message


def test_is_a_one_element_array_accepted_q2():
    assert q2.check(lambda logits, y: np.array([fit_temperature(logits, y)])).status == "correct"


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda logits, y: logits / undefined_name)  # noqa: F821
    assert result.status == "error" and "NameError" in result.message


def test_is_an_endless_loop_stopped_q2():
    quick = Question(check_fit_temperature, name="q2", notebook=NOTEBOOK, time_limit=0.3)
    result = quick.evaluate(endless)
    assert result.status == "error" and "still running after 0.3 s" in result.message


def test_are_the_real_validation_logits_lesson_04s_network_on_180_images():
    logits, y = _network_validation_logits()
    assert logits.shape == (180, 10) and (logits.argmax(axis=1) == y).mean() == pytest.approx(172 / 180)

