"""The learner's progress: a local JSON file, written atomically, and a dashboard.

The file lives at $COURSE_PROGRESS, or in the user's data directory. Recording never
raises into a notebook: an unreadable file is kept as `.bak` and a fresh one started,
and a file that cannot be written is reported once.
"""
from __future__ import annotations

import ast
import contextlib
import html
import importlib.util
import json
import os
import re
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import platformdirs

ENV_VAR = "COURSE_PROGRESS"
APP_NAME = "ai-researcher-course"
VERSION = 1
_already_said: set[str] = set()


def store_path() -> Path:
    """Return where progress is kept: $COURSE_PROGRESS or the user's data directory."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path(APP_NAME) / "progress.json"


def _say_once(key: str, message: str) -> None:
    if key not in _already_said:
        _already_said.add(key)
        print(message, file=sys.stderr)


def _empty() -> dict:
    return {"version": VERSION, "notebooks": {}}


def _is_valid(data) -> bool:
    return (
        isinstance(data, dict)
        and data.get("version") == VERSION
        and isinstance(data.get("notebooks"), dict)
        and all(isinstance(v, dict) for v in data["notebooks"].values())
    )


def load(path: Path | None = None) -> dict:
    """Return the stored progress; a missing file is empty, a corrupt one is set aside."""
    path = Path(path) if path else store_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty()
    except OSError as exc:
        _say_once(f"read:{path}", f"Could not read your progress file {path} ({exc}); showing none.")
        return _empty()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if _is_valid(data):
        return data
    backup = path.with_name(path.name + ".bak")
    with contextlib.suppress(OSError):
        os.replace(path, backup)
    _say_once(
        f"corrupt:{path}",
        f"Your progress file {path} could not be read; it was kept as {backup} "
        "and a fresh one started.",
    )
    return _empty()


def _write_atomically(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock beside `path` so two open notebooks do not lose each other's answers."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; writes stay atomic
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(notebook: str, kind: str, item: str, status: str, path: Path | None = None) -> bool:
    """Add one answer (kind "quiz" or "exercise") to the store; return False if it could not be saved."""
    path = Path(path) if path else store_path()
    try:
        with _locked(path):
            data = load(path)
            entry = data["notebooks"].setdefault(notebook, {}).setdefault(kind, {}).setdefault(item, {})
            entry["attempts"] = int(entry.get("attempts", 0)) + 1
            entry["status"] = status
            entry["passed"] = bool(entry.get("passed")) or status == "correct"
            entry["last"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            _write_atomically(path, data)
        return True
    except OSError as exc:
        _say_once(f"write:{path}", f"Your progress could not be saved to {path} ({exc}).")
        return False


def _exercise_count(module_name: str) -> int:
    """Return how many exercises (module-level names q1, q2, ...) a checker module defines.

    The source is read, not imported: checker modules import scipy, scikit-learn or
    gymnasium, which take a second or more to load, and the dashboard should be instant.
    A test checks the count against the imported module.
    """
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        return 0
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names = {target.id for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    return sum(bool(re.fullmatch(r"q\d+", name)) for name in names)


def _totals(stem: str) -> tuple[int, int]:
    """Return (self-check questions, exercise questions) that lesson `stem` offers."""
    from course.lessons import by_stem
    from course.quiz import bank_path, load_bank

    quizzes = len(load_bank(stem).questions) if bank_path(stem).exists() else 0
    return quizzes, _exercise_count(by_stem(stem).checker_module)


def summary(path: Path | None = None) -> list[dict]:
    """Return one row per lesson: stem, title, quiz and exercise counts passed and offered."""
    from course.lessons import LESSONS

    notebooks = load(path)["notebooks"]
    rows = []
    for lesson in LESSONS:
        done = notebooks.get(lesson.stem, {})
        quizzes, exercises = _totals(lesson.stem)
        rows.append({
            "stem": lesson.stem,
            "title": lesson.title,
            "quiz": (sum(e.get("passed", False) for e in done.get("quiz", {}).values()), quizzes),
            "exercise": (sum(e.get("passed", False) for e in done.get("exercise", {}).values()), exercises),
        })
    return rows


def _bar_text(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled) + f" {done}/{total}"


def _bar_html(done: int, total: int) -> str:
    percent = round(100 * done / total) if total else 0
    return (
        '<div style="display:inline-block;width:120px;height:10px;background:#e0e0e0;'
        f'vertical-align:middle"><div style="width:{percent}%;height:10px;background:#2e7d32">'
        f"</div></div> {done}/{total}"
    )


def shown_path(path: Path) -> str:
    """Return `path` as a learner would type it: the home folder written as ~."""
    try:
        return "~/" + Path(path).relative_to(Path.home()).as_posix()
    except (ValueError, RuntimeError):  # not under home, or no home folder known
        return str(path)


class Dashboard:
    """Progress per notebook as a table with bars (HTML in Jupyter, text elsewhere)."""

    def __init__(self, rows: list[dict], path: Path):
        self.rows, self.path = rows, path

    def text(self) -> str:
        lines = [f"{'notebook':<34} {'self-checks':<17} exercises"]
        for r in self.rows:
            lines.append(f"{r['stem']:<34} {_bar_text(*r['quiz']):<17} {_bar_text(*r['exercise'])}")
        return "\n".join(lines + [f"(saved in {shown_path(self.path)})"])

    def html(self) -> str:
        cells = "".join(
            f"<tr><td>{html.escape(r['stem'][:2])}</td><td>{html.escape(r['title'])}</td>"
            f"<td>{_bar_html(*r['quiz'])}</td><td>{_bar_html(*r['exercise'])}</td></tr>"
            for r in self.rows
        )
        return (
            "<table><thead><tr><th>#</th><th>notebook</th><th>self-checks correct</th>"
            f"<th>exercises passed</th></tr></thead><tbody>{cells}</tbody></table>"
            f"<small>Saved in <code>{html.escape(shown_path(self.path))}</code></small>"
        )

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text())

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text(), "text/html": self.html()}


def show(path: Path | None = None) -> Dashboard:
    """Return the progress dashboard; it displays itself as the last line of a cell."""
    path = Path(path) if path else store_path()
    return Dashboard(summary(path), path)
