"""The grading kernel's stdout and stderr: printed text is published in messages of bounded size.

ipykernel collects what a cell prints and publishes it every 0.2 s as one message. A loop
that prints as fast as it can fills tens of megabytes in that time, more than the grader
accepts in one message (Limits.message_mb). The grader's socket then closes the
connection for good (ZeroMQ treats an oversized message as a protocol error and does not
reconnect), so every later message is lost, the "idle" that ends the cell among them: the
grader would take the kernel for one that ignores interrupts, kill it and skip the cell,
instead of cutting the flood (outputs.py) and grading the notebook.

ChunkedOutStream publishes at most CHUNK characters per message: before the text waiting
to be sent would grow past it, the writer waits until it has been sent. Both ways of
making a kernel select it with `--IPKernelApp.outstream_class` (kernels.KERNEL_OPTIONS).
It is imported only inside kernels.
"""
from __future__ import annotations

import threading

from ipykernel.iostream import OutStream

# A character takes at most 6 bytes in the message's JSON ("\u0001"), so a message stays
# below 7 MB, far under the grader's cap (Limits.message_mb, 32 MB by default).
CHUNK = 1 << 20


class ChunkedOutStream(OutStream):
    """An OutStream whose messages hold at most CHUNK characters of text each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._unsent = 0  # characters written since the last flush this class asked for
        self._count_lock = threading.Lock()

    def write(self, string: str) -> int | None:
        if not isinstance(string, str):
            return super().write(string)  # which says why it is not accepted
        for start in range(0, len(string), CHUNK):
            piece = string[start:start + CHUNK]
            with self._count_lock:
                full = self._unsent + len(piece) > CHUNK
                self._unsent = len(piece) if full else self._unsent + len(piece)
            if full:
                self.flush()  # sends what is waiting, and returns once it has gone
            super().write(piece)
        return len(string)
