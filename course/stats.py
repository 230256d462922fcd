"""Small statistics used by the research-practice lessons: intervals for means and paired differences."""
from __future__ import annotations

import numpy as np
from scipy import stats as _scipy_stats


def mean_ci(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """Return (mean, low, high): the mean with a Student-t confidence interval."""
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) < 2:
        raise ValueError(f"need a 1-D array of at least 2 values, got shape {x.shape}")
    mean = float(x.mean())
    half = float(_scipy_stats.t.ppf(0.5 + confidence / 2, df=len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return mean, mean - half, mean + half


def paired_bootstrap_ci(a, b, n_boot: int = 10_000, confidence: float = 0.95,
                        rng: np.random.Generator | None = None) -> tuple[float, float, float]:
    """Return (mean of a - b, low, high): a percentile bootstrap interval that resamples pairs."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError(f"need two 1-D arrays of the same length >= 2, got {a.shape} and {b.shape}")
    rng = np.random.default_rng(0) if rng is None else rng
    diff = a - b
    # resample seeds (pairs), never the two arms separately: pairing is what removes seed noise
    means = diff[rng.integers(0, len(diff), size=(n_boot, len(diff)))].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(diff.mean()), float(low), float(high)
