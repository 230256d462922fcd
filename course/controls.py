"""Sliders with a name a screen reader can say: the explorers' controls.

ipywidgets draws a slider's handle as a `div` with `role="slider"` and no accessible name, so a
screen reader says "slider, 0.5" without saying what it sets (axe: aria-input-field-name).
`Slider` is a small anywidget instead: a native `<input type="range">` inside its visible
label (course/static/slider.js). The browser then gives it its name, the arrow, Home, End and
Page keys, and speaks the same readout the learner sees.

The input moves over positions 0..n-1; the kernel keeps the values those positions stand for.
Build one with `int_slider`, `float_slider`, `log_slider` or `choice_slider`, which take the
arguments of ipywidgets' IntSlider, FloatSlider, FloatLogSlider and SelectionSlider.
Like an ipywidgets slider it has `value`, `description` and `observe(..., names="value")`.
"""
from __future__ import annotations

import math
from pathlib import Path

import anywidget
import traitlets

STATIC = Path(__file__).with_name("static")


class Slider(anywidget.AnyWidget):
    """A labelled slider over a list of options; `value` is the chosen option."""

    _esm = STATIC / "slider.js"
    _css = STATIC / "slider.css"
    description = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    continuous_update = traitlets.Bool(True).tag(sync=True)
    value = traitlets.Any()

    def __init__(self, options, value, description: str, continuous_update: bool = True, log: bool = False):
        """`options`: values, or (readout, value) pairs; `log`: nearest option by ratio, not difference."""
        pairs = [option if isinstance(option, tuple) else (str(option), option) for option in options]
        if not pairs:
            raise ValueError(f"slider {description!r} needs at least one option")
        self.options = tuple(option for _, option in pairs)
        self._log = log
        super().__init__(labels=[label for label, _ in pairs], description=description,
                         continuous_update=continuous_update)
        self.value = value

    @property
    def readout(self) -> str:
        """The value as the slider shows it (its readout), or its repr when code set it between options."""
        return self.labels[self.index] if self.options[self.index] == self.value else repr(self.value)

    def nearest(self, value) -> int:
        """Return the position of the option equal to `value`, or else nearest to it."""
        for i, option in enumerate(self.options):
            if option == value:
                return i
        try:
            key = math.log if self._log else float
            target = key(value)
            return min(range(len(self.options)), key=lambda i: abs(key(self.options[i]) - target))
        except (TypeError, ValueError) as error:
            raise traitlets.TraitError(
                f"slider {self.description!r}: {value!r} is not one of its options {list(self.options)}") from error

    @traitlets.validate("value")
    def _inside(self, proposal):
        """Keep a value set from code (it may lie between options); one outside the range becomes the end."""
        value = proposal["value"]
        if value in self.options:
            return value
        i = self.nearest(value)      # a value that is neither an option nor a number stops here
        low, high = sorted((self.options[0], self.options[-1]))
        return value if low <= value <= high else self.options[i]

    @traitlets.observe("value")
    def _move_handle(self, change):
        self.index = self.nearest(change["new"])

    @traitlets.observe("index")
    def _take_option(self, change):
        if self.nearest(self.value) != change["new"]:   # moved in the browser
            self.value = self.options[change["new"]]


def int_slider(value: int, min: int, max: int, description: str, step: int = 1,
               continuous_update: bool = True) -> Slider:
    """A slider over the integers min, min + step, ..., max (IntSlider's arguments)."""
    return Slider(range(min, max + 1, step), value, description, continuous_update)


def float_slider(value: float, min: float, max: float, step: float, description: str,
                 readout_format: str = ".2f", continuous_update: bool = True) -> Slider:
    """A slider over min, min + step, ..., max, each shown with `readout_format` (FloatSlider's arguments)."""
    values = [round(min + i * step, 12) for i in range(round((max - min) / step) + 1)]
    return Slider([(format(v, readout_format), v) for v in values], value, description, continuous_update)


def log_slider(value: float, min: float, max: float, step: float, description: str, base: float = 10,
               readout_format: str = ".3g", continuous_update: bool = True) -> Slider:
    """A slider over base ** e for e = min, min + step, ..., max (FloatLogSlider's arguments)."""
    values = [base ** round(min + i * step, 12) for i in range(round((max - min) / step) + 1)]
    return Slider([(format(v, readout_format), v) for v in values], value, description, continuous_update, log=True)


def choice_slider(options, value, description: str, continuous_update: bool = True) -> Slider:
    """A slider over a list of values or (readout, value) pairs (SelectionSlider's arguments)."""
    return Slider(options, value, description, continuous_update)
