"""`make lock`: write constraints.txt, the exact versions every install of the course uses.

Run inside a fresh virtual environment where `pip install -e '.[test,site,frameworks]'` has just
resolved the newest releases that pyproject.toml allows. The lock lists every installed
distribution except the course itself, so `pip install -c constraints.txt -e .` gives the
same numpy, scipy and scikit-learn (and so the same printed numbers) on every machine.

Two rules keep the lock installable everywhere:

- Versions are pinned without their local label: torch's CPU build is `2.13.0+cpu`, and
  `torch==2.13.0` matches it, PyPI's CUDA build and the macOS build alike, while
  `torch==2.13.0+cpu` would fail wherever PyTorch's CPU index is not configured. Which
  build is installed is the installer's choice (`python -m course.frameworks` takes the CPU build).
- The installers (pip, setuptools, wheel) stay each user's own, unless an installed
  distribution requires one to run (torch requires setuptools): then it is pinned too.
"""
from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from course.atomic import write_text_atomically

PROJECT = "ai-researcher-course"
HEADER = """\
# Exact versions of everything the course installs: `make` installs with
#   pip install -c constraints.txt -e '.[test,site,frameworks]'
# and so do CI, environment.yml and the README's path without make.
# Regenerate with `make lock` (newest releases that pyproject.toml allows), then
# `make execute` and `make test`, and commit all three together.
"""


def normalise(name: str) -> str:
    """Return a distribution name in PEP 503 form: lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


INSTALLERS = ("pip", "setuptools", "wheel")


def public(version: str) -> str:
    """Return `version` without its local label: "2.13.0+cpu" -> "2.13.0" (PEP 440)."""
    return version.split("+", 1)[0]


def installed() -> dict[str, str]:
    """Return {normalised name: version} of every distribution in this environment but the course."""
    found = {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}
    found.pop(PROJECT, None)
    return found


def runtime_requirements(requires: list[str] | None) -> set[str]:
    """Return the normalised names a distribution needs to run, from its Requires-Dist lines.

    A requirement that holds only for an extra (`extra == "test"`) or another platform
    (`python_version >= "3.12"` on 3.11) is left out.
    """
    names = set()
    for line in requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.add(normalise(requirement.name))
    return names


def required_installers() -> set[str]:
    """Return the installers that a distribution in this environment requires to run."""
    needed = set()
    for dist in metadata.distributions():
        if normalise(dist.metadata["Name"]) != PROJECT:
            needed |= runtime_requirements(dist.requires)
    return needed & set(INSTALLERS)


def pins(versions: dict[str, str], keep: set[str] = frozenset()) -> dict[str, str]:
    """Return the lock's pins for `versions`: local labels dropped, installers left out unless in `keep`."""
    return {name: public(version) for name, version in versions.items() if name not in INSTALLERS or name in keep}


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
    versions = pins(installed(), keep=required_installers())  # installers are each user's own, unless required
    write_text_atomically(args.out, render(versions, ".".join(map(str, sys.version_info[:3]))))
    print(f"wrote {args.out}: {len(versions)} pinned distributions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
