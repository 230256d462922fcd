"""Small assertions for checkers: each raises Incorrect with a message a learner can act on.

Every message names the call that produced the value (`f.last_call` of a Guarded
function), what was expected, and what came back.
"""
from __future__ import annotations

import numpy as np

from course.checks.guard import describe


class Incorrect(Exception):
    """The learner's answer is wrong; the message says how."""


def expect_array(got, call: str, *, shape=None, kind: str | None = None, finite: bool = True) -> np.ndarray:
    """Return `got` as an array after checking its type, shape, dtype kind ('f', 'i', 'b') and finiteness."""
    if isinstance(got, (str, bytes)) or not (isinstance(got, (np.ndarray, list, tuple)) or np.isscalar(got)):
        raise Incorrect(f"`{call}` returned {describe(got)}; expected a numpy array.")
    try:
        arr = np.asarray(got)
    except (ValueError, TypeError) as exc:
        raise Incorrect(f"`{call}` returned something numpy cannot read as an array ({exc}).") from None
    if shape is not None and arr.shape != tuple(shape):
        raise Incorrect(f"`{call}` returned an array of shape {arr.shape}; expected shape {tuple(shape)}.")
    if kind == "f" and arr.dtype.kind not in "fiu":
        raise Incorrect(f"`{call}` returned {arr.dtype} values; expected numbers (floats).")
    if kind in ("i", "u") and arr.dtype.kind not in "iu":
        raise Incorrect(f"`{call}` returned {arr.dtype} values; expected whole numbers (an integer dtype).")
    if kind == "b" and arr.dtype.kind != "b":
        raise Incorrect(f"`{call}` returned {arr.dtype} values; expected True/False (a bool dtype).")
    if finite and arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.any(np.isnan(arr)) else "inf"
        raise Incorrect(f"`{call}` returned an array containing {bad}; every value should be finite.")
    return arr


def expect_close(got, expected, call: str, *, rtol: float = 1e-6, atol: float = 1e-9, what: str = "values") -> None:
    """Check that `got` matches `expected` elementwise within tolerance."""
    expected = np.asarray(expected, dtype=float)
    arr = expect_array(got, call, shape=expected.shape, kind="f")
    close = np.isclose(arr.astype(float), expected, rtol=rtol, atol=atol)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        at = f" at index {index}" if index else ""
        raise Incorrect(
            f"`{call}` returned wrong {what}{at}: got {arr[index].item()!r}, expected {expected[index].item()!r} "
            f"({int((~close).sum())} of {close.size} differ)."
        )


def expect_type(got, types, call: str, expected: str) -> None:
    """Check that `got` is an instance of `types`; `expected` names them for the learner."""
    if not isinstance(got, types):
        raise Incorrect(f"`{call}` returned {describe(got)}; expected {expected}.")


def expect_equal(got, expected, call: str, what: str = "result") -> None:
    """Check that `got == expected` (plain Python values)."""
    if got != expected:
        raise Incorrect(f"`{call}` returned the wrong {what}: got {describe(got)}, expected {describe(expected)}.")
