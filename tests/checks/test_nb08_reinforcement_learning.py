"""Do the lesson 08 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import numpy as np
import pytest

from course.checks.nb08_reinforcement_learning import frozen_lake_model, q1, q2, q_update, value_iteration

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: q_update -----------------------------------------------------------------

def updated(Q, s, a, target, alpha):
    Q = Q.copy()
    Q[s, a] += alpha * (target - Q[s, a])
    return Q


def bootstraps_terminal(Q, s, a, r, s_next, done, alpha, gamma):
    return updated(Q, s, a, r + gamma * Q[s_next].max(), alpha)


def uses_current_row(Q, s, a, r, s_next, done, alpha, gamma):
    return updated(Q, s, a, r if done else r + gamma * Q[s].max(), alpha)


def max_over_states(Q, s, a, r, s_next, done, alpha, gamma):
    return updated(Q, s, a, r if done else r + gamma * Q.max(axis=0)[s_next], alpha)


def same_next_action(Q, s, a, r, s_next, done, alpha, gamma):
    return updated(Q, s, a, r if done else r + gamma * Q[s_next, a], alpha)


def no_discount(Q, s, a, r, s_next, done, alpha, gamma):
    return updated(Q, s, a, r if done else r + Q[s_next].max(), alpha)


def no_learning_rate(Q, s, a, r, s_next, done, alpha, gamma):
    return updated(Q, s, a, r if done else r + gamma * Q[s_next].max(), 1.0)


def done_inverted(Q, s, a, r, s_next, done, alpha, gamma):
    return updated(Q, s, a, r + gamma * Q[s_next].max() if done else r, alpha)


def wrong_sign(Q, s, a, r, s_next, done, alpha, gamma):
    Q = Q.copy()
    Q[s, a] -= alpha * ((r if done else r + gamma * Q[s_next].max()) - Q[s, a])
    return Q


def whole_row(Q, s, a, r, s_next, done, alpha, gamma):
    Q = Q.copy()
    Q[s] += alpha * ((r if done else r + gamma * Q[s_next].max()) - Q[s])
    return Q


def copy_updated_original_returned(Q, s, a, r, s_next, done, alpha, gamma):
    new = Q.copy()
    new[s, a] += alpha * ((r if done else r + gamma * Q[s_next].max()) - Q[s, a])
    return Q


def only_the_new_value(Q, s, a, r, s_next, done, alpha, gamma):
    return q_update(Q, s, a, r, s_next, done, alpha, gamma)[s, a]


def test_does_the_reference_pass_q1():
    assert q1.check(q_update).status == "correct"


def test_does_the_worked_example_give_the_number_in_the_task():
    Q = np.array([[0.5, 0.0], [0.3, 0.6], [0.4, 0.8]])
    new = q_update(Q, 0, 0, 1.0, 1, False, 0.5, 0.9)
    assert new[0, 0] == pytest.approx(1.02) and np.array_equal(np.delete(new.ravel(), 0), np.delete(Q.ravel(), 0))
    assert Q[0, 0] == 0.5   # the caller's table is left alone


def in_place_returning_the_table(Q, s, a, r, s_next, done, alpha, gamma):
    Q[s, a] += alpha * ((r if done else r + gamma * Q[s_next].max()) - Q[s, a])
    return Q


def weighted_average(Q, s, a, r, s_next, done, alpha, gamma):
    """(1 - alpha) * old + alpha * target: the same update, written as a blend; (1 - done) switches off the future."""
    new = np.array(Q, dtype=float)
    target = r + gamma * (1 - done) * np.max(Q[s_next])
    new[s, a] = (1 - alpha) * Q[s, a] + alpha * target
    return new


VALID["q1"] = [in_place_returning_the_table, weighted_average]


WRONG["q1"] = [
    (bootstraps_terminal, "this step ended the episode (done=True), so nothing follows"),
    (uses_current_row, "your target uses Q[s], the row of the state you left"),
    (max_over_states, "your max runs over the wrong axis"),
    (same_next_action, "your target uses Q[s_next, a], the same action again"),
    (no_discount, "your target is missing the discount"),
    (no_learning_rate, "you replaced Q[s, a] by the target"),
    (done_inverted, "you used r alone"),
    (wrong_sign, "you moved Q[s, a] away from the target"),
    (whole_row, "changed the whole row Q[0]"),
    (copy_updated_original_returned, "Did you update a copy and return the original?"),
    (only_the_new_value, "returned one number; return the whole new table"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_is_a_forgotten_return_after_an_in_place_update_reported_q1():
    def no_return(Q, s, a, r, s_next, done, alpha, gamma):
        Q[s, a] += alpha * (r - Q[s, a])

    result = q1.check(no_return)
    assert result.status == "incorrect" and "did you forget `return`?" in result.message


@pytest.mark.parametrize("returned, words", [
    ("a table", "expected a numpy array"),
    (np.full((3, 2), np.nan), "containing NaN"),
    (np.zeros((2, 3)), "expected shape (3, 2)"),
])
def test_is_a_result_of_the_wrong_kind_refused_q1(returned, words):
    result = q1.check(lambda Q, s, a, r, s_next, done, alpha, gamma: returned)
    assert result.status == "incorrect" and words in result.message


def test_is_a_crash_in_learner_code_reported_q1():
    result = q1.check(lambda Q, s, a, r, s_next, done, alpha, gamma: Q[len(Q)])
    assert result.status == "error" and "IndexError" in result.message


# --- q2: value_iteration ---------------------------------------------------------

def sweeps(T, R, gamma, tol, backup, greedy=None):
    """Value iteration with a replaceable sweep: the skeleton of most wrong answers below."""
    V = np.zeros(len(R))
    while True:
        Q = backup(T, R, gamma, V)
        V_new = Q.max(axis=1)
        if np.abs(V_new - V).max() < tol:
            return V_new, (greedy or (lambda Q: Q.argmax(axis=1)))(Q)
        V = V_new


def fixed_hundred_sweeps(T, R, gamma, tol=1e-10):
    V = np.zeros(len(R))
    for _ in range(100):
        Q = R + gamma * T @ V
        V = Q.max(axis=1)
    return V, Q.argmax(axis=1)


def loose_tolerance(T, R, gamma, tol=1e-10):
    return value_iteration(T, R, gamma, 1e-3)


def no_discount_vi(T, R, gamma, tol=1e-10):
    return sweeps(T, R, gamma, tol, lambda T, R, gamma, V: R + T @ V)


def value_of_the_same_state(T, R, gamma, tol=1e-10):
    return sweeps(T, R, gamma, tol, lambda T, R, gamma, V: R + gamma * V[:, None])


def contracted_over_the_wrong_axis(T, R, gamma, tol=1e-10):
    return sweeps(T, R, gamma, tol, lambda T, R, gamma, V: R + gamma * np.einsum("sat,s->sa", T, V))


def myopic_policy(T, R, gamma, tol=1e-10):
    return value_iteration(T, R, gamma, tol)[0], R.argmax(axis=1)


def worst_action(T, R, gamma, tol=1e-10):
    return sweeps(T, R, gamma, tol, lambda T, R, gamma, V: R + gamma * T @ V, lambda Q: Q.argmin(axis=1))


def max_over_states_vi(T, R, gamma, tol=1e-10):
    V = np.zeros(len(R))
    while True:
        Q = R + gamma * T @ V
        V_new = Q.max(axis=0)
        if np.abs(V_new - V).max() < tol:
            return V_new, Q.argmax(axis=0)
        V = V_new


def in_place_sweeps(T, R, gamma, tol=1e-10):
    V = np.zeros(len(R))
    while True:
        change = 0.0
        for s in range(len(R)):
            best = (R[s] + gamma * T[s] @ V).max()
            change, V[s] = max(change, abs(best - V[s])), best
        if change < tol:
            return V, (R + gamma * T @ V).argmax(axis=1)


def test_does_the_reference_pass_q2():
    assert q2.check(value_iteration).status == "correct"


def test_does_the_reference_reproduce_the_lessons_frozen_lake_numbers():
    T, R = frozen_lake_model()
    V, policy = value_iteration(T, R, 0.99)
    assert V[0] == pytest.approx(0.542, abs=5e-4)
    assert policy[[0, 4, 6, 10, 14]].tolist() == [0, 0, 0, 0, 1]   # left, left, left, left, down


def with_einsum_and_a_sweep_limit(T, R, gamma, tol=1e-10):
    V = np.zeros(len(R))
    for _ in range(100_000):
        Q = R + gamma * np.einsum("sat,t->sa", T, V)
        V, previous = Q.max(axis=1), V
        if np.max(np.abs(V - previous)) < tol:
            break
    return V, np.argmax(Q, axis=1)


# in-place sweeps (Gauss-Seidel) reach the same values, in fewer sweeps
VALID["q2"] = [in_place_sweeps, with_einsum_and_a_sweep_limit]


WRONG["q2"] = [
    (fixed_hundred_sweeps, "You are close: keep sweeping until no value changes by tol = 1e-10"),
    (loose_tolerance, "You are close: keep sweeping"),
    (no_discount_vi, "returned the values for gamma = 1"),
    (value_of_the_same_state, "That is far from a fixed point"),
    (contracted_over_the_wrong_axis, "That is far from a fixed point"),
    (myopic_policy, "You chose by the immediate reward R alone"),
    (worst_action, "in state 0 your policy takes action 1"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_does_a_max_over_the_wrong_axis_get_a_message_q2():
    result = q2.check(max_over_states_vi)
    assert result.status == "error" and "ValueError" in result.message and "at line" in result.message


@pytest.mark.parametrize("returned, words", [
    (lambda V, p: V, "expected a pair (V, policy)"),
    (lambda V, p: (p, V), "return them in the order (V, policy)"),
    (lambda V, p: (V, p.astype(float)), "expected one whole-number action per state"),
    (lambda V, p: (V[:, None] * np.ones(2), p), "expected one value per state"),
    (lambda V, p: (V, p + 5), "actions are numbered 0 to 1"),
    (lambda V, p: (V * np.nan, p), "containing NaN"),
    (lambda V, p: (V, "left"), "expected one whole-number action per state"),
])
def test_is_a_result_of_the_wrong_kind_refused_q2(returned, words):
    result = q2.check(lambda T, R, gamma, tol: returned(*value_iteration(T, R, gamma, tol)))
    assert result.status == "incorrect", result
    assert words in result.message


def test_is_an_endless_loop_stopped_q2():
    def never_converges(T, R, gamma, tol):
        V = np.zeros(len(R))
        while True:   # without gamma, on a random MDP the values grow for ever
            V = (R + T @ V).max(axis=1)

    q2.time_limit = 0.5
    try:
        result = q2.check(never_converges)
    finally:
        q2.time_limit = 10.0
    assert result.status == "error" and "still running" in result.message

