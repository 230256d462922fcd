"""Do lesson 08's lake drawings, value-iteration slider and Q-learning curves show what the lesson says?"""
import gymnasium as gym
import numpy as np
import pytest
from matplotlib.figure import Figure

from course.demos.nb08_reinforcement_learning import (
    describe_runs,
    draw_sweep,
    learning_curve_explorer,
    moving_average,
    plot_lake,
    plot_learning_curves,
    q_learning_runs,
    success_within,
    sweep_explorer,
    sweep_values,
)
from course.gridworld import frozen_lake_model, value_iteration

DESC = np.array([list("SFFF"), list("FHFH"), list("FFFH"), list("HFFG")])
TERMINAL = np.isin(DESC.ravel(), ["H", "G"])
T, R = frozen_lake_model()


T_STEADY, R_STEADY = frozen_lake_model(is_slippery=False)


def test_does_the_map_show_every_tile_its_number_and_labelled_axes():
    ax = plot_lake(Figure().subplots(), DESC)
    labels = [t.get_text() for t in ax.texts]
    assert labels[0] == "S0" and labels[5] == "H5" and labels[15] == "G15" and len(labels) == 16
    assert ax.get_xlabel() == "column" and ax.get_ylabel() == "row"


def test_are_arrows_drawn_only_on_open_tiles_that_are_decided():
    policy = np.zeros(16, dtype=int)
    decided = np.zeros(16, dtype=bool)
    decided[[0, 5, 14]] = True               # 5 is a hole: it never gets an arrow
    ax = plot_lake(Figure().subplots(), DESC, values=np.linspace(0, 1, 16), policy=policy, decided=decided)
    assert len(ax.patches) - int(TERMINAL.sum()) == 2
    assert ax.texts[1].get_text() == "F1\n0.07"


def test_is_the_success_probability_exact_for_a_path_by_hand():
    right_then_down = np.array([2, 2, 1, 0, 0, 0, 1, 0, 0, 2, 1, 0, 0, 2, 2, 0])   # 0 1 2 6 10 14 15
    assert success_within(T_STEADY, right_then_down) == pytest.approx(1.0)
    assert success_within(T_STEADY, right_then_down, horizon=5) == 0.0           # six steps are needed
    assert success_within(T_STEADY, np.zeros(16, dtype=int)) == 0.0              # always left: stuck at 0


def test_does_the_optimal_slippery_policy_reach_the_lessons_0_740():
    _, policy = value_iteration(T, R, 0.99)
    assert success_within(T, policy) == pytest.approx(0.7402, abs=1e-4)


def test_do_the_sweeps_spread_value_back_from_the_goal_one_step_at_a_time():
    history = sweep_values(T, R, 0.99, 600)
    assert history[5][0] == 0.0 and history[6][0] > 0.0                 # the start is 6 steps from the goal
    assert np.allclose(history[-1], value_iteration(T, R, 0.99)[0], atol=1e-6)


@pytest.mark.parametrize("sweep, words", [
    (0, "After 0 sweep(s): V(start) = 0.000 (converged: 0.542); arrows on 1 of 11 open tiles"),
    (44, "with probability 0.730."),
    (45, "with probability 0.740."),
])
def test_does_the_caption_follow_the_policy_sweep_by_sweep(sweep, words):
    history = np.vstack([sweep_values(T, R, 0.99, 60), sweep_values(T, R, 0.99, 1000)[-1]])
    assert words in draw_sweep(Figure(), sweep, DESC, T, R, 0.99, history)


def test_does_the_sweep_slider_redraw():
    explorer = sweep_explorer(DESC, T, R, sweep=10)
    assert "After 10 sweep(s)" in explorer.caption.value and explorer.png
    explorer.controls["sweep"].value = 45
    assert explorer.caption.value.startswith("After 45 sweep(s)") and "0.740." in explorer.caption.value


def gymnasium_q_learning(seed, episodes, epsilon, alpha, gamma=0.95):
    """The lesson's Q-learning loop, stepping Gymnasium itself: the demo must reproduce it exactly."""
    env, rng, Q = gym.make("FrozenLake-v1", is_slippery=False), np.random.default_rng(seed), np.zeros((16, 4))
    rewards = []
    for _ in range(episodes):
        s, _ = env.reset()
        done = False
        while not done:
            best = np.flatnonzero(Q[s] == Q[s].max())
            a = int(rng.integers(4)) if rng.random() < epsilon else int(best[rng.integers(len(best))])
            s_next, r, terminated, truncated, _ = env.step(a)
            Q[s, a] += alpha * ((r if terminated else r + gamma * Q[s_next].max()) - Q[s, a])
            s, done = s_next, terminated or truncated
        rewards.append(r)
    return np.array(rewards), Q[0].max()


@pytest.mark.parametrize("epsilon, alpha", [(0.1, 0.5), (0.3, 0.2)])
def test_does_the_fast_q_learning_match_gymnasium_step_for_step(epsilon, alpha):
    successes, _, start_values = q_learning_runs(T_STEADY, R_STEADY, TERMINAL, epsilon, alpha,
                                                 episodes=150, seeds=[0, 3])
    for row, value, seed in zip(successes, start_values, [0, 3]):
        rewards, start_value = gymnasium_q_learning(seed, 150, epsilon, alpha)
        assert np.array_equal(row, rewards) and value == start_value


def test_are_the_lessons_first_solved_episodes_reproduced():
    successes, solved, start_values = q_learning_runs(T_STEADY, R_STEADY, TERMINAL, 0.1, 0.5)
    assert sorted(int(np.argmax(row > 0.5)) + 1 for row in solved) == [62, 64, 96, 106, 176]
    assert np.allclose(start_values, 0.95**5)
    assert describe_runs(successes, solved, start_values).startswith(
        "the greedy policy reaches the goal for 5 of 5 seeds (first at episodes 62 to 176)")


def test_is_the_moving_average_right_by_hand():
    assert np.allclose(moving_average(np.array([[0, 1, 1, 0, 1.0]]), 2), [[0.5, 1, 0.5, 0.5]])


def test_do_the_curves_show_a_mean_and_a_band_with_labelled_axes():
    successes = np.array([[0, 0, 1, 1, 1, 1.0], [0, 1, 0, 1, 1, 1.0]])
    solved = np.array([[0, 0, 1, 1, 1, 1.0], [0, 0, 0, 0, 1, 1.0]])
    left, right = plot_learning_curves(Figure().subplots(1, 2), successes, solved, window=2)
    assert np.allclose(left.lines[0].get_ydata(), [0, 0, 0.5, 0.5, 1, 1])
    assert list(left.lines[1].get_xdata()) == [3, 5]                  # ticks where each seed is first solved
    assert len(right.collections) == 1 and np.allclose(right.lines[0].get_ydata(), [0.25, 0.5, 0.75, 1, 1])
    assert all(ax.get_xlabel() == "episode" and ax.get_ylabel() and ax.get_title() for ax in (left, right))


def test_do_the_sliders_rerun_q_learning():
    explorer = learning_curve_explorer(T_STEADY, R_STEADY, TERMINAL, epsilon=0.1, alpha=0.5)
    assert "over the last 100 training episodes 89% reached the goal" in explorer.caption.value
    explorer.controls["epsilon"].value = 0.5
    assert "epsilon 0.50" in explorer.caption.value and "36% reached the goal" in explorer.caption.value
    explorer.controls["alpha"].value = 0.05
    assert "learned V(start) 0.7" not in explorer.caption.value   # too slow to reach 0.774 in 300 episodes
