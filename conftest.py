"""Settings for every pytest run in this repo: unit tests and notebooks under nbval.

Kernels started by nbval inherit this process's environment, so setting it here keeps
their progress file out of the learner's home and their BLAS to one thread.

It is also the exercise harness: with COURSE_EXPECT_STATUS set (`make test` runs
`COURSE_EXPECT_STATUS=not_attempted pytest --nbval-lax exercises`), every notebook cell
that calls `.check(` must display its verdict, and that verdict must have this status.
The verdicts are read from the outputs the kernel sends back, so nothing in the course
package looks at the variable, and a learner who happens to have it set never notices.
"""
import atexit
import os
import re
import shutil
import tempfile
import uuid

import nbval.kernel
import pytest
from jupyter_client.manager import KernelManager
from traitlets import default

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
# One throw-away folder per pytest process (xdist workers included), removed when it ends.
PROGRESS_FOLDER = tempfile.mkdtemp(prefix="course-test-")
os.environ["COURSE_PROGRESS"] = os.path.join(PROGRESS_FOLDER, "progress.json")
atexit.register(shutil.rmtree, PROGRESS_FOLDER, ignore_errors=True)   # in case pytest_unconfigure never runs


class SocketKernelManager(KernelManager):
    """nbval's kernels talk over Unix sockets in this process's folder, not over TCP ports.

    Under xdist two workers start kernels at the same moment, and each kernel's five ports are
    picked as "free" before the kernel binds them, so both can be handed the same port; one
    kernel then dies ("Kernel died before replying to kernel_info", seen once in `make test`;
    nbmake's issue 129 reports the same with "Address already in use"). A socket path of its
    own cannot collide. (The grader's kernels already use sockets: course/instructor/sandbox.py.)
    """

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:   # with ipc, "ip" is the sockets' path prefix
        return os.path.join(PROGRESS_FOLDER, f"kernel-{uuid.uuid4().hex[:12]}")


nbval.kernel.KernelManager = SocketKernelManager   # what nbval's start_new_kernel builds

EXPECT_ENV = "COURSE_EXPECT_STATUS"
CHECK_CALL = re.compile(r"\.check\(")
VERDICT = re.compile(r'class="course-feedback course-(\w+)')   # Feedback.html() marks its status this way


def verdicts(outputs) -> list[tuple[str, str]]:
    """Return (status, text) of every verdict a cell displayed."""
    found = []
    for output in outputs:
        data = output.get("data", {})
        for status in VERDICT.findall(data.get("text/html", "")):
            found.append((status, data.get("text/plain", "")))
    return found


def expect_verdicts(source: str, outputs, expected: str) -> None:
    """Fail unless every verdict shown has status `expected`, and a cell that checks shows one."""
    shown = verdicts(outputs)
    if CHECK_CALL.search(source) and not shown:
        pytest.fail(f"{EXPECT_ENV}={expected}: this cell calls .check( but displays no verdict (end the cell "
                    f"with the check, as `q1.check(fn)`, so that its verdict can be read):\n{source}", pytrace=False)
    wrong = [text for status, text in shown if status != expected]
    if wrong:
        pytest.fail(f"{EXPECT_ENV}={expected}: a check said something else:\n" + "\n".join(wrong), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After nbval runs a notebook cell, hold the verdicts it displayed to COURSE_EXPECT_STATUS."""
    result = yield
    expected = os.environ.get(EXPECT_ENV)
    outputs = getattr(item, "test_outputs", None)   # nbval's NotebookCell keeps what the kernel sent
    if expected and outputs is not None:
        expect_verdicts(item.cell.source, outputs, expected)
    return result


def pytest_unconfigure(config):
    """Remove this process's progress folder: a test run leaves nothing in the temporary folder."""
    shutil.rmtree(PROGRESS_FOLDER, ignore_errors=True)
