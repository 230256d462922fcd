"""Do lesson 07's images load as documented, and does the filter explorer draw what its caption says?"""
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import ndimage

from course.checks.nb07_computer_vision import conv2d_valid
from course.demos.nb07_computer_vision import (
    EDGE_MAGNITUDE,
    KERNELS,
    apply_filter,
    correlate_valid,
    draw_filter,
    draw_weights,
    filter_explorer,
    load_mri,
    load_photo,
    load_terrain,
)

STEP = np.repeat([[0.0] * 4 + [1.0] * 4], 6, axis=0)   # dark on the left, bright on the right
IMAGES = {"step": STEP, "ramp": np.linspace(0, 1, 48).reshape(6, 8)}


def test_does_the_photo_load_as_gray_levels_in_0_1():
    photo = load_photo()
    assert photo.shape == (600, 512) and 0 <= photo.min() and photo.max() <= 1


def test_does_the_mri_slice_load_as_256_by_256_scaled_to_1():
    mri = load_mri()
    assert mri.shape == (256, 256) and mri.min() == 0 and mri.max() == 1


def test_does_the_terrain_load_in_metres_with_its_grid_spacing():
    elevation, dx, dy = load_terrain()
    assert elevation.shape == (344, 403)
    assert (elevation.min(), elevation.max()) == (236, 1076)
    assert dx == pytest.approx(74.3, abs=0.1) and dy == pytest.approx(92.7, abs=0.1)


def test_does_the_shift_and_add_correlation_match_scipy_and_the_checker():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(9, 11)), rng.normal(size=(3, 3))
    assert np.allclose(correlate_valid(image, kernel), ndimage.correlate(image, kernel, mode="constant")[1:-1, 1:-1])
    assert np.allclose(correlate_valid(image, kernel[:2]), conv2d_valid(image, kernel[:2]))


@pytest.mark.parametrize("name", ["identity", "box blur", "Gaussian blur", "sharpen"])
def test_do_kernels_summing_to_1_keep_a_flat_image_flat(name):
    assert np.allclose(apply_filter(np.full((5, 5), 0.3), name), 0.3)


def test_does_identity_return_the_image_without_its_border():
    assert np.array_equal(apply_filter(IMAGES["ramp"], "identity"), IMAGES["ramp"][1:-1, 1:-1])


def test_does_sobel_x_find_the_vertical_edge_and_sobel_y_nothing():
    gx, gy = apply_filter(STEP, "Sobel x"), apply_filter(STEP, "Sobel y")
    assert gx[0].tolist() == [0, 0, 4, 4, 0, 0] and np.all(gy == 0)
    assert np.array_equal(apply_filter(STEP, EDGE_MAGNITUDE), gx)


@pytest.mark.parametrize("value, colour", [(-2.0, "white"), (2.0, "black"), (0.0, "black")])
def test_is_each_weight_written_in_a_colour_that_contrasts_with_its_cell(value, colour):
    fig = Figure()
    ax = fig.subplots()
    draw_weights(ax, np.full((1, 1), value), limit=2.0)
    assert ax.texts[0].get_color() == colour


def test_are_kernel_weights_written_with_their_sign_and_without_minus_zero():
    fig = Figure()
    ax = fig.subplots()
    draw_weights(ax, np.array([[-1.0, -0.0001, 1.0], [-1.99951, 0.5, 2.0]]), limit=2.0)
    assert [text.get_text() for text in ax.texts] == ["-1", "0", "+1", "-2.00", "+0.50", "+2"]
    ax.clear()
    draw_weights(ax, np.full((1, 2), 1 / 9), limit=1 / 9)   # no negative weight: no "+" either
    assert [text.get_text() for text in ax.texts] == ["0.11", "0.11"]


def test_does_the_caption_give_sizes_and_output_range():
    fig = Figure()
    caption = draw_filter(fig, IMAGES, "step", "Sobel x")
    assert caption == "Sobel x on the step: 6x8 in, 4x6 out; output values from 0.00 to 4.00."
    assert len(fig.axes) == 4   # image, kernel, output and the output's colour bar
    # signed output: a map that grows steadily lighter, so its sign reads in greyscale too
    assert fig.axes[2].images[0].get_cmap().name == "cividis"
    assert fig.axes[3].get_ylabel() == "response (0: no change)"


@pytest.mark.parametrize("kernel", [*KERNELS, EDGE_MAGNITUDE])
def test_does_every_kernel_draw(kernel):
    fig = Figure()
    assert draw_filter(fig, IMAGES, "ramp", kernel).startswith(f"{kernel} on the ramp: 6x8 in, 4x6 out")
    assert fig.axes[0].get_title() == "ramp, 6x8"


def test_do_the_dropdowns_redraw():
    explorer = filter_explorer(IMAGES)
    assert explorer.caption.value.startswith("Sobel x on the step")
    explorer.controls["kernel"].value = "box blur"
    explorer.controls["image"].value = "ramp"
    assert explorer.caption.value.startswith("box blur on the ramp: 6x8 in, 4x6 out")
    assert explorer.png.startswith(b"\x89PNG")
