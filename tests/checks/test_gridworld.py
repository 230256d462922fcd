"""Is there one grid-world module, with one value iteration, that the lessons' checks and demos share?"""
import inspect
import time

import numpy as np
import pytest

from course import gridworld
from course.checks import nb08_reinforcement_learning as checks08
from course.checks import nb09_ai_safety_specification_gaming as checks09
from course.demos import nb08_reinforcement_learning as demos08
from course.demos import nb09_ai_safety_specification_gaming as demos09
from course.gridworld import (
    CELLS,
    EXIT,
    INDEX,
    reward_table,
    room_transitions,
    solve_room,
    steps_to_exit,
    value_iteration,
)


def test_does_value_iteration_have_one_signature():
    assert list(inspect.signature(value_iteration).parameters) == ["T", "R", "gamma", "tol", "max_sweeps"]
    assert checks08.value_iteration is value_iteration


def test_does_lesson_09s_checker_take_its_room_from_the_shared_module_not_the_demo():
    assert "course.demos" not in inspect.getsource(checks09)
    assert checks09.rollout is gridworld.rollout and demos09.rollout is gridworld.rollout
    assert demos09.CELLS is CELLS and demos09.step is gridworld.step


@pytest.mark.parametrize("function", [checks08._check_values, checks08._check_policy, checks08._undiscounted_values,
                                      demos08.sweep_values, demos08.draw_sweep])
def test_does_every_bellman_sweep_use_the_shared_backup(function):
    assert "backup(T, R, " in inspect.getsource(function)


def test_is_the_exit_absorbing_and_every_other_move_one_cell():
    T = room_transitions()
    assert T.shape == (len(CELLS), 4, len(CELLS)) and np.all(T.sum(axis=2) == 1.0)
    assert np.all(T[INDEX[EXIT], :, INDEX[EXIT]] == 1.0)


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_is_the_true_reward_worth_gamma_to_the_moves_left_minus_one(gamma):
    Q = solve_room(reward_table(lambda state, action, next_state: float(next_state == EXIT)), gamma)
    distance = steps_to_exit()
    V = Q.max(axis=1)
    assert V[INDEX[EXIT]] == 0.0 and np.all(Q[INDEX[EXIT]] == 0.0)
    assert all(np.isclose(V[i], gamma ** (distance[cell] - 1)) for i, cell in enumerate(CELLS) if cell != EXIT)


def test_does_value_iteration_stop_even_when_the_values_overflow():
    R = np.full((len(CELLS), 4), 1e307)
    R[INDEX[EXIT]] = 0.0
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        solve_room(R, 0.99)
    assert time.perf_counter() - start < 10


def test_does_the_old_name_the_lesson_09_notebooks_import_still_solve_the_room():
    R = reward_table(demos09.potential_shaping)
    assert np.array_equal(demos09.value_iteration(R, 0.9), solve_room(R, 0.9))


def test_does_the_frozen_lake_model_live_in_the_grid_world_module():
    T, R = gridworld.frozen_lake_model()
    assert T.shape == (16, 4, 16) and np.allclose(T.sum(axis=2), 1.0) and R[14, 2] > 0
