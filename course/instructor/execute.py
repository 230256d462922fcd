"""Execute notebooks the way the test suite does: to commit them executed, and to time them.

Kernels get one BLAS thread and a throw-away progress file, so outputs do not depend on
the machine's cores or on the maintainer's own progress.

A committed notebook keeps each widget's text, HTML and image fallbacks but not the live
widget view or widget state: a widget only works with a running kernel, and without one
JupyterLab, GitHub and nbviewer show the fallback (the question with its answer folded
away) instead of a dead control or "model not found". Running the cell brings the widget.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

KERNEL_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
FOLDERS = ("notebooks", "solutions", "exercises")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _new_learner(home: Path) -> dict:
    """Return the variables that make a kernel look like a new learner's on Linux, at home `home`.

    Their progress file is empty and sits where a new learner's would, so the dashboards at the
    end of the lessons show "~/.local/share/..." and not a temporary folder. Matplotlib keeps
    using the real font cache, which is slow to rebuild.
    """
    import matplotlib

    progress = home / ".local" / "share" / "ai-researcher-course" / "progress.json"
    return {"HOME": str(home), "USERPROFILE": str(home), "COURSE_PROGRESS": str(progress),
            "MPLCONFIGDIR": os.environ.get("MPLCONFIGDIR") or matplotlib.get_cachedir()}


@contextmanager
def kernel_environment():
    """Set the kernel's environment (one BLAS thread, a new learner's empty progress) for the block."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="course-execute-") as tmp:
        os.environ.update(KERNEL_ENV, **_new_learner(Path(tmp)))
        os.environ.pop("XDG_DATA_HOME", None)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


def run(nb, folder: Path, timeout: int = 120) -> tuple[float, float]:
    """Execute `nb` in place with `folder` as working directory.

    Return (seconds from the first cell's start to the last cell's end, seconds for it all,
    kernel start and shutdown included).
    """
    marks = {}

    def first_cell(**_):
        marks.setdefault("first", time.perf_counter())

    def cell_done(**_):
        marks["last"] = time.perf_counter()

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", record_timing=False, store_widget_state=False,
        resources={"metadata": {"path": str(folder)}}, on_cell_start=first_cell, on_cell_executed=cell_done,
    )
    with kernel_environment():
        start = time.perf_counter()
        client.execute()
        end = time.perf_counter()
    return marks.get("last", end) - marks.get("first", start), end - start


def drop_widget_views(nb) -> None:
    """Remove live widget views from outputs, keeping their fallbacks (see the module docstring)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)


def merge_streams(nb) -> None:
    """Join each run of stdout (or stderr) outputs into one, as a reader sees them.

    The kernel flushes print() output in pieces whose boundaries depend on timing, so without
    this the saved notebook would change from run to run where nothing printed has changed.
    """
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (output.get("output_type") == "stream" and last is not None
                    and last.get("output_type") == "stream" and last.get("name") == output.get("name")):
                last["text"] = last["text"] + output["text"]
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged


def execute_in_place(path: Path, timeout: int = 120) -> tuple[float, str]:
    """Execute the notebook at `path` and save it with outputs; return (seconds, error or "")."""
    nb = nbformat.read(path, as_version=4)
    try:
        cells, _ = run(nb, path.parent.resolve(), timeout)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        return 0.0, str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    drop_widget_views(nb)
    merge_streams(nb)
    nbformat.write(nb, path)
    return cells, ""


def bench(root: Path, with_tests: bool = True) -> int:
    """Print a table of every notebook's execution time, then the test suite's wall time."""
    print(f"{'notebook':<54} {'cells s':>8} {'with kernel s':>14}")
    total_cells = total_all = 0.0
    failed = 0
    for folder in FOLDERS:
        for path in sorted((root / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            try:
                cells, everything = run(nb, path.parent.resolve())
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                print(f"{folder + '/' + path.name:<54} FAILED: {type(exc).__name__}")
                failed += 1
                continue
            total_cells, total_all = total_cells + cells, total_all + everything
            print(f"{folder + '/' + path.name:<54} {cells:>8.2f} {everything:>14.2f}")
    print(f"{'total':<54} {total_cells:>8.2f} {total_all:>14.2f}")
    if with_tests:
        start = time.perf_counter()
        code = subprocess.call(["make", "-s", "test"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        print(f"make test: {time.perf_counter() - start:.1f} s wall ({'passed' if code == 0 else 'FAILED'})")
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(bench(Path.cwd()))
