"""Checks for exercises/08-reinforcement-learning.ipynb: one Q-learning update, and value iteration.

q1  q_update(Q, s, a, r, s_next, done, alpha, gamma): the new Q table after one Q-learning step
q2  value_iteration(T, R, gamma, tol): optimal values and a greedy policy of an MDP given as arrays
"""
from __future__ import annotations

import inspect

import numpy as np

from course.checks import Incorrect, Question, expect_array, expect_values
from course.gridworld import backup, frozen_lake_model, value_iteration

NOTEBOOK = "08-reinforcement-learning"


def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    """Return a new Q table: entry (s, a) moved a step alpha toward r + gamma * max Q[s_next] (just r if done)."""
    Q = np.array(Q, dtype=float)   # a copy: the caller's table stays as it was
    target = r if done else r + gamma * Q[s_next].max()
    Q[s, a] += alpha * (target - Q[s, a])
    return Q


def _update_cases():
    """Inputs for q1: the worked example of the task, then random tables, terminal and self-loop steps."""
    yield np.array([[0.5, 0.0], [0.3, 0.6], [0.4, 0.8]]), 0, 0, 1.0, 1, False, 0.5, 0.9
    rng = np.random.default_rng(8)
    for n_states, n_actions, done, loop in [(6, 4, True, False), (16, 4, False, False), (5, 3, False, True),
                                            (9, 4, True, False), (7, 2, False, False)]:
        Q = rng.normal(size=(n_states, n_actions))
        s, a = int(rng.integers(n_states)), int(rng.integers(n_actions))
        s_next = s if loop else int((s + 1 + rng.integers(n_states - 1)) % n_states)
        r, alpha, gamma = round(rng.normal(), 2), round(rng.uniform(0.1, 0.9), 2), round(rng.uniform(0.5, 0.99), 2)
        yield Q, s, a, r, s_next, done, alpha, gamma


def _update_mistakes(Q, s, a, r, s_next, done, alpha, gamma):
    """Yield (value Q[s, a] would get, explanation) for each common slip, most specific first."""
    old, best_next = Q[s, a], Q[s_next].max()

    def step(target):
        return old + alpha * (target - old)

    if done:
        yield step(r + gamma * best_next), (
            "this step ended the episode (done=True), so nothing follows and the target is just r; you added "
            "gamma * max Q[s_next]. (In FrozenLake the rows of terminal states stay 0, which hides this; "
            "here they are not 0.)")
        return
    yield step(r), "done=False, so the target is r + gamma * max(Q[s_next]); you used r alone."
    yield step(r + gamma * Q[s].max()), (
        "your target uses Q[s], the row of the state you left; it should look ahead to Q[s_next].")
    if s_next < Q.shape[1]:
        yield step(r + gamma * Q.max(axis=0)[s_next]), (
            "your max runs over the wrong axis: Q.max(axis=0) is the best over states. Take the best over "
            "actions of s_next: Q[s_next].max().")
    yield step(r + gamma * Q[s_next, a]), (
        "your target uses Q[s_next, a], the same action again; Q-learning uses the best next action, "
        "max over a' of Q[s_next, a'].")
    yield step(r + best_next), "your target is missing the discount: r + gamma * max(Q[s_next])."
    yield r + gamma * best_next, ("you replaced Q[s, a] by the target; move only the fraction alpha of the way: "
                                  "Q[s, a] + alpha * (target - Q[s, a]).")
    yield old - alpha * (r + gamma * best_next - old), "you moved Q[s, a] away from the target: check the sign."


def _expect_only_entry_changed(got, Q, s, a, call):
    moved = ~np.isclose(got, Q, rtol=1e-12, atol=1e-12)
    moved[s, a] = False
    if Q.shape[1] > 1 and moved[s].sum() == Q.shape[1] - 1:
        raise Incorrect(f"`{call}` changed the whole row Q[{s}]; only the entry Q[{s}, {a}] of the action taken "
                        "may change.")
    if moved.any():
        i, j = (int(k) for k in np.argwhere(moved)[0])
        raise Incorrect(f"`{call}` changed Q[{i}, {j}] from {Q[i, j]:.4f} to {got[i, j]:.4f}; only Q[{s}, {a}], "
                        "the action taken in the state it was taken in, may change.")


def _check_one_update(fn, case):
    Q, s, a, r, s_next, done, alpha, gamma = case
    got = fn(Q.copy(), s, a, r, s_next, done, alpha, gamma)
    call = fn.last_call
    if isinstance(got, (int, float, np.number)) or (isinstance(got, np.ndarray) and got.ndim == 0):
        raise Incorrect(f"`{call}` returned one number; return the whole new table (shape {Q.shape}), "
                        "with only the entry [s, a] changed.")
    got = expect_array(got, call, shape=Q.shape, kind="f").astype(float)
    _expect_only_entry_changed(got, Q, s, a, call)
    want = q_update(Q, s, a, r, s_next, done, alpha, gamma)[s, a]
    if np.isclose(got[s, a], want, rtol=1e-9, atol=1e-12):
        return
    if got[s, a] == Q[s, a]:
        raise Incorrect(f"`{call}` returned the table unchanged: Q[{s}, {a}] is still {Q[s, a]:.4f}, expected "
                        f"{want:.4f}. Did you update a copy and return the original?")
    for value, why in _update_mistakes(Q, s, a, r, s_next, done, alpha, gamma):
        if not np.isclose(value, want) and np.isclose(got[s, a], value, rtol=1e-9, atol=1e-12):
            raise Incorrect(f"`{call}` set Q[{s}, {a}] to {got[s, a]:.4f}; expected {want:.4f}: {why}")
    target = r if done else r + gamma * Q[s_next].max()
    raise Incorrect(f"`{call}` set Q[{s}, {a}] to {got[s, a]:.4f}; expected {want:.4f}. Here the target "
                    f"is {target:.4f}, and the new value is Q[s, a] + alpha * (target - Q[s, a]).")


def check_q_update(fn):
    for case in _update_cases():
        _check_one_update(fn, case)
    return "Matches the reference on 6 updates, including terminal steps and a step that stays in the same state."


def _chain():
    """A 3-state MDP by hand: a safe path 0 -> 1 -> 2 paying 2, or a gamble from 0 paying 1 half the time."""
    T, R = np.zeros((3, 2, 3)), np.zeros((3, 2))
    T[0, 0, 1] = 1.0                                 # state 0, action 0: walk to state 1
    T[0, 1, 2] = T[0, 1, 0] = 0.5                    # state 0, action 1: the gamble, done or back to 0
    R[0, 1] = 0.5
    T[1, 0, 2], R[1, 0] = 1.0, 2.0                   # state 1, action 0: collect 2 and finish
    T[1, 1, 1] = 1.0                                 # state 1, action 1: stand still
    T[2, :, 2] = 1.0                                 # state 2 is terminal: it stays, no reward
    return T, R


def _mdp_cases():
    """Inputs for q2: the hand-made chain, the slippery lake, then random MDPs (one with as many states as actions)."""
    yield (*_chain(), 0.9)
    yield (*frozen_lake_model(), 0.99)
    rng = np.random.default_rng(18)
    for n_states, n_actions, gamma in [(5, 3, 0.9), (12, 4, 0.95), (30, 2, 0.5), (4, 4, 0.8)]:
        T = rng.dirichlet(np.full(n_states, 0.5), size=(n_states, n_actions))
        yield T, rng.normal(size=(n_states, n_actions)), gamma


def _unpack(got, call, n_states, n_actions):
    got = expect_values(got, 2, call, "(V, policy)")
    V = expect_array(got[0], call, kind="f")
    policy = np.asarray(got[1]) if not isinstance(got[1], (str, bytes)) else None
    if V.dtype.kind in "iu" and policy is not None and policy.dtype.kind == "f":
        raise Incorrect(f"`{call}` seems to return (policy, V); return them in the order (V, policy).")
    if V.shape != (n_states,):
        raise Incorrect(f"`{call}` returned V of shape {V.shape}; expected one value per state, shape ({n_states},).")
    if policy is None or policy.shape != (n_states,) or policy.dtype.kind not in "iu":
        raise Incorrect(f"`{call}` returned a policy {np.asarray(got[1]).dtype} of shape {np.shape(got[1])}; expected "
                        f"one whole-number action per state, shape ({n_states},): `Q.argmax(axis=1)` gives that.")
    outside = policy[(policy < 0) | (policy >= n_actions)]
    if outside.size:
        raise Incorrect(f"`{call}` returned a policy with action {outside[0]}; actions are numbered "
                        f"0 to {n_actions - 1}.")
    return V.astype(float), policy


def _undiscounted_values(T, R, tol, max_sweeps=5000):
    """Return what value iteration gives with gamma = 1, or None if that does not converge."""
    V, _ = value_iteration(T, R, 1.0, tol, max_sweeps)
    return V if np.abs(backup(T, R, 1.0, V).max(axis=1) - V).max() < tol else None


def _check_values(V, T, R, gamma, call, tol):
    best = backup(T, R, gamma, V).max(axis=1)
    residual = np.abs(V - best)
    if residual.max() < 1e-8:
        return
    undiscounted = _undiscounted_values(T, R, tol)
    if undiscounted is not None and np.allclose(V, undiscounted, atol=1e-6):
        raise Incorrect(f"`{call}` returned the values for gamma = 1: multiply the next state's value by gamma.")
    s = int(residual.argmax())
    if residual[s] < 0.01 * max(1.0, np.abs(best).max()):
        advice = f"You are close: keep sweeping until no value changes by tol = {tol:g} or more."
    else:
        advice = ("That is far from a fixed point: check the sweep, Q = R + gamma * T @ V (T @ V averages the values "
                  "of the states s' you may land in), then V = Q.max(axis=1).")
    raise Incorrect(f"`{call}` returned values that break the Bellman optimality equation: V[{s}] = {V[s]:.6f}, but "
                    f"max over a of R[{s}, a] + gamma * T[{s}, a] @ V is {best[s]:.6f} (residual {residual[s]:.1e}, "
                    f"allowed 1e-8). {advice}")


def _check_policy(V_star, policy, T, R, gamma, call):
    Q = backup(T, R, gamma, V_star)
    worse = Q.max(axis=1) - Q[np.arange(len(policy)), policy] > 1e-6
    if not worse.any():
        return
    s = int(np.flatnonzero(worse)[0])
    myopic = " You chose by the immediate reward R alone; add the value of where you land." \
        if np.array_equal(policy, R.argmax(axis=1)) else ""
    raise Incorrect(f"`{call}`: in state {s} your policy takes action {policy[s]}, worth Q = {Q[s, policy[s]]:.4f}, "
                    f"but action {Q[s].argmax()} is worth {Q[s].max():.4f}. Take, in each state, the action with the "
                    f"largest R[s, a] + gamma * T[s, a] @ V.{myopic}")


def check_value_iteration(fn):
    tol = 1e-10
    for T, R, gamma in _mdp_cases():
        V, policy = _unpack(fn(T.copy(), R.copy(), gamma, tol), fn.last_call, *R.shape)
        _check_values(V, T, R, gamma, fn.last_call, tol)
        _check_policy(value_iteration(T, R, gamma, tol)[0], policy, T, R, gamma, fn.last_call)
    return ("Bellman residual below 1e-8 and a best action in every state on 6 MDPs; on the slippery FrozenLake "
            "your policy is the lesson's on every open tile.")


q1 = Question(
    check_q_update,
    hints=[
        "Copy first, `Q = Q.copy()`, so that you return a new table. Then change only `Q[s, a]`.",
        "The target is `r + gamma * Q[s_next].max()`, or just `r` when `done` is True: after a terminal "
        "step nothing follows.",
        "Move a step alpha toward the target: `Q[s, a] += alpha * (target - Q[s, a])`, then `return Q`.",
    ],
    solution=inspect.getsource(q_update),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_value_iteration,
    hints=[
        "Start from `V = np.zeros(len(R))`. `T @ V` has shape (states, actions): entry [s, a] is the expected "
        "value of where action a takes you from s.",
        "One sweep: `Q = R + gamma * T @ V`, then `V_new = Q.max(axis=1)` (the best action in every state).",
        "Repeat in a `while True` loop until `np.abs(V_new - V).max() < tol`; then return `V_new, Q.argmax(axis=1)`.",
    ],
    solution=inspect.getsource(value_iteration),
    name="q2",
    notebook=NOTEBOOK,
)
