"""Do the self-check widgets give the right feedback when driven like a learner would?"""
import json

import pytest

from course import progress
from course.quiz import Bank, parse_number

SINGLE = {"id": "pick-one", "kind": "single", "prompt": "Which is `right`?", "choices": [
    {"text": "wrong one", "correct": False, "explain": "why the first is wrong"},
    {"text": "right one", "correct": True, "explain": "why the second is right"},
    {"text": "wrong two", "correct": False, "explain": "why the third is wrong"},
]}
MULTIPLE = {"id": "pick-many", "kind": "multiple", "prompt": "Which are right?", "choices": [
    {"text": "yes A", "correct": True, "explain": "A explained"},
    {"text": "no B", "correct": False, "explain": "B explained"},
    {"text": "yes C", "correct": True, "explain": "C explained"},
]}
NUMERIC = {"id": "a-number", "kind": "numeric", "prompt": "P(disease | positive)?", "answer": 0.17,
           "tolerance": 0.01, "explain": "Bayes gives 0.17.",
           "mistakes": [{"value": 0.99, "explain": "That is the sensitivity."}]}


@pytest.fixture
def bank():
    return Bank("99-test", {q["id"]: q for q in (SINGLE, MULTIPLE, NUMERIC)})


def click(question, *ticks):
    for i in ticks:
        question.boxes[i].value = True
    question.button.click()
    return question.feedback.value


def recorded(item):
    return progress.load()["notebooks"].get("99-test", {}).get("quiz", {}).get(item)


def test_does_the_right_choice_say_correct_and_why(bank):
    shown = click(bank.ask("pick-one"), 1)
    assert "Correct" in shown and "why the second is right" in shown
    assert recorded("pick-one")["passed"] is True


@pytest.mark.parametrize("wrong, reason", [(0, "why the first is wrong"), (2, "why the third is wrong")])
def test_does_each_wrong_choice_show_its_own_explanation(bank, wrong, reason):
    shown = click(bank.ask("pick-one"), wrong)
    assert "Not yet" in shown and reason in shown
    assert "why the second is right" not in shown
    assert recorded("pick-one") == {**recorded("pick-one"), "status": "incorrect", "passed": False}


def test_does_ticking_a_second_box_untick_the_first_in_single_choice(bank):
    q = bank.ask("pick-one")
    q.boxes[0].value = True
    q.boxes[1].value = True
    assert [b.value for b in q.boxes] == [False, True, False]


def test_is_checking_with_nothing_ticked_not_recorded(bank):
    q = bank.ask("pick-one")
    assert "Tick a box first" in click(q)
    assert recorded("pick-one") is None


def test_is_a_multiple_choice_right_only_when_all_right_boxes_are_ticked(bank):
    assert "Correct" in click(bank.ask("pick-many"), 0, 2)
    partial = click(bank.ask("pick-many"), 0)
    assert "Not yet" in partial and "1 right choice(s) not ticked yet" in partial
    extra = click(bank.ask("pick-many"), 0, 1, 2)
    assert "Not yet" in extra and "B is not right: B explained" in extra


def test_does_a_multiple_choice_answer_accept_letters(bank):
    assert bank.ask("pick-many").submit(["a", "C"]).passed
    assert bank.ask("pick-many").submit("Z").status == "not_attempted"


@pytest.mark.parametrize("typed, status, words", [
    ("0.17", "correct", "Bayes gives 0.17."),
    ("17%", "correct", "Bayes gives 0.17."),
    ("0.175", "correct", "Bayes"),
    ("0.99", "incorrect", "That is the sensitivity."),
    ("1/2", "incorrect", "0.5 is too high"),
    ("0.01", "incorrect", "too low"),
    ("abc", "not_attempted", "could not read 'abc'"),
    ("0,17", "not_attempted", "use a point for decimals"),
    ("nan", "not_attempted", "not a finite number"),
    ("", "not_attempted", "Type a number first"),
])
def test_does_the_numeric_question_judge_what_is_typed(bank, typed, status, words):
    q = bank.ask("a-number")
    q.entry.value = typed
    q.button.click()
    verdict = q.evaluate(typed)
    assert verdict.status == status and words in verdict.message
    assert words.replace("'", "&#x27;") in q.feedback.value or words in q.feedback.value


def test_does_show_answer_reveal_the_answer_without_recording(bank):
    q = bank.ask("pick-one")
    q.reveal.click()
    assert "Answer: B." in q.feedback.value and "why the first is wrong" in q.feedback.value
    assert recorded("pick-one") is None


def test_is_the_text_fallback_readable_and_the_answer_folded_away(bank):
    bundle = bank.ask("pick-one")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Self-check (choose one): Which is `right`?")
    assert "B. right one" in bundle["text/plain"] and "why" not in bundle["text/plain"]
    html = bundle["text/html"]
    assert "<code>right</code>" in html and "<details><summary>Show the answer</summary>" in html
    assert html.index("<details>") < html.index("Answer: B.")


def test_is_the_fallback_the_same_every_time(bank):
    first, second = bank.ask("pick-one")._repr_mimebundle_(), bank.ask("pick-one")._repr_mimebundle_()
    assert first["text/plain"] == second["text/plain"] and first["text/html"] == second["text/html"]


def test_does_an_unknown_question_id_say_which_exist(bank):
    with pytest.raises(KeyError, match="pick-one"):
        bank.ask("nope")


def test_are_attempts_counted(bank, progress_file):
    q = bank.ask("pick-one")
    click(q, 0)
    click(q, 1)
    entry = json.loads(progress_file.read_text())["notebooks"]["99-test"]["quiz"]["pick-one"]
    assert entry["attempts"] == 2 and entry["passed"] is True and entry["status"] == "correct"


@pytest.mark.parametrize("text, value", [("0.25", 0.25), ("25%", 0.25), ("1/4", 0.25), (" −2e-3 ", -0.002)])
def test_are_common_ways_of_writing_a_number_read(text, value):
    assert parse_number(text) == pytest.approx(value)


def test_can_a_page_find_each_question_by_its_id(bank):
    # The browser tests (tests/browser) and any styling locate a question by these classes.
    for question_id in ("pick-one", "pick-many", "a-number"):
        classes = bank.ask(question_id).widget._dom_classes
        assert {"course-selfcheck", f"course-q-{question_id}"} <= set(classes)
