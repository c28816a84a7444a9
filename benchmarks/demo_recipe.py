"""Does the quick demo recipe reach today's verdicts? Two demo folders side by side (issue 22).

Reads the ``ablation/results.json`` of a ``classify demo --full`` folder and of a
``classify demo`` folder and writes, next to each other: the winner, every paired
comparison with the best tokenizer (difference, Holm p, significant or not), the
report's structure-hypothesis comparisons, the per-seed accuracies, and each run's
GFLOP, CPU-s, wall, matmul rate and CPU-s / floor (:mod:`classifier.flops`). The verdict
holds when the winner is the same and every comparison that is significant after Holm
in the full recipe is significant with the same sign in the quick one.

    PYTHONPATH=. .venv/bin/python benchmarks/demo_recipe.py \\
        --full /tmp/demo-full --full-cpu-s 1873 --full-wall-s 1500 --full-gflops 15 \\
        --quick /tmp/demo-new --quick-cpu-s 700 --quick-wall-s 900 --quick-gflops 15

Writes benchmarks/results/demo_recipe.json and .md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from classifier.ablation.hypothesis import comparisons as hypothesis_comparisons
from classifier.flops import floor_summary
from results_io import write_results

RESULTS = Path(__file__).resolve().parent / "results"
RECIPES = ("full", "quick")


def verdicts(folder: Path) -> dict:
    """Winner, per-seed scores and the significant-or-not of every comparison."""
    res = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    metric = res["primary_metric"]
    comp = res["comparisons"][metric]
    scores = {e["tokenizer"]: e["metrics"][metric]["values"] for e in res["summary"]}
    rows = {f"{comp['reference']} vs {r['tokenizer']}": _row(r["mean_diff"], r["p_holm"], r["significant"])
            for r in comp["rows"]}
    for h in hypothesis_comparisons(res, metric):
        rows[f"{h['hairpin']} vs {h['other']}"] = _row(
            h["mean_diff"], h["p_holm"], h["p_holm"] is not None and h["p_holm"] < res["alpha"])
    return {"metric": metric, "winner": comp["reference"], "scores": scores, "comparisons": rows}


def _row(diff, p_holm, significant) -> dict:
    return {"mean_diff": diff, "p_holm": p_holm, "significant": bool(significant)}


def check(full: dict, quick: dict) -> dict:
    """Same winner; every significant comparison of ``full`` significant with its sign.

    >>> full = {"winner": "u", "comparisons": {"u vs c": {"mean_diff": 0.2, "significant": True},
    ...                                        "u vs b": {"mean_diff": 0.01, "significant": False}}}
    >>> quick = {"winner": "u", "comparisons": {"u vs c": {"mean_diff": 0.1, "significant": True},
    ...                                         "u vs b": {"mean_diff": 0.03, "significant": True}}}
    >>> check(full, quick)
    {'same_winner': True, 'lost': [], 'gained': ['u vs b'], 'verdicts_kept': True}
    >>> check(full, {"winner": "u", "comparisons": {"u vs c": {"mean_diff": -0.1, "significant": True}}})["lost"]
    ['u vs c']
    """
    lost = [k for k, r in full["comparisons"].items() if r["significant"] and not (
        k in quick["comparisons"] and quick["comparisons"][k]["significant"]
        and (quick["comparisons"][k]["mean_diff"] > 0) == (r["mean_diff"] > 0))]
    gained = [k for k, r in quick["comparisons"].items() if r["significant"]
              and not full["comparisons"].get(k, {}).get("significant")]
    same_winner = full["winner"] == quick["winner"]
    return {"same_winner": same_winner, "lost": lost, "gained": gained,
            "verdicts_kept": same_winner and not lost}


def to_markdown(res: dict) -> str:
    f, q = res["full"], res["quick"]
    c = res["check"]
    lines = ["# The quick demo recipe against today's (issue 22)", "",
             f"- full: `{f['command']}`: {f['recipe']}",
             f"- quick: `{q['command']}`: {q['recipe']}",
             f"- compared with `{res['command']}`", "",
             f"Winner: full **{f['winner']}**, quick **{q['winner']}**. Every comparison "
             f"significant after Holm in the full recipe kept (same sign): "
             f"**{'yes' if not c['lost'] else 'no: ' + ', '.join(c['lost'])}**. Newly significant "
             f"in the quick recipe: {', '.join(c['gained']) or 'none'}.", "",
             "## Cost", "", "| | full | quick |", "|---|---|---|"]
    for key, label, fmt in (("gflop", "GFLOP (matrix products of the model runs)", "{:,.0f}"),
                            ("cpu_s", "CPU-s (user+sys, all processes)", "{:,.1f}"),
                            ("wall_s", "wall s", "{:,.0f}"),
                            ("matmul_gflops", "matmul GFLOP/s (512x512, 1 thread)", "{:.1f}"),
                            ("floor_cpu_s", "floor CPU-s at that rate", "{:,.1f}"),
                            ("ratio", "CPU-s / floor", "{:.2f}"),
                            ("floor_30", "floor CPU-s at 30 GFLOP/s", "{:,.1f}")):
        lines.append(f"| {label} | {fmt.format(f['cost'][key])} | {fmt.format(q['cost'][key])} |")
    lines += ["", f"## Verdicts ({f['metric']}, paired tests over seeds 0-2, Holm)", "",
              "Difference = first − second; p = Holm-adjusted; **bold** = significant (p < 0.05).",
              "", "| comparison | full: diff | full: p Holm | quick: diff | quick: p Holm | kept |",
              "|---|---|---|---|---|---|"]
    for k, r in f["comparisons"].items():
        s = q["comparisons"].get(k) or {}
        kept = ("n/a (not significant in full)" if not r["significant"]
                else "no" if k in c["lost"] else "yes")
        lines.append(f"| {k} | {_diff(r)} | {_p(r)} | {_diff(s)} | {_p(s)} | {kept} |")
    lines += ["", f"## Per-seed test {f['metric']}", "",
              "| tokenizer | full (seeds 0, 1, 2) | quick (seeds 0, 1, 2) |", "|---|---|---|"]
    for tok, vals in f["scores"].items():
        lines.append(f"| {tok} | {_vals(vals)} | {_vals(q['scores'].get(tok, []))} |")
    if res.get("notes"):
        lines += ["", "## Notes", ""] + [x for n in res["notes"] for x in (n, "")][:-1]
    return "\n".join(lines) + "\n"


def _diff(r: dict) -> str:
    return "–" if r.get("mean_diff") is None else f"{r['mean_diff']:+.4f}"


def _p(r: dict) -> str:
    if r.get("p_holm") is None:
        return "–"
    text = f"{r['p_holm']:.3g}"
    return f"**{text}**" if r["significant"] else text


def _vals(vals: list) -> str:
    return " / ".join(f"{v:.4f}" for v in vals)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in RECIPES:
        p.add_argument(f"--{name}", type=Path, required=True, help=f"the {name} demo's folder")
        p.add_argument(f"--{name}-cpu-s", type=float, required=True)
        p.add_argument(f"--{name}-wall-s", type=float, required=True)
        p.add_argument(f"--{name}-gflops", type=float, required=True,
                       help="matmul GFLOP/s measured at the end of that demo")
        p.add_argument(f"--{name}-command", default=None)
    p.add_argument("--note", action="append", default=[],
                   help="a paragraph for the end of the Markdown (repeatable)")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    from classifier.demo import RECIPES as SETTINGS
    a = vars(args)
    flags = [f"--{name}{suffix} {a[name + suffix.replace('-', '_')]}" for name in RECIPES
             for suffix in ("", "-cpu-s", "-wall-s", "-gflops")]
    res = {"command": "PYTHONPATH=. python benchmarks/demo_recipe.py " + " ".join(flags),
           "notes": args.note}
    for name in RECIPES:
        folder = getattr(args, name) / "ablation"
        cost = floor_summary(folder, a[f"{name}_cpu_s"], a[f"{name}_gflops"])
        cost.update(wall_s=a[f"{name}_wall_s"], floor_30=round(cost["gflop"] / 30, 1))
        res[name] = {"command": a[f"{name}_command"] or
                     f"classify demo{' --full' if name == 'full' else ''} --out {getattr(args, name)}",
                     "recipe": "classifier/configs/selex-sim.toml"
                     + (f" with {SETTINGS[name]}" if SETTINGS[name] else " as it stands"),
                     "cost": cost, **verdicts(folder)}
    res["check"] = check(res["full"], res["quick"])
    args.out.mkdir(parents=True, exist_ok=True)
    print(write_results(args.out, "demo_recipe", res, to_markdown, indent=1))
    return res


if __name__ == "__main__":
    main()
