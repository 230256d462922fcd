"""Accessibility audits with axe-core (the axe-playwright-python package bundles it).

A violation of impact "serious" or "critical" fails the test that asked; the others
("moderate", "minor") are listed in the test output (run pytest with -s, or read the
captured output of a failure) and in test-artifacts/browser/axe-*.txt, so they stay visible.
"""
from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS

BLOCKING = ("serious", "critical")


def axe_violations(page, context=None, disable: tuple[str, ...] = ()) -> list[dict]:
    """Run axe on the page (or on `context`, axe's include/exclude selectors); return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    # no preload: axe would fetch every style sheet again itself, and resolves an @import inside one
    # against the page rather than the sheet (the theme's "../basic.css" becomes a 404)
    options = {"resultTypes": ["violations"], "preload": False}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    return Axe().run(page, context=context, options=options).response["violations"]


def describe(violations: list[dict]) -> list[str]:
    """One line per violation and element: impact, rule, what is wrong, where."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            target = " ".join(map(str, node.get("target", [])))
            lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {target[:160]}: {node.get('html', '')[:160]}")
    return lines


def report(name: str, violations: list[dict]) -> tuple[list[str], list[str]]:
    """Print every violation, keep them in a file, and return (blocking, other) lines."""
    blocking, other = [], []
    for v in violations:
        for node in v["nodes"]:
            line = describe([{**v, "nodes": [node]}])[0]
            if v["impact"] in BLOCKING:
                blocking.append(line)
            else:
                other.append(line)
    if violations:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
        (ARTIFACTS / f"axe-{safe}.txt").write_text("\n".join(blocking + other) + "\n")
    for line in blocking + other:
        print(f"axe {name}: {line}")
    return blocking, other
