"""Do environment.yml and pyproject.toml ask for the same packages?"""
import re
import tomllib

from course.data import ROOT


def names(requirements):
    return {re.split(r"[<>=!~ ]", r, maxsplit=1)[0].strip().lower() for r in requirements}


def test_does_environment_yml_list_every_dependency_with_the_same_floor():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    conda = (ROOT / "environment.yml").read_text()
    for requirement in wanted:
        assert f"  - {requirement}\n" in conda, requirement
    assert names(wanted) >= {"numpy", "jupyterlab", "ipywidgets", "nbval"}
