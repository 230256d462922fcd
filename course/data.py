"""Offline data: datasets bundled with installed packages, and the course's own assets/."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def assets_dir() -> Path:
    """Return the assets/ folder ($COURSE_ASSETS if set, else the one beside the package)."""
    return Path(os.environ.get("COURSE_ASSETS", ROOT / "assets"))


def asset_path(stem: str, name: str) -> Path:
    """Return the path of assets/<stem>/<name>, with a clear error if it is missing."""
    path = assets_dir() / stem / name
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the course's assets/ folder ships with the repository; "
            "run the notebooks from a clone of it (or set COURSE_ASSETS)."
        )
    return path


def load_digits_split(test_size: float = 0.5, seed: int = 0):
    """Return X_train, X_test, y_train, y_test from scikit-learn's bundled 8x8 digits.

    Pixels are scaled to [0, 1]; the split is stratified, so every digit appears in both
    halves in the same proportion.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    return train_test_split(X, digits.target, test_size=test_size, random_state=seed, stratify=digits.target)


def load_python_help() -> dict[str, str]:
    """Return Python 3.11.7's 79 help pages ({topic: text}), from the fixed copy in assets/.

    Lesson 06 trains on this text. Python ships the same pages as `pydoc_data.topics`, but
    they change between releases, so the course keeps one copy and every Python sees it.
    """
    path = asset_path("06-language-models", "python-help-pages.json")
    return json.loads(path.read_text(encoding="utf-8"))
