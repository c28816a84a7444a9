"""How hard is the simulated SELEX task, and do its hairpins fold?

For the default library (``corpora.simulate.default_library``, seeds 0-2):

* time to simulate and write it, its size, reads and binders per round, duplicates;
* a k-mer bag (``CountVectorizer(analyzer="char", ngram_range=(k, k))``) with
  ``LogisticRegression`` on a stratified 80/20 split, k = 3..6, for the binder
  task and for the rounds-as-classes task (mean and sd over the 3 seeds);
* the share of planted hairpins that ViennaRNA's MFE structure of the whole read
  folds as the planted stem (all stem pairs, or all but one), with RNA parameters
  (Turner 2004, T read as U) and DNA parameters (Mathews 2004), per motif, and
  the same for the decoys (half hairpins) as a control.

Writes ``benchmarks/results/selex_sim.json`` and ``selex_sim.md``.
Run: ``.venv/bin/python benchmarks/selex_sim.py [--seeds 0,1,2]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import RNA
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from labkit.atomic import atomic_write
from corpora.simulate import DEFAULT_MOTIFS, SelexConfig, motif_spans, simulate, write_library

OUT = Path(__file__).resolve().parent / "results"
STEMS = {m.name: len(m.stem) for m in DEFAULT_MOTIFS if m.kind == "hairpin"}


def kmer_accuracy(seqs, labels, k, seed):
    xtr, xte, ytr, yte = train_test_split(seqs, labels, test_size=0.2, random_state=seed,
                                          stratify=labels)
    vec = CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False)
    model = LogisticRegression(max_iter=3000).fit(vec.fit_transform(xtr), ytr)
    overlap = len(set(xte) & set(xtr))
    return float(model.score(vec.transform(xte), yte)), overlap, len(xte)


def fold_share(records, decoys, params):
    (RNA.params_load_DNA_Mathews2004 if params == "dna" else RNA.params_load_RNA_Turner2004)()
    full, near, total = Counter(), Counter(), Counter()
    for r in records:
        spans = [s for s in motif_spans(r, decoys=decoys) if s[1] == "hairpin"]
        if not spans:
            continue
        pt = RNA.ptable(RNA.fold(r.seq)[0])
        for name, _, start, end in spans:
            s = STEMS[name]
            formed = sum(pt[start + i + 1] == end - i for i in range(s))
            for key in (name, "all"):
                total[key] += 1
                full[key] += formed == s
                near[key] += formed >= s - 1
    RNA.params_load_RNA_Turner2004()
    return {k: {"n": total[k], "all_stem_pairs": round(full[k] / total[k], 4),
                "stem_minus_one": round(near[k] / total[k], 4)} for k in sorted(total)}


def mean_sd(xs):
    return {"mean": round(statistics.mean(xs), 4),
            "sd": round(statistics.stdev(xs), 4) if len(xs) > 1 else 0.0, "values": xs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="0,1,2")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    res = {"config": {k: v for k, v in SelexConfig().to_dict().items() if k != "motifs"},
           "motifs": [m.__dict__ for m in DEFAULT_MOTIFS], "seeds": seeds}

    t0 = time.perf_counter()
    recs = simulate(SelexConfig(seed=seeds[0]))
    t_sim = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        write_library(recs, Path(d) / "lib.fasta")
        t_write = time.perf_counter() - t0
        size = (Path(d) / "lib.fasta").stat().st_size
    per_round = Counter((r.meta["round"], r.label) for r in recs)
    res["library"] = {
        "reads": len(recs), "read_length": len(recs[0].seq), "simulate_s": round(t_sim, 3),
        "write_fasta_s": round(t_write, 3), "fasta_bytes": size,
        "unique_sequences": len({r.seq for r in recs}),
        "per_round": {f"round{k}": {"binder": per_round[(k, "binder")],
                                    "nonbinder": per_round[(k, "nonbinder")]} for k in range(4)},
        "binders_by_motif": dict(sorted(Counter(s[0] for r in recs for s in motif_spans(r)).items())),
        "nonbinders_with_decoy": sum(bool(r.meta["decoys"]) for r in recs),
    }

    acc = {"binder": {k: [] for k in range(3, 7)}, "round": {k: [] for k in range(3, 7)}}
    overlap = []
    for seed in seeds:
        for task in ("binder", "round"):
            lib = simulate(SelexConfig(seed=seed, label_by=task))
            seqs, labels = [r.seq for r in lib], [r.label for r in lib]
            for k in range(3, 7):
                a, ov, n = kmer_accuracy(seqs, labels, k, seed)
                acc[task][k].append(round(a, 4))
            if task == "binder":
                overlap.append(ov)
                majority = max(Counter(labels).values()) / len(labels)
    res["kmer_logreg"] = {task: {f"k={k}": mean_sd(v) for k, v in d.items()}
                          for task, d in acc.items()}
    res["kmer_logreg"]["majority_baseline_binder"] = round(majority, 4)
    res["kmer_logreg"]["majority_baseline_round"] = 0.25
    res["kmer_logreg"]["test_sequences_also_in_train"] = {"values": overlap, "of": n}

    binders = [r for r in recs if r.meta["binder"]]
    nonbinders = [r for r in recs if not r.meta["binder"]]
    t0 = time.perf_counter()
    res["hairpin_folding"] = {p: {"planted": fold_share(binders, False, p),
                                  "decoys": fold_share(nonbinders, True, p)} for p in ("rna", "dna")}
    res["hairpin_folding"]["fold_s"] = round(time.perf_counter() - t0, 2)
    res["hairpin_folding"]["viennarna"] = RNA.__version__

    OUT.mkdir(parents=True, exist_ok=True)
    with atomic_write(OUT / "selex_sim.json") as fh:
        json.dump(res, fh, indent=1, default=float)
    with atomic_write(OUT / "selex_sim.md") as fh:
        fh.write(render(res))
    print(render(res))


def render(res: dict) -> str:
    lib, kl, hf = res["library"], res["kmer_logreg"], res["hairpin_folding"]
    lines = ["# SELEX simulator: default library", "",
             f"{lib['reads']} reads of {lib['read_length']} nt, {lib['unique_sequences']} unique; "
             f"simulated in {lib['simulate_s']} s, FASTA written in {lib['write_fasta_s']} s "
             f"({lib['fasta_bytes']} bytes).", "",
             "| round | binder | nonbinder |", "|---|---|---|"]
    lines += [f"| {k} | {v['binder']} | {v['nonbinder']} |" for k, v in lib["per_round"].items()]
    lines += ["", f"k-mer bag + logistic regression, stratified 80/20, test accuracy, mean ± sd "
              f"over seeds {res['seeds']} (majority baseline: binder {kl['majority_baseline_binder']},"
              f" round {kl['majority_baseline_round']}); test sequences also in train: "
              f"{kl['test_sequences_also_in_train']['values']} of {kl['test_sequences_also_in_train']['of']}.",
              "", "| k | binder vs nonbinder | round (4 classes) |", "|---|---|---|"]
    for k in range(3, 7):
        b, r = kl["binder"][f"k={k}"], kl["round"][f"k={k}"]
        lines.append(f"| {k} | {b['mean']:.3f} ± {b['sd']:.3f} | {r['mean']:.3f} ± {r['sd']:.3f} |")
    lines += ["", f"Planted hairpins folded as planted in the MFE of the whole read (ViennaRNA "
              f"{hf['viennarna']}): share with all stem pairs / all but one.", "",
              "| motif | n | RNA params | DNA params |", "|---|---|---|---|"]
    for name in hf["rna"]["planted"]:
        a, b = hf["rna"]["planted"][name], hf["dna"]["planted"][name]
        lines.append(f"| {name} | {a['n']} | {a['all_stem_pairs']:.3f} / {a['stem_minus_one']:.3f} "
                     f"| {b['all_stem_pairs']:.3f} / {b['stem_minus_one']:.3f} |")
    a, b = hf["rna"]["decoys"]["all"], hf["dna"]["decoys"]["all"]
    lines.append(f"| decoys (control) | {a['n']} | {a['all_stem_pairs']:.3f} / {a['stem_minus_one']:.3f} "
                 f"| {b['all_stem_pairs']:.3f} / {b['stem_minus_one']:.3f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
