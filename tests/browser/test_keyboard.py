"""A self-check and an explorer in JupyterLab, used with the keyboard alone.

A small notebook in the test server's copy of the course asks one single-choice and one numeric
question of lesson 08. After running it, no mouse is used: focus moves with Tab and Shift+Tab,
a radio button is chosen with the arrow keys, a box is typed into, and Enter presses Check. The
verdict must appear inside an ARIA live region (role="status"), which must survive ipywidgets'
rendering, and say Correct or Not yet in words.

Another runs lesson 03's screening explorer: Tab reaches a slider that has its visible label as
its name and says its value in words; an arrow key and End move it, and the figure redraws with
a caption and a text alternative for the new value. (Then one click shows the mouse still works.)
"""
from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from course.data import ROOT
from course.quiz import LETTERS
from tests.browser.conftest import ARTIFACTS
from tests.browser.notebook import NOTEBOOK, asked_questions, open_notebook, problems, run_all, squash

LESSON = "08-reinforcement-learning"


def _notebook(sources: list[str]) -> dict:
    cells = [{"cell_type": "code", "id": f"cell-{i}", "metadata": {}, "execution_count": None, "outputs": [],
              "source": source} for i, source in enumerate(sources)]
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def focused(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e ? `${e.tagName.toLowerCase()}[${e.type || ''}] ${(e.labels && e.labels[0] ? e.labels[0].innerText :
        e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 60)}` : 'nothing'; }""")


def tab_until(page, quiz, selector: str, key: str = "Tab", limit: int = 30) -> None:
    """Press Tab (or Shift+Tab) until the focus is on `selector` inside the question."""
    for _ in range(limit):
        if quiz.locator(f"{selector}:focus").count():
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {selector}; the focus is on {focused(page)}")


def test_is_a_self_check_answered_with_the_keyboard_alone_in_jupyterlab(page, lab, timer):
    specs = {s["id"]: s for s in asked_questions(ROOT / "notebooks" / f"{LESSON}.ipynb")}
    single = next(s for s in specs.values() if s["kind"] == "single")
    numeric = next(s for s in specs.values() if s["kind"] == "numeric")
    path = lab.root / "notebooks" / "keyboard-check.ipynb"
    sources = [f'from course.quiz import load_bank\nquiz = load_bank("{LESSON}")']
    sources += [f'quiz.ask("{spec["id"]}")' for spec in (single, numeric)]
    path.write_text(json.dumps(_notebook(sources)), encoding="utf-8")
    open_notebook(page, lab, "notebooks/keyboard-check.ipynb", 3)
    timer.update(name="notebooks/keyboard-check.ipynb", cells=run_all(page, 60))
    assert not problems(page), problems(page)

    quiz = page.locator(f"{NOTEBOOK} .course-q-{single['id']}")
    quiz.scroll_into_view_if_needed()
    # Start in the cell's output: Tab from the top of the page would walk JupyterLab's own menus first.
    quiz.locator(".widget-html").first.evaluate("e => { e.tabIndex = -1; e.focus(); }")
    tab_until(page, quiz, "input[type=radio]")
    choices = single["choices"]
    wrong = next(i for i, c in enumerate(choices) if not c["correct"])
    right = next(i for i, c in enumerate(choices) if c["correct"])
    radios = quiz.locator("input[type=radio]")

    def choose(target: int) -> None:
        # arrows move the choice within the group, as in any radio group (Space picks the first)
        page.keyboard.press("Space")
        for _ in range(len(choices)):
            if radios.nth(target).is_checked():
                return
            page.keyboard.press("ArrowDown")
        raise AssertionError(f"the arrow keys never chose {LETTERS[target]}; focus on {focused(page)}")

    def check(status: str) -> str:
        """Tab to Check and press Enter; return the verdict of `status` that the live region shows."""
        tab_until(page, quiz, "button:text-is('Check')")
        page.keyboard.press("Enter")
        verdict = quiz.locator(f"[role=status][aria-live=polite] .course-feedback.course-{status}")
        verdict.wait_for(timeout=10_000)
        return verdict.inner_text()

    choose(wrong)
    said = check("incorrect")
    assert "✘ Not yet" in said
    assert squash(f"{LETTERS[wrong]} is not right: {choices[wrong]['explain']}") in squash(said)

    tab_until(page, quiz, "input[type=radio]", key="Shift+Tab")
    choose(right)
    assert "✔ Correct" in check("correct")

    box_quiz = page.locator(f"{NOTEBOOK} .course-q-{numeric['id']}")
    tab_until(page, box_quiz, "input[type=text]")
    assert box_quiz.get_by_role("textbox", name="Your answer:").count() == 1, "the number box has no label"
    page.keyboard.type(str(numeric["answer"]))
    tab_until(page, box_quiz, "button:text-is('Check')")
    page.keyboard.press("Enter")
    try:
        box_quiz.locator("[role=status] .course-feedback.course-correct").wait_for(timeout=10_000)
    except Exception:
        raise AssertionError(f"typed {box_quiz.locator('input[type=text]').input_value()!r}; the question shows "
                             f"{box_quiz.inner_text()!r}; focus on {focused(page)}") from None
    assert not page.crashes, page.crashes


def test_is_an_explorer_moved_with_the_keyboard_alone_in_jupyterlab(page, lab, timer):
    path = lab.root / "notebooks" / "keyboard-explorer.ipynb"
    source = "from course.demos.nb03_probability_and_statistics import screening_explorer\nscreening_explorer()"
    path.write_text(json.dumps(_notebook([source])), encoding="utf-8")
    open_notebook(page, lab, "notebooks/keyboard-explorer.ipynb", 1)
    timer.update(name="notebooks/keyboard-explorer.ipynb", cells=run_all(page, 60))
    assert not problems(page), problems(page)

    output = page.locator(f"{NOTEBOOK} .jp-OutputArea-output").first
    slider = output.get_by_role("slider", name="prevalence", exact=True)
    assert slider.count() == 1, f"no slider named 'prevalence'; the output shows {output.inner_text()!r}"
    assert slider.get_attribute("aria-valuetext") == "0.010"
    figure = output.locator("img[alt]")
    alt, caption = figure.get_attribute("alt"), output.inner_text()
    output.locator(".widget-html").first.evaluate("e => { e.tabIndex = -1; e.focus(); }")
    tab_until(page, output, "#" + slider.get_attribute("id"), key="Shift+Tab")   # past specificity, sensitivity

    def press(key: str, shown: str) -> None:
        """Press `key`; the slider must then say `shown`, and the figure be redrawn for it."""
        page.keyboard.press(key)
        try:   # the redraw replaces the <img>: the locator finds the new one
            expect(figure).to_have_attribute("alt", re.compile(re.escape(f"prevalence = {shown},")), timeout=10_000)
        except AssertionError:
            raise AssertionError(f"after {key}: the slider says {slider.get_attribute('aria-valuetext')!r}, focus on "
                                 f"{focused(page)}; the figure's alt text: {figure.get_attribute('alt')!r}") from None
        assert slider.get_attribute("aria-valuetext") == shown

    press("ArrowRight", "0.011")
    assert output.inner_text() != caption and figure.get_attribute("alt") != alt, "the caption did not change"
    press("End", "0.501")

    # the pointer still works: a click at the left end of another slider's track moves it there
    other = output.get_by_role("slider", name="sensitivity", exact=True)
    box = other.bounding_box()
    other.click(position={"x": 1, "y": box["height"] / 2})
    expect(figure).to_have_attribute("alt", re.compile(re.escape("sensitivity = 0.50,")), timeout=10_000)
    assert other.get_attribute("aria-valuetext") == "0.50"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    output.screenshot(path=str(ARTIFACTS / "keyboard-explorer.png"))   # the sliders as drawn, focus on one
    assert not page.crashes, page.crashes
