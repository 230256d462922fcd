"""Checks for exercises/09-ai-safety-specification-gaming.ipynb: loops, and a dense reward that cannot be gamed.

q1  rollout(successor, start, exit): the cells visited, up to the exit or up to the first repeated cell
q2  my_reward(state, action, next_state, gamma): a dense reward for the lesson's room whose optimal
    policy takes a shortest way out from every cell, for every discount tested

Both checks only call the learner's function with cells (tuples), move names and numbers, and read
back lists of cells or numbers, so the instructor's grader can run them outside the learner's kernel.
"""
from __future__ import annotations

import inspect

import numpy as np

from course.checks import Incorrect, Question, expect_count, expect_number, expect_type
from course.gridworld import (
    ACTIONS,
    CELLS,
    EXIT,
    MOVES,
    START,
    describe_path,
    greedy_successor,
    reward_table,
    rollout,
    solve_room,
    step,
    steps_to_exit,
    transitions,
)

NOTEBOOK = "09-ai-safety-specification-gaming"
GAMMAS = (0.9, 0.5, 0.99)   # the lesson's discount first; a reward that works for one only is a lucky patch


def my_reward(state, action, next_state, gamma):
    """Return +1 for reaching the exit plus potential-based shaping with phi = -(distance ignoring the wall)."""
    def phi(cell):
        return -(abs(cell[0] - EXIT[0]) + abs(cell[1] - EXIT[1]))

    exit_reward = 1.0 if next_state == EXIT else 0.0
    return exit_reward + gamma * phi(next_state) - phi(state)


# --- q1: rollout ----------------------------------------------------------------

def _snake(exit_at_end: bool):
    """A successor map that winds through all 36 cells: 35 moves before the exit or a repeat."""
    order = [(r, c if r % 2 == 0 else 5 - c) for r in range(6) for c in range(6)]
    successor = dict(zip(order, order[1:]))
    if exit_at_end:
        return successor, order[0], order[-1]
    successor[order[-1]] = order[20]   # the last cell leads back into the middle: a 16-cell loop
    return successor, order[0], (9, 9)


def _successor_cases():
    """Inputs for q1: small hand-made maps (easiest to debug) first, then long and random ones."""
    yield {(0, 0): (0, 1), (0, 1): (0, 2)}, (0, 0), (0, 2)
    yield {(0, 0): (0, 1), (0, 1): (0, 2), (0, 2): (0, 1)}, (0, 0), (5, 5)
    yield {(3, 3): (3, 3), (3, 4): (3, 3)}, (3, 4), (5, 5)
    yield {(1, 1): (1, 2)}, (2, 2), (2, 2)
    yield _snake(exit_at_end=True)
    yield _snake(exit_at_end=False)
    rng = np.random.default_rng(9)
    cells = [(r, c) for r in range(6) for c in range(6)]
    for _ in range(12):
        exit = cells[rng.integers(len(cells))]
        # every other cell points at a random neighbour, or at itself where that neighbour is off the grid
        successor = {}
        for r, c in cells:
            dr, dc = list(MOVES.values())[rng.integers(4)]
            successor[(r, c)] = (r + dr, c + dc) if (r + dr, c + dc) in cells else (r, c)
        del successor[exit]
        yield successor, cells[rng.integers(len(cells))], exit


def _as_cells(got, call):
    expect_type(got, (list, tuple), call, "a list of cells, each a (row, col) tuple")
    cells = []
    for item in got:
        try:
            row, col = item
            cells.append((expect_count(row, call), expect_count(col, call)))
        except (TypeError, ValueError, Incorrect):
            raise Incorrect(f"`{call}` returned a path containing {item!r}; each item should be a cell, "
                            "a (row, col) tuple.") from None
    return cells


def _diagnose_steps(path, successor, start, exit, call):
    """Raise Incorrect at the first move of `path` that breaks the rules."""
    if not path or path[0] != start:
        raise Incorrect(f"`{call}` returned a path that begins with {path[0] if path else 'nothing'}; it should "
                        f"begin with start = {start} itself.")
    for i, (cell, nxt) in enumerate(zip(path, path[1:])):
        if cell == exit:
            raise Incorrect(f"`{call}` goes on after reaching the exit {exit} (position {i} of the path): "
                            "stop as soon as the exit is reached.")
        if successor.get(cell) != nxt:
            raise Incorrect(f"`{call}` moves from {cell} to {nxt} (position {i + 1}), but successor[{cell}] "
                            f"is {successor.get(cell)}.")
        if nxt in path[:i + 1] and i + 2 < len(path):
            raise Incorrect(f"`{call}` visits {nxt} a second time at position {i + 1}, then goes on: stop at the "
                            "first repeated cell, because from there the agent only repeats what it already did.")


def _diagnose_ending(path, successor, exit, call):
    """Raise Incorrect if `path` stops before the exit or a repeated cell."""
    last, nxt = path[-1], successor.get(path[-1])
    if last == exit or last in path[:-1]:
        return
    if nxt == exit:
        raise Incorrect(f"`{call}` stops at {last}, one move before the exit: end the path with the exit "
                        f"{exit} itself.")
    if nxt in path:
        raise Incorrect(f"`{call}` stops at {last}, one move before the loop closes: end the path with the "
                        f"repeated cell {nxt}, so that whoever reads it can see the loop.")
    raise Incorrect(f"`{call}` stops at {last} after {len(path) - 1} moves, before reaching the exit or a "
                    "cell it had already visited: keep following successor until one of the two happens.")


def check_rollout(fn):
    for successor, start, exit in _successor_cases():
        got = _as_cells(fn(dict(successor), start, exit), fn.last_call)
        if got != rollout(successor, start, exit):
            _diagnose_steps(got, successor, start, exit, fn.last_call)
            _diagnose_ending(got, successor, exit, fn.last_call)
            raise Incorrect(f"`{fn.last_call}` returned {got}; expected {rollout(successor, start, exit)}.")
    return ("Matches the reference on 18 maps: straight to the exit, loops, a stuck agent, a start at the exit, "
            "and 35-move snakes.")


# --- q2: my_reward ----------------------------------------------------------------

def _rewards(fn, gamma) -> np.ndarray:
    """Return R[s, a] from the learner's reward, checking every value it returns."""
    return reward_table(lambda state, action, next_state: expect_number(
        fn(state, action, next_state, gamma), fn.last_call, "a reward: one number (a float)"))


def _check_dense(R, gamma):
    scale = max(1.0, float(np.abs(R).max()))
    for i, cell in enumerate(CELLS):
        if cell != EXIT and np.ptp(R[i]) <= 1e-12 * scale:
            raise Incorrect(f"With gamma = {gamma}, your reward pays all four moves from {cell} the same "
                            f"({R[i, 0]:g}): there it gives the agent no hint which way to go. The task asks for a "
                            "dense reward, one that in every cell pays some moves more than others.")


def _tolerance(Q) -> float:
    """Return how close two values must be to count as a tie: a billionth of the largest value."""
    return 1e-9 * max(1.0, float(np.abs(Q).max()))


def _explain_wrong_move(Q, i, wrong, gamma) -> str:
    """Say why move `wrong` from cell CELLS[i] is not on a shortest way out, and where it leads."""
    cell, distance = CELLS[i], steps_to_exit()
    right = [a for a in ACTIONS if distance[step(cell, a)] == distance[cell] - 1]
    successor = greedy_successor(Q)
    successor[cell] = step(cell, ACTIONS[wrong])
    values = ", ".join(f"{action} {value:.4g}" for action, value in zip(ACTIONS, Q[i]))
    message = (f"With gamma = {gamma}, value iteration on your reward gives these values for the moves from "
               f"{cell}: {values}. The best, {ACTIONS[wrong]}, is not a step on a shortest way out "
               f"({' or '.join(right)} would be). Following the best moves from {cell}, the agent "
               f"{describe_path(rollout(successor, cell, EXIT))}.")
    if np.ptp(Q[i]) <= _tolerance(Q):
        message += (" All four moves are worth the same: does your reward still pay for reaching the exit? "
                    "Shaping terms alone make every behaviour equally good.")
    elif any(ACTIONS[a] in right for a in np.flatnonzero(Q[i] >= Q[i].max() - _tolerance(Q))):
        message += " (It ties with a right move; an agent may pick either, so a tie counts as wrong.)"
    return message


def _check_shortest(Q, gamma):
    distance, next_index, tol = steps_to_exit(), transitions(), _tolerance(Q)
    # look along the agent's path from the start first: the lesson's failures show up there
    on_path = list(dict.fromkeys(rollout(greedy_successor(Q), START, EXIT)))
    for cell in on_path + [cell for cell in CELLS if cell not in on_path]:
        if cell == EXIT:
            continue
        i = CELLS.index(cell)
        best = np.flatnonzero(Q[i] >= Q[i].max() - tol)
        wrong = [a for a in best if distance[CELLS[next_index[i, a]]] != distance[cell] - 1]
        if wrong:
            raise Incorrect(_explain_wrong_move(Q, i, wrong[0], gamma))


def check_my_reward(fn):
    for gamma in GAMMAS:
        R = _rewards(fn, gamma)
        try:
            _check_shortest(solve_room(R, gamma), gamma)
        except Incorrect as wrong:
            if gamma == GAMMAS[0]:
                raise
            raise Incorrect(f"{wrong} Your reward works for gamma = {GAMMAS[0]} but not for {gamma}: does it "
                            "use the `gamma` it is given?") from None
        _check_dense(R, gamma)
    return (f"Your reward is dense, and for every discount tested ({', '.join(map(str, GAMMAS))}) its optimal "
            f"policy takes a shortest way out from all {len(CELLS) - 1} cells, without loops.")


q1 = Question(
    check_rollout,
    hints=[
        "Keep the path in a list that starts as `[start]`, and the cells visited so far in a set.",
        "Loop while the last cell of the path is not the exit: look up the next cell in `successor` and append "
        "it. If that cell was visited before, stop right after appending it.",
        "Do not stop after a fixed number of moves: a path here can take 35 moves before it reaches the exit "
        "or repeats a cell, and the check compares the whole path.",
    ],
    solution=inspect.getsource(rollout),
    name="q1",
    notebook=NOTEBOOK,
    time_limit=2.0,
)

q2 = Question(
    check_my_reward,
    hints=[
        "Start from the true reward, +1 for the move into the exit, and add a term that pays more for moves "
        "that bring the agent closer to it.",
        "'+1 for getting closer' and '+1 closer, -1 farther' both fail (lesson sections 4 and 5). The safe form "
        "is `gamma * phi(next_state) - phi(state)` for some function phi of the cell (section 6).",
        "Try phi(cell) = -(|row - 5| + |col - 5|), the distance to the exit ignoring the wall with a minus sign. Keep "
        "the +1 for the exit: without it, every behaviour is equally good.",
    ],
    solution=inspect.getsource(my_reward),
    name="q2",
    notebook=NOTEBOOK,
    time_limit=2.0,
)
