"""results.json: the one file every report is rendered from.

Each finished run leaves ``runs/<run_id>/result.json`` (schema below); this
module gathers them, adds the per-tokenizer summary (mean ± sd over seeds) and
the paired comparisons against the best tokenizer (Holm-corrected), and writes
``results.json`` and ``results.csv``. The report modules only read that JSON.

A run result::

    {"run_id": "bpe-512.seed0", "tokenizer": "bpe:512", "kind": "model",
     "algorithm": "bpe", "vocab_size": 512, "k": null, "seed": 0,
     "metrics": {"accuracy": .., "macro_f1": .., "mcc": .., "auroc": ..},
     "costs": {"vocab_size": .., "tokenizer_train_s": .., "tokens_per_seq": .., "params": ..,
               "train_s": .., "train_seqs_per_s": .., "peak_mem_mb": ..},
     "intrinsic": {"random_region_nt_per_token": .., "boundary_f1": .., ...},
     "history": [{"epoch": 1, "train_loss": .., "eval_loss": ..}, ...],
     "confusion": {"labels": [..], "matrix": [[..], ..]}}
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from labkit.atomic import atomic_write
from labkit.documents import read_document

from ..config import SCORES
from .stats import ALPHA, holm, mean_sd, paired_test

SCHEMA = "aptamer-tokenizer-lab/ablation-results"
VERSION = 1
COSTS = ("vocab_size", "tokenizer_train_s", "tokens_per_seq", "params", "train_s",
         "train_seqs_per_s", "peak_mem_mb")


def summarize(runs: Sequence[dict], primary: str = "accuracy") -> dict:
    """Per-tokenizer summary, best tokenizer per metric and paired comparisons.

    The best is chosen among the tokenizers (``kind == "model"``); baselines are
    compared with it like every other entry (and count in Holm's correction).

    >>> runs = [{"tokenizer": t, "seed": s, "kind": "model",
    ...          "metrics": {"accuracy": a}} for t, s, a in
    ...         [("a", 0, 0.9), ("a", 1, 0.8), ("b", 0, 0.7), ("b", 1, 0.7)]]
    >>> s = summarize(runs)
    >>> s["best"], s["summary"][0]["metrics"]["accuracy"]["mean"]
    ('a', 0.85)
    >>> s["comparisons"]["accuracy"]["rows"][0]["tokenizer"]
    'b'
    """
    order: list[str] = []
    by_tok: dict[str, list[dict]] = {}
    for r in runs:
        if r["tokenizer"] not in by_tok:
            order.append(r["tokenizer"])
        by_tok.setdefault(r["tokenizer"], []).append(r)
    summary = []
    for tok in order:
        rs = sorted(by_tok[tok], key=lambda r: r["seed"])
        first = rs[0]
        entry = {"tokenizer": tok, "kind": first.get("kind", "model"),
                 "algorithm": first.get("algorithm"), "vocab_size": first.get("vocab_size"),
                 "k": first.get("k"), "n_seeds": len(rs), "seeds": [r["seed"] for r in rs],
                 "metrics": {}, "costs": {}, "intrinsic": {}}
        for group, names in (("metrics", SCORES), ("costs", COSTS),
                             ("intrinsic", _keys(rs, "intrinsic"))):
            for name in names:
                vals = [(r.get(group) or {}).get(name) for r in rs]
                mean, sd = mean_sd([v for v in vals if isinstance(v, (int, float))])
                entry[group][name] = {"mean": mean, "sd": sd, "values": vals}
        summary.append(entry)
    comparisons = {m: _compare(summary, by_tok, m) for m in SCORES}
    best = comparisons[primary]["reference"]
    best_run = None
    if best is not None:
        cands = [r for r in by_tok[best] if (r.get("metrics") or {}).get(primary) is not None]
        if cands:
            best_run = max(cands, key=lambda r: (r["metrics"][primary], -r["seed"])).get("run_id")
    return {"primary_metric": primary, "summary": summary, "best": best, "best_run": best_run,
            "comparisons": comparisons, "alpha": ALPHA}


def _compare(summary: list[dict], by_tok: dict[str, list[dict]], metric: str) -> dict:
    scored = [e for e in summary if e["metrics"][metric]["mean"] is not None]
    if not scored:
        return {"metric": metric, "reference": None, "rows": []}
    # the reference is the best *tokenizer*; the baseline is compared with it like the rest
    models = [e for e in scored if e.get("kind", "model") == "model"] or scored
    ref = max(models, key=lambda e: e["metrics"][metric]["mean"])["tokenizer"]
    ref_by_seed = {r["seed"]: r["metrics"].get(metric) for r in by_tok[ref]}
    rows = []
    for e in summary:
        if e["tokenizer"] == ref:
            continue
        mine = {r["seed"]: (r.get("metrics") or {}).get(metric) for r in by_tok[e["tokenizer"]]}
        seeds = sorted(s for s in mine if s in ref_by_seed
                       and mine[s] is not None and ref_by_seed[s] is not None)
        res = paired_test([ref_by_seed[s] for s in seeds], [mine[s] for s in seeds])
        rows.append({"tokenizer": e["tokenizer"], "seeds": seeds, **res.to_dict()})
    for key, src in (("p_holm", "p"), ("p_wilcoxon_holm", "p_wilcoxon")):
        for row, adj in zip(rows, holm([r[src] for r in rows])):
            row[key] = adj
    for row in rows:
        row["significant"] = row["p_holm"] is not None and row["p_holm"] < ALPHA
    return {"metric": metric, "reference": ref, "rows": rows}


def _keys(runs: Sequence[dict], group: str) -> list[str]:
    keys: list[str] = []
    for r in runs:
        for k, v in (r.get(group) or {}).items():
            if k not in keys and (isinstance(v, (int, float)) or v is None):
                keys.append(k)
    return keys


def build_results(runs: Sequence[dict], *, config: dict, data: dict, command: str,
                  versions: dict, primary: str, missing: Sequence[str] = (),
                  name: str = "ablation") -> dict:
    """Assemble the results.json document (runs in grid order)."""
    return {"schema": SCHEMA, "version": VERSION, "name": name, "command": command,
            "versions": versions, "config": config, "data": data,
            "runs": list(runs), "missing": list(missing), **summarize(runs, primary)}


def write_results(results: dict, out_dir: str | Path) -> None:
    """results.json and results.csv (one row per run), each written atomically."""
    out_dir = Path(out_dir)
    with atomic_write(out_dir / "results.json") as fh:
        json.dump(results, fh, indent=1, sort_keys=False, default=_json_default)
        fh.write("\n")
    with atomic_write(out_dir / "results.csv") as fh:
        fh.write(results_csv(results))


def results_csv(results: dict) -> str:
    """One row per run: identity, metrics, costs and intrinsic stats.

    >>> print(results_csv({"runs": [{"run_id": "char.seed0", "tokenizer": "char",
    ...     "kind": "model", "seed": 0, "metrics": {"accuracy": 0.5}}]}).strip())
    run_id,tokenizer,kind,algorithm,vocab_size,k,seed,accuracy,macro_f1,mcc,auroc,vocab_actual,tokenizer_train_s,tokens_per_seq,params,train_s,train_seqs_per_s,peak_mem_mb
    char.seed0,char,model,,,,0,0.5,,,,,,,,,,
    """
    runs = results["runs"]
    intrinsic = _keys(runs, "intrinsic")
    head = ["run_id", "tokenizer", "kind", "algorithm", "vocab_size", "k", "seed",
            *SCORES, *("vocab_actual" if c == "vocab_size" else c for c in COSTS), *intrinsic]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for r in runs:
        row = [r.get(h) for h in head[:7]]
        row += [(r.get("metrics") or {}).get(m) for m in SCORES]
        row += [(r.get("costs") or {}).get(c) for c in COSTS]
        row += [(r.get("intrinsic") or {}).get(i) for i in intrinsic]
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def load_results(path: str | Path) -> dict:
    from .config import AblationError
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    doc = read_document(path, json.loads, "JSON", "no results.json (run `classify ablate` first)",
                        AblationError)
    if doc.get("schema") != SCHEMA:
        raise AblationError(f"{path}: not an ablation results file "
                            f"(schema {doc.get('schema')!r}, expected {SCHEMA!r})")
    return doc


def _json_default(o):
    try:
        import numpy as np
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"cannot write {type(o).__name__} to JSON")
