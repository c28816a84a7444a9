"""`classify explain`: integrated gradients add up, the deciding token comes first, the
report is complete, bad input gives one line."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from classifier import TrainConfig, load_model_dir, train_classifier
from classifier.cli import cli, main
from classifier.explain import ExplainConfig, explain_records, write_explain
from classifier.explain.attribute import baseline_ids
from classifier_helpers import write_tiny_csv
from corpora.records import Record
from tokenizer_lab import TokenizerSpec, train_tokenizer


def _g_records(n: int, seed: int) -> list[Record]:
    """Reads of A, C and U; class "bind" iff one G is planted: the G token decides."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        s = [rng.choice("ACU") for _ in range(12)]
        label = "bind" if i % 2 else "free"
        if label == "bind":
            s[rng.randrange(12)] = "G"
        out.append(Record(f"s{seed}_{i}", "".join(s), label))
    return out


@pytest.fixture(scope="module")
def g_model(tmp_path_factory):
    d = tmp_path_factory.mktemp("explain")
    train, valid = _g_records(200, 0), _g_records(40, 1)
    tok = train_tokenizer(["ACGU"] + [r.seq for r in train], TokenizerSpec(algorithm="char"))
    cfg = TrainConfig(epochs=6, batch_size=16, threads=1, patience=0, learning_rate=2e-3)
    train_classifier(cfg, tok, train, valid, None, out_dir=d / "model")
    return d / "model"


def test_attributions_add_up_to_the_logit_difference(g_model):
    loaded = load_model_dir(g_model)
    records = _g_records(30, 2)
    # 200 steps: with the mean-pooling head 50 steps left |delta| up to 1.5 on this model
    doc = explain_records(loaded, records, ExplainConfig(min_support=2, n_steps=200))
    tok, model = loaded.tokenizer, loaded.model
    for rec, s in zip(records, doc["sequences"]):
        ids = torch.tensor([tok(rec.seq)["input_ids"]])
        base = baseline_ids(ids, {0, 1, 2, 3, 4}, tok.pad_token_id)
        with torch.no_grad():
            fx = model(input_ids=ids).logits[0]
            fb = model(input_ids=base).logits[0]
        t = loaded.classes.index(s["target"])
        diff = float(fx[t] - fb[t])
        total = sum(x["attribution"] for x in s["tokens"])
        # captum's delta is sum(attributions) - (F(x) - F(baseline)), F computed here apart
        assert total - diff == pytest.approx(s["delta"], abs=1e-4)
        assert abs(s["delta"]) <= 0.02 * max(1.0, abs(diff))
        nts = [v for v in s["nucleotide_attributions"] if v is not None]
        assert sum(nts) == pytest.approx(total, abs=1e-4)  # char tokens tile the read
        assert s["target"] == s["prediction"]
        assert sum(s["probabilities"].values()) == pytest.approx(1, abs=1e-5)
    assert doc["summary"]["max_abs_delta"] == max(abs(s["delta"]) for s in doc["sequences"])


def test_the_deciding_token_ranks_first(g_model):
    loaded = load_model_dir(g_model)
    binders = [r for r in _g_records(40, 3) if r.label == "bind"]
    doc = explain_records(loaded, binders, ExplainConfig(target="bind", min_support=2))
    for rec, s in zip(binders, doc["sequences"]):
        best = max(s["tokens"], key=lambda t: t["attribution"])
        assert best["token"] == "G" and rec.seq[best["start"]] == "G", s["tokens"]
        nts = np.array(s["nucleotide_attributions"])
        assert int(np.argmax(nts)) == rec.seq.index("G")


def test_report_files(g_model, tmp_path):
    loaded = load_model_dir(g_model)
    doc = explain_records(loaded, _g_records(40, 4), ExplainConfig(min_support=2, html_sequences=5))
    out = write_explain(doc, tmp_path / "ex")
    saved = json.loads((out / "explain.json").read_text())
    assert saved["classes"] == ["bind", "free"] and len(saved["sequences"]) == 40
    page = (out / "explain.html").read_text()
    for section in ('id="summary"', 'id="motifs"', 'id="sequences"'):
        assert section in page
    assert page.count('class="seq"') == 10  # 5 per class
    logos = sorted(p.name for p in (out / "logos").iterdir())
    assert logos and all(p.endswith(".png") for p in logos)
    assert all(m["logo"] in {f"logos/{p}" for p in logos} for ms in saved["motifs"].values() for m in ms)
    assert "data:image/png;base64," in page  # self-contained


def test_overlapping_kmers_and_planted_motif(tmp_path):
    """An overlapping 3-mer model from the command line; motifs of the class found."""
    train = write_tiny_csv(tmp_path / "train.csv", n=120, seed=0)
    test = write_tiny_csv(tmp_path / "test.csv", n=40, seed=1)
    from corpora import read_records
    tok = train_tokenizer([r.seq for r in read_records(train)], TokenizerSpec(algorithm="kmer", k=3))
    tok.save(tmp_path / "tok")
    r = CliRunner().invoke(cli, ["train", "--tokenizer", str(tmp_path / "tok"), "--data", str(train),
                                 "--out", str(tmp_path / "model"), "--epochs", "8", "--batch-size", "16",
                                 "--threads", "1", "--patience", "0", "--lr", "2e-3"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["explain", "--model", str(tmp_path / "model"), "--data", str(test),
                                 "--out", str(tmp_path / "ex"), "--window", "6", "--min-support", "3"])
    assert r.exit_code == 0, r.output
    assert "sequences explained" in r.output
    doc = json.loads((tmp_path / "ex" / "explain.json").read_text())
    s = doc["sequences"][0]
    assert len(s["tokens"]) == len(s["sequence"]) - 2
    total = sum(t["attribution"] for t in s["tokens"])
    assert sum(s["nucleotide_attributions"]) == pytest.approx(total, abs=1e-4)
    assert doc["motifs"]["bind"], doc["motifs"]
    top = doc["motifs"]["bind"][0]["consensus"]
    assert "GGAUCC"[1:5] in top, top  # the planted motif (tests/classifier_helpers.py)


def test_folded_reads_give_structure_and_element_shares(g_model, tmp_path):
    loaded = load_model_dir(g_model)
    doc = explain_records(loaded, _g_records(20, 5), ExplainConfig(fold="yes", min_support=2))
    s = doc["sequences"][0]
    assert len(s["structure"]) == len(s["elements"]) == len(s["sequence"])
    m = next(m for ms in doc["motifs"].values() for m in ms)
    e = m["elements"]
    assert e["hairpin loop"] + e["stem"] + e["other"] == pytest.approx(1, abs=1e-3)
    page = write_explain(doc, tmp_path / "ex") / "explain.html"
    assert "structure" in page.read_text()


def _run(args, capsys):
    """Exit status and stderr without the INFO/WARNING log lines."""
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if not ln.startswith(("INFO", "WARNING"))]
    assert "Traceback" not in err
    return exc.value.code, "\n".join(lines)


def test_one_line_errors(g_model, tmp_path, capsys):
    data = tmp_path / "s.fasta"
    data.write_text(">a\nACGUACGU\n")
    code, err = _run(["explain", "--model", str(g_model), "--data", str(data), "--out",
                      str(tmp_path / "o"), "--target", "nope"], capsys)
    assert code == 1 and err.count("\n") == 0 and "'nope' is not a class" in err
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("x")
    code, err = _run(["explain", "--model", str(g_model), "--data", str(data), "--out",
                      str(tmp_path / "busy")], capsys)
    assert code == 1 and "folder holding files that `classify explain` did not write (mine.txt)" in err
    assert (tmp_path / "busy" / "mine.txt").read_text() == "x"
    code, err = _run(["explain", "--model", str(g_model), "--data", str(data), "--out",
                      str(tmp_path / "o"), "--window", "2"], capsys)
    assert code == 2 and "window must be between 4 and 40" in err
    assert not (tmp_path / "o").exists()


def test_kmer_logreg_model_is_refused(tmp_path, capsys):
    train = write_tiny_csv(tmp_path / "train.csv", n=40, seed=0)
    r = CliRunner().invoke(cli, ["train", "--arch", "kmer-logreg", "--kmer-k", "3", "--data", str(train),
                                 "--out", str(tmp_path / "lr")])
    assert r.exit_code == 0, r.output
    code, err = _run(["explain", "--model", str(tmp_path / "lr"), "--data", str(train), "--out",
                      str(tmp_path / "o")], capsys)
    assert code == 1 and "kmer-logreg model has no token embeddings" in err
    assert err.count("\n") == 0 and not (tmp_path / "o").exists()


def test_structure_tokenizer_shows_its_folds(tmp_path):
    """A struct-bpe model: fold=auto folds, the report draws dot-bracket and elements."""
    train = write_tiny_csv(tmp_path / "train.csv", n=40, seed=0, length=24)
    from corpora import read_records
    records = list(read_records(train))
    tok = train_tokenizer([r.seq for r in records], TokenizerSpec(algorithm="struct-bpe", vocab_size=40))
    cfg = TrainConfig(epochs=1, batch_size=16, threads=1, patience=0)
    train_classifier(cfg, tok, records[:30], records[30:], None, out_dir=tmp_path / "model")
    doc = explain_records(load_model_dir(tmp_path / "model"), records[:10], ExplainConfig(min_support=1))
    assert doc["tokenizer"]["structure_aware"] and doc["summary"]["folded"]
    from tokenizer_lab.structure import annotate
    s = doc["sequences"][0]
    assert len(s["structure"]) == len(s["sequence"]) and set(s["structure"]) <= set("(.)")
    assert s["elements"] == annotate(s["structure"])
    page = (write_explain(doc, tmp_path / "ex") / "explain.html").read_text()
    assert ">structure<" in page and ">elements<" in page
