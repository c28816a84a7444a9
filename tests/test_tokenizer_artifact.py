"""Artifacts: save/load round trip, AutoTokenizer with no code of ours, damaged dirs."""

from __future__ import annotations

import json
import random

import pytest
from transformers import AutoTokenizer

from tokenizer_lab import LabTokenizer, TokenizerError, load_tokenizer, train_tokenizer

P5, P3 = "GGGAGACAAGAAUAAACGCUCAA", "UUCGACAGGAGGCUCACAACAGGC"


def _reads(n=120, length=24, seed=0):
    rng = random.Random(seed)
    return ["".join(rng.choice("ACGU") for _ in range(length)) for _ in range(n)]


SPECS = {
    "char": dict(algorithm="char"),
    "kmer4": dict(algorithm="kmer", k=4),
    "kmer4s4": dict(algorithm="kmer", k=4, stride=4),
    "bpe": dict(algorithm="bpe", vocab_size=60),
    "wordpiece": dict(algorithm="wordpiece", vocab_size=60),
    "unigram": dict(algorithm="unigram", vocab_size=60),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Each algorithm trained on SELEX-like reads (primers detected) and saved."""
    reads = [P5 + r + P3 for r in _reads()]
    out = {}
    for name, kw in SPECS.items():
        tok = train_tokenizer(reads, **kw)
        d = tmp_path_factory.mktemp("tok") / name
        tok.save(d)
        out[name] = (tok, d, reads)
    return out


@pytest.mark.parametrize("name", list(SPECS))
def test_directory_layout_and_lab_json(saved, name):
    tok, d, reads = saved[name]
    assert sorted(p.name for p in d.iterdir()) == [
        "lab.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"]
    meta = json.loads((d / "lab.json").read_text())
    assert meta["format"] == "aptamer-tokenizer-lab"
    assert meta["spec"]["algorithm"] == SPECS[name]["algorithm"]
    assert meta["corpus"]["reads"] == len(reads) and len(meta["corpus"]["sha256"]) == 64
    assert meta["primers"]["mode"] == "token" and meta["primers"]["primer5"] == P5
    assert meta["input_form"] == ("kmers" if name == "kmer4" else "raw")
    assert set(meta["versions"]) >= {"tokenizers", "transformers", "sentencepiece"}
    assert meta["vocab_size"] == tok.vocab_size
    config = json.loads((d / "tokenizer_config.json").read_text())
    assert config["tokenizer_class"] == "PreTrainedTokenizerFast"  # transformers 4 and 5
    assert json.loads((d / "special_tokens_map.json").read_text())["mask_token"] == "[MASK]"


@pytest.mark.parametrize("name", list(SPECS))
def test_vocab_txt_lists_every_token_with_corpus_frequency(saved, name):
    tok, d, reads = saved[name]
    lines = (d / "vocab.txt").read_text().splitlines()
    assert lines[0] == "token\tid\tfrequency"
    rows = [line.split("\t") for line in lines[1:]]
    assert [int(r[1]) for r in rows] == list(range(tok.vocab_size))
    assert rows[0] == ["[PAD]", "0", "0"]
    total = sum(len(tok.tokenize(s)) for s in reads)
    assert sum(int(r[2]) for r in rows) == total
    p5 = next(r for r in rows if r[0] == "[P5]")
    assert int(p5[2]) == len(reads)  # every read starts with the primer


@pytest.mark.parametrize("name", list(SPECS))
def test_save_load_round_trip(saved, name):
    tok, d, reads = saved[name]
    back = load_tokenizer(d)
    assert isinstance(back, LabTokenizer) and back.spec == tok.spec
    for seq in reads[:20] + ["A", "ACGUACGUAC"]:
        assert back.tokenize(seq) == tok.tokenize(seq)
        assert back.encode(seq) == tok.encode(seq)
        assert back.token_spans(seq) == tok.token_spans(seq)
        assert back.decode(back.encode(seq)) == seq
    assert back.frequencies == tok.frequencies
    assert back.hf.backend_tokenizer.to_str() == tok.hf.backend_tokenizer.to_str()


@pytest.mark.parametrize("name", list(SPECS))
def test_autotokenizer_loads_with_bert_style_inputs(saved, name):
    tok, d, reads = saved[name]
    hf = AutoTokenizer.from_pretrained(str(d))
    assert (hf.pad_token_id, hf.unk_token_id, hf.cls_token_id, hf.sep_token_id,
            hf.mask_token_id) == (0, 1, 2, 3, 4)
    texts = [tok.prepare(reads[0]), tok.prepare("ACGUA")]
    batch = hf(texts, padding=True)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    assert ids[0][0] == 2 and ids[0][-1] == 3  # [CLS] ... [SEP]
    assert len(ids[0]) == len(ids[1])
    n_short = len(tok.tokenize("ACGUA")) + 2
    assert ids[1][n_short - 1] == 3 and set(ids[1][n_short:]) <= {0}
    assert mask[1] == [1] * n_short + [0] * (len(ids[1]) - n_short)
    assert ids == tok(["" + reads[0], "ACGUA"], padding=True)["input_ids"]
    assert "token_type_ids" not in batch  # ask for them: return_token_type_ids=True
    pair = hf(texts[1], texts[1], return_token_type_ids=True)
    assert pair["input_ids"].count(3) == 2 and pair["token_type_ids"][-1] == 1


@pytest.mark.parametrize("name", list(SPECS))
def test_autotokenizer_decode_gives_back_its_input(saved, name):
    tok, d, reads = saved[name]
    hf = AutoTokenizer.from_pretrained(str(d))
    for seq in reads[:30] + ["acgt", "A"]:
        text = tok.prepare(seq)
        decoded = hf.decode(hf(text)["input_ids"], skip_special_tokens=True)
        if name == "kmer4":  # overlapping k-mers: AutoTokenizer reads and gives back k-mers
            assert decoded == text
        else:  # raw sequences in, raw sequences (primers spelled out) back
            assert decoded.replace(" ", "") == tok.normalize(seq)


def test_autotokenizer_reads_raw_reads_with_primers_and_lower_case(saved):
    tok, d, reads = saved["bpe"]
    hf = AutoTokenizer.from_pretrained(str(d))
    raw = reads[3].lower().replace("u", "t")
    assert hf.convert_ids_to_tokens(hf(raw)["input_ids"])[:2] == ["[CLS]", "[P5]"]
    assert hf(raw)["input_ids"] == tok(reads[3])["input_ids"]


def test_autotokenizer_reads_lower_case_rna_or_dna_kmers(saved):
    tok, d, _ = saved["kmer4"]
    hf = AutoTokenizer.from_pretrained(str(d))
    assert hf("acgt cgtt")["input_ids"] == hf("ACGU CGUU")["input_ids"] == tok("ACGUU")["input_ids"]


def test_padding_or_truncation_in_hf_calls_does_not_leak_into_tokenize(saved):
    tok, _, _ = saved["char"]
    tok.hf(["ACGUACGU"], truncation=True, max_length=4, padding="max_length")
    tok("ACGUACGU", truncation=True, max_length=4)
    assert tok.tokenize("ACGUACGU") == list("ACGUACGU")
    assert tok.encode("ACG") == [2, 5, 6, 7, 3]
    assert len(tok.token_spans("ACGUACGU")) == 8


def test_lab_tokenizer_call_matches_hf_options(saved):
    tok, _, reads = saved["char"]
    enc = tok(["ACGU", "AC"], padding="max_length", max_length=8, truncation=True)
    assert enc["input_ids"] == [[2, 5, 6, 7, 8, 3, 0, 0], [2, 5, 6, 3, 0, 0, 0, 0]]
    enc = tok("ACGUACGU", truncation=True, max_length=4)
    assert enc["input_ids"] == [2, 5, 6, 3]


# -- damaged, foreign and missing directories ------------------------------------------------
def _copy(src, dst):
    dst.mkdir()
    for p in src.iterdir():
        (dst / p.name).write_bytes(p.read_bytes())
    return dst


def test_load_missing_directory(tmp_path):
    with pytest.raises(TokenizerError, match="no such tokenizer directory"):
        load_tokenizer(tmp_path / "nope")


def test_load_foreign_directory(tmp_path, saved):
    _, d, _ = saved["bpe"]
    foreign = _copy(d, tmp_path / "foreign")
    (foreign / "lab.json").unlink()
    with pytest.raises(TokenizerError, match="without lab.json, not made by tokenizer-lab"):
        load_tokenizer(foreign)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TokenizerError, match="not a tokenizer directory"):
        load_tokenizer(empty)
    other = _copy(d, tmp_path / "other")
    (other / "lab.json").write_text('{"format": "something-else"}')
    with pytest.raises(TokenizerError, match="not a tokenizer-lab file"):
        load_tokenizer(other)


def test_load_damaged_files(tmp_path, saved):
    _, d, _ = saved["bpe"]
    bad_json = _copy(d, tmp_path / "a")
    (bad_json / "lab.json").write_text("{not json")
    with pytest.raises(TokenizerError, match="lab.json: damaged, not valid JSON"):
        load_tokenizer(bad_json)
    truncated = _copy(d, tmp_path / "b")
    text = (truncated / "tokenizer.json").read_text()
    (truncated / "tokenizer.json").write_text(text[: len(text) // 2])
    with pytest.raises(TokenizerError, match="sha256 differs"):
        load_tokenizer(truncated)
    meta = json.loads((truncated / "lab.json").read_text())
    del meta["files"]
    (truncated / "lab.json").write_text(json.dumps(meta))
    with pytest.raises(TokenizerError, match="tokenizer.json: damaged, cannot be read"):
        load_tokenizer(truncated)
    no_tj = _copy(d, tmp_path / "c")
    (no_tj / "tokenizer.json").unlink()
    with pytest.raises(TokenizerError, match="tokenizer.json is missing"):
        load_tokenizer(no_tj)
    bad_spec = _copy(d, tmp_path / "e")
    meta = json.loads((bad_spec / "lab.json").read_text())
    meta["spec"]["k"] = 99
    (bad_spec / "lab.json").write_text(json.dumps(meta))
    with pytest.raises(TokenizerError, match="damaged spec"):
        load_tokenizer(bad_spec)


def test_save_refuses_to_replace_a_folder_that_is_not_a_tokenizer(tmp_path, saved):
    tok, _, _ = saved["char"]
    precious = tmp_path / "data"
    precious.mkdir()
    (precious / "reads.fasta").write_text(">a\nACGU\n")
    with pytest.raises(TokenizerError, match="exists and is not a tokenizer directory"):
        tok.save(precious)
    assert (precious / "reads.fasta").read_text() == ">a\nACGU\n"
    out = tmp_path / "tok"
    tok.save(out)
    tok.save(out)  # replacing an earlier tokenizer is fine
    assert load_tokenizer(out).spec == tok.spec
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "tok"]  # no temp leftovers
