"""Shared plotting helpers: each takes an optional `ax` (or figure) and returns what it drew on."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def plot_digits(images, titles=None, ncols: int = 8, fig=None, cmap: str = "gray_r"):
    """Draw 8x8 images in a grid on `fig` (a new pyplot figure if None); return the axes."""
    images = np.asarray(images).reshape(-1, 8, 8)
    nrows = max(1, -(-len(images) // ncols))
    fig = fig if fig is not None else plt.figure(figsize=(1.1 * ncols, 1.3 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i < len(images):
            ax.imshow(images[i], cmap=cmap, vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    return axes


def plot_confusion_matrix(matrix, ax=None, labels=None):
    """Draw a confusion matrix with its counts written in; return the axes.

    Counts are black on light cells and white on dark ones; a mistake made more than once is
    bold, so it stands out without relying on colour.
    """
    matrix = np.asarray(matrix)
    ax = ax if ax is not None else plt.gca()
    labels = list(range(len(matrix))) if labels is None else labels
    image = ax.imshow(np.log1p(matrix), cmap="Blues")
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            red, green, blue, _ = image.cmap(image.norm(np.log1p(count)))
            lightness = 0.2126 * red + 0.7152 * green + 0.0722 * blue
            ax.text(j, i, str(count), ha="center", va="center", fontsize=9,
                    color="black" if lightness > 0.45 else "white",
                    fontweight="bold" if i != j and count > 1 else "normal")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    return ax
