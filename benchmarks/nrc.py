"""nrc (13 ncRNA families, official train/test): tokenizer x pooling x {scratch, MLM}.

Each cell trains its tokenizer on the training split only, optionally pretrains a
masked LM on the training reads only (never validation or test), fine-tunes a tiny
encoder and measures the whole official test split (2529 sequences). Costs are CPU
seconds of this process (user + sys, ``resource.getrusage``) with the load average at
start and end: the machine is shared, so wall time is noise. Cells already in the
results file are kept (a rerun adds or replaces only the cells it runs), so the grid
can be filled a few cells at a time. Writes benchmarks/results/nrc.json and nrc.md.

    CORPORA_MIRROR=../shared/datasets .venv/bin/python benchmarks/nrc.py \
        --cells bpe:1024/mean/scratch,bpe:1024/cls/scratch --epochs 8
    .venv/bin/python benchmarks/nrc.py --grid             # all 24 cells + kmer-logreg:6

This script is the one home of every nrc grid row: the learned-vocabulary levers
(``--results-name nrc_learned``) and the structure rows (``--results-name
nrc_structure``) are cells of it too, run with ``--seeds 0,1,2``, a ``--tag`` naming
the variant and ``--set FIELD=VALUE`` for any ``classify train`` setting (a TrainConfig
field). ``--jobs N`` runs N cells at a time in their own processes (a GPU machine's
cores); each cell keeps its per-read test predictions so that ``nrc_compare.py`` can
run paired tests. Tokenizer names: ``char``, ``kmer6``, ``ALGO:SIZE`` and
``ALGO:SIZE@UNIT`` (``struct-bpe:256@hairpin``) and ``ALGO:SIZE+SET+SET``
(``bpe:1024+nrc-original+tgm2-selex``: trained on the training reads plus unlabelled sets of
the mirror, validation and test reads removed); ``length-logreg`` and ``kmer-logreg:6``
are the non-neural controls. ``--also-test-segmentations N`` scores each model a second
time with test-time averaging over N segmentations (a ``TAG-tsN`` row of the same run).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import resource
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

import numpy as np

import torch

from bench_classifier import spec_for
from classifier.train_config import TrainConfig
from classifier.pretrain import PretrainConfig, pretrain_mlm
from classifier.finetune import rescore_test, train_classifier
from corpora.tasks import load_task
from labkit.atomic import atomic_write
from tokenizer_lab import load_tokenizer, train_tokenizer

RESULTS = Path(__file__).resolve().parent / "results"
TOKENIZERS = ("char", "kmer6", "bpe:1024", "unigram:1024")
POOLINGS = ("cls", "mean", "attention")
INITS = ("scratch", "mlm")
log = logging.getLogger("nrc")


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def grid() -> list[str]:
    return [f"{t}/{p}/{i}" for t in TOKENIZERS for p in POOLINGS for i in INITS]


def nrc_spec(name: str, seed: int):
    """``spec_for`` names plus ``@UNIT`` for the structure-aware ones."""
    base, _, unit = name.partition("@")
    spec = spec_for(base, seed)
    return dataclasses.replace(spec, unit=unit) if unit else spec


def tokenizer(name: str, task, work: Path, seed: int, mirror=None):
    """Trained on the training split of this seed only (the seed draws the validation
    reads from the training file); cached in ``work``. ``NAME+SET+SET`` (``bpe:1024+tgm2-selex``)
    trains on the training reads plus those unlabelled sets of the mirror, less every
    validation and test read (:func:`corpora.unlabelled.unlabelled_corpus`, what
    ``corpora unlabelled nrc --extra SET`` writes); the corpus counts go beside it."""
    base, *extras = name.split("+")
    path = work / f"tok-{name.replace(':', '-').replace('@', '-').replace('+', '-')}-s{seed}"
    if not (path / "lab.json").is_file():
        reads = [r.seq for r in task.train]
        report = None
        if extras:
            from corpora.unlabelled import unlabelled_corpus
            corpus, report = unlabelled_corpus("nrc", extras, mirror=mirror, seed=seed)
            reads = [s for _, s in corpus]
            log.info("%s seed %d: %s", name, seed, "; ".join(report.lines()))
        train_tokenizer(reads, nrc_spec(base, seed)).save(path)
        if report is not None:
            with atomic_write(path / "corpus.json") as fh:
                json.dump(report.as_dict(), fh, indent=2)
    return load_tokenizer(path)


def predictions_text(predictions: list[int]) -> str:
    """The predicted class of every test read, one character each (``0-9a-z``)."""
    return "".join(np.base_repr(int(p), 36).lower() for p in predictions)


def overrides(pairs: list[str]) -> dict:
    """``--set FIELD=VALUE`` pairs as TrainConfig keyword arguments (JSON values, else text)."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in TrainConfig.__dataclass_fields__:
            raise SystemExit(f"--set {pair!r}: expected FIELD=VALUE with a TrainConfig field")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def run_cell(cell: str, task, work: Path, args) -> dict:
    name, pooling, init = cell.split("/")
    tok = tokenizer(name, task, work, args.seed, args.mirror)
    pre = {}
    init_dir = None
    if init == "mlm":
        init_dir, pre = mlm(name, tok, task, work, args)
    cfg = TrainConfig(arch=args.arch, preset=args.preset, epochs=args.epochs,
                      batch_size=args.batch_size, learning_rate=args.lr, pooling=pooling,
                      head=args.head, patience=args.patience, seed=args.seed,
                      dropout=args.dropout, attention_dropout=args.attention_dropout,
                      warmup_ratio=args.warmup_ratio,
                      length_percentile=args.length_percentile, threads=args.threads,
                      init=str(init_dir) if init_dir else None,
                      max_train_seconds=args.max_minutes * 60 if args.max_minutes else None,
                      **overrides(args.set))
    load0, c0, t0 = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
    res = train_classifier(cfg, tok, task.train, task.valid, task.test)
    cpu = cpu_seconds() - c0
    preds = predictions_text(res.test_predictions)
    also = {}
    for n in args.also_test_segmentations:  # the same model, another test-time averaging
        c1 = cpu_seconds()
        metrics, pred = rescore_test(res, tok, task.train, task.test, n)
        also[f"ts{n}"] = {"accuracy": metrics["accuracy"], "mcc": metrics["mcc"],
                          "macro_f1": metrics["macro_f1"], "test_segmentations": n,
                          "test_predictions": predictions_text(pred),
                          "rescore_cpu_seconds": round(cpu_seconds() - c1, 1)}
    m, c = res.metrics, res.costs
    return {"cell": cell, "tokenizer": name, "pooling": pooling, "init": init, "arch": args.arch,
            "head": args.head, "accuracy": m["accuracy"], "mcc": m["mcc"],
            "macro_f1": m["macro_f1"], "cpu_seconds": round(cpu, 1),
            "mlm_cpu_seconds": pre.get("cpu_seconds", 0.0),
            "total_cpu_seconds": round(cpu + pre.get("cpu_seconds", 0.0), 1),
            "mlm_epochs": pre.get("pretrain_config", {}).get("epochs"),
            "mlm_valid_loss": pre.get("best_valid_loss"),
            "wall_seconds": round(time.perf_counter() - t0, 1), "epochs": c["epochs"],
            "best_epoch": res.best_epoch, "learning_rate": res.config.learning_rate,
            "tokens_per_seq": c["mean_tokens_per_seq"], "max_length": c["max_length"],
            "params": c["params"], "load_start": round(load0, 2),
            "load_end": round(os.getloadavg()[0], 2), "history": res.history,
            "seed": args.seed, "set": overrides(args.set), "device": c.get("device"),
            "test_predictions": preds, "also": also,
            "settings": {k: v for k, v in vars(args).items() if k not in ("mirror", "work", "cells")}}


def run_length_logreg(task, args) -> dict:
    """The length-only control: a logistic regression on the read length alone (one-hot
    of 20 length bins cut at training quantiles, plus log length)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from classifier.metrics import classification_metrics
    c0 = cpu_seconds()
    classes = sorted({r.label for r in task.train})
    edges = np.unique(np.quantile([len(r.seq) for r in task.train], np.linspace(0, 1, 21)[1:-1]))

    def features(recs):
        n = np.array([len(r.seq) for r in recs], dtype=float)
        onehot = np.eye(len(edges) + 1)[np.searchsorted(edges, n, side="right")]
        return np.column_stack([onehot, np.log(n)])
    y = np.array([classes.index(r.label) for r in task.train])
    scale = StandardScaler().fit(features(task.train))
    model = LogisticRegression(max_iter=2000, random_state=args.seed).fit(
        scale.transform(features(task.train)), y)
    proba = model.predict_proba(scale.transform(features(task.test)))
    m = classification_metrics(np.array([classes.index(r.label) for r in task.test]), proba,
                               classes)
    cpu = round(cpu_seconds() - c0, 2)
    return {"cell": "length-logreg", "tokenizer": "length-logreg", "pooling": "-", "init": "-",
            "arch": "length-logreg", "head": "-", "accuracy": m["accuracy"], "mcc": m["mcc"],
            "macro_f1": m["macro_f1"], "cpu_seconds": cpu, "mlm_cpu_seconds": 0.0,
            "total_cpu_seconds": cpu, "epochs": 1, "seed": args.seed,
            "test_predictions": predictions_text(proba.argmax(1)),
            "load_end": round(os.getloadavg()[0], 2)}


def run_logreg(task, args) -> dict:
    cfg = TrainConfig(arch="kmer-logreg", kmer_k=6, seed=args.seed)
    c0 = cpu_seconds()
    res = train_classifier(cfg, None, task.train, task.valid, task.test)
    m = res.metrics
    return {"cell": "kmer-logreg:6", "tokenizer": "kmer-logreg:6", "pooling": "-", "init": "-",
            "arch": "kmer-logreg", "head": "-", "accuracy": m["accuracy"], "mcc": m["mcc"],
            "macro_f1": m["macro_f1"], "cpu_seconds": round(cpu_seconds() - c0, 1),
            "mlm_cpu_seconds": 0.0, "total_cpu_seconds": round(cpu_seconds() - c0, 1),
            "epochs": 1, "seed": args.seed, "test_predictions": predictions_text(res.test_predictions),
            "load_end": round(os.getloadavg()[0], 2)}


def to_markdown(res: dict, grid_cells: list[str] | None = None) -> str:
    seeds = sorted({r.get("settings", {}).get("seed", 0) for r in res["cells"].values()})
    seed_text = (f"seed {seeds[0]}" if len(seeds) == 1 else
                 f"seed {seeds[0]} unless the variant names another (the seed also draws the "
                 "validation reads from the training file)")
    lines = [f"# {res.get('title', 'nrc: tokenizer x pooling x pretraining (tiny preset)')}", "",
             f"{res['n_train']} train / {res['n_valid']} valid / {res['n_test']} test (the whole "
             f"official test split), 13 classes, {seed_text}. CPU seconds are user + sys "
             "of the run (fine-tuning incl. evaluation; MLM pretraining on the training reads "
             "counted separately and in the total); load = 1-minute load average at start/end "
             f"on the shared {res['machine']['cpus']}-CPU machine.", "",
             "| tokenizer | pooling | init | variant | arch | head | test accuracy | MCC | macro-F1 | "
             "fine-tune CPU s | MLM CPU s | total CPU s | epochs (best) | lr | tokens/seq | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(res["cells"].values(), key=lambda r: -r["accuracy"]):
        best = "-" if r.get("best_epoch") is None else round(r["best_epoch"], 2)
        lr = r.get("learning_rate")
        lines.append(
            f"| {r['tokenizer']} | {r['pooling']} | {r['init']} | {r.get('tag') or '-'}"
            f"{'' if r.get('seed') is None else ' (seed ' + str(r['seed']) + ')'} | "
            f"{r['arch']} | {r['head']} | "
            f"{r['accuracy']:.4f} | {r['mcc']:.4f} | {r['macro_f1']:.4f} | {r['cpu_seconds']:.0f} | "
            f"{r['mlm_cpu_seconds']:.0f} | {r['total_cpu_seconds']:.0f} | {r['epochs']} ({best}) | "
            f"{'-' if lr is None else f'{lr:.3g}'} | {r.get('tokens_per_seq', '-')} | "
            f"{r.get('load_start', '-')}/{r.get('load_end', '-')} |")
    grid_cells = grid() if grid_cells is None else grid_cells
    missing = [c for c in grid_cells if not any(k.startswith(c) for k in res["cells"])]
    if missing:
        lines += ["", f"Not run ({len(missing)} of {len(grid())} grid cells): "
                  + ", ".join(f"`{c}`" for c in missing) + "."
                  + (f" Why: {res['why_missing']}" if res.get("why_missing") else "")]
    if res.get("notes"):
        lines += ["", res["notes"]]
    return "\n".join(lines) + "\n"


def _key(cell: str, args, seed: int) -> str:
    key = cell + (f"/{args.tag}" if args.tag else "")
    return key + (f"/seed{seed}" if args.seeds_given else "")


def _run_one(cell: str, seed: int, args) -> dict:
    """One cell at one seed (in a worker process with ``--jobs``)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    a = argparse.Namespace(**{**vars(args), "seed": seed})
    task = load_task("nrc", mirror=args.mirror, seed=seed)
    if cell == "length-logreg":
        return run_length_logreg(task, a)
    if cell.startswith("kmer-logreg"):
        return run_logreg(task, a)
    return run_cell(cell, task, Path(args.work), a)


def _train_tokenizer(name: str, seed: int, args) -> str:
    tokenizer(name, load_task("nrc", mirror=args.mirror, seed=seed), Path(args.work), seed,
              args.mirror)
    return name


def main() -> None:
    D = TrainConfig()  # the defaults of `classify train`: the default recipe
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cells", default="bpe:1024/mean/scratch",
                   help="comma-separated TOKENIZER/POOLING/INIT (init: scratch or mlm), "
                        "kmer-logreg:6 or length-logreg")
    p.add_argument("--grid", action="store_true", help="every cell of the grid and the logreg")
    p.add_argument("--arch", default=D.arch)
    p.add_argument("--preset", default=D.preset)
    p.add_argument("--head", default=D.head)
    p.add_argument("--epochs", type=int, default=D.epochs)
    p.add_argument("--batch-size", type=int, default=D.batch_size)
    p.add_argument("--lr", default=str(D.learning_rate), help="a number or auto")
    p.add_argument("--patience", type=int, default=D.patience, help="0: every epoch runs")
    p.add_argument("--dropout", type=float, default=D.dropout)
    p.add_argument("--attention-dropout", type=float, default=D.attention_dropout)
    p.add_argument("--warmup-ratio", type=float, default=D.warmup_ratio)
    p.add_argument("--length-percentile", type=float, default=D.length_percentile)
    p.add_argument("--max-minutes", type=float, default=None, help="wall budget per fine-tuning")
    p.add_argument("--mlm-epochs", type=int, default=3)
    p.add_argument("--mlm-lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--seeds", default=None,
                   help="comma-separated seeds: each cell once per seed, keyed CELL/TAG/seedN")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help="any TrainConfig field (a classify train setting); repeatable")
    p.add_argument("--also-test-segmentations", type=int, action="append", default=[],
                   metavar="N", help="also score each trained model's test split averaged over "
                   "N segmentations (needs --set segmentation_sampling=...): a second row "
                   "keyed CELL/TAG-tsN/seedN from the same training run; repeatable")
    p.add_argument("--jobs", type=int, default=1, help="cells run at a time, each in a process")
    p.add_argument("--tag", default="", help="suffix of the cell key (a variant of a cell)")
    p.add_argument("--why-missing", default=None, help="why the cells not run were not run")
    p.add_argument("--notes", default=None, help="a paragraph under the table (what the tags mean)")
    p.add_argument("--title", default=None, help="the results file's heading")
    p.add_argument("--prefold", action="store_true",
                   help="fold every nrc read into the fold cache first, on every core (structure "
                        "tokenizers then read their folds from it instead of folding in each cell); "
                        "with --set structure_bias=bpp, their pair probabilities too")
    p.add_argument("--mirror", default=os.environ.get("CORPORA_MIRROR"))
    p.add_argument("--work", default="/tmp/nrc-bench", help="cache of tokenizers and MLMs")
    p.add_argument("--results", default=str(RESULTS))
    p.add_argument("--results-name", default="nrc",
                   help="results file stem: nrc, nrc_learned, nrc_structure...")
    args = p.parse_args()
    args.lr = args.lr if args.lr == "auto" else float(args.lr)
    args.seeds_given = args.seeds is not None
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    overrides(args.set)  # a bad --set fails before any work
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    task = load_task("nrc", mirror=args.mirror, seed=seeds[0])
    Path(args.work).mkdir(parents=True, exist_ok=True)
    if args.prefold:
        from tokenizer_lab.structure.parallel import fold_many
        reads = sorted({r.seq for r in task.train + task.valid + task.test}, key=len)
        fold_many(reads)
        if overrides(args.set).get("structure_bias") == "bpp":  # and the pair probabilities
            from tokenizer_lab.structure.pairs import bpp_pairs
            from tokenizer_lab.structure.reads import disk_cache, fold_params
            names = {c.split("/")[0].split("+")[0] for c in args.cells.split(",")
                     if c.count("/") == 2}
            for params in {fold_params(nrc_spec(n, seeds[0])) for n in names}:
                bpp_pairs(reads, params, cache=disk_cache() or False)
    out = Path(args.results)
    path, md = out / f"{args.results_name}.json", out / f"{args.results_name}.md"
    res = json.loads(path.read_text()) if path.is_file() else {"cells": {}}
    res.update({"task": "nrc", "n_train": len(task.train), "n_valid": len(task.valid),
                "n_test": len(task.test),
                "machine": {"cpus": os.cpu_count(), "torch": torch.__version__,
                            "python": platform.python_version(),
                            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available()
                            else None}})
    res.pop("seed", None)  # each cell records its own (settings.seed)
    if args.why_missing:
        res["why_missing"] = args.why_missing
    if args.notes:
        res["notes"] = args.notes
    if args.title:
        res["title"] = args.title
    cells = grid() + ["kmer-logreg:6"] if args.grid else args.cells.split(",")
    runs = [(c, s) for s in seeds for c in cells]
    grid_cells = grid() if args.results_name == "nrc" else []  # only nrc.md is the fixed grid
    mine: dict[str, dict] = {}  # the cells this process ran: only these replace the file's

    def record(cell: str, seed: int, r: dict) -> None:
        key = _key(cell, args, seed)
        r["cell"], r["tag"] = key, args.tag
        mine[key] = r
        for name, scores in r.pop("also", {}).items():  # CELL/TAG-tsN/seedN
            tag = f"{args.tag}-{name}" if args.tag else name
            k2 = _key(cell, argparse.Namespace(**{**vars(args), "tag": tag}), seed)
            mine[k2] = {**r, **scores, "cell": k2, "tag": tag, "rescored_from": key}
        if path.is_file():  # another nrc.py may have added or rerun cells since this one started
            res["cells"] = json.loads(path.read_text())["cells"]
        res["cells"].update(mine)
        log.info("%s: accuracy %.4f MCC %.4f in %.0f CPU s", key, r["accuracy"], r["mcc"],
                 r["total_cpu_seconds"])
        with atomic_write(path) as fh:  # after every cell: a long grid can be stopped
            json.dump(res, fh, indent=2)
        with atomic_write(md) as fh:
            fh.write(to_markdown(res, grid_cells))

    if args.jobs <= 1:
        for cell, seed in runs:
            record(cell, seed, _run_one(cell, seed, args))
    else:
        toks = sorted({(c.split("/")[0], s) for c, s in runs if c.count("/") == 2})
        with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
            for f in as_completed([pool.submit(_train_tokenizer, n, s, args) for n, s in toks]):
                f.result()  # every tokenizer once, before the cells that share it
            futures = {pool.submit(_run_one, c, s, args): (c, s) for c, s in runs}
            for f in as_completed(futures):
                cell, seed = futures[f]
                try:
                    record(cell, seed, f.result())
                except Exception as exc:  # one failed cell must not lose the others
                    log.error("%s seed %d failed: %r", cell, seed, exc)
    print(to_markdown(res, grid_cells))


if __name__ == "__main__":
    main()
