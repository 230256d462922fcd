"""Does an Explorer redraw on every change and keep its output inside widget state?"""
import base64

import ipywidgets as widgets

from course.explore import Explorer


def draw_line(fig, slope):
    ax = fig.subplots()
    ax.plot([0, 1], [0, slope])
    ax.set_title(f"slope {slope}")
    return f"slope is {slope}"


def make():
    return Explorer(draw_line, {"slope": widgets.IntSlider(value=1, min=0, max=5)}, title="a line")


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
    assert 'alt="a line, drawn for slope = 1. slope is 1">' in bundle["text/html"]
    # and, where it cannot be moved, what moving its controls would do
    assert ("moving its controls (slope) redraws it and rewrites its caption. Shown here as saved."
            in bundle["text/html"])


def test_is_the_same_picture_drawn_for_the_same_settings():
    assert make().png == make().png


def test_does_the_redrawn_figure_carry_the_caption_as_its_text_alternative():
    import ipywidgets as widgets

    from course.explore import Explorer

    def draw(fig, n):
        fig.subplots().plot(range(n))
        return f"<b>{n}</b> points &amp; a line"

    explorer = Explorer(draw, {"n": widgets.IntSlider(value=3, min=2, max=9, description="points")}, title="Demo")
    html = explorer.out.outputs[0]["data"]["text/html"]
    assert html.startswith('<img src="data:image/png;base64,')
    assert html.endswith('alt="Demo, drawn for n = 3. 3 points &amp; a line">')
