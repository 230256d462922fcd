"""Does `make lab` start a JupyterLab that answers, opens on lesson 00 and has widgets?

Runs the real Makefile target, reads the URL it prints (as a learner would copy it),
and stops the server by its process id. Needs no browser.
"""
from __future__ import annotations

import json
import os
import re
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


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read().decode()


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory):
    """Run `make lab` on a free port; yield the URL it printed."""
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("make lab has not set up .venv here (run make test or make lab once)")
    home = tmp_path_factory.mktemp("make-lab")
    log = home / "make-lab.log"
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "JUPYTER_TOKEN"}}
    env.update(JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               COURSE_PROGRESS=str(home / "progress.json"))
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-s", "lab",
         f"LAB_ARGS=--no-browser --ServerApp.port={free_port()} --ServerApp.port_retries=0"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not (found := PRINTED_URL.search(log.read_text(errors="replace"))):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make lab printed no URL (exit code {process.poll()}):\n{tail(log)}", pytrace=False)
            time.sleep(0.25)
        yield found.group(0)
    finally:
        stop(process)
    assert process.poll() is not None


def test_make_lab_prints_a_url_that_opens_lesson_00(make_lab):
    parts = urllib.parse.urlsplit(make_lab)
    assert parts.path == f"/lab/tree/{FIRST}"
    status, page = get(make_lab)
    assert status == 200
    assert page_config(page).get("treePath") == FIRST


def test_make_lab_server_answers_api_status(make_lab):
    parts = urllib.parse.urlsplit(make_lab)
    status, body = get(f"{parts.scheme}://{parts.netloc}/api/status?{parts.query}")
    assert status == 200
    assert {"started", "kernels"} <= set(json.loads(body))


def test_make_lab_has_the_widgets_extension_enabled(make_lab):
    config = page_config(get(make_lab)[1])
    extensions = {e["name"] for e in config.get("federated_extensions", [])}
    assert WIDGETS in extensions, f"{WIDGETS} is not installed; JupyterLab has {sorted(extensions)}"
    disabled = config.get("disabledExtensions", [])
    assert not any(d == WIDGETS or d.startswith(WIDGETS + ":") for d in disabled), disabled


def test_make_lab_kernel_is_the_course_venv_with_one_blas_thread(make_lab):
    parts = urllib.parse.urlsplit(make_lab)
    specs = json.loads(get(f"{parts.scheme}://{parts.netloc}/api/kernelspecs?{parts.query}")[1])
    spec = specs["kernelspecs"][specs["default"]]["spec"]
    assert Path(spec["argv"][0]).parent.resolve() == (ROOT / ".venv" / "bin").resolve(), spec["argv"]
    assert spec["env"].get("OPENBLAS_NUM_THREADS") == "1", spec["env"]


def test_make_lab_fetches_no_news_and_no_updates(make_lab):
    parts = urllib.parse.urlsplit(make_lab)
    config = page_config(get(make_lab)[1])
    assert config.get("news") == {"disabled": True}, config.get("news")
    for endpoint, empty in (("news", {"news": []}), ("update", {"notification": None})):
        _, body = get(f"{parts.scheme}://{parts.netloc}/lab/api/{endpoint}?{parts.query}")
        assert json.loads(body) == empty, (endpoint, body)
