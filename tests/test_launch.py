"""`course lab` without a server: the JupyterLab command and environment it builds, the kernel
spec and settings it writes into a temporary prefix, and how it waits for JupyterLab.

tests/browser/test_make_lab.py starts the real thing, with make and without.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

from course import launch
from course.data import ROOT
from course.instructor import cli

BASE = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
        "--LabApp.default_url=/lab/tree/notebooks/00-what-is-an-ai-researcher.ipynb",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly"]


@pytest.mark.parametrize("display, as_root, flags", [
    (True, False, []),
    (False, False, ["--no-browser"]),
    (True, True, ["--allow-root"]),
    (False, True, ["--no-browser", "--allow-root"]),
])
def test_lab_command_adds_no_browser_without_a_display_and_allow_root_as_root(display, as_root, flags):
    assert launch.lab_command(ROOT, display=display, as_root=as_root) == BASE + flags


def test_lab_command_passes_extra_arguments_last_in_order():
    extra = ["--ServerApp.port=9999", "--port", "8888", "--no-browser"]
    command = launch.lab_command(ROOT, extra, display=False, as_root=False)
    assert command == BASE + ["--no-browser"] + extra


@pytest.mark.parametrize("platform, environ, expected", [
    ("linux", {}, False),
    ("linux", {"DISPLAY": ""}, False),
    ("linux", {"DISPLAY": ":0"}, True),
    ("linux", {"WAYLAND_DISPLAY": "wayland-0"}, True),
    ("freebsd14", {}, False),
    ("darwin", {}, True),
    ("win32", {}, True),
])
def test_has_display_like_make_lab_did(platform, environ, expected):
    assert launch.has_display(platform, environ) is expected


def test_is_root_follows_the_effective_user_and_is_false_without_geteuid(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    assert launch.is_root()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert not launch.is_root()
    monkeypatch.delattr(os, "geteuid")  # as on Windows
    assert not launch.is_root()


def test_lab_environment_forces_one_blas_thread_and_prefers_the_environments_jupyter_data():
    before = {"OPENBLAS_NUM_THREADS": "8", "PATH": "/bin", "OMP_NUM_THREADS": "4"}
    env = launch.lab_environment(before)
    assert env == {"PATH": "/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "PYDEVD_DISABLE_FILE_VALIDATION": "1", "JUPYTER_PREFER_ENV_PATH": "1"}
    assert before["OPENBLAS_NUM_THREADS"] == "8"  # a copy


def read_spec(prefix: Path) -> dict:
    return json.loads((prefix / "share/jupyter/kernels/python3/kernel.json").read_text())


def test_ensure_kernel_spec_pins_this_python_with_one_blas_thread(tmp_path):
    assert launch.ensure_kernel_spec(tmp_path)
    spec = read_spec(tmp_path)
    assert spec["argv"][0] == sys.executable and "ipykernel_launcher" in spec["argv"]
    assert spec["display_name"] == "Python 3 (course)" and spec["language"] == "python"
    assert spec["env"] == {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    assert (tmp_path / "share/jupyter/kernels/python3/logo-64x64.png").is_file()


def test_ensure_kernel_spec_leaves_a_right_spec_alone(tmp_path):
    launch.ensure_kernel_spec(tmp_path)
    path = tmp_path / "share/jupyter/kernels/python3/kernel.json"
    os.utime(path, (0, 0))
    assert not launch.ensure_kernel_spec(tmp_path)
    assert path.stat().st_mtime == 0


@pytest.mark.parametrize("damage", [
    lambda spec: spec.update(display_name="Python 3 (ipykernel)"),
    lambda spec: spec.pop("env"),
    lambda spec: spec["env"].update(OPENBLAS_NUM_THREADS="4"),
    lambda spec: spec["argv"].__setitem__(0, "/usr/bin/python3-elsewhere"),
    lambda spec: spec.update(argv="python"),
])
def test_ensure_kernel_spec_rewrites_a_wrong_spec(tmp_path, damage):
    launch.ensure_kernel_spec(tmp_path)
    path = tmp_path / "share/jupyter/kernels/python3/kernel.json"
    spec = json.loads(path.read_text())
    damage(spec)
    path.write_text(json.dumps(spec))
    assert launch.ensure_kernel_spec(tmp_path)
    assert launch.kernel_spec_is_right(path)


def test_ensure_kernel_spec_rewrites_a_spec_that_is_not_json(tmp_path):
    path = tmp_path / "share/jupyter/kernels/python3/kernel.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert launch.ensure_kernel_spec(tmp_path)
    assert read_spec(tmp_path)["argv"][0] == sys.executable


def overrides(prefix: Path) -> dict:
    return json.loads((prefix / "share/jupyter/lab/settings/overrides.json").read_text())


def test_ensure_offline_settings_turns_off_news_and_update_checks_once(tmp_path):
    assert launch.ensure_offline_settings(tmp_path)
    assert overrides(tmp_path) == {
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}
    assert not launch.ensure_offline_settings(tmp_path)


def test_ensure_offline_settings_keeps_other_overrides(tmp_path):
    path = tmp_path / "share/jupyter/lab/settings/overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                                "@jupyterlab/apputils-extension:notification": {"fetchNews": "true",
                                                                                "doNotDisturbMode": True}}))
    assert launch.ensure_offline_settings(tmp_path)
    assert overrides(tmp_path) == {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False,
                                                        "doNotDisturbMode": True}}


def test_prepare_says_what_it_wrote_then_nothing(tmp_path):
    notes = launch.prepare(tmp_path)
    assert [note.split(" to ")[0] for note in notes] == [
        'wrote the "Python 3 (course)" kernel spec', "wrote JupyterLab's offline settings"]
    assert launch.prepare(tmp_path) == []


def test_prepare_warns_and_goes_on_when_the_prefix_cannot_be_written(tmp_path):
    prefix = tmp_path / "a-file"
    prefix.write_text("")  # no folder can be made under a file, even as root
    notes = launch.prepare(prefix)
    assert len(notes) == 2 and all(note.startswith("warning: could not write") for note in notes), notes


@pytest.mark.parametrize("returncode, status", [(0, 0), (3, 3), (-2, 130), (-15, 143)])
def test_exit_status_is_what_a_shell_reports(returncode, status):
    assert launch.exit_status(returncode) == status


def test_run_returns_the_childs_exit_code():
    assert launch.run([sys.executable, "-c", "import sys; sys.exit(3)"], dict(os.environ)) == 3


def test_run_waits_through_ctrl_c_for_jupyterlab_to_decide(monkeypatch):
    class Child:  # Ctrl-C reaches us while JupyterLab asks "Shut down this Jupyter server?"
        waits = 0

        def wait(self):
            Child.waits += 1
            if Child.waits < 3:
                raise KeyboardInterrupt
            return 0

    monkeypatch.setattr(launch.subprocess, "Popen", lambda command, env: Child())
    assert launch.run(["jupyter"], {}) == 0
    assert Child.waits == 3


@pytest.fixture
def started(monkeypatch):
    """Record what `course lab` would start, without preparing or starting anything."""
    calls = []
    monkeypatch.setattr(launch, "prepare", lambda: [])
    monkeypatch.setattr(launch, "start", lambda root, extra: calls.append((root, extra)) or 0)
    return calls


@pytest.mark.parametrize("argv, extra", [
    (["lab"], []),
    (["lab", "--no-browser", "--port", "9999"], ["--no-browser", "--port", "9999"]),
    (["lab", "--ServerApp.port=1", "--root", str(ROOT), "--port=2"], ["--ServerApp.port=1", "--port=2"]),
    (["lab", "--", "--root=elsewhere"], ["--root=elsewhere"]),
])
def test_course_lab_passes_options_it_does_not_know_to_jupyterlab(started, argv, extra):
    assert cli.main(argv) == 0
    assert started == [(ROOT.resolve(), extra)]


def test_course_lab_setup_only_starts_nothing(started):
    assert cli.main(["lab", "--setup-only"]) == 0
    assert started == []


def test_course_lab_refuses_a_folder_without_the_lessons(started, tmp_path, capsys):
    assert cli.main(["lab", "--root", str(tmp_path)]) == 2
    assert started == [] and "has no notebooks/00-what-is-an-ai-researcher.ipynb" in capsys.readouterr().err


def test_other_commands_still_reject_unknown_options(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["exercises", "--check", "--no-browser"])
    assert exit.value.code == 2 and "unrecognized arguments: --no-browser" in capsys.readouterr().err


def test_does_installing_the_kernel_spec_leave_nothing_in_the_temporary_folder(tmp_path, monkeypatch):
    """ipykernel's install() stages the spec in a tmp*_kernels folder it never removes."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert launch.ensure_kernel_spec(tmp_path / "prefix")
    assert list(scratch.iterdir()) == []
    assert launch.kernel_spec_is_right(launch.kernel_spec_path(tmp_path / "prefix"))
