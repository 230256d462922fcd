"""Unit-test fixtures: every test gets its own progress file; plots never need a screen."""
import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def progress_file(tmp_path, monkeypatch):
    """Point the progress store at a fresh file for this test (never the real home directory)."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS", str(path))
    return path

# Notebooks under tests/ are fixtures (generator defects, grader submissions), not lessons:
# keep nbval from collecting them when the suite runs with --nbval.
collect_ignore_glob = ["**/*.ipynb"]
