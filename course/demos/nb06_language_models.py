"""Lesson 06's demo: text sampled from each language model, at a temperature and seed you choose."""
from __future__ import annotations

import math
import re

import numpy as np

from course.controls import float_slider, int_slider
from course.explore import Explorer

WORD = re.compile(r"[A-Za-z]{2,}")


def known_word_share(text: str, vocabulary) -> float:
    """Return the fraction of words (runs of 2+ letters) in `text` found in `vocabulary`; NaN if none."""
    words = WORD.findall(text)
    return sum(w.lower() in vocabulary for w in words) / len(words) if words else math.nan


def training_words(text: str) -> set[str]:
    """Return the set of lower-cased words (runs of 2+ letters) in `text`."""
    return {w.lower() for w in WORD.findall(text)}


def draw_samples(fig, samples: dict, width: int = 92, shown: int = 276) -> None:
    """Write each model's sample into its own panel of `fig`, a line break shown as ↵."""
    axes = fig.subplots(len(samples), 1, squeeze=False)[:, 0]
    for ax, (name, text) in zip(axes, samples.items()):
        flat = text[:shown].replace("\n", "↵").replace("\t", " ")
        lines = [flat[i:i + width] for i in range(0, len(flat), width)]
        # parse_math=False: a sample with two "$" signs must not turn into a formula
        ax.text(0, 1, "\n".join(lines), family="monospace", fontsize=9, va="top",
                transform=ax.transAxes, parse_math=False)
        ax.set_title(name, loc="left", fontsize=9, fontweight="bold")
        ax.set_axis_off()


def sample_all(samplers: dict, temperature: float, seed: int) -> dict:
    """Return {name: sampler(temperature, rng)}, each model with a fresh generator seeded by `seed`."""
    return {name: sample(temperature, np.random.default_rng(seed)) for name, sample in samplers.items()}


def describe_shares(samples: dict, vocabulary) -> str:
    """Return 'name 12%, ...': the share of each sample's words that occur in the training text."""
    parts = []
    for name, text in samples.items():
        share = known_word_share(text, vocabulary)
        parts.append(f"{name} {'no words' if math.isnan(share) else f'{share:.0%}'}")
    return ", ".join(parts)


def sampling_explorer(samplers: dict, vocabulary, temperature: float = 0.8, seed: int = 0) -> Explorer:
    """Return an explorer that samples from every model at the chosen temperature and seed."""
    controls = {
        "temperature": float_slider(temperature, 0.2, 1.6, 0.1, "temperature"),
        "seed": int_slider(seed, 0, 9, "seed"),
    }

    def draw(fig, temperature, seed):
        samples = sample_all(samplers, temperature, seed)
        draw_samples(fig, samples)
        fig.suptitle(f"Text sampled one character at a time, temperature {temperature:.1f}")
        return (f"Temperature {temperature:.1f}, seed {seed}. Share of sampled words that occur in the "
                f"training text: {describe_shares(samples, vocabulary)}.")

    return Explorer(draw, controls, figsize=(8.5, 0.5 + 0.85 * len(samplers)), title="samples from each model")
