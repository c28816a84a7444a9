"""report.md from results.json: the content as blocks, rendered to Markdown here.

:func:`report_blocks` turns a results document into a list of blocks
(``("h1", text)``, ``("p", text)``, ``("table", header, rows)``,
``("img", name, caption)``, ``("code", text)``); :func:`render_markdown` writes
them as Markdown and :mod:`.report_html` as HTML, so both say the same thing.
Nothing is recomputed: every number comes from the JSON. Table cells are written by
:mod:`.cells`.
"""

from __future__ import annotations

import json
from pathlib import Path

from labkit.atomic import atomic_write

from .cells import Bold, fmt, fmt_ms, fmt_p
from ..train_config import SCORES
from .hypothesis import hypothesis_blocks
from .plots import NAMES, make_plots
from .stats import wilcoxon_min_p


COST_COLUMNS = (("vocab_size", "vocab", 0), ("tokens_per_seq", "tokens/seq", 1),
                ("tokenizer_train_s", "tok. train s", 2), ("params", "params", 0),
                ("train_s", "train s", 1), ("train_seqs_per_s", "train seqs/s", 0),
                ("peak_mem_mb", "peak MB", 0))


def report_blocks(results: dict, plots: dict | None = None) -> list[tuple]:
    """The report's content, in order (``plots`` from :func:`make_plots`, made if None)."""
    metric = results.get("primary_metric", "accuracy")
    summary = results.get("summary", [])
    comp = (results.get("comparisons") or {}).get(metric) or {"rows": []}
    blocks: list[tuple] = [("h1", f"Tokenizer ablation: {results.get('name', 'ablation')}")]
    blocks.append(("p", _headline(results, metric, comp)))
    if results.get("missing"):
        blocks.append(("p", f"**Incomplete:** {len(results['missing'])} run(s) not finished "
                            f"({', '.join(results['missing'])}); rerun the same command to "
                            "complete them."))

    seeds = sorted({s for e in summary for s in e.get("seeds", [])})
    blocks.append(("h2", "Results per tokenizer"))
    blocks.append(("p", f"Test-split metrics as mean ± sample standard deviation over seeds "
                        f"{', '.join(map(str, seeds))}; the best mean of each column in bold. "
                        "Costs are means per run: train s is the fine-tuning wall time "
                        "(evaluation excluded), peak MB the resident memory of the process "
                        "that ran it (libraries included)."))
    header = ["tokenizer", "seeds", *(NAMES[m] for m in SCORES), *(c[1] for c in COST_COLUMNS)]
    best = {m: max((e["metrics"][m]["mean"] for e in summary
                    if e["metrics"][m]["mean"] is not None), default=None) for m in SCORES}
    rows = []
    for e in summary:
        row = [e["tokenizer"] + (" (baseline)" if e.get("kind") == "baseline" else ""),
               str(e.get("n_seeds", ""))]
        for m in SCORES:
            ms = e["metrics"][m]
            cell = fmt_ms(ms["mean"], ms["sd"])
            row.append(Bold(cell) if ms["mean"] is not None and ms["mean"] == best[m] else cell)
        for key, _, digits in COST_COLUMNS:
            mean = (e["costs"].get(key) or {}).get("mean")
            row.append(fmt(round(mean) if digits == 0 and mean is not None else mean, digits))
        rows.append(row)
    blocks.append(("table", header, rows))

    blocks += _comparison_blocks(results, metric, comp)
    blocks += hypothesis_blocks(results, metric)
    blocks += _intrinsic_blocks(summary, metric)
    if results.get("motifs"):
        from .motifs import motif_blocks
        blocks += motif_blocks(results["motifs"])
    blocks.append(("h2", "Plots"))
    for name, (caption, _) in (make_plots(results) if plots is None else plots).items():
        blocks.append(("img", name, caption))
    blocks += _runs_blocks(results)
    blocks += _data_blocks(results)
    blocks.append(("h2", "Reproduce"))
    blocks.append(("p", "Command (rerunning it in the same folder resumes and never repeats a "
                        "finished run):"))
    blocks.append(("code", results.get("command", "")))
    versions = results.get("versions") or {}
    blocks.append(("p", "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items())))
    blocks.append(("p", "Config:"))
    blocks.append(("code", json.dumps(results.get("config", {}), indent=1, sort_keys=True)))
    return blocks


def _headline(results, metric, comp) -> str:
    best = comp.get("reference")
    if best is None:
        return "No finished runs yet."
    sig = [r["tokenizer"] for r in comp["rows"] if r["significant"] and r["mean_diff"] > 0]
    better = [r["tokenizer"] for r in comp["rows"] if r["significant"] and r["mean_diff"] < 0]
    not_sig = [r["tokenizer"] for r in comp["rows"] if not r["significant"]]
    text = f"Best tokenizer by mean test {NAMES[metric]}: **{best}**."
    ref_mean = next((e["metrics"][metric]["mean"] for e in results.get("summary", [])
                     if e["tokenizer"] == best), None)
    for e in results.get("summary", []):
        mean = e["metrics"][metric]["mean"]
        if e.get("kind") == "baseline" and mean is not None and ref_mean is not None:
            text += (f" The {e['tokenizer']} baseline scores {fmt(mean)}, "
                     f"{'above' if mean > ref_mean else 'below'} it.")
    if sig:
        text += (f" Significantly worse (paired test over seeds, Holm-corrected, "
                 f"p < {results.get('alpha', 0.05)}): {', '.join(sig)}.")
    if better:
        text += f" Significantly better than {best}: {', '.join(better)}."
    if not_sig:
        text += f" Not significantly different from {best}: {', '.join(not_sig)}."
    return text


def _comparison_blocks(results, metric, comp) -> list[tuple]:
    blocks = [("h2", f"Paired comparison with the best ({NAMES[metric]})")]
    if not comp["rows"]:
        return blocks + [("p", "Only one tokenizer: nothing to compare.")]
    blocks.append(("p", f"Each tokenizer against **{comp['reference']}** over the seeds both "
                        "finished (same splits, same seeds). Difference = best − this. The "
                        "p-value entering Holm's correction is the paired t-test "
                        "(scipy.stats.ttest_rel), or the exact Wilcoxon signed-rank test when "
                        "the differences have zero variance; Wilcoxon is shown for every pair. "
                        f"Significant: Holm-adjusted p < {results.get('alpha', 0.05)}."
                        + _wilcoxon_note(comp)))
    header = ["tokenizer", "n", "difference", "t", "p (t-test)", "p (Wilcoxon)", "p (Holm)",
              "significant", "note"]
    rows = [[r["tokenizer"], str(r["n"]), fmt(r["mean_diff"]), fmt(r["t_stat"], 2),
             fmt_p(r["p_ttest"]), fmt_p(r["p_wilcoxon"]), fmt_p(r["p_holm"]),
             Bold("yes") if r["significant"] else "no", r["note"]] for r in comp["rows"]]
    blocks.append(("table", header, rows))
    others = []
    for m in SCORES:
        c = (results.get("comparisons") or {}).get(m)
        if m == metric or not c or c.get("reference") is None:
            continue
        sig = [r["tokenizer"] for r in c["rows"] if r["significant"] and r["mean_diff"] > 0]
        better = [r["tokenizer"] for r in c["rows"] if r["significant"] and r["mean_diff"] < 0]
        others.append(f"{NAMES[m]}: best tokenizer {c['reference']}; significantly worse: "
                      f"{', '.join(sig) if sig else 'none'}"
                      + (f"; significantly better: {', '.join(better)}" if better else ""))
    if others:
        blocks.append(("p", "Other metrics (same procedure): " + "; ".join(others) + "."))
    return blocks


def _wilcoxon_note(comp) -> str:
    ns = [r["n"] for r in comp["rows"] if r["n"] >= 2]
    if not ns or min(ns) >= 6:
        return ""
    n = min(ns)
    return (f" With n = {n} seeds the exact Wilcoxon test cannot go below "
            f"p = {wilcoxon_min_p(n):.3g}, so only the t-test can flag a difference; "
            "more seeds make both tests stronger.")


def _intrinsic_blocks(summary, metric) -> list[tuple]:
    keys: list[str] = []
    for e in summary:
        for k, v in e.get("intrinsic", {}).items():
            if v.get("mean") is not None and k not in keys:
                keys.append(k)
    blocks = [("h2", "Intrinsic tokenizer statistics next to accuracy")]
    if not keys:
        return blocks + [("p", "No intrinsic statistics were recorded.")]
    blocks.append(("p", "Measured on the test split with each run's tokenizer (mean over "
                        "seeds), so a reader can see whether compression or structure "
                        "alignment tracks the metric. Nucleotides per token count the part "
                        "outside primers that the tokenizer strips or maps to one token; "
                        "boundary F1, crossing rate and hairpin exact1 compare token "
                        "boundaries with ViennaRNA structure elements (first "
                        "500 test sequences); unit exact1/exact2: hairpin units (loop with "
                        "its closing helix) that are one token / at most two whole tokens, "
                        "unit crossing: share of tokens crossing a unit's end; motif "
                        "exact1/exact2: share of planted motifs that are one token / at most "
                        "two whole tokens, hairpin motif exact1 the planted hairpins alone "
                        "(where ground truth exists)."))
    header = ["tokenizer", NAMES[metric], *(k.replace("_", " ") for k in keys)]
    rows = [[e["tokenizer"], fmt_ms(e["metrics"][metric]["mean"], e["metrics"][metric]["sd"]),
             *(fmt((e["intrinsic"].get(k) or {}).get("mean")) for k in keys)]
            for e in summary if e.get("kind") != "baseline"]
    return blocks + [("table", header, rows)]


def _runs_blocks(results) -> list[tuple]:
    header = ["run", "tokenizer", "seed", *(NAMES[m] for m in SCORES), "tokens/seq", "train s"]
    rows = [[r.get("run_id", ""), r["tokenizer"], str(r["seed"]),
             *(fmt((r.get("metrics") or {}).get(m)) for m in SCORES),
             fmt((r.get("costs") or {}).get("tokens_per_seq"), 1),
             fmt((r.get("costs") or {}).get("train_s"), 1)] for r in results.get("runs", [])]
    runs = results.get("runs", [])
    wall = sum(r.get("wall_s") or 0 for r in runs)
    cpu = sum(r.get("cpu_s") or 0 for r in runs)
    note = (f"Run time summed over runs: {wall:,.0f} s wall clock, {cpu:,.0f} s CPU "
            "(all threads; the CPU figure hardly depends on other load on the machine).")
    return [("h2", f"Every run ({len(rows)})"), ("table", header, rows), ("p", note)]


def _data_blocks(results) -> list[tuple]:
    data = results.get("data") or {}
    blocks = [("h2", "Data")]
    if data.get("source"):
        blocks.append(("p", f"Source: {data['source']}."))
    splits = data.get("splits") or {}
    labels = data.get("labels") or sorted({c for s in splits.values()
                                           for c in (s.get("classes") or {})})
    if splits:
        header = ["split", "sequences", *labels, "mean length"]
        rows = [[name, fmt(s.get("n")), *(fmt((s.get("classes") or {}).get(c, 0)) for c in labels),
                 fmt(s.get("mean_length"), 1)] for name, s in splits.items()]
        blocks.append(("table", header, rows))
    major = next((r["majority_baseline"] for r in results.get("runs", [])
                  if r.get("majority_baseline")), None)
    if major:
        blocks.append(("p", f"Majority-class baseline on the test split (always "
                            f"`{major['label']}`): accuracy {fmt(major['accuracy'])}, macro-F1 "
                            f"{fmt(major['macro_f1'])}, MCC {fmt(major['mcc'])}."))
    overlap = data.get("overlap") or {}
    if overlap:
        blocks.append(("p", "Overlap: " + "; ".join(
            f"{k.replace('_', ' ')}: {v}" for k, v in overlap.items()) + "."))
    for note in data.get("notes") or []:
        blocks.append(("p", note))
    return blocks


def render_markdown(blocks: list[tuple], plot_dir: str = "plots") -> str:
    out: list[str] = []
    for b in blocks:
        kind = b[0]
        if kind == "h1":
            out.append(f"# {b[1]}\n")
        elif kind == "h2":
            out.append(f"## {b[1]}\n")
        elif kind == "p":
            out.append(b[1] + "\n")
        elif kind == "code":
            out.append("```\n" + b[1] + "\n```\n")
        elif kind == "img":
            out.append(f"![{b[2]}]({plot_dir}/{b[1]}.png)\n\n*{b[2]}*\n")
        elif kind == "table":
            header, rows = b[1], b[2]
            cell = lambda c: (f"**{c}**" if isinstance(c, Bold) else str(c)).replace("|", "\\|")
            out.append("| " + " | ".join(map(cell, header)) + " |")
            out.append("|" + "|".join("---" for _ in header) + "|")
            out += ["| " + " | ".join(map(cell, r)) + " |" for r in rows]
            out.append("")
    return "\n".join(out)


def write_reports(results: dict, out_dir: str | Path) -> dict[str, Path]:
    """report.md (+ plots/*.png) and the self-contained report.html, all atomic."""
    from .report_html import render_html
    out_dir = Path(out_dir)
    plots = make_plots(results)
    for name, (_, png) in plots.items():
        with atomic_write(out_dir / "plots" / f"{name}.png", "wb") as fh:
            fh.write(png)
    blocks = report_blocks(results, plots)
    with atomic_write(out_dir / "report.md") as fh:
        fh.write(render_markdown(blocks))
    with atomic_write(out_dir / "report.html") as fh:
        fh.write(render_html(blocks, plots, title=f"Tokenizer ablation: {results.get('name')}"))
    return {"md": out_dir / "report.md", "html": out_dir / "report.html"}
