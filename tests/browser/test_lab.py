"""Do the self-checks work in a real JupyterLab, clicked in a real browser?

Opt-in (`make test-browser`): needs Chromium at /usr/bin/chromium (Debian package
`chromium`) and the `playwright` Python package; never downloads a browser.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from course.data import ROOT

CHROMIUM = "/usr/bin/chromium"
LESSON = "notebooks/00-what-is-an-ai-researcher.ipynb"
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.environ.get("COURSE_BROWSER") or not shutil.which(CHROMIUM),
                                reason="browser tests are opt-in: make test-browser")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """Start JupyterLab on a copy of lesson 00 (autosave never touches the repo); yield (base url, token)."""
    port, token = free_port(), "course-browser-test"
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / LESSON, root / LESSON)
    env = {**os.environ, "COURSE_PROGRESS": str(tmp_path_factory.mktemp("p") / "progress.json")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    yield base, token
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="module")
def page(lab):
    base, token = lab
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"{base}/lab/tree/{LESSON}?token={token}")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        yield page
        browser.close()


def test_does_a_quiz_show_its_text_fallback_before_the_notebook_runs(page):
    page.wait_for_selector(".course-quiz", timeout=30_000)
    assert page.locator("text=Error displaying widget").count() == 0


def test_does_a_quiz_explain_a_wrong_and_a_right_answer_after_running(page):
    page.click("text=Run")
    page.click("text=Run All Cells")
    page.wait_for_selector("text=self-checks correct", timeout=90_000)
    quiz = page.locator(".widget-vbox:has(.widget-button:has-text('Check'))").first
    quiz.locator("input[type=checkbox]").nth(0).check()
    quiz.locator("button:has-text('Check')").click()
    page.wait_for_selector(".course-incorrect", timeout=10_000)
    assert "A is not right" in quiz.locator(".course-feedback").inner_text()
    quiz.locator("input[type=checkbox]").nth(1).check()
    quiz.locator("button:has-text('Check')").click()
    page.wait_for_selector(".course-correct", timeout=10_000)
    assert "B is right" in quiz.locator(".course-feedback").inner_text()
