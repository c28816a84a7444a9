"""The explain pipeline: a loaded model directory and records in, one JSON document out.

The model comes through the same loader as ``classify evaluate``
(:func:`classifier.artifacts.load_model_dir`), sequences through the tokenizer saved
with it, cut to the model's length as in training.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..artifacts import LoadedModel, load_model_dir
from ..data import encode
from ..evaluate import model_features
from ..errors import ClassifierError
from ..metrics import softmax
from ..runtime import set_threads
from .attribute import integrated_gradients
from .config import ExplainConfig
from .motifs import cluster_windows
from .spread import spread, top_windows
from .structure import element_shares, fold_reads

log = logging.getLogger(__name__)
FORMAT = "aptamer-tokenizer-lab/explain"
METHOD = ("integrated gradients (captum LayerIntegratedGradients) on the input-embedding layer, "
          "target logit; baseline: every sequence token replaced by {baseline}, [CLS]/[SEP]/primer "
          "tokens kept; token attribution = sum over embedding dimensions; each token's attribution "
          "spread evenly over its nucleotides and summed per nucleotide (overlapping k-mers: an "
          "inner nucleotide gets the mean of the k tokens covering it); a model with structure or k-mer "
          "inputs gets the read's own inputs in the baseline too")


def _fixed_ids(tok) -> set[int]:
    from tokenizer_lab.spec import PRIMER_TOKENS, SPECIAL_TOKENS

    vocab = tok.hf.get_vocab()
    return set(range(len(SPECIAL_TOKENS))) | {vocab[t] for t in PRIMER_TOKENS if t in vocab}


def _check(loaded: LoadedModel, config: ExplainConfig) -> int | None:
    if loaded.baseline is not None:
        raise ClassifierError(f"{loaded.path}: a kmer-logreg model has no token embeddings to "
                              "attribute; explain a neural model (classify train --arch albert ...)")
    if config.target is None:
        return None
    if config.target not in loaded.classes:
        raise ClassifierError(f"--target {config.target!r} is not a class of {loaded.path}; "
                              f"expected one of {loaded.classes}")
    return loaded.classes.index(config.target)


def explain_records(loaded: LoadedModel, records, config: ExplainConfig = ExplainConfig()) -> dict:
    """Attributions, predictions and motifs of ``records`` (see ``explain.json``)."""
    target = _check(loaded, config)
    records = list(records)
    if not records:
        raise ClassifierError("no sequences to explain; expected at least one record")
    tok, classes = loaded.tokenizer, loaded.classes
    set_threads(config.threads or loaded.config.threads)
    t0 = time.process_time()
    from tokenizer_lab.structure.view import is_structure_aware

    structured = is_structure_aware(tok)
    norm = [tok.normalize(r.seq) for r in records]
    do_fold = config.fold == "yes" or (config.fold == "auto" and structured)
    # folded in one parallel, cached batch; a structure tokenizer then finds its folds
    folds = fold_reads(tok, norm) if do_fold or structured else None
    ids = encode(tok, records, loaded.max_length, loaded.config.truncation, "explain")
    replace = {"pad": tok.pad_token_id, "unk": 1, "mask": 4}[config.baseline]
    atts = integrated_gradients(loaded.model, ids, tok.pad_token_id, _fixed_ids(tok), replace,
                                target, config.n_steps, config.batch_size,
                                features=model_features(loaded, records))
    folds = folds if do_fold else None
    seqs = []
    for k, (rec, seq, a, row) in enumerate(zip(records, norm, atts, ids)):
        tokens, spans = tok.tokenize(seq), [tuple(s) for s in tok.token_spans(seq)]
        kept = len(row) - 2  # [CLS] ... [SEP]
        tattr = a.token_attr[1:1 + kept]
        probs = softmax(a.logits[None])[0]
        item = {"id": rec.id, "sequence": seq, "label": rec.label,
                "target": classes[a.target], "prediction": classes[int(np.argmax(a.logits))],
                "probabilities": {c: round(float(p), 6) for c, p in zip(classes, probs)},
                "logit": round(float(a.logits[a.target]), 6),
                "baseline_logit": round(a.baseline_logit, 6), "delta": round(a.delta, 6),
                "tokens": [{"token": t, "start": s, "end": e, "attribution": round(float(v), 6)}
                           for t, (s, e), v in zip(tokens, spans, tattr)],
                "cut_tokens": len(tokens) - kept,
                "nucleotide_attributions": [None if np.isnan(v) else round(float(v), 6)
                                            for v in spread(spans[:kept], tattr, len(seq))]}
        if folds is not None:
            item["structure"], item["elements"] = folds[k]
        seqs.append(item)
    motifs = find_motifs(seqs, classes, config, "ACGT" if tok.spec.alphabet == "dna" else "ACGU")
    deltas = np.array([abs(s["delta"]) for s in seqs])
    diffs = np.array([abs(s["logit"] - s["baseline_logit"]) for s in seqs])
    return {"format": FORMAT, "version": 1, "model": str(loaded.path),
            "tokenizer": {"algorithm": tok.spec.algorithm, "vocab_size": tok.vocab_size,
                          "structure_aware": structured},
            "classes": classes, "config": config.to_dict(),
            "method": METHOD.format(baseline={"pad": "[PAD]", "unk": "[UNK]", "mask": "[MASK]"}[config.baseline]),
            "summary": {"sequences": len(seqs), "folded": do_fold,
                        "max_abs_delta": round(float(deltas.max()), 6),
                        "mean_abs_delta": round(float(deltas.mean()), 6),
                        "mean_abs_logit_difference": round(float(diffs.mean()), 6),
                        "cpu_seconds": round(time.process_time() - t0, 2)},
            "sequences": seqs, "motifs": motifs}


def find_motifs(seqs: list[dict], classes: list[str], config: ExplainConfig, letters: str) -> dict:
    """Per explained class: its top motifs, with element shares where reads were folded."""
    by_class: dict[str, list[int]] = defaultdict(list)
    for k, s in enumerate(seqs):
        by_class[s["target"]].append(k)
    out = {}
    for c in classes:
        members = by_class.get(c, [])
        windows = [(k, start, score) for k in members
                   for start, score in top_windows(
                       np.array([np.nan if v is None else v for v in seqs[k]["nucleotide_attributions"]]),
                       config.window, config.windows_per_sequence)]
        found = cluster_windows([s["sequence"] for s in seqs], windows, config.window, config.flank,
                                config.max_mismatches, config.min_support, config.top_motifs, letters)
        for m in found:
            m["share_of_class"] = round(m["support"] / len(members), 4) if members else 0.0
            if "elements" in seqs[0]:
                m["elements"] = element_shares([s["elements"] for s in seqs],
                                               [(x["seq"], x["start"], x["end"]) for x in m["members"]])
            for x in m["members"]:
                x["id"] = seqs[x["seq"]]["id"]
        out[c] = found
    return out


def explain_file(model_dir: str | Path, records, out_dir: str | Path,
                 config: ExplainConfig = ExplainConfig()) -> dict:
    """Load ``model_dir``, explain ``records``, write ``out_dir``; returns the document."""
    loaded = load_model_dir(model_dir)
    doc = explain_records(loaded, records, config)
    write_explain(doc, out_dir)
    return doc


def write_explain(doc: dict, out_dir: str | Path) -> Path:
    """``explain.json``, ``explain.html`` and ``logos/*.png``, written all at once."""
    from .report import write_report

    return write_report(doc, out_dir)
