"""Fixtures for the browser suite: one JupyterLab on a temporary copy of the course, one
headless Chromium with one context, a new page per test, and the kernels shut down after each.

Without Chromium (or the playwright package) these tests skip with one line; with CI=true
they fail instead, so CI cannot pass without having clicked through the course.
"""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest

from course.data import ROOT
from tests.browser.jupyterlab import CHROMIUM, CHROMIUM_ARGS, copy_course, require_browser, start_lab, stop
from tests.browser.site import Traffic, build_once, serve

ARTIFACTS = Path(os.environ.get("COURSE_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
TIMINGS: dict[str, tuple[float, float]] = {}  # notebook -> (seconds in total, seconds running cells)


def pytest_configure(config):
    """Once per run (in the controller, before any xdist worker): drop the last run's failure
    screenshots and axe reports, so that test-artifacts/browser describes this run only."""
    if hasattr(config, "workerinput") or not ARTIFACTS.is_dir():
        return
    for stale in [*ARTIFACTS.glob("FAILED-*.png"), *ARTIFACTS.glob("axe-*.txt")]:
        stale.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def playwright_api():
    return require_browser()


@pytest.fixture(scope="session")
def lab(playwright_api, tmp_path_factory):
    root = copy_course(ROOT, tmp_path_factory.mktemp("course"))
    server = start_lab(root, tmp_path_factory.mktemp("lab-home"))
    server.root = root
    yield server
    stop(server.process)


@pytest.fixture(scope="session")
def browser(playwright_api):
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def context(browser):
    """One browser context for the session: JupyterLab's scripts load from its cache after the first page."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    yield context
    context.close()


@contextlib.contextmanager
def new_page(context, request):
    """A new page (tab) with a 30 s default timeout; if the test failed, a screenshot is kept."""
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    if getattr(request.node, "outcome_failed", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name.replace('/', '_')}.png"))
    page.close()


@pytest.fixture
def page(context, lab, request):
    """A new page in JupyterLab, its script errors recorded (page.crashes); kernels are shut down after."""
    with new_page(context, request) as page:
        page.crashes = []
        page.on("pageerror", lambda error: page.crashes.append(str(error)))
        yield page
    lab.shut_down_kernels()


@pytest.fixture(scope="session")
def site(playwright_api, tmp_path_factory, worker_id):
    """The course's website, built once per test run (shared by the xdist workers) and served here."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    record = build_once(shared / "course-site")
    served = serve(shared / "course-site" / "site", record)
    yield served
    served.stop()


@pytest.fixture
def site_page(context, site, request):
    """A new page for the website, with its traffic and console recorded (page.traffic)."""
    with new_page(context, request) as page:
        page.traffic = Traffic(page, (site.base + "/", "data:", "about:"))
        yield page


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.outcome_failed = True
    return report


@pytest.fixture
def timer(request):
    """Seconds for the notebook under test: in all, and running its cells (the test fills in name and cells)."""
    start = time.monotonic()
    record = {}
    yield record
    if "cells" in record:  # user_properties travel with the report, also from xdist workers
        request.node.user_properties.append(("browser_seconds", (record["name"], time.monotonic() - start,
                                                                  record["cells"])))


def pytest_runtest_logreport(report):
    if report.when == "teardown":
        for key, (name, total, cells) in report.user_properties:
            if key == "browser_seconds":
                TIMINGS[name] = (total, cells)


def pytest_terminal_summary(terminalreporter):
    if not TIMINGS:
        return
    width = max(len(name) for name in TIMINGS) + 2
    lines = [f"{'notebook':<{width}} {'total s':>8} {'cells s':>8}"]
    lines += [f"{name:<{width}} {total:8.1f} {cells:8.1f}" for name, (total, cells) in sorted(TIMINGS.items())]
    lines.append(f"{'sum over ' + str(len(TIMINGS)) + ' notebooks':<{width}} "
                 f"{sum(t for t, _ in TIMINGS.values()):8.1f} {sum(c for _, c in TIMINGS.values()):8.1f}")
    terminalreporter.write_sep("-", "seconds per notebook in JupyterLab (total: open, run all, answer a question)")
    for line in lines:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.txt").write_text("\n".join(lines) + "\n")
