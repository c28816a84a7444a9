"""The model card (README.md) of a model directory, rendered from its JSON files.

>>> text = render_card({"arch": "albert", "preset": "tiny", "seed": 0, "epochs": 2},
...                    {"classes": ["a", "b"], "max_length": 12, "data": {"train": "t.csv"},
...                     "tokenizer": {"algorithm": "bpe", "vocab_size": 40}},
...                    {"test": {"n": 4, "accuracy": 0.75, "macro_f1": 0.73, "mcc": 0.57,
...                              "auroc": 1.0, "majority_baseline": {"accuracy": 0.5, "label": "a"},
...                              "per_class": {}}, "costs": {"params": 1000}})
>>> text.splitlines()[0], "| accuracy | 0.7500 |" in text
('---', True)
"""

from __future__ import annotations

from .train_config import TrainConfig

import json

from .train_config import SCORES


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.4f}" if isinstance(v, float) else str(v)


def _our_head(config: dict) -> bool:
    """True when the model is classifier.heads' class (not the stock [CLS] one)."""
    return (config.get("arch") != "kmer-logreg" and "pooling" in config
            and (config["pooling"], config.get("head")) != ("cls", "linear"))


def render_card(config: dict, info: dict, metrics: dict) -> str:
    """Markdown with hub front matter: data, tokenizer, model, metrics, intended use."""
    classes = info.get("classes", [])
    evald = metrics.get("test") or metrics.get("valid") or {}
    split = "test" if metrics.get("test") else "validation"
    arch = config.get("arch", TrainConfig().arch)
    lines = [
        "---",
        "library_name: transformers" if arch != "kmer-logreg" else "library_name: sklearn",
        "pipeline_tag: text-classification",
        "tags: [aptamer, rna, dna, sequence-classification, aptamer-tokenizer-lab]",
        "---",
        "",
        f"# {arch} sequence classifier ({len(classes)} classes)",
        "",
        "Trained from scratch with Aptamer Tokenizer Lab (`classify train`).",
        "",
        "## Data",
        "",
        "```json",
        json.dumps(info.get("data", {}), indent=2, sort_keys=True),
        "```",
        "",
        f"Classes (id order): {', '.join(f'`{c}`' for c in classes)}.",
        "",
        "## Tokenizer",
        "",
        "```json",
        json.dumps(info.get("tokenizer", {}), indent=2, sort_keys=True),
        "```",
        "",
        f"Maximum length {info.get('max_length')} tokens including [CLS] and [SEP]. "
        "The tokenizer files and `lab.json` are in this folder; raw nucleotide sequences are "
        "turned into tokenizer input by `tokenizer_lab.load_tokenizer(dir).prepare(seq)`.",
        "",
        "## Model and training",
        "",
        "```json",
        json.dumps(config, indent=2, sort_keys=True),
        "```",
        "",
        f"## Metrics ({split} set, {evald.get('n', 0)} sequences)",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for key in SCORES:
        lines.append(f"| {key} | {_fmt(evald.get(key))} |")
    base = evald.get("majority_baseline", {})
    lines.append(f"| majority baseline accuracy (always `{base.get('label')}`) | "
                 f"{_fmt(base.get('accuracy'))} |")
    per = evald.get("per_class", {})
    if per:
        lines += ["", "| class | precision | recall | f1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {c} | {_fmt(v['precision'])} | {_fmt(v['recall'])} | {_fmt(v['f1'])} | "
                  f"{v['support']} |" for c, v in per.items()]
    costs = metrics.get("costs", {})
    if costs:
        lines += ["", "Costs: " + ", ".join(f"{k} {v}" for k, v in costs.items()) + "."]
    lines += [
        "",
        "## Use",
        "",
        "```python",
        *(["import classifier.heads  # registers the pooling head with the Auto classes"]
          if _our_head(config) else []),
        "from transformers import AutoModelForSequenceClassification, AutoTokenizer",
        "model = AutoModelForSequenceClassification.from_pretrained(DIR)",
        "tok = AutoTokenizer.from_pretrained(DIR)",
        "```",
        "",
        "or `classify predict --model DIR --data new.fasta --out predictions.csv`.",
        "",
        "## Intended use and limits",
        "",
        "Research on aptamer and RNA sequence classification and on how tokenization changes "
        "it. The model knows only the classes above and sequences like its training data; "
        "it is not validated for diagnostic or therapeutic decisions. Plots of the training "
        "curves and the confusion matrix are in `plots/`, per-epoch values in `history.csv`.",
        "",
    ]
    return "\n".join(lines)
