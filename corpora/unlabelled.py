"""A corpus for training tokenizers on more sequence than a task's training reads,
without leakage: the task's training reads plus public unlabelled sets, less every
read that occurs in the task's validation or test split.

Reads are compared after normalisation (upper case, U written as T), so an RNA set
cannot slip a DNA test read in. Reads of the extra sets with ambiguity letters are
dropped (a tokenizer learns from A, C, G and T/U). The corpus is written in the task's alphabet (nRC's is
DNA), one FASTA record per read with its source in the header, copies kept (BPE and
unigram count them).

>>> canonical("acgu"), canonical("ACGT")
('ACGT', 'ACGT')
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from labkit.atomic import atomic_write

from .alphabet import normalize
from .errors import LabError
from .readers import ReadOptions, read_records
from .records import ReadReport, Record
from .registry import dataset_files

log = logging.getLogger(__name__)

#: Unlabelled sets: name -> (registry data set, [(file, how to read it)]). nrc-original
#: gives its training file only (its validated file is nRC's test set).
EXTRAS: dict[str, tuple[str, list[tuple[str, dict]]]] = {
    "nrc-original": ("nrc-original", [("nrc-original/dataset_Rfam_6320_13classes.fasta", {})]),
    "tgm2-selex": ("tgm2-selex", [("tgm2-selex/datasetC_x_z.csv",
                                   {"format": "csv", "header": False, "seq_column": 0})]),
    "aptacom": ("aptacom", [("aptacom/AptaCom03.csv",
                             {"seq_column": "aptamer_sequence", "on_invalid": "drop"})]),
    "raptgen-sim": ("raptgen-sim", [(f"raptgen-sim/{n}_sequences.txt",
                                     {"format": "csv", "header": False, "seq_column": 1})
                                    for n in ("multiple", "paired")]),
    "igfbp3-selex": ("igfbp3-selex", [("igfbp3-selex/datasetA_IGFBP3_P6.csv", {})]),
    "chk2-aptamer": ("chk2-aptamer", [("chk2-aptamer/CHK2.json", {})]),
    "alx4-htselex": ("alx4-htselex", [(f"alx4-htselex/ALX4_TGTGTC20NGA_W_{r}.txt", {})
                                      for r in range(5)]),
}


class UnlabelledError(LabError):
    """An unknown extra set."""


def canonical(seq: str) -> str:
    """The form reads are compared in: upper case, T for U."""
    return seq.upper().replace("U", "T")


@dataclass
class SourceCount:
    """What one source gave: reads read, reads dropped as held out, reads kept."""

    name: str
    read: int = 0
    held_out: int = 0
    kept: int = 0


@dataclass
class CorpusReport:
    task: str
    held_out_reads: int = 0
    sources: list[SourceCount] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return sum(s.kept for s in self.sources)

    def as_dict(self) -> dict:
        return {"task": self.task, "held_out_reads": self.held_out_reads, "kept": self.kept,
                "sources": [vars(s) for s in self.sources]}

    def lines(self) -> list[str]:
        """>>> CorpusReport("nrc", 3, [SourceCount("train", 10, 2, 8)]).lines()[1]
        'train: 10 reads, 2 dropped (in valid/test), 8 kept'
        """
        return [f"task {self.task}: {self.held_out_reads} distinct validation/test reads "
                "left out of the corpus"] + [
            f"{s.name}: {s.read} reads, {s.held_out} dropped (in valid/test), {s.kept} kept"
            for s in self.sources] + [f"total: {self.kept} reads"]


def extra_records(name: str, mirror: str | Path | None = None,
                  cache_dir: str | Path | None = None) -> list[Record]:
    """The reads of the unlabelled set ``name`` (see :data:`EXTRAS`), ambiguous ones dropped."""
    if name not in EXTRAS:
        raise UnlabelledError(f"unknown unlabelled set {name!r}; expected one of "
                              f"{', '.join(EXTRAS)}")
    dataset, files = EXTRAS[name]
    paths = dataset_files(dataset, mirror=mirror, cache_dir=cache_dir)
    out: list[Record] = []
    for path, options in files:
        opts = ReadOptions(**{"iupac": "drop", "label_from": "none", **options})
        out.extend(read_records(paths[path], opts, ReadReport()))
    return out


def build_corpus(train: Sequence[Record], held_out: Iterable[Record],
                 extras: dict[str, Sequence[Record]], alphabet: str,
                 task: str = "task") -> tuple[list[tuple[str, str]], CorpusReport]:
    """(header, sequence) pairs: ``train`` then each extra set, less the reads of
    ``held_out`` (exact match after :func:`canonical`).

    >>> r = lambda s: Record("x", s)
    >>> reads, rep = build_corpus([r("ACGT"), r("GGGG")], [r("ACGU")], {"x": [r("acgt"), r("TTTT")]}, "rna")
    >>> reads
    [('train_1', 'GGGG'), ('x_1', 'UUUU')]
    >>> [(s.name, s.read, s.held_out, s.kept) for s in rep.sources]
    [('train', 2, 1, 1), ('x', 2, 1, 1)]
    """
    banned = {canonical(r.seq) for r in held_out}
    report = CorpusReport(task, len(banned))
    out: list[tuple[str, str]] = []
    for name, recs in [("train", train), *extras.items()]:
        count = SourceCount(name)
        for rec in recs:
            count.read += 1
            if canonical(rec.seq) in banned:
                count.held_out += 1
                continue
            count.kept += 1
            out.append((f"{name}_{count.kept}", normalize(rec.seq, alphabet, "keep")))
        report.sources.append(count)
    return out, report


def unlabelled_corpus(task: str, extras: Sequence[str] = (), out: str | Path | None = None,
                      mirror: str | Path | None = None, seed: int = 0,
                      cache_dir: str | Path | None = None) -> tuple[list[tuple[str, str]], CorpusReport]:
    """The corpus of :func:`build_corpus` for a named task (split with ``seed``, as
    ``classify train --task`` splits it) and named extra sets; written as FASTA to ``out``."""
    from .tasks import load_task

    data = load_task(task, mirror=mirror, seed=seed, cache_dir=cache_dir)
    alphabet = "rna" if any("U" in r.seq for r in data.train[:100]) else "dna"
    more = {name: extra_records(name, mirror, cache_dir) for name in dict.fromkeys(extras)}
    reads, report = build_corpus(data.train, data.valid + data.test, more, alphabet, task)
    if out is not None:
        with atomic_write(Path(out)) as fh:
            fh.writelines(f">{h}\n{s}\n" for h, s in reads)
    return reads, report


__all__ = ["EXTRAS", "CorpusReport", "build_corpus", "canonical", "extra_records",
           "unlabelled_corpus"]
