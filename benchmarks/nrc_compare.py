"""Paired comparisons of nrc grid rows over seeds: mean ± sd, paired t-test, McNemar, Holm.

Reads a results file of ``benchmarks/nrc.py`` (cells keyed ``CELL/TAG/seedN``), groups
each variant's seeds, and tests every ``--compare VARIANT=REFERENCE`` pair twice:

- across seeds: a paired t-test of test accuracy over the seeds both ran (the
  ablation's ``paired_test``; with 3 seeds the smallest reachable p is far from tiny);
- across reads: an exact McNemar test on the discordant test reads, pooled over the
  same seeds (each seed's 2,529 whole-test-split predictions kept by nrc.py).

Holm's correction runs over all comparisons of the file, for each test separately. A
verdict sentence says which way a difference went and whether it survived Holm (t-test
first; McNemar on its own, since reads are not independent across seeds).

    .venv/bin/python benchmarks/nrc_compare.py nrc_learned \\
        --compare "bpe:1024/mean/scratch/sample=bpe:1024/mean/scratch/plain" ...
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np
from scipy.stats import binomtest

from classifier.ablation.stats import holm, mean_sd, paired_test
from results_io import write_results

RESULTS = Path(__file__).resolve().parent / "results"
_SEED = re.compile(r"/seed(\d+)$")


def groups(cells: dict) -> dict[str, dict[int, dict]]:
    """Variant key (the cell key without ``/seedN``) -> seed -> cell."""
    out: dict[str, dict[int, dict]] = {}
    for key, cell in cells.items():
        m = _SEED.search(key)
        if m:
            out.setdefault(key[:m.start()], {})[int(m.group(1))] = cell
    return out


def mcnemar(variant: dict[int, dict], reference: dict[int, dict], seeds: list[int],
            truth: dict[int, np.ndarray]) -> tuple[int, int, float | None]:
    """Reads right only by the variant (b), only by the reference (c), exact two-sided p."""
    b = c = 0
    for s in seeds:
        pv, pr = (variant[s].get("test_predictions"), reference[s].get("test_predictions"))
        if pv is None or pr is None:
            return 0, 0, None
        y = truth[s]
        v = np.array([int(ch, 36) for ch in pv]) == y
        r = np.array([int(ch, 36) for ch in pr]) == y
        b += int((v & ~r).sum())
        c += int((~v & r).sum())
    p = binomtest(b, b + c, 0.5).pvalue if b + c else 1.0
    return b, c, float(p)


def compare(res: dict, pairs: list[tuple[str, str]]) -> dict:
    g = groups(res["cells"])
    rows = []
    for variant, reference in pairs:
        if variant not in g or reference not in g:
            rows.append({"variant": variant, "reference": reference,
                         "note": "not run: " + ", ".join(k for k in (variant, reference)
                                                         if k not in g)})
            continue
        seeds = sorted(set(g[variant]) & set(g[reference]))
        a = [g[variant][s]["accuracy"] for s in seeds]
        b = [g[reference][s]["accuracy"] for s in seeds]
        t = paired_test(a, b)
        truth = {s: np.array(res["test_labels"]) for s in seeds}
        nb, nc, p_mc = mcnemar(g[variant], g[reference], seeds, truth)
        rows.append({"variant": variant, "reference": reference, "seeds": seeds,
                     "mean_diff": t.mean_diff, "p_t": t.p, "test": t.test, "note": t.note,
                     "b": nb, "c": nc, "p_mcnemar": p_mc})
    for name, adj in (("p_t", "holm_t"), ("p_mcnemar", "holm_mcnemar")):
        for row, p in zip(rows, holm([r.get(name) for r in rows])):
            row[adj] = p
    summary = {}
    named = {k for pair in pairs for k in pair}
    for key, by_seed in g.items():
        if named and key not in named:
            continue  # only the rows the comparisons name
        acc = [by_seed[s]["accuracy"] for s in sorted(by_seed)]
        m, sd = mean_sd(acc)
        summary[key] = {"seeds": sorted(by_seed), "accuracy": acc, "mean": m, "sd": sd,
                        "mcc_mean": float(np.mean([c["mcc"] for c in by_seed.values()])),
                        "cpu_seconds_mean": float(np.mean([c["total_cpu_seconds"]
                                                           for c in by_seed.values()])),
                        "wall_seconds_mean": float(np.mean([c.get("wall_seconds", 0.0)
                                                            for c in by_seed.values()])),
                        "tokens_per_seq": by_seed[min(by_seed)].get("tokens_per_seq")}
    return {"summary": summary, "comparisons": rows}


def verdict(row: dict, alpha: float = 0.05) -> str:
    if row.get("mean_diff") is None:
        return row.get("note", "")
    d = row["mean_diff"] * 100
    way = "above" if d > 0 else "below" if d < 0 else "level with"
    sig_t = row.get("holm_t") is not None and row["holm_t"] < alpha
    sig_m = row.get("holm_mcnemar") is not None and row["holm_mcnemar"] < alpha
    if sig_t:
        return f"{way} the reference by {abs(d):.1f} points, significant over seeds (Holm)"
    if sig_m:
        return (f"{way} the reference by {abs(d):.1f} points: not significant over seeds, "
                "significant over reads (McNemar, Holm)")
    return f"{abs(d):.1f} points {way} the reference: no significant difference"


def _p(v) -> str:
    """A p-value; Holm's values are rounded to 12 decimals, so 0 means below 1e-12."""
    return "-" if v is None else "<1e-12" if v < 1e-12 else f"{v:.3g}"


def to_markdown(out: dict) -> str:
    lines = [f"# {out['title']}", "", out.get("intro", ""), "",
             "| variant | seeds | test accuracy (mean ± sd) | per seed | MCC (mean) | "
             "CPU s (mean) | wall s (mean) | tokens/seq |", "|---|---|---|---|---|---|---|---|"]
    for key, s in sorted(out["summary"].items(), key=lambda kv: -(kv[1]["mean"] or 0)):
        sd = "" if s["sd"] is None else f" ± {s['sd']:.3f}"
        lines.append(f"| {key} | {len(s['seeds'])} | {s['mean']:.4f}{sd} | "
                     + ", ".join(f"{a:.3f}" for a in s["accuracy"])
                     + f" | {s['mcc_mean']:.3f} | {s['cpu_seconds_mean']:.0f} | "
                       f"{s['wall_seconds_mean']:.0f} | {s['tokens_per_seq'] or '-'} |")
    lines += ["", "## Paired comparisons", "",
              "Accuracy difference = variant − reference (points), over the seeds both ran; "
              "t-test over seeds and exact McNemar over the discordant test reads (b: only "
              "the variant right, c: only the reference right, pooled over seeds), each with "
              "Holm's correction over the comparisons below.", "",
              "| variant | reference | diff | t-test p | Holm | McNemar b/c | McNemar p | Holm | "
              "verdict |", "|---|---|---|---|---|---|---|---|---|"]
    for r in out["comparisons"]:
        if r.get("mean_diff") is None:
            lines.append(f"| {r['variant']} | {r['reference']} | - | - | - | - | - | - | "
                         f"{r.get('note', '')} |")
            continue
        mc = "-" if r["p_mcnemar"] is None else f"{r['b']}/{r['c']}"  # no per-read record
        lines.append(f"| {r['variant']} | {r['reference']} | {r['mean_diff'] * 100:+.1f} | "
                     f"{_p(r['p_t'])} | {_p(r['holm_t'])} | {mc} | "
                     f"{_p(r['p_mcnemar'])} | {_p(r['holm_mcnemar'])} | {verdict(r)} |")
    if out.get("notes"):
        lines += ["", out["notes"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("stem", help="results file stem written by nrc.py (nrc_learned, nrc_structure)")
    p.add_argument("--compare", action="append", default=[], metavar="VARIANT=REFERENCE",
                   help="variant keys (cell key without /seedN); repeatable")
    p.add_argument("--title", default=None)
    p.add_argument("--intro", default="")
    p.add_argument("--notes", default="")
    p.add_argument("--results", default=str(RESULTS))
    p.add_argument("--out", default=None, help="output stem (default STEM_summary)")
    p.add_argument("--merge", action="append", default=[], metavar="STEM",
                   help="more results files whose cells join the first's (rows of other runs)")
    args = p.parse_args()
    folder = Path(args.results)
    res = json.loads((folder / f"{args.stem}.json").read_text())
    for stem in args.merge:
        merged = folder / f"{stem}.json"
        if not merged.is_file():
            raise SystemExit(f"{merged}: no such results file (run benchmarks/nrc.py first)")
        res["cells"].update(json.loads(merged.read_text())["cells"])
    if "test_labels" not in res:
        from corpora.tasks import load_task
        import os
        task = load_task("nrc", mirror=os.environ.get("CORPORA_MIRROR"), seed=0)
        classes = sorted({r.label for r in task.train})
        res["test_labels"] = [classes.index(r.label) for r in task.test]
    pairs = [tuple(c.split("=", 1)) for c in args.compare]
    out = {"title": args.title or f"nrc: {args.stem}", "intro": args.intro, "notes": args.notes,
           "source": f"{args.stem}.json", **compare(res, pairs)}
    print(write_results(folder, args.out or f"{args.stem}_summary", out, to_markdown))


if __name__ == "__main__":
    main()
