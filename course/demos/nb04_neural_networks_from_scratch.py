"""Lesson 04's demo: retrain the MLP at another width or learning rate and redraw its learning curves."""
from __future__ import annotations

import numpy as np

from course import mlp
from course.controls import choice_slider
from course.explore import Explorer

WIDTHS = (4, 8, 16, 32, 64, 128, 256)
RATES = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0)
CURVES = ("train_loss", "val_loss", "train_acc", "val_acc", "dead_units")


def learning_curves(data, hidden, lr, epochs=30, seed=0) -> dict:
    """Train course.mlp on data = (X_fit, y_fit, X_val, y_val); return per-epoch losses, accuracies, dead units."""
    X_fit, y_fit, X_val, y_val = data
    curves = {name: [] for name in CURVES}

    def record(epoch, params):
        curves["train_loss"].append(mlp.loss(params, X_fit, y_fit))
        curves["val_loss"].append(mlp.loss(params, X_val, y_val))
        curves["train_acc"].append(mlp.accuracy(params, X_fit, y_fit))
        curves["val_acc"].append(mlp.accuracy(params, X_val, y_val))
        # A dead ReLU outputs 0 for every training image, so it gets no gradient and never recovers.
        hidden_out = mlp.forward(params, X_fit)[1]["h"]
        curves["dead_units"].append(int((hidden_out.max(axis=0) <= 0).sum()))

    # A learning rate far too large overflows; the curves then show it instead of a warning.
    with np.errstate(all="ignore"):
        mlp.train(X_fit, y_fit, hidden=hidden, lr=lr, epochs=epochs, seed=seed, on_epoch=record)
    return {name: np.array(values) for name, values in curves.items()}


def plot_learning_curves(curves, axes):
    """Draw loss (left) and accuracy (right) per epoch for training and validation data; return axes."""
    epochs = np.arange(1, len(curves["train_loss"]) + 1)
    loss_ax, acc_ax = axes
    # line styles as well as colours, so the two curves differ in greyscale and for colour-blind readers
    loss_ax.plot(epochs, curves["train_loss"], label="training")
    loss_ax.plot(epochs, curves["val_loss"], linestyle="--", label="validation")
    loss_ax.axhline(np.log(10), color="gray", linestyle=":", label="ln 10 (guessing)")
    # A log scale shows the training loss heading to 0 while the validation loss levels off.
    loss_ax.set(title="Cross-entropy loss", xlabel="epoch", ylabel="mean loss (log scale)", yscale="log")
    losses = np.concatenate([curves["train_loss"], curves["val_loss"], [np.log(10)]])
    lowest_loss, highest_loss = np.nanmin(losses), np.nanmax(losses)
    if np.isfinite(lowest_loss) and lowest_loss > 0:
        loss_ax.set_ylim(bottom=lowest_loss / 10)  # a free decade at the bottom, for the legend
    if np.isfinite(highest_loss):
        loss_ax.set_ylim(top=highest_loss * 1.5)  # room above ln 10, so no curve runs along the frame
    loss_ax.legend(loc="lower left")
    acc_ax.plot(epochs, 100 * curves["train_acc"], label="training")
    acc_ax.plot(epochs, 100 * curves["val_acc"], linestyle="--", label="validation")
    lowest = np.nanmin(100 * np.concatenate([curves["train_acc"], curves["val_acc"]]))
    acc_ax.set(title="Accuracy", xlabel="epoch", ylabel="accuracy (%)", ylim=(max(0, lowest - 5), 101))
    acc_ax.legend(loc="best")  # lower right usually; elsewhere when a failed run sits at the bottom
    return axes


def describe_run(curves, hidden, lr) -> str:
    """Return a one-line caption: final validation accuracy and losses, or what went wrong."""
    final_loss, final_acc, dead = curves["train_loss"][-1], curves["val_acc"][-1], curves["dead_units"][-1]
    head = f"Hidden width {hidden}, learning rate {lr:.3g}: "
    if not np.isfinite(final_loss):
        return head + "the loss overflowed to NaN; the steps are far too large."
    if final_acc < 0.2:
        return head + (f"stuck at loss {final_loss:.2f} (ln 10 = 2.30) and {final_acc:.0%} validation accuracy, "
                       f"no better than guessing: {dead} of {hidden} hidden units are dead (ReLU outputs 0 "
                       "for every training image).")
    best = int(np.argmax(curves["val_acc"]))
    return head + (f"validation accuracy {final_acc:.1%} after {len(curves['val_acc'])} epochs "
                   f"(best {curves['val_acc'][best]:.1%} at epoch {best + 1}); final losses "
                   f"{final_loss:.3f} (training) and {curves['val_loss'][-1]:.3f} (validation).")


def draw_training(fig, data, hidden, lr, epochs=30, seed=0) -> str:
    """Retrain with (hidden, lr), draw both learning curves on `fig`, return the caption."""
    curves = learning_curves(data, hidden, lr, epochs, seed)
    axes = fig.subplots(1, 2)
    plot_learning_curves(curves, axes)
    fig.suptitle(f"A 64-{hidden}-10 network trained with learning rate {lr:.3g}")
    return describe_run(curves, hidden, lr)


def training_explorer(X_fit, y_fit, X_val, y_val, seed=0) -> Explorer:
    """Return an explorer with a hidden-width slider and a learning-rate slider that retrain the network."""
    controls = {
        "hidden": choice_slider(WIDTHS, 128, "hidden width"),
        "lr": choice_slider(RATES, 0.5, "learning rate"),
    }

    def draw(fig, hidden, lr):
        return draw_training(fig, (X_fit, y_fit, X_val, y_val), hidden, lr, seed=seed)

    return Explorer(draw, controls, figsize=(9, 3.2), title="learning curves of the MLP")
