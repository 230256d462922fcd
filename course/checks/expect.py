"""Small assertions for checkers: each raises Incorrect with a message a learner can act on.

Every message names the call that produced the value (`f.last_call` of a Guarded
function), what was expected, and what came back.
"""
from __future__ import annotations

import numbers

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


def digits(got: float, expected: float) -> tuple[str, str]:
    """Return got and expected written with just enough significant digits to tell them apart."""
    short = repr(float(got)), repr(float(expected))
    if max(map(len, short)) <= 8:
        return short
    for places in range(4, 18):
        a, b = f"{got:.{places}g}", f"{expected:.{places}g}"
        if a != b:
            return a, b
    return repr(float(got)), repr(float(expected))


def gap(got, expected) -> str:
    """Name how `got` differs from `expected` when it is a common slip: rounded, a constant factor off, or negated.

    Works on numbers and on arrays (a factor common to every entry); returns '' when no slip fits.
    """
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape or not (np.all(np.isfinite(got)) and np.all(np.isfinite(expected))):
        return ""
    for places in range(0, 7):
        if np.array_equal(got, np.round(expected, places)) and not np.allclose(got, expected, rtol=1e-12, atol=0):
            return (f" Your value is the answer rounded to {places} decimals: return it unrounded, and round only "
                    "when you print.")
    nonzero = np.abs(expected) > 1e-12
    if not nonzero.any() or not np.allclose(got[~nonzero], 0, atol=1e-12):
        return ""
    ratios = got[nonzero] / expected[nonzero]
    ratio = float(np.median(ratios))
    if ratio == 0 or not np.allclose(ratios, ratio, rtol=1e-6) or np.isclose(ratio, 1.0, rtol=1e-9):
        return ""
    if np.isclose(ratio, -1.0, rtol=1e-6):
        return " It is the answer with the opposite sign."
    every = ", in every entry" if got.size > 1 else ""
    if np.isclose(ratio, 100, rtol=1e-6):
        return f" It is 100 times the answer{every}: a percentage where a fraction between 0 and 1 belongs."
    for factor, word in ((ratio, "times as large as"), (1 / ratio, "times smaller than")):
        if factor > 1 and np.isclose(factor, round(factor), rtol=1e-6):
            return f" It is {round(factor)} {word} the answer (a factor of {round(factor)}){every}."
        if factor > 1 and np.isclose(factor ** 2, round(factor ** 2), rtol=1e-6):
            return (f" It is sqrt({round(factor ** 2)}) = {factor:.4g} {word} the answer: a square root where "
                    "none belongs, or one missing.")
    return ""


def expect_close(got, expected, call: str, *, rtol: float = 1e-6, atol: float = 1e-9, what: str = "values") -> None:
    """Check that `got` matches `expected` elementwise within tolerance; name a rounding or a common factor."""
    expected = np.asarray(expected, dtype=float)
    arr = expect_array(got, call, shape=expected.shape, kind="f")
    close = np.isclose(arr.astype(float), expected, rtol=rtol, atol=atol)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        at = f" at index {index}" if index else ""
        shown, wanted = digits(arr[index].item(), expected[index].item())
        raise Incorrect(
            f"`{call}` returned wrong {what}{at}: got {shown}, expected {wanted} "
            f"({int((~close).sum())} of {close.size} differ).{gap(arr, expected)}"
        )


def expect_type(got, types, call: str, expected: str) -> None:
    """Check that `got` is an instance of `types`; `expected` names them for the learner."""
    if not isinstance(got, types):
        raise Incorrect(f"`{call}` returned {describe(got)}; expected {expected}.")


def expect_equal(got, expected, call: str, what: str = "result") -> None:
    """Check that `got == expected` (plain Python values)."""
    if got != expected:
        raise Incorrect(f"`{call}` returned the wrong {what}: got {describe(got)}, expected {describe(expected)}.")


# how "expected ..." names n values, and n numbers
VALUES = {2: "a pair", 3: "three values", 4: "four values"}
NUMBERS = {2: "a pair", 3: "three numbers", 4: "four numbers"}


def _plural(n: int, word: str = "value") -> str:
    """Return "1 value" or "n values"."""
    return f"{n} {word}{'s' * (n != 1)}"


def expect_number(got, call: str, what: str = "one number", *, part: str = "", finite: bool = True,
                  why_many: str = "", why_nan: str = "") -> float:
    """Return `got` as a float: one real number (a Python or numpy scalar, or an array holding one), never a bool.

    `part` names the item when `got` is one part of what the call returned (b of (w, b));
    `why_many` and `why_nan` add the check's own advice to those two messages.
    """
    given = f"{part} = {describe(got)}" if part else describe(got)
    if isinstance(got, (bool, np.bool_)):
        raise Incorrect(f"`{call}` returned {given}; expected {what}.")
    if isinstance(got, numbers.Real):
        value = float(got)
    else:
        value = _the_one_number(got, call, given, what, why_many)
    if finite and not np.isfinite(value):
        raise Incorrect(f"`{call}` returned {f'{part} = ' if part else ''}{value}, not a finite number; expected "
                        f"{what}.{why_nan}")
    return value


def _the_one_number(got, call: str, given: str, what: str, why_many: str) -> float:
    """Return the one number in an array or list, or say why there is not exactly one."""
    if not isinstance(got, (np.ndarray, np.generic, list, tuple)):
        raise Incorrect(f"`{call}` returned {given}; expected {what}.")
    try:
        arr = np.asarray(got)
    except (ValueError, TypeError):   # ragged lists
        raise Incorrect(f"`{call}` returned {given}; expected {what}.") from None
    if arr.dtype.kind not in "fiu":
        raise Incorrect(f"`{call}` returned {given}; expected {what}.")
    if arr.size != 1:
        raise Incorrect(f"`{call}` returned {_plural(arr.size)}; expected {what}.{why_many}")
    return float(arr.reshape(-1)[0])


def expect_count(got, call: str, what: str = "a whole number", *, why_fraction: str = "") -> int:
    """Return `got` as an int: one number with a whole value (12 or 12.0, as np.ceil gives), never a bool."""
    value = expect_number(got, call, what)
    if not value.is_integer():
        raise Incorrect(f"`{call}` returned {value:g}, not a whole number; expected {what}.{why_fraction}")
    return int(value)


def expect_values(got, n: int, call: str, names: str) -> list:
    """Return the n items of `got` after checking it is a tuple or list of exactly n; `names` lists them.

    An array is refused: where the task asks for (w, b), an array is one of the two.
    """
    if not isinstance(got, (tuple, list)):
        raise Incorrect(f"`{call}` returned {describe(got)}; expected {VALUES.get(n, f'{n} values')} {names}.")
    if len(got) != n:
        raise Incorrect(f"`{call}` returned {_plural(len(got))}; expected {n}: {names}.")
    return list(got)


def expect_numbers(got, n: int, call: str, names: str) -> tuple:
    """Return n finite floats from `got` (a tuple, list or 1-D array), each a number as expect_number means it."""
    if not (isinstance(got, (tuple, list)) or (isinstance(got, np.ndarray) and got.ndim == 1)):
        raise Incorrect(f"`{call}` returned {describe(got)}; expected {NUMBERS.get(n, f'{n} numbers')} {names}.")
    values = []
    for item in expect_values(list(got), n, call, names):
        try:
            values.append(expect_number(item, call, finite=False))
        except Incorrect:
            raise Incorrect(f"`{call}` returned {describe(item)} in {names}; expected numbers.") from None
    bad = [v for v in values if not np.isfinite(v)]
    if bad:
        raise Incorrect(f"`{call}` returned {names} containing {'NaN' if np.isnan(bad[0]) else 'inf'}; every value "
                        "should be a finite number.")
    return tuple(values)


def expect_inputs_unchanged(fn, why: str) -> None:
    """Raise Incorrect if the last call of `fn` (a Guarded function) changed an array argument in place.

    `why` says which later cell that would hurt. A grader's function, which runs the learner's
    code elsewhere, has no `changed_inputs`, and the check is skipped.
    """
    changed = getattr(fn, "changed_inputs", None)
    if changed:
        names = ", ".join(f"`{name}`" for name in changed)
        raise Incorrect(f"`{fn.last_call}` returned the right values but changed its input {names} in place. "
                        f"{why} Leave the inputs unchanged: build a new array (`X - mean`, `X + step`, or "
                        "`X = X.copy()` first) instead of `-=`, `+=` or `out=`.")
