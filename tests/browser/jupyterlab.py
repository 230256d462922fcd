"""Start and stop a JupyterLab server for tests, and find the browser that drives it.

The server runs on a free loopback port with a random token, in its own process group
so that stopping it by its process id also stops the kernels it started. Its settings,
workspaces and runtime files live in a temporary folder: the learner's own JupyterLab
setup is neither read nor changed.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

# Debian's package; COURSE_CHROMIUM may name another Chromium or Chrome (on macOS, say).
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
# Headless and quiet: this machine's network is closed, and Chromium's background
# services would otherwise try (and fail) to reach Google at every start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
# Offline and hands-off: no news feed, no update check, no extension manager on PyPI.
OFFLINE_ARGS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]
# User settings for the test server: autosave off (the copy is never written back),
# every cell kept in the page (so the tests can read every output), no notifications.
TEST_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_browser(chromium: str = CHROMIUM):
    """Return playwright's sync API, or skip (fail in CI) with a one-line reason."""
    problem = None
    if not os.access(chromium, os.X_OK):
        problem = f"no Chromium at {chromium} (Debian: apt-get install chromium; or set COURSE_CHROMIUM)"
    else:
        try:
            from playwright import sync_api
        except ImportError:
            problem = "the playwright package is missing (make test installs it)"
    if problem:
        if in_ci():
            pytest.fail(f"browser tests must run in CI: {problem}", pytrace=False)
        pytest.skip(f"browser tests need a browser: {problem}")
    return sync_api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop a server started with start_new_session=True: SIGTERM by pid, then its whole group."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # kernels or a child the server left behind
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(5)


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> dict:
    """Poll `url` (a JSON endpoint) until it answers; fail with the server log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with code {process.returncode}:\n{tail(log)}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return json.load(answer)
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"the server did not answer {url} within {timeout:.0f} s:\n{tail(log)}", pytrace=False)


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def isolated_env(home: Path) -> dict:
    """Environment for a server whose settings, workspaces and progress are all under `home`."""
    settings = home / "settings"
    for name, values in TEST_SETTINGS.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "JUPYTER_TOKEN"}}
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_PREFER_ENV_PATH="1",
        COURSE_PROGRESS=str(home / "progress.json"),
    )
    return env


@dataclass
class Lab:
    """A running JupyterLab: where it is, its token, and its process."""

    base: str
    token: str
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", "DELETE")


def copy_course(source: Path, target: Path, folders=("notebooks", "exercises")) -> Path:
    """A temporary copy of the learner-facing folders: the server never sees the repo itself."""
    for folder in folders:
        shutil.copytree(source / folder, target / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return target


def start_lab(root: Path, home: Path) -> Lab:
    """Start JupyterLab serving `root`, with a random token; the caller must stop() it."""
    port, token = free_port(), secrets.token_urlsafe(24)
    log = home / "jupyterlab.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", *OFFLINE_ARGS, *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=isolated_env(home), stdin=subprocess.DEVNULL, stdout=log.open("wb"),
        stderr=subprocess.STDOUT, start_new_session=True)
    lab = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        wait_until_up(lab.url("api/status"), process, log)
    except BaseException:
        stop(process)
        raise
    return lab


def page_config(html_text: str) -> dict:
    """The JSON JupyterLab embeds in every page it serves (extensions, tree path, ...)."""
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      html_text, re.S)
    return json.loads(found.group(1)) if found else {}
