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
        question.pick(i)
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


def test_is_a_single_choice_a_group_of_radio_buttons_where_one_replaces_another(bank):
    """Radio semantics (not checkboxes) for single choice: choosing B deselects A."""
    import ipywidgets as widgets

    q = bank.ask("pick-one")
    assert isinstance(q.radio, widgets.RadioButtons) and q.boxes == [] and q.radio.value is None
    q.pick(0)
    q.pick(1)
    assert q.value() == {1}


def test_does_every_control_carry_a_label_with_its_letter_and_text(bank):
    """A screen reader announces a control by its label: the letter and the choice's text."""
    single, multiple = bank.ask("pick-one"), bank.ask("pick-many")
    assert [label for label, _ in single.radio.options] == ["A. wrong one", "B. right one", "C. wrong two"]
    assert single.radio.description
    assert [box.description for box in multiple.boxes] == ["<b>A.</b> yes A", "<b>B.</b> no B", "<b>C.</b> yes C"]


def test_is_checking_with_nothing_ticked_not_recorded(bank):
    q = bank.ask("pick-one")
    assert "Choose an answer first" in click(q)
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


@pytest.mark.parametrize("question_id, typed, status", [("pick-one", '"B"', "correct"),
                                                       ("pick-many", '"BD"', None),
                                                       ("a-number", "0.25", "incorrect")])
def test_does_the_text_fallback_say_how_to_answer_from_code_and_does_that_code_work(bank, question_id, typed, status):
    bundle = bank.ask(question_id)._repr_mimebundle_()
    code = f'quiz.ask("{question_id}").submit({typed})'
    assert code in bundle["text/plain"] and "saved in your progress" in bundle["text/plain"]
    assert f"<code>{code}</code>" in bundle["text/html"]
    # the code as the learner would type it, with the notebook's name for the bank
    if status:
        assert eval(code, {"quiz": bank}).status == status


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


# --- the order of the choices: a fixed shuffle per question ------------------------------

SHUFFLED = {"id": "order-matters", "kind": "single", "prompt": "Which is right?", "choices": [
    {"text": "right first", "correct": True, "explain": "the bank lists it first"},
    {"text": "wrong second", "correct": False, "explain": "second"},
    {"text": "wrong third", "correct": False, "explain": "third"},
    {"text": "wrong fourth", "correct": False, "explain": "fourth"},
]}


def test_is_the_right_answer_not_shown_where_the_bank_lists_it_and_do_letters_follow_the_shown_order():
    from course.quiz import shown

    q = Bank("99-test", {"order-matters": SHUFFLED}).ask("order-matters")
    texts = [c["text"] for c in shown(SHUFFLED)["choices"]]
    assert texts[0] != "right first" and sorted(texts) == sorted(c["text"] for c in SHUFFLED["choices"])
    letter = "ABCD"[texts.index("right first")]
    assert f"{letter}. right first" in q.text() and f"<b>{letter}.</b> right first" in q.html()
    assert q.submit(letter).passed and f"Answer: {letter}." in q.answer_text()
    assert "Correct" in click(Bank("99-test", {"order-matters": SHUFFLED}).ask("order-matters"), texts.index("right first"))


def test_is_the_shown_order_the_same_on_every_machine():
    """Seeded from a SHA-256 of the id, not Python's salted hash: fixed here, whatever PYTHONHASHSEED is."""
    from course.bank import choice_order

    assert choice_order("order-matters", 4) == choice_order("order-matters", 4)
    assert sorted(choice_order("order-matters", 4)) == [0, 1, 2, 3]
    assert choice_order("order-matters", 4) != [0, 1, 2, 3]


@pytest.mark.parametrize("typed", ["AC", "ac", "A, C", "A C", ["A", "C"]])
def test_are_letters_typed_together_read_as_several_choices(bank, typed):
    assert bank.ask("pick-many").submit(typed).passed


def test_are_letters_beyond_the_choices_refused(bank):
    assert bank.ask("pick-many").submit("ACE").status == "not_attempted"


# --- numbers: arithmetic, thousands, roundings, mistakes with their own tolerance ------

@pytest.mark.parametrize("text, value", [
    ("0.9/0.19", 0.9 / 0.19), ("4/13.5", 4 / 13.5), ("1 - 0.25**10", 1 - 0.25 ** 10), ("19,220", 19220.0),
    ("1,234.5", 1234.5), ("(1 + 2) * 3", 9.0), ("2 × 3", 6.0), ("6 ÷ 4", 1.5), ("-(0.5)", -0.5),
])
def test_is_arithmetic_a_learner_types_read(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["__import__('os')", "abs(-1)", "x + 1", "9**9**9", "1/0", "0,5", "1,23",
                                  "[1]", "1 if 1 else 2", "'1'", "2**5000"])
def test_is_anything_but_arithmetic_refused_with_a_reason(text):
    with pytest.raises(ValueError, match="could not read"):
        parse_number(text)


def test_is_a_rounding_at_the_tolerances_edge_accepted():
    """0.73 for 0.729 ± 0.001: |0.73 - 0.729| is 0.0010000000000000009 in floating point."""
    spec = {"id": "edge", "kind": "numeric", "prompt": "G?", "answer": 0.729, "tolerance": 0.001, "explain": "0.729"}
    q = Bank("99-test", {"edge": spec}).ask("edge")
    assert q.submit("0.73").passed and q.submit("0.728").passed and not q.submit("0.731").passed


def test_does_a_mistake_with_its_own_tolerance_not_swallow_a_nearby_number():
    """31.36 (not yet rounded up) must not be told it is '31.4 rounded down'."""
    spec = {"id": "seeds", "kind": "numeric", "prompt": "n?", "answer": 32, "tolerance": 0.5, "explain": "32",
            "mistakes": [{"value": 31, "tolerance": 0.01, "explain": "31.4 rounded down."},
                         {"value": 31.36, "tolerance": 0.05, "explain": "Round up to a whole number of seeds."}]}
    q = Bank("99-test", {"seeds": spec}).ask("seeds")
    assert "Round up" in q.submit("31.36").message and "rounded down" in q.submit("31").message


# --- where no widget shows: the fallback carries the question for the course's website ----------

def site_data_of(html: str) -> dict:
    import html as html_module
    import re

    found = re.search(r'data-course-quiz="([^"]*)"', html)
    assert found, "the fallback carries no data-course-quiz attribute"
    return json.loads(html_module.unescape(found.group(1)))


def test_does_the_fallback_carry_the_shown_choices_their_verdicts_and_explanations(bank):
    q = bank.ask("pick-one")
    data = site_data_of(q._repr_mimebundle_()["text/html"])
    assert data == {"id": "pick-one", "kind": "single", "choices": [
        {"label": f"{'ABC'[i]}. {c['text']}", "html": c["text"], "correct": c["correct"], "explain": c["explain"]}
        for i, c in enumerate(q.spec["choices"])]}
    assert [c["label"] for c in data["choices"]] == [label for label, _ in q.radio.options]


def test_does_the_fallback_carry_a_numbers_answer_tolerances_and_mistakes(bank):
    data = site_data_of(bank.ask("a-number").html())
    assert data == {"id": "a-number", "kind": "numeric", "answer": 0.17, "tolerance": 0.01, "explain": "Bayes gives 0.17.",
                    "mistakes": [{"value": 0.99, "tolerance": 0.01, "explain": "That is the sensitivity."}]}


def test_is_the_fallbacks_data_escaped_and_its_text_readable_without_a_script():
    tricky = {"id": "tricky", "kind": "single", "prompt": "Is `a < b`?", "choices": [
        {"text": 'say "yes" & <go>', "correct": True, "explain": "it's `1 < 2`"},
        {"text": "no", "correct": False, "explain": "</script><b>not</b>"}]}
    html = Bank("99-test", {"tricky": tricky}).ask("tricky").html()
    assert "<go>" not in html and "</script><b>" not in html
    data = site_data_of(html)
    assert {c["explain"] for c in data["choices"]} == {"it's <code>1 &lt; 2</code>", "&lt;/script&gt;&lt;b&gt;not&lt;/b&gt;"}
    # the choices stay in the page as text, for GitHub, nbconvert and readers without scripts
    assert '<div class="course-quiz-choices"><div><b>A.</b>' in html and "<details>" in html


def test_is_the_feedback_an_aria_live_region(bank):
    """A screen reader reads the verdict when it appears: the feedback sits in role=status, aria-live=polite."""
    q = bank.ask("pick-one")
    assert 'role="status"' in q.feedback.value and 'aria-live="polite"' in q.feedback.value
    for shown in (click(q, 0), click(q, 1)):
        assert shown.startswith('<div class="course-live" role="status" aria-live="polite"')
    q.reveal.click()
    assert 'role="status"' in q.feedback.value and "Answer: B." in q.feedback.value


def test_is_the_number_box_labelled_and_sent_once_when_it_loses_focus(bank):
    q = bank.ask("a-number")
    assert q.entry.description == "Your answer:" and q.entry.continuous_update is False


def test_is_a_choice_that_reaches_the_kernel_just_after_its_check_click_judged(bank, progress_file):
    """ipywidgets may send Check's click before the radio's new value: the late value is judged then."""
    q = bank.ask("pick-one")
    q.pick(0)
    q.button.click()                        # the learner's first try, wrong
    q.button.click()                        # they pick B and press Check: the click arrives first ...
    assert "course-incorrect" in q.feedback.value
    q.pick(1)                               # ... and B a moment later
    assert "course-correct" in q.feedback.value
    q.button.click()                        # pressing Check again shows it, without counting it twice
    entry = json.loads(progress_file.read_text())["notebooks"]["99-test"]["quiz"]["pick-one"]
    assert entry["passed"] is True and entry["attempts"] == 3


def test_is_a_change_long_after_a_check_left_for_the_next_check(bank, monkeypatch):
    import course.quiz as quiz

    q = bank.ask("pick-one")
    q.pick(0)
    q.button.click()
    monkeypatch.setattr(quiz, "RACE_SECONDS", 0.0)
    q.pick(1)
    assert "course-incorrect" in q.feedback.value
