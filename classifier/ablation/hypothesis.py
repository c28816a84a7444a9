"""The structure hypothesis, one sentence per comparison: do whole-hairpin tokens win?

Where an ablation holds hairpin tokenizers (``hairpin-vocab``, or struct-bpe /
struct-unigram with ``unit=hairpin``), each is compared on the primary metric with
every element-level structure tokenizer (struct-bpe / struct-unigram cut at element
boundaries) and every plain bpe / unigram tokenizer of the grid, over the seeds both
finished: the paired test of :func:`.stats.paired_test`, Holm-corrected over the
sentences. Nothing is recomputed but the tests; the scores come from results.json.

>>> kind_of("hairpin-vocab:1024"), kind_of("struct-bpe:256[unit=hairpin]"), kind_of("struct-bpe:256")
('hairpin', 'hairpin', 'element')
>>> kind_of("unigram:256"), kind_of("char")
('plain', None)
"""

from __future__ import annotations

from .stats import ALPHA, holm, paired_test

PLAIN = ("bpe", "unigram")
ELEMENT = ("struct-bpe", "struct-unigram")


def kind_of(label: str) -> str | None:
    """'hairpin', 'element', 'plain' or None for a tokenizer label of the grid."""
    algo = label.split(":")[0].split("[")[0]
    if algo == "hairpin-vocab" or "unit=hairpin" in label:
        return "hairpin"
    if algo in ELEMENT:
        return "element"
    return "plain" if algo in PLAIN else None


def _scores(results: dict, metric: str) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for r in results.get("runs", []):
        v = (r.get("metrics") or {}).get(metric)
        if v is not None and r.get("kind", "tokenizer") != "baseline":
            out.setdefault(r["tokenizer"], {})[int(r["seed"])] = float(v)
    return out


def comparisons(results: dict, metric: str) -> list[dict]:
    """One dict per (hairpin tokenizer, other) pair: means, difference, test, Holm p."""
    scores = _scores(results, metric)
    hairpin = [t for t in scores if kind_of(t) == "hairpin"]
    others = [t for t in scores if kind_of(t) in ("element", "plain")]
    rows = []
    for h in hairpin:
        for o in others:
            seeds = sorted(set(scores[h]) & set(scores[o]))
            a, b = [scores[h][s] for s in seeds], [scores[o][s] for s in seeds]
            test = paired_test(a, b)
            rows.append({"hairpin": h, "other": o, "other_kind": kind_of(o), "n": len(seeds),
                         "mean_hairpin": sum(a) / len(a) if a else None,
                         "mean_other": sum(b) / len(b) if b else None, **test.to_dict()})
    for row, p in zip(rows, holm([r["p"] for r in rows])):
        row["p_holm"] = p
    return rows


def sentence(row: dict, metric: str, alpha: float = ALPHA) -> str:
    """The verdict on one comparison, with its numbers.

    >>> print(sentence({"hairpin": "h", "other": "bpe:256", "other_kind": "plain", "n": 3,
    ...     "mean_hairpin": 0.8, "mean_other": 0.85, "mean_diff": -0.05, "p": 0.01,
    ...     "test": "t-test", "p_holm": 0.02}, "accuracy"))
    h vs bpe:256 (plain tokens): accuracy 0.800 vs 0.850, difference -0.050 over 3 seeds, paired t-test p = 0.01 (Holm 0.02): whole-hairpin tokens lose.
    """
    if row["p"] is None:
        verdict = "no test possible"
    elif row["p_holm"] is not None and row["p_holm"] < alpha:
        verdict = "whole-hairpin tokens win" if row["mean_diff"] > 0 else "whole-hairpin tokens lose"
    else:
        verdict = "no significant difference"
    p = "–" if row["p"] is None else f"{row['p']:.3g}"
    ph = "–" if row.get("p_holm") is None else f"{row['p_holm']:.3g}"
    mh = "–" if row["mean_hairpin"] is None else f"{row['mean_hairpin']:.3f}"
    mo = "–" if row["mean_other"] is None else f"{row['mean_other']:.3f}"
    diff = "–" if row["mean_diff"] is None else f"{row['mean_diff']:+.3f}"
    return (f"{row['hairpin']} vs {row['other']} ({row['other_kind']} tokens): {metric} {mh} vs "
            f"{mo}, difference {diff} over {row['n']} seeds, paired {row['test']} p = {p} "
            f"(Holm {ph}): {verdict}.")


def hypothesis_blocks(results: dict, metric: str) -> list[tuple]:
    """Report blocks (see :mod:`.report`); empty when the grid has no hairpin tokenizer."""
    rows = comparisons(results, metric)
    if not rows:
        return []
    blocks = [("h2", "Structure hypothesis: whole-hairpin tokens against element and plain tokens")]
    blocks.append(("p", "Each hairpin tokenizer against each element-level structure tokenizer "
                        "and each plain BPE/unigram tokenizer of the grid, on the test "
                        f"{metric}, over the seeds both finished (paired test as above; Holm "
                        f"over these {len(rows)} comparisons; significant: p < "
                        f"{results.get('alpha', ALPHA)})."))
    blocks += [("p", sentence(r, metric, results.get("alpha", ALPHA))) for r in rows]
    return blocks


__all__ = ["comparisons", "hypothesis_blocks", "kind_of", "sentence"]
