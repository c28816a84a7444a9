"""The training corpus: files through ``corpora`` readers, or sequences in memory.

Both end as the same list of normalised sequences, so training from a file and from
an iterator of the same reads gives the same tokenizer. The corpus sha256 is taken
over those normalised sequences (one per line), so it does not depend on the file
format; each file's own sha256 is recorded too.

>>> from tokenizer_lab.spec import TokenizerSpec
>>> c = load_corpus(["acgt", "GGU"], TokenizerSpec(alphabet="rna"))
>>> c.seqs, c.info["reads"], c.info["sha256"][:12]
(['ACGU', 'GGU'], 2, '4f744306f038')
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpora.alphabet import Ambiguous, InvalidSequence, normalize
from corpora.readers import ReadOptions, read_records
from corpora.records import ReadReport
from labkit.checksum import sha256_file
from labkit.limits import MAX_TOKENIZE_NT
from labkit.progress import progress

from .errors import TokenizerError
from .spec import TokenizerSpec


@dataclass
class Corpus:
    seqs: list[str]
    info: dict = field(default_factory=dict)


def _looks_like_path(item) -> bool:
    """A Path, or a str naming a file (or with a path's '/' or '.'), not a sequence.

    >>> _looks_like_path("reads.fasta"), _looks_like_path("ACGU"), _looks_like_path("a/b")
    (True, False, True)
    """
    if isinstance(item, os.PathLike):
        return True
    return isinstance(item, str) and (os.path.isfile(item) or "/" in item or "." in item)


def read_options_for(spec: TokenizerSpec, options: ReadOptions | dict | None) -> ReadOptions:
    """The caller's reader options with the spec's alphabet and IUPAC policy imposed."""
    if options is None:
        options = ReadOptions()
    elif isinstance(options, dict):
        options = ReadOptions(**options)
    iupac = "keep" if spec.iupac == "keep" else ("drop" if options.iupac == "drop" else "reject")
    return dataclasses.replace(options, alphabet=spec.alphabet, iupac=iupac, label_from="none",
                               max_nt=min(options.max_nt, MAX_TOKENIZE_NT))


def load_corpus(corpus, spec: TokenizerSpec,
                read_options: ReadOptions | dict | None = None) -> Corpus:
    """Normalised sequences and a description of where they came from.

    ``corpus``: a path, a list of paths (str or Path naming existing files), or any
    iterable of sequences.
    """
    if isinstance(corpus, (str, os.PathLike)):
        corpus = [corpus]
    items = corpus if isinstance(corpus, (list, tuple)) else None
    # the first item decides (a stat() per read cost 3.5 s on 100,000 in-memory reads);
    # a path among sequences then fails normalisation with the item's number
    if items and _looks_like_path(items[0]):
        for p in items:
            if not os.path.exists(p):
                raise TokenizerError(f"{p}: no such corpus file")
        return _from_files([Path(p) for p in items], spec, read_options)
    return _from_sequences(corpus, spec)


def _from_files(paths: list[Path], spec, read_options) -> Corpus:
    opts = read_options_for(spec, read_options)
    seqs: list[str] = []
    sources = []
    for path in paths:
        report = ReadReport()
        recs = read_records(path, opts, report)
        seqs += [r.seq for r in progress(recs, desc=f"reading {path.name}", unit="reads")]
        sources.append({"path": str(path), "sha256": sha256_file(path),
                        "records": report.records,
                        "dropped": report.dropped_ambiguous + report.dropped_invalid})
    return _finish(seqs, sources)


def _from_sequences(corpus: Iterable[str], spec: TokenizerSpec) -> Corpus:
    seqs: list[str] = []
    # reads already in upper-case canonical letters are what normalize() would return
    clean = re.compile("[ACGU]+" if spec.alphabet == "rna" else "[ACGT]+").fullmatch
    for i, raw in enumerate(corpus, 1):
        if not isinstance(raw, str):
            raise TokenizerError(f"sequence #{i} is {type(raw).__name__}; expected a str "
                                 "(or pass file paths as pathlib.Path)")
        if len(raw) > MAX_TOKENIZE_NT:
            raise TokenizerError(f"sequence #{i}: {len(raw)} nt; a tokenizer trains on reads "
                                 f"of at most {MAX_TOKENIZE_NT} nt (see README 'Limits')")
        if clean(raw):
            seqs.append(raw)
            continue
        try:
            seq = normalize(raw, spec.alphabet, spec.iupac)
        except InvalidSequence as exc:
            raise TokenizerError(f"sequence #{i} ({raw[:30]!r}): {exc.reason}") from None
        if seq is Ambiguous.DROP:  # pragma: no cover - iupac is reject or keep here
            continue
        seqs.append(seq)
    return _finish(seqs, [{"kind": "in-memory sequences"}])


def _finish(seqs: list[str], sources: list[dict]) -> Corpus:
    if not seqs:
        raise TokenizerError("empty corpus: no sequences to train on")
    h = hashlib.sha256()
    h.update(("\n".join(seqs) + "\n").encode())  # = each read then "\n"; one call
    return Corpus(seqs, {"sha256": h.hexdigest(), "reads": len(seqs),
                         "nucleotides": sum(map(len, seqs)), "sources": sources})


__all__ = ["Corpus", "load_corpus", "read_options_for"]
