"""Does every way of installing the course give the exact versions of the lock?"""
import re
import tomllib
from importlib import metadata

from course.data import ROOT
from course.instructor.lock import normalise, public, read

LOCK = ROOT / "constraints.txt"


def requirement_names(requirements):
    return {normalise(re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].strip()) for r in requirements}


def wanted():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return project["dependencies"] + extras["test"] + extras["site"] + extras["frameworks"]


def test_does_the_lock_pin_every_dependency_exactly():
    pins = read(LOCK)
    assert requirement_names(wanted()) <= set(pins), requirement_names(wanted()) - set(pins)
    assert all(re.fullmatch(r"\d[\w.+!]*", version) for version in pins.values()), pins


def test_does_this_environment_hold_the_locked_versions():
    """CI installs from the lock: a version that differs from it means the lock was not used."""
    pins = read(LOCK)
    installed = {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}
    # a local label names the build, which the lock leaves to the installer: torch 2.13.0+cpu is torch 2.13.0
    wrong = {name: (installed[name], pins[name]) for name in pins
             if name in installed and public(installed[name]) != pins[name]}
    assert not wrong, f"installed (version, locked version): {wrong}; run `make` again or reinstall from constraints.txt"
    assert requirement_names(wanted()) <= set(installed)


def test_do_makefile_ci_and_environment_yml_install_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "LOCK := constraints.txt" in makefile and "-c $(LOCK)" in makefile
    conda = (ROOT / "environment.yml").read_text()
    assert "      - -c constraints.txt\n" in conda and "      - -e .[test,site,frameworks]\n" in conda
    # PyPI's torch for Linux is a CUDA build: conda users get the CPU build from PyTorch's index
    assert "      - --extra-index-url https://download.pytorch.org/whl/cpu\n" in conda


def test_do_make_test_and_make_frameworks_install_the_frameworks():
    makefile = (ROOT / "Makefile").read_text()
    assert "$(PIP_INSTALL) -e '.[test,site,frameworks]'" in makefile
    assert "frameworks: $(VENV)/.installed-frameworks" in makefile and "-m course.frameworks" in makefile
    assert re.search(r"^torch==\d+\.\d+\.\d+$", LOCK.read_text(), re.MULTILINE)


def test_does_environment_yml_allow_only_tested_pythons():
    conda = (ROOT / "environment.yml").read_text()
    assert "  - python>=3.11,<3.14\n" in conda


def test_does_the_readme_name_the_tested_pythons():
    readme = (ROOT / "README.md").read_text()
    assert "tested on Python 3.11, 3.12 and 3.13" in readme
