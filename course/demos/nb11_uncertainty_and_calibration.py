"""Lesson 11's demo: a temperature slider redrawing the reliability diagram, with ECE and NLL in the caption."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course.controls import log_slider
from course.explore import Explorer


def softmax_at(logits, temperature: float = 1.0):
    """Return row-wise softmax(logits / temperature), stable for large logits."""
    scaled = np.asarray(logits, dtype=float) / temperature
    exp = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def calibration_bins(proba, y, n_bins: int = 10):
    """Return (count, mean confidence, accuracy) per equal-width bin ((m-1)/M, m/M]; NaN where a bin is empty."""
    proba, y = np.asarray(proba), np.asarray(y)
    confidence = proba.max(axis=1)
    right = (proba.argmax(axis=1) == y).astype(float)
    # right=True puts a confidence exactly on an edge into the lower bin, and 1.0 into the last one
    which = np.digitize(confidence, np.linspace(0, 1, n_bins + 1)[1:-1], right=True)
    count = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, confidence, n_bins) / count
        accuracy = np.bincount(which, right, n_bins) / count
    return count, mean_confidence, accuracy


def expected_calibration_error(proba, y, n_bins: int = 10) -> float:
    """Return the ECE: the gap |accuracy - confidence| per bin, weighted by the bin's share of predictions."""
    count, confidence, accuracy = calibration_bins(proba, y, n_bins)
    filled = count > 0
    return float(np.sum(count[filled] / count.sum() * np.abs(accuracy[filled] - confidence[filled])))


def mean_nll(proba, y) -> float:
    """Return the mean negative log-likelihood of the true classes (natural log)."""
    proba, y = np.asarray(proba), np.asarray(y)
    return float(-np.mean(np.log(np.maximum(proba[np.arange(len(y)), y], 1e-300))))


def plot_reliability(count, confidence, accuracy, ax, title: str = "Reliability diagram"):
    """Draw accuracy per confidence bin as bars, the gap to the bin's mean confidence, and the diagonal."""
    n_bins = len(count)
    centres = (np.arange(n_bins) + 0.5) / n_bins
    filled = count > 0
    ax.bar(centres[filled], accuracy[filled], width=1 / n_bins, color="tab:blue", edgecolor="white",
           label="accuracy in the bin")
    # the gap runs from the accuracy to the mean confidence: up where the model claims too much
    gap = confidence - accuracy
    over, under = filled & (gap > 0), filled & (gap < 0)
    if over.any():
        ax.bar(centres[over], gap[over], bottom=accuracy[over], width=1 / n_bins, color="#f4b6b6",
               edgecolor="tab:red", hatch="//", label="gap: overconfident")
    if under.any():
        # drawn over the blue bar, so hatching only: the bar's colour stays readable underneath
        ax.bar(centres[under], gap[under], bottom=accuracy[under], width=1 / n_bins, fill=False,
               edgecolor="orange", hatch="\\\\", linewidth=1.2, label="gap: underconfident")
    ax.plot([0, 1], [0, 1], color="gray", linestyle="--", label="perfect calibration")
    # how many predictions each bar stands for: a bar of 3 is noise, a bar of 800 is not
    for x, n, acc in zip(centres[filled], count[filled], accuracy[filled]):
        ax.text(x, 0.02, str(n), ha="center", va="bottom", fontsize=9, color="white" if acc > 0.08 else "black")
    ax.set(xlim=(0, 1), ylim=(0, 1), title=title, xlabel="confidence (probability of the predicted class)",
           ylabel="fraction right")
    # below the axes: inside, any corner can hold a bar or a gap (a bin at low confidence reaches the top)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9, frameon=False)
    return ax


def plot_confidence_histogram(count, ax, title: str = "Where the predictions fall"):
    """Draw the share of predictions in each confidence bin; return the axes."""
    n_bins = len(count)
    ax.bar((np.arange(n_bins) + 0.5) / n_bins, count / max(count.sum(), 1), width=1 / n_bins,
           color="0.6", edgecolor="white")
    ax.set(xlim=(0, 1), ylim=(0, 1), title=title, xlabel="confidence", ylabel="share of predictions")
    return ax


def draw_reliability(fig, logits, y, temperature: float, n_bins: int = 10, name: str = "test digits") -> str:
    """Draw the reliability diagram and histogram of softmax(logits / T); return a caption with ECE and NLL."""
    proba = softmax_at(logits, temperature)
    count, confidence, accuracy = calibration_bins(proba, y, n_bins)
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    plot_reliability(count, confidence, accuracy, left, title=f"{name}, T = {temperature:.2f}")
    plot_confidence_histogram(count, right)
    acc = float((proba.argmax(axis=1) == np.asarray(y)).mean())
    mean_conf = float(proba.max(axis=1).mean())
    verdict = ("about right" if abs(mean_conf - acc) < 0.0005 else
               "overconfident" if mean_conf > acc else "underconfident")
    return (f"T = {temperature:.2f} on {name}: accuracy {acc:.1%} (T never changes it), mean confidence "
            f"{mean_conf:.1%} ({verdict} on average), ECE {expected_calibration_error(proba, y, n_bins):.3f}, "
            f"NLL {mean_nll(proba, y):.3f}.")


def temperature_explorer(datasets: dict, temperature: float = 1.0, n_bins: int = 10) -> Explorer:
    """Return an explorer: a temperature slider and a choice of {name: (logits, y)} redraw the diagram."""
    controls = {
        "temperature": log_slider(temperature, -0.7, 0.8, 0.02, "temperature", readout_format=".2f",
                                  continuous_update=False),
        "name": widgets.Dropdown(options=list(datasets), description="data"),
    }

    def draw(fig, temperature, name):
        logits, y = datasets[name]
        return draw_reliability(fig, logits, y, temperature, n_bins, name)

    return Explorer(draw, controls, figsize=(9, 3.6), title="temperature and the reliability diagram")
