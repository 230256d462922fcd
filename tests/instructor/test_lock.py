"""Does `make lock` write a lock that pip and the tests read back exactly?"""
from course.atomic import write_text_atomically
from course.instructor.lock import normalise, read, render


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
