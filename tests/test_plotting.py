"""Can the shared figures be read without colour: text that contrasts with its cell?"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course.plotting import plot_confusion_matrix  # noqa: E402


def test_are_counts_dark_on_light_cells_light_on_dark_ones_and_repeated_mistakes_bold():
    matrix = np.diag([89, 88, 87])
    matrix[2, 0], matrix[0, 1] = 6, 1
    fig, ax = plt.subplots()
    plot_confusion_matrix(matrix, ax=ax)
    texts = {text.get_text(): text for text in ax.texts}
    plt.close(fig)
    assert {texts["89"].get_color(), texts["88"].get_color()} == {"white"}   # the dark diagonal
    assert texts["1"].get_color() == "black" and texts["1"].get_fontweight() == "normal"
    assert texts["6"].get_fontweight() == "bold"
    assert all(text.get_fontsize() >= 9 for text in ax.texts)


def test_does_show_send_the_figure_as_an_image_with_its_text_alternative_and_close_it(monkeypatch):
    import course.plotting as plotting

    shown = []
    monkeypatch.setattr(plotting, "display", lambda bundle, raw: shown.append(bundle))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    plotting.show('A line falling from 1 to 0: "less" as x grows.')
    (bundle,) = shown
    assert bundle["text/html"].startswith('<img src="data:image/png;base64,iVBOR')
    assert bundle["text/html"].endswith('alt="A line falling from 1 to 0: &quot;less&quot; as x grows.">')
    assert bundle["text/plain"] == '[Figure: A line falling from 1 to 0: "less" as x grows.]'
    assert not plt.fignum_exists(fig.number)


def test_does_show_refuse_a_figure_without_a_real_text_alternative():
    import pytest

    from course.plotting import MissingAltText, show

    for alt in (None, "", "figure", "a plot of x"):
        with pytest.raises(MissingAltText, match="what the figure shows"):
            show(alt)
    plt.close("all")
