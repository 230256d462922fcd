"""Does lesson 06 read the same fixed corpus on every Python?"""
import hashlib
import json

from course.data import asset_path, load_python_help


def test_is_the_corpus_pythons_79_help_pages_unchanged():
    pages = load_python_help()
    assert len(pages) == 79 and sum(map(len, pages.values())) == 464_970
    assert pages["for"].startswith('The "for" statement')
    text = json.dumps(pages, ensure_ascii=False, sort_keys=True)
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == "4594d824487ea711"  # the text, to the character


def test_does_the_corpus_ship_with_its_licence():
    licence = asset_path("06-language-models", "LICENSE-python-help-pages.txt").read_text()
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in licence and "Python 3.11.7" in licence
