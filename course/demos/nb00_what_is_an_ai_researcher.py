"""Lesson 00's demo: a gallery of the classifier's mistakes, one kind of confusion at a time."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course.explore import Explorer
from course.plotting import plot_digits


def confusion_pairs(y_true, y_pred, min_count: int = 1) -> list[tuple[int, int, int]]:
    """Return (true, predicted, count) for every kind of mistake made at least `min_count` times."""
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    np.fill_diagonal(matrix, 0)
    pairs = [(int(t), int(p), int(matrix[t, p])) for t, p in np.argwhere(matrix >= min_count)]
    return sorted(pairs, key=lambda pair: -pair[2])


def draw_mistakes(fig, images, y_true, y_pred, proba, pair, max_images: int = 8) -> str:
    """Draw up to `max_images` test digits of class pair[0] predicted as pair[1]; return a caption."""
    true, predicted = pair
    hits = np.flatnonzero((np.asarray(y_true) == true) & (np.asarray(y_pred) == predicted))
    shown = hits[:max_images]
    confidence = np.asarray(proba)[shown].max(axis=1)
    plot_digits(np.asarray(images)[shown], [f"p={c:.2f}" for c in confidence], ncols=max_images, fig=fig)
    fig.suptitle(f"True {true}, predicted {predicted}: the model's confidence above each image")
    mean = f", mean confidence {np.asarray(proba)[hits].max(axis=1).mean():.2f}" if len(hits) else ""
    return f"{len(hits)} test digit(s) of class {true} were read as {predicted}{mean}."


def mistake_gallery(images, y_true, y_pred, proba) -> Explorer:
    """Return an explorer with a dropdown of the mistakes made twice or more."""
    options = [(f"{t} read as {p} ({n}x)", (t, p)) for t, p, n in confusion_pairs(y_true, y_pred, 2)]
    choose = widgets.Dropdown(options=options, description="mistake")

    def draw(fig, pair):
        return draw_mistakes(fig, images, y_true, y_pred, proba, pair)

    return Explorer(draw, {"pair": choose}, figsize=(8, 1.9), title="the classifier's mistakes")
