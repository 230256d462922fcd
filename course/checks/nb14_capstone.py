"""Checks for exercises/14-capstone.ipynb: a research question of your own, from plan to abstract.

q1  preregistration(): hypothesis, metric, seeds (five or more) and analysis, filled in
q2  run_experiment(seeds): per-seed scores of a baseline, a treatment and an ablation, reproducible
q3  results_table(runs): each arm's mean and 95% t-interval, and its paired difference from the baseline
q4  abstract(table): three sentences that quote the treatment's difference and interval from the table
"""
from __future__ import annotations

import copy
import inspect
import math
import re

import numpy as np
from scipy import stats

from course import mlp
from course.checks import Incorrect, Question, expect_number, expect_type
from course.checks.guard import describe
from course.checks.intervals import expect_t_interval, t_half_width
from course.data import load_digits_split
from course.stats import mean_ci

NOTEBOOK = "14-capstone"
FIELDS = ("hypothesis", "metric", "seeds", "analysis")
TEMPLATE = {"hypothesis": "what you expect, stated so that it can fail",
            "metric": "what you measure, on which data, in which unit",
            "analysis": "which interval, on which difference, and the rule that decides"}
ARMS = ("baseline", "treatment", "ablation")
ROW_KEYS = ("arm", "mean", "low", "high", "diff", "diff_low", "diff_high")
MIN_SEEDS, MAX_WORDS = 5, 150
# the exercise's data, so the reference experiment reads exactly like the notebook's
X_train, X_test, y_train, y_test = load_digits_split(test_size=0.5, seed=0)


def preregistration():
    """Return the plan: hypothesis, metric, seeds and analysis, written before any run."""
    return {
        "question": "Does adding a copy of every training image, shifted by one pixel, change the test "
                    "accuracy of lesson 04's network?",
        "hypothesis": "Shifted copies raise accuracy: the 95% interval of the per-seed difference, treatment "
                      "minus baseline, lies entirely above 0.",
        "metric": "accuracy on the 899 test digits of split 0, in points; 64 hidden units, 10 epochs",
        "seeds": [0, 1, 2, 3, 4],
        "analysis": "mean per-seed difference from the baseline with a 95% Student-t interval (mean_ci), for the "
                    "treatment and for the ablation (unshifted copies: the same extra steps, no shifts)",
    }


def train_and_score(X_fit, y_fit, seed, hidden=64, epochs=10):
    """Train lesson 04's network on (X_fit, y_fit) with `seed`; return its test accuracy in points."""
    params = mlp.train(X_fit, y_fit, hidden=hidden, epochs=epochs, seed=seed)
    return 100 * mlp.accuracy(params, X_test, y_test)


def shift_images(X, rng):
    """Return a copy of X with every 8x8 image moved one pixel up, down, left or right (blank fill)."""
    images = X.reshape(-1, 8, 8)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    corners = np.array([(0, 1), (2, 1), (1, 0), (1, 2)])[rng.integers(0, 4, len(images))]
    moved = np.array([padded[i, r:r + 8, c:c + 8] for i, (r, c) in enumerate(corners)])
    return moved.reshape(len(X), 64)


def run_experiment(seeds):
    """Return {"baseline", "treatment", "ablation": test accuracy per seed}; each seed is one paired set."""
    runs = {"baseline": [], "treatment": [], "ablation": []}
    doubled = np.concatenate([y_train, y_train])
    for seed in seeds:
        shifted = shift_images(X_train, np.random.default_rng(seed))   # drawn from this seed alone
        runs["baseline"].append(train_and_score(X_train, y_train, seed))
        runs["treatment"].append(train_and_score(np.vstack([X_train, shifted]), doubled, seed))
        runs["ablation"].append(train_and_score(np.vstack([X_train, X_train]), doubled, seed))
    return runs


def results_table(runs):
    """Return one row per arm, in the order of runs: mean and 95% t-interval, and the same for arm - baseline."""
    baseline = np.asarray(runs["baseline"], dtype=float)
    rows = []
    for arm, scores in runs.items():
        scores = np.asarray(scores, dtype=float)
        mean, low, high = mean_ci(scores)
        diff, diff_low, diff_high = mean_ci(scores - baseline)   # paired: one difference per seed
        rows.append({"arm": arm, "mean": mean, "low": low, "high": high,
                     "diff": diff, "diff_low": diff_low, "diff_high": diff_high})
    return rows


def abstract(table):
    """Return three sentences: what was asked, what was found (with intervals), what it means."""
    rows = {row["arm"]: row for row in table}
    base, shifted, copies = rows["baseline"], rows["treatment"], rows["ablation"]
    verdict = ("raised" if shifted["diff_low"] > 0 else "lowered" if shifted["diff_high"] < 0
               else "did not detectably change")
    asked = ("We asked whether adding a one-pixel-shifted copy of every training image changes the test accuracy "
             "of lesson 04's network on the digits, against the unchanged network and an ablation that adds "
             "unshifted copies.")
    found = (f"Shifted copies {verdict} accuracy ({base['mean']:.2f} to {shifted['mean']:.2f} points, difference "
             f"{shifted['diff']:+.2f}, 95% interval {shifted['diff_low']:.2f} to {shifted['diff_high']:.2f}), while "
             f"unshifted copies gave {copies['diff']:+.2f} ({copies['diff_low']:.2f} to {copies['diff_high']:.2f}).")
    meaning = {(True, False): "The gain comes from the shifts rather than from the extra training steps",
               (True, True): "Unshifted copies help too, so part of the gain may come from the extra training steps",
               (False, True): "The extra training steps helped and the shifts added no detectable gain",
               (False, False): "Neither kind of copy made a detectable difference"}
    limits = ("; this holds for one split and a short recipe, and with few seeds, effects smaller than these "
              "intervals would go unseen.")
    return " ".join([asked, found, meaning[shifted["diff_low"] > 0, copies["diff_low"] > 0] + limits])


def _words(text) -> int:
    return len(str(text).split())


HEDGES = r"\b(may|might|could|possibly|perhaps|maybe|whether)\b|\bor not\b|\bor (?:lower|decrease|reduce|worsen|hurt)"
DIRECTIONS = (r"rais|increas|improv|higher|lower|decreas|reduc|better|worse|above|below|exceed|chang|differ|"
              r"at least|more than|less than|help|hurt|gain|drop|[<>]")


def _expect_falsifiable(hypothesis: str, call: str) -> None:
    """Raise Incorrect unless the hypothesis predicts something a result could contradict."""
    hedge = re.search(HEDGES, hypothesis, re.IGNORECASE)
    if hedge:
        raise Incorrect(f"`{call}['hypothesis']` says {hedge.group(0)!r} ({hypothesis!r}): whatever the runs show, "
                        "it comes true, so it cannot fail. Say what you expect and what would prove you wrong: "
                        "'Shifted copies raise accuracy: the 95% interval of the per-seed difference lies above 0.'")
    if not re.search(DIRECTIONS, hypothesis, re.IGNORECASE):
        raise Incorrect(f"`{call}['hypothesis']` ({hypothesis!r}) predicts no direction or size, so no result can "
                        "contradict it. Say which way the metric moves (raises, lowers, changes) and by what rule "
                        "you will decide: 'the 95% interval of the per-seed difference lies above 0'.")


def check_preregistration(fn):
    plan = fn()
    call = fn.last_call
    expect_type(plan, dict, call, f"a dict with the keys {', '.join(FIELDS)}")
    missing = [field for field in FIELDS if field not in plan]
    if missing:
        raise Incorrect(f"`{call}` has no {', '.join(map(repr, missing))}: a plan needs all of {', '.join(FIELDS)}.")
    for field in ("hypothesis", "metric", "analysis"):
        text = plan[field]
        expect_type(text, str, f"{call}[{field!r}]", "a sentence (a string)")
        if text.strip().lower() == TEMPLATE[field] or "..." in text:
            raise Incorrect(f"`{call}[{field!r}]` is still the template ({text!r}): write your own.")
        if _words(text) < 5:
            raise Incorrect(f"`{call}[{field!r}]` is {text!r}: write a sentence of at least 5 words that "
                            "someone else could follow without asking you.")
    _expect_falsifiable(plan["hypothesis"], call)
    if not re.search(r"interval|\bCI\b", plan["analysis"], re.IGNORECASE):
        raise Incorrect(f"`{call}['analysis']` does not say which interval you will compute; name it (a 95% "
                        "Student-t interval of the per-seed differences, say), so it cannot be chosen later.")
    seeds = plan["seeds"]
    expect_type(seeds, (list, tuple, np.ndarray), f"{call}['seeds']", "a list of whole numbers such as [0, 1, 2, 3, 4]")
    if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in seeds):
        raise Incorrect(f"`{call}['seeds']` is {seeds!r}; seeds are whole numbers, such as [0, 1, 2, 3, 4].")
    if len(set(int(s) for s in seeds)) != len(seeds):
        raise Incorrect(f"`{call}['seeds']` is {list(seeds)!r}: a seed listed twice is the same run twice, "
                        "not more evidence. Make them all different.")
    if len(seeds) < MIN_SEEDS:
        n = len(seeds)
        wider = (f"with {n}, a 95% t-interval is {t_half_width(n) / t_half_width(MIN_SEEDS):.1f} times as wide as "
                 f"with {MIN_SEEDS} at the same spread" if n >= 2 else "with fewer than 2 there is no interval at all")
        raise Incorrect(f"`{call}['seeds']` names {n} seed{'s' * (n != 1)}; plan at least {MIN_SEEDS}: {wider}.")
    return (f"A plan with a hypothesis that can fail, a metric, {len(seeds)} seeds and an interval. Commit it "
            "(or email it) before you run anything.")


def _scores(runs, seeds, call):
    """Check that runs maps the three arms to one finite score per seed; return them as float arrays."""
    expect_type(runs, dict, call, f"a dict with the keys {', '.join(map(repr, ARMS))}")
    missing = [arm for arm in ARMS if arm not in runs]
    if missing:
        raise Incorrect(f"`{call}` has no {' or '.join(map(repr, missing))} arm (it has {sorted(map(str, runs))}); "
                        f"an experiment needs a baseline, a treatment and an ablation, under those names.")
    scores = {}
    for arm in ARMS:
        values = runs[arm]
        if not isinstance(values, (list, tuple, np.ndarray)) or np.ndim(values) != 1 or len(values) != len(seeds):
            raise Incorrect(f"`{call}[{arm!r}]` is {describe(values)}; expected a list of {len(seeds)} scores, "
                            "one per seed.")
        try:
            scores[arm] = np.array([expect_number(v, call, finite=False) for v in values])
        except Incorrect:
            raise Incorrect(f"`{call}[{arm!r}]` is {describe(values)}; each score should be a number.") from None
        if not np.all(np.isfinite(scores[arm])):
            raise Incorrect(f"`{call}[{arm!r}]` contains NaN or inf: {scores[arm].tolist()}. Did a run diverge?")
    return scores


# the seeds the check runs: the experiment, then the same seeds alone and in another order
CHECK_SEEDS, AGAIN_SEEDS = [0, 1, 2], [2, 0]
# numbers learners reach for when they want "a fixed seed", and offsets that give an arm "its own" seed
FIXED_SEEDS = (0, 1, 42, 123, 1234, 2024)
OFFSETS = (1, 2, 10, 100, 1000, 2000)


def _same_score(a, b) -> bool:
    """Return whether two accuracies come from the same run (an identical computation gives an identical float)."""
    return bool(np.isclose(a, b, rtol=0, atol=1e-9))


def _recipe(seed, hidden=64):
    """The baseline of questions A and C (hidden=64) and B (hidden=32): the recipe unchanged, trained with seed."""
    return train_and_score(X_train, y_train, seed, hidden=hidden)


def _shifted_arm(shift_seed, train_seed):
    """Question A's treatment: the training set plus a copy shifted by a draw from shift_seed, trained with train_seed."""
    shifted = shift_images(X_train, np.random.default_rng(shift_seed))
    return train_and_score(np.vstack([X_train, shifted]), np.concatenate([y_train, y_train]), train_seed)


def _copied_arm(train_seed):
    """Question A's ablation: the training set plus an unshifted copy, trained with train_seed."""
    return train_and_score(np.vstack([X_train, X_train]), np.concatenate([y_train, y_train]), train_seed)


def _expect_repeatable(fn, both, call_both):
    """Raise Incorrect unless the seeds of AGAIN_SEEDS, run alone and in another order, score as in the first call.

    Two different runs can tie (an accuracy moves in steps of 1/899), so every arm of two seeds is compared.
    """
    again = _scores(fn(AGAIN_SEEDS), AGAIN_SEEDS, fn.last_call)
    for position, seed in enumerate(AGAIN_SEEDS):
        first = CHECK_SEEDS.index(seed)
        for arm in ARMS:
            if not _same_score(again[arm][position], both[arm][first]):
                raise Incorrect(f"Seed {seed} gave {arm} {both[arm][first]:.4g} in `{call_both}` but "
                                f"{again[arm][position]:.4g} in `{fn.last_call}`: a seed's score depends on which "
                                "seeds ran before it, or in which order. Draw every random choice from a generator "
                                "made from that seed inside the loop, `np.random.default_rng(seed)`, not from one "
                                "made once and shared across seeds, and not from np.random.")


def _expect_recipe_baseline(baseline, call):
    """Raise Incorrect unless the baseline is the recipe trained with each seed (64 hidden units, or 32 for B)."""
    recipe = [_recipe(seed) for seed in CHECK_SEEDS]
    if all(map(_same_score, baseline, recipe)):
        return
    if all(_same_score(got, 100 * want) for got, want in zip(baseline, recipe)) or \
            all(_same_score(100 * got, want) for got, want in zip(baseline, recipe)):
        shown = ", ".join(f"{v:.4g}" for v in baseline)
        raise Incorrect(f"`{call}` gives the baseline [{shown}], where the recipe scores "
                        f"[{', '.join(f'{v:.2f}' for v in recipe)}]: the same runs on another scale. Record accuracy "
                        "in points (0 to 100), as `train_and_score` returns it, not as a fraction.")
    narrow = [_recipe(seed, hidden=32) for seed in CHECK_SEEDS]   # question B's baseline
    if all(map(_same_score, baseline, narrow)):
        return
    unpaired = _unpaired_seed(baseline, lambda seed, own: _recipe(own))
    if unpaired is not None:
        how, other = unpaired
        raise Incorrect(f"`{call}` trains the baseline of seed {CHECK_SEEDS[1]} with seed {other} ({how}): its scores "
                        f"are the recipe's with those seeds. The arms of one seed must share it: pass `seed` itself "
                        "to every arm, so the per-seed difference compares runs from the same initial weights.")
    at = 1
    raise Incorrect(f"`{call}` gives the baseline {baseline[at]:.2f} points at seed {CHECK_SEEDS[at]}, but the recipe "
                    f"trained with seed {CHECK_SEEDS[at]}, `train_and_score(X_train, y_train, {CHECK_SEEDS[at]})`, "
                    f"scores {recipe[at]:.2f} (and {narrow[at]:.2f} with hidden=32, question B's baseline). The "
                    "baseline is the recipe unchanged, and it trains with the same seed as the other two arms of "
                    "that seed: pass `seed` itself, not seed + 1 or a seed of its own, so the three runs of one seed "
                    "are paired.")


def _unpaired_seed(scores, run):
    """Return (how, the seed it gives seed 1), e.g. ("seed + 1000", 1001), if `run(seed, training seed)` then gives
    `scores`: how an arm's own training seed was made from the seed.

    Two runs can tie by chance, so a way of making seeds counts only if it gives the score
    at every seed of CHECK_SEEDS; the middle seed is tried first, as a cheap filter.
    """
    ways = [(f"seed + {offset}", lambda s, o=offset: s + o) for offset in OFFSETS]
    ways += [(f"3 * seed + {k}", lambda s, k=k: 3 * s + k) for k in (1, 2)]
    order = [1] + [i for i in range(len(CHECK_SEEDS)) if i != 1]
    for name, make in ways:
        if all(_same_score(scores[i], run(CHECK_SEEDS[i], make(CHECK_SEEDS[i]))) for i in order):
            return name, make(CHECK_SEEDS[1])
    return None


def _expect_question_a(both, call):
    """For question A, name a fixed shift draw or an arm trained with a seed of its own.

    Question A is recognised by an arm that matches its reference at every seed; an arm
    that matches no known mistake may be the learner's own variant, and is let through.
    """
    ablation = [_copied_arm(s) for s in CHECK_SEEDS]
    if not all(map(_same_score, both["ablation"], ablation)):
        unpaired = _unpaired_seed(both["ablation"], lambda seed, own: _copied_arm(own))
        if unpaired is None:
            return   # not question A's ablation
        raise _unpaired("ablation", *unpaired, call)
    treatment = [_shifted_arm(s, s) for s in CHECK_SEEDS]
    if all(map(_same_score, both["treatment"], treatment)):
        return
    for fixed in FIXED_SEEDS:
        if all(_same_score(got, _shifted_arm(fixed, s)) for got, s in zip(both["treatment"], CHECK_SEEDS)):
            raise Incorrect(
                f"`{call}` shifts the images with the same draw at every seed (its treatment scores are those of "
                f"`shift_images(X_train, np.random.default_rng({fixed}))` at seeds {CHECK_SEEDS}). Then the seeds "
                "vary only the network's start, never which way each image moves, so the interval leaves out the "
                "luck of the draw. Make the generator from the seed inside the loop: "
                "`shift_images(X_train, np.random.default_rng(seed))`.")
    # the arm's own seed may make its training alone, or its shifts too
    for run in (_shifted_arm, lambda seed, own: _shifted_arm(own, own)):
        unpaired = _unpaired_seed(both["treatment"], run)
        if unpaired is not None:
            raise _unpaired("treatment", *unpaired, call)


def _unpaired(arm, how, other, call) -> Incorrect:
    seed = CHECK_SEEDS[1]
    return Incorrect(f"`{call}` trains the {arm} of seed {seed} with seed {other} ({how}), while the baseline of "
                     f"seed {seed} trains with seed {seed}: the arms are not paired by seed. Pass the same `seed` to "
                     "every arm. Paired runs start from the same initial weights, so the per-seed difference "
                     "measures the change, not the luck of two different starts.")


def check_run_experiment(fn):
    seeds = CHECK_SEEDS
    both = _scores(fn(seeds), seeds, fn.last_call)
    call_both = fn.last_call
    _expect_repeatable(fn, both, call_both)
    # an accuracy moves in steps of 1/899, so two seeds can tie by chance; three seeds alike in one arm do not
    same = [arm for arm in ARMS if len(set(both[arm].tolist())) == 1]
    if len(same) == len(ARMS):
        raise Incorrect(f"`{call_both}` gives seeds 0, 1 and 2 identical scores in every arm: the seed never "
                        "reaches the training. Pass it on, as in `mlp.train(..., seed=seed)`.")
    if same:
        raise Incorrect(f"`{call_both}` gives seeds 0, 1 and 2 identical scores in the {' and the '.join(same)} "
                        f"({both[same[0]].tolist()}), while other arms vary: the seed never reaches that arm's "
                        "training. Pass it to every arm's run, as in `mlp.train(..., seed=seed)`, so the arms "
                        "are paired by seed.")
    for arm, other in [("treatment", "baseline"), ("ablation", "baseline"), ("ablation", "treatment")]:
        if np.array_equal(both[arm], both[other]):
            raise Incorrect(f"`{call_both}` gives the {arm} exactly the {other}'s scores ({both[arm].tolist()}): "
                            "is the change applied in that arm, and is the ablation different from the full change?")
    _expect_recipe_baseline(both["baseline"], call_both)
    _expect_question_a(both, call_both)
    return ("Three arms, one score per seed; the baseline is the recipe trained with each seed, and each seed's "
            "scores reproduce alone and in another order: the runs are paired and repeatable.")


def _run_cases():
    """Synthetic runs: a seed's luck is shared by its arms (what pairing cancels); arm order varies."""
    yield {"baseline": [95.22, 96.22, 96.11, 95.55, 94.88], "treatment": [97.55, 97.0, 96.55, 96.55, 96.0],
           "ablation": [97.55, 97.22, 95.66, 97.11, 96.44]}
    rng = np.random.default_rng(14)
    for n, effects in [(8, {"treatment": 0.8, "baseline": 0.0, "ablation": 0.3}),
                       (10, {"baseline": 0.0, "treatment": 0.1, "ablation": -0.2, "second ablation": 0.05}),
                       (6, {"ablation": -0.4, "baseline": 0.0, "treatment": -0.9})]:
        luck = rng.normal(0, 0.7, n)
        yield {arm: [round(float(v), 2) for v in 95.5 + effect + luck + rng.normal(0, 0.25, n)]
               for arm, effect in effects.items()}


def _as_rows(got, runs, call):
    """Check that got is one dict per arm, in the order of runs, with numbers under ROW_KEYS; return it."""
    expect_type(got, (list, tuple), call, "a list of dicts, one row per arm")
    if len(got) != len(runs):
        raise Incorrect(f"`{call}` returned {len(got)} rows for {len(runs)} arms; expected one row per arm, "
                        "the baseline included.")
    for row in got:
        if not isinstance(row, dict) or not set(ROW_KEYS) <= set(row):
            missing = sorted(set(ROW_KEYS) - set(row)) if isinstance(row, dict) else ROW_KEYS
            raise Incorrect(f"`{call}` returned a row {row!r}; each row is a dict with the keys "
                            f"{', '.join(ROW_KEYS)} (missing: {', '.join(missing)}).")
        for key in ROW_KEYS[1:]:
            try:
                expect_number(row[key], call, finite=False)
            except Incorrect:
                also = " The baseline compared with itself gives 0.0, 0.0, 0.0." if row["arm"] == "baseline" else ""
                raise Incorrect(f"`{call}` put {row[key]!r} under {key!r} in the row of {row['arm']!r}; "
                                f"expected a number.{also}") from None
    arms = [row["arm"] for row in got]
    if arms != list(runs):
        raise Incorrect(f"`{call}` returned rows for {arms}; expected {list(runs)}, in the order of `runs`.")
    return got


def _unpaired_half_widths(a, b):
    """Return the half-widths that treating arms a and b as independent gives: t, pooled, z, and two intervals added."""
    n, sd_a, sd_b = len(a), np.std(a, ddof=1), np.std(b, ddof=1)
    spread = math.hypot(sd_a, sd_b)
    return [t_half_width(n, spread), stats.t.ppf(0.975, 2 * n - 2) * spread / math.sqrt(n),
            1.96 * spread / math.sqrt(n), t_half_width(n, sd_a) + t_half_width(n, sd_b)]


def _expect_difference(got, scores, baseline, call, arm):
    """Like expect_t_interval for the paired difference scores - baseline, spotting a flipped sign or no pairing."""
    mean, _, _ = mean_ci(scores - baseline)
    arr = np.asarray(got, dtype=float)
    what = f"the difference {arm!r} - 'baseline'"
    if mean != 0 and np.isclose(arr[0], -mean, rtol=1e-6):
        raise Incorrect(f"`{call}` gave {what} a mean of {arr[0]:.4f}, the negative of {mean:.4f}: subtract the "
                        "baseline from the arm, so a gain is positive.")
    if np.isclose(arr[0], mean, rtol=1e-6, atol=1e-9):
        if any(np.isclose((arr[2] - arr[1]) / 2, half, rtol=1e-4) for half in _unpaired_half_widths(scores, baseline)):
            raise Incorrect(f"`{call}` gave {what} the interval ({arr[1]:.4f}, {arr[2]:.4f}), built as if the "
                            "arms were independent. The seeds pair them: take the per-seed differences "
                            "arm - baseline and put the t-interval on those.")
    expect_t_interval(arr, scores - baseline, call, what, "seeds")


def check_results_table(fn):
    for runs in _run_cases():
        rows = _as_rows(fn(copy.deepcopy(runs)), runs, fn.last_call)   # a copy: the check keeps the originals
        call, baseline = fn.last_call, np.asarray(runs["baseline"], dtype=float)
        for row in rows:
            expect_t_interval([row["mean"], row["low"], row["high"]], runs[row["arm"]], call, repr(row["arm"]), "seeds")
        for row in sorted(rows, key=lambda row: row["arm"] == "baseline"):   # the baseline's own row last
            scores = np.asarray(runs[row["arm"]], dtype=float)
            _expect_difference([row["diff"], row["diff_low"], row["diff_high"]], scores, baseline, call, row["arm"])
    return ("Right means, t-intervals and paired differences on 4 sets of runs, with 5 to 10 seeds "
            "and 3 or 4 arms.")


def _sentences(text):
    """Return the sentences of text; the full stops of e.g., i.e., vs. and et al. do not end one."""
    text = re.sub(r"\b(e\.g|i\.e|vs|et al|cf)\.", "x", text.strip(), flags=re.IGNORECASE)
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def _quotes(text, value) -> bool:
    """Return whether text contains value rounded to one or more decimals (the sign may be written out)."""
    return any(abs(float(whole) - abs(value)) <= 0.5 * 10.0 ** -len(decimals) + 1e-9
               for whole, decimals in re.findall(r"(\d+\.(\d+))", text))


GAIN = r"\b(rais|increas|improv|higher|better|gain|help|boost)\w*"
LOSS = r"\b(lower|decreas|reduc|worse|hurt|drop|fell|fall|los[st]|harm)\w*"
NULL = r"\b(not|no|neither|nor|unclear|inconclusive|undetect)\w*"


def _expect_direction(text: str, treatment: dict, call: str) -> None:
    """Raise Incorrect if the abstract claims a direction the treatment's interval contradicts."""
    gain, loss = re.search(GAIN, text, re.IGNORECASE), re.search(LOSS, text, re.IGNORECASE)
    interval = f"{treatment['diff']:+.2f}, 95% interval {treatment['diff_low']:.2f} to {treatment['diff_high']:.2f}"
    if treatment["diff_high"] < 0 and gain and not loss:
        raise Incorrect(f"`{call}` says {gain.group(0)!r}, but on this table the treatment loses ({interval}: the "
                        "whole interval lies below 0). Let the table decide the verb: raised if diff_low > 0, "
                        "lowered if diff_high < 0, and no detectable change otherwise.")
    if treatment["diff_low"] > 0 and loss and not gain:
        raise Incorrect(f"`{call}` says {loss.group(0)!r}, but on this table the treatment gains ({interval}: the "
                        "whole interval lies above 0). Let the table decide the verb from diff_low and diff_high.")
    if treatment["diff_low"] <= 0 <= treatment["diff_high"] and (gain or loss) and not re.search(
            NULL, text, re.IGNORECASE):
        word = (gain or loss).group(0)
        raise Incorrect(f"`{call}` says {word!r}, but on this table the treatment's interval holds 0 ({interval}): "
                        "no change was detected. Say so (\"did not detectably change\"); let the table decide the "
                        "verb from diff_low and diff_high.")


def check_abstract(fn):
    cases = list(_run_cases())
    for runs in (cases[0], cases[2], cases[3]):   # the treatment gains, is not separated, loses
        table = results_table(runs)
        text, call = fn(copy.deepcopy(table)), f"{fn.__name__}(table)"   # the table would swamp the message
        if isinstance(text, (list, tuple)) and all(isinstance(part, str) for part in text):
            raise Incorrect(f"`{call}` returned {len(text)} separate strings; join them into one: "
                            "`' '.join(sentences)`.")
        expect_type(text, str, call, "the abstract as one string")
        sentences = _sentences(text)
        if len(sentences) != 3:
            listed = " | ".join(s[:40] + ("..." if len(s) > 40 else "") for s in sentences)
            raise Incorrect(f"`{call}` has {len(sentences)} sentence(s) ({listed or 'empty'}); write exactly 3: "
                            "what was asked, what was found with numbers, what it means and its limits.")
        short = [s for s in sentences if _words(s) < 5]
        if short:
            raise Incorrect(f"`{call}` has a sentence of under 5 words ({short[0]!r}): each of the three "
                            "should say something.")
        if _words(text) > MAX_WORDS:
            raise Incorrect(f"`{call}` has {_words(text)} words; keep it within {MAX_WORDS}.")
        treatment = next(row for row in table if row["arm"] == "treatment")
        _expect_direction(text, treatment, call)
        for key in ("diff", "diff_low", "diff_high"):
            if not _quotes(text, treatment[key]):
                raise Incorrect(f"`{call}` does not quote the treatment's {key} {treatment[key]:.2f} from the "
                                "table it was given: build the numbers from `table` (with f-strings), so the "
                                "abstract always matches the results.")
    return "Three sentences that quote the treatment's difference and its interval, on 3 different tables."


def _question(check, hints, references, name, **options):
    source = "\n\n".join(inspect.getsource(reference) for reference in references)
    return Question(check, hints=hints, solution=source, name=name, notebook=NOTEBOOK, **options)


q1 = _question(check_preregistration, [
    "Return a dict with (at least) the keys 'hypothesis', 'metric', 'seeds' and 'analysis'; a 'question' key "
    "is a good idea too.",
    "Write the hypothesis so that a result could prove it wrong: name the arms and the direction, such as "
    "'the 95% interval of treatment minus baseline lies above 0'.",
    "'seeds' is a list of at least 5 different whole numbers; 'analysis' names the interval you will compute.",
], [preregistration], "q1")

q2 = _question(check_run_experiment, [
    "Loop over `seeds`; for each seed, train one network per arm with `train_and_score(X_fit, y_fit, seed)` "
    "and append its score to that arm's list.",
    "Anything random in an arm (which images to shift, which labels to corrupt) must come from "
    "`np.random.default_rng(seed)` made inside the loop, so seed 1 gives the same score whichever seeds ran before.",
    "Return a dict with exactly the keys 'baseline', 'treatment' and 'ablation', each a list with one score per seed.",
], [run_experiment], "q2", time_limit=60.0)

q3 = _question(check_results_table, [
    "For each `arm, scores` in `runs.items()`, `mean_ci(scores)` gives (mean, low, high): a 95% Student-t interval.",
    "The difference is paired: `mean_ci(np.asarray(scores) - np.asarray(runs['baseline']))`, one difference per "
    "seed. For the baseline itself that is 0.0, 0.0, 0.0.",
    "Each row is a dict with the keys arm, mean, low, high, diff, diff_low, diff_high, in the order of `runs`.",
], [results_table], "q3")

q4 = _question(check_abstract, [
    "Find the treatment's row first: `rows = {row['arm']: row for row in table}`, then `rows['treatment']`.",
    "Write three sentences as f-strings that fill in the numbers, e.g. `f\"... {t['diff']:+.2f} (95% interval "
    "{t['diff_low']:.2f} to {t['diff_high']:.2f}) ...\"`, and join them with spaces.",
    "Sentence 1: what you asked. Sentence 2: what you found, with the difference and its interval. Sentence 3: "
    "what it means, and its limits (one split, few seeds, a short recipe).",
], [abstract], "q4")
