"""Do `make lab` and `course lab` start a JupyterLab that answers, opens on lesson 00 and has widgets?

Each test runs for both commands: the Makefile target, and `.venv/bin/course lab`, the path
without make (started from another folder, as after activating the venv anywhere). It
reads the URL the command prints (as a learner would copy it) and stops the server by its
process id. Needs no browser.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from course.data import ROOT
from tests.browser.jupyterlab import free_port, page_config, stop, tail

FIRST = "notebooks/00-what-is-an-ai-researcher.ipynb"
WIDGETS = "@jupyter-widgets/jupyterlab-manager"
PRINTED_URL = re.compile(r"http://127\.0\.0\.1:\d+/\S+\?token=\w+")
VENV = ROOT / ".venv"
COMMANDS = ["make lab", "course lab"]


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read().decode()


def lab_command(name: str, port: int) -> list[str]:
    """The command a learner types, with options for a test: no browser, a free port and no other."""
    options = ["--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if name == "make lab":
        return ["make", "-C", str(ROOT), "--no-print-directory", "-s", "lab", f"LAB_ARGS={' '.join(options)}"]
    return [str(VENV / "bin" / "course"), "lab", *options]


def start(name: str, home: Path, **popen) -> tuple[subprocess.Popen, str, Path]:
    """Start `make lab` or `course lab` in its own process group; return it, the URL it printed and its log."""
    if not (VENV / ".installed").exists():
        pytest.skip("make lab has not set up .venv here (run make test or make lab once)")
    log = home / "lab.log"
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "JUPYTER_TOKEN"}}
    env.update(JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               COURSE_PROGRESS=str(home / "progress.json"))
    process = subprocess.Popen(lab_command(name, free_port()), cwd=home, env=env, stdin=subprocess.DEVNULL,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True, **popen)
    deadline = time.monotonic() + 90
    while not (found := PRINTED_URL.search(log.read_text(errors="replace"))):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            pytest.fail(f"{name} printed no URL (exit code {process.poll()}):\n{tail(log)}", pytrace=False)
        time.sleep(0.25)
    return process, found.group(0), log


@pytest.fixture(scope="module", params=COMMANDS)
def lab_url(request, tmp_path_factory):
    """Run `make lab` or `course lab` on a free port; yield the URL it printed."""
    process, url, _ = start(request.param, tmp_path_factory.mktemp(request.param.replace(" ", "-")))
    try:
        yield url
    finally:
        stop(process)
    assert process.poll() is not None


def test_lab_prints_a_url_that_opens_lesson_00(lab_url):
    parts = urllib.parse.urlsplit(lab_url)
    assert parts.path == f"/lab/tree/{FIRST}"
    status, page = get(lab_url)
    assert status == 200
    assert page_config(page).get("treePath") == FIRST


def test_lab_server_answers_api_status(lab_url):
    parts = urllib.parse.urlsplit(lab_url)
    status, body = get(f"{parts.scheme}://{parts.netloc}/api/status?{parts.query}")
    assert status == 200
    assert {"started", "kernels"} <= set(json.loads(body))


def test_lab_has_the_widgets_extension_enabled(lab_url):
    config = page_config(get(lab_url)[1])
    extensions = {e["name"] for e in config.get("federated_extensions", [])}
    assert WIDGETS in extensions, f"{WIDGETS} is not installed; JupyterLab has {sorted(extensions)}"
    disabled = config.get("disabledExtensions", [])
    assert not any(d == WIDGETS or d.startswith(WIDGETS + ":") for d in disabled), disabled


def test_lab_kernel_is_the_course_venv_with_one_blas_thread(lab_url):
    parts = urllib.parse.urlsplit(lab_url)
    specs = json.loads(get(f"{parts.scheme}://{parts.netloc}/api/kernelspecs?{parts.query}")[1])
    assert specs["default"] == "python3", specs["default"]
    spec = specs["kernelspecs"]["python3"]["spec"]
    assert Path(spec["argv"][0]).parent.resolve() == (VENV / "bin").resolve(), spec["argv"]
    assert spec["display_name"] == "Python 3 (course)", spec["display_name"]
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        assert spec["env"].get(name) == "1", spec["env"]


def test_lab_fetches_no_news_and_no_updates(lab_url):
    parts = urllib.parse.urlsplit(lab_url)
    config = page_config(get(lab_url)[1])
    assert config.get("news") == {"disabled": True}, config.get("news")
    for endpoint, empty in (("news", {"news": []}), ("update", {"notification": None})):
        _, body = get(f"{parts.scheme}://{parts.netloc}/lab/api/{endpoint}?{parts.query}")
        assert json.loads(body) == empty, (endpoint, body)


def interrupt_like_a_terminal(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C goes to every process in the foreground group


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("send", [interrupt_like_a_terminal, subprocess.Popen.terminate],
                         ids=["ctrl-c", "sigterm-to-the-command"])
def test_lab_stops_with_its_server_and_no_traceback(name, send, tmp_path):
    """Ctrl-C, or SIGTERM to the command alone, stops JupyterLab too: nothing is left running."""
    process, url, log = start(name, tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        send(process)
        code = process.wait(30)
        time.sleep(0.5)
        with pytest.raises(ProcessLookupError):
            os.killpg(process.pid, 0)  # no JupyterLab (or anything else) left in the group
        with pytest.raises(OSError):
            get(url)
    finally:
        stop(process)
    assert "Traceback" not in log.read_text(errors="replace"), tail(log)
    if name == "course lab":
        assert code == 0, tail(log)  # JupyterLab's own exit code (make re-raises the signal instead)
