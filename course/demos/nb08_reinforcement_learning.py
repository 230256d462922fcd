"""Lesson 08's demos: FrozenLake drawn with matplotlib, value iteration sweep by sweep, Q-learning over seeds."""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from course.controls import float_slider, int_slider
from course.explore import Explorer
from course.gridworld import backup

ACTIONS = ("left", "down", "right", "up")           # FrozenLake's action numbers 0, 1, 2, 3
STEPS = ((0, -1), (1, 0), (0, 1), (-1, 0))           # (row, column) change of each action
TILES = {"S": "#cfe8fc", "F": "#eef6fb", "H": "#37474f", "G": "#ffd54f"}
HORIZON = 100                                        # FrozenLake-v1 ends an episode after 100 steps


def text_colour(fill) -> str:
    """Return "black" or "white", whichever reads better on a cell of colour `fill`."""
    linear = [(v / 12.92) if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in to_rgb(fill)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def plot_lake(ax, desc, values=None, policy=None, decided=None):
    """Draw the map's tiles (or `values` as colour), the policy's arrows where `decided`; return ax."""
    desc = np.asarray(desc).astype(str)
    rows, cols = desc.shape
    top = 1.0 if values is None else max(1e-9, float(np.max(values)))
    shade = np.zeros((rows, cols)) if values is None else np.asarray(values, dtype=float).reshape(rows, cols)
    cmap = colormaps["Blues"]
    ax.imshow(shade, cmap=cmap, vmin=0, vmax=top)
    for (r, c), letter in np.ndenumerate(desc):
        s = r * cols + c
        if letter in "HG" or values is None:   # holes and goal keep their own colour
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, color=TILES[letter]))
            fill = TILES[letter]
        else:
            fill = cmap(shade[r, c] / top)
        label = f"{letter}{s}" if values is None or letter in "HG" else f"{letter}{s}\n{shade[r, c]:.2f}"
        ax.text(c - 0.45, r - 0.45, label, fontsize=9, va="top", ha="left", color=text_colour(fill))
        if policy is not None and letter in "SF" and (decided is None or decided[s]):
            dr, dc = STEPS[int(policy[s])]
            # a white rim keeps the red arrow visible on every shade of blue, in greyscale too
            ax.arrow(c - 0.2 * dc, r - 0.2 * dr + 0.15, 0.4 * dc, 0.4 * dr, width=0.04, facecolor="tab:red",
                     edgecolor="white", linewidth=0.8, length_includes_head=True, head_width=0.18)
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    return ax


def success_within(T, policy, start=0, goal=15, horizon=HORIZON) -> float:
    """Return the probability that `policy` reaches `goal` from `start` within `horizon` steps."""
    T_pi = np.asarray(T)[np.arange(len(policy)), np.asarray(policy)]   # the goal must be absorbing
    return float(np.linalg.matrix_power(T_pi, horizon)[start, goal])


def sweep_values(T, R, gamma, sweeps):
    """Return V after 0, 1, ..., `sweeps` sweeps of value iteration from V = 0, one row each."""
    history = [np.zeros(len(R))]
    for _ in range(sweeps):
        history.append(backup(T, R, gamma, history[-1]).max(axis=1))
    return np.array(history)


def draw_sweep(fig, sweep, desc, T, R, gamma, history) -> str:
    """Draw the values and greedy policy after `sweep` sweeps; return a caption."""
    V = history[sweep]
    Q = backup(T, R, gamma, V)
    open_tiles = np.isin(np.asarray(desc).astype(str).ravel(), ["S", "F"])
    decided = open_tiles & (Q.max(axis=1) - Q.min(axis=1) > 1e-12)   # no arrow where all actions look alike
    ax = fig.subplots()
    plot_lake(ax, desc, values=V, policy=Q.argmax(axis=1), decided=decided)
    ax.set_title(f"Values and greedy policy after {sweep} sweep(s)")
    return (f"After {sweep} sweep(s): V(start) = {V[0]:.3f} (converged: {history[-1][0]:.3f}); arrows on "
            f"{int(decided.sum())} of {int(open_tiles.sum())} open tiles; the greedy policy reaches the goal "
            f"within {HORIZON} steps with probability {success_within(T, Q.argmax(axis=1)):.3f}.")


def sweep_explorer(desc, T, R, gamma=0.99, sweep=10, max_sweeps=60, converged_after=1000) -> Explorer:
    """Return an explorer with a slider over value-iteration sweeps."""
    history = sweep_values(T, R, gamma, max_sweeps)
    history = np.vstack([history, sweep_values(T, R, gamma, converged_after)[-1]])
    slider = int_slider(sweep, 0, max_sweeps, "sweeps", continuous_update=False)

    def draw(fig, sweep):
        return draw_sweep(fig, sweep, desc, T, R, gamma, history)

    return Explorer(draw, {"sweep": slider}, figsize=(4.6, 4.2), title="value iteration, sweep by sweep")


def q_learning_run(T, R, terminal, epsilon, alpha, gamma, episodes, seed):
    """Return each episode's reward, the greedy policy's success after it, and the final max Q(0, a)."""
    landing = np.asarray(T).argmax(axis=2)      # deterministic map: the one state each action leads to
    rng, Q = np.random.default_rng(seed), np.zeros(np.shape(R))
    won, greedy = np.zeros(episodes), np.zeros(episodes)
    for episode in range(episodes):
        s, r = 0, 0.0                           # FrozenLake starts in state 0
        for _ in range(HORIZON):
            if rng.random() < epsilon:
                a = int(rng.integers(Q.shape[1]))
            else:
                best = np.flatnonzero(Q[s] == Q[s].max())
                a = int(best[rng.integers(len(best))])
            s_next, r = landing[s, a], R[s, a]
            target = r if terminal[s_next] else r + gamma * Q[s_next].max()
            Q[s, a] += alpha * (target - Q[s, a])
            s = s_next
            if terminal[s]:
                break
        won[episode], greedy[episode] = r, success_within(T, Q.argmax(axis=1))
    return won, greedy, Q[0].max()


def q_learning_runs(T, R, terminal, epsilon, alpha, gamma=0.95, episodes=300, seeds=range(5)):
    """Return (successes, solved, start values) of the lesson's Q-learning loop, one row per seed."""
    runs = [q_learning_run(T, R, terminal, epsilon, alpha, gamma, episodes, seed) for seed in seeds]
    return tuple(np.array(part) for part in zip(*runs))


def moving_average(x, window):
    """Return the mean of each run of `window` consecutive entries along the last axis."""
    sums = np.cumsum(np.pad(x, [(0, 0)] * (np.ndim(x) - 1) + [(1, 0)]), axis=-1)
    return (sums[..., window:] - sums[..., :-window]) / window


def plot_learning_curves(axes, successes, solved, window=20):
    """Draw greedy success and smoothed training success over seeds (mean, and range as a band)."""
    left, right = axes
    episodes = np.arange(1, successes.shape[1] + 1)
    left.step(episodes, solved.mean(axis=0), where="post", color="tab:blue", label="mean over seeds")
    firsts = [int(np.argmax(row > 0.5)) + 1 for row in solved if row.max() > 0.5]
    left.plot(firsts, np.full(len(firsts), -0.04), "|", color="black", markersize=10, label="first solved, per seed")
    left.set(title="Greedy policy reaches the goal", xlabel="episode", ylabel=f"success, mean over {len(solved)} seeds")
    left.legend(fontsize=9, loc="center right")   # right of the last first-success, above the ticks
    smooth = moving_average(successes, window)
    x = episodes[window - 1:]
    right.fill_between(x, smooth.min(axis=0), smooth.max(axis=0), alpha=0.3, label="range over seeds")
    right.plot(x, smooth.mean(axis=0), color="tab:blue", label="mean over seeds")
    right.set(title="Training episodes, while exploring", xlabel="episode",
              ylabel=f"reached the goal ({window}-episode mean)", ylim=(-0.08, 1.3), yticks=np.linspace(0, 1, 6))
    right.legend(fontsize=9, loc="upper center", ncol=2)   # in the headroom above 1, clear of the band
    return axes


def describe_runs(successes, solved, start_values) -> str:
    """Return a one-sentence summary of Q-learning runs over seeds."""
    firsts = [int(np.argmax(row > 0.5)) + 1 for row in solved if row.max() > 0.5]
    when = f" (first at episodes {min(firsts)} to {max(firsts)})" if firsts else ""
    late = successes[:, -100:].mean(axis=1)
    return (f"the greedy policy reaches the goal for {int((solved[:, -1] > 0.5).sum())} of {len(solved)} seeds"
            f"{when}; over the last 100 training episodes {late.mean():.0%} reached the goal (seeds: "
            f"{late.min():.0%} to {late.max():.0%}); learned V(start) {start_values.mean():.3f}")


def learning_curve_explorer(T, R, terminal, epsilon=0.1, alpha=0.5, gamma=0.95, episodes=300, seed=0) -> Explorer:
    """Return an explorer whose epsilon and learning-rate sliders rerun Q-learning on seeds seed, ..., seed + 4."""
    controls = {
        "epsilon": float_slider(epsilon, 0.0, 0.5, 0.05, "epsilon", continuous_update=False),
        "alpha": float_slider(alpha, 0.05, 1.0, 0.05, "learning rate", continuous_update=False),
    }

    def draw(fig, epsilon, alpha):
        runs = q_learning_runs(T, R, terminal, epsilon, alpha, gamma, episodes, range(seed, seed + 5))
        plot_learning_curves(fig.subplots(1, 2), *runs[:2])
        return f"epsilon {epsilon:.2f}, learning rate {alpha:.2f}, 5 seeds: {describe_runs(*runs)}."

    return Explorer(draw, controls, figsize=(10, 3.4), title="Q-learning on the deterministic map")
