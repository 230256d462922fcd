"""Do the grader's pieces (reading, planning, judging, the gradebook, the command line) behave, without kernels?"""
import contextlib
import io
import json
import os

import nbformat
import pytest

from course.checks.nb00_what_is_an_ai_researcher import confidence_by_correctness, top_confusions
from course.data import ROOT
from course.instructor import cli
from course.instructor.classroom import Progress, summary
from course.instructor.grade import find_assignments, find_tasks, read_notebook, rebuild
from course.instructor.gradebook import HEADER, cell, write_gradebook
from course.instructor.judge import check_calls, judge
from course.instructor.outputs import Outputs
from course.instructor.sandbox import Limits
from tests.instructor.conftest import InProcessRun

STEM = "00-what-is-an-ai-researcher"


@pytest.fixture(scope="module")
def assignment():
    assignments, _ = find_assignments(ROOT)
    return next(a for a in assignments if a.stem == STEM)


# --- reading a submission -----------------------------------------------------------

def test_does_rebuild_keep_only_cell_types_and_sources_with_fixed_ids():
    raw = {"cells": [{"cell_type": "code", "source": ["x = 1\n", "y = 2"], "outputs": [{"bogus": 1}]},
                     {"cell_type": "markdown", "source": "hi", "metadata": {"evil": True}},
                     {"cell_type": "widget", "source": "?"}, "not a cell", {"cell_type": "code", "source": 5}]}
    nb, problem = rebuild(raw)
    assert problem == "" and [c.source for c in nb.cells] == ["x = 1\ny = 2", "hi"]
    assert [c.id for c in nb.cells] == ["cell-0", "cell-1"] and nb.cells[0].outputs == []
    nbformat.validate(nb)


@pytest.mark.parametrize("raw", [{"hello": "world"}, [1, 2], {"cells": "many"}])
def test_is_json_that_is_not_a_notebook_refused_with_a_reason(raw):
    assert rebuild(raw) == (None, "is not a Jupyter notebook (it has no list of cells)")


def test_are_a_link_and_an_oversized_file_refused(tmp_path, monkeypatch):
    target = tmp_path / "real.ipynb"
    target.write_text('{"cells": []}')
    (tmp_path / "link.ipynb").symlink_to(target)
    assert read_notebook(tmp_path / "link.ipynb")[1].startswith("is not a regular file")
    monkeypatch.setattr("course.instructor.grade.MAX_NOTEBOOK_BYTES", 5)
    assert read_notebook(target)[1] == "is larger than 0 MB"


def test_are_check_calls_found_by_parsing_and_magics_skipped():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("q1.check(top_confusions)\nq2.check(lambda p, y: 0)"),
        nbformat.v4.new_code_cell("%timeit q1.check(fast)"),
        nbformat.v4.new_code_cell("# q1.check(in_a_comment)\nprint('q2.check(in_a_string)')\nq2.check(mine)")])
    assert check_calls(nb) == {"q1": ["top_confusions"], "q2": ["mine"]}


def test_does_an_exercise_know_its_questions_and_answer_names(assignment):
    assert [q.name for q in assignment.questions] == ["q1", "q2"]
    assert assignment.answers == {"q1": ["top_confusions"], "q2": ["confidence_by_correctness"]}


def test_does_planning_report_stray_files_and_odd_names(tmp_path, assignment):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / f"{STEM}.ipynb").write_text("{}")
    (tmp_path / "ann" / "00-notes.ipynb").write_text("{}")
    (tmp_path / "bob").mkdir()
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / "stray.ipynb").write_text("{}")
    tasks, notes = find_tasks(tmp_path, [assignment])
    assert [(t.student, t.path is not None) for t in tasks] == [("ann", True), ("bob", False)]
    assert notes == ["ann/00-notes.ipynb: not the name of an exercise notebook; not graded",
                     "stray.ipynb: not a student folder (a folder per student is expected); not graded"]


# --- judging, with the kernel's end run in this process ---------------------------



def test_does_judge_pass_the_reference_and_fail_a_mistake(learner, assignment):
    q1, q2 = assignment.questions
    learner.update(top_confusions=top_confusions, confidence_by_correctness=lambda p, y: (0.5, 0.5))
    assert judge(InProcessRun(), q1, ["top_confusions"], 5).status == "correct"
    wrong = judge(InProcessRun(), q2, ["confidence_by_correctness"], 5)
    assert wrong.status == "incorrect" and wrong.message.startswith("`confidence_by_correctness(p=float64 array")


def test_does_judge_follow_the_first_defined_name(learner, assignment):
    learner["mine"] = confidence_by_correctness
    assert judge(InProcessRun(), assignment.questions[1], ["renamed", "mine"], 5).status == "correct"


def test_is_a_missing_answer_not_attempted_and_a_value_refused(learner, assignment):
    q1 = assignment.questions[0]
    assert judge(InProcessRun(), q1, ["top_confusions"], 5).status == "not_attempted"
    learner["top_confusions"] = [(8, 1, 6)]
    verdict = judge(InProcessRun(), q1, ["top_confusions"], 5)
    assert verdict.status == "incorrect" and "expects your function itself" in verdict.message


def test_is_none_reported_as_a_missing_return(learner, assignment):
    learner["top_confusions"] = lambda y_true, y_pred, k=5: None
    verdict = judge(InProcessRun(), assignment.questions[0], ["top_confusions"], 5)
    assert verdict.status == "incorrect" and "did you forget `return`?" in verdict.message


# --- outputs, gradebook, summary ----------------------------------------------------

def stream(text, name="stdout"):
    return {"msg_type": "stream", "header": {"msg_type": "stream"}, "content": {"name": name, "text": text}}


def test_are_streams_merged_and_cut_at_the_cap():
    outputs, collected = Outputs(cap=10), []
    for _ in range(4):
        outputs.add(collected, stream("abcd"))
    assert collected[0].text == "abcdabcdab" and "Output cut here" in collected[1].text and len(collected) == 2


def test_does_clear_output_clear():
    outputs, collected = Outputs(cap=100), []
    outputs.add(collected, stream("old"))
    outputs.add(collected, {"msg_type": "clear_output", "content": {"wait": False}})
    outputs.add(collected, stream("new"))
    assert [o.text for o in collected] == ["new"]


@pytest.mark.parametrize("text, safe", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("line one\nline two", "line one line two"), ("bell\x07", "bell "), ("plain", "plain"),
])
def test_is_every_gradebook_cell_one_line_and_never_a_formula(text, safe):
    assert cell(text) == safe


def test_is_the_gradebook_written_with_the_exact_header(tmp_path):
    from course.instructor.grade import Row

    path = tmp_path / "gradebook.csv"
    write_gradebook([Row("=ann", STEM, "q1", "correct", 1, 1, "ok")], path)
    assert path.read_text().splitlines() == [",".join(HEADER), f"'=ann,{STEM},q1,correct,1,1,ok,"]
    assert os.listdir(tmp_path) == ["gradebook.csv"]


def test_can_a_message_with_a_lone_surrogate_still_be_written_to_the_gradebook(tmp_path):
    """A learner's `raise ValueError("\\ud800")` reaches the grader as JSON, which carries lone surrogates."""
    from course.instructor.grade import Row

    path = tmp_path / "gradebook.csv"
    write_gradebook([Row("ann", STEM, "q1", "error", 0, 1, "raised ValueError: \ud800")], path)
    assert path.read_text(encoding="utf-8").splitlines()[1] == f"ann,{STEM},q1,error,0,1,raised ValueError: ?,"


def test_does_a_gradebook_that_cannot_be_written_leave_no_temporary_file(tmp_path):
    from course.instructor.grade import Row

    (tmp_path / "gradebook.csv").mkdir()  # --out names a folder: the final rename fails
    with pytest.raises(OSError):
        write_gradebook([Row("ann", STEM, "q1", "correct", 1, 1, "ok")], tmp_path / "gradebook.csv")
    assert os.listdir(tmp_path) == ["gradebook.csv"]


def test_does_a_feedback_page_that_cannot_be_written_leave_no_temporary_file(tmp_path):
    from course.instructor.grade import Row
    from course.instructor.handback import write_feedback

    (tmp_path / "ann" / f"{STEM}.html").mkdir(parents=True)  # a folder where the page goes: the rename fails
    with pytest.raises(OSError):
        write_feedback(tmp_path, "ann", STEM, None, [Row("ann", STEM, "q1", "correct", 1, 1, "ok")])
    assert os.listdir(tmp_path / "ann") == [f"{STEM}.html"]


def test_does_the_summary_count_submissions_scores_and_errors(assignment):
    from course.instructor.grade import Result, Row, Task

    def result(student, statuses):
        rows = [Row(student, STEM, f"q{i + 1}", s, int(s == "correct"), 1, "") for i, s in enumerate(statuses or [])]
        return Result(Task(student, assignment, None if statuses is None else ROOT), rows)

    table = summary([result("a", ["correct", "correct"]), result("b", ["error", "incorrect"]), result("c", None)])
    assert table.splitlines()[1].split() == [STEM, "2", "1", "1.00", "/", "2", "1"]


def test_does_progress_without_a_terminal_print_tenths():
    out = io.StringIO()
    progress = Progress(20, out)
    for _ in range(20):
        progress(type("R", (), {"task": type("T", (), {"student": "s", "assignment": type("A", (), {"stem": "x"})})}))
    assert out.getvalue().splitlines() == [f"graded {n}/20" for n in range(2, 21, 2)]


# --- the command line ---------------------------------------------------------------

def run_cli(*args):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli.main(["grade", *map(str, args)])
        except SystemExit as exit_:
            code = exit_.code
    return code, err.getvalue()


@pytest.mark.parametrize("args, words", [
    (["{subs}/missing", "--out", "{tmp}/g.csv"], "is not a folder"),
    (["{subs}", "--out", "{tmp}/g.csv", "--jobs", "0"], "--jobs must be at least 1"),
    (["{subs}", "--out", "{tmp}/g.csv", "--jobs", "two"], "invalid int value: 'two'"),
    (["{subs}"], "the following arguments are required: --out"),
    (["{subs}", "--out", "{tmp}/no/g.csv"], "does not exist"),
    (["{tmp}/empty", "--out", "{tmp}/g.csv"], "has no student folders"),
    (["{subs}", "--out", "{subs}/ann/g.csv"], "which grading never changes"),
    (["{subs}", "--out", "{tmp}"], "is a folder; give the gradebook's file name"),
])
def test_does_a_grader_that_cannot_run_say_why_in_one_line_and_exit_non_zero(tmp_path, args, words):
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    code, err = run_cli(*[a.format(subs=tmp_path / "subs", tmp=tmp_path) for a in args])
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("g.csv"))


def test_is_a_reply_that_is_not_json_an_error_not_a_crash(assignment):
    class Garbled(InProcessRun):
        def ask(self, code, seconds):
            return json.dumps({"kind": "function", "name": "f", "params": []}) if "find" in code else "{oops"

    verdict = judge(Garbled(), assignment.questions[0], ["f"], 5)
    assert verdict.status == "error" and "could not read" in verdict.message


@pytest.mark.parametrize("kind", ["value", "function"])
def test_does_a_reply_naming_a_missing_module_cost_its_question_not_the_notebook(assignment, kind):
    """One reply that names a class (here from a module that does not exist) is an error row, not a grader failure."""
    named = {"t": "dataclass", "module": "course.checks.nb99_no_such_module", "name": "Answer", "fields": []}

    class Naming(InProcessRun):
        def ask(self, code, seconds):
            if "find" in code:
                return json.dumps({"kind": kind, "name": "top_confusions", "value": named, "params": []})
            return json.dumps({"kind": "value", "value": named})

    verdict = judge(Naming(), assignment.questions[0], ["top_confusions"], 5)
    assert verdict.status == "error" and "cannot read" in verdict.message


def test_does_a_notebook_that_cannot_be_copied_into_its_job_folder_leave_no_job_folder(tmp_path, monkeypatch,
                                                                                       assignment):
    """A lone surrogate in a cell cannot be written as UTF-8: the copy fails after the job folder exists."""
    import tempfile

    from course.instructor.grade import Task, safe_grade
    from course.instructor.kernel_setup import Setup

    notebook = tmp_path / "ann" / f"{STEM}.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "x = '\ud800'"}]}))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = safe_grade(Task("ann", assignment, notebook), Setup(Limits()))
    assert [r.status for r in result.rows] == ["error", "error"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ann"], "no course-grade-* job folder left behind"


# --- how kernels are made -----------------------------------------------------------

def test_is_each_grader_module_named_for_what_it_holds():
    """classroom.py grades a class, gradebook.py writes its CSV, kernel_setup.py decides how kernels are made."""
    import importlib

    modules = {name: importlib.import_module(f"course.instructor.{name}")
               for name in ("classroom", "gradebook", "kernel_setup")}
    assert hasattr(modules["classroom"], "grade_class") and not hasattr(modules["gradebook"], "grade_class")
    assert hasattr(modules["gradebook"], "write_gradebook") and hasattr(modules["kernel_setup"], "prepare")
    with pytest.raises(ModuleNotFoundError):  # it read like a packaging script
        importlib.import_module("course.instructor.setup")


def test_does_grading_fall_back_to_fresh_kernels_and_say_why(monkeypatch):
    from course.instructor import kernel_setup

    monkeypatch.setattr(kernel_setup, "warm_factory", lambda modules: (None, "forking kernels needs Linux"))
    monkeypatch.setattr(kernel_setup, "starts", lambda made: "")
    made, notes = kernel_setup.prepare(Limits(), ["/hidden"], {"numpy"})
    assert made.factory is None and made.hide == ("/hidden",)
    assert notes == ["kernels start afresh, about 1 s slower each (forking kernels needs Linux)"]
    assert made.describe().endswith("kernels started afresh")


def test_does_a_machine_that_starts_no_kernel_stop_grading_with_the_reason(monkeypatch):
    from course.instructor import kernel_setup
    from course.instructor.sandbox import KernelGone

    monkeypatch.setattr(kernel_setup, "warm_factory", lambda modules: (None, "no factory"))
    monkeypatch.setattr(kernel_setup, "starts", lambda made: "the kernel did not start: no ipykernel")
    with pytest.raises(KernelGone, match="no ipykernel"):
        kernel_setup.prepare(Limits(), [], set())
