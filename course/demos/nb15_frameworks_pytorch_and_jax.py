"""Lesson 15's demos: per-example gradient norms (JAX's vmap at work) and the step-time figure."""
from __future__ import annotations

from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np

from course import mlp
from course.controls import choice_slider, int_slider
from course.explore import Explorer

jax.config.update("jax_enable_x64", True)   # float64, like course.mlp: the same numbers on every machine
EPOCHS = (0, 1, 2, 5, 10, 30)


def example_loss(params, x, y):
    """Cross-entropy of ONE digit x (64 pixels) with label y under lesson 04's 64-128-10 network."""
    hidden = jax.nn.relu(x @ params["W1"] + params["b1"])
    return -jax.nn.log_softmax(hidden @ params["W2"] + params["b2"])[y]


# one gradient per example; jit compiles once per batch shape, so batches are padded to CHUNK
per_example_grads = jax.jit(jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0)))
CHUNK = 32


def gradient_norms(params, X, y, per_example=per_example_grads) -> np.ndarray:
    """Return the length (Euclidean norm over all 9,610 parameters) of each example's gradient.

    `per_example(params, X, y)` gives one gradient per row; it is called on batches of CHUNK
    rows (the last one padded by repeating rows), so a jitted function compiles only once.
    """
    params = {k: jnp.asarray(v) for k, v in params.items()}
    norms = []
    for start in range(0, len(y), CHUNK):
        rows = np.arange(start, start + CHUNK) % len(y)   # past the end: rows from the start, dropped below
        grads = per_example(params, jnp.asarray(X[rows]), jnp.asarray(y[rows]))
        squares = sum((np.asarray(g).reshape(CHUNK, -1) ** 2).sum(axis=1) for g in grads.values())
        norms.append(np.sqrt(squares)[:min(CHUNK, len(y) - start)])
    return np.concatenate(norms)


def norm_report(params, X, y, per_example=per_example_grads) -> dict:
    """Return per-example gradient norms, predictions and confidences on (X, y), examples by falling norm."""
    norms = gradient_norms(params, X, y, per_example)
    proba = mlp.predict_proba(params, X)
    order = np.argsort(-norms, kind="stable")
    return {"norms": norms, "predicted": proba.argmax(axis=1), "confidence": proba.max(axis=1), "order": order}


def draw_gradients(fig, X, y, report, epochs: int, rank: int) -> str:
    """Draw the norms of right and wrong answers (left) and the digit of the rank-th largest norm (right)."""
    norms, predicted = report["norms"], report["predicted"]
    right = predicted == y
    hist_ax, digit_ax = fig.subplots(1, 2, width_ratios=[2.2, 1])
    bins = np.logspace(np.log10(max(norms.min(), 1e-6)), np.log10(norms.max()) + 1e-9, 25)
    hist_ax.hist(norms[right], bins=bins, color="0.75", edgecolor="black", label=f"read right ({right.sum()})")
    if (~right).any():
        hist_ax.hist(norms[~right], bins=bins, color="none", edgecolor="black", hatch="///",
                     label=f"read wrong ({(~right).sum()})")
    index = report["order"][rank - 1]
    hist_ax.axvline(norms[index], color="black", linestyle="--", label=f"rank {rank}")
    hist_ax.set(xscale="log", xlabel="length of the example's gradient (log scale)", ylabel="validation digits",
                title=f"One gradient per example, after {epochs} epoch{'s' * (epochs != 1)}")
    hist_ax.legend(loc="upper left", fontsize=9)
    digit_ax.imshow(X[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    digit_ax.set_xticks([])
    digit_ax.set_yticks([])
    confidence = report["confidence"][index]
    digit_ax.set_title(f"rank {rank}: {article(y[index])},\nread as {predicted[index]} (p={confidence:.2f})", fontsize=10)
    median_right = np.median(norms[right])
    ratio = np.median(norms[~right]) / median_right if (~right).any() and median_right > 0 else 0.0
    wrong = (f"; the median of the {(~right).sum()} digits read wrong is {ratio:.0f} times that of the right ones"
             if ratio >= 10 else f"; the median of the {(~right).sum()} digits read wrong is {ratio:.1f} times that "
             "of the right ones" if ratio else "")
    return (f"After {epochs} epoch{'s' * (epochs != 1)}: the median gradient length is {np.median(norms):.3f}{wrong}. "
            f"Rank {rank}: {article(y[index])} read as {predicted[index]}, gradient length {norms[index]:.2f}.")


def article(digit) -> str:
    """Return "a 3" or "an 8"."""
    return f"an {digit}" if int(digit) == 8 else f"a {digit}"


def gradient_explorer(X_fit, y_fit, X_val, y_val, per_example=per_example_grads, seed: int = 0) -> Explorer:
    """Return an explorer: train lesson 04's network for some epochs, then rank validation digits by gradient length.

    `per_example(params, X, y)` computes the gradients: the lesson passes its own.
    """
    @lru_cache(maxsize=len(EPOCHS))
    def report(epochs):
        params = mlp.train(X_fit, y_fit, epochs=epochs, seed=seed) if epochs else mlp.init_params(seed=seed)
        return norm_report(params, X_val, y_val, per_example)

    def draw(fig, epochs, rank):
        return draw_gradients(fig, X_val, y_val, report(epochs), epochs, rank)

    controls = {
        "epochs": choice_slider(EPOCHS, 30, "epochs trained"),
        "rank": int_slider(1, 1, 20, "gradient rank"),
    }
    return Explorer(draw, controls, figsize=(8.5, 3.2), title="per-example gradients")


def plot_step_times(ax, seconds: dict[str, float], batch: int = 32) -> None:
    """Draw one horizontal bar per framework: time per training step, relative to numpy's."""
    names = list(seconds)
    base = seconds[names[0]]
    ratios = [seconds[name] / base for name in names]
    bars = ax.barh(names, ratios, color="0.7", edgecolor="black")
    for bar, hatch in zip(bars, ("", "//", "..")):
        bar.set_hatch(hatch)
    for y, (name, ratio) in enumerate(zip(names, ratios)):
        ax.text(ratio, y, f"  {ratio:.1f}x ({1000 * seconds[name]:.2f} ms)", va="center", fontsize=10)
    ax.set_xlim(0, max(ratios) * 1.6)
    ax.invert_yaxis()
    ax.set(xlabel=f"time per step, relative to {names[0]} (measured on this machine)",
           title=f"One forward and backward pass of lesson 04's network on a batch of {batch} digits")
