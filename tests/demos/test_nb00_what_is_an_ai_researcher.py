"""Does lesson 00's mistake gallery find the right images and caption them?"""
import numpy as np
from matplotlib.figure import Figure

from course.demos.nb00_what_is_an_ai_researcher import confusion_pairs, draw_mistakes, mistake_gallery

Y_TRUE = np.array([8, 8, 8, 3, 3, 1, 1, 0])
Y_PRED = np.array([1, 1, 8, 8, 8, 1, 7, 0])
PROBA = np.full((8, 10), 0.05)
PROBA[np.arange(8), Y_PRED] = [0.6, 0.4, 0.9, 0.7, 0.5, 0.9, 0.55, 0.9]
IMAGES = np.linspace(0, 1, 8 * 64).reshape(8, 64)


def test_are_mistakes_listed_most_frequent_first_without_right_answers():
    assert confusion_pairs(Y_TRUE, Y_PRED) == [(3, 8, 2), (8, 1, 2), (1, 7, 1)]
    assert confusion_pairs(Y_TRUE, Y_PRED, min_count=2) == [(3, 8, 2), (8, 1, 2)]


def test_does_the_caption_count_the_images_and_average_their_confidence():
    fig = Figure()
    caption = draw_mistakes(fig, IMAGES, Y_TRUE, Y_PRED, PROBA, (8, 1))
    assert caption == "2 test digit(s) of class 8 were read as 1, mean confidence 0.50."
    assert sum(ax.has_data() for ax in fig.axes) == 2


def test_does_a_pair_that_never_happens_draw_nothing_and_say_so():
    assert draw_mistakes(Figure(), IMAGES, Y_TRUE, Y_PRED, PROBA, (0, 9)) == "0 test digit(s) of class 0 were read as 9."


def test_does_the_dropdown_offer_repeated_mistakes_and_redraw():
    gallery = mistake_gallery(IMAGES, Y_TRUE, Y_PRED, PROBA)
    dropdown = gallery.controls["pair"]
    assert [label for label, _ in dropdown.options] == ["3 read as 8 (2x)", "8 read as 1 (2x)"]
    dropdown.value = (8, 1)
    assert gallery.caption.value.startswith("2 test digit(s) of class 8 were read as 1")
