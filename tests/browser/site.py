"""The course's website for the browser tests: built once per test run, served from 127.0.0.1.

Under pytest-xdist every worker asks for the site; the first builds it into a folder all
workers share (the run's base temporary folder), under a file lock, and the others wait and
reuse it. Each worker serves it with its own small HTTP server on a free loopback port.
"""
from __future__ import annotations

import fcntl
import functools
import http.server
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.data import ROOT


def expected_pages(root: Path = ROOT) -> list[str]:
    """The pages the site must have, from the sources (as course/instructor/site.py lays them out)."""
    from course.lessons import LESSONS

    pages = ["index.html", "search.html", "genindex.html", "run-it-yourself.html"]
    pages += [f"notebooks/{lesson.stem}.html" for lesson in LESSONS
              if (root / "notebooks" / f"{lesson.stem}.ipynb").is_file()]
    pages += [f"exercises/{p.stem}.html" for p in sorted((root / "exercises").glob("[0-9][0-9]-*.ipynb"))]
    pages += [f"docs/{name}.html" for name in ("instructors", "contributing", "glossary")
              if (root / "docs" / f"{name}.md").is_file()]
    return pages


def build_once(shared: Path) -> dict:
    """Build the site into shared/site unless this run already did; return what the build reported."""
    from course.instructor.site import build

    shared.mkdir(parents=True, exist_ok=True)
    record = shared / "site-built.json"
    with (shared / "site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            built = build(ROOT, shared / "site", staging=shared / "site-src")
            record.write_text(json.dumps({"pages": built.pages, "seconds": built.seconds,
                                          "notes": built.notes, "warnings": built.warnings}))
    return json.loads(record.read_text())


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Served:
    """The built site, where it is on disk and where it is served."""

    folder: Path
    base: str
    server: http.server.ThreadingHTTPServer
    build: dict

    def url(self, page: str) -> str:
        return f"{self.base}/{page}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(folder: Path, build: dict) -> Served:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(folder, f"http://127.0.0.1:{server.server_port}", server, build)


class Traffic:
    """What a page asked for and what went wrong, recorded from the moment it is attached."""

    def __init__(self, page, allowed: tuple[str, ...]):
        self.allowed, self.outside, self.failed, self.errors = allowed, [], [], []
        self.page, self.pending = page, {}
        page.on("request", self._request)
        page.on("requestfinished", lambda r: self.pending.pop(id(r), None))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, request):
        self.pending[id(request)] = request.url
        if not request.url.startswith(self.allowed):
            self.outside.append(request.url)

    def _failed(self, request):
        self.pending.pop(id(request), None)
        # a request cut short because the test moved on (net::ERR_ABORTED) is not the site's failure
        if "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url} ({request.failure})")

    def settle(self, timeout: float = 60.0) -> None:
        """Wait for the network to be idle (no request for 0.5 s), so late requests (fonts, images)
        are seen too; after `timeout`, fail naming the requests still open, not only "timeout"."""
        try:
            self.page.wait_for_load_state("networkidle", timeout=timeout * 1000)
        except PlaywrightTimeout:
            raise AssertionError(f"requests still open after {timeout:.0f} s: {sorted(self.pending.values())}") from None

    def problems(self) -> list[str]:
        return ([f"request outside the site: {u}" for u in self.outside] + [f"failed: {u}" for u in self.failed]
                + [f"console error: {e}" for e in self.errors])
