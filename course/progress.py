"""The learner's progress: a local JSON file, written atomically under a lock, and a dashboard.

The file lives at $COURSE_PROGRESS, or in the user's data directory. Recording never
raises into a notebook:
- what cannot be read is set aside, never lost: a damaged part (a list where a table of
  answers should be, a number where an answer should be) is left out, the rest is kept, and
  the file as it was is kept beside it as `.bak`; said once;
- a file from an older version of the course is migrated, and one from a newer version is
  read and written back with every field this version does not know, so answers survive
  updating and downgrading the course;
- writers take a lock on every operating system; one that cannot have it within
  LOCK_WAIT_SECONDS says so once and returns False, as does a file that cannot be written.
"""
from __future__ import annotations

import contextlib
import html
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from course.atomic import write_text_atomically
from course.lessons import LESSONS, Lesson

ENV_VAR = "COURSE_PROGRESS"
APP_NAME = "ai-researcher-course"
VERSION = 1
KINDS = ("quiz", "exercise")
# A write holds the lock for milliseconds. A lock file held by the same notebook for
# STALE_LOCK_SECONDS was left by one that stopped while writing (a busy laptop can pause one
# for seconds, so not less); it must be shorter than the wait, so a waiting notebook breaks
# it instead of giving up.
LOCK_WAIT_SECONDS = 10.0
STALE_LOCK_SECONDS = 5.0
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


# --- reading: keep what is valid, at every level, and every field not known here -----------

def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_text(value) -> bool:
    return isinstance(value, str)


def _is_flag(value) -> bool:
    return isinstance(value, bool)


_FIELDS = {"attempts": (_is_count, "a whole number, 0 or more"), "status": (_is_text, "text"),
           "passed": (_is_flag, "true or false"), "last": (_is_text, "text")}
_JSON_NAMES = {dict: "a table", list: "a list", str: "text", int: "a number", float: "a number",
               bool: "true or false", type(None): "null"}


def _what(value) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _clean_entry(entry: dict, where: str, problems: list) -> dict:
    kept = {}
    for key, value in entry.items():
        check, wanted = _FIELDS.get(key, (None, ""))
        if check is None or check(value):  # fields a newer course added are kept as they are
            kept[key] = value
        else:
            problems.append(f"{where}: {key} is {_what(value)}, not {wanted}")
    return kept


def _clean_table(table, where: str, problems: list, clean_value, value_name: str) -> dict:
    """Return the entries of `table` that are tables themselves, each cleaned by `clean_value`."""
    kept = {}
    for key, value in table.items():
        if isinstance(value, dict):
            kept[key] = clean_value(value, f"{where} {key}".strip(), problems)
        else:
            problems.append(f"{where} {key}".strip() + f" is {_what(value)}, not {value_name}")
    return kept


def _clean_notebook(notebook: dict, where: str, problems: list) -> dict:
    kept = dict(notebook)  # kinds a newer course added are kept as they are
    for kind in KINDS:
        if kind in notebook and not isinstance(notebook[kind], dict):
            problems.append(f"{where} {kind} is {_what(notebook[kind])}, not a table of answers")
            del kept[kind]
        elif kind in notebook:
            kept[kind] = _clean_table(notebook[kind], f"{where} {kind}", problems, _clean_entry, "an answer")
    return kept


# Each step turns a file of version n into version n + 1. Version 1 is the first format the
# course wrote, so a file without a version, or with version 0, already has its layout.
_UPGRADES = {0: lambda data: data}


def _clean(data) -> tuple[dict, list[str]]:
    """Return (what of `data` this version can use, migrated, unknown fields kept; what was left out)."""
    if not isinstance(data, dict):
        return _empty(), [f"it holds {_what(data)}, not a table of notebooks"]
    problems = []
    version = data.get("version", 0)
    if not _is_count(version):
        problems.append(f"its version is {_what(version)}, not a whole number, 0 or more")
        version = VERSION
    while version < VERSION:
        data, version = _UPGRADES[version](data), version + 1
    notebooks = data.get("notebooks", {})
    if not isinstance(notebooks, dict):
        problems.append(f"its notebooks are {_what(notebooks)}, not a table")
        notebooks = {}
    # A newer course's version number is kept: the file still holds everything it wrote.
    kept = {**data, "version": version,
            "notebooks": _clean_table(notebooks, "", problems, _clean_notebook, "a table")}
    return kept, problems


def _read(path: Path) -> tuple[dict, list[str]]:
    """Return (the usable progress in `path`, what had to be left out); OSError if it cannot be read."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _empty(), []
    if not raw.strip():  # an empty file holds no answers: nothing to set aside
        return _empty(), []
    try:
        data = json.loads(raw.decode("utf-8-sig"))  # -sig: Windows editors may add a byte-order mark
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested too deep to read
        return _empty(), ["it is not JSON text"]
    return _clean(data)


def _backup_path(path: Path) -> Path:
    """Return the first free name of progress.json.bak, progress.json.2.bak, ...: earlier backups stay."""
    names = [f"{path.name}.bak"] + [f"{path.name}.{n}.bak" for n in range(2, 100)]
    return next((path.with_name(n) for n in names if not path.with_name(n).exists()), path.with_name(names[-1]))


def _save(path: Path, data: dict) -> None:
    write_text_atomically(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def _load_locked(path: Path) -> dict:
    """Read `path` while holding its lock; set aside (and say once) what cannot be used."""
    data, problems = _read(path)
    if problems:
        backup = _backup_path(path)
        os.replace(path, backup)
        _say_once(f"corrupt:{path}", _set_aside_message(path, backup, problems, kept_some=data != _empty()))
        _save(path, data)
    return data


def _set_aside_message(path: Path, backup: Path, problems: list[str], kept_some: bool) -> str:
    why = problems[0][:120] + (f", and {len(problems) - 1} more" if len(problems) > 1 else "")
    if not kept_some:
        return (f"Your progress file {shown_path(path)} could not be read ({why}); "
                f"it was kept as {shown_path(backup)} and a fresh one started.")
    return (f"Part of your progress file {shown_path(path)} could not be read ({why}). "
            f"The rest was kept, and the file as it was is kept as {shown_path(backup)}.")


def load(path: Path | None = None) -> dict:
    """Return the stored progress; a missing file is empty, damaged parts are set aside."""
    path = Path(path) if path else store_path()
    try:
        data, problems = _read(path)
    except OSError as exc:
        _say_once(f"read:{path}", f"Could not read your progress file {shown_path(path)} ({exc}); showing none.")
        return _empty()
    if problems:
        # Repair under the lock, reading again: another notebook may have repaired it already.
        with contextlib.suppress(_Busy, OSError):
            with _locked(path):
                data = _load_locked(path)
    return data


# --- the lock: fcntl where there is one, else a lock file created exclusively ---------------

class _Busy(Exception):
    """The lock stayed taken for LOCK_WAIT_SECONDS."""


def _fcntl():
    """Return the fcntl module, or None where there is none (Windows)."""
    try:
        import fcntl
    except ImportError:
        return None
    return fcntl


def _wait_for(take_lock) -> None:
    """Call `take_lock` until it returns True; raise _Busy after LOCK_WAIT_SECONDS."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while not take_lock():
        if time.monotonic() >= deadline:
            raise _Busy()
        time.sleep(random.uniform(0.001, 0.02))  # random, so waiting notebooks do not retry in step


@contextlib.contextmanager
def _fcntl_lock(path: Path, fcntl):
    """Hold an flock on progress.json.lock; the OS releases it if the notebook dies."""
    with open(path.with_name(path.name + ".lock"), "a") as handle:

        def take() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _wait_for(take)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _break_if_stale(lock: Path, seen: dict) -> None:
    """Remove the lock file if the same notebook has held it for STALE_LOCK_SECONDS: it stopped while writing."""
    # Judged by this process's own clock while it waits, not by the file's time, which a
    # network drive's clock may skew.
    try:
        owner = lock.read_text()
    except OSError:  # gone already: the next try may get it
        return
    now = time.monotonic()
    if owner != seen.get("owner"):
        seen.update(owner=owner, since=now)
        return
    if now - seen["since"] < STALE_LOCK_SECONDS:
        return
    # Renaming is atomic, so of several waiters only one takes the stale lock; a fresh lock
    # taken by mistake (its owner replaced the stale one in between) is put back.
    taken = lock.with_name(f"{lock.name}.{uuid.uuid4().hex}.stale")
    with contextlib.suppress(OSError):
        os.rename(lock, taken)
        if taken.read_text() == owner:
            os.unlink(taken)
        else:
            os.rename(taken, lock)


@contextlib.contextmanager
def _file_lock(path: Path):
    """Hold progress.json.writing, created with O_EXCL: only one notebook can create it."""
    lock, token, seen = path.with_name(path.name + ".writing"), uuid.uuid4().hex, {}

    def take() -> bool:
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            _break_if_stale(lock, seen)
            return False
        except PermissionError:  # Windows, while the last holder's file is being deleted
            if os.name != "nt":
                raise
            return False
        with os.fdopen(handle, "w") as out:
            out.write(token)
        return True

    _wait_for(take)
    try:
        yield
    finally:
        # Only our own lock: had ours been broken as stale, the file is now another notebook's.
        with contextlib.suppress(OSError):
            if lock.read_text() == token:
                os.unlink(lock)


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock beside `path` so two open notebooks do not lose each other's answers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fcntl = _fcntl()
    with _fcntl_lock(path, fcntl) if fcntl else _file_lock(path):
        yield


# --- recording and counting -----------------------------------------------------------

def _add(data: dict, notebook: str, kind: str, item: str, status: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    entry = data["notebooks"].setdefault(notebook, {}).setdefault(kind, {}).setdefault(item, {})
    entry["attempts"] = entry.get("attempts", 0) + 1
    entry["status"] = status
    entry["passed"] = entry.get("passed", False) or status == "correct"
    entry["last"] = datetime.now(UTC).isoformat(timespec="seconds")


def record(notebook: str, kind: str, item: str, status: str, path: Path | None = None) -> bool:
    """Add one answer (kind "quiz" or "exercise") to the store; return False if it could not be saved."""
    path = Path(path) if path else store_path()
    try:
        with _locked(path):
            data = _load_locked(path)
            _add(data, str(notebook), kind, str(item), str(status))
            _save(path, data)
        return True
    except _Busy:
        _say_once(f"write:{path}",
                  f"Your progress could not be saved to {shown_path(path)}: the file stayed busy for "
                  f"{LOCK_WAIT_SECONDS:g} s (another notebook was writing to it). Run the cell again to save it.")
    except (OSError, ValueError, RecursionError) as exc:
        _say_once(f"write:{path}", f"Your progress could not be saved to {shown_path(path)} ({exc}).")
    return False


def _offered(lesson: Lesson) -> tuple[frozenset, frozenset]:
    """Return the self-check ids and exercise names `lesson` offers; none, with a message, if unreadable."""
    try:
        return lesson.self_check_ids, frozenset(lesson.exercise_names)
    except (OSError, ValueError, SyntaxError) as exc:  # a damaged course file; its own tests catch it
        _say_once(f"count:{lesson.stem}", f"Could not count the questions of {lesson.stem} ({exc}).")
        return frozenset(), frozenset()


def _passed(done: dict, kind: str, offered: frozenset) -> int:
    """Count the passed questions that the lesson still offers (a question removed since is kept, not counted)."""
    return sum(entry.get("passed") is True for item, entry in done.get(kind, {}).items() if item in offered)


def summary(path: Path | None = None) -> list[dict]:
    """Return one row per lesson: stem, title, quiz and exercise counts passed and offered."""
    notebooks = load(path)["notebooks"]
    rows = []
    for lesson in LESSONS:
        done = notebooks.get(lesson.stem, {})
        quizzes, exercises = _offered(lesson)
        rows.append({"stem": lesson.stem, "title": lesson.title,
                     "quiz": (_passed(done, "quiz", quizzes), len(quizzes)),
                     "exercise": (_passed(done, "exercise", exercises), len(exercises))})
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
