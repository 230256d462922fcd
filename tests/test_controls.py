"""Do the explorers' sliders keep the value the learner chose, and have a name a screen reader says?"""
from __future__ import annotations

import re

import pytest
import traitlets

from course.controls import STATIC, Slider, choice_slider, float_slider, int_slider, log_slider
from course.data import ROOT


def test_does_an_int_slider_cover_its_range_and_start_at_its_value():
    slider = int_slider(3, 1, 9, "degree", step=2)
    assert slider.options == (1, 3, 5, 7, 9) and slider.labels == ["1", "3", "5", "7", "9"]
    assert (slider.value, slider.index, slider.readout, slider.description) == (3, 1, "3", "degree")


def test_are_float_positions_clean_numbers_shown_with_the_readout_format():
    slider = float_slider(0.05, 0.005, 0.12, 0.001, "learning rate", ".3f")
    assert len(slider.options) == 116 and slider.options[7] == 0.012   # not 0.012000000000000002
    assert (slider.labels[0], slider.labels[-1], slider.readout) == ("0.005", "0.120", "0.050")


def test_does_a_log_slider_step_in_the_exponent():
    slider = log_slider(1e-6, -12, 1, 1, "λ", readout_format=".0e")
    assert slider.options[0] == 1e-12 and slider.options[-1] == 10.0 and len(slider.options) == 14
    assert slider.readout == "1e-06"
    slider.value = 4e-4                      # nearest by ratio: 1e-3 (2.5x), not by difference (1e-4)
    assert slider.labels[slider.index] == "1e-03"


def test_does_moving_the_handle_in_the_browser_set_the_value_and_its_readout():
    slider = choice_slider([("0.10", 0.1), ("0.20", 0.2)], 0.1, "epsilon")
    seen = []
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.index = 1                         # what the front end sends
    assert (slider.value, slider.readout, seen) == (0.2, "0.20", [0.2])


def test_does_setting_the_value_from_code_move_the_handle_and_keep_the_value():
    slider = float_slider(0.5, 0.0, 1.0, 0.1, "p")
    slider.value = 0.73                      # between positions: kept, handle on the nearest
    assert (slider.value, slider.index, slider.readout) == (0.73, 7, "0.73")
    slider.value = 5.0                       # outside the range: the end, as ipywidgets does
    assert (slider.value, slider.index) == (1.0, 10)


def test_is_a_value_that_is_no_option_refused_with_the_options_named():
    slider = choice_slider(["sgd", "adam"], "sgd", "optimiser")
    with pytest.raises(traitlets.TraitError, match=r"'optimiser': 'rmsprop' is not one of its options \['sgd', 'adam'\]"):
        slider.value = "rmsprop"
    assert slider.value == "sgd"
    with pytest.raises(ValueError, match="needs at least one option"):
        Slider([], None, "empty")


def test_does_the_front_end_draw_a_native_range_input_named_by_its_label():
    script = (STATIC / "slider.js").read_text()
    assert 'createElement("label")' in script and 'input.type = "range"' in script
    assert "name.htmlFor = id" in script and "input.id = id" in script   # the label names the input
    assert 'setAttribute("aria-valuetext"' in script                 # the readout is what is spoken
    assert "export default { render }" in script
    assert (STATIC / "slider.css").exists()


def test_is_the_front_end_shipped_with_the_package():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'course = ["static/*.js", "static/*.css"]' in pyproject


def test_does_no_explorer_use_an_ipywidgets_slider_whose_handle_has_no_name():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "course").rglob("*.py"))
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if re.search(r"widgets\.\w*Slider\(", line)]
    assert not offenders, f"use course.controls instead of an ipywidgets slider: {offenders}"
