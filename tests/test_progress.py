"""Is progress saved atomically, robust to a damaged file, and shown per notebook?"""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import platformdirs
import pytest

from course import progress


def test_is_the_default_in_the_user_data_directory(monkeypatch):
    monkeypatch.delenv("COURSE_PROGRESS")
    assert progress.store_path() == platformdirs.user_data_path("ai-researcher-course") / "progress.json"


def test_does_the_environment_variable_choose_the_file(progress_file):
    assert progress.store_path() == progress_file


def test_is_a_missing_file_empty_progress(progress_file):
    assert progress.load() == {"version": 1, "notebooks": {}}
    assert not progress_file.exists()


def test_does_recording_create_the_file_and_its_folder(tmp_path):
    path = tmp_path / "deep" / "er" / "progress.json"
    assert progress.record("00-x", "quiz", "q", "correct", path=path)
    entry = json.loads(path.read_text())["notebooks"]["00-x"]["quiz"]["q"]
    assert entry["passed"] is True and entry["attempts"] == 1


def test_does_a_later_wrong_answer_keep_the_earlier_pass(progress_file):
    progress.record("00-x", "exercise", "q1", "correct")
    progress.record("00-x", "exercise", "q1", "incorrect")
    entry = progress.load()["notebooks"]["00-x"]["exercise"]["q1"]
    assert entry == {**entry, "passed": True, "status": "incorrect", "attempts": 2}


@pytest.mark.parametrize("content", ["{not json", "[]", '{"version": 1, "notebooks": []}', "\u00e9t\u00e9",
                                     b"\xff\xfe\x00{"])
def test_is_a_corrupt_file_kept_as_bak_and_a_fresh_one_started(progress_file, capsys, content):
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    progress_file.write_bytes(raw)
    progress._already_said.clear()
    assert progress.record("00-x", "quiz", "q", "correct")
    assert progress_file.with_name("progress.json.bak").read_bytes() == raw
    assert progress.load()["notebooks"]["00-x"]["quiz"]["q"]["passed"] is True
    assert "kept as" in capsys.readouterr().err


def test_is_the_corruption_message_said_once(progress_file, capsys):
    progress._already_said.clear()
    for _ in range(2):
        progress_file.write_text("{broken")
        progress.load()
    assert capsys.readouterr().err.count("could not be read") == 1


def test_does_an_unwritable_location_give_a_message_not_an_exception(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    progress._already_said.clear()
    assert progress.record("00-x", "quiz", "q", "correct", path=blocker / "progress.json") is False
    assert "could not be saved" in capsys.readouterr().err


def test_does_a_failed_write_leave_the_old_file_whole(progress_file, monkeypatch):
    progress.record("00-x", "quiz", "first", "correct")
    before = progress_file.read_text()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    progress._already_said.clear()
    assert progress.record("00-x", "quiz", "second", "correct") is False
    assert progress_file.read_text() == before
    assert [p.name for p in progress_file.parent.iterdir() if p.suffix == ".tmp"] == []


def test_do_concurrent_writers_keep_every_answer(progress_file):
    def answer(worker):
        for i in range(10):
            progress.record("00-x", "quiz", f"w{worker}-{i}", "correct")

    threads = [threading.Thread(target=answer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(progress.load()["notebooks"]["00-x"]["quiz"]) == 40


def test_does_the_dashboard_count_passes_against_what_each_lesson_offers(progress_file):
    stem = "00-what-is-an-ai-researcher"
    progress.record(stem, "quiz", "which-branch", "correct")
    progress.record(stem, "quiz", "research-outputs", "incorrect")
    progress.record(stem, "exercise", "q1", "correct")
    row = next(r for r in progress.summary() if r["stem"] == stem)
    assert row["quiz"] == (1, 5) and row["exercise"] == (1, 2)
    board = progress.show()
    assert f"{stem:<34} ██░░░░░░░░ 1/5" in board.text()
    html = board._repr_mimebundle_()["text/html"]
    assert "<table>" in html and "width:20%" in html and "width:50%" in html


def test_is_a_path_under_home_shown_with_a_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    inside = tmp_path / ".local" / "share" / "ai-researcher-course" / "progress.json"
    assert progress.shown_path(inside) == "~/.local/share/ai-researcher-course/progress.json"
    assert progress.shown_path(Path("/elsewhere/progress.json")) == str(Path("/elsewhere/progress.json"))


def test_does_the_dashboard_name_its_file_the_way_a_learner_types_it(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    dashboard = progress.show(tmp_path / "progress.json")
    assert dashboard.text().endswith("(saved in ~/progress.json)")
    assert "<code>~/progress.json</code>" in dashboard.html()


# --- a file damaged in parts: keep what is valid, set aside only what is not -------------

def write(path, data):
    path.write_text(json.dumps(data))
    return path.read_bytes()


def passed(**fields):
    return {"attempts": 1, "status": "correct", "passed": True, "last": "2025-01-01T00:00:00+00:00", **fields}


def backups(path):
    return sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".bak"))


def test_does_a_list_where_quiz_should_be_keep_the_other_answers(progress_file, capsys):
    original = write(progress_file, {"version": 1, "notebooks": {
        "00-x": {"quiz": ["which-branch"], "exercise": {"q1": passed()}},
        "01-y": {"quiz": {"a": passed()}}}})
    progress._already_said.clear()
    assert progress.record("00-x", "quiz", "new", "correct")
    notebooks = progress.load()["notebooks"]
    assert notebooks["00-x"]["exercise"] == {"q1": passed()} and notebooks["01-y"] == {"quiz": {"a": passed()}}
    assert list(notebooks["00-x"]["quiz"]) == ["new"]
    assert progress_file.with_name("progress.json.bak").read_bytes() == original
    err = capsys.readouterr().err
    assert err.count("could not be read") == 1 and "00-x" in err and "kept as" in err


def test_does_a_number_where_an_answer_should_be_keep_the_other_answers(progress_file):
    write(progress_file, {"version": 1, "notebooks": {"00-what-is-an-ai-researcher": {
        "quiz": {"which-branch": 3, "research-outputs": passed()}, "exercise": {"q1": "yes", "q2": passed()}}}})
    row = next(r for r in progress.summary() if r["stem"] == "00-what-is-an-ai-researcher")
    assert row["quiz"][0] == 1 and row["exercise"][0] == 1
    assert "00-what-is-an-ai-researcher" in progress.show().text()
    assert progress.record("00-what-is-an-ai-researcher", "quiz", "which-branch", "correct")
    quiz = progress.load()["notebooks"]["00-what-is-an-ai-researcher"]["quiz"]
    assert quiz["research-outputs"] == passed() and quiz["which-branch"]["attempts"] == 1


def test_does_a_field_of_the_wrong_type_lose_only_that_field(progress_file):
    write(progress_file, {"version": 1, "notebooks": {"00-x": {"quiz": {"q": passed(attempts="two", passed=1)}}}})
    assert progress.record("00-x", "quiz", "q", "incorrect")
    entry = progress.load()["notebooks"]["00-x"]["quiz"]["q"]
    assert entry["attempts"] == 1 and entry["passed"] is False and entry["status"] == "incorrect"
    backup = json.loads(progress_file.with_name("progress.json.bak").read_text())
    assert backup["notebooks"]["00-x"]["quiz"]["q"]["attempts"] == "two"


@pytest.mark.parametrize("notebook", [[], 7, None, "done"])
def test_does_a_notebook_that_is_not_a_table_cost_only_that_notebook(progress_file, notebook):
    write(progress_file, {"version": 1, "notebooks": {"00-x": notebook, "01-y": {"exercise": {"q1": passed()}}}})
    assert progress.record("02-z", "quiz", "q", "correct")
    assert set(progress.load()["notebooks"]) == {"01-y", "02-z"}


def test_is_an_earlier_backup_never_overwritten(progress_file):
    progress_file.write_text("{first damage")
    progress.load()
    progress_file.write_text("{second damage")
    progress.load()
    assert backups(progress_file) == ["progress.json.2.bak", "progress.json.bak"]
    assert progress_file.with_name("progress.json.bak").read_text() == "{first damage"
    assert progress_file.with_name("progress.json.2.bak").read_text() == "{second damage"


def test_is_a_damaged_file_repaired_once_not_backed_up_on_every_look(progress_file):
    write(progress_file, {"version": 1, "notebooks": {"00-x": {"quiz": [], "exercise": {"q1": passed()}}}})
    for _ in range(3):
        progress.show()
    assert backups(progress_file) == ["progress.json.bak"]
    assert progress.load()["notebooks"]["00-x"] == {"exercise": {"q1": passed()}}


def test_is_an_empty_file_no_progress_with_nothing_set_aside(progress_file, capsys):
    progress_file.write_text("\n")
    assert progress.record("00-x", "quiz", "q", "correct")
    assert backups(progress_file) == [] and capsys.readouterr().err == ""


def test_does_a_file_saved_with_a_byte_order_mark_still_read(progress_file):
    data = {"version": 1, "notebooks": {"00-x": {"quiz": {"q": passed()}}}}
    progress_file.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    assert progress.load()["notebooks"]["00-x"]["quiz"]["q"] == passed()
    assert backups(progress_file) == []


def test_does_an_unknown_kind_of_answer_return_false_instead_of_raising(progress_file, capsys):
    progress._already_said.clear()
    assert progress.record("00-x", "reading", "q", "correct") is False
    assert "could not be saved" in capsys.readouterr().err


# --- other versions of the course: migrate, never discard -------------------------------

@pytest.mark.parametrize("older", [{}, {"version": 0}])
def test_is_an_older_file_migrated_instead_of_set_aside(progress_file, older):
    write(progress_file, {**older, "notebooks": {"00-x": {"exercise": {"q1": passed()}}}})
    assert progress.record("00-x", "quiz", "q", "correct")
    data = progress.load()
    assert data["version"] == progress.VERSION and data["notebooks"]["00-x"]["exercise"] == {"q1": passed()}
    assert backups(progress_file) == []


def test_does_a_newer_courses_data_survive_a_round_trip_through_this_one(progress_file, capsys):
    newer = {"version": 7, "settings": {"theme": "dark"}, "notebooks": {
        "00-x": {"quiz": {"q": passed(seconds=[3, 4])}, "reading": {"done": True}, "opened": "2030-01-01"}}}
    write(progress_file, newer)
    progress._already_said.clear()
    assert progress.record("00-x", "exercise", "q1", "correct")
    assert progress.record("00-x", "quiz", "q", "incorrect")
    data = progress.load()
    assert data["version"] == 7 and data["settings"] == {"theme": "dark"}
    notebook = data["notebooks"]["00-x"]
    assert notebook["reading"] == {"done": True} and notebook["opened"] == "2030-01-01"
    assert notebook["quiz"]["q"]["seconds"] == [3, 4] and notebook["quiz"]["q"]["attempts"] == 2
    assert notebook["exercise"]["q1"]["passed"] is True
    assert backups(progress_file) == [] and capsys.readouterr().err == ""


# --- a file that cannot be read is left alone -----------------------------------------

def test_is_a_file_that_cannot_be_read_left_alone_not_overwritten(progress_file, monkeypatch, capsys):
    progress.record("00-x", "quiz", "first", "correct")
    before = progress_file.read_bytes()

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    progress._already_said.clear()
    assert progress.show().rows  # the dashboard still shows, with nothing done
    assert progress.record("00-x", "quiz", "second", "correct") is False
    monkeypatch.undo()
    assert progress_file.read_bytes() == before and backups(progress_file) == []
    assert "could not be saved" in capsys.readouterr().err


# --- several notebooks at once, on every operating system -------------------------------

WITHOUT_FCNTL = "import sys; sys.modules['fcntl'] = None  # as on Windows, which has no fcntl\n"
WRITER = """
import sys
from pathlib import Path
from course import progress
path, worker, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
saved = [progress.record("00-x", "quiz", f"w{worker}-{i}", "correct", path=path) for i in range(count)]
print(sum(saved))
"""
OS_LOCKS = pytest.mark.parametrize("hide_fcntl", [False, True], ids=["fcntl", "no-fcntl"])


def run_python(code, *args):
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@OS_LOCKS
def test_do_writers_in_separate_processes_keep_every_answer(progress_file, hide_fcntl):
    code = (WITHOUT_FCNTL if hide_fcntl else "") + WRITER
    writers = [run_python(code, progress_file, worker, 50) for worker in range(4)]
    outputs = [w.communicate(timeout=120) for w in writers]
    assert [out.strip() for out, _ in outputs] == ["50"] * 4, [err for _, err in outputs]
    assert len(progress.load()["notebooks"]["00-x"]["quiz"]) == 200


@pytest.fixture(params=[False, True], ids=["fcntl", "no-fcntl"])
def os_lock(request, monkeypatch):
    """Run the test with fcntl's locks, and again with fcntl hidden as on Windows."""
    if request.param:
        monkeypatch.setitem(sys.modules, "fcntl", None)
    monkeypatch.setattr(progress, "LOCK_WAIT_SECONDS", 0.5)
    return request.param


def test_does_a_lock_held_too_long_make_record_say_so_and_return_false(progress_file, os_lock, capsys):
    progress.record("00-x", "quiz", "first", "correct")
    before = progress_file.read_bytes()
    progress._already_said.clear()
    with progress._locked(progress_file):  # another notebook, stuck while writing
        assert progress.record("00-x", "quiz", "second", "correct") is False
        assert progress.record("00-x", "quiz", "third", "correct") is False
    assert progress_file.read_bytes() == before
    err = capsys.readouterr().err
    assert err.count("could not be saved") == 1 and "busy" in err
    assert progress.record("00-x", "quiz", "second", "correct")


def test_is_a_lock_left_by_a_notebook_that_crashed_broken(progress_file, os_lock, monkeypatch):
    monkeypatch.setattr(progress, "STALE_LOCK_SECONDS", 0.2)
    monkeypatch.setattr(progress, "LOCK_WAIT_SECONDS", 10)
    crash = ((WITHOUT_FCNTL if os_lock else "") +
             "import os, sys; from pathlib import Path; from course import progress\n"
             "progress._locked(Path(sys.argv[1])).__enter__(); os._exit(0)  # killed while writing\n")
    assert run_python(crash, progress_file).wait(timeout=60) == 0
    assert progress.record("00-x", "quiz", "q", "correct")
    assert [p.name for p in progress_file.parent.iterdir() if p.suffix == ".tmp"] == []


# --- the dashboard does not load the widgets ------------------------------------------

def test_do_importing_progress_and_drawing_the_dashboard_leave_ipywidgets_unloaded(progress_file):
    code = ("import sys; from course import progress; progress.record('00-x', 'quiz', 'q', 'correct'); "
            "progress.show().html(); print('ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_does_a_pass_for_a_question_the_lesson_no_longer_has_stay_out_of_the_count(progress_file):
    for item in ("uniform-bits", "a-question-removed-since"):
        progress.record("06-language-models", "quiz", item, "correct")
    row = next(r for r in progress.summary() if r["stem"] == "06-language-models")
    assert row["quiz"][0] == 1 and row["quiz"][0] <= row["quiz"][1]
    assert "a-question-removed-since" in progress.load()["notebooks"]["06-language-models"]["quiz"]  # kept
