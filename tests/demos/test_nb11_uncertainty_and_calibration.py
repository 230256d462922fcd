"""Does lesson 11's temperature explorer bin, score and draw the predictions correctly?"""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course import mlp
from course.checks.nb11_uncertainty_and_calibration import ece, ece_cases
from course.demos.nb11_uncertainty_and_calibration import (
    calibration_bins,
    draw_reliability,
    expected_calibration_error,
    mean_nll,
    plot_reliability,
    softmax_at,
    temperature_explorer,
)

# two classes; confidences 1.0 (right), 1.0 (wrong), 0.5 (right), 0.8 (right)
PROBA = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5], [0.2, 0.8]])
Y = np.array([0, 1, 0, 1])


def test_does_each_bin_include_its_upper_edge_and_one_land_in_the_last_bin():
    count, confidence, accuracy = calibration_bins(PROBA, Y, n_bins=4)
    assert count.tolist() == [0, 1, 0, 3]
    assert np.isnan(confidence[0]) and np.isnan(accuracy[2])
    assert confidence[1] == 0.5 and accuracy[1] == 1.0
    assert confidence[3] == pytest.approx(0.9333333) and accuracy[3] == pytest.approx(2 / 3)


def test_is_the_ece_the_weighted_gap_and_does_it_match_the_checker_reference():
    assert expected_calibration_error(PROBA, Y, 4) == pytest.approx(0.25 * 0.5 + 0.75 * (0.9333333 - 2 / 3))
    for proba, y, n_bins in ece_cases():
        assert expected_calibration_error(proba, y, n_bins) == pytest.approx(ece(proba, y, n_bins), abs=1e-12)


def test_is_the_nll_minus_the_mean_log_probability_of_the_truth_and_finite_at_zero():
    assert mean_nll(np.array([[0.5, 0.5], [0.9, 0.1]]), np.array([0, 0])) == pytest.approx(-np.log([0.5, 0.9]).mean())
    assert np.isfinite(mean_nll(PROBA, Y))   # the wrong one-hot row gives the truth probability 0


def test_does_temperature_one_match_course_mlp_and_never_change_the_argmax():
    logits = np.random.default_rng(0).normal(0, 3, (20, 10))
    assert np.allclose(softmax_at(logits, 1.0), mlp.softmax(logits))
    for T in (0.2, 1.7, 5.0):
        assert np.array_equal(softmax_at(logits, T).argmax(axis=1), logits.argmax(axis=1))
    assert softmax_at(logits, 5.0).max(axis=1).mean() < softmax_at(logits, 0.2).max(axis=1).mean()


def test_does_the_diagram_colour_only_the_gaps_that_exist_and_count_each_bar():
    ax = Figure().subplots()
    plot_reliability(*calibration_bins(PROBA, Y, 4), ax)
    labels = sorted(ax.get_legend_handles_labels()[1])
    assert labels == ["accuracy in the bin", "gap: overconfident", "gap: underconfident", "perfect calibration"]
    assert [t.get_text() for t in ax.texts] == ["1", "3"]
    calibrated = Figure().subplots()
    plot_reliability(*calibration_bins(np.eye(2)[[0, 1]], np.array([0, 1]), 4), calibrated)
    assert sorted(calibrated.get_legend_handles_labels()[1]) == ["accuracy in the bin", "perfect calibration"]


def test_does_the_caption_report_accuracy_confidence_ece_and_nll():
    logits = np.array([[2.0, 0.0], [2.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    caption = draw_reliability(Figure(), logits, y, 1.0, n_bins=10, name="toy")
    proba = softmax_at(logits, 1.0)
    assert caption == (f"T = 1.00 on toy: accuracy 75.0% (T never changes it), mean confidence "
                       f"{proba.max(axis=1).mean():.1%} (overconfident on average), ECE "
                       f"{expected_calibration_error(proba, y):.3f}, NLL {mean_nll(proba, y):.3f}.")
    assert "underconfident on average" in draw_reliability(Figure(), logits, np.array([0, 0, 1, 0]), 3.0, name="toy")
    certain = np.array([[50.0, 0.0], [0.0, 50.0]])
    assert "(about right on average)" in draw_reliability(Figure(), certain, np.array([0, 1]), 1.0, name="toy")


def test_does_the_explorer_redraw_when_the_temperature_or_the_data_change():
    rng = np.random.default_rng(1)
    clean, shifted = rng.normal(0, 4, (60, 10)), rng.normal(0, 4, (60, 10))
    y = clean.argmax(axis=1)
    explorer = temperature_explorer({"clean": (clean, y), "shifted": (shifted, y)})
    assert explorer.caption.value.startswith("T = 1.00 on clean: accuracy 100.0%")
    explorer.controls["temperature"].value = 2.0
    assert explorer.caption.value.startswith("T = 2.00 on clean: accuracy 100.0%")
    explorer.controls["name"].value = "shifted"
    assert explorer.caption.value.startswith("T = 2.00 on shifted:")
    assert explorer.png.startswith(b"\x89PNG")
