"""Shared plotting helpers: each takes an optional `ax` (or figure) and returns what it drew on,
and `show(alt)`, which ends every plotting cell of a lesson with the figure and its text alternative."""
from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display


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


class MissingAltText(ValueError):
    """A figure shown without a text alternative."""


def figure_html(fig, alt: str) -> str:
    """Return the figure as an <img> with its PNG inline and `alt` as its text alternative."""
    buffer = io.BytesIO()
    # as the inline backend draws it (the figure's dpi, trimmed to what is drawn), without the
    # Software field that would change with the matplotlib version
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", facecolor=fig.get_facecolor(),
                metadata={"Software": None})
    return img_html(base64.b64encode(buffer.getvalue()).decode("ascii"), alt)


def img_html(png_base64: str, alt: str) -> str:
    """Return an <img> of base64 PNG data with `alt` (whitespace folded) as its text alternative."""
    return f'<img src="data:image/png;base64,{png_base64}" alt="{html.escape(" ".join(alt.split()))}">'


def show(alt: str, fig=None) -> None:
    """Show the figure (the current one unless `fig` is given) with a text alternative, then close it.

    `alt` says what the figure shows and what to notice, for a reader who cannot see it: a
    screen reader reads it in JupyterLab, on the course's site and in an HTML export, and
    text-only views print it. The figure is sent as HTML (an <img> with its alt attribute),
    because JupyterLab ignores alt text given as image metadata.
    """
    if not isinstance(alt, str) or len(alt.split()) < 5:
        raise MissingAltText("show(alt) needs a text alternative of a sentence or more: "
                             "what the figure shows and what to notice in it")
    fig = plt.gcf() if fig is None else fig
    display({"text/html": figure_html(fig, alt), "text/plain": f"[Figure: {' '.join(alt.split())}]"}, raw=True)
    plt.close(fig)
