"""Do the lessons that check intervals share one half-width, one list of mistakes and one bootstrap check?"""
import math

import numpy as np
import pytest
from scipy import stats

from course.checks import Incorrect
from course.checks import nb03_probability_and_statistics as nb03
from course.checks import nb12_rigorous_experiments as nb12
from course.checks import nb13_research_craft_and_career as nb13
from course.checks import nb14_capstone as nb14
from course.checks.intervals import expect_t_interval, t_half_width, t_interval_mistakes
from course.stats import mean_ci


def test_is_the_half_width_a_function_of_n_then_sd_and_confidence():
    assert t_half_width(5, 2.0) == pytest.approx(stats.t.ppf(0.975, 4) * 2.0 / math.sqrt(5))
    assert t_half_width(5) == pytest.approx(stats.t.ppf(0.975, 4) / math.sqrt(5))
    assert t_half_width(8, 1.5, confidence=0.9) == pytest.approx(stats.t.ppf(0.95, 7) * 1.5 / math.sqrt(8))


def test_does_every_known_mistake_change_the_width():
    assert all(not math.isclose(ratio, 1.0) for ratio, _ in t_interval_mistakes(5, "seeds"))


@pytest.mark.parametrize("half_width_of, words", [
    (lambda x: 1.96 * x.std(ddof=1) / math.sqrt(len(x)), "z = 1.96 in place of Student t (with 4 seeds"),
    (lambda x: stats.t.ppf(0.975, len(x) - 1) * x.std() / math.sqrt(len(x)), "the population standard deviation"),
    (lambda x: stats.t.ppf(0.975, len(x)) * x.std(ddof=1) / math.sqrt(len(x)), "n = 4 degrees of freedom"),
])
def test_does_a_wrong_interval_name_its_mistake(half_width_of, words):
    x = np.array([1.0, 2.0, 4.0, 7.0])
    got = (x.mean(), x.mean() - half_width_of(x), x.mean() + half_width_of(x))
    with pytest.raises(Incorrect, match="times as wide as it should be") as wrong:
        expect_t_interval(got, x, "f(x)", "the interval", "seeds")
    assert words in str(wrong.value)


def test_does_a_right_interval_pass():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    expect_t_interval(mean_ci(x), x, "f(x)", "the interval", "seeds")


def population_sd_interval(x):
    x = np.asarray(x, dtype=float)
    half = stats.t.ppf(0.975, len(x) - 1) * x.std() / math.sqrt(len(x))
    return x.mean(), x.mean() - half, x.mean() + half


def test_do_lessons_13_and_14_explain_a_population_sd_in_the_same_words():
    def table(runs):
        base = np.asarray(runs["baseline"], dtype=float)
        rows = []
        for arm, scores in runs.items():
            diff = population_sd_interval(np.asarray(scores, dtype=float) - base)
            rows.append(dict(zip(nb14.ROW_KEYS, (arm, *population_sd_interval(scores), *diff))))
        return rows

    reason = "the population standard deviation (ddof=0) in place of the sample one (ddof=1)"
    assert reason in nb13.q1.check(population_sd_interval).message
    assert reason in nb14.q3.check(table).message


def test_do_lessons_03_and_12_explain_resampling_without_replacement_in_the_same_words():
    def shuffled_means(values, B, rng):
        return np.array([rng.permutation(values).mean() for _ in range(B)])

    def lesson_03(x, B, alpha, rng):
        return tuple(np.quantile(shuffled_means(x, B, rng), [alpha / 2, 1 - alpha / 2]))

    def lesson_12(a, b, n_boot, alpha, rng):
        return ((a - b).mean(), *np.quantile(shuffled_means(a - b, n_boot, rng), [alpha / 2, 1 - alpha / 2]))

    advice = "drawn with replacement? Without it every resample holds each"
    assert advice in nb03.q3.check(lesson_03).message
    assert advice in nb12.q1.check(lesson_12).message
