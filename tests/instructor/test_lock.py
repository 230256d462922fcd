"""Does `make lock` write a lock that pip and the tests read back exactly?"""
from course.atomic import write_text_atomically
from course.instructor.lock import normalise, pins, public, read, render, runtime_requirements


def test_are_names_normalised_as_pip_compares_them():
    assert normalise("Jupyter_Server") == normalise("jupyter-server") == normalise("jupyter.server")


def test_does_a_rendered_lock_read_back_to_the_same_pins(tmp_path):
    pins = {"numpy": "2.4.6", "scikit-learn": "1.9.1"}
    path = tmp_path / "constraints.txt"
    write_text_atomically(path, render(pins, "3.11.7"))
    text = path.read_text()
    assert text.index("numpy==2.4.6") < text.index("scikit-learn==1.9.1") and "Python 3.11.7" in text
    assert read(path) == pins
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left beside it


def test_is_a_local_label_dropped_so_any_build_of_the_version_matches():
    """torch's CPU build is 2.13.0+cpu; `torch==2.13.0` matches it and PyPI's builds, `==2.13.0+cpu` only itself."""
    assert pins({"torch": "2.13.0+cpu", "numpy": "2.4.6"}) == {"torch": "2.13.0", "numpy": "2.4.6"}
    assert public("2.13.0") == "2.13.0"


def test_are_installers_left_out_unless_a_distribution_needs_one_to_run():
    versions = {"pip": "23.2.1", "setuptools": "84.2.1", "wheel": "0.45.0", "numpy": "2.4.6"}
    assert pins(versions) == {"numpy": "2.4.6"}
    assert pins(versions, keep={"setuptools"}) == {"setuptools": "84.2.1", "numpy": "2.4.6"}


def test_are_only_unconditional_requirements_counted():
    requires = ["filelock", "setuptools>=77.0.3", "optree>=0.13.0; extra == \"optree\"",
                "tomli; python_version < \"3.0\"", "Typing_Extensions>=4.10.0"]
    assert runtime_requirements(requires) == {"filelock", "setuptools", "typing-extensions"}
    assert runtime_requirements(None) == set()
