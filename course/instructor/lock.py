"""`make lock`: write constraints.txt, the exact versions every install of the course uses.

Run inside a fresh virtual environment where `pip install -e '.[test]'` has just resolved
the newest releases that pyproject.toml allows. The lock lists every installed
distribution except the course itself, so `pip install -c constraints.txt -e .` gives the
same numpy, scipy and scikit-learn (and so the same printed numbers) on every machine.
"""
from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

from course.atomic import write_text_atomically

PROJECT = "ai-researcher-course"
HEADER = """\
# Exact versions of everything the course installs: `make` installs with
#   pip install -c constraints.txt -e '.[test]'
# and so do CI, environment.yml and the README's path without make.
# Regenerate with `make lock` (newest releases that pyproject.toml allows), then
# `make execute` and `make test`, and commit all three together.
"""


def normalise(name: str) -> str:
    """Return a distribution name in PEP 503 form: lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> dict[str, str]:
    """Return {normalised name: version} of every distribution in this environment but the course."""
    found = {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}
    found.pop(PROJECT, None)
    return found


def render(versions: dict[str, str], python: str) -> str:
    """Return the text of constraints.txt for `versions`, resolved on Python `python`."""
    lines = [f"{name}=={version}" for name, version in sorted(versions.items())]
    return HEADER + f"# Resolved on Python {python}.\n" + "\n".join(lines) + "\n"


def read(path: Path) -> dict[str, str]:
    """Return {normalised name: version} from a constraints file's `name==version` lines."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[normalise(name)] = version.strip()
    return pins


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.instructor.lock", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the constraints file to write")
    args = parser.parse_args(argv)
    versions = installed()
    for tool in ("pip", "setuptools", "wheel"):  # installers, not dependencies: each user keeps their own
        versions.pop(tool, None)
    write_text_atomically(args.out, render(versions, ".".join(map(str, sys.version_info[:3]))))
    print(f"wrote {args.out}: {len(versions)} pinned distributions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
