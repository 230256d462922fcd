"""Does feedback read well as text and as HTML, and refuse statuses it does not know?"""
import pytest

from course.feedback import CORRECT, ERROR, INCORRECT, NOT_ATTEMPTED, Feedback, markup


def test_does_text_carry_the_status_title_and_message():
    assert Feedback(INCORRECT, "off by one", "q1").text() == "✘ q1: Not yet: off by one"
    assert Feedback(NOT_ATTEMPTED).text() == "○ Not attempted yet"


@pytest.mark.parametrize("status", [CORRECT, INCORRECT, NOT_ATTEMPTED, ERROR])
def test_does_every_status_render_both_ways(status):
    bundle = Feedback(status, "msg")._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert f"course-{status}" in bundle["text/html"]


def test_is_html_escaped_with_code_and_line_breaks():
    assert markup("a <b> `x < 1`\nnext") == "a &lt;b&gt; <code>x &lt; 1</code><br>next"


def test_is_an_unknown_status_refused():
    with pytest.raises(ValueError):
        Feedback("maybe")
