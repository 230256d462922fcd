"""Does `make test`'s exercise stage still fail when an untouched exercise's check says anything but "not attempted"?

The stage runs `COURSE_EXPECT_STATUS=not_attempted pytest --nbval-lax exercises`. The
variable is read by the root conftest.py, which reads the verdicts the kernels display;
the learner's package never looks at it. Here that conftest runs on small fixture notebooks.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]

SETUP = '''\
from course.checks import Incorrect, Question


def check(fn):
    if fn(2) != 4:
        raise Incorrect("`f(2)` should be 4")
    return "right"


def check_with_a_bug(fn):
    fn(2)
    return undefined_name


q1 = Question(check, hints=["a", "b"], name="q1", notebook="99-fixture")
q2 = Question(check_with_a_bug, hints=["a", "b"], name="q2", notebook="99-fixture")


def stub(x):
    raise NotImplementedError()
'''

NOTEBOOKS = {
    "untouched": ["q1.check(stub)", "q2.check(stub)"],
    "wrong": ["q1.check(lambda x: x)"],
    "course_bug": ["q2.check(lambda x: 2 * x)"],
    "hidden": ["q1.check(lambda x: x);"],
    "printed": ["print(q1.check(stub))"],
}


def write(folder: Path, name: str, cells) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP)] +
                                  [nbformat.v4.new_code_cell(source) for source in cells])
    nbformat.write(nb, folder / f"{name}.ipynb")
    return f"{name}.ipynb"


def stage_two(folder: Path, names, expect: str | None) -> dict:
    """Run the exercise stage's pytest on `names`; return {notebook: "passed" or "failed"}."""
    env = {key: value for key, value in os.environ.items() if key != "COURSE_EXPECT_STATUS"}
    if expect:
        env["COURSE_EXPECT_STATUS"] = expect
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", "--nbval-lax",
                           "--nbval-current-env", *names], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300)
    outcome = {}
    for line in done.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "FAILED") and ".ipynb::" in rest:
            notebook = rest.split("::")[0]
            outcome[notebook] = "failed" if word == "FAILED" or outcome.get(notebook) == "failed" else "passed"
    return {name: outcome.get(name, f"missing:\n{done.stdout[-2000:]}") for name in names}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    here = tmp_path_factory.mktemp("stage-two")
    shutil.copy(ROOT / "conftest.py", here / "conftest.py")   # the harness exactly as `make test` loads it
    return here


def test_does_the_stage_pass_untouched_checks_and_fail_every_other_verdict(folder):
    names = [write(folder, name, cells) for name, cells in NOTEBOOKS.items()]
    assert stage_two(folder, names, "not_attempted") == {
        "untouched.ipynb": "passed", "wrong.ipynb": "failed", "course_bug.ipynb": "failed",
        "hidden.ipynb": "failed", "printed.ipynb": "failed",
    }


def test_is_the_harness_idle_without_its_variable(folder):
    names = [write(folder, "wrong", NOTEBOOKS["wrong"])]
    assert stage_two(folder, names, None) == {"wrong.ipynb": "passed"}
