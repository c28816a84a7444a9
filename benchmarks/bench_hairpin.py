"""Whole hairpins as tokens (issue 10): how many planted hairpins become one token, and why not more.

    .venv/bin/python benchmarks/bench_hairpin.py [--vocab-sizes 256,1024]

Simulates the default library (``corpora simulate``: 8,000 DNA reads, seed 0) and a
held-out one (seed 1, 2,000 reads), trains on the first and measures on both with
``tokenizer_lab.stats_report.compare_tokenizers`` (the numbers ``tokenizer-lab stats``
prints): planted hairpin motif = 1 token, hairpin unit = 1 / <= 2 tokens, tokens
crossing a unit end, tokens per read. Then the reasons:

- folding: share of planted hairpins that fold as exactly one hairpin unit, and that
  lie inside one piece of the cut text (what any tokenizer that respects the fold can
  make one token at most);
- vocabulary: for hairpin-vocab, the share of planted hairpins whose exact sequence
  is a vocabulary token, and how often the hairpin tokens are used;
- consistency: for each planted motif string, the share of its occurrences that get
  its most common tokenization (plain tokenizers cut a string the same way wherever
  it is; fold-dependent ones need not).

Writes results/hairpin_target.{json,md} with the command, CPU seconds and the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpora.selex import write_library  # noqa: E402
from corpora.simulate import SelexConfig, simulate  # noqa: E402
from labkit.atomic import atomic_write  # noqa: E402
from tokenizer_lab import train_tokenizer  # noqa: E402
from tokenizer_lab.stats_report import compare_tokenizers  # noqa: E402
from tokenizer_lab.structure import hairpin_vocab  # noqa: E402
from tokenizer_lab.structure.hairpins import DEFAULT_MAX_INTERNAL, DEFAULT_MIN_STEM  # noqa: E402
from tokenizer_lab.structure.hairpins import hairpin_units, unit_segments  # noqa: E402
from tokenizer_lab.structure.measures import structure_scores  # noqa: E402
from tokenizer_lab.structure.reads import structures  # noqa: E402

OLD = {"PLACE": False, "COUNT": "units", "CHILDREN": "max", "SPLIT": 0.5, "RANK": "count"}
"""hairpin-vocab's constants before placing and read counts (results/hairpin_target.md of 9ae4e22)."""
RUNS = [("bpe", {"algorithm": "bpe"}), ("unigram", {"algorithm": "unigram"}),
        ("struct-bpe", {"algorithm": "struct-bpe"}),
        ("struct-bpe[unit=hairpin]", {"algorithm": "struct-bpe", "unit": "hairpin"}),
        ("struct-unigram[unit=hairpin]", {"algorithm": "struct-unigram", "unit": "hairpin"}),
        ("hairpin-vocab[old selection; no placing]", {"algorithm": "hairpin-vocab", "consts": OLD}),
        ("hairpin-vocab[hairpin_tokens=V/2; old selection; no placing]",
         {"algorithm": "hairpin-vocab", "half": True, "consts": OLD}),
        ("hairpin-vocab[hairpin_tokens=V/2; no placing]",
         {"algorithm": "hairpin-vocab", "half": True, "consts": {"PLACE": False}}),
        ("hairpin-vocab", {"algorithm": "hairpin-vocab"}),
        ("hairpin-vocab[hairpin_tokens=V/2]", {"algorithm": "hairpin-vocab", "half": True}),
        *((f"hairpin-vocab[hairpin_tokens=V/2; min_stem={m}]",
           {"algorithm": "hairpin-vocab", "half": True, "min_stem": m}) for m in (4, 5, 6))]
"""(row name, train_tokenizer options); ``consts`` sets hairpin_vocab's module constants
for that row's training only (encoding reads what lab.json recorded)."""


def cpu() -> float:
    r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


@contextmanager
def patched(module, values: dict):
    """Set module constants for the duration (training reads them; encoding reads lab.json)."""
    old = {k: getattr(module, k) for k in values}
    for k, v in values.items():
        setattr(module, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(module, k, v)


def planted(records):
    for r in records:
        for m in r.meta["motifs"]:
            if m["kind"] == "hairpin":
                yield r, m["start"], m["end"]


def folding(tok, records, train_reads: Counter) -> dict:
    """Shares of planted hairpins that fold as one unit / lie inside one piece / have no
    unit end inside them (what placing can make one token at most) / have, besides, their
    sequence in >= 2 training reads (the most a vocabulary of exact sequences seen twice,
    placed, can make one token: ``train_reads`` counts reads per motif string)."""
    seqs = [tok.normalize(r.seq) for r in records]
    sts = dict(zip(seqs, structures(seqs, tok.spec)))
    n = unit = piece = free = ceiling = 0
    for r, a, b in planted(records):
        seq = tok.normalize(r.seq)
        st = sts[seq]
        n += 1
        unit += (a, b) in hairpin_units(st, tok.spec.max_internal, tok.spec.min_stem)
        lo, hi = tok.primers.body(r.seq)
        pieces = unit_segments(st, lo, hi, tok.spec.max_internal, tok.spec.min_stem)
        piece += any(s <= a and b <= e for s, e, _ in pieces)
        ok = not any(s < b and a < e and not (s <= a and b <= e) for s, e, k in pieces if k == "U")
        free += ok
        ceiling += ok and train_reads[seq[a:b]] >= 2
    return {"planted_hairpins": n, "fold_exact_unit": round(unit / n, 4),
            "fold_inside_one_piece": round(piece / n, 4), "fold_no_unit_end_inside": round(free / n, 4),
            "ceiling_seen_twice": round(ceiling / n, 4)}


def default_unit_crossing(tok, records) -> float:
    """unit_crossing with units as the default settings define them (max_internal 0,
    min_stem 3): the same number unless the row changes them."""
    seqs = [tok.normalize(r.seq) for r in records]
    items = ((tok.token_spans(s), st, tok.primers.body(s)) for s, st in zip(seqs, structures(seqs, tok.spec)))
    return structure_scores(items, DEFAULT_MAX_INTERNAL, DEFAULT_MIN_STEM)["unit_crossing"]


def consistency(tok, records) -> float:
    """Mean over planted motif strings (weighted by occurrences) of the modal tokenization's share."""
    by: dict[str, Counter] = defaultdict(Counter)
    for r, a, b in planted(records):
        spans = tok.token_spans(r.seq)
        cut = tuple((max(s, a) - a, min(e, b) - a) for s, e in spans if s < b and e > a)
        by[r.seq[a:b]][cut] += 1
    n = sum(sum(c.values()) for c in by.values())
    return round(sum(c.most_common(1)[0][1] for c in by.values()) / n, 4)


def in_vocab(tok, records) -> float:
    vocab = tok.hf.get_vocab()
    hits = [tok.normalize(r.seq)[a:b] in vocab for r, a, b in planted(records)]
    return round(sum(hits) / len(hits), 4)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vocab-sizes", default="256,1024")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    ap.add_argument("--only", default="", help="comma-separated row names (default: all)")
    args = ap.parse_args(argv)
    t0, c0 = time.time(), cpu()
    tmp = Path(tempfile.mkdtemp())
    train_lib, test_lib = tmp / "default.fasta", tmp / "heldout.fasta"
    write_library(simulate(SelexConfig(seed=0)), train_lib)
    test_recs = list(simulate(SelexConfig(seed=1, reads_per_round=500)))
    write_library(test_recs, test_lib)
    train_recs = list(simulate(SelexConfig(seed=0)))
    motifs = {r.seq[a:b] for recs in (train_recs, test_recs) for r, a, b in planted(recs)}
    train_reads = hairpin_vocab.read_counts([r.seq[r.meta["primer5"][1]:r.meta["primer3"][0]]
                                             for r in train_recs], motifs)
    rows = []
    for v in [int(x) for x in args.vocab_sizes.split(",")]:
        for name, kw in RUNS:
            if args.only and name not in args.only.split(","):
                continue
            kw = dict(kw, vocab_size=v, alphabet="dna")
            if kw.pop("half", False):
                kw["hairpin_tokens"] = v // 2
            consts = kw.pop("consts", {})
            c1 = cpu()
            with patched(hairpin_vocab, consts):
                tok = train_tokenizer([train_lib], **kw)
            train_cpu = cpu() - c1
            row = {"tokenizer": name, "vocab_size": v, "train_cpu_s": round(train_cpu, 1),
                   "hairpin_tokens": (tok.meta.get("hairpin_vocab") or {}).get("hairpin_tokens")}
            for split, lib, recs in (("train", train_lib, train_recs), ("heldout", test_lib, test_recs)):
                t = compare_tokenizers(lib, [(name, tok)], structure=True)["tokenizers"][0]
                hp = t["motifs"]["by_kind"]["hairpin"]
                row[split] = {"planted_hairpin_exact1": hp["exact1"], "planted_hairpin_exact2": hp["exact2"],
                              "unit_exact1": t["structure"]["unit_exact1"],
                              "unit_exact2": t["structure"]["unit_exact2"],
                              "unit_crossing": t["structure"]["unit_crossing"],
                              "tokens_per_read": t["tokens_per_sequence"]["mean"],
                              "vocab_used": t["vocab_used"], "consistency": consistency(tok, recs),
                              "hairpin_in_vocab": in_vocab(tok, recs),
                              "default_unit_crossing": default_unit_crossing(tok, recs), **folding(tok, recs, train_reads)}
            rows.append(row)
            print(name, v, row["train"]["planted_hairpin_exact1"], row["heldout"]["planted_hairpin_exact1"],
                  flush=True)
    result = {"command": "python benchmarks/bench_hairpin.py " + " ".join(argv or sys.argv[1:]),
              "cpu_s": round(cpu() - c0, 1), "wall_s": round(time.time() - t0, 1),
              "load_avg": os.getloadavg(), "rows": rows}
    args.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(args.out / "hairpin_target.json") as fh:
        json.dump(result, fh, indent=1)
    with atomic_write(args.out / "hairpin_target.md") as fh:
        fh.write(render(result))
    return result


def render(res: dict) -> str:
    head = ("| tokenizer | vocab | hairpin tokens | split | planted hairpin = 1 token | <= 2 tokens | "
            "unit = 1 token | unit <= 2 tokens | tokens crossing unit ends | "
            "tokens crossing default unit ends | tokens/read | "
            "consistency | hairpin in vocab | fold: exact unit | fold: inside one piece | "
            "fold: no unit end inside | ceiling: seen twice, no unit end inside |")
    lines = ["# Whole hairpins as tokens: planted hairpin motifs (issue 10)", "",
             f"Command: `{res['command']}`; {res['cpu_s']} CPU-s ({res['wall_s']} s wall), "
             f"load average {', '.join(f'{x:.1f}' for x in res['load_avg'])} on the shared 2-core machine.",
             "", "Trained on the default simulated library (8,000 reads, seed 0); `train` rows are "
             "measured on that library, `heldout` rows on a second one (seed 1, 2,000 reads).", "",
             "`old selection; no placing`: hairpin-vocab as it was before recutting (unit counts, "
             "the largest extension at split 0.5, by count; module constants in `OLD`); `no placing`: "
             "today's selection without recutting the text at vocabulary hairpins. \"Tokens crossing "
             "default unit ends\" counts units of >= 3 pairs whatever the row's min_stem; \"ceiling\": "
             "planted motifs with no unit end inside and a sequence in >= 2 training reads.", "",
             head, "|" + "---|" * (head.count("|") - 1)]
    for r in res["rows"]:
        for split in ("train", "heldout"):
            m = r[split]
            lines.append(f"| {r['tokenizer']} | {r['vocab_size']} | {r['hairpin_tokens'] or '–'} | {split} | "
                         f"{m['planted_hairpin_exact1']:.3f} | {m['planted_hairpin_exact2']:.3f} | "
                         f"{m['unit_exact1']:.3f} | {m['unit_exact2']:.3f} | {m['unit_crossing']:.3f} | "
                         f"{m['default_unit_crossing']:.3f} | "
                         f"{m['tokens_per_read']:.2f} | {m['consistency']:.3f} | {m['hairpin_in_vocab']:.3f} | "
                         f"{m['fold_exact_unit']:.3f} | {m['fold_inside_one_piece']:.3f} | "
                         f"{m['fold_no_unit_end_inside']:.3f} | {m['ceiling_seen_twice']:.3f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
