"""The ablation statistics on hand-computed cases: paired tests, Holm, mean ± sd."""

from __future__ import annotations

import math

import pytest

from classifier.ablation.results import summarize
from classifier.ablation.stats import holm, mean_sd, paired_test


def test_paired_t_test_matches_closed_form_df2():
    # differences 2, 1, 1: mean 4/3, sd sqrt(1/3), se 1/3, so t = 4 with 2 degrees of
    # freedom, whose two-sided p-value is 1 - t / sqrt(t^2 + 2) exactly.
    r = paired_test([3, 2, 2], [1, 1, 1])
    assert r.n == 3 and r.test == "t-test"
    assert r.t_stat == pytest.approx(4.0, abs=1e-12)
    assert r.p_ttest == pytest.approx(1 - 4 / math.sqrt(18), abs=1e-11)
    assert r.mean_diff == pytest.approx(4 / 3, abs=1e-11)
    assert r.p == r.p_ttest


def test_paired_t_test_matches_closed_form_df1():
    # differences 1, 2: mean 1.5, sd 1/sqrt(2), se 0.5, t = 3; df = 1 is the Cauchy
    # distribution: p = 1 - (2 / pi) * atan(3).
    r = paired_test([2, 3], [1, 1])
    assert r.t_stat == pytest.approx(3.0, abs=1e-12)
    assert r.p_ttest == pytest.approx(1 - 2 / math.pi * math.atan(3), abs=1e-11)


def test_wilcoxon_exact_hand_count():
    # |d| ranks 1..5, the negative one has rank 5: W- = 5. Subsets of {1..5} summing
    # to at most 5: {}, 1, 2, 3, 4, 5, 12, 13, 14, 23 -> 10 of 32; two-sided p = 20/32.
    r = paired_test([1, 2, 3, 4, 0], [0, 0, 0, 0, 5])
    assert r.p_wilcoxon == pytest.approx(0.625, abs=1e-12)


def test_edge_cases_one_seed_identical_and_constant_difference():
    one = paired_test([0.9], [0.8])
    assert (one.n, one.p, one.test) == (1, None, "none")
    same = paired_test([0.7, 0.8, 0.9], [0.7, 0.8, 0.9])
    assert (same.p, same.test, same.mean_diff) == (1.0, "identical", 0.0)
    # 0.9-0.8 and 0.8-0.7 differ in the last float bit: still a constant difference
    const = paired_test([0.9, 0.8, 0.7], [0.8, 0.7, 0.6])
    assert const.test == "wilcoxon" and const.t_stat is None
    assert const.p == pytest.approx(0.25)  # exact: both signs of 3 ranks, 2 * 1/8
    with pytest.raises(ValueError, match="equal lengths"):
        paired_test([1, 2], [1])


def test_holm_by_hand():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    # sorted .01 x4 = .04, .02 x3 = .06, .04 x2 = .08, .5 x1 = .5
    assert holm([0.04, 0.01, 0.5, 0.02]) == pytest.approx([0.08, 0.04, 0.5, 0.06])
    # monotone: the larger raw p cannot get a smaller adjusted p
    assert holm([0.02, 0.021]) == pytest.approx([0.04, 0.04])
    assert holm([0.6, 0.7]) == pytest.approx([1.0, 1.0])
    assert holm([None, 0.01, None]) == [None, 0.01, None]
    assert holm([]) == []


def test_mean_sd():
    assert mean_sd([0.8, 0.9, 1.0]) == (0.9, 0.1)
    assert mean_sd([0.5]) == (0.5, None)
    assert mean_sd([2.0, 2.0]) == (2.0, 0.0)
    assert mean_sd([None, 1.0, 3.0]) == (2.0, pytest.approx(math.sqrt(2)))


def _runs(table):
    return [{"run_id": f"{t}.seed{s}", "tokenizer": t, "seed": s, "kind": "model",
             "metrics": {"accuracy": a}} for t, accs in table.items() for s, a in enumerate(accs)]


def test_summary_picks_best_and_holm_corrects_the_comparisons():
    runs = _runs({"a": [3, 2, 2], "b": [1, 1, 1], "c": [2, 3, 1], "d": [3, 2, 2]})
    s = summarize(runs, "accuracy")
    assert s["best"] == "a"  # a and d tie on the mean: the first listed wins
    assert s["best_run"] == "a.seed0"
    rows = {r["tokenizer"]: r for r in s["comparisons"]["accuracy"]["rows"]}
    assert set(rows) == {"b", "c", "d"}
    p_b = 1 - 4 / math.sqrt(18)                  # differences 2, 1, 1
    assert rows["b"]["p_ttest"] == pytest.approx(p_b, abs=1e-11)
    assert rows["d"]["p"] == 1.0                 # identical to the best
    # c: differences 1, -1, 1 -> t = (1/3) / (sqrt(4/3)/sqrt(3)) = 0.5
    assert rows["c"]["t_stat"] == pytest.approx(0.5)
    p_c = rows["c"]["p"]
    expected = holm([p_b, p_c, 1.0])
    assert [rows[t]["p_holm"] for t in "bcd"] == pytest.approx(expected)
    assert not any(r["significant"] for r in rows.values())  # n = 3 is weak evidence
    a = s["summary"][0]["metrics"]["accuracy"]
    assert (a["mean"], a["values"]) == (pytest.approx(7 / 3), [3, 2, 2])


def test_summary_pairs_by_seed_and_survives_missing_runs():
    runs = _runs({"a": [0.9, 0.8, 0.85], "b": [0.7, 0.6]})  # b lacks seed 2
    rows = summarize(runs)["comparisons"]["accuracy"]["rows"]
    assert rows[0]["seeds"] == [0, 1] and rows[0]["n"] == 2
    single = summarize(_runs({"a": [0.9], "b": [0.7]}))
    row = single["comparisons"]["accuracy"]["rows"][0]
    assert (row["p"], row["p_holm"], row["significant"]) == (None, None, False)
    assert single["summary"][0]["metrics"]["accuracy"]["sd"] is None


def test_best_is_a_tokenizer_and_the_baseline_is_compared_with_it():
    runs = _runs({"a": [0.7, 0.8, 0.75], "b": [0.6, 0.7, 0.6]})
    runs += [{"run_id": f"base.seed{s}", "tokenizer": "base", "seed": s, "kind": "baseline",
              "metrics": {"accuracy": 0.9}} for s in range(3)]
    s = summarize(runs)
    assert s["best"] == "a" and s["best_run"] == "a.seed1"
    rows = {r["tokenizer"]: r for r in s["comparisons"]["accuracy"]["rows"]}
    assert set(rows) == {"b", "base"}
    assert rows["base"]["mean_diff"] == pytest.approx(-0.15)  # best minus baseline
