"""`corpora unlabelled`: a tokenizer corpus from a task's train split and public
unlabelled sets, with no read of the task's validation or test split (on the mirror)."""

from __future__ import annotations

from corpora import read_records
from corpora.cli import main as corpora_main
from corpora.tasks import load_task
from corpora.unlabelled import canonical, unlabelled_corpus
from classifier_helpers import exit_code


def test_nrc_corpus_has_no_held_out_read(mirror, tmp_path):
    out = tmp_path / "corpus.fasta"
    reads, report = unlabelled_corpus("nrc", ["nrc-original", "tgm2-selex"], out, mirror=mirror)
    task = load_task("nrc", mirror=mirror, seed=0)
    held = {canonical(r.seq) for r in task.valid + task.test}
    written = [r.seq for r in read_records(out)]
    assert written == [s for _, s in reads] and len(written) == report.kept
    assert not {canonical(s) for s in written} & held
    assert set("".join(written)) <= set("ACGT")  # the task's alphabet (nRC: DNA)
    by = {s.name: s for s in report.sources}
    assert list(by) == ["train", "nrc-original", "tgm2-selex"]
    assert all(s.read == s.held_out + s.kept for s in report.sources)
    # nRC's train shares reads with its test split, and nrc-original holds nRC's test reads
    assert by["train"].held_out > 0 and by["nrc-original"].held_out > 300
    assert by["train"].kept + by["train"].held_out == len(task.train)
    assert by["tgm2-selex"].kept == 38513 and report.held_out_reads == len(held)
    kept_train = [r.seq for r in task.train if canonical(r.seq) not in held]
    assert written[:len(kept_train)] == kept_train  # train first, in order, copies kept


def test_cli_writes_the_corpus_and_refuses_unknown_sets(mirror, tmp_path):
    out = tmp_path / "c.fasta"
    args = ["unlabelled", "raptgen-motif10", "--extra", "raptgen-sim", "--mirror", str(mirror),
            "--out", str(out)]
    assert exit_code(corpora_main, args) == 0
    seqs = [r.seq for r in read_records(out)]
    task = load_task("raptgen-motif10", mirror=mirror, seed=0)
    # the task is a split of the multiple set: its valid/test reads come back with the
    # extra set too, and are dropped there
    assert len(seqs) > len(task.train) + 5000
    assert not {canonical(s) for s in seqs} & {canonical(r.seq) for r in task.valid + task.test}
    assert exit_code(corpora_main, args[:3] + ["nope", "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()
