"""The course's grid worlds, and one value iteration for all of them.

Lesson 08 solves FrozenLake given as arrays T[s, a, s'] and R[s, a]; lesson 09's room (6x6,
a wall, an exit) is written the same way by `room_transitions`. Both lessons' checks and
demos import from here, so each piece has one home:

    V, policy = value_iteration(T, R, gamma)      # any MDP given as arrays
    Q = solve_room(reward_table(reward), gamma)   # lesson 09's room under a reward(state, action, next_state)
"""
from __future__ import annotations

from collections import deque

import numpy as np


def backup(T, R, gamma, V):
    """Return Q[s, a] = R[s, a] + gamma * sum over s' of T[s, a, s'] V[s']: one Bellman backup."""
    return R + gamma * T @ V


def value_iteration(T, R, gamma, tol=1e-10, max_sweeps=20_000):
    """Return (V, policy): sweep V <- max_a (R + gamma T V) until no value changes by tol, then act greedily."""
    V = np.zeros(len(R))
    # a cap, so that values that overflow to inf and then NaN (which never pass the test) cannot loop for ever
    for _ in range(max_sweeps):
        Q = R + gamma * T @ V
        V_new = Q.max(axis=1)
        if np.abs(V_new - V).max() < tol:
            break
        V = V_new
    return V_new, Q.argmax(axis=1)


def frozen_lake_model(is_slippery: bool = True):
    """Return T and R of Gymnasium's FrozenLake-v1 (4x4), slippery unless told otherwise."""
    import gymnasium as gym

    P = gym.make("FrozenLake-v1", is_slippery=is_slippery).unwrapped.P
    T, R = np.zeros((16, 4, 16)), np.zeros((16, 4))
    for s in range(16):
        for a in range(4):
            for prob, s_next, reward, _ in P[s][a]:
                T[s, a, s_next] += prob
                R[s, a] += prob * reward
    return T, R


# --- lesson 09's room ---------------------------------------------------------------

SIZE = 6
START, EXIT = (0, 0), (5, 5)
WALL = frozenset((row, 4) for row in range(1, 6))   # the exit sits behind it: only row 0 leads around
MOVES = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
ACTIONS = tuple(MOVES)
CELLS = tuple((r, c) for r in range(SIZE) for c in range(SIZE) if (r, c) not in WALL)
INDEX = {cell: i for i, cell in enumerate(CELLS)}


def step(cell, action):
    """Return the cell a move leads to; into the wall or off the grid, the agent stays where it is."""
    (r, c), (dr, dc) = cell, MOVES[action]
    return (r + dr, c + dc) if (r + dr, c + dc) in INDEX else cell


def manhattan(cell) -> int:
    """Return the distance to the exit as if there were no wall."""
    return abs(cell[0] - EXIT[0]) + abs(cell[1] - EXIT[1])


def steps_to_exit() -> dict:
    """Return {cell: fewest moves to the exit}, by breadth-first search outwards from the exit."""
    # every move here can be undone, so "b is one move from a" works in both directions
    distance, queue = {EXIT: 0}, deque([EXIT])
    while queue:
        cell = queue.popleft()
        for action in ACTIONS:
            neighbour = step(cell, action)
            if neighbour not in distance:
                distance[neighbour] = distance[cell] + 1
                queue.append(neighbour)
    return distance


def transitions() -> np.ndarray:
    """Return next_index[s, a]: the index in CELLS of the cell that action a leads to from cell s."""
    return np.array([[INDEX[step(cell, action)] for action in ACTIONS] for cell in CELLS])


def room_transitions() -> np.ndarray:
    """Return T[s, a, s'] of the room: every move leads to one cell, and the exit leads nowhere else."""
    T = np.zeros((len(CELLS), len(ACTIONS), len(CELLS)))
    for i, row in enumerate(transitions()):
        T[i, np.arange(len(ACTIONS)), row] = 1.0
    T[INDEX[EXIT]] = 0.0
    T[INDEX[EXIT], :, INDEX[EXIT]] = 1.0   # the episode is over: the exit's value stays 0
    return T


def reward_table(reward) -> np.ndarray:
    """Return R[s, a] = reward(cell, action, next cell); the exit's row stays 0 (the episode is over)."""
    R = np.zeros((len(CELLS), len(ACTIONS)))
    for i, cell in enumerate(CELLS):
        if cell != EXIT:
            R[i] = [reward(cell, action, step(cell, action)) for action in ACTIONS]
    return R


def solve_room(R, gamma: float, tol: float = 1e-12) -> np.ndarray:
    """Return Q[s, a] in the room for rewards R (from reward_table), by value iteration."""
    T = room_transitions()
    # rewards may be huge or tiny: converge relative to their size
    V, _ = value_iteration(T, R, gamma, tol * max(1.0, float(np.abs(R).max())))
    return backup(T, R, gamma, V)


def greedy_policy(Q) -> dict:
    """Return {cell: move}: the first best move in every cell but the exit."""
    return {cell: ACTIONS[int(np.argmax(Q[i]))] for i, cell in enumerate(CELLS) if cell != EXIT}


def greedy_successor(Q) -> dict:
    """Return {cell: next cell} when the agent takes its first best move from every cell but the exit."""
    return {cell: step(cell, action) for cell, action in greedy_policy(Q).items()}


def rollout(successor, start, exit):
    """Return the cells visited from start: up to the exit, or up to the first cell visited twice."""
    path, seen = [start], {start}
    while path[-1] != exit:
        cell = successor[path[-1]]
        path.append(cell)
        if cell in seen:
            break
        seen.add(cell)
    return path


def describe_path(path) -> str:
    """Return what a rollout does, in words: how it reaches the exit, or where it loops."""
    if path[-1] == EXIT:
        shortest = steps_to_exit()[path[0]]
        extra = "the shortest path" if len(path) - 1 == shortest else f"the shortest takes {shortest}"
        return f"reaches the exit in {len(path) - 1} steps ({extra})"
    first = path.index(path[-1])
    cycle = path[first:-1]
    if len(cycle) == 1:
        return f"gets stuck at {cycle[0]} after {first} steps and never exits"
    return f"circles through {', '.join(map(str, cycle))} from step {first} on and never exits"


def shortest_exits(successor) -> int:
    """Return from how many cells (the exit aside) the agent reaches the exit by a shortest path."""
    distance = steps_to_exit()
    paths = [rollout(successor, cell, EXIT) for cell in successor]
    return sum(p[-1] == EXIT and len(p) - 1 == distance[p[0]] for p in paths)
