"""Lesson 10's demo: an epsilon slider that attacks one digit and marks the accuracy curves."""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps

from course import mlp
from course.controls import choice_slider, int_slider
from course.explore import Explorer


def plot_accuracy_curves(ax, eps_grid, fgsm_acc, noise_acc, clean, eps=None):
    """Draw test accuracy against epsilon under FGSM and under random noise; mark `eps` if given; return ax."""
    # markers as well as colours, so the two curves stay apart in greyscale
    ax.plot(eps_grid, 100 * np.asarray(noise_acc), "^-", markevery=5, markersize=5, label="random ±eps noise",
            color="tab:blue")
    ax.plot(eps_grid, 100 * np.asarray(fgsm_acc), "s-", markevery=5, markersize=4, label="FGSM", color="tab:red")
    ax.axhline(100 * clean, color="gray", linestyle=":", label="clean")
    ax.axhline(10, color="gray", linestyle="--", linewidth=0.8, label="guessing (10%)")
    if eps is not None:
        at = int(np.argmin(np.abs(np.asarray(eps_grid) - eps)))
        ax.axvline(eps_grid[at], color="black", linewidth=0.8)
        ax.plot([eps_grid[at]] * 2, [100 * noise_acc[at], 100 * fgsm_acc[at]], "ko", markersize=4)
    ax.set(title="Test accuracy under attack", xlabel="epsilon (largest change per pixel)",
           ylabel="test accuracy (%)", ylim=(0, 102))
    ax.legend(loc="center right", fontsize=9)
    return ax


def _show(ax, image, title, cmap="gray_r", vmin=0.0, vmax=1.0):
    ax.imshow(np.asarray(image).reshape(8, 8), cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()


def _mark_signs(ax, change, scale, cmap="RdBu_r"):
    """Write + or − on every pixel that moved: the sign is readable without telling red from blue."""
    for (r, c), value in np.ndenumerate(np.asarray(change).reshape(8, 8)):
        if value != 0:
            # black or white, whichever contrasts more with the pixel's own colour (relative luminance)
            red, green, blue, _ = colormaps[cmap](0.5 + 0.5 * value / scale)
            luminance = 0.2126 * red**2.2 + 0.7152 * green**2.2 + 0.0722 * blue**2.2
            ax.text(c, r, "+" if value > 0 else "−", ha="center", va="center", fontsize=9, fontweight="bold",
                    color="black" if luminance > 0.18 else "white")


def draw_attack(fig, params, image, label, direction, noise, eps, curves) -> str:
    """Draw a digit, its FGSM change, the attacked and the noisy digit, and the curves; return a caption."""
    eps_grid, fgsm_acc, noise_acc, clean = curves
    attacked = np.clip(image + eps * direction, 0.0, 1.0)
    noisy = np.clip(image + eps * noise, 0.0, 1.0)
    proba = mlp.predict_proba(params, np.stack([image, attacked, noisy]))
    read = [f"read as {p.argmax()} ({p.max():.2f})" for p in proba]
    axes = fig.subplots(1, 5, gridspec_kw={"width_ratios": [1, 1, 1, 1, 2.6]})
    _show(axes[0], image, f"true {label}:\n{read[0]}")
    # Colours scaled to +-eps: full red or blue is a full step; paler pixels were clipped at 0 or 1.
    scale = max(eps, 1e-9)
    _show(axes[1], attacked - image, f"FGSM change, ±{eps:.2f}\n(+ up, − down)", cmap="RdBu_r", vmin=-scale, vmax=scale)
    _mark_signs(axes[1], attacked - image, scale)
    _show(axes[2], attacked, f"after FGSM:\n{read[1]}")
    _show(axes[3], noisy, f"after random ±eps:\n{read[2]}")
    plot_accuracy_curves(axes[4], eps_grid, fgsm_acc, noise_acc, clean, eps)
    fig.suptitle(f"One test digit attacked at epsilon = {eps:.2f}; accuracy over all test digits on the right")
    at = int(np.argmin(np.abs(np.asarray(eps_grid) - eps)))
    return (f"eps = {eps:.2f}: this {label} is {read[1]} after FGSM and {read[2]} after random noise of the same "
            f"size. Over all test digits: {fgsm_acc[at]:.1%} right under FGSM, {noise_acc[at]:.1%} under random "
            f"noise, {clean:.1%} clean.")


def attack_explorer(params, X, y, directions, noise, curves, index=0) -> Explorer:
    """Return an explorer with an epsilon slider (the grid of `curves`) and a test-image slider."""
    eps_grid = curves[0]
    controls = {
        "eps": choice_slider([(f"{e:.2f}", float(e)) for e in eps_grid],
                             float(eps_grid[int(np.argmin(np.abs(eps_grid - 0.1)))]), "epsilon"),
        "index": int_slider(index, 0, len(y) - 1, "test image"),
    }

    def draw(fig, eps, index):
        return draw_attack(fig, params, X[index], y[index], directions[index], noise[index], eps, curves)

    return Explorer(draw, controls, figsize=(10, 2.6), title="FGSM against random noise")
