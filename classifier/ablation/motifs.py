"""Top motifs of each tokenizer's best run, for the ablation report (``explain_motifs``).

For every tokenizer of the grid (not the k-mer baseline), the seed with the best test
``primary_metric`` is explained with ``classify explain`` on up to ``MAX_SEQUENCES``
test reads; its ``explain/`` folder lands in the run folder (kept: a rerun reads it
back) and the top motifs per class go into ``results.json`` under ``"motifs"``, so
tokenizers are compared on what their models found, not only on accuracy.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)
MAX_SEQUENCES = 500


def best_runs(runs: list[dict], metric: str) -> dict[str, str]:
    """Tokenizer label -> run id of its best seed (model runs only).

    >>> best_runs([{"tokenizer": "char", "kind": "model", "run_id": "a", "metrics": {"mcc": 0.2}},
    ...            {"tokenizer": "char", "kind": "model", "run_id": "b", "metrics": {"mcc": 0.5}}], "mcc")
    {'char': 'b'}
    """
    best: dict[str, tuple[float, str]] = {}
    for r in runs:
        v = (r.get("metrics") or {}).get(metric)
        if r.get("kind") != "model" or v is None:
            continue
        if r["tokenizer"] not in best or v > best[r["tokenizer"]][0]:
            best[r["tokenizer"]] = (v, r["run_id"])
    return {t: rid for t, (_, rid) in best.items()}


def best_run_motifs(runs: list[dict], metric: str, run_root: Path, test: list) -> dict:
    """{tokenizer: {"run", "sequences", "classes": {class: [top motifs, members dropped]}}}."""
    from classifier.artifacts import load_model_dir
    from classifier.explain import ExplainConfig, explain_records, write_explain

    out = {}
    for label, run_id in best_runs(runs, metric).items():
        folder = run_root / run_id / "explain"
        if (folder / "explain.json").is_file():
            doc = json.loads((folder / "explain.json").read_text())
        else:
            log.info("explaining %s (%d test reads)", run_id, min(len(test), MAX_SEQUENCES))
            doc = explain_records(load_model_dir(run_root / run_id / "model"), test[:MAX_SEQUENCES],
                                  ExplainConfig())
            write_explain(doc, folder)
        out[label] = {"run": run_id, "sequences": len(doc["sequences"]),
                      "classes": {c: [{k: v for k, v in m.items() if k not in ("members", "counts")}
                                      for m in ms] for c, ms in doc["motifs"].items()}}
    return out


def motif_blocks(motifs: dict) -> list[tuple]:
    """Report blocks: one table row per tokenizer, class and motif rank."""
    if not motifs:
        return []
    rows = []
    for label, m in motifs.items():
        for c, ms in m["classes"].items():
            for rank, x in enumerate(ms, 1):
                e = x.get("elements") or {}
                rows.append([label, m["run"], c, str(rank), f"`{x['consensus']}`", str(x["support"]),
                             f"{x['mean_attribution']:.3g}",
                             *(f"{e[k]:.2f}" if k in e else "-" for k in ("hairpin loop", "stem", "other"))])
    return [("h2", "Top motifs of the best run per tokenizer"),
            ("p", "`classify explain` on the best seed of each tokenizer (at most "
                  f"{MAX_SEQUENCES} test reads): high-attribution windows clustered per class; "
                  "logos and every sequence in each run folder's `explain/explain.html`."),
            ("table", ["tokenizer", "run", "class", "rank", "consensus", "sequences",
                       "mean attribution", "hairpin loop", "stem", "other"], rows)]
