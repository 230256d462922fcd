"""Self-check questions: single choice, multiple choice ("select all that apply"), numeric.

Questions are data: one bank per notebook, assets/<stem>/quiz.toml, read and checked by
course.bank. `load_bank(stem).ask(id)` returns a question that shows as a widget in
JupyterLab and as text (answer folded away) on GitHub, nbviewer and in tests.
Feedback goes into the widget's own state, and every answer is recorded in progress.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets

from course import progress
from course.bank import (
    KINDS,
    LETTERS,
    QuizBankError,
    bank_path,
    choice_order,
    load_questions,
    parse_number,
    validate,
    within,
)
from course.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Feedback, markup

# The bank's data side lives in course.bank; these names stay importable from here, where
# the lessons (`from course.quiz import load_bank`) and the tests have always found them.
__all__ = ["KINDS", "LETTERS", "Bank", "QuizBankError", "bank_path", "load_bank", "parse_number", "shown", "validate"]


def shown(spec: dict) -> dict:
    """Return the question as the learner sees it: its choices in their fixed, shuffled order.

    Letters (A, B, ...) in the widget, the text fallback, the feedback and `submit("B")` all
    refer to this order. Numeric questions come back unchanged.
    """
    if "choices" not in spec:
        return spec
    order = choice_order(spec["id"], len(spec["choices"]))
    return {**spec, "choices": [spec["choices"][i] for i in order]}


@dataclass
class Bank:
    """The questions of one notebook, by id."""

    stem: str
    questions: dict

    def ask(self, question_id: str):
        """Return the self-check `question_id` as a widget with a text fallback."""
        if question_id not in self.questions:
            raise KeyError(f"{self.stem} has no question {question_id!r}; it has {list(self.questions)}")
        spec = self.questions[question_id]
        return _CLASSES[spec["kind"]](spec, self.stem)


def load_bank(stem: str) -> Bank:
    """Read and validate assets/<stem>/quiz.toml."""
    return Bank(stem, load_questions(stem))


# How soon after a click a changed answer counts as the one that click meant (see answer_changed).
RACE_SECONDS = 1.5


class _SelfCheck:
    """The parts every self-check shares: prompt, Check button, feedback, text fallback."""

    def __init__(self, spec: dict, notebook: str):
        self.spec, self.notebook, self.id = spec, notebook, spec["id"]
        self.feedback = widgets.HTML(value=live(""))
        self.button = widgets.Button(description="Check", button_style="primary")
        self.button.on_click(lambda _button: self.check_pressed())
        self.checked_at: float | None = None          # when Check was last pressed
        self.rejudged: tuple | None = None            # (answer, when) last judged by answer_changed
        self.reveal = widgets.Button(description="Show answer")
        self.reveal.on_click(lambda _button: self.show_answer())
        header = widgets.HTML(f"<b>Self-check</b> <i>({KINDS[spec['kind']]})</i><br>{markup(spec['prompt'])}")
        controls = widgets.HBox([self.button, self.reveal])
        inputs = self._inputs()
        for control in inputs:
            if hasattr(control, "value") and not isinstance(control, widgets.HTML):
                control.observe(lambda _change: self.answer_changed(), names="value")
        self.widget = widgets.VBox([header, *inputs, controls, self.feedback])
        # Classes for styling and for the browser tests, which find a question by its id.
        self.widget.add_class("course-selfcheck")
        self.widget.add_class(f"course-q-{self.id}")

    def submit(self, answer, record: bool = True) -> Feedback:
        """Judge `answer`, show the verdict in the widget, record it (unless told not to), and return it."""
        verdict = self.evaluate(answer)
        self.feedback.value = live(verdict.html())
        if record and verdict.status in (CORRECT, INCORRECT):
            progress.record(self.notebook, "quiz", self.id, verdict.status)
        return verdict

    def check_pressed(self) -> None:
        """Check pressed in the widget: judge what the controls hold now.

        An answer already judged by answer_changed a moment ago is shown, not counted twice.
        """
        answer, now = self.value(), time.monotonic()
        again = self.rejudged is not None and self.rejudged[0] == answer and now - self.rejudged[1] < RACE_SECONDS
        self.checked_at, self.rejudged = now, None
        self.submit(answer, record=not again)

    def answer_changed(self) -> None:
        """Judge again an answer that changed just after Check was pressed.

        ipywidgets holds a control's new value back while the kernel is busy with an earlier
        message, but sends a button's click at once: a choice made right before pressing Check
        can reach the kernel after the click, which then judged the old choice. A change that
        arrives within RACE_SECONDS of the click is the one the learner meant to check.
        """
        now = time.monotonic()
        if self.checked_at is not None and now - self.checked_at < RACE_SECONDS:
            answer = self.value()
            self.checked_at, self.rejudged = None, (answer, now)
            self.submit(answer)

    def show_answer(self) -> None:
        self.feedback.value = live(f'<div class="course-answer">{markup(self.answer_text())}</div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = self.text()
        bundle["text/html"] = self.html()
        return bundle

    def text(self) -> str:
        lines = [f"Self-check ({KINDS[self.spec['kind']]}): {self.spec['prompt'].strip()}"]
        lines += [f"  {LETTERS[i]}. {c['text']}" for i, c in enumerate(self.spec.get("choices", []))]
        code, rest = self.how_to_answer()
        return "\n".join(lines + [f"(To answer, run this cell in JupyterLab, or type {code} in a code cell, {rest})"])

    def how_to_answer(self) -> tuple[str, str]:
        """Say how to answer where the widget does not show: the code to type, and the rest."""
        example, what = {"single": ('"B"', "your letter in place of B"),
                         "multiple": ('"BD"', "all your letters in place of BD"),
                         "numeric": ("0.25", "your number in place of 0.25")}[self.spec["kind"]]
        return (f'quiz.ask("{self.id}").submit({example})',
                f"with {what}. Either way the answer is judged, explained and saved in your progress.")

    def html(self) -> str:
        """The fallback where no widget shows (GitHub, nbviewer, an HTML export, the course's website).

        It reads on its own: the prompt, the choices by letter, the answer folded away, and how
        to answer from code. Its `data-course-quiz` attribute carries what the website's script
        (site/_static/selfcheck.js) needs to make it a working question without a kernel; plain
        data, so the markup stays inert wherever no such script runs.
        """
        # Letters written out: notebook sanitizers drop <ol type="A">, and the answer refers to letters.
        code, rest = self.how_to_answer()
        listing = "".join(f"<div><b>{LETTERS[i]}.</b> {markup(c['text'])}</div>"
                          for i, c in enumerate(self.spec.get("choices", [])))
        data = escape(json.dumps(self.site_data(), ensure_ascii=False, sort_keys=True), quote=True)
        return (
            f'<div class="course-quiz" data-course-quiz="{data}"><p><b>Self-check</b> '
            f'<i>({KINDS[self.spec["kind"]]})</i></p>'
            f'<p>{markup(self.spec["prompt"])}</p><div class="course-quiz-choices">{listing}</div>'
            f"<details><summary>Show the answer</summary><p>{markup(self.answer_text())}</p></details>"
            f'<p class="course-quiz-how"><i>To answer, run this cell in JupyterLab, or type '
            f"<code>{escape(code, quote=False)}</code> in a code cell, {escape(rest)}</i></p></div>"
        )


def live(html: str) -> str:
    """Wrap feedback in an ARIA live region, so a screen reader reads the verdict when it appears."""
    return f'<div class="course-live" role="status" aria-live="polite" aria-atomic="true">{html}</div>'


# ipywidgets gives every radio option one line's height, so a long choice wraps over the
# next one and a click on its second line picks the wrong answer. Let each option grow, with
# its radio button first (ipywidgets puts the text before the input).
RADIO_STYLE = ("<style>.course-selfcheck .widget-radio-box label {display: flex; flex-direction: row-reverse; "
               "justify-content: flex-end; gap: 0.4em; flex-wrap: nowrap; height: auto; "
               "min-height: var(--jp-widgets-radio-item-height); line-height: 1.4; white-space: normal; "
               "align-items: flex-start; padding: 2px 0;} .course-selfcheck .widget-radio-box input "
               "{margin-top: 0.25em; flex-shrink: 0;}</style>")


class _Choices(_SelfCheck):
    """Single and multiple choice: one checkbox per choice, each with its own explanation.

    The choices are shown in a fixed shuffled order (`shown`), so that the bank's order, where
    the right answer tends to come first, does not give it away.
    """

    def __init__(self, spec: dict, notebook: str):
        super().__init__(shown(spec), notebook)

    def _inputs(self):
        """Radio buttons for single choice, checkboxes for multiple: each labelled with its letter and text,
        so a screen reader announces it, and usable from the keyboard (Tab, arrows, Space)."""
        choices = self.spec["choices"]
        if self.spec["kind"] == "single":
            # option labels are plain text: `code` loses its backticks, not its words
            self.radio = widgets.RadioButtons(options=[(f"{LETTERS[i]}. {c['text'].replace('`', '')}", i)
                                                       for i, c in enumerate(choices)],
                                              value=None, description="Your answer:",
                                              style={"description_width": "initial"},
                                              layout=widgets.Layout(width="auto"))
            self.boxes = []
            return [widgets.HTML(RADIO_STYLE), self.radio]
        self.radio = None
        self.boxes = [widgets.Checkbox(value=False, indent=False, description=f"<b>{LETTERS[i]}.</b> {markup(c['text'])}",
                                       description_allow_html=True, layout=widgets.Layout(width="auto"))
                      for i, c in enumerate(choices)]
        return self.boxes

    def pick(self, i: int) -> None:
        """Select choice i as a learner would (its radio button, or tick its box)."""
        if self.radio is not None:
            self.radio.value = i
        else:
            self.boxes[i].value = True

    def value(self) -> set[int]:
        if self.radio is not None:
            return set() if self.radio.value is None else {self.radio.value}
        return {i for i, box in enumerate(self.boxes) if box.value}

    def _indices(self, answer) -> set[int]:
        if isinstance(answer, str) and re.fullmatch(r"[A-Za-z](?:[\s,;]*[A-Za-z])*", answer.strip()):
            answer = re.findall(r"[A-Za-z]", answer)   # "ACE", "a, c"
        items = [answer] if isinstance(answer, (int, str)) else list(answer or [])
        picked = set()
        for item in items:
            is_letter = isinstance(item, str) and len(item) == 1 and item.upper() in LETTERS
            index = LETTERS.index(item.upper()) if is_letter else item
            if not isinstance(index, int) or not 0 <= index < len(self.spec["choices"]):
                raise ValueError(f"{item!r} is not one of the choices {LETTERS[:len(self.spec['choices'])]}")
            picked.add(index)
        return picked

    def evaluate(self, answer) -> Feedback:
        try:
            picked = self._indices(answer)
        except ValueError as exc:
            return Feedback(NOT_ATTEMPTED, str(exc))
        choices = self.spec["choices"]
        right = {i for i, c in enumerate(choices) if c["correct"]}
        if not picked:
            return Feedback(NOT_ATTEMPTED, "Choose an answer first, then press Check.")
        if self.spec["kind"] == "single" and len(picked) > 1:
            return Feedback(NOT_ATTEMPTED, "Choose only one answer.")
        notes = [self._note(i) for i in sorted(picked)]
        if picked == right:
            extra = [self._note(i) for i in sorted(set(range(len(choices))) - picked)]
            return Feedback(CORRECT, "\n".join(notes + extra))
        missing = len(right - picked)
        if self.spec["kind"] == "multiple" and missing:
            notes.append(f"{missing} right choice(s) not ticked yet.")
        return Feedback(INCORRECT, "\n".join(notes + ["Try again."]))

    def _note(self, i: int) -> str:
        c = self.spec["choices"][i]
        verdict = "right" if c["correct"] else "not right"
        return f"{LETTERS[i]} is {verdict}: {c['explain'].strip()}"

    def site_data(self) -> dict:
        """The question as the website's script judges it: the shown choices, which are right, and why."""
        return {"id": self.id, "kind": self.spec["kind"],
                "choices": [{"label": f"{LETTERS[i]}. {c['text'].replace('`', '')}", "html": markup(c["text"]),
                             "correct": c["correct"], "explain": markup(c["explain"].strip())}
                            for i, c in enumerate(self.spec["choices"])]}

    def answer_text(self) -> str:
        right = [LETTERS[i] for i, c in enumerate(self.spec["choices"]) if c["correct"]]
        notes = [self._note(i) for i in range(len(self.spec["choices"]))]
        return "\n".join([f"Answer: {', '.join(right)}."] + notes)


class _Numeric(_SelfCheck):
    """A number typed in, right within a tolerance; known wrong numbers get their own explanation."""

    def _inputs(self):
        # The description is the text box's label: its accessible name. The value reaches the kernel
        # once, when the box loses focus: typed keystroke by keystroke, the last ones could still be
        # queued behind ipywidgets' throttle when Check's click arrives (Tab, Enter: "0" of "0.729").
        self.entry = widgets.Text(placeholder="a number: 0.25, 25% or 1/4", description="Your answer:",
                                  style={"description_width": "initial"}, continuous_update=False)
        return [self.entry]

    def value(self) -> str:
        return self.entry.value

    def evaluate(self, answer) -> Feedback:
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return Feedback(NOT_ATTEMPTED, "Type a number first, then press Check.")
        try:
            value = parse_number(answer) if isinstance(answer, str) else float(answer)
        except (ValueError, TypeError) as exc:
            return Feedback(NOT_ATTEMPTED, str(exc))
        spec = self.spec
        if within(value, spec["answer"], spec["tolerance"]):
            return Feedback(CORRECT, spec["explain"].strip())
        for mistake in spec.get("mistakes", []):
            if within(value, mistake["value"], mistake.get("tolerance", spec["tolerance"])):
                return Feedback(INCORRECT, mistake["explain"].strip() + "\nTry again.")
        direction = "too high" if value > spec["answer"] else "too low"
        return Feedback(INCORRECT, f"{value:g} is {direction}. Try again.")

    def site_data(self) -> dict:
        """The question as the website's script judges it: the same answer, tolerances and explanations."""
        spec = self.spec
        return {"id": self.id, "kind": "numeric", "answer": spec["answer"], "tolerance": spec["tolerance"],
                "explain": markup(spec["explain"].strip()),
                "mistakes": [{"value": m["value"], "tolerance": m.get("tolerance", spec["tolerance"]),
                              "explain": markup(m["explain"].strip())} for m in spec.get("mistakes", [])]}

    def answer_text(self) -> str:
        return f"Answer: {self.spec['answer']:g} (within {self.spec['tolerance']:g}). {self.spec['explain'].strip()}"


_CLASSES = {"single": _Choices, "multiple": _Choices, "numeric": _Numeric}
