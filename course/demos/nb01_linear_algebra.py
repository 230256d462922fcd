"""Lesson 01's demos: a 2x2 matrix acting on the plane, and digits rebuilt from k principal components."""
from __future__ import annotations

import numpy as np

from course.controls import float_slider, int_slider
from course.explore import Explorer
from course.plotting import plot_digits

GRID = np.linspace(-1, 1, 5)          # grid lines at -1, -0.5, 0, 0.5, 1
ANGLES = np.linspace(0, 2 * np.pi, 241)


def _draw_plane(ax, matrix, limit, title, prefix=""):
    """Draw the unit circle, a grid and the basis vectors, all mapped by `matrix`, on `ax`."""
    line = np.linspace(-1, 1, 41)
    for g in GRID:
        for points in (np.stack([line, np.full_like(line, g)]), np.stack([np.full_like(line, g), line])):
            x, y = matrix @ points
            ax.plot(x, y, color="0.75", lw=0.8)
    x, y = matrix @ np.stack([np.cos(ANGLES), np.sin(ANGLES)])
    ax.plot(x, y, color="tab:blue", lw=2, label=f"{prefix}unit circle")
    for column, colour in ((0, "tab:green"), (1, "tab:purple")):
        tip = matrix[:, column]
        ax.annotate("", xy=tip, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=colour, lw=1.5))
        ax.plot([], [], color=colour, label=f"{prefix}e{column + 1}")
        # a name at the tip too, so the two arrows are told apart without their colours
        name = ax.annotate(f"{prefix}e{column + 1}", xy=tip, xytext=(4, 4), textcoords="offset points",
                           color=colour, fontsize=9, weight="bold")
        name.set_in_layout(False)   # a name near the edge must not squeeze the panels
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal", title=title, xlabel="x1", ylabel="x2")


def draw_matrix_map(fig, a, b, c, d) -> str:
    """Draw the plane before and after A = [[a, b], [c, d]] with the SVD semi-axes; return a caption."""
    matrix = np.array([[a, b], [c, d]], dtype=float)
    U, S, _ = np.linalg.svd(matrix)
    limit = max(1.5, 1.15 * S[0])
    before, after = fig.subplots(1, 2)
    _draw_plane(before, np.eye(2), 1.5, "before: unit circle and grid")
    _draw_plane(after, matrix, limit, "after A: an ellipse", prefix="A ")
    # black, solid and dashed: the semi-axes stand out from the coloured arrows in greyscale too
    for s, u, style, name in zip(S, U.T, ("-", "--"), ("s1 u1", "s2 u2")):
        after.plot([0, s * u[0]], [0, s * u[1]], color="black", lw=2, ls=style, label=name)
    for ax in (before, after):
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=9, frameon=False)
    det = np.linalg.det(matrix)
    if S[1] < 1e-9:
        return (f"A = [[{a:g}, {b:g}], [{c:g}, {d:g}]] is singular: singular values {S[0]:.2f} and 0.00, "
                "so the whole plane is flattened onto a line (area scale |det A| = 0).")
    return (f"A = [[{a:g}, {b:g}], [{c:g}, {d:g}]]: singular values s1 = {S[0]:.2f}, s2 = {S[1]:.2f}, "
            f"so the circle becomes an ellipse with semi-axes {S[0]:.2f} and {S[1]:.2f}; "
            f"areas scale by |det A| = {abs(det):.2f} = s1 × s2.")


def matrix_editor(a=1.5, b=1.0, c=-0.5, d=1.0) -> Explorer:
    """Return an explorer with one slider per entry of a 2x2 matrix."""
    def slider(value, name):
        return float_slider(value, -2, 2, 0.1, name, continuous_update=False)

    controls = {"a": slider(a, "a (row 1)"), "b": slider(b, "b (row 1)"),
                "c": slider(c, "c (row 2)"), "d": slider(d, "d (row 2)")}
    return Explorer(draw_matrix_map, controls, figsize=(8, 4.8), title="a 2x2 matrix as a map")


def plot_components(components, titles=None, fig=None, ncols: int = 8):
    """Draw principal components as 8x8 images, dark for negative and light for positive, on `fig`; return the axes."""
    components = np.asarray(components).reshape(-1, 8, 8)
    nrows = max(1, -(-len(components) // ncols))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    image = None
    for i, ax in enumerate(axes):
        ax.set_axis_off()
        if i < len(components):
            # each image scaled to its largest weight, in a symmetric range so that the middle tone is 0;
            # cividis gets lighter from end to end, so the sign reads in greyscale and for colour-blind eyes
            scale = np.abs(components[i]).max()
            image = ax.imshow(components[i] / scale, cmap="cividis", vmin=-1, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    if image is not None:
        bar = fig.colorbar(image, ax=axes.tolist(), ticks=[-1, 0, 1], shrink=0.9, aspect=8)
        bar.ax.set_yticklabels(["negative", "0", "positive"], fontsize=9)
    return axes


def reconstruct_images(images, mean, components, k: int):
    """Return `images` rebuilt from their coordinates along the first k components."""
    top = np.asarray(components)[:k]
    return mean + (np.asarray(images) - mean) @ top.T @ top


def draw_reconstructions(fig, images, mean, components, variances, k: int) -> str:
    """Draw images (top row) above their k-component reconstructions; return a caption."""
    images = np.asarray(images)
    rebuilt = reconstruct_images(images, mean, components, k)
    titles = ["original"] * len(images) + [f"k = {k}"] * len(images)
    plot_digits(np.vstack([images, rebuilt]), titles, ncols=len(images), fig=fig)
    fig.suptitle(f"Top: original images. Bottom: rebuilt from the mean and {k} of {len(components)} components")
    kept = np.sum(variances[:k]) / np.sum(variances)
    error = np.mean((images - rebuilt) ** 2)
    return (f"k = {k}: {kept:.1%} of the variance kept; mean squared error per pixel on these "
            f"{len(images)} images {error:.4f}.")


def reconstruction_slider(images, mean, components, variances, k: int = 5) -> Explorer:
    """Return an explorer whose slider sets how many components rebuild the images."""
    slider = int_slider(k, 0, len(components), "components k", continuous_update=False)

    def draw(fig, k):
        return draw_reconstructions(fig, images, mean, components, variances, k)

    return Explorer(draw, {"k": slider}, figsize=(8, 2.6), title="digits rebuilt from k components")
