"""Does lesson 09's grid world move, solve and draw as the lesson says, and does its explorer redraw?"""
from functools import partial

import numpy as np
import pytest
from matplotlib.figure import Figure

from course.demos.nb09_ai_safety_specification_gaming import (
    DESIGNS,
    discounted_returns,
    draw_reward_design,
    plot_room,
    potential_shaping,
    reward_explorer,
    true_reward,
)
from course.gridworld import (
    CELLS,
    EXIT,
    INDEX,
    START,
    describe_path,
    greedy_policy,
    greedy_successor,
    manhattan,
    reward_table,
    rollout,
    shortest_exits,
    solve_room,
    step,
    steps_to_exit,
)


def solve(design, gamma=0.9):
    reward = partial(DESIGNS[design], gamma=gamma)
    return greedy_successor(solve_room(reward_table(reward), gamma))


def test_do_moves_stop_at_the_wall_and_the_edge():
    assert step((0, 0), "up") == (0, 0) and step((0, 0), "left") == (0, 0)
    assert step((5, 3), "right") == (5, 3)   # the wall fills column 4 from row 1 down
    assert step((0, 3), "right") == (0, 4) and step((0, 5), "down") == (1, 5)
    assert len(CELLS) == 31 and (3, 4) not in INDEX


def test_does_the_wall_make_distance_a_poor_measure_of_progress():
    moves = steps_to_exit()
    assert moves[START] == manhattan(START) == 10
    assert moves[(5, 3)] == 12 and manhattan((5, 3)) == 2
    assert moves[(5, 0)] == 15


def test_is_the_value_of_the_start_0_9_to_the_ninth_under_the_true_reward():
    Q = solve_room(reward_table(true_reward), 0.9)
    assert Q.max(axis=1)[INDEX[START]] == pytest.approx(0.9**9, abs=1e-12)
    assert np.all(Q[INDEX[EXIT]] == 0)


@pytest.mark.parametrize("design, gamma, cells", [
    ("true reward: +1 at the exit", 0.9, 30),
    ("progress bonus: +1 closer", 0.9, 0),
    ("patched: +1 closer, -1 farther", 0.9, 18),
    ("patched: +1 closer, -1 farther", 0.95, 30),   # the trap depends on the discount
    ("potential-based shaping", 0.9, 30),
    ("potential-based shaping", 0.5, 30),
    ("bonus for ending next to the exit", 0.9, 0),
])
def test_are_the_lessons_counts_of_shortest_exits_reproduced(design, gamma, cells):
    assert shortest_exits(solve(design, gamma)) == cells


def test_does_the_progress_bonus_dance_next_to_the_exit():
    path = rollout(solve("progress bonus: +1 closer"), START, EXIT)
    assert path[-3:] == [(3, 5), (4, 5), (3, 5)]
    assert describe_path(path) == "circles through (3, 5), (4, 5) from step 8 on and never exits"


def test_does_the_patch_trap_the_agent_behind_the_wall():
    path = rollout(solve("patched: +1 closer, -1 farther"), (5, 3), EXIT)
    assert describe_path(path) == "gets stuck at (5, 3) after 0 steps and never exits"
    assert describe_path(rollout(solve("true reward: +1 at the exit"), (5, 3), EXIT)) == \
        "reaches the exit in 12 steps (the shortest path)"


def test_is_shaping_the_true_value_minus_the_potential():
    """Ng, Harada and Russell: Q_shaped(s, a) = Q(s, a) - phi(s), here with phi = -distance."""
    for gamma in (0.5, 0.9, 0.99):
        Q_true = solve_room(reward_table(true_reward), gamma)
        Q_shaped = solve_room(reward_table(partial(potential_shaping, gamma=gamma)), gamma)
        phi = -np.array([manhattan(cell) for cell in CELLS], dtype=float)
        inside = [i for i, cell in enumerate(CELLS) if cell != EXIT]
        assert np.abs(Q_shaped - (Q_true - phi[:, None]))[inside].max() < 1e-9


def test_does_a_detour_say_how_long_the_shortest_path_is():
    detour = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert describe_path(detour) == "reaches the exit in 12 steps (the shortest takes 10)"


def test_do_the_returns_add_up_along_the_path():
    successor = solve("true reward: +1 at the exit")
    returns = discounted_returns(successor, true_reward, 0.9, START, steps=12)
    assert len(returns) == 13 and returns[9] == 0 and returns[10] == pytest.approx(0.9**9)
    assert returns[-1] == returns[10]   # nothing more after the exit
    bonus = discounted_returns(solve("progress bonus: +1 closer"), DESIGNS["progress bonus: +1 closer"], 0.9, START)
    assert bonus[-1] > (1 - 0.9**10) / (1 - 0.9)   # dancing beats the 6.51 of walking out


def test_does_the_room_show_the_wall_arrows_and_the_loop():
    ax = Figure().subplots()
    policy = greedy_policy(solve_room(reward_table(true_reward), 0.9))
    plot_room(ax, arrows=policy, path=[(0, 0), (0, 1), (0, 0)], numbers={(1, 1): 7})
    assert len(ax.patches) == 5 + 2          # five wall cells, the exit and the start
    assert len(ax.collections[0].U) == 30    # one arrow per cell but the exit
    ring = ax.lines[-1]
    assert list(ring.get_xdata()) == [0, 1] and ring.get_markersize() == 16
    assert any(text.get_text() == "7" for text in ax.texts)
    assert ax.get_ylim()[0] > ax.get_ylim()[1]   # row 0 at the top
    assert ax.get_xlabel() == "column" and ax.get_ylabel() == "row"


def test_is_there_no_ring_when_the_agent_gets_out():
    ax = Figure().subplots()
    plot_room(ax, path=[(4, 5), (5, 5)])
    assert len(ax.lines) == 1


@pytest.mark.parametrize("design, words", [
    ("true reward: +1 at the exit", "from (0, 0) the agent reaches the exit in 10 steps (the shortest path)"),
    ("progress bonus: +1 closer", "circles through (3, 5), (4, 5) from step 8 on and never exits"),
    ("bonus for ending next to the exit", "gets stuck at (4, 5) after 9 steps"),
])
def test_does_the_caption_say_what_the_agent_does(design, words):
    fig = Figure()
    caption = draw_reward_design(fig, design)
    assert words in caption
    left, right = fig.axes
    assert len(right.lines) == 2 and right.get_xlabel() == "step" and left.get_title()


def test_does_the_explorer_redraw_for_a_new_design_gamma_and_start():
    explorer = reward_explorer()
    assert "progress bonus" in explorer.caption.value and "0 of 30 cells" in explorer.caption.value
    explorer.controls["design"].value = "patched: +1 closer, -1 farther"
    explorer.controls["start"].value = (5, 3)
    assert "gets stuck at (5, 3)" in explorer.caption.value and "18 of 30 cells" in explorer.caption.value
    explorer.controls["gamma"].value = 0.95
    assert "reaches the exit in 12 steps" in explorer.caption.value and "30 of 30" in explorer.caption.value
