"""Drive a notebook in JupyterLab the way a learner does: menus, checkboxes, buttons.

Every wait here has a deadline and every failure says what the page showed, so a
broken lesson reads as "cell 12 shows an error: ..." rather than as a timeout.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # only the browser tests wait on pages, and they skip without playwright
    PlaywrightTimeout = TimeoutError

from course.quiz import LETTERS, load_bank, shown

# The notebook on show (a restored workspace could keep others open in hidden tabs).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
PROMPTS = f"[...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt')]"
INDICATORS = "[...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]"
# The status bar reads "<kernel name> | Idle" once the page is connected to a running kernel.
KERNEL_READY = """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
  .some(e => /\\| Idle$/.test(e.textContent.trim()) && !e.textContent.includes('No Kernel'))"""
CLEARED = f"() => {{ const p = {PROMPTS}; return p.length > 0 && p.every(e => !/[0-9*]/.test(e.textContent)); }}"
STARTED = f"() => {PROMPTS}.some(e => /[0-9*]/.test(e.textContent))"
FINISHED = (f"() => !{PROMPTS}.some(e => e.textContent.includes('*')) && "
            f"{INDICATORS}.every(e => e.dataset.status === 'idle')")
# What a learner would read as broken, cell by cell (numbered as JupyterLab shows them, from 1).
PROBLEMS = """(notebook) => {
  const problems = [];
  document.querySelectorAll(notebook + ' .jp-Cell').forEach((cell, i) => {
    const where = 'cell ' + (i + 1);
    const prompt = cell.querySelector('.jp-CodeCell .jp-InputArea-prompt');
    if (prompt && !/[0-9]/.test(prompt.textContent)) problems.push(where + ' did not run');
    cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        .forEach(o => problems.push(where + ' shows an error or warning: ' + o.innerText.slice(-800)));
    if (/Error displaying widget|model not found/i.test(cell.innerText))
      problems.push(where + ' shows a broken widget: ' + cell.innerText.slice(0, 300));
  });
  return problems;
}"""


def squash(text: str) -> str:
    """Text as a reader sees it: no backticks (they become code font), single spaces."""
    return " ".join(text.replace("`", "").split())


def open_notebook(page, lab, path: str, cells: int, timeout: float = 60.0) -> None:
    """Load JupyterLab on a notebook; return once all `cells` show and its kernel is ready.

    The toolbar's indicator says idle before any kernel exists, and cells run then open a
    "Select Kernel" dialog, so readiness is asked of the server and of the status bar.
    """
    page.goto(lab.url(f"lab/tree/{path}") + "&reset")  # reset: this notebook alone, no restored tabs
    deadline = time.monotonic() + timeout
    page.wait_for_function(f"() => document.querySelectorAll('{NOTEBOOK} .jp-Cell').length === {cells}",
                           timeout=timeout * 1000)
    while not any(s["path"] == path and s["kernel"]["execution_state"] == "idle" for s in lab.api("sessions")):
        if time.monotonic() > deadline:
            raise AssertionError(f"no idle kernel for {path} after {timeout:.0f} s: {lab.api('sessions')}")
        time.sleep(0.2)
    page.wait_for_function(KERNEL_READY, timeout=max(1.0, deadline - time.monotonic()) * 1000)


def use_menu(page, menu: str, item: str) -> None:
    """Open a menu-bar menu and choose an item, as a mouse would (hover, then click)."""
    page.locator(f".lm-MenuBar-itemLabel:text-is('{menu}')").click()
    entry = page.locator(f".lm-Menu-content > li.lm-Menu-item:has(.lm-Menu-itemLabel:text-is('{item}'))")
    entry.hover()
    page.wait_for_function("() => !!document.querySelector('.lm-Menu-item.lm-mod-active')", timeout=5000)
    entry.click()


def choose(page, menu: str, item: str, effect: str, seconds: float) -> None:
    """Choose a menu item and wait for its `effect` (a JS predicate); once more if it had none.

    A click that lands while the page is still settling can be lost; a second one is safe
    because the effects waited for (outputs cleared, cells queued) show within milliseconds.
    """
    for attempt in range(2):
        use_menu(page, menu, item)
        try:
            page.wait_for_function(effect, timeout=seconds * 1000)
            return
        except PlaywrightTimeout:
            pass
    raise AssertionError(f"{menu} > {item} had no effect, twice")


def run_all(page, timeout: float) -> float:
    """Clear every output, run all cells, wait until the kernel is idle; return the seconds it took."""
    choose(page, "Edit", "Clear Outputs of All Cells", CLEARED, 3)
    start = time.monotonic()
    choose(page, "Run", "Run All Cells", STARTED, 5)
    try:
        page.wait_for_function(FINISHED, timeout=timeout * 1000, polling=100)
    except PlaywrightTimeout:
        raise AssertionError(f"the notebook was still running after {timeout:.0f} s") from None
    return time.monotonic() - start


def problems(page) -> list[str]:
    return page.evaluate(PROBLEMS, NOTEBOOK)


def cells_of(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code_of(path: Path) -> str:
    """The source of a notebook's code cells, one after another."""
    return "\n".join("".join(c["source"]) for c in cells_of(path) if c["cell_type"] == "code")


def asked_questions(lesson: Path) -> list[dict]:
    """The self-checks a lesson asks (`quiz.ask("id")`), in order, as the learner sees them.

    A lesson's bank has the lesson's stem (tests/test_quiz_banks.py holds them together); the
    choices come in their shown (shuffled) order, the order of the boxes and letters on the page.
    """
    bank = load_bank(lesson.stem)
    return [shown(bank.questions[i]) for i in re.findall(r"""\.ask\(\s*["']([a-z0-9-]+)["']""", code_of(lesson))]


def answer_wrong_then_right(page, spec: dict) -> str:
    """Answer a self-check in JupyterLab wrongly, then rightly (see answer_choices); return the confirmation."""
    quiz = page.locator(f"{NOTEBOOK} .course-q-{spec['id']}")
    quiz.scroll_into_view_if_needed()
    return answer_choices(quiz, quiz, spec, timeout=10_000)


def answer_choices(quiz, verdicts, spec: dict, timeout: int) -> str:
    """Tick a wrong choice and Check (its explanation must show), then the right ones (must be confirmed).

    `quiz` holds the choices and the Check button, `verdicts` the feedback (the widget, or the site's
    live region); the same steps serve the JupyterLab widget and the site's self-check. Returns the
    right answer's feedback text.
    """
    # single choice is a group of radio buttons, multiple choice a column of checkboxes
    role = "radio" if spec["kind"] == "single" else "checkbox"
    boxes = quiz.locator(f"input[type={role}]")
    choices = spec["choices"]
    assert boxes.count() == len(choices), f"{spec['id']}: {boxes.count()} {role}s for {len(choices)} choices"
    for i, choice in enumerate(choices):
        # each control is announced by its label: its letter and its text
        name = f"{LETTERS[i]}. {choice['text'].replace('`', '')}"
        assert quiz.get_by_role(role, name=name).count() == 1, f"{spec['id']}: no {role} labelled {name!r}"
    wrong = next(i for i, c in enumerate(choices) if not c["correct"])
    right = [i for i, c in enumerate(choices) if c["correct"]]

    boxes.nth(wrong).check()
    quiz.get_by_role("button", name="Check").click()
    shown = verdicts.locator(".course-feedback.course-incorrect")
    shown.wait_for(timeout=timeout)
    expected = f"{LETTERS[wrong]} is not right: {choices[wrong]['explain']}"
    assert "✘ Not yet" in shown.inner_text() and squash(expected) in squash(shown.inner_text()), (
        f"{spec['id']}: after ticking {LETTERS[wrong]} the feedback reads {shown.inner_text()!r}")

    if role == "checkbox":
        boxes.nth(wrong).uncheck()
    for i in right:
        boxes.nth(i).check()
    quiz.get_by_role("button", name="Check").click()
    confirmed = verdicts.locator(".course-feedback.course-correct")
    confirmed.wait_for(timeout=timeout)
    text = confirmed.inner_text()
    assert "✔ Correct" in text, f"{spec['id']}: the right answer got {text!r}"
    for i in right:
        assert squash(f"{LETTERS[i]} is right: {choices[i]['explain']}") in squash(text), (
            f"{spec['id']}: the confirmation does not explain {LETTERS[i]}: {text!r}")
    return text
