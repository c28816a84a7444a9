"""``tokenizer-lab stats``: several tokenizers on one corpus, side by side.

:func:`compare_tokenizers` reads the corpus once, runs :func:`~tokenizer_lab.metrics.
corpus_stats` and, where the corpus has motif ground truth, :func:`~tokenizer_lab.
motifs.motif_recovery` for each tokenizer, and returns one JSON-ready dict;
:func:`render_table` writes it as a text table (one column per tokenizer).

>>> report = {"corpus": "c.fa", "sequences": 2, "motif_source": None, "tokenizers": [
...     {"name": "t1", "algorithm": "char", "vocab_size": 9, "tokens_per_sequence":
...      {"mean": 4.0, "p50": 4.0, "p90": 4.0, "p99": 4.0}, "nt_per_token": 1.0,
...      "vocab_utilisation": 1.0, "vocab_used": 4, "renyi_efficiency": 1.0,
...      "unk_share": 0.0, "longest_tokens": ["A"], "most_frequent": [["A", 4, 0.5]]}]}
>>> print(render_table(report))
corpus: c.fa (2 sequences)
                       t1
algorithm              char
vocabulary             9
tokens/seq mean        4.0
tokens/seq p50         4.0
tokens/seq p90         4.0
tokens/seq p99         4.0
nt/token               1.0
vocab utilisation      1.0 (4 used)
Renyi efficiency 2.5   1.0
[UNK] share            0.0
longest tokens         A
most frequent          A 50.0%
"""

from __future__ import annotations

from pathlib import Path

from corpora.readers import read_records
from labkit.limits import MAX_TOKENIZE_NT

from corpora.selex.io import parse_spans

from .errors import TokenizerError
from .metrics import corpus_stats
from .motif_recovery import locate_motifs, motif_recovery, read_motif_list


def record_motifs(record) -> list[dict]:
    """The motif spans of a record: a list of dicts, or the simulator's header text
    ``name:kind:start-end,...`` as a FASTA/TSV reader leaves it in ``meta``.

    >>> from corpora.records import Record
    >>> record_motifs(Record("r", "ACGU", meta={"motifs": "hp:hairpin:1-3"}))
    [{'name': 'hp', 'kind': 'hairpin', 'start': 1, 'end': 3}]
    """
    m = record.meta.get("motifs")
    if not isinstance(m, str):
        return list(m or [])
    try:
        return parse_spans(m)
    except ValueError as exc:
        raise TokenizerError(f"{record.source}, record {record.id}: {exc}") from None


def compare_tokenizers(corpus: str | Path, tokenizers, motif_file: str | Path | None = None,
                       fmt: str | None = None, seq_column=None, structure: bool = True,
                       iupac: str = "reject") -> dict:
    """``tokenizers``: (name, LabTokenizer) pairs. Motif ground truth: ``motif_file``
    (exact search in each read) or else the records' ``meta["motifs"]``. ``structure``:
    also fold the reads (cached, all cores) and score token boundaries against the
    structure elements (:func:`tokenizer_lab.structure.measures.tokenizer_structure_scores`)."""
    records = list(read_records(corpus, format=fmt, seq_column=seq_column, iupac=iupac,
                                max_nt=MAX_TOKENIZE_NT))
    seqs = [r.seq for r in records]
    motif_source = None
    truth = None
    if motif_file is not None:
        read_motif_list(motif_file)  # fail early on a bad file
        motif_source = str(motif_file)
    elif any(r.meta.get("motifs") not in (None, "", "-", []) for r in records):
        truth = [record_motifs(r) for r in records]
        motif_source = "record annotation"
    out = []
    for name, tok in tokenizers:
        row = {"name": str(name), **corpus_stats(tok, seqs)}
        if motif_file is not None:
            motifs = read_motif_list(motif_file, tok.spec.alphabet)
            norms = [tok.normalize(s) for s in seqs]
            row["motifs"] = motif_recovery(tok, ((n, locate_motifs(n, motifs)) for n in norms))
        elif truth is not None:
            row["motifs"] = motif_recovery(tok, zip(seqs, truth))
        if structure:
            from .structure.measures import tokenizer_structure_scores
            row["structure"] = tokenizer_structure_scores(tok, seqs)
        out.append(row)
    return {"corpus": str(corpus), "sequences": len(seqs), "motif_source": motif_source,
            "tokenizers": out}


def _rows(t: dict) -> list[tuple[str, str]]:
    tps = t["tokens_per_sequence"]
    rows = [("algorithm", t["algorithm"]), ("vocabulary", t["vocab_size"])]
    rows += [(f"tokens/seq {k}", tps[k]) for k in ("mean", "p50", "p90", "p99")]
    rows += [("nt/token", t["nt_per_token"]),
             ("vocab utilisation", f"{t['vocab_utilisation']} ({t['vocab_used']} used)"),
             ("Renyi efficiency 2.5", t["renyi_efficiency"]), ("[UNK] share", t["unk_share"]),
             ("longest tokens", " ".join(t["longest_tokens"][:3])),
             ("most frequent", " ".join(f"{tk} {share:.1%}" for tk, _, share in t["most_frequent"][:3]))]
    m = t.get("motifs")
    if m:
        rows += [("motif occurrences", m["occurrences"]), ("motif = 1 token", m["exact1"]),
                 ("motif = <=2 tokens", m["exact2"]), ("motif inside 1 token", m["inside1"]),
                 ("motif-end recall", m["boundary_recall"])]
        hp = (m.get("by_kind") or {}).get("hairpin")
        if hp:
            rows += [("hairpin motifs", hp["occurrences"]),
                     ("planted hairpin = 1 token", hp["exact1"]),
                     ("planted hairpin <=2 tokens", hp["exact2"])]
    st = t.get("structure")
    if st:
        rows += [("structure bnd P/R/F1", f"{st['boundary_precision']}/{st['boundary_recall']}/"
                                          f"{st['boundary_f1']}"),
                 ("tokens crossing elements", st["crossing_rate"]),
                 ("hairpin loop = 1 token", st["hairpin_exact1"]),
                 ("hairpin loop = <=2 tokens", st["hairpin_exact2"]),
                 ("hairpin loops", st["hairpin_loops"]),
                 ("hairpin unit = 1 token", st["unit_exact1"]),
                 ("hairpin unit = <=2 tokens", st["unit_exact2"]),
                 ("tokens crossing unit ends", st["unit_crossing"]),
                 ("hairpin units", st["hairpin_units"])]
    return [(k, str(v)) for k, v in rows]


def render_table(report: dict) -> str:
    """The report as a text table, one column per tokenizer."""
    cols = [_rows(t) for t in report["tokenizers"]]
    names = [t["name"] for t in report["tokenizers"]]
    labels = [k for k, _ in max(cols, key=len)] if cols else []
    widths = [max([len(n)] + [len(v) for _, v in c]) for n, c in zip(names, cols)]
    lw = max([len(k) for k in labels] + [20]) + 3
    head = f"corpus: {report['corpus']} ({report['sequences']} sequences)"
    if report.get("motif_source"):
        head += f"; motifs from {report['motif_source']}"
    lines = [head, " " * lw + "  ".join(f"{n:<{w}}" for n, w in zip(names, widths)).rstrip()]
    for i, label in enumerate(labels):
        cells = [dict(c).get(label, "") for c in cols]
        lines.append((f"{label:<{lw}}" + "  ".join(f"{v:<{w}}" for v, w in zip(cells, widths))).rstrip())
    return "\n".join(lines)


__all__ = ["compare_tokenizers", "record_motifs", "render_table"]
