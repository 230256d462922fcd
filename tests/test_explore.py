"""Does an Explorer redraw on every change and keep its output inside widget state?"""
import base64

import ipywidgets as widgets

from course.controls import float_slider, int_slider
from course.explore import Explorer


def draw_line(fig, slope):
    ax = fig.subplots()
    ax.plot([0, 1], [0, slope])
    ax.set_title(f"slope {slope}")
    return f"slope is {slope}"


def make():
    return Explorer(draw_line, {"slope": int_slider(1, 0, 5, "slope")}, title="a line")


def test_is_the_first_figure_drawn_on_creation():
    explorer = make()
    assert explorer.caption.value == "slope is 1"
    assert explorer.png.startswith(b"\x89PNG")
    (output,) = explorer.out.outputs
    assert base64.b64decode(output["data"]["image/png"]) == explorer.png


def test_does_moving_a_control_redraw():
    explorer = make()
    first = explorer.png
    explorer.controls["slope"].value = 4
    assert explorer.caption.value == "slope is 4" and explorer.png != first
    assert len(explorer.out.outputs) == 1


def test_is_the_fallback_text_and_a_picture():
    bundle = make()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Interactive: a line (slope=1). slope is 1 (Run the notebook")
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    # where no widget can show (a saved notebook, the site): the picture with its alt text
    assert bundle["text/html"].startswith('<img src="data:image/png;base64,')
    assert 'alt="a line, drawn for slope = 1. slope is 1">' in bundle["text/html"]   # named as its label says
    # and, where it cannot be moved, what moving its controls would do
    assert ("moving its controls (slope) redraws it and rewrites its caption. Shown here as saved."
            in bundle["text/html"])


def test_is_the_same_picture_drawn_for_the_same_settings():
    assert make().png == make().png


def test_does_the_redrawn_figure_carry_the_caption_as_its_text_alternative():
    def draw(fig, n):
        fig.subplots().plot(range(n))
        return f"<b>{n}</b> points &amp; a line"

    explorer = Explorer(draw, {"n": int_slider(3, 2, 9, "points")}, title="Demo")
    html = explorer.out.outputs[0]["data"]["text/html"]
    assert html.startswith('<img src="data:image/png;base64,')
    assert html.endswith('alt="Demo, drawn for points = 3. 3 points &amp; a line">')


def test_are_the_settings_written_as_the_controls_show_them():
    controls = {"lr": float_slider(0.05, 0.005, 0.12, 0.001, "learning rate", ".3f"),
                "pair": widgets.Dropdown(options=[("a - b", ("a", "b"))], description="compare")}
    explorer = Explorer(lambda fig, lr, pair: f"{lr} {pair}", controls, title="Demo")
    # the alt text names each control as the learner sees it; the saved text by draw()'s names
    assert explorer.alt().startswith("Demo, drawn for learning rate = 0.050, compare = a - b. ")
    assert explorer.text().startswith("Interactive: Demo (lr=0.050, pair=a - b). ")
    controls["lr"].value = 0.0504     # set from code between two positions: its own value, not a readout
    assert explorer.alt().startswith("Demo, drawn for learning rate = 0.0504, ")
