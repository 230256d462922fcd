"""Does lesson 15 say in one line how to install PyTorch and JAX, and does `make frameworks` take the CPU build?"""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course import frameworks
from course.data import ROOT

# A kernel without PyTorch (blocked in sys.modules), then IPython runs the lesson's first line.
WITHOUT_TORCH = textwrap.dedent("""
    import sys

    sys.modules["torch"] = None   # as if PyTorch were not installed: `import torch` raises ModuleNotFoundError

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown = []
    shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)
    result = shell.run_cell("from course.frameworks import require\\nrequire()")
    print(repr(shown))
""")


def test_is_a_missing_framework_one_line_in_ipython_not_a_traceback():
    run = subprocess.run([sys.executable, "-c", WITHOUT_TORCH], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    shown = eval(run.stdout.strip().splitlines()[-1])   # the list of tracebacks IPython would display
    assert len(shown) == 1 and len(shown[0]) == 1, shown
    line = shown[0][0]
    assert line.startswith("FrameworksMissing: This notebook needs PyTorch, which is not installed")
    assert "make frameworks" in line and "python -m course.frameworks" in line and "Traceback" not in line


def test_does_require_pass_and_set_one_xla_thread_when_both_are_installed(monkeypatch):
    monkeypatch.delenv("XLA_FLAGS", raising=False)
    frameworks.require()
    import os
    assert os.environ["XLA_FLAGS"] == frameworks.XLA_FLAGS


def test_does_the_message_name_both_when_both_are_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setitem(sys.modules, "jax", None)
    with pytest.raises(frameworks.FrameworksMissing, match="needs PyTorch and JAX, which are not installed") as caught:
        frameworks.require()
    assert caught.value._render_traceback_() == [f"FrameworksMissing: {caught.value}"]


def test_is_torch_pinned_without_its_local_label_in_the_lock():
    version = frameworks.locked_version("torch", ROOT / "constraints.txt")
    assert version and "+" not in version


@pytest.mark.parametrize("system, local, source", [
    ("Linux", True, "--no-index"), ("Linux", False, frameworks.CPU_INDEX), ("Darwin", False, None),
    ("Windows", False, None)])
def test_does_linux_take_the_cpu_build_and_never_pypis(system, local, source):
    commands = frameworks.torch_commands("python", "torch==2.13.0", system, local)
    if source is None:
        assert commands == []   # PyPI's macOS and Windows wheels are CPU builds
    else:
        (command,) = commands
        assert source in command and "torch==2.13.0" in command and "--no-deps" in command
        assert "--extra-index-url" not in command   # an extra index would let pip fall back to PyPI's CUDA build


def test_is_only_a_cpu_label_a_cpu_build():
    assert frameworks.is_cpu_build("2.13.0+cpu")
    assert not frameworks.is_cpu_build("2.13.0") and not frameworks.is_cpu_build("2.13.0+cu130")


def test_is_the_installed_torch_a_cpu_build():
    torch = pytest.importorskip("torch")
    assert torch.version.cuda is None, "a CUDA build of torch is installed; run `make frameworks`"


def test_does_pip_find_the_local_cpu_wheel_when_one_is_offered():
    """Where pip's find-links offers a CPU wheel of the locked torch (as on the course's CI), no index is needed."""
    version = frameworks.locked_version("torch", ROOT / "constraints.txt")
    if not any(path.name.startswith(f"torch-{version}+cpu") for path in Path("/opt/wheels").glob("*.whl")):
        pytest.skip("no local CPU wheel of torch offered here")
    assert frameworks.local_cpu_torch(sys.executable, f"torch=={version}")
    assert not frameworks.local_cpu_torch(sys.executable, "torch==0.0.1")
