"""Checks for exercises/07-computer-vision.ipynb: the two operations of a convolutional layer.

q1  conv2d_valid(image, kernel): valid cross-correlation (no kernel flip)
q2  max_pool2x2(image): the maximum of each non-overlapping 2x2 block, an odd last row/column dropped
"""
from __future__ import annotations

import inspect

import numpy as np

from course.checks import Incorrect, Question, expect_array

NOTEBOOK = "07-computer-vision"


def conv2d_valid(image, kernel):
    """Return the valid cross-correlation of `image` with `kernel`: shape (H - kh + 1, W - kw + 1)."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def max_pool2x2(image):
    """Return the maximum of each non-overlapping 2x2 block; an odd last row or column is dropped."""
    out = np.zeros((image.shape[0] // 2, image.shape[1] // 2))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = image[2 * i:2 * i + 2, 2 * j:2 * j + 2].max()
    return out


def _call(fn, *arrays):
    """Call the learner's function on copies, so an answer that edits its input cannot spoil the next call."""
    return fn(*(a.copy() for a in arrays))


def _same(got, expected) -> bool:
    return got.shape == expected.shape and np.allclose(got, expected, rtol=1e-9, atol=1e-9)


def _first_difference(got, expected, call, what):
    index = tuple(int(i) for i in np.argwhere(~np.isclose(got, expected, rtol=1e-9, atol=1e-9))[0])
    raise Incorrect(f"`{call}` returned a wrong {what} at index {index}: got {got[index]:.6g}, expected "
                    f"{expected[index]:.6g}.")


def _conv_cases():
    """Inputs for q1: a small hand-made case first (easiest to debug), then random odd and non-square sizes."""
    yield np.arange(30.0).reshape(5, 6), np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [3.0, 0.0, 0.0]])
    rng = np.random.default_rng(7)
    for (h, w), (kh, kw) in [((7, 9), (3, 3)), ((10, 6), (2, 3)), ((5, 5), (5, 5)), ((8, 11), (1, 4)), ((6, 6), (1, 1))]:
        yield rng.normal(size=(h, w)), rng.normal(size=(kh, kw))


def _conv_shape(got, image, kernel, call):
    (h, w), (kh, kw) = image.shape, kernel.shape
    expected = (h - kh + 1, w - kw + 1)
    if got.shape == expected:
        return
    if got.shape == image.shape:
        raise Incorrect(f"`{call}` returned shape {got.shape}, the image's own size: that is 'same' mode (padding). "
                        f"Valid mode only uses positions where the whole kernel fits: expected {expected}.")
    if got.shape == (h - kh, w - kw) or got.shape == (h - kh + 2, w - kw + 2):
        raise Incorrect(f"`{call}` returned shape {got.shape}; expected {expected}. Off by one: an H-row image and a "
                        f"kh-row kernel give H - kh + 1 output rows ({h} - {kh} + 1 = {h - kh + 1}).")
    if got.shape == expected[::-1]:
        raise Incorrect(f"`{call}` returned shape {got.shape}, the transpose of the expected {expected}: "
                        "rows and columns are swapped somewhere.")
    raise Incorrect(f"`{call}` returned shape {got.shape}; expected (H - kh + 1, W - kw + 1) = {expected}.")


def _conv_diagnose(got, image, kernel, call):
    """Raise Incorrect naming the mistake, most specific first."""
    if _same(got, conv2d_valid(image, kernel[::-1, ::-1])):
        raise Incorrect(f"`{call}` computed a true convolution: your result equals the cross-correlation with the kernel "
                        "flipped top to bottom and left to right. Multiply image[i + u, j + v] by kernel[u, v], no flip.")
    if _same(got, conv2d_valid(image, kernel[::-1])) or _same(got, conv2d_valid(image, kernel[:, ::-1])):
        raise Incorrect(f"`{call}` flipped the kernel in one direction (top to bottom or left to right): "
                        "multiply image[i + u, j + v] by kernel[u, v], with no flip at all.")
    if kernel.shape[0] == kernel.shape[1] and _same(got, conv2d_valid(image, kernel.T)):
        raise Incorrect(f"`{call}` used the kernel transposed: image[i + u, j + v] should be multiplied by "
                        "kernel[u, v], not kernel[v, u].")
    _first_difference(got, conv2d_valid(image, kernel), call, "value")


def _conv_constant(fn):
    """A constant image must give c times the kernel's sum everywhere."""
    image, kernel = np.full((6, 7), 0.5), np.array([[0.2, -1.0, 0.5], [1.5, 0.3, -0.4], [0.6, 0.1, 0.9]])
    got = expect_array(_call(fn, image, kernel), fn.last_call, kind="f")
    _conv_shape(got, image, kernel, fn.last_call)
    expected = 0.5 * kernel.sum()
    if np.allclose(got, expected):
        return
    message = (f"`{fn.last_call}` should be 0.5 x (sum of the kernel) = {expected:.6g} everywhere, since every window "
               f"of a constant 0.5 image looks the same; got values from {got.min():.6g} to {got.max():.6g}.")
    if np.allclose(got, expected / kernel.size):
        message += f" That is the right answer divided by {kernel.size}: add the products of a window, do not average them."
    raise Incorrect(message)


def _conv_linear(fn):
    """The output must be linear in the kernel: f(2 K1 - K2) = 2 f(K1) - f(K2)."""
    rng = np.random.default_rng(11)
    image, k1, k2 = rng.normal(size=(6, 8)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    parts = [expect_array(_call(fn, image, k), fn.last_call, shape=(4, 6), kind="f") for k in (k1, k2)]
    combined = expect_array(_call(fn, image, 2 * k1 - k2), fn.last_call, shape=(4, 6), kind="f")
    if not np.allclose(combined, 2 * parts[0] - parts[1]):
        raise Incorrect("Your function is not linear in the kernel: with kernels K1 and K2, the result for 2 K1 - K2 "
                        "should equal 2 x (result for K1) - (result for K2), and it does not. The output must be a "
                        "plain weighted sum: no abs, ReLU, bias or normalisation.")


def check_conv2d_valid(fn):
    # the shape first, on the small case; then the two properties; then every case against the reference
    image, kernel = next(_conv_cases())
    _conv_shape(_conv_output(fn, image, kernel), image, kernel, fn.last_call)
    _conv_constant(fn)
    _conv_linear(fn)
    for image, kernel in _conv_cases():
        got = _conv_output(fn, image, kernel)
        _conv_shape(got, image, kernel, fn.last_call)
        if not _same(got, conv2d_valid(image, kernel)):
            _conv_diagnose(got, image, kernel, fn.last_call)
    return ("A constant image gives the kernel's sum, the output is linear in the kernel, and it matches the reference "
            "on 6 images (odd sizes, non-square kernels, a kernel as large as the image).")


def _conv_output(fn, image, kernel):
    got = expect_array(_call(fn, image, kernel), fn.last_call, kind="f")
    if got.ndim != 2:
        raise Incorrect(f"`{fn.last_call}` returned a {got.ndim}-D array; expected a 2-D array.")
    return got


def _pool_cases():
    """Inputs for q2: a hand-made 4x4 first, then odd sizes, negative values and a map smaller than two blocks."""
    yield np.array([[1.0, 2, 5, 6], [3, 4, 7, 8], [9, 10, 13, 14], [11, 12, 15, 16]])
    rng = np.random.default_rng(3)
    yield rng.normal(size=(5, 7))
    yield -rng.random((6, 4)) - 0.1          # all negative: a maximum that starts from 0 is wrong
    yield rng.normal(size=(9, 6))
    yield rng.normal(size=(3, 3))


def _pool_shape(got, image, call):
    h, w = image.shape
    expected = (h // 2, w // 2)
    if got.shape == expected:
        return
    if got.shape == (h - 1, w - 1):
        raise Incorrect(f"`{call}` returned shape {got.shape}; expected {expected}. That is a 2x2 window moved one "
                        "pixel at a time (stride 1): the blocks should not overlap, so move by 2.")
    if got.shape == ((h + 1) // 2, (w + 1) // 2):
        raise Incorrect(f"`{call}` returned shape {got.shape} for a {h}x{w} input; expected {expected}. An odd last "
                        "row or column does not fill a 2x2 block: drop it (H // 2 rows, W // 2 columns).")
    if got.shape == expected[::-1]:
        raise Incorrect(f"`{call}` returned shape {got.shape}, the transpose of the expected {expected}.")
    raise Incorrect(f"`{call}` returned shape {got.shape}; expected (H // 2, W // 2) = {expected}.")


def _blocks(image):
    h, w = image.shape[0] // 2, image.shape[1] // 2
    return image[:2 * h, :2 * w].reshape(h, 2, w, 2)


def _pool_diagnose(got, image, call):
    expected = max_pool2x2(image)
    if _same(got, _blocks(image).mean(axis=(1, 3))):
        raise Incorrect(f"`{call}` returned the average of each 2x2 block; max pooling keeps the largest value.")
    if _same(got, _blocks(image).min(axis=(1, 3))):
        raise Incorrect(f"`{call}` returned the smallest value of each 2x2 block; max pooling keeps the largest.")
    h, w = image.shape
    if (h % 2 or w % 2) and _same(got, max_pool2x2(image[h % 2:, w % 2:])):
        raise Incorrect(f"`{call}` dropped the first row or column of a {h}x{w} input; drop the odd last one instead, "
                        "so block (0, 0) is image[0:2, 0:2].")
    if _same(got, expected.T):
        raise Incorrect(f"`{call}` returned the transpose of the expected result: output (i, j) comes from rows 2i, 2i+1 "
                        "and columns 2j, 2j+1.")
    if _same(got, np.maximum(expected, 0)):
        raise Incorrect(f"`{call}` returned 0 where every value of a block is negative: start each maximum from the "
                        "block's own values (or -inf), not from 0.")
    _first_difference(got, expected, call, "maximum")


def check_max_pool2x2(fn):
    for image in _pool_cases():
        got = expect_array(_call(fn, image), fn.last_call, kind="f")
        if got.ndim != 2:
            raise Incorrect(f"`{fn.last_call}` returned a {got.ndim}-D array; expected a 2-D array.")
        _pool_shape(got, image, fn.last_call)
        if not _same(got, max_pool2x2(image)):
            _pool_diagnose(got, image, fn.last_call)
    return "Matches the reference on 5 maps, including odd sizes and all-negative values."


q1 = Question(
    check_conv2d_valid,
    hints=[
        "The output has (H - kh + 1) rows and (W - kw + 1) columns: make an array of zeros of that shape first.",
        "Output pixel (i, j) uses the window `image[i:i + kh, j:j + kw]`, which has the kernel's shape: "
        "multiply it by the kernel elementwise and add everything up with `np.sum`.",
        "No flipping: the window's top-left pixel is multiplied by `kernel[0, 0]`. "
        "Two nested loops over i and j are enough.",
    ],
    solution=inspect.getsource(conv2d_valid),
    name="q1",
    notebook=NOTEBOOK,
)

q2 = Question(
    check_max_pool2x2,
    hints=[
        "The output has H // 2 rows and W // 2 columns; `//` rounds down, which drops an odd last row or column.",
        "Output pixel (i, j) is the largest value of the block `image[2 * i:2 * i + 2, 2 * j:2 * j + 2]`.",
        "Without loops: trim to an even size, `reshape(h, 2, w, 2)` and take `.max(axis=(1, 3))`.",
    ],
    solution=inspect.getsource(max_pool2x2),
    name="q2",
    notebook=NOTEBOOK,
)
