"""Does lesson 04's explorer retrain the network, draw both learning curves and caption what happened?"""
import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from course.data import load_digits_split
from course.demos.nb04_neural_networks_from_scratch import (
    describe_run,
    draw_training,
    learning_curves,
    training_explorer,
)


@pytest.fixture(scope="module")
def data():
    X_train, _, y_train, _ = load_digits_split(test_size=0.5, seed=0)
    return X_train[:700], y_train[:700], X_train[700:], y_train[700:]


def test_are_there_losses_accuracies_and_dead_units_for_every_epoch(data):
    curves = learning_curves(data, hidden=32, lr=0.5, epochs=5)
    assert all(len(values) == 5 for values in curves.values())
    assert curves["train_loss"][-1] < curves["train_loss"][0] < np.log(10)
    assert 0.8 < curves["val_acc"][-1] <= 1.0


def test_does_the_same_seed_give_the_same_curves(data):
    first, second = learning_curves(data, 16, 0.3, epochs=3, seed=1), learning_curves(data, 16, 0.3, epochs=3, seed=1)
    assert all(np.array_equal(first[name], second[name]) for name in first)


def test_does_a_good_setting_get_a_caption_with_validation_accuracy(data):
    fig = Figure()
    caption = draw_training(fig, data, hidden=64, lr=0.5, epochs=10)
    assert caption.startswith("Hidden width 64, learning rate 0.5: validation accuracy 9")
    assert len(fig.axes) == 2 and all(len(ax.lines) >= 2 for ax in fig.axes)
    assert fig.axes[0].get_ylabel() and fig.axes[1].get_xlabel() == "epoch"


def test_does_a_huge_learning_rate_report_dead_relus(data):
    caption = describe_run(learning_curves(data, hidden=32, lr=3.0, epochs=10), 32, 3.0)
    assert "no better than guessing" in caption and "of 32 hidden units are dead" in caption


def test_is_an_overflowing_run_reported_without_warnings():
    curves = {"train_loss": np.array([2.3, np.nan]), "val_loss": np.array([2.3, np.nan]),
              "train_acc": np.array([0.1, 0.1]), "val_acc": np.array([0.1, 0.1]), "dead_units": np.array([0, 0])}
    assert "overflowed to NaN" in describe_run(curves, 8, 3.0)


def test_does_the_explorer_retrain_well_under_a_second_when_a_slider_moves(data):
    explorer = training_explorer(*data, seed=0)
    assert "Hidden width 128, learning rate 0.5" in explorer.caption.value
    start = time.perf_counter()
    explorer.controls["hidden"].value = 8
    took = time.perf_counter() - start
    assert explorer.caption.value.startswith("Hidden width 8, learning rate 0.5")
    assert took < 1.5  # about 0.1 s alone; generous for a busy test machine
    explorer.controls["lr"].value = 0.01
    assert "learning rate 0.01" in explorer.caption.value
