"""Whatever a progress file holds, do record, summary and show never raise, and do valid answers survive?

Hypothesis writes arbitrary JSON (and text, and bytes) into the file, and files shaped like
progress with damage anywhere: a list where a table should be, a number where an answer
should be, a field of the wrong type, fields and versions this course does not know.
"""
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course import progress
from course.lessons import LESSONS

# Each example makes its own folder, so the autouse progress_file fixture is not shared between
# examples. No example database: nothing is written into the working tree; a failure prints
# the example and a blob to reproduce it.
SETTINGS = settings(deadline=None, max_examples=60, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=6)


def containers(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


PLAIN_JSON = st.recursive(SCALARS | st.floats(allow_nan=False), containers, max_leaves=8)  # equal to itself
ANY_JSON = st.recursive(SCALARS | st.floats(), containers, max_leaves=12)  # NaN and infinities too
NEW_STEM = "a-stem-longer-than-any-drawn"
STEMS = st.sampled_from([lesson.stem for lesson in LESSONS[:3]]) | st.text(max_size=6)
KINDS = ("quiz", "exercise")
FIELDS = {
    "attempts": st.integers(min_value=0, max_value=10**6),
    "status": st.text(max_size=6),
    "passed": st.booleans(),
    "last": st.text(max_size=6),
}


def is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_valid(field, value):
    """The schema, written out independently of course.progress."""
    if field == "attempts":
        return is_count(value)
    if field == "passed":
        return isinstance(value, bool)
    return isinstance(value, str)


def junk():
    """JSON that is not a table: damage wherever a table or an answer should be."""
    return SCALARS | st.floats() | st.lists(ANY_JSON, max_size=3)


@st.composite
def entries(draw):
    """Return (an answer as stored, what of it must survive, whether any of it is damaged)."""
    stored, kept, damaged = {}, {}, False
    for field, good in FIELDS.items():
        choice = draw(st.sampled_from(["absent", "good", "bad"]))
        if choice == "good":
            stored[field] = kept[field] = draw(good)
        elif choice == "bad":
            stored[field] = draw(PLAIN_JSON.filter(lambda value, field=field: not is_valid(field, value)))
            damaged = True
    for key, value in draw(st.dictionaries(st.text(max_size=6).filter(lambda k: k not in FIELDS),
                                           PLAIN_JSON, max_size=2)).items():
        stored[key] = kept[key] = value  # a newer course's field: kept as it is
    return stored, kept, damaged


@st.composite
def tables(draw, values):
    """Return (a table of values as stored, what must survive, damaged): values may be junk instead."""
    stored, kept, damaged = {}, {}, False
    for key in draw(st.lists(st.text(max_size=6), unique=True, max_size=3)):
        if draw(st.booleans()):
            stored[key], kept[key], hurt = draw(values)
            damaged |= hurt
        else:
            stored[key], damaged = draw(junk()), True
    return stored, kept, damaged


@st.composite
def notebooks(draw):
    """Return (a notebook's progress as stored, what must survive, damaged)."""
    stored, kept, damaged = {}, {}, False
    for kind in KINDS:
        choice = draw(st.sampled_from(["absent", "table", "junk"]))
        if choice == "table":
            stored[kind], kept[kind], hurt = draw(tables(entries()))
            damaged |= hurt
        elif choice == "junk":
            stored[kind], damaged = draw(junk()), True
    for key, value in draw(st.dictionaries(st.text(max_size=6).filter(lambda k: k not in KINDS),
                                           PLAIN_JSON, max_size=2)).items():
        stored[key] = kept[key] = value
    return stored, kept, damaged


@st.composite
def progress_files(draw):
    """Return (a progress file's data, the data that must survive, damaged)."""
    stored, kept, damaged = {}, {}, False
    version = draw(st.sampled_from(["absent", "older", "this", "newer", "junk"]))
    if version == "older":
        stored["version"] = 0
    elif version == "this":
        stored["version"] = progress.VERSION
    elif version == "newer":
        stored["version"] = kept["version"] = draw(st.integers(progress.VERSION + 1, 10**6))
    elif version == "junk":
        stored["version"], damaged = draw(ANY_JSON.filter(lambda v: not is_count(v))), True
    kept.setdefault("version", progress.VERSION)
    if draw(st.booleans()):
        stored["notebooks"], kept["notebooks"], hurt = draw(tables(notebooks()))
        damaged |= hurt
    elif draw(st.booleans()):
        stored["notebooks"], damaged = draw(junk()), True
    kept.setdefault("notebooks", {})
    for key, value in draw(st.dictionaries(st.text(max_size=6).filter(lambda k: k not in ("version", "notebooks")),
                                           PLAIN_JSON, max_size=2)).items():
        stored[key] = kept[key] = value
    return stored, kept, damaged


ANY_CONTENT = (ANY_JSON.map(json.dumps) | progress_files().map(lambda made: json.dumps(made[0]))).map(str.encode) \
    | st.text(max_size=20).map(str.encode) | st.binary(max_size=20)


@SETTINGS
@given(content=ANY_CONTENT, stem=STEMS, kind=st.sampled_from(KINDS), status=st.sampled_from(["correct", "incorrect"]))
def test_do_record_summary_and_show_never_raise_whatever_the_file_holds(content, stem, kind, status):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.json"
        path.write_bytes(content)
        assert len(progress.summary(path)) == len(LESSONS)
        assert progress.show(path).text() and progress.show(path).html()
        assert progress.record(stem, kind, "an-item", status, path=path)
        assert progress.load(path)["notebooks"][stem][kind]["an-item"]["status"] == status
        assert progress.show(path).text()


@SETTINGS
@given(made=progress_files())
def test_do_valid_answers_and_unknown_fields_survive_whatever_else_the_file_holds(made):
    stored, kept, damaged = made
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "progress.json"
        path.write_text(json.dumps(stored))
        original = path.read_bytes()
        assert progress.record(NEW_STEM, "quiz", "fresh", "correct", path=path)
        data = progress.load(path)
        new = data["notebooks"].pop(NEW_STEM)
        assert new["quiz"]["fresh"]["passed"] is True and new["quiz"]["fresh"]["attempts"] == 1
        assert data == kept
        backup = path.with_name("progress.json.bak")
        assert backup.exists() == damaged
        if damaged:
            assert backup.read_bytes() == original
