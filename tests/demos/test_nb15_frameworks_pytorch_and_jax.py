"""Does lesson 15's explorer rank examples by their own gradient, and does the timing figure show ratios?"""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course import mlp
from course.data import load_digits_split
from course.demos.nb15_frameworks_pytorch_and_jax import (
    article,
    draw_gradients,
    gradient_explorer,
    gradient_norms,
    norm_report,
    plot_step_times,
)


@pytest.fixture(scope="module")
def data():
    X_train, _, y_train, _ = load_digits_split(test_size=0.5, seed=0)
    return X_train[:600], y_train[:600], X_train[600:700], y_train[600:700]


def test_is_each_norm_the_length_of_that_examples_own_gradient(data):
    _, _, X, y = data
    params = mlp.init_params(seed=1)
    norms = gradient_norms(params, X[:5], y[:5])
    for i in range(5):   # lesson 04's backward pass on a batch of one is that example's gradient
        grads = mlp.mlp_backward(params, X[i:i + 1], y[i:i + 1])
        assert norms[i] == pytest.approx(np.sqrt(sum((g ** 2).sum() for g in grads.values())), rel=1e-10)


def test_do_mistakes_have_the_longest_gradients_after_training(data):
    X_fit, y_fit, X_val, y_val = data
    report = norm_report(mlp.train(X_fit, y_fit, epochs=10, seed=0), X_val, y_val)
    wrong = report["predicted"] != y_val
    assert wrong.any() and np.median(report["norms"][wrong]) > 10 * np.median(report["norms"][~wrong])
    assert np.all(np.diff(report["norms"][report["order"]]) <= 0)


def test_does_the_drawing_label_its_axes_and_caption_the_rank(data):
    X_fit, y_fit, X_val, y_val = data
    report = norm_report(mlp.init_params(seed=0), X_val, y_val)
    fig = Figure()
    caption = draw_gradients(fig, X_val, y_val, report, epochs=0, rank=3)
    assert caption.startswith("After 0 epochs: the median gradient length is") and "Rank 3:" in caption
    hist_ax = fig.axes[0]
    assert hist_ax.get_xlabel() and hist_ax.get_ylabel() and hist_ax.get_title() and hist_ax.get_legend()


def test_does_the_explorer_redraw_when_a_control_moves(data):
    explorer = gradient_explorer(*data)
    first = explorer.caption.value
    explorer.controls["rank"].value = 2
    assert explorer.caption.value != first and "Rank 2:" in explorer.caption.value
    explorer.controls["epochs"].value = 0
    assert explorer.caption.value.startswith("After 0 epochs")
    assert all(control.description for control in explorer.controls.values())


def test_does_the_timing_figure_show_ratios_to_the_first_bar():
    fig = Figure()
    ax = fig.subplots()
    plot_step_times(ax, {"numpy": 0.002, "PyTorch": 0.004, "JAX": 0.001})
    labels = [text.get_text() for text in ax.texts]
    assert labels[0].strip().startswith("1.0x") and labels[1].strip().startswith("2.0x")
    assert ax.get_xlabel() and ax.get_title()


def test_is_the_article_right():
    assert article(8) == "an 8" and article(3) == "a 3"


def test_do_padded_batches_give_every_example_its_own_norm(data):
    _, _, X, y = data
    params = mlp.init_params(seed=2)
    norms = gradient_norms(params, X[:45], y[:45])   # one full batch of 32 and one padded batch of 13
    assert norms.shape == (45,)
    np.testing.assert_allclose(norms[32:], gradient_norms(params, X[32:45], y[32:45]), rtol=1e-12)
