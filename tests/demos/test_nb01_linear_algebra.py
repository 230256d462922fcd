"""Do lesson 01's demos draw what their captions say: singular values, and digits rebuilt from k components?"""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course.demos.nb01_linear_algebra import (
    draw_matrix_map,
    draw_reconstructions,
    matrix_editor,
    plot_components,
    reconstruct_images,
    reconstruction_slider,
)

RNG = np.random.default_rng(0)
IMAGES = RNG.random((4, 64))
MEAN = RNG.random(64)
COMPONENTS = np.linalg.qr(RNG.normal(size=(64, 64)))[0].T   # orthonormal rows
VARIANCES = np.arange(64, 0, -1.0)


def test_does_the_caption_give_the_shears_singular_values():
    caption = draw_matrix_map(Figure(), 1, 1, 0, 1)
    # the shear [[1, 1], [0, 1]] has singular values (sqrt(5) +- 1) / 2, although both its eigenvalues are 1
    assert "s1 = 1.62, s2 = 0.62" in caption and "|det A| = 1.00" in caption


def test_do_the_drawn_semi_axes_have_the_singular_values_as_lengths():
    fig = Figure()
    draw_matrix_map(fig, 2, 0, 0, 0.5)
    after = fig.axes[1]
    semi_axes = [line for line in after.get_lines() if line.get_label() in ("s1 u1", "s2 u2")]
    lengths = sorted(np.hypot(line.get_xdata()[1], line.get_ydata()[1]) for line in semi_axes)
    assert np.allclose(lengths, [0.5, 2.0])


def test_does_a_singular_matrix_say_the_plane_is_flattened():
    assert "is singular" in draw_matrix_map(Figure(), 1, 2, 0.5, 1)


def test_does_the_matrix_editor_redraw_when_an_entry_changes():
    editor = matrix_editor(a=1, b=0, c=0, d=1)
    assert "s1 = 1.00, s2 = 1.00" in editor.caption.value
    editor.controls["a"].value = 2.0
    assert "s1 = 2.00, s2 = 1.00" in editor.caption.value


def test_does_reconstruction_with_every_component_give_the_images_back():
    assert np.allclose(reconstruct_images(IMAGES, MEAN, COMPONENTS, 64), IMAGES)
    assert np.allclose(reconstruct_images(IMAGES, MEAN, COMPONENTS, 0), MEAN)


@pytest.mark.parametrize("k, kept", [(0, "0.0%"), (32, f"{(64 + 33) * 32 / 2 / 2080:.1%}"), (64, "100.0%")])
def test_does_the_reconstruction_caption_report_variance_kept_and_error(k, kept):
    fig = Figure()
    caption = draw_reconstructions(fig, IMAGES, MEAN, COMPONENTS, VARIANCES, k)
    assert caption.startswith(f"k = {k}: {kept} of the variance kept")
    assert sum(ax.has_data() for ax in fig.axes) == 8
    if k == 64:
        assert caption.endswith("these 4 images 0.0000.")


def test_does_the_slider_redraw_with_fewer_components():
    slider = reconstruction_slider(IMAGES, MEAN, COMPONENTS, VARIANCES, k=64)
    assert slider.caption.value.startswith("k = 64: 100.0%")
    slider.controls["k"].value = 0
    assert slider.caption.value.startswith("k = 0: 0.0%")


def test_are_components_drawn_with_the_middle_tone_at_zero():
    fig = Figure()
    axes = plot_components(COMPONENTS[:3], titles=["1", "2", "3"], fig=fig, ncols=3)
    low, high = axes[0].get_images()[0].get_clim()
    assert low == -high and [ax.get_title() for ax in axes] == ["1", "2", "3"]


def test_does_the_component_colour_scale_get_lighter_from_negative_to_positive():
    """Can a reader of a greyscale print tell a negative weight from a positive one?"""
    fig = Figure()
    axes = plot_components(COMPONENTS[:2], fig=fig, ncols=2)
    cmap = axes[0].get_images()[0].get_cmap()
    rgb = cmap(np.linspace(0, 1, 11))[:, :3]
    lightness = rgb @ [0.299, 0.587, 0.114]
    assert np.all(np.diff(lightness) > 0)
