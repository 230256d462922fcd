"""Execute a submitted notebook in a sandbox, and keep its kernel ready for the grader's calls.

A cell that stops the kernel (os._exit(), a crash, an interrupt it ignores) is skipped and
the notebook run again from the top without it, a few times at most, so one bad cell
costs that cell rather than every task after it. The same happens when a learner's
function stops the kernel while it is being checked.

Time: each cell gets `cell_seconds`; all cells (every run of them) share `notebook_seconds`
and all of the checks' calls another `notebook_seconds`, so runaway cells cannot starve
the checks. Only time spent running learner code counts, not starting kernels, so a
busy grading machine does not eat a notebook's budget.
"""
from __future__ import annotations

import inspect
import time

import nbformat

from course.instructor import wire
from course.instructor.sandbox import KernelGone

MAX_STARTS = 3
HELPER = "_course_grader"
# Runs wire.py's source in a module of its own inside the kernel, out of the learner's names.
INSTALL = ("import types as _t\n{name} = _t.ModuleType({name!r})\n"
           "exec({source!r}, {name}.__dict__)\ndel _t")


class NotebookRun:
    """One submission's notebook in one sandbox (made by a kernel_setup.Setup): `execute` it, then `ask` the
    kernel things. Use it in a `with` block, which deletes the job folder however the block ends."""

    def __init__(self, nb, name: str, setup):
        self.nb, self.limits = nb, setup.limits
        self.sandbox = setup.sandbox()
        try:
            # The working folder holds a copy of this notebook and nothing else, as in Jupyter.
            nbformat.write(nb, self.sandbox.work / name)
        except BaseException:  # a cell nbformat cannot write (a lone surrogate), Ctrl-C: no one else can delete it
            self.sandbox.close()
            raise
        self.spent = {"cells": 0.0, "checks": 0.0}
        self.skipped: dict[int, str] = {}
        self.events: dict[int, str] = {}  # cell index -> what happened to it, for the gradebook
        self.starts, self.ready, self.problem, self.cut_short = 0, False, "", False
        self.memory_note = f"went over the {self.limits.memory_mb} MB memory limit"

    def remaining(self, what: str = "cells") -> float:
        """Return the seconds left for running cells (or for the checks' calls)."""
        return self.limits.notebook_seconds - self.spent[what]

    def _timed(self, what: str, action, *args):
        start = time.monotonic()
        try:
            return action(*args)
        finally:
            self.spent[what] += time.monotonic() - start

    def execute(self) -> bool:
        """Run the notebook until the kernel survives it; return whether it is ready for calls."""
        while not self.ready and not self.problem:
            if self.starts >= MAX_STARTS:
                self.problem = f"the kernel stopped {self.starts} times while running this notebook"
            else:
                self._attempt()
        return self.ready

    def _attempt(self) -> None:
        self.starts += 1
        self.events = {i: f"cell {i + 1} stopped the kernel and was skipped" for i in self.skipped}
        try:
            self.sandbox.start()
        except KernelGone as exc:
            self.problem = str(exc)
            return
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type == "code" and not self._run(index, cell):
                return
        try:
            self.sandbox.evaluate(INSTALL.format(name=HELPER, source=inspect.getsource(wire)), f"{HELPER}.reply", 30)
            self.ready = True
        except (KernelGone, ValueError) as exc:
            self.problem = f"the grader's helper could not be loaded into the kernel ({exc})"

    def _run(self, index: int, cell) -> bool:
        """Run one cell with its time limit; return False when the kernel stopped (start over)."""
        cell.outputs, cell.execution_count = [], None
        note = (lambda text: self.sandbox.outputs.note(cell.outputs, text))
        if index in self.skipped:
            note(self.skipped[index])
            return True
        seconds, budget = self.limits.cell_seconds, self.limits.notebook_seconds
        if self.remaining() <= 0:
            note(f"Not run: the notebook's cells used up their {budget:g} s.")
            self.events.setdefault(len(self.nb.cells), f"cells from {index + 1} on were not run (time limit)")
            self.cut_short = True
            return True
        try:
            limit = min(seconds, self.remaining())
            cell.outputs, late = self._timed("cells", self.sandbox.run_cell, cell.source, limit)
        except KernelGone as gone:
            if self._breached():
                note(f"The grader stopped this notebook: {self.sandbox.breach}.")
                return False
            why = ("was still running at the time limit and ignored the interrupt" if "interrupt" in str(gone)
                   else f"stopped the kernel (it crashed, called os._exit(), or {self.memory_note})")
            self.skipped[index] = f"This cell {why}, so the grader ran the notebook again without it."
            note(self.skipped[index])
            return False
        cell.execution_count = index + 1
        if late:
            # Say which limit stopped it, in words that do not depend on the machine's speed.
            when = f"after {seconds:g} s" if self.remaining() > 0 else f"when the cells used up their {budget:g} s"
            note(f"Stopped: this cell was still running {when}.")
            self.events[index] = f"cell {index + 1} was stopped {when}"
        return True

    def note(self) -> str:
        """Return what went wrong while the notebook ran, in one sentence ("" if nothing did)."""
        events = [text for _, text in sorted(self.events.items())]
        return f" (While the notebook ran: {'; '.join(events)}.)" if events else ""

    def ask(self, code: str, seconds: float) -> str:
        """Run grader code in the kernel and return `_course_grader.reply`, as JSON text.

        Time-outs and a kernel that stops become replies too; a stopped kernel is brought
        back (the notebook runs again) before the next question.
        """
        if not self.execute():
            return '{"kind": "unavailable"}'
        if self.remaining("checks") <= 0:
            return '{"kind": "out_of_time"}'
        try:
            text = self._timed("checks", self.sandbox.evaluate, code, f"{HELPER}.reply", seconds)
        except KernelGone:
            self.ready = False
            self._breached()
            return '{"kind": "gone"}'
        except ValueError:
            return '{"kind": "unreadable"}'
        return '{"kind": "timeout"}' if text is None else text

    def _breached(self) -> bool:
        """If the watchdog stopped the kernel, make that the run's problem (no run again); say whether it did."""
        if self.sandbox.breach:
            self.problem = f"the grader stopped this notebook because {self.sandbox.breach}"
            self.memory_note = self.sandbox.breach
        return bool(self.sandbox.breach)

    def close(self) -> None:
        """Stop the kernel and delete the job folder."""
        self.sandbox.close()

    def __enter__(self) -> NotebookRun:
        return self

    def __exit__(self, *_) -> None:
        self.close()
