"""Do the interval helpers cover the truth as often as they claim?"""
import numpy as np
import pytest

from course.stats import mean_ci, paired_bootstrap_ci


def test_does_mean_ci_match_a_hand_computed_t_interval():
    mean, low, high = mean_ci([1.0, 2.0, 3.0, 4.0])
    # t(0.975, df=3) = 3.182446, sd = 1.290994, n = 4
    assert mean == 2.5 and high - mean == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)
    assert mean - low == pytest.approx(high - mean)


def test_does_the_t_interval_cover_about_95_percent():
    rng = np.random.default_rng(0)
    hits = sum(low <= 0 <= high for _, low, high in (mean_ci(rng.normal(0, 1, 5)) for _ in range(2000)))
    assert 0.93 < hits / 2000 < 0.97


def test_does_pairing_remove_shared_seed_noise():
    rng = np.random.default_rng(1)
    seed_effect = rng.normal(0, 5, 10)
    a, b = 90 + seed_effect + 0.5, 90 + seed_effect + rng.normal(0, 0.01, 10)
    mean, low, high = paired_bootstrap_ci(a, b, rng=np.random.default_rng(2))
    assert 0.45 < low < mean < high < 0.55


def test_is_the_bootstrap_deterministic_given_its_generator():
    a, b = np.arange(5.0), np.arange(5.0)[::-1]
    assert paired_bootstrap_ci(a, b, rng=np.random.default_rng(3)) == paired_bootstrap_ci(a, b, rng=np.random.default_rng(3))


@pytest.mark.parametrize("call", [lambda: mean_ci([1.0]), lambda: paired_bootstrap_ci([1, 2], [1, 2, 3])])
def test_is_too_little_data_refused_with_a_reason(call):
    with pytest.raises(ValueError, match="need"):
        call()
