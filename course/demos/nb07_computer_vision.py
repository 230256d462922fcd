"""Lesson 07's data and demo: three images that ship with matplotlib, and a filter explorer.

The explorer's update logic is `draw_filter(fig, images, image, kernel) -> caption`, a plain
function the tests call directly; `filter_explorer` wraps it in dropdowns.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib import cbook

from course.explore import Explorer

# Weights of ITU-R BT.601 luma: how bright red, green and blue look to the eye.
LUMA = np.array([0.299, 0.587, 0.114])
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])

KERNELS = {
    "identity": np.array([[0.0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box blur": np.full((3, 3), 1 / 9),
    "Gaussian blur": np.array([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
    "sharpen": np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "Sobel x": SOBEL_X,
    "Sobel y": SOBEL_X.T.copy(),
    "Laplacian": np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]),
}
# Signed maps (kernels, and outputs of kernels summing to 0) use a map whose lightness grows steadily
# from one end to the other, so that they read in greyscale and for colour-blind readers.
SIGNED_CMAP = "cividis"
# Not a single kernel: the length of the (Sobel x, Sobel y) vector at every pixel.
EDGE_MAGNITUDE = "edge magnitude (Sobel)"


def load_photo() -> np.ndarray:
    """Return matplotlib's public-domain portrait of Grace Hopper as 600x512 gray levels in [0, 1]."""
    import matplotlib.pyplot as plt

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = plt.imread(f)
    return rgb @ LUMA / 255


def load_mri() -> np.ndarray:
    """Return matplotlib's 256x256 MRI slice of a head, scaled to [0, 1]."""
    with cbook.get_sample_data("s1045.ima.gz") as f:
        raw = np.frombuffer(f.read(), dtype=">u2")  # big-endian unsigned 16-bit integers
    image = raw.reshape(256, 256).astype(float)
    return image / image.max()


def load_terrain() -> tuple[np.ndarray, float, float]:
    """Return the Jacksboro fault elevation grid in metres and its (east-west, north-south) spacing in metres."""
    dem = cbook.get_sample_data("jacksboro_fault_dem.npz")
    # The grid is spaced in degrees; a degree of latitude is about 111.2 km, one of longitude shrinks with cos(latitude).
    dy = 111_200 * float(dem["dy"])
    dx = 111_200 * float(dem["dx"]) * np.cos(np.radians(float(dem["ymin"])))
    return dem["elevation"].astype(float), dx, dy


def correlate_valid(image, kernel) -> np.ndarray:
    """Return the valid cross-correlation of a 2-D image with a 2-D kernel (shift and add)."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u:u + out_h, v:v + out_w]
    return out


def apply_filter(image, name: str) -> np.ndarray:
    """Return `image` filtered by the kernel called `name` (or the Sobel edge magnitude)."""
    if name == EDGE_MAGNITUDE:
        return np.hypot(correlate_valid(image, KERNELS["Sobel x"]), correlate_valid(image, KERNELS["Sobel y"]))
    return correlate_valid(image, KERNELS[name])


def text_colour(rgba) -> str:
    """Return "black" or "white", whichever contrasts more with a cell of colour `rgba` (WCAG luminance)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "black" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "white"


def draw_weights(ax, weights, limit: float):
    """Draw a kernel as a heat map from -limit to +limit with each signed weight written in; return the image.

    cividis grows steadily lighter from its dark blue end to its yellow end, so the sign still reads in
    greyscale and for colour-blind readers (dark: negative, light: positive); the numbers carry it too.
    """
    weights = np.asarray(weights, dtype=float)
    image = ax.imshow(weights, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    sign = "+" if (weights <= -0.005).any() else ""  # "+1" beside "-1"; a kernel of positive weights needs no "+"
    for (i, j), w in np.ndenumerate(weights):
        if abs(w) < 0.005:
            label = "0"  # no "-0.00" for a weight that is 0 to two decimals
        elif float(w).is_integer():
            label = f"{w:{sign}.0f}"
        else:
            label = f"{w:{sign}.2f}"
        ax.text(j, i, label, ha="center", va="center", fontsize=9, color=text_colour(image.cmap(image.norm(w))))
    return image


def _show_kernel(ax, name: str) -> None:
    """Draw the kernel as a 3x3 grid of its weights (both Sobel kernels, as text, for the edge magnitude)."""
    ax.set_xticks([])
    ax.set_yticks([])
    if name == EDGE_MAGNITUDE:
        ax.set_title("sqrt(x^2 + y^2) of\nSobel x and Sobel y", fontsize=9)
        # one kernel above the other: side by side they do not fit the narrow panel
        ax.text(0.5, 0.5, "Sobel x\n[-1  0  1]\n[-2  0  2]\n[-1  0  1]\n\nSobel y\n[-1 -2 -1]\n[ 0  0  0]\n[ 1  2  1]",
                ha="center", va="center", family="monospace", fontsize=9, transform=ax.transAxes)
        return
    kernel = KERNELS[name]
    draw_weights(ax, kernel, float(np.abs(kernel).max()))
    ax.set_title(f"kernel (sum {kernel.sum():.3g})", fontsize=9)


def draw_filter(fig, images: dict, image: str, kernel: str) -> str:
    """Draw an image, a kernel and the filtered image side by side; return a one-line caption."""
    source = images[image]
    out = apply_filter(source, kernel)
    left, middle, right = fig.subplots(1, 3, width_ratios=[4, 1.6, 4])
    left.imshow(source, cmap="gray", vmin=0, vmax=1)
    left.set(title=f"{image}, {source.shape[0]}x{source.shape[1]}", xlabel="column", ylabel="row")
    _show_kernel(middle, kernel)
    signed = kernel != EDGE_MAGNITUDE and abs(KERNELS[kernel].sum()) < 1e-12
    if signed:
        # a kernel summing to 0 gives positive and negative responses: dark below 0, light above, mid-grey at 0
        limit = float(np.percentile(np.abs(out), 97)) or 1.0
        shown = right.imshow(out, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        label = "response (0: no change)"
    elif kernel == EDGE_MAGNITUDE:
        shown = right.imshow(out, cmap="gray_r", vmin=0, vmax=float(np.percentile(out, 97)) or 1.0)
        label = "edge strength"
    else:
        shown = right.imshow(out, cmap="gray", vmin=0, vmax=1)
        label = "brightness"
    fig.colorbar(shown, ax=right, shrink=0.85, label=label)
    right.set(title=f"{kernel}, {out.shape[0]}x{out.shape[1]}", xlabel="column", ylabel="row")
    return (f"{kernel} on the {image}: {source.shape[0]}x{source.shape[1]} in, {out.shape[0]}x{out.shape[1]} out; "
            f"output values from {out.min():.2f} to {out.max():.2f}.")


def filter_explorer(images: dict) -> Explorer:
    """Return an explorer with a dropdown of images and one of kernels."""
    controls = {
        "image": widgets.Dropdown(options=list(images), description="image"),
        "kernel": widgets.Dropdown(options=[*KERNELS, EDGE_MAGNITUDE], value="Sobel x", description="kernel"),
    }

    def draw(fig, image, kernel):
        return draw_filter(fig, images, image, kernel)

    return Explorer(draw, controls, figsize=(9, 3.4), title="filters on images")
