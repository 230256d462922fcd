"""Is every question bank valid, and does the validator catch each kind of mistake?"""
import copy
import json
import re

import pytest

from course.data import ROOT
from course.lessons import LESSONS
from course.quiz import load_bank, validate
from tests.test_quiz import MULTIPLE, NUMERIC, SINGLE


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_does_every_lesson_have_a_valid_bank_of_at_least_three_questions(lesson):
    assert len(load_bank(lesson.stem).questions) >= 3


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_does_the_lesson_ask_every_question_of_its_bank_and_no_other(lesson):
    cells = json.loads((ROOT / "notebooks" / f"{lesson.stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    # code cells only: each question's saved text output also shows `quiz.ask("id").submit(...)`
    asked = re.findall(r'quiz\.ask\("([a-z0-9-]+)"\)', code)
    assert sorted(asked) == sorted(load_bank(lesson.stem).questions)


def test_is_a_good_bank_valid():
    assert validate({"questions": [SINGLE, MULTIPLE, NUMERIC]}) == []


def broken(index, change):
    questions = copy.deepcopy([SINGLE, MULTIPLE, NUMERIC])
    change(questions[index])
    return validate({"questions": questions})


@pytest.mark.parametrize("index, change, words", [
    (0, lambda q: q["choices"][0].update(correct=True), "exactly one correct choice (has 2)"),
    (0, lambda q: q["choices"][1].update(correct=False), "exactly one correct choice (has 0)"),
    (1, lambda q: [c.update(correct=False) for c in q["choices"]], "at least one correct choice"),
    (0, lambda q: q["choices"][2].update(explain=""), "text and explain must be non-empty"),
    (0, lambda q: q["choices"][2].pop("explain"), "keys must be text, correct, explain"),
    (0, lambda q: q.update(explanation="typo"), "unknown keys ['explanation']"),
    (1, lambda q: q.update(id="pick-one"), "id 'pick-one' is used twice"),
    (1, lambda q: q.update(id="Bad Id"), "id must be lower-case words"),
    (0, lambda q: q.update(kind="essay"), "kind must be one of"),
    (0, lambda q: q["choices"][2].update(text="right one"), "two choices have the same text"),
    (2, lambda q: q["mistakes"][0].update(value=0.175), "within tolerance of the answer"),
    (2, lambda q: q.update(tolerance=-1), "answer and tolerance"),
    (2, lambda q: q.update(explain=" "), "explain must be a non-empty string"),
])
def test_does_the_validator_name_each_defect(index, change, words):
    problems = broken(index, change)
    assert any(words in p for p in problems), problems


def test_is_an_empty_bank_refused():
    assert validate({}) and validate({"questions": []})


def test_are_the_right_answers_spread_over_the_shown_positions():
    """Before the shuffle 35 of 42 single-choice keys were A and every multiple-choice key held A:
    "always A" scored about 83%. As shown (course.quiz.shown), no one letter may be a good guess."""
    from course.quiz import shown

    singles, multiples = [], []
    for lesson in LESSONS:
        for spec in load_bank(lesson.stem).questions.values():
            if spec["kind"] == "numeric":
                continue
            right = [i for i, c in enumerate(shown(spec)["choices"]) if c["correct"]]
            (singles if spec["kind"] == "single" else multiples).append(right)
    for position in range(4):
        always = sum(right == [position] for right in singles) / len(singles)
        assert always <= 0.4, f"answering {'ABCD'[position]} to every single choice scores {always:.0%}"
    for position in range(5):
        held = sum(position in right for right in multiples) / len(multiples)
        assert held < 0.9, f"{held:.0%} of the multiple-choice keys hold {'ABCDE'[position]}"


@pytest.mark.parametrize("stem, question, typed, words", [
    ("08-reinforcement-learning", "discounted-return", "0.73", "0.9³ × 1 = 0.729"),   # a rounding, not a miss
    ("08-reinforcement-learning", "discounted-return", "0.9**3", "0.9³ × 1 = 0.729"),
    ("04-neural-networks-from-scratch", "reverse-mode-cost", "19,220", ""),
    ("12-rigorous-experiments", "seeds-for-power", "31.36", "That is n before rounding"),
    ("12-rigorous-experiments", "seeds-for-power", "31", "31.4 rounded down"),
    ("01-linear-algebra", "svd-to-variance", "6/4", "You forgot to square"),
    ("03-probability-and-statistics", "screening-posterior", "29.63", "That is a percentage"),
    ("03-probability-and-statistics", "screening-posterior", "0.04/(0.04+0.095)", ""),
    ("00-what-is-an-ai-researcher", "share-of-mistakes", "17.14", "That is a percentage"),
    ("11-uncertainty-and-calibration", "ece-by-hand", "5.1", "That is a percentage"),
])
def test_does_a_real_question_read_what_a_learner_types(stem, question, typed, words):
    verdict = load_bank(stem).ask(question).submit(typed)
    assert words in verdict.message, verdict
    assert verdict.passed == (not words or "0.729" in words), verdict
