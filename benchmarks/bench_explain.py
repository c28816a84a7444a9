"""`classify explain` benchmark: planted motifs recovered as logos, and its CPU cost.

1. raptgen-motif10 (10 planted 10-nt motifs, 30-nt reads): an overlapping-3-mer tiny
   encoder of the classify train default (now BERT; the recorded results ran the ALBERT
   default of the time) trained on the task's train split; explain on the whole test
   split; per class,
   does a top logo match the class's planted motif? Match: the whole planted motif lies
   inside the logo's consensus (any offset) with at most 1 mismatch (Hamming <= 1).
2. selex-sim (the built-in SELEX simulator, `corpora simulate`'s library; binder vs
   nonbinder): same model recipe; explain the test split with folding on; per top motif
   of each class, the share of its windows that overlap a planted motif (at least half
   of the window's nucleotides inside the planted span, from the simulator's ground
   truth) by motif name and kind, and the share of its nucleotides in hairpin loops,
   stems and other elements of the MFE fold.
3. CPU cost: explain (attributions, motifs, HTML, logos) of 500 raptgen test sequences
   with the tiny model, one torch thread; user+sys CPU seconds of this process.

Writes benchmarks/results/explain_{raptgen,selex,speed}.md and explain.json.

    CORPORA_MIRROR=../shared/datasets .venv/bin/python benchmarks/bench_explain.py --work /tmp/explain-bench
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from classifier import TrainConfig, load_model_dir, train_classifier
from classifier.explain import ExplainConfig, explain_records, write_explain
from corpora.tasks import load_task
from labkit.atomic import atomic_write
from tokenizer_lab import TokenizerSpec, train_tokenizer

RESULTS = Path(__file__).resolve().parent / "results"
log = logging.getLogger("bench_explain")


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def model_for(task, name: str, work: Path, epochs: int, seed: int) -> Path:
    """The task's tiny default encoder on overlapping 3-mers (trained once, kept in ``work``)."""
    out = work / f"{name}-kmer3-e{epochs}-s{seed}"
    if not (out / "config.json").is_file():
        tok = train_tokenizer([r.seq for r in task.train], TokenizerSpec(algorithm="kmer", k=3, alphabet="dna"))
        cfg = TrainConfig(preset="tiny", epochs=epochs, threads=1, seed=seed, patience=0)
        train_classifier(cfg, tok, task.train, task.valid, task.test, out_dir=out, data_info={"task": name})
    return out


def motif_match(consensus: str, motif: str) -> int | None:
    """Fewest mismatches of ``motif`` placed wholly inside ``consensus``; None if longer.

    >>> motif_match("AAACGTAC", "CGTA"), motif_match("CGAA", "CGTA"), motif_match("CG", "CGTA")
    (0, 1, None)
    """
    if len(motif) > len(consensus):
        return None
    return min(sum(a != b for a, b in zip(consensus[o:o + len(motif)], motif))
               for o in range(len(consensus) - len(motif) + 1))


def raptgen(args, work: Path) -> dict:
    task = load_task("raptgen-motif10", mirror=args.mirror, seed=args.seed)
    model = model_for(task, "raptgen-motif10", work, args.epochs_raptgen, args.seed)
    loaded = load_model_dir(model)
    motifs = [ln.strip() for ln in (Path(args.mirror) / "raptgen-sim" / "multiple_motifs.txt")
              .read_text().splitlines() if ln.strip()]
    t0 = cpu()
    test = task.test[:args.max_test] if args.max_test else task.test
    doc = explain_records(loaded, test, ExplainConfig(threads=1))
    write_explain(doc, work / "explain-raptgen")
    rows = []
    for c in doc["classes"]:
        top = doc["motifs"][c]
        dists = [motif_match(m["consensus"], motifs[int(c)]) for m in top]
        first = next((k + 1 for k, d in enumerate(dists) if d is not None and d <= 1), None)
        rows.append({"class": c, "planted": motifs[int(c)],
                     "top1": top[0]["consensus"] if top else None,
                     "top1_support": top[0]["support"] if top else 0,
                     "class_size": sum(s["target"] == c for s in doc["sequences"]),
                     "top1_mean_attribution": top[0]["mean_attribution"] if top else None,
                     "top1_distance": dists[0] if dists else None,
                     "matching_rank": first, "others": [m["consensus"] for m in top[1:]]})
    acc = sum(s["prediction"] == s["label"] for s in doc["sequences"]) / len(doc["sequences"])
    return {"model": str(model), "test_sequences": len(test), "test_accuracy": round(acc, 4),
            "recovered_top1": sum(r["matching_rank"] == 1 for r in rows),
            "recovered_top3": sum(r["matching_rank"] is not None for r in rows),
            "explain_cpu_seconds": round(cpu() - t0, 1), "summary": doc["summary"], "rows": rows}


def _planted_overlap(member: dict, planted: list[dict]) -> dict | None:
    s, e = member["start"], member["end"]
    best = max(planted, key=lambda p: min(e, p["end"]) - max(s, p["start"]), default=None)
    if best is None or 2 * (min(e, best["end"]) - max(s, best["start"])) < (e - s):
        return None
    return best


def selex(args, work: Path) -> dict:
    task = load_task("selex-sim", seed=args.seed)
    model = model_for(task, "selex-sim", work, args.epochs_selex, args.seed)
    loaded = load_model_dir(model)
    t0 = cpu()
    test = task.test[:args.max_test] if args.max_test else task.test
    doc = explain_records(loaded, test, ExplainConfig(threads=1, fold="yes"))
    write_explain(doc, work / "explain-selex")
    rows = []
    for c in doc["classes"]:
        for rank, m in enumerate(doc["motifs"][c], 1):
            names, kinds = Counter(), Counter()
            for x in m["members"]:
                hit = _planted_overlap(x, test[x["seq"]].meta.get("motifs") or [])
                names[hit["name"] if hit else "none"] += 1
                kinds[hit["kind"] if hit else "none"] += 1
            n = m["windows"]
            rows.append({"class": c, "rank": rank, "consensus": m["consensus"], "support": m["support"],
                         "mean_attribution": m["mean_attribution"],
                         "planted_share": round(1 - names["none"] / n, 3),
                         "hairpin_share": round(kinds["hairpin"] / n, 3),
                         "top_planted": names.most_common(1)[0][0],
                         "top_planted_share": round(names.most_common(1)[0][1] / n, 3),
                         "elements": {k: m["elements"][k] for k in ("hairpin loop", "stem", "other")}})
    acc = sum(s["prediction"] == s["label"] for s in doc["sequences"]) / len(doc["sequences"])
    carriers = sum(bool(r.meta.get("motifs")) for r in test)
    return {"model": str(model), "test_sequences": len(test), "test_accuracy": round(acc, 4),
            "test_reads_with_a_planted_motif": carriers,
            "explain_cpu_seconds": round(cpu() - t0, 1), "summary": doc["summary"], "rows": rows}


def speed(args, work: Path) -> dict:
    task = load_task("raptgen-motif10", mirror=args.mirror, seed=args.seed)
    loaded = load_model_dir(model_for(task, "raptgen-motif10", work, args.epochs_raptgen, args.seed))
    recs = task.test[:500]
    explain_records(loaded, recs[:20], ExplainConfig(threads=1))  # warm-up: imports, first graph
    t0, w0 = cpu(), time.perf_counter()
    doc = explain_records(loaded, recs, ExplainConfig(threads=1))
    write_explain(doc, Path(tempfile.mkdtemp()) / "speed")
    return {"sequences": len(recs), "cpu_seconds": round(cpu() - t0, 1),
            "wall_seconds": round(time.perf_counter() - w0, 1), "threads": 1,
            "load_avg_1min": round(os.getloadavg()[0], 2), "n_steps": doc["config"]["n_steps"]}


def to_markdown(res: dict) -> dict[str, str]:
    def head(part: str) -> str:
        return (f"Command: `{res[part]['command']}`; machine: {res['machine']['cpus']} CPUs, load "
                f"average {res[part]['load_avg_1min_at_end']} at the end of this part (shared).\n")

    r = res["raptgen"]
    md_r = ["# classify explain: planted motifs on raptgen-motif10", "", head("raptgen"),
            f"Tiny {TrainConfig().arch} on overlapping 3-mers, seed {res['seed']}, {res['epochs_raptgen']} epochs; "
            f"test accuracy {r['test_accuracy']} on {r['test_sequences']} test reads, all explained "
            f"({r['explain_cpu_seconds']} CPU s; max |delta| {r['summary']['max_abs_delta']:.2e}). "
            "Match: the whole planted motif inside the logo consensus with at most 1 mismatch.", "",
            f"**Recovered: {r['recovered_top1']} of 10 as the top logo of their class, "
            f"{r['recovered_top3']} of 10 within the top 3.**", "",
            "| class | planted motif | top logo consensus | distance | sequences (of class) | "
            "mean attribution | first matching rank | other logos |", "|---|---|---|---|---|---|---|---|"]
    for x in r["rows"]:
        md_r.append(f"| {x['class']} | `{x['planted']}` | `{x['top1']}` | {x['top1_distance']} | "
                    f"{x['top1_support']} ({x['class_size']}) | {x['top1_mean_attribution']} | "
                    f"{x['matching_rank']} | {', '.join(x['others']) or '-'} |")
    s = res["selex"]
    md_s = ["# classify explain: planted motifs on the simulated SELEX library (selex-sim)", "", head("selex"),
            f"Tiny {TrainConfig().arch} on overlapping 3-mers, seed {res['seed']}, {res['epochs_selex']} epochs; test "
            f"accuracy {s['test_accuracy']} on {s['test_sequences']} reads ({s['test_reads_with_a_planted_motif']} "
            f"carry a planted motif); explained with folding ({s['explain_cpu_seconds']} CPU s). "
            "A motif window overlaps a planted motif when at least half of its nucleotides lie in the "
            "planted span (simulator ground truth). Elements: bpRNA letters of the ViennaRNA MFE fold.", "",
            "| class | rank | consensus | sequences | mean attribution | windows on a planted motif | "
            "on a hairpin | most overlapped | its share | hairpin loop | stem | other |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for x in s["rows"]:
        e = x["elements"]
        md_s.append(f"| {x['class']} | {x['rank']} | `{x['consensus']}` | {x['support']} | "
                    f"{x['mean_attribution']} | {x['planted_share']} | {x['hairpin_share']} | "
                    f"{x['top_planted']} | {x['top_planted_share']} | {e['hairpin loop']} | {e['stem']} | "
                    f"{e['other']} |")
    p = res["speed"]
    md_p = ["# classify explain: CPU cost", "", head("speed"),
            f"{p['sequences']} raptgen-motif10 test reads (30 nt, 28 overlapping 3-mers), tiny {TrainConfig().arch}, "
            f"{p['n_steps']} integrated-gradients steps, {p['threads']} torch thread: attributions, motifs, "
            "logos, JSON and HTML.", "", "| sequences | CPU s (user+sys) | wall s | load average (1 min) |",
            "|---|---|---|---|",
            f"| {p['sequences']} | {p['cpu_seconds']} | {p['wall_seconds']} | {p['load_avg_1min']} |"]
    return {"raptgen": "\n".join(md_r) + "\n", "selex": "\n".join(md_s) + "\n", "speed": "\n".join(md_p) + "\n"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=os.environ.get("CORPORA_MIRROR", "../shared/datasets"))
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "explain-bench"),
                    help="models and explain folders (kept between runs)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs-raptgen", type=int, default=5)
    ap.add_argument("--epochs-selex", type=int, default=12)
    ap.add_argument("--parts", default="raptgen,selex,speed")
    ap.add_argument("--max-test", type=int, default=None,
                    help="explain only the first N test reads (the split is shuffled)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    work = Path(args.work)
    res = {"command": "python benchmarks/bench_explain.py " + " ".join(sys.argv[1:]), "seed": args.seed,
           "epochs_raptgen": args.epochs_raptgen, "epochs_selex": args.epochs_selex}
    for part in args.parts.split(","):
        res[part] = {"raptgen": raptgen, "selex": selex, "speed": speed}[part](args, work)
        res[part].update(command=res["command"], load_avg_1min_at_end=round(os.getloadavg()[0], 2))
    old = RESULTS / "explain.json"  # parts run by other commands are kept
    if old.is_file():
        res = {**json.loads(old.read_text()), **res}
    res["machine"] = {"cpus": os.cpu_count(), "load_avg_1min_at_end": round(os.getloadavg()[0], 2)}
    with atomic_write(RESULTS / "explain.json") as fh:
        json.dump(res, fh, indent=2)
    if all(k in res for k in ("raptgen", "selex", "speed")):
        for name, text in to_markdown(res).items():
            with atomic_write(RESULTS / f"explain_{name}.md") as fh:
                fh.write(text)


if __name__ == "__main__":
    main()
