"""Do the lesson 14 checks pass the reference and fail realistic mistakes?

The untouched stub and values passed instead of a function are checked for every
question of every lesson in test_every_question.py.
"""
import itertools
import math

import numpy as np
import pytest
from scipy import stats

from course import mlp
from course.checks import nb14_capstone as capstone
from course.checks.nb14_capstone import (
    TEMPLATE,
    X_train,
    abstract,
    preregistration,
    q1,
    q2,
    q3,
    q4,
    results_table,
    run_experiment,
    shift_images,
    train_and_score,
    y_train,
)
from course.stats import mean_ci

# realistic wrong answers (with the words their message must hold) and valid alternatives, per question:
# test_wrong_answer_counts.py holds every lesson to at least five and one
WRONG, VALID = {}, {}


def crashes(*args, **kwargs):
    return {}["baseline"]


def loops_forever(*args, **kwargs):
    while True:
        pass


def returns_nan(*args, **kwargs):
    return float("nan")


@pytest.mark.parametrize("question", [q1, q2, q3, q4], ids=lambda q: q.name)
@pytest.mark.parametrize("bad, words", [(None, "You passed None"), ("my_answer", "expects your function itself"),
                                        (np.nan, "expects your function itself")])
def test_does_a_value_in_place_of_a_function_get_a_message(question, bad, words):
    result = question.check(bad)
    assert result.status == "incorrect" and words in result.message


@pytest.mark.parametrize("question", [q1, q2, q3, q4], ids=lambda q: q.name)
def test_is_a_crash_in_learner_code_reported(question):
    result = question.check(crashes)
    assert result.status == "error" and "KeyError" in result.message


@pytest.mark.parametrize("question", [q1, q2, q3, q4], ids=lambda q: q.name)
def test_is_a_nan_answer_refused_with_a_message(question):
    result = question.check(returns_nan)
    assert result.status == "incorrect" and "nan" in result.message


@pytest.mark.parametrize("question", [q1, q2, q3, q4], ids=lambda q: q.name)
def test_is_an_endless_loop_stopped(question, monkeypatch):
    monkeypatch.setattr(question, "time_limit", 0.5)
    result = question.check(loops_forever)
    assert result.status == "error" and "still running" in result.message


# --- q1: preregistration -------------------------------------------------------

def plan_with(**changes):
    plan = {**preregistration(), **changes}
    return lambda: {key: value for key, value in plan.items() if value is not None}


def test_does_the_reference_pass_q1():
    assert q1.check(preregistration).status == "correct"


WRONG["q1"] = [
    (plan_with(analysis=None), "has no 'analysis'"),
    (plan_with(hypothesis=TEMPLATE["hypothesis"]), "is still the template"),
    (plan_with(metric="accuracy"), "at least 5 words"),
    (plan_with(analysis="compare the mean accuracy of the three arms"), "does not say which interval"),
    (plan_with(seeds=[0, 1, 2]), "names 3 seeds; plan at least 5: with 3, a 95% t-interval is 2.0 times as wide"),
    (plan_with(seeds=[0, 0, 1, 1, 2]), "listed twice"),
    (plan_with(seeds="0 to 4"), "expected a list of whole numbers"),
    (plan_with(seeds=[0.0, 1.0, 2.0, 3.0, 4.0]), "seeds are whole numbers"),
    (lambda: ["hypothesis", "metric", "seeds", "analysis"], "expected a dict"),
    (plan_with(hypothesis="Shifted copies may or may not change the test accuracy of the network."), "cannot fail"),
    (plan_with(hypothesis="We will see whether shifted copies matter for the network."), "cannot fail"),
    (plan_with(hypothesis="Shifted training images are an interesting thing to try on digits."),
     "predicts no direction or size"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q1"])
def test_does_each_realistic_mistake_fail_q1_with_its_reason(wrong, words):
    result = q1.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def question_c_plan():
    """Another question, in other words, with more seeds in a tuple."""
    return {"hypothesis": "Relabelling 10% of the training images wrongly lowers test accuracy by more than 1 point, "
                          "so the whole 95% interval of the per-seed difference lies below -1.",
            "metric": "test accuracy in points on the 899 held-out digits, lesson 04's recipe unchanged",
            "seeds": tuple(range(100, 108)),
            "analysis": "a 95% Student-t CI of the paired differences (wrong labels minus clean) over the 8 seeds; "
                        "the ablation removes the same 90 images instead"}


VALID["q1"] = [plan_with(seeds=np.arange(10, 16)), question_c_plan]


# --- q2: run_experiment ---------------------------------------------------------

def fake_runs(seeds, **arms):
    """Cheap stand-in runs: a seed's shared luck plus a per-arm effect."""
    effects = arms or {"baseline": 0.0, "treatment": 0.5, "ablation": 0.2}
    return {arm: [95 + 0.3 * (seed % 7) + effect for seed in seeds] for arm, effect in effects.items()}


def fake_reference(seeds):
    return fake_runs(seeds)


def missing_ablation(seeds):
    return fake_runs(seeds, baseline=0.0, treatment=0.5)


def arm_renamed(seeds):
    return fake_runs(seeds, baseline=0.0, shifted=0.5, ablation=0.2)


def means_not_lists(seeds):
    return {arm: float(np.mean(scores)) for arm, scores in fake_runs(seeds).items()}


def always_five_scores(seeds):
    return fake_runs(range(5))


def seed_ignored(seeds):
    return fake_runs([0] * len(seeds))


def change_not_applied(seeds):
    runs = fake_runs(seeds)
    runs["treatment"] = list(runs["baseline"])
    return runs


def a_run_diverged(seeds):
    runs = fake_runs(seeds)
    runs["treatment"][-1] = float("nan")
    return runs


SHARED = np.random.default_rng(0)
DOUBLED = np.concatenate([y_train, y_train])


def experiment(shift_rng=lambda seed: np.random.default_rng(seed), train_seed=lambda seed, arm: seed, scale=100):
    """Question A as a learner might write it: where the shifts' generator and each arm's seed come from vary."""
    def run_experiment(seeds):
        runs = {"baseline": [], "treatment": [], "ablation": []}
        for seed in seeds:
            shifted = shift_images(X_train, shift_rng(seed))
            fits = {"baseline": (X_train, y_train), "treatment": (np.vstack([X_train, shifted]), DOUBLED),
                    "ablation": (np.vstack([X_train, X_train]), DOUBLED)}
            for arm, (X_fit, y_fit) in fits.items():
                runs[arm].append(train_and_score(X_fit, y_fit, train_seed(seed, arm)) * scale / 100)
        return runs
    return run_experiment


def shared_generator(seeds):
    """The reference with one generator for every seed's shifts: seed 1's shifts depend on seed 0 running first."""
    runs = {"baseline": [], "treatment": [], "ablation": []}
    for seed in seeds:
        shifted = shift_images(X_train, SHARED)
        runs["baseline"].append(train_and_score(X_train, y_train, seed))
        runs["treatment"].append(train_and_score(np.vstack([X_train, shifted]), DOUBLED, seed))
        runs["ablation"].append(train_and_score(np.vstack([X_train, X_train]), DOUBLED, seed))
    return runs


def shifted_once_before_the_loop(seeds):
    """One fixed generator, made once from the notebook's SEED: the same shift draw at every seed."""
    shifted = shift_images(X_train, np.random.default_rng(0))
    runs = {"baseline": [], "treatment": [], "ablation": []}
    for seed in seeds:
        runs["baseline"].append(train_and_score(X_train, y_train, seed))
        runs["treatment"].append(train_and_score(np.vstack([X_train, shifted]), DOUBLED, seed))
        runs["ablation"].append(train_and_score(np.vstack([X_train, X_train]), DOUBLED, seed))
    return runs


# the same shift draw at every seed, from a generator made inside the loop with a fixed number
fixed_generator_in_the_loop = experiment(shift_rng=lambda seed: np.random.default_rng(42))
# "a new seed for every run": the shifts from a generator seeded by a running count, not by the seed
RUNS = itertools.count()
running_count_generator = experiment(shift_rng=lambda seed: np.random.default_rng(next(RUNS)))
# "independent" arms: the treatment trains with a seed of its own
treatment_seed_of_its_own = experiment(train_seed=lambda seed, arm: seed + 1000 if arm == "treatment" else seed)
# every run a seed of its own: seed + 1000 for the treatment, seed + 2000 for the ablation
a_seed_per_run = experiment(train_seed=lambda seed, arm: seed + 1000 * ("baseline", "treatment", "ablation").index(arm))
# the baseline trains with the next seed
baseline_off_by_one = experiment(train_seed=lambda seed, arm: seed + 1 if arm == "baseline" else seed)
# the baseline scored on the training images (train_and_score's own test set left out)


def baseline_on_the_training_set(seeds):
    runs = run_experiment(seeds)
    runs["baseline"] = [100 * mlp.accuracy(mlp.train(X_train, y_train, hidden=64, epochs=10, seed=seed), X_train,
                                           y_train) for seed in seeds]
    return runs


# mlp.accuracy's fraction in place of train_and_score's points
fractions_not_points = experiment(scale=1)


for _name in ("fixed_generator_in_the_loop", "running_count_generator", "treatment_seed_of_its_own", "a_seed_per_run",
              "baseline_off_by_one", "fractions_not_points"):
    globals()[_name].__name__ = _name   # so test ids and messages name the mistake


def position_for_seed(seeds):
    """The position in the list trains the networks, not the seed: seed 2 alone trains as seed 0."""
    return experiment()(list(range(len(seeds))))


def one_generator_for_both(seeds):
    """A valid alternative: one generator per seed, made inside the loop, drawn from by the shifts."""
    runs = {"baseline": [], "treatment": [], "ablation": []}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        fits = [(X_train, y_train), (np.vstack([X_train, shift_images(X_train, rng)]), DOUBLED),
                (np.vstack([X_train, X_train]), DOUBLED)]
        for arm, (X_fit, y_fit) in zip(runs, fits):
            params = mlp.train(X_fit, y_fit, hidden=64, epochs=10, seed=seed)
            runs[arm].append(100 * mlp.accuracy(params, capstone.X_test, capstone.y_test))
    return runs


# a valid variant of the treatment: the shifts drawn from their own seed-derived generator
shifts_from_seed_plus_100 = experiment(shift_rng=lambda seed: np.random.default_rng(seed + 100))
shifts_from_seed_plus_100.__name__ = "shifts_from_seed_plus_100"


def question_b(seeds):
    """Question B: two 32-unit networks averaged against one 32-unit network, and one 64-unit network."""
    runs = {"baseline": [], "treatment": [], "ablation": []}
    for seed in seeds:
        pair = [mlp.train(X_train, y_train, hidden=32, epochs=10, seed=s) for s in (seed, seed + 1000)]
        proba = sum(mlp.predict_proba(params, capstone.X_test) for params in pair) / 2
        runs["baseline"].append(train_and_score(X_train, y_train, seed, hidden=32))
        runs["treatment"].append(100 * float(np.mean(proba.argmax(axis=1) == capstone.y_test)))
        runs["ablation"].append(train_and_score(X_train, y_train, seed, hidden=64))
    return runs


def baseline_seed_never_passed(seeds):
    """The baseline always trains with seed 0: its scores never vary, and it is not paired with the others."""
    runs = fake_runs(seeds)
    runs["baseline"] = fake_runs([0] * len(seeds))["baseline"]
    return runs


def test_does_the_reference_pass_q2():
    assert q2.check(run_experiment).status == "correct"


def test_does_the_reference_reproduce_the_solutions_first_seed():
    runs = run_experiment([0])
    assert [round(runs[arm][0], 2) for arm in ("baseline", "treatment", "ablation")] == [95.22, 96.55, 97.55]


def test_is_a_fake_with_a_made_up_baseline_told_the_baseline_is_the_recipe_q2():
    result = q2.check(fake_reference)
    assert result.status == "incorrect" and "The baseline is the recipe unchanged" in result.message, result


VALID["q2"] = [one_generator_for_both, shifts_from_seed_plus_100, question_b]
WRONG["q2"] = [
    (missing_ablation, "has no 'ablation' arm"),
    (arm_renamed, "has no 'treatment' arm"),
    (means_not_lists, "expected a list of 3 scores, one per seed"),
    (always_five_scores, "expected a list of 3 scores"),
    (seed_ignored, "the seed never reaches the training"),
    (change_not_applied, "gives the treatment exactly the baseline's scores"),
    (a_run_diverged, "contains NaN or inf"),
    (shared_generator, "depends on which seeds ran before it"),
    (running_count_generator, "depends on which seeds ran before it"),
    (position_for_seed, "depends on which seeds ran before it, or in which order"),
    (baseline_seed_never_passed, "identical scores in the baseline"),
    (shifted_once_before_the_loop, "the same draw at every seed (its treatment scores are those of "
                                   "`shift_images(X_train, np.random.default_rng(0))`"),
    (fixed_generator_in_the_loop, "np.random.default_rng(42))` at seeds [0, 1, 2]"),
    (treatment_seed_of_its_own, "trains the treatment of seed 1 with seed 1001"),
    (a_seed_per_run, "trains the ablation of seed 1 with seed 2001"),
    (baseline_off_by_one, "trains the baseline of seed 1 with seed 2 (seed + 1)"),
    (baseline_on_the_training_set, "The baseline is the recipe unchanged, and it trains with the same seed"),
    (fractions_not_points, "Record accuracy in points"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q2"], ids=lambda v: getattr(v, "__name__", "words"))
def test_does_each_realistic_mistake_fail_q2_with_its_reason(wrong, words):
    result = q2.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message, result.message


def test_are_the_shifted_images_moved_by_exactly_one_pixel():
    image = np.zeros(64)
    image[3 * 8 + 4] = 1.0   # one lit pixel at row 3, column 4
    moved = shift_images(np.tile(image, (40, 1)), np.random.default_rng(0)).reshape(40, 8, 8)
    places = {tuple(int(v) for v in np.argwhere(m)[0]) for m in moved}
    assert places == {(2, 4), (4, 4), (3, 3), (3, 5)}
    assert np.all(moved.sum(axis=(1, 2)) == 1)


# --- q3: results_table ------------------------------------------------------------

def with_interval(half_width_of):
    """A results_table whose intervals use half_width_of(x) in place of the t half-width."""
    def results_table(runs):
        base = np.asarray(runs["baseline"], dtype=float)
        rows = []
        for arm, scores in runs.items():
            x = np.asarray(scores, dtype=float)
            d = x - base
            rows.append({"arm": arm, "mean": x.mean(), "low": x.mean() - half_width_of(x),
                         "high": x.mean() + half_width_of(x), "diff": d.mean(),
                         "diff_low": d.mean() - half_width_of(d), "diff_high": d.mean() + half_width_of(d)})
        return rows
    return results_table


z_interval = with_interval(lambda x: 1.96 * x.std(ddof=1) / math.sqrt(len(x)))
population_sd = with_interval(lambda x: stats.t.ppf(0.975, len(x) - 1) * x.std() / math.sqrt(len(x)))
sd_not_se = with_interval(lambda x: stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1))
ninety_percent = with_interval(lambda x: stats.t.ppf(0.95, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))


def unpaired(runs):
    rows = results_table(runs)
    base = np.asarray(runs["baseline"], dtype=float)
    for row in rows:
        x = np.asarray(runs[row["arm"]], dtype=float)
        half = stats.t.ppf(0.975, len(x) - 1) * math.sqrt((x.var(ddof=1) + base.var(ddof=1)) / len(x))
        row["diff_low"], row["diff_high"] = row["diff"] - half, row["diff"] + half
    return rows


def intervals_subtracted(runs):
    rows = results_table(runs)
    base = next(row for row in rows if row["arm"] == "baseline")
    for row in rows:
        row["diff_low"], row["diff_high"] = row["low"] - base["high"], row["high"] - base["low"]
    return rows


def baseline_minus_arm(runs):
    rows = results_table(runs)
    for row in rows:
        row["diff"], row["diff_low"], row["diff_high"] = -row["diff"], -row["diff_high"], -row["diff_low"]
    return rows


def first_arm_as_baseline(runs):
    base = np.asarray(list(runs.values())[0], dtype=float)
    rows = []
    for arm, scores in runs.items():
        mean, low, high = mean_ci(scores)
        diff, diff_low, diff_high = mean_ci(np.asarray(scores) - base)
        rows.append(dict(arm=arm, mean=mean, low=low, high=high, diff=diff, diff_low=diff_low, diff_high=diff_high))
    return rows


def no_baseline_row(runs):
    return [row for row in results_table(runs) if row["arm"] != "baseline"]


def baseline_difference_none(runs):
    rows = results_table(runs)
    rows[list(runs).index("baseline")].update(diff=None, diff_low=None, diff_high=None)
    return rows


def sorted_by_mean(runs):
    return sorted(results_table(runs), key=lambda row: -row["mean"])


def with_scipy_t_interval(runs):
    """scipy's t.interval on each arm and on each paired difference; the baseline's own difference is 0."""
    base = np.array(runs["baseline"], dtype=float)
    rows = []
    for arm in runs:
        scores = np.array(runs[arm], dtype=float)
        row = {"arm": arm, "mean": scores.mean()}
        row["low"], row["high"] = stats.t.interval(0.95, len(scores) - 1, loc=scores.mean(), scale=stats.sem(scores))
        diff = scores - base
        if arm == "baseline":
            row.update(diff=0.0, diff_low=0.0, diff_high=0.0)
        else:
            row["diff"] = diff.mean()
            row["diff_low"], row["diff_high"] = stats.t.interval(0.95, len(diff) - 1, loc=diff.mean(),
                                                                 scale=stats.sem(diff))
        rows.append(row)
    return rows


VALID["q3"] = [with_scipy_t_interval]


def test_does_the_reference_pass_q3():
    assert q3.check(results_table).status == "correct"


WRONG["q3"] = [
    (z_interval, "z = 1.96 in place of Student t (with 5 seeds, t(0.975, 4) = 2.776)"),
    (population_sd, "the population standard deviation (ddof=0)"),
    (ninety_percent, "a 90% interval"),
    (sd_not_se, "the standard deviation where the standard error sd / sqrt(n) belongs"),
    (unpaired, "built as if the arms were independent"),
    (intervals_subtracted, "built as if the arms were independent"),
    (baseline_minus_arm, "subtract the baseline from the arm"),
    (first_arm_as_baseline, "for the difference 'treatment' - 'baseline' at index (0,): got 0, expected 0.9837"),
    (no_baseline_row, "returned 2 rows for 3 arms"),
    (baseline_difference_none, "The baseline compared with itself gives 0.0, 0.0, 0.0."),
    (sorted_by_mean, "in the order of `runs`"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q3"])
def test_does_each_realistic_mistake_fail_q3_with_its_reason(wrong, words):
    result = q3.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_do_the_random_cases_share_luck_so_pairing_narrows_the_interval():
    """Are the synthetic runs like real ones, where a seed's luck is shared by its arms?"""
    for runs in list(capstone._run_cases())[1:]:
        base = np.asarray(runs["baseline"])
        for arm, scores in runs.items():
            if arm != "baseline":
                _, low, high = mean_ci(np.asarray(scores) - base)
                spread = math.sqrt((np.var(scores, ddof=1) + np.var(base, ddof=1)) / len(base))
                assert high - low < 2 * stats.t.ppf(0.975, len(base) - 1) * spread


# --- q4: abstract -----------------------------------------------------------------

def treatment(table):
    return next(row for row in table if row["arm"] == "treatment")


def one_sentence(table):
    t = treatment(table)
    return (f"We compared the treatment with the baseline over several seeds and found a difference of "
            f"{t['diff']:+.2f} points with a 95% interval from {t['diff_low']:.2f} to {t['diff_high']:.2f}.")


def four_sentences(table):
    return abstract(table) + " We thank the reviewers for their careful reading."


def hard_coded(table):
    return ("We asked whether shifted copies of the training images change test accuracy. They changed it by "
            "-0.04 points (95% interval -2.59 to 2.50). So shifts did not help in this short recipe on one split.")


def quotes_the_means(table):
    t = treatment(table)
    return ("We asked whether the treatment changes the test accuracy of the network. "
            f"It reached {t['mean']:.2f} points (95% interval {t['low']:.2f} to {t['high']:.2f}). "
            "The effect may not hold on other splits or with longer training.")


def quotes_the_ablation(table):
    a = next(row for row in table if row["arm"] == "ablation")
    return ("We asked whether the treatment changes the test accuracy of the network. "
            f"The difference was {a['diff']:+.2f} (95% interval {a['diff_low']:.2f} to {a['diff_high']:.2f}). "
            "The effect may not hold on other splits or with longer training.")


def as_a_list(table):
    return abstract(table).split(". ")


def too_long(table):
    return abstract(table).replace("on the digits", "on the digits " + "and more " * 40)


def a_sentence_too_short(table):
    return " ".join(["Done."] + capstone._sentences(abstract(table))[1:])


def with_abbreviations(table):
    t = treatment(table)
    return ("We asked whether a change to the training data, e.g. shifted copies, alters accuracy vs. the baseline. "
            f"The difference was {t['diff']:+.2f} points (95% interval {t['diff_low']:.2f} to {t['diff_high']:.2f}). "
            "This holds for one split and a short recipe, as in Henderson et al. for other settings.")


def one_decimal(table):
    t = treatment(table)
    return ("We asked whether the treatment changes the test accuracy of the network. "
            f"The difference was {t['diff']:+.1f} points (95% interval {t['diff_low']:.1f} to {t['diff_high']:.1f}). "
            "The effect may not hold on other splits or with longer training.")


def always_raised(table):
    """The verb is written in, not read from the table: 'raised' even where the treatment loses."""
    t = treatment(table)
    return ("We asked whether shifted copies of the training images change the test accuracy of the network. "
            f"Shifted copies raised accuracy by {t['diff']:+.2f} points (95% interval {t['diff_low']:.2f} to "
            f"{t['diff_high']:.2f}). This holds for one split and a short recipe.")


def test_does_an_abstract_that_says_raised_on_a_losing_table_fail_q4():
    """The third table, where the treatment loses, gets the loss named (the second table already catches it)."""
    table = capstone.results_table(list(capstone._run_cases())[3])
    with pytest.raises(capstone.Incorrect, match="the treatment loses"):
        capstone._expect_direction(always_raised(table), treatment(table), "abstract(table)")


def test_does_the_reference_pass_q4():
    assert q4.check(abstract).status == "correct"


VALID["q4"] = [with_abbreviations, one_decimal]


WRONG["q4"] = [
    (one_sentence, "has 1 sentence(s)"),
    (always_raised, "let the table decide the verb"),
    (four_sentences, "has 4 sentence(s)"),
    (hard_coded, "does not quote the treatment's diff"),
    (quotes_the_means, "does not quote the treatment's diff"),
    (quotes_the_ablation, "does not quote the treatment's diff"),
    (as_a_list, "returned 3 separate strings; join them into one"),
    (too_long, "keep it within 150"),
    (a_sentence_too_short, "under 5 words"),
]


@pytest.mark.parametrize("wrong, words", WRONG["q4"])
def test_does_each_realistic_mistake_fail_q4_with_its_reason(wrong, words):
    result = q4.check(wrong)
    assert result.status == "incorrect", result
    assert words in result.message


def test_are_decimals_and_abbreviations_not_sentence_ends():
    assert len(capstone._sentences("A gain of 0.89 points, e.g. on seed 3. Then more vs. less. End!")) == 3


@pytest.mark.parametrize("text, value, quoted", [
    ("a gain of 0.89 points", 0.8912, True), ("from -2.59 to 2.50", -2.5912, True), ("about 0.9", 0.8912, True),
    ("about 0.8", 0.8912, False), ("about 1 point", 0.9, False), ("a gain of 0.88", 0.8912, False),
])
def test_is_a_number_quoted_when_it_rounds_to_the_value(text, value, quoted):
    assert capstone._quotes(text, value) is quoted


def pops_the_baseline(runs):
    baseline = runs.pop("baseline")
    return results_table({"baseline": baseline, **runs})


def test_does_a_table_that_changes_its_argument_get_checked_against_the_original_runs():
    """Would a results_table that pops the baseline out of `runs` confuse the check? It gets a copy."""
    result = q3.check(pops_the_baseline)
    assert result.status == "incorrect" and "in the order of `runs`" in result.message

