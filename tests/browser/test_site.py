"""The course's website (`course site`), opened in Chromium as a reader would.

The site is built once per run (tests/browser/site.py) and served from 127.0.0.1. Every page
must load with no console error, no failed request and no request to anything but the local
server, and pass axe-core with no serious or critical violation. A self-check is answered
wrongly and then rightly by clicking, search finds lesson 08's Bellman equation, and the
home page leads to lesson 14. The script that makes self-checks work without a kernel
(site/_static/selfcheck.js) must judge numbers and choices exactly as course/quiz.py does.
"""
from __future__ import annotations

import json
import math

import pytest

from course.bank import parse_number
from course.data import ROOT
from course.lessons import LESSONS
from course.quiz import Bank, live
from tests.browser.audit import axe_violations, report
from tests.browser.notebook import answer_choices, asked_questions
from tests.browser.site import expected_pages

PAGES = expected_pages()
SCRIPT = ROOT / "site" / "_static" / "selfcheck.js"
MATHJAX_DONE = "() => !window.MathJax || !MathJax.Hub || (MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running)"


# axe's colour-contrast rule takes 3 to 7 s on a lesson page (every highlighted token of every code
# cell), and colours come from the theme and site/_static/course.css, the same on every page of
# a kind: it runs on one page of each kind (and on a verdict, in the self-check test); every
# other rule runs on every page.
FULL_AUDIT = {"index.html", "run-it-yourself.html", "search.html", "notebooks/08-reinforcement-learning.html",
              "exercises/08-reinforcement-learning.html", "docs/contributing.html"}


def open_page(page, site, name: str) -> None:
    page.goto(site.url(name), wait_until="load")
    page.wait_for_function(MATHJAX_DONE, timeout=20_000)


def test_is_the_site_built_with_every_page(site):
    built = sorted(str(p.relative_to(site.folder)) for p in site.folder.rglob("*.html")
                   if "_static" not in p.parts)
    assert built == sorted(PAGES), f"pages built but not expected: {set(built) - set(PAGES)}; " \
                                   f"expected but missing: {set(PAGES) - set(built)}"
    print(f"site: {site.build['pages']} pages built in {site.build['seconds']:.1f} s")
    for line in site.build["notes"]:
        print(f"site build note: {line}")


@pytest.mark.parametrize("name", PAGES)
def test_does_the_page_load_offline_without_errors_and_pass_axe(site_page, site, name):
    open_page(site_page, site, name)
    if name not in ("search.html", "genindex.html"):  # Sphinx's own pages
        assert site_page.locator(".course-run-note").count() == 1, f"{name} has no 'run it yourself' note"
    violations = axe_violations(site_page, disable=() if name in FULL_AUDIT else ("color-contrast",))
    site_page.traffic.settle()  # requests made late (fonts, images) are seen too
    problems = site_page.traffic.problems()
    assert not problems, f"{name}:\n" + "\n".join(problems)
    blocking, _other = report(f"site/{name}", violations)
    assert not blocking, f"{name}: axe finds serious or critical violations:\n" + "\n".join(blocking)


def enhanced_question(page, spec: dict):
    quiz = page.locator(f".course-quiz:has(form[data-question='{spec['id']}'])")
    assert quiz.count() == 1, f"no working self-check {spec['id']!r} on the page (is its saved output stale?)"
    return quiz


def test_is_a_self_check_answered_wrongly_then_rightly_by_clicking(site_page, site):
    lesson = "08-reinforcement-learning"
    open_page(site_page, site, f"notebooks/{lesson}.html")
    assert "progress is not recorded" in site_page.locator(".course-run-note").inner_text()
    specs = asked_questions(ROOT / "notebooks" / f"{lesson}.ipynb")
    spec = next(s for s in specs if s["kind"] in ("single", "multiple"))
    quiz = enhanced_question(site_page, spec)
    live_region = quiz.locator("[role=status][aria-live=polite]")
    assert live_region.count() == 1
    answer_choices(quiz, live_region, spec, timeout=5_000)
    blocking, _other = report("site self-check with a verdict", axe_violations(site_page, context=".course-quiz"))
    assert not blocking, "\n".join(blocking)

    numeric = next(s for s in specs if s["kind"] == "numeric")
    quiz = enhanced_question(site_page, numeric)
    box = quiz.get_by_role("textbox", name="Your number")
    box.fill(str(numeric["answer"] * 3 + 1))
    quiz.get_by_role("button", name="Check").click()
    quiz.locator(".course-feedback.course-incorrect").wait_for(timeout=5_000)
    assert "too high" in quiz.locator(".course-feedback").inner_text()
    box.fill(str(numeric["answer"]))
    box.press("Enter")
    quiz.locator(".course-feedback.course-correct").wait_for(timeout=5_000)
    assert not site_page.traffic.problems(), site_page.traffic.problems()


def test_does_search_find_the_bellman_equation_in_lesson_08(site_page, site):
    open_page(site_page, site, "index.html")
    site_page.goto(site.url("search.html?q=Bellman"))
    hit = site_page.locator("#search-results a[href*='08-reinforcement-learning']")
    hit.first.wait_for(timeout=20_000)
    assert not site_page.traffic.problems(), site_page.traffic.problems()


def test_does_navigation_reach_lesson_14_from_the_home_page(site_page, site):
    last = LESSONS[-1]
    open_page(site_page, site, "index.html")
    site_page.locator("article").get_by_role("link", name=last.title, exact=True).click()
    site_page.wait_for_url(f"**/notebooks/{last.stem}.html")
    assert last.title.split(":")[0] in site_page.locator("h1").first.inner_text()
    # and previous / next lead from one lesson to the next
    before = LESSONS[-2]
    open_page(site_page, site, f"notebooks/{before.stem}.html")
    site_page.locator(".prev-next-area a.right-next").click()
    site_page.wait_for_url(f"**/notebooks/{last.stem}.html")
    assert not site_page.traffic.problems(), site_page.traffic.problems()


def test_does_the_site_work_from_file_urls(context, site):
    page = context.new_page()
    try:
        from tests.browser.site import Traffic

        page.traffic = Traffic(page, ("file://", "data:", "about:"))
        page.goto((site.folder / "notebooks" / "08-reinforcement-learning.html").as_uri())
        page.traffic.settle()
        page.wait_for_function(MATHJAX_DONE, timeout=20_000)
        assert page.locator(".course-quiz-form").count() > 0, "the self-checks did not come alive from file://"
        assert page.locator(".MathJax, .MathJax_Display").count() > 0, "no mathematics typeset from file://"
        assert not page.traffic.problems(), page.traffic.problems()
    finally:
        page.close()


# --- the script judges as course/quiz.py does ------------------------------------------------

NUMBERS = ["0.25", "25%", "1/4", " −2e-3 ", "19,220", "1,234.5", "0,17", "1,23", "0.9/0.19", "1 - 0.25**10",
           "2**-1", "-2**2", "(-2)**2", "2**3**2", "2 × 3", "6 ÷ 4", "3·2", ".5", "5.", "1.e3", "1e-3%", "007",
           "00", "007.5", "01e3", "1.2.3", "1e5e5", "2e", "1e400", "10**400", "2**1001", "1/0", "0**-1",
           "(-8)**(1/3)", "nan", "inf", "-Infinity", "abc", "1+", "()", "(1)", "2(3)", "1//2", "2***3", "--3",
           "+-+1", "1_000", "0x10", "", " ", "1e308*10", "((((1))))", "3-", "1 2", "50%%", "%", "1,000,000",
           "12,34,567", "0.1+0.2", "1/3", "2**0.5", "99.99%"]


@pytest.fixture(scope="module")
def script_page(context):
    page = context.new_page()
    page.goto("about:blank")
    page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
    yield page
    page.close()


def python_read(text: str):
    try:
        return ["ok", parse_number(text)]
    except ValueError as exc:
        return ["error", str(exc)]


def test_does_the_script_read_numbers_as_parse_number_does(script_page):
    js = script_page.evaluate("""(inputs) => inputs.map(t => {
        try { return ["ok", window.courseSelfCheck.parseNumber(t)]; }
        catch (e) { return ["error", e.message]; } })""", NUMBERS)
    disagree = []
    for text, mine in zip(NUMBERS, js):
        theirs = python_read(text)
        same = mine[0] == theirs[0] and (mine[1] == theirs[1] if mine[0] == "error" else
                                         math.isclose(mine[1], theirs[1], rel_tol=1e-14, abs_tol=0))
        if not same:
            disagree.append(f"{text!r}: Python {theirs}, script {mine}")
    assert not disagree, "\n".join(disagree)


BANK = Bank("99-test", {q["id"]: q for q in [
    {"id": "pick-one", "kind": "single", "prompt": "Which?", "choices": [
        {"text": "wrong `one`", "correct": False, "explain": "why <the first> is wrong & more"},
        {"text": "right one", "correct": True, "explain": "why the second is right"},
        {"text": "wrong two", "correct": False, "explain": "why the third is wrong"}]},
    {"id": "pick-many", "kind": "multiple", "prompt": "Which are?", "choices": [
        {"text": "yes A", "correct": True, "explain": "A explained"},
        {"text": "no B", "correct": False, "explain": "B explained"},
        {"text": "yes C", "correct": True, "explain": "C `code` explained"}]},
    {"id": "a-number", "kind": "numeric", "prompt": "P?", "answer": 0.729, "tolerance": 0.001,
     "explain": "0.9 cubed.", "mistakes": [{"value": 0.9, "explain": "That is one step."},
                                           {"value": 72.9, "tolerance": 0.05, "explain": "A percentage."}]}]})
TYPED = ["0.729", "0.73", "0.7295", "72.9%", "0.9", "72.9", "72.8", "72.96", "0.5", "1e-7", "1234567", "abc",
         "0,7", "", "nan", "9**9"]


def test_does_the_script_give_the_same_verdicts_as_the_notebook(script_page):
    data = {qid: BANK.ask(qid).site_data() for qid in BANK.questions}
    cases = [("a-number", typed) for typed in TYPED]
    cases += [("pick-one", [i]) for i in range(3)] + [("pick-one", [])]
    cases += [("pick-many", picked) for picked in ([0], [0, 2], [1], [0, 1, 2], [2], [])]
    js = script_page.evaluate("""([data, cases]) => cases.map(([id, answer]) => {
        const s = window.courseSelfCheck, q = data[id];
        return q.kind === "numeric" ? s.judgeNumber(q, answer) : s.judgeChoices(q, answer); })""",
                              [data, cases])
    html = script_page.evaluate("""(verdicts) => verdicts.map(([status, parts]) => {
        const look = window.courseSelfCheck.LOOK[status];
        return [status, parts.join("<br>"), look]; })""", js)
    for (qid, answer), (status, message_html, look) in zip(cases, html):
        question = BANK.ask(qid)
        expected = question.evaluate(answer if qid == "a-number" else set(answer))
        assert status == expected.status, f"{qid} {answer!r}: script {status}, notebook {expected.status}"
        assert message_html == _message_html(expected), f"{qid} {answer!r}"
    # the verdict's markup, colours and words are course/feedback.py's
    rendered = script_page.evaluate("""() => { const d = document.createElement('div');
        return ['correct', 'incorrect', 'not_attempted'].map(s => window.courseSelfCheck.LOOK[s]); }""")
    from course.feedback import _LOOK
    assert [list(_LOOK[s]) for s in ("correct", "incorrect", "not_attempted")] == rendered


def _message_html(feedback) -> str:
    """The message part of Feedback.html(): what the script builds from its parts."""
    from course.feedback import markup

    return markup(feedback.message)


def test_is_the_fallback_data_the_banks(script_page):
    question = BANK.ask("pick-one")
    marker = 'data-course-quiz="'
    html = question.html()
    start = html.index(marker) + len(marker)
    import html as html_module

    data = json.loads(html_module.unescape(html[start:html.index('"', start)]))
    assert data == question.site_data() and live("x").startswith('<div class="course-live" role="status"')
