"""Does every exercise task say how hard it is and how long it takes, and do the totals agree?

Three places give the time an exercise takes:
- each `## Task N` heading in solutions/NN-topic.ipynb is followed by `*Medium · about 15 minutes.*`;
- the exercise's first cell says `About 35 minutes in all`, the sum of its tasks;
- the lesson's goals cell says `... and about 35 more for the exercise`.
"""
import json
import re
from pathlib import Path

import pytest

from course.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
TASK = re.compile(r"^## Task (\d+)\b")
ESTIMATE = re.compile(r"^\*(Easy|Medium|Hard) · about (\d+) minutes\.\*$")
IN_ALL = re.compile(r"About (\d+) minutes in all")
FOR_THE_EXERCISE = re.compile(r"and about (\d+) more for the exercise")
LESSON_TIME = re.compile(r"^\*About (\d+) minutes, and about \d+ more for the exercise\.")


def markdown_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]


def task_estimates(path: Path) -> dict[int, tuple[str, int]]:
    """Return {task number: (level, minutes)}; fail on a task heading without its estimate line."""
    found = {}
    for text in markdown_cells(path):
        lines = text.splitlines()
        for index, line in enumerate(lines):
            heading = TASK.match(line)
            if not heading:
                continue
            following = [rest for rest in lines[index + 1:] if rest.strip()]
            estimate = ESTIMATE.match(following[0]) if following else None
            assert estimate, (f"{path.name}: '{line}' must be followed by a line like "
                              f"'*Medium · about 15 minutes.*', not {following[:1]}")
            found[int(heading.group(1))] = (estimate.group(1), int(estimate.group(2)))
    return found


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.stem)
def test_does_every_task_give_a_level_and_a_time_that_add_up(lesson):
    solution = ROOT / "solutions" / f"{lesson.stem}.ipynb"
    tasks = task_estimates(solution)
    assert sorted(tasks) == list(range(1, len(tasks) + 1)) and tasks, f"{solution.name}: tasks {sorted(tasks)}"
    total = sum(minutes for _, minutes in tasks.values())
    assert all(5 <= minutes <= 60 and minutes % 5 == 0 for _, minutes in tasks.values()), tasks

    intro = IN_ALL.search(markdown_cells(solution)[0])
    assert intro, f"{solution.name}: the first cell must say 'About {total} minutes in all'"
    said = int(intro.group(1))
    assert said == total, f"{solution.name} says {said} minutes in all; its tasks add up to {total}"

    goals = markdown_cells(ROOT / "notebooks" / f"{lesson.stem}.ipynb")[0]
    exercise = FOR_THE_EXERCISE.search(goals)
    assert exercise and LESSON_TIME.search(goals.splitlines()[-1]), (
        f"{lesson.stem}: the goals cell must end '*About N minutes, and about {total} more for the exercise. ...*'")
    said = int(exercise.group(1))
    assert said == total, f"lesson {lesson.stem} says {said} minutes for the exercise; its tasks add up to {total}"


def test_does_a_heading_without_an_estimate_fail(tmp_path):
    notebook = tmp_path / "made-up.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": "## Task 1: a sum\n\nWrite it."}]}))
    with pytest.raises(AssertionError, match="must be followed by"):
        task_estimates(notebook)


def test_does_a_well_formed_heading_give_its_level_and_minutes(tmp_path):
    notebook = tmp_path / "made-up.ipynb"
    text = "Intro\n\n## Task 1: a sum\n\n*Hard · about 20 minutes.*\n\nWrite it."
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": text}]}))
    assert task_estimates(notebook) == {1: ("Hard", 20)}
