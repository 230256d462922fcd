"""Is progress saved atomically, robust to a damaged file, and shown per notebook?"""
import json
import os
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


@pytest.mark.parametrize("content", ["{not json", "[]", '{"version": 99, "notebooks": {}}', '{"version": 1, "notebooks": []}'])
def test_is_a_corrupt_file_kept_as_bak_and_a_fresh_one_started(progress_file, capsys, content):
    progress_file.write_text(content)
    progress._already_said.clear()
    assert progress.record("00-x", "quiz", "q", "correct")
    assert progress_file.with_name("progress.json.bak").read_text() == content
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

    monkeypatch.setattr(progress.json, "dump", crash)
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


def test_does_the_dashboard_count_every_lessons_questions_like_importing_would():
    import importlib

    from course.checks import Question
    from course.lessons import LESSONS

    for lesson in LESSONS:
        module = importlib.import_module(lesson.checker_module)
        imported = sum(isinstance(v, Question) for v in vars(module).values())
        assert progress._exercise_count(lesson.checker_module) == imported, lesson.stem


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
