"""Explorer: controls that redraw a figure, the pattern behind every lesson's interactive demo.

The drawing is a plain function `draw(fig, **values) -> caption`, tested without widgets.
The explorer renders the figure to PNG and writes it into an Output widget's state
(never `print` or `display` inside `with out:`), so notebooks execute headless and nbval
sees only stable text.
"""
from __future__ import annotations

import base64
import html
import io
import re

import ipywidgets as widgets
from matplotlib.figure import Figure

from course.plotting import img_html


def figure_png(fig: Figure) -> bytes:
    """Return the figure as PNG bytes, without the metadata that changes between versions."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    return buffer.getvalue()


class Explorer:
    """A row of controls above a figure and a caption; any change redraws."""

    def __init__(self, draw, controls: dict, figsize=(8, 3), title: str = ""):
        self.draw, self.controls, self.figsize, self.title = draw, controls, figsize, title
        self.caption = widgets.HTML()
        self.out = widgets.Output()
        for control in controls.values():
            control.observe(lambda _change: self.update(), names="value")
        row = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([row, self.caption, self.out])
        self.png = b""
        self.update()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def settings(self, between: str, named_as_shown: bool = False) -> str:
        """Return the settings as the controls show them: a slider's readout, a dropdown's label.

        Each is named by its key (as `draw` knows it) or, with `named_as_shown`, by the label the
        learner sees beside the control (and a screen reader says), e.g. "learning rate".
        """
        def shown(control) -> str:
            text = getattr(control, "readout", None) or getattr(control, "label", None)
            return text if isinstance(text, str) else repr(control.value)
        return ", ".join(f"{(named_as_shown and control.description) or name}{between}{shown(control)}"
                         for name, control in self.controls.items())

    def update(self) -> str:
        """Redraw with the current control values; return the caption."""
        fig = Figure(figsize=self.figsize, layout="constrained")
        caption = self.draw(fig, **self.values()) or ""
        self.png = figure_png(fig)
        self.caption.value = caption
        data = base64.b64encode(self.png).decode("ascii")
        self.out.outputs = ({
            "output_type": "display_data",
            # JupyterLab shows the <img>, whose alt text (the caption) a screen reader reads
            "data": {"text/html": img_html(data, self.alt()),
                     "image/png": data, "text/plain": caption},
            "metadata": {},
        },)
        return caption

    def alt(self) -> str:
        """Return the figure's text alternative: the title, the settings and the caption, as plain text."""
        caption = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", self.caption.value)).split())
        settings = self.settings(" = ", named_as_shown=True)
        return f"{self.title or 'Interactive figure'}, drawn for {settings}. {caption}".strip()

    def text(self) -> str:
        head = f"Interactive: {self.title} " if self.title else "Interactive demo "
        return f"{head}({self.settings('=')}). {self.caption.value} (Run the notebook in JupyterLab to change the controls.)"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_()
        bundle["text/plain"] = self.text()
        data = base64.b64encode(self.png).decode("ascii")
        bundle["image/png"] = data
        # Saved notebooks keep no live widget: there (and on the course's site) the figure shows as
        # this <img>, with its text alternative, and a line on what its controls do with a kernel.
        labels = ", ".join(control.description or name for name, control in self.controls.items())
        bundle["text/html"] = img_html(data, self.alt()) + (
            f"<p><i>Interactive figure: in JupyterLab, moving its controls ({html.escape(labels)}) redraws it and "
            "rewrites its caption. Shown here as saved.</i></p>")
        return bundle
