"""Why structure tokens lose: numbers on an ablation's own test split (its seed-0 tokenizers).

    .venv/bin/python benchmarks/hairpin_why.py CONFIG.toml ABLATION_FOLDER

For each tokenizer of the grid: tokens per read, planted hairpin and linear motifs as
exactly one token, and consistency (for each planted motif string, the share of its
occurrences cut the way it is cut most often); then how the planted hairpins fold
(exactly one hairpin unit; inside one piece of the cut text). Prints the numbers and
writes ABLATION_FOLDER/why.json.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from collections import Counter, defaultdict  # noqa: E402
from classifier.ablation.config import load_config  # noqa: E402
from classifier.ablation.data import load_split  # noqa: E402
from tokenizer_lab import load_tokenizer  # noqa: E402
from tokenizer_lab.motif_recovery import motif_recovery  # noqa: E402
from tokenizer_lab.structure.reads import structures  # noqa: E402
from tokenizer_lab.structure.hairpins import hairpin_units, unit_segments  # noqa: E402

cfg = load_config(sys.argv[1])
out = sys.argv[2]
split, _ = load_split(cfg)
test = list(split.test)
truth = [[m for m in (r.meta or {}).get("motifs") or []] for r in test]
rows = {}
for t in cfg.tokenizers:
    tok = load_tokenizer(f"{out}/runs/{t.slug}.seed0/tokenizer")
    rec = motif_recovery(tok, zip([r.seq for r in test], truth))
    # consistency: same planted string -> same tokenization?
    by = defaultdict(Counter)
    for r, ms in zip(test, truth):
        spans = tok.token_spans(r.seq)
        for m in ms:
            a, b = m["start"], m["end"]
            cut = tuple((max(s, a) - a, min(e, b) - a) for s, e in spans if s < b and e > a)
            by[(m["kind"], r.seq[a:b])][cut] += 1
    cons = {}
    for kind in ("hairpin", "linear"):
        cs = [c for (k, _), c in by.items() if k == kind]
        n = sum(sum(c.values()) for c in cs)
        cons[kind] = round(sum(c.most_common(1)[0][1] for c in cs) / n, 3) if n else None
    ntok = sum(len(tok.tokenize(r.seq)) for r in test) / len(test)
    row = {"tokens_per_read": round(ntok, 2),
           **{f"{k}_exact1": v["exact1"] for k, v in rec["by_kind"].items()},
           **{f"{k}_consistency": v for k, v in cons.items()}}
    meta = tok.meta.get("hairpin_vocab")
    if meta:
        row["hairpin_tokens"] = meta["hairpin_tokens"]
    rows[t.label] = row
    print(t.label, row, flush=True)
# folding ceiling on the test split (DNA parameters as the struct tokenizers use)
slug = next(t.slug for t in cfg.tokenizers if t.algorithm == "hairpin-vocab")
tok = load_tokenizer(f"{out}/runs/{slug}.seed0/tokenizer")
sts = structures([tok.normalize(r.seq) for r in test], tok.spec)
n = unit = piece = 0
for r, st, ms in zip(test, sts, truth):
    lo, hi = tok.primers.body(tok.normalize(r.seq))
    for m in ms:
        if m["kind"] != "hairpin":
            continue
        n += 1
        unit += (m["start"], m["end"]) in hairpin_units(st)
        piece += any(s <= m["start"] and m["end"] <= e for s, e, _ in unit_segments(st, lo, hi))
fold = {"planted_hairpins": n, "exact_unit": round(unit / n, 3) if n else None,
        "inside_one_piece": round(piece / n, 3) if n else None}
print("planted hairpins in test", fold)
json.dump({"rows": rows, "fold": fold}, open(out + "/why.json", "w"), indent=1)
