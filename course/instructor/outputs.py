"""A notebook's outputs as the kernel sends them, kept up to a size cap.

Streams are merged as they arrive, so a loop printing a million lines grows one output
instead of a million; past the cap the rest is dropped and one note says so.
"""
from __future__ import annotations

import json

from nbformat.v4 import new_output, output_from_msg

OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")


def size(output) -> int:
    """Return roughly how many characters an output takes."""
    if output.output_type == "stream":
        return len(output.text)
    if output.output_type == "error":
        return sum(len(line) for line in output.traceback) + len(output.evalue)
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in output.data.values())


class Outputs:
    """Collects cell outputs for one notebook, `cap` characters in all."""

    def __init__(self, cap: int):
        self.cap, self.used = cap, 0
        self.clear_pending = False

    def start_cell(self) -> list:
        """Return a fresh output list for the next cell."""
        self.clear_pending = False
        return []

    def note(self, outputs: list, text: str) -> None:
        """Append a grader's note to a cell's outputs (it does not count against the cap)."""
        outputs.append(new_output("stream", name="stderr", text=f"[course grade] {text}\n"))

    def add(self, outputs: list, msg: dict) -> None:
        """Add the output a kernel message carries, within the cap."""
        if msg["msg_type"] == "clear_output":
            self._clear(outputs, msg["content"].get("wait", False))
            return
        if msg["msg_type"] not in OUTPUT_TYPES:
            return
        try:
            output = output_from_msg(msg)
        except (KeyError, ValueError, TypeError):  # a message shaped by learner code
            return
        if self.clear_pending:
            outputs.clear()
            self.clear_pending = False
        self._append(outputs, output)

    def _clear(self, outputs: list, wait: bool) -> None:
        if wait:
            self.clear_pending = True
        else:
            outputs.clear()

    def _append(self, outputs: list, output) -> None:
        if self.used >= self.cap:
            return
        grow = size(output)
        if self.used + grow > self.cap:
            # Keep a stream up to the exact cap, so where it is cut does not depend on
            # how the kernel happened to batch the text into messages.
            if output.output_type == "stream":
                output.text = output.text[: self.cap - self.used]
                self._merge(outputs, output)
            self.used = self.cap
            self.note(outputs, f"Output cut here: this notebook printed more than {self.cap:,} characters.")
            return
        self.used += grow
        self._merge(outputs, output)

    def _merge(self, outputs: list, output) -> None:
        """Append `output`, or extend the last output when both are the same stream."""
        last = outputs[-1] if outputs else None
        if output.output_type == "stream" and last and last.output_type == "stream" and last.name == output.name:
            last.text += output.text
        else:
            outputs.append(output)
