"""Does `course grade` grade a class of real and hostile submissions correctly, safely and completely?

One grading run (module-scoped) over a copy of tests/instructor/submissions/, where each
student folder is named for what its notebook does; the tests read its gradebook,
feedback and printed summary. Only exercise 00's rows are looked at, so exercises added
later do not change these tests.
"""
import contextlib
import csv
import hashlib
import html
import io
import re
import shutil
from pathlib import Path

import pytest

from course.instructor import cli
from course.instructor.kernels import isolation_works

FIXTURES = Path(__file__).parent / "submissions"
STEM = "00-what-is-an-ai-researcher"
# Without Linux namespaces a kernel can reach the rest of /tmp, so the fixture that goes
# looking for other students' notebooks is left out rather than let loose.
NEEDS_ISOLATION = {"reads_other_students"}


def tree_digest(folder: Path) -> dict:
    """Return {relative path: sha256 of its bytes} for every file under folder."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade a copy of the fixture submissions once; return what the tests read."""
    base = tmp_path_factory.mktemp("grade")
    submissions = base / "submissions"
    ignore = None if isolation_works() else shutil.ignore_patterns(*NEEDS_ISOLATION)
    shutil.copytree(FIXTURES, submissions, ignore=ignore)
    before = tree_digest(submissions)
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["grade", str(submissions), "--out", str(base / "gradebook.csv"), "--feedback",
                         str(base / "feedback"), "--timeout", "3", "--jobs", "4", "--memory", "1024"])
    with open(base / "gradebook.csv", newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    rows = {(r[0], r[2]): dict(zip(lines[0], r)) for r in lines[1:] if r[1] == STEM}
    return {"code": code, "header": lines[0], "lines": lines, "rows": rows, "stdout": stdout.getvalue(),
            "stderr": stderr.getvalue(), "before": before, "after": tree_digest(submissions),
            "feedback": base / "feedback"}


def row(graded, student, question):
    return graded["rows"][(student, question)]


def statuses(graded, student):
    return [row(graded, student, q)["status"] for q in ("q1", "q2")]


def feedback_text(graded, student) -> str:
    return html.unescape((graded["feedback"] / student / f"{STEM}.html").read_text(encoding="utf-8"))


# --- the run as a whole ------------------------------------------------------------

def test_does_grading_complete_with_exit_status_zero(graded):
    assert graded["code"] == 0, graded["stderr"]


def test_is_the_submissions_folder_byte_for_byte_unchanged(graded):
    assert graded["after"] == graded["before"]


def test_does_the_gradebook_have_the_exact_header_and_a_row_per_student_and_question(graded):
    assert graded["header"] == ["student", "notebook", "question", "status", "points", "max_points", "message",
                                "flags"]
    students = {p.name for p in FIXTURES.iterdir()} - (set() if isolation_works() else NEEDS_ISOLATION)
    assert set(graded["rows"]) == {(s, q) for s in students for q in ("q1", "q2")}
    assert all(r[3] in ("correct", "incorrect", "not_attempted", "error") for r in graded["lines"][1:])
    assert all(r[6] for r in graded["lines"][1:]), "every row says why"


def test_are_points_given_only_for_correct_answers(graded):
    for r in graded["rows"].values():
        assert r["points"] == ("1" if r["status"] == "correct" else "0") and r["max_points"] == "1"


def test_is_a_summary_table_printed_per_notebook(graded):
    line = next(x for x in graded["stdout"].splitlines() if x.startswith(STEM))
    submitted, missing, mean, _, out_of, errors = line.split()[1:]
    assert (submitted, missing, out_of) == (str(len(graded["rows"]) // 2 - 1), "1", "2")
    assert float(mean) > 0 and int(errors) >= 5
    assert "gradebook:" in graded["stdout"] and "isolation:" in graded["stdout"]


def test_is_progress_shown_on_stderr(graded):
    assert re.search(r"graded (\d+)/\1", graded["stderr"])


# --- ordinary submissions -----------------------------------------------------------

def test_is_a_correct_notebook_correct_even_with_a_renamed_function(graded):
    assert statuses(graded, "correct") == ["correct", "correct"]


def test_is_a_wrong_answer_incorrect_with_the_checkers_reason(graded):
    assert statuses(graded, "wrong") == ["incorrect", "incorrect"]
    assert "each tuple should be (true, predicted, count)" in row(graded, "wrong", "q1")["message"]
    assert "returned wrong means" in row(graded, "wrong", "q2")["message"]


def test_is_the_untouched_exercise_not_attempted(graded):
    assert statuses(graded, "stub") == ["not_attempted", "not_attempted"]


def test_does_a_missing_notebook_get_rows_naming_what_was_found_instead(graded):
    assert statuses(graded, "wrong_name") == ["not_attempted", "not_attempted"]
    assert "found instead, not graded: 00-what-is-an-ai-reseacher.ipynb" in row(graded, "wrong_name", "q1")["message"]
    assert "wrong_name/00-what-is-an-ai-reseacher.ipynb: not the name of an exercise notebook" in graded["stderr"]


def test_are_answers_found_without_their_check_cells(graded):
    assert statuses(graded, "deleted_check_cells") == ["correct", "correct"]


def test_is_a_deleted_answer_cell_not_attempted_and_the_rest_graded(graded):
    assert statuses(graded, "deleted_answer_cell") == ["not_attempted", "correct"]
    assert "`top_confusions` is not defined" in row(graded, "deleted_answer_cell", "q1")["message"]


# --- broken files -------------------------------------------------------------------

@pytest.mark.parametrize("student, words", [
    ("malformed_json", "is not valid JSON"),
    ("not_a_notebook", "is not text"),
])
def test_does_an_unreadable_file_end_as_error_rows_with_the_reason(graded, student, words):
    assert statuses(graded, student) == ["error", "error"]
    assert words in row(graded, student, "q1")["message"]


def test_is_an_empty_notebook_not_attempted(graded):
    assert statuses(graded, "empty_notebook") == ["not_attempted", "not_attempted"]
    assert "has no code" in row(graded, "empty_notebook", "q1")["message"]


# --- hostile or runaway code --------------------------------------------------------

def test_is_an_endless_loop_stopped_and_reported(graded):
    assert statuses(graded, "endless_loop") == ["error", "correct"]
    assert "was still running after 3 s and was stopped" in row(graded, "endless_loop", "q1")["message"]
    assert "cell 3 was stopped after 3 s" in row(graded, "endless_loop", "q2")["message"]


def test_does_sys_exit_in_a_cell_or_a_function_not_stop_grading(graded):
    assert statuses(graded, "sys_exit") == ["error", "correct"]
    assert "called exit(3)" in row(graded, "sys_exit", "q1")["message"]


def test_does_os_exit_in_a_function_cost_only_that_question(graded):
    assert statuses(graded, "os_exit") == ["error", "correct"]
    assert "stopped the kernel" in row(graded, "os_exit", "q1")["message"]


def test_is_a_cell_that_kills_the_kernel_skipped_and_the_notebook_rerun(graded):
    assert statuses(graded, "kernel_dies") == ["correct", "correct"]
    assert "cell 4 stopped the kernel and was skipped" in row(graded, "kernel_dies", "q1")["message"]
    assert "ran the notebook again without it" in feedback_text(graded, "kernel_dies")


def test_does_a_memory_bomb_end_as_an_error_row(graded):
    assert statuses(graded, "memory_bomb") == ["error", "correct"]
    assert "raised MemoryError" in row(graded, "memory_bomb", "q1")["message"]


def test_is_an_output_flood_cut_and_the_notebook_still_graded(graded):
    assert statuses(graded, "output_flood") == ["correct", "correct"]
    page = feedback_text(graded, "output_flood")
    assert "Output cut here" in page and len(page) < 3_000_000


def test_does_deleting_files_in_the_working_folder_harm_nothing_else(graded):
    assert statuses(graded, "deletes_files") == ["correct", "correct"]
    assert "left in the working folder: []" in feedback_text(graded, "deletes_files")


def test_can_a_notebook_neither_see_nor_change_other_students_notebooks(graded):
    if not isolation_works():
        pytest.skip("no Linux user namespaces here: kernels cannot be kept out of other folders")
    assert "other students' notebooks seen: 0, changed: 0" in feedback_text(graded, "reads_other_students")
    assert statuses(graded, "reads_other_students") == ["incorrect", "incorrect"]


# --- forged verdicts ----------------------------------------------------------------

def test_does_a_notebook_that_garbles_the_kernel_protocol_lose_that_cell_not_the_grade(graded):
    assert statuses(graded, "patches_json") == ["incorrect", "incorrect"]
    assert "stopped the kernel and was skipped" in row(graded, "patches_json", "q1")["message"]


@pytest.mark.parametrize("student", ["redefines_q1", "patches_course", "patches_numpy", "prints_correct"])
def test_can_a_notebook_not_forge_a_correct_verdict(graded, student):
    assert statuses(graded, student) == ["incorrect", "incorrect"]
    assert row(graded, student, "q2")["message"] == row(graded, "wrong", "q2")["message"]


# --- feedback -----------------------------------------------------------------------

def test_is_there_a_feedback_page_per_submitted_notebook_and_none_for_a_missing_one(graded):
    for student, _ in graded["rows"]:
        page = graded["feedback"] / student / f"{STEM}.html"
        assert page.is_file() == (student != "wrong_name"), student


def test_does_feedback_show_the_graders_verdict_next_to_a_forged_one(graded):
    page = feedback_text(graded, "prints_correct")
    assert "✔ q1: Correct" in page  # what the notebook printed, kept as its output
    assert "✘ Grader's verdict on q1 (0/1 points): Not yet" in page and "0 of 2 points" in page


def test_is_feedback_readable_offline_and_free_of_scripts(graded):
    page = (graded["feedback"] / "correct" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert not re.search(r'(src|href)="https?://', page)
    assert "<style" in page and "2 of 2 points" in page


# --- scope, flags, feedback pages ----------------------------------------------------

def test_does_a_class_that_submitted_one_exercise_get_rows_for_that_exercise_only(graded):
    assert {line[1] for line in graded["lines"][1:]} == {STEM}
    assert len([x for x in graded["stdout"].splitlines() if x[:3].rstrip()[:2].isdigit()]) == 1


def test_is_an_imported_reference_flagged_without_changing_its_verdict(graded):
    for question in ("q1", "q2"):
        assert row(graded, "imports_reference", question)["flags"] == "uses-reference"
        assert row(graded, "imports_reference", question)["status"] == "correct"


def test_is_a_pasted_reference_with_new_names_and_comments_flagged_and_own_code_not(graded):
    assert row(graded, "pastes_solution", "q2")["flags"] == "uses-reference"
    assert row(graded, "pastes_solution", "q1")["flags"] == ""
    assert statuses(graded, "pastes_solution") == ["correct", "correct"]
    assert row(graded, "wrong", "q1")["flags"] == row(graded, "stub", "q1")["flags"] == ""


def test_does_each_verdict_appear_once_on_a_feedback_page_and_as_the_graders(graded):
    page = feedback_text(graded, "wrong")
    for question in ("q1", "q2"):
        assert page.count(f"Grader's verdict on {question} (") == 1  # after its check cell
    assert 'class="course-feedback course-incorrect"' in page
    assert "q1: Not yet" not in page  # the kernel's own verdict box is left out


def test_does_a_page_without_check_cells_give_every_verdict_at_the_top(graded):
    page = feedback_text(graded, "deleted_check_cells")
    assert page.count("Grader's verdict on q1 (") == 1 and page.index("Grader's verdict on q1") < page.index("<main>")
