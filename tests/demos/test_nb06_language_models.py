"""Does lesson 06's sampling explorer draw every model's sample and count real words correctly?"""
import math

from matplotlib.figure import Figure

from course.demos.nb06_language_models import (
    describe_shares,
    draw_samples,
    known_word_share,
    sample_all,
    sampling_explorer,
    training_words,
)

VOCABULARY = training_words("The for statement iterates over the items of a list.")


def fake_sampler(letters):
    """A sampler that draws `letters` at random, sharper when the temperature is low."""
    def sample(temperature, rng, length=30):
        return "".join(rng.choice(list(letters), size=length)) + f" t={temperature:.1f}"
    return sample


def test_are_training_words_lower_case_runs_of_two_or_more_letters():
    assert training_words("The x = list_of(items); A list.") == {"the", "list", "of", "items"}


def test_does_the_word_share_count_only_words_from_the_vocabulary():
    assert known_word_share("the list of zqx", VOCABULARY) == 0.75
    assert known_word_share("The LIST", VOCABULARY) == 1.0
    assert math.isnan(known_word_share("1 + 2 = 3", VOCABULARY))


def test_does_the_share_description_name_every_model_and_handle_no_words():
    samples = {"unigram": "zz qq", "transformer": "the list", "digits": "123"}
    assert describe_shares(samples, VOCABULARY) == "unigram 0%, transformer 100%, digits no words"


def test_does_each_model_get_the_same_seed_and_a_fresh_generator():
    samplers = {"a": fake_sampler("ab"), "b": fake_sampler("ab")}
    samples = sample_all(samplers, 0.8, seed=3)
    assert samples["a"] == samples["b"]
    assert samples == sample_all(samplers, 0.8, seed=3)
    assert samples != sample_all(samplers, 0.8, seed=4)


def test_does_the_figure_get_one_panel_per_model_with_the_text_written_in():
    fig = Figure()
    draw_samples(fig, {"unigram": "a$b$c\nd" * 30, "bigram": "the list"}, width=20)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["unigram", "bigram"]
    written = fig.axes[0].texts[0].get_text()
    assert "a$b$c↵d" in written and max(len(line) for line in written.split("\n")) == 20
    fig.canvas.draw()   # "$" signs must not be parsed as mathematics


def test_does_the_explorer_redraw_and_caption_when_a_control_changes():
    samplers = {"letters": fake_sampler("xyz"), "words": lambda temperature, rng: "the list of items"}
    explorer = sampling_explorer(samplers, VOCABULARY)
    assert explorer.caption.value == ("Temperature 0.8, seed 0. Share of sampled words that occur in the training "
                                      "text: letters 0%, words 100%.")
    explorer.controls["temperature"].value = 1.5
    explorer.controls["seed"].value = 7
    assert explorer.caption.value.startswith("Temperature 1.5, seed 7.")
    assert explorer.png.startswith(b"\x89PNG")
