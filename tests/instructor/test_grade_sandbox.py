"""Does a grading kernel really run inside its limits: hidden folders, read-only files, no network, no powers?

Each question is asked of kernels made both ways: forked from the warm factory and started afresh.
"""
import json
import os
import resource
import subprocess
import sys

import pytest

from course.data import ROOT
from course.instructor.kernel_setup import warm_factory
from course.instructor.kernels import Factory, Forked, isolation_works, supported
from course.instructor.sandbox import Limits, Sandbox, base_environment

HIDDEN = ROOT / "tests" / "instructor" / "submissions"
PROBE = f"""
import ctypes, json, os, resource, socket
facts = {{"hidden": os.listdir({str(HIDDEN)!r}) if os.path.isdir({str(HIDDEN)!r}) else None,
          "memory": resource.getrlimit(resource.RLIMIT_AS)[0] >> 20, "env": sorted(os.environ),
          "cwd": os.listdir("."), "pids": len([p for p in os.listdir("/proc") if p.isdigit()])}}
try:  # only tried where it must fail: a plain kernel really could write there
    if ISOLATED:
        open({str(ROOT / "written-by-a-kernel")!r}, "w")
    facts["write"] = "allowed"
except OSError as exc:
    facts["write"] = exc.strerror
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    facts["network"] = "connected"
except OSError as exc:
    facts["network"] = exc.strerror
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
facts["capabilities"] = status["CapEff"].strip()
facts["unmount"] = ctypes.CDLL(None).umount2({str(HIDDEN).encode()!r}, 2)
print(json.dumps(facts))
"""


def probe(isolate: bool, factory) -> dict:
    """Start a sandboxed kernel that hides the fixture submissions and report what it could see and do."""
    sandbox = Sandbox(Limits(memory_mb=1024), hide=[str(HIDDEN)], isolate=isolate, factory=factory)
    try:
        sandbox.start()
        outputs, late = sandbox.run_cell(f"ISOLATED = {isolate}\n" + PROBE, 20)
    finally:
        sandbox.close()
    assert not late and outputs[0].output_type == "stream", outputs
    return json.loads(outputs[0].text)


@pytest.fixture(scope="module")
def factory():
    if not supported():
        pytest.skip("kernels are forked only on Linux")
    with pytest.MonkeyPatch.context() as monkeypatch:
        # Set before the factory starts: a secret in the grader's environment must not reach kernels.
        monkeypatch.setenv("COURSE_GRADER_SECRET", "instructor-token")
        made, why = warm_factory(["numpy"])
    assert made is not None, why
    yield made
    made.close()


@pytest.fixture(scope="module", params=["forked", "fresh"])
def made(request):
    """How the kernel was made: forked from the warm factory, or started afresh."""
    return request.getfixturevalue("factory") if request.param == "forked" else None


@pytest.fixture(scope="module")
def isolated(made):
    if not isolation_works():
        pytest.skip("no Linux user namespaces on this machine")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("COURSE_GRADER_SECRET", "instructor-token")
        return probe(True, made)


@pytest.fixture(scope="module")
def plain(made):
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("COURSE_GRADER_SECRET", "instructor-token")
        return probe(False, made)


def test_is_a_folder_to_hide_empty_inside_the_kernel(isolated):
    assert isolated["hidden"] == [] and os.listdir(HIDDEN)


def test_is_the_rest_of_the_file_system_read_only(isolated):
    assert isolated["write"] == "Read-only file system"
    assert not (ROOT / "written-by-a-kernel").exists()


def test_has_the_kernel_no_network(isolated):
    assert isolated["network"] == "Network is unreachable"


def test_does_the_kernel_see_only_its_own_processes(isolated):
    assert isolated["pids"] <= 3


def test_has_the_kernel_no_capabilities_to_undo_its_limits(isolated):
    assert int(isolated["capabilities"], 16) == 0 and isolated["unmount"] == -1


def assert_limited_clean_and_alone(facts):
    assert facts["memory"] == 1024
    assert "COURSE_GRADER_SECRET" not in facts["env"] and "HOME" in facts["env"]
    assert facts["cwd"] == []


def test_does_an_isolated_kernel_get_the_memory_limit_a_clean_environment_and_an_own_folder(isolated):
    assert_limited_clean_and_alone(isolated)


def test_does_a_plain_kernel_get_the_memory_limit_a_clean_environment_and_an_own_folder(plain):
    assert_limited_clean_and_alone(plain)


def test_does_each_forked_kernel_start_clean_whatever_an_earlier_one_did(factory):
    seen = []
    for source in ("import numpy; numpy.left_behind = 'by a notebook'; print('set')",
                   "import numpy; print(getattr(numpy, 'left_behind', 'clean'))"):
        sandbox = Sandbox(Limits(memory_mb=1024), hide=[], isolate=False, factory=factory)
        try:
            sandbox.start()
            outputs, _ = sandbox.run_cell(source, 20)
        finally:
            sandbox.close()
        seen.append(outputs[0].text.strip())
    assert seen == ["set", "clean"]


def test_is_printing_more_than_one_message_may_hold_cut_and_is_the_kernel_still_there(made):
    """A print larger than the grader accepts in one message (Limits.message_mb) reaches it in pieces:
    the output is cut at the cap, the cell ends on time, and the kernel goes on running cells."""
    limits = Limits(memory_mb=1024, message_mb=8)
    sandbox = Sandbox(limits, hide=[], isolate=False, factory=made)
    try:
        sandbox.start()
        flood, late = sandbox.run_cell("print('x' * (12 << 20))", 10)
        _, late_after = sandbox.run_cell("answer = 'still here'", 10)  # its output would be cut too
        answer = sandbox.evaluate("", "answer", 10)
    finally:
        sandbox.close()
    assert not late and not late_after, flood
    assert flood[0].text == "x" * limits.output_chars and "Output cut here" in flood[-1].text
    assert answer == "still here"


# --- the handles on kernel processes ------------------------------------------------

@pytest.fixture
def sleeper():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child
    child.kill()
    child.wait()


def test_can_a_forked_kernels_handle_tell_whether_it_lives_at_descriptor_1024_and_above(sleeper):
    """A busy grader (about 21 descriptors per kernel) hands out numbers past select()'s limit of 1023."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip(f"this machine allows only {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1100), hard))
    handle = Forked(sleeper.pid)
    try:
        high = os.dup2(handle.fd, 1050)
        os.close(handle.fd)
        handle.fd = high
        assert handle.alive()
        sleeper.kill()
        sleeper.wait()
        assert not handle.alive()
    finally:
        handle.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_does_closing_the_kernel_factory_close_its_pipes_and_delete_its_folder(tmp_path):
    if not supported():
        pytest.skip("kernels are forked only on Linux")
    folder = tmp_path / "factory"
    folder.mkdir()
    factory = Factory([], base_environment() | {"HOME": str(folder)}, folder)
    factory.close()
    assert factory.process.stdin.closed and factory.process.stdout.closed
    assert not folder.exists()
