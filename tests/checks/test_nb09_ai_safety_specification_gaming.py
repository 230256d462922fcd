"""Do the lesson 09 checks pass the reference and fail realistic mistakes for the right reason?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import numpy as np
import pytest

from course.checks import Incorrect
from course.checks.nb09_ai_safety_specification_gaming import GAMMAS, _check_shortest, my_reward, q1, q2
from course.gridworld import EXIT, reward_table, rollout, solve_room, steps_to_exit

# realistic wrong answers (with words their message must hold) and valid alternatives, per question;
# test_wrong_answer_counts.py holds every question to at least five and one
WRONG, VALID = {}, {}

# --- q1: rollout --------------------------------------------------------------------

def stops_before_the_repeat(successor, start, exit):
    path, seen = [start], {start}
    while path[-1] != exit:
        cell = successor[path[-1]]
        if cell in seen:
            break
        path.append(cell)
        seen.add(cell)
    return path


def fixed_horizon(successor, start, exit):
    path = [start]
    for _ in range(20):
        if path[-1] == exit:
            break
        path.append(successor[path[-1]])
    return path


def capped_at_twenty_moves(successor, start, exit):
    path, seen = [start], {start}
    while path[-1] != exit and len(path) <= 20:
        cell = successor[path[-1]]
        path.append(cell)
        if cell in seen:
            break
        seen.add(cell)
    return path


def without_the_start(successor, start, exit):
    return rollout(successor, start, exit)[1:] if start != exit else []


def without_the_exit(successor, start, exit):
    path = rollout(successor, start, exit)
    return path[:-1] if path[-1] == exit and len(path) > 1 else path


def one_step_past_the_exit(successor, start, exit):
    path = rollout(successor, start, exit)
    return path + [exit] if path[-1] == exit else path


def checks_the_path_itself(successor, start, exit):
    """`in` on the path list in place of a set of seen cells: slower, the same path."""
    path = [start]
    while path[-1] != exit:
        cell = successor[path[-1]]
        repeated = cell in path
        path.append(cell)
        if repeated:
            break
    return path


def recursive(successor, start, exit, seen=()):
    if start == exit or start in seen:
        return [start]
    return [start] + recursive(successor, successor[start], exit, seen + (start,))


VALID["q1"] = [checks_the_path_itself, recursive]


def test_does_the_reference_pass_q1():
    assert q1.check(rollout).status == "correct"


WRONG["q1"] = [
    (stops_before_the_repeat, "one move before the loop closes: end the path with the repeated cell (0, 1)"),
    (fixed_horizon, "visits (0, 1) a second time at position 3, then goes on"),
    (capped_at_twenty_moves, "stops at (3, 3) after 20 moves, before reaching the exit or a cell"),
    (without_the_start, "returned a path that begins with (0, 1); it should begin with start = (0, 0)"),
    (without_the_exit, "stops at (0, 1), one move before the exit: end the path with the exit (0, 2)"),
    (one_step_past_the_exit, "goes on after reaching the exit (0, 2) (position 2 of the path)"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_does_a_loop_check_that_only_sees_standing_still_get_stopped(monkeypatch):
    """Is a rollout that misses two-cell loops (and so never ends) stopped with a message?"""
    def only_notices_standing_still(successor, start, exit):
        path = [start]
        while path[-1] != exit:
            path.append(successor[path[-1]])
            if path[-1] == path[-2]:
                break
        return path

    monkeypatch.setattr(q1, "time_limit", 0.3)
    result = q1.check(only_notices_standing_still)
    assert result.status == "error" and "was still running after 0.3 s" in result.message


def test_does_walking_past_the_exit_report_the_key_error():
    """Is a rollout that forgets to stop at the exit told where it crashed?"""
    def never_checks_the_exit(successor, start, exit):
        path, seen = [start], {start}
        while True:
            path.append(successor[path[-1]])
            if path[-1] in seen:
                return path
            seen.add(path[-1])

    result = q1.check(never_checks_the_exit)
    assert result.status == "error" and "KeyError: (0, 2)" in result.message


@pytest.mark.parametrize("returned, words", [
    ({(0, 0), (0, 1)}, "expected a list of cells"),
    ("(0, 0) -> (0, 1)", "expected a list of cells"),
    ([(0, 0), "ab"], "a path containing 'ab'"),
    ([[0, 0], [0, 1, 2]], "a path containing [0, 1, 2]"),
])
def test_does_a_result_that_is_not_a_list_of_cells_get_a_message_q1(returned, words):
    result = q1.check(lambda successor, start, exit: returned)
    assert result.status == "incorrect" and words in result.message


def test_are_lists_and_numpy_pairs_accepted_as_cells():
    result = q1.check(lambda successor, start, exit: [list(c) for c in rollout(successor, start, exit)])
    assert result.status == "correct"
    result = q1.check(lambda successor, start, exit: [np.array(c) for c in rollout(successor, start, exit)])
    assert result.status == "correct"


def test_are_true_and_false_not_taken_for_rows_and_columns():
    def as_booleans(successor, start, exit):
        return [tuple(bool(v) if v in (0, 1) else v for v in cell) for cell in rollout(successor, start, exit)]
    result = q1.check(as_booleans)
    assert result.status == "incorrect" and "returned a path containing (False, False)" in result.message


def test_does_the_reference_find_the_lessons_dance():
    successor = {(0, 0): (0, 1), (0, 1): (1, 1), (1, 1): (0, 1)}
    assert rollout(successor, (0, 0), EXIT) == [(0, 0), (0, 1), (1, 1), (0, 1)]


# --- q2: my_reward ------------------------------------------------------------------

def distance(cell):
    return abs(cell[0] - 5) + abs(cell[1] - 5)


def exit_bonus(next_state, size=1.0):
    return size if next_state == (5, 5) else 0.0


def sparse_true_reward(state, action, next_state, gamma):
    return exit_bonus(next_state)


def minus_one_per_move(state, action, next_state, gamma):
    return -1.0


def progress_bonus(state, action, next_state, gamma):
    return 1.0 if distance(next_state) < distance(state) else 0.0


def near_exit_bonus(state, action, next_state, gamma):
    return exit_bonus(next_state) + (1.0 if distance(next_state) == 1 else 0.0)


def closeness(state, action, next_state, gamma):
    return 10.0 - distance(next_state)


def shaping_without_gamma(state, action, next_state, gamma):
    return exit_bonus(next_state) + distance(state) - distance(next_state)


def shaping_without_the_exit(state, action, next_state, gamma):
    return -gamma * distance(next_state) + distance(state)


def gamma_on_the_wrong_side(state, action, next_state, gamma):
    return exit_bonus(next_state) - distance(next_state) + gamma * distance(state)


def gamma_fixed_at_0_9(state, action, next_state, gamma):
    return exit_bonus(next_state) - 0.9 * distance(next_state) + distance(state)


def bonus_with_a_big_exit_reward(state, action, next_state, gamma):
    return exit_bonus(next_state, 10.0) + progress_bonus(state, action, next_state, gamma)


def patch_with_a_big_exit_reward(state, action, next_state, gamma):
    return exit_bonus(next_state, 10.0) + distance(state) - distance(next_state)


def test_does_the_reference_pass_q2():
    assert q2.check(my_reward).status == "correct"


def shaped_by(potential):
    """Potential-based shaping (Ng, Harada and Russell): any potential keeps the optimal policy."""
    def potential_shaped(state, action, next_state, gamma):
        return exit_bonus(next_state) + gamma * potential(next_state) - potential(state)
    return potential_shaped


TRUE_MOVES = steps_to_exit()
# the true distance, its negative, and the straight-line distance as potentials
VALID["q2"] = [shaped_by(lambda cell: -TRUE_MOVES[cell]), shaped_by(lambda cell: TRUE_MOVES[cell]),
               shaped_by(lambda cell: -float(np.hypot(cell[0] - 5, cell[1] - 5)))]


WRONG["q2"] = [
    # the lesson's failures: the dance next to the exit, hovering, and the trap behind the wall
    (progress_bonus, "moves from (4, 5): up 4.737, down 1, left 4.263, right 4.263. The best, up"),
    (near_exit_bonus, "agent gets stuck at (4, 5) after 0 steps and never exits"),
    (closeness, "agent gets stuck at (4, 5)"),
    (shaping_without_gamma, "from (3, 0), the agent gets stuck at (5, 3) after 5 steps"),
    (gamma_on_the_wrong_side, "the agent gets stuck at (5, 3)"),
    # forgetting the exit: every behaviour ties
    (shaping_without_the_exit, "All four moves are worth the same: does your reward still pay for reaching the exit?"),
    # right at gamma = 0.9 only
    (gamma_fixed_at_0_9, "works for gamma = 0.9 but not for 0.5: does it use the `gamma` it is given?"),
    (patch_with_a_big_exit_reward, "works for gamma = 0.9 but not for 0.5"),
    # right behaviour, but no hints
    (sparse_true_reward, "pays all four moves from (0, 0) the same (0)"),
    (minus_one_per_move, "pays all four moves from (0, 0) the same (-1)"),
    (bonus_with_a_big_exit_reward, "pays all four moves from (5, 3) the same (0)"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"])
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_is_the_big_exit_reward_only_a_lucky_patch():
    """Does 'progress bonus + 10 at the exit' behave at gamma = 0.9 but not at 0.99, as the exercise says?"""
    def at(gamma):
        return reward_table(lambda s, a, s_next: bonus_with_a_big_exit_reward(s, a, s_next, gamma))

    _check_shortest(solve_room(at(0.9), 0.9), 0.9)   # raises nothing: right behaviour at 0.9
    with pytest.raises(Incorrect, match="never exits"):
        _check_shortest(solve_room(at(0.99), 0.99), 0.99)

    def dense_bonus_with_a_big_exit_reward(state, action, next_state, gamma):
        bump = -0.1 if next_state == state else 0.0   # a small cost for running into the wall makes it dense
        return bonus_with_a_big_exit_reward(state, action, next_state, gamma) + bump

    result = q2.check(dense_bonus_with_a_big_exit_reward)
    assert result.status == "incorrect" and "works for gamma = 0.9 but not for" in result.message, result


def test_does_a_tie_between_a_right_and_a_wrong_move_count_as_wrong():
    """In (1, 0) the progress bonus values 'down' (a detour) exactly as much as 'right' (a shortest move)."""
    def bonus_that_pays_for_leaving(state, action, next_state, gamma):
        bump = -0.5 if next_state == state else 0.0
        return progress_bonus(state, action, next_state, gamma) + exit_bonus(next_state, 100.0) + bump

    result = q2.check(bonus_that_pays_for_leaving)
    assert result.status == "incorrect"
    assert "from (1, 0)" in result.message and "down 1.99" in result.message and "right 1.99" in result.message
    assert "(It ties with a right move; an agent may pick either, so a tie counts as wrong.)" in result.message


@pytest.mark.parametrize("returned, words", [
    ("1", "returned '1'; expected a reward: one number"),
    (float("nan"), "returned nan, not a finite number; expected a reward"),
    (float("inf"), "returned inf, not a finite number; expected a reward"),
    ([1.0, 2.0], "returned 2 values; expected a reward: one number"),
    (True, "returned True; expected a reward: one number"),
])
def test_does_a_reward_that_is_not_a_number_get_a_message_q2(returned, words):
    result = q2.check(lambda state, action, next_state, gamma: returned)
    assert result.status == "incorrect" and words in result.message


@pytest.mark.parametrize("as_number", [np.float32, lambda value: np.array([value])])
def test_are_numpy_numbers_accepted_as_rewards(as_number):
    """A reward is one number, whatever holds it: a numpy scalar, or an array of one (as everywhere in the course)."""
    result = q2.check(lambda state, action, next_state, gamma: as_number(my_reward(state, action, next_state, gamma)))
    assert result.status == "correct"


def test_is_a_reward_without_the_gamma_argument_told_why_it_cannot_be_called():
    result = q2.check(lambda state, action, next_state: 1.0)
    assert result.status == "error" and "takes 3 positional arguments but 4 were given" in result.message


def test_is_an_endless_reward_stopped(monkeypatch):
    def endless(state, action, next_state, gamma):
        while True:
            pass

    monkeypatch.setattr(q2, "time_limit", 0.3)
    result = q2.check(endless)
    assert result.status == "error" and "was still running after 0.3 s" in result.message


def test_is_a_crash_in_learner_code_reported_q2():
    result = q2.check(lambda state, action, next_state, gamma: {"up": 1}[action])
    assert result.status == "error" and "KeyError: 'down'" in result.message


def test_are_the_lessons_discount_and_two_others_tested():
    assert GAMMAS[0] == 0.9 and min(GAMMAS) <= 0.5 and max(GAMMAS) >= 0.99

