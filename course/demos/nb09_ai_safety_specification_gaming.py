"""Lesson 09's demos: five reward designs for the room, and an explorer of what each asks for.

The room itself (cells, moves, value iteration, rollouts) lives in course/gridworld.py,
which the exercise checker imports too.
"""
from __future__ import annotations

from functools import partial

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from course.controls import float_slider
from course.explore import Explorer
from course.gridworld import (
    CELLS,
    EXIT,
    SIZE,
    START,
    WALL,
    describe_path,
    greedy_policy,
    manhattan,
    reward_table,
    rollout,
    shortest_exits,
    solve_room,
    step,
)

GAMMA = 0.9

# The name solutions/09 and exercises/09 import for solving the room: value_iteration(R, gamma) -> Q.
# The one value_iteration is course.gridworld's (T, R, gamma); drop this alias once they use solve_room.
value_iteration = solve_room


# Reward designs: reward(state, action, next_state, gamma) for one move.
def true_reward(state, action, next_state, gamma=GAMMA):
    """+1 for stepping into the exit, 0 otherwise: what the designer really wants."""
    return 1.0 if next_state == EXIT else 0.0


def progress_bonus(state, action, next_state, gamma=GAMMA):
    """+1 whenever the distance to the exit (ignoring the wall) drops."""
    return 1.0 if manhattan(next_state) < manhattan(state) else 0.0


def patched_bonus(state, action, next_state, gamma=GAMMA):
    """The true reward, +1 for getting closer and -1 for getting farther: shaping without gamma."""
    return true_reward(state, action, next_state) + manhattan(state) - manhattan(next_state)


def potential_shaping(state, action, next_state, gamma=GAMMA):
    """The true reward plus gamma * phi(next_state) - phi(state), with phi = -distance."""
    return true_reward(state, action, next_state) - gamma * manhattan(next_state) + manhattan(state)


def near_exit_bonus(state, action, next_state, gamma=GAMMA):
    """The true reward plus +1 for every move that ends next to the exit."""
    return true_reward(state, action, next_state) + (1.0 if manhattan(next_state) == 1 else 0.0)


DESIGNS = {
    "true reward: +1 at the exit": true_reward,
    "progress bonus: +1 closer": progress_bonus,
    "patched: +1 closer, -1 farther": patched_bonus,
    "potential-based shaping": potential_shaping,
    "bonus for ending next to the exit": near_exit_bonus,
}


def discounted_returns(successor, reward, gamma: float, start, steps: int = 30) -> np.ndarray:
    """Return the running discounted sum of `reward` over the first `steps` moves from start (flat after the exit)."""
    cell, total, running = start, 0.0, [0.0]
    for t in range(steps):
        if cell != EXIT:
            nxt = successor[cell]
            total += gamma**t * reward(cell, None, nxt)
            cell = nxt
        running.append(total)
    return np.array(running)


ARROWS = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}   # (dx, dy) with rows drawn downwards


def plot_room(ax, wall=WALL, exit=EXIT, start=START, size=SIZE, arrows=None, path=None, numbers=None):
    """Draw the room (wall, start, exit), arrows {cell: move}, a path of cells and numbers {cell: text}; return ax."""
    for (r, c), colour in [*((cell, "0.25") for cell in wall), (exit, "#a5d6a7"), (start, "#bbdefb")]:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, color=colour, zorder=0))
    for (r, c), label in [(exit, "exit"), (start, "start")]:
        ax.text(c, r + 0.32, label, ha="center", va="center", fontsize=9)
    if arrows:
        cells, directions = list(arrows), np.array([ARROWS[a] for a in arrows.values()])
        ax.quiver([c for _, c in cells], [r for r, _ in cells], directions[:, 0], directions[:, 1], color="0.45",
                  angles="xy", scale_units="xy", scale=2.2, pivot="middle", width=0.006)
    for (r, c), text in (numbers or {}).items():
        ax.text(c, r, str(text), ha="center", va="center", fontsize=9)
    if path:
        _plot_path(ax, path, exit)
    return _grid_axes(ax, size)


PATH_OFFSET = 0.3   # the path runs up and right of the cell centres, clear of the numbers and arrows drawn there


def _plot_path(ax, path, exit):
    ax.plot([c + PATH_OFFSET for _, c in path], [r - PATH_OFFSET for r, _ in path], "-o", color="tab:orange",
            lw=2.5, ms=4, alpha=0.85)
    if path[-1] != exit:   # the path closes a loop: ring the cells it repeats for ever
        loop = list(dict.fromkeys(path[path.index(path[-1]):]))
        ax.plot([c for _, c in loop], [r for r, _ in loop], "o", ms=16, mfc="none", mec="tab:red", mew=2)


def _grid_axes(ax, size):
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)   # row 0 at the top, as the cells are written (row, col)
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.set_xticks(np.arange(size + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(size + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="0.85")
    ax.tick_params(which="minor", length=0)
    ax.set(xlabel="column", ylabel="row", aspect="equal")
    return ax


def draw_reward_design(fig, design: str, gamma: float = GAMMA, start=START) -> str:
    """Draw the best moves under one reward design and the path from start; return a caption."""
    reward = partial(DESIGNS[design], gamma=gamma)
    policy = greedy_policy(solve_room(reward_table(reward), gamma))
    successor = {cell: step(cell, action) for cell, action in policy.items()}
    path = rollout(successor, start, EXIT)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.2])
    plot_room(left, start=start, arrows=policy, path=path)
    left.set_title("best move from every cell", fontsize=10)
    right.plot(discounted_returns(successor, reward, gamma, start), color="tab:blue", label="the reward it was given")
    right.plot(discounted_returns(successor, true_reward, gamma, start), "--", color="tab:green",
               label="the true reward (+1 at the exit)")
    right.set_title("what the agent collects along its path", fontsize=10)
    right.set_xlabel("step")
    right.set_ylabel("discounted return so far")
    right.legend(fontsize=9)
    return (f"{design}, gamma = {gamma:.2f}: from {start} the agent {describe_path(path)}. "
            f"It exits by a shortest path from {shortest_exits(successor)} of {len(successor)} cells.")


def reward_explorer(design: str = "progress bonus: +1 closer", gamma: float = GAMMA, start=START) -> Explorer:
    """Return an explorer: choose a reward design, a discount and a start cell; see the policy it asks for."""
    starts = [(str(cell), cell) for cell in CELLS if cell != EXIT]
    controls = {
        "design": widgets.Dropdown(options=list(DESIGNS), value=design, description="reward"),
        "gamma": float_slider(gamma, 0.5, 0.99, 0.01, "gamma"),
        "start": widgets.Dropdown(options=starts, value=start, description="start"),
    }
    return Explorer(draw_reward_design, controls, figsize=(9, 3.6), title="what each reward asks for")
