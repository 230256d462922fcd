"""Does an atomic write leave either the old file or the new one, and nothing else?"""
import os

import pytest

from course.atomic import write_text_atomically


def test_does_a_write_replace_the_file_and_leave_no_temporary(tmp_path):
    path = tmp_path / "deep" / "progress.json"
    write_text_atomically(path, "old")
    write_text_atomically(path, "new\n")
    assert path.read_text() == "new\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["progress.json"]


def test_does_a_failed_write_keep_the_old_file_and_remove_the_temporary(tmp_path, monkeypatch):
    path = tmp_path / "gradebook.csv"
    write_text_atomically(path, "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomically(path, "new")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradebook.csv"]
