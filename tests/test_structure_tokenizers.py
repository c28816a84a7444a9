"""Structure-aware tokenizers on real folds: boundaries, round trips, artifacts."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transformers import AutoTokenizer

from corpora.simulate import SelexConfig, simulate
from tokenizer_lab import TokenizerError, load_tokenizer, train_tokenizer
from tokenizer_lab.structure import annotate, boundaries, fold
from tokenizer_lab.structure.reads import structures
from tokenizer_lab.structure.measures import tokenizer_structure_scores
from tokenizer_lab.structure.pretokenize import joint_decode

SEGMENTED = ("struct-bpe", "struct-unigram", "struct-wordpiece")


@pytest.fixture(scope="module")
def reads():
    return [r.seq for r in simulate(SelexConfig(seed=1, rounds=1, reads_per_round=150))]


@pytest.fixture(scope="module")
def toks(reads):
    return {alg: train_tokenizer(reads, algorithm=alg, vocab_size=96, alphabet="dna")
            for alg in SEGMENTED + ("struct-alphabet", "bpe")}


def _random_rna(n, seed):
    rng = random.Random(seed)
    return ["".join(rng.choice("ACGU") for _ in range(rng.randint(20, 60))) for _ in range(n)]


@pytest.mark.parametrize("alg", SEGMENTED)
def test_segmented_tokens_never_cross_element_boundaries(toks, reads, alg):
    tok = toks[alg]
    assert tok.meta["input_form"] == "segmented"
    assert tok.meta["primers"]["mode"] == "token"
    for seq in reads[:60]:
        cuts = boundaries(structures([seq], tok.spec)[0])
        start, end = tok.primers.body(seq)
        spans = tok.token_spans(seq)
        body = [(s, e) for s, e in spans if s >= start and e <= end]
        assert [(s, e) for s, e in spans if (s, e) not in body] == [(0, start), (end, len(seq))]
        # tokens tile the random region and every element boundary inside it is a token boundary
        assert body[0][0] == start and body[-1][1] == end
        assert all(a[1] == b[0] for a, b in zip(body, body[1:]))
        assert not any(s < b < e for s, e in body for b in cuts)
        assert tok.decode(tok.encode(seq)) == seq


def test_structure_scores_separate_plain_from_structure_aware(toks, reads):
    sb = tokenizer_structure_scores(toks["struct-bpe"], reads[:80])
    plain = tokenizer_structure_scores(toks["bpe"], reads[:80])
    assert sb["crossing_rate"] == 0.0 and sb["boundary_recall"] == 1.0
    assert plain["crossing_rate"] > 0.2 and plain["boundary_f1"] < sb["boundary_f1"]
    assert sb["hairpin_exact2"] >= plain["hairpin_exact2"]
    assert sb["sequences"] == 80 and sb["hairpin_loops"] > 0


def test_struct_unigram_fills_its_vocabulary(toks):
    # without the short-piece refit the HF unigram trainer stops far short of the budget
    assert toks["struct-unigram"].vocab_size == 96
    vocab = toks["struct-unigram"].hf.get_vocab()
    assert sum(len(t) > 1 and not t.startswith("[") for t in vocab) > 60


@pytest.mark.parametrize("alg", SEGMENTED + ("struct-alphabet",))
def test_artifact_round_trip_and_autotokenizer_on_prepared_text(toks, reads, tmp_path, alg):
    tok = toks[alg]
    out = tok.save(tmp_path / alg)
    meta = json.loads((out / "lab.json").read_text())
    assert "Mathews 2004" in meta["input_form_help"] and "37.0 C" in meta["input_form_help"]
    f = meta["folding"]
    assert (f["material"], f["temperature"], f["dangles"], f["include_primers"]) == ("dna", 37.0, 2, True)
    assert f["energy_set"] == "DNA Mathews 2004" and f["vienna"] == "2.8.0"
    again = load_tokenizer(out)
    auto = AutoTokenizer.from_pretrained(str(out))
    for seq in reads[:10]:
        assert again.tokenize(seq) == tok.tokenize(seq)
        text = tok.prepare(seq)
        assert auto(text)["input_ids"] == tok(seq)["input_ids"]
        assert again.decode(again.encode(seq)) == seq


def test_struct_alphabet_text_carries_bases_and_elements(toks, reads):
    tok = toks["struct-alphabet"]
    assert tok.meta["input_form"] == "joint"
    seq = reads[3]
    start, end = tok.primers.body(seq)
    text = tok.prepare(seq)
    assert text.startswith("[P5]") and text.endswith("[P3]")
    bases, elements = joint_decode(text[4:-4], dna=True)
    assert bases == seq[start:end]
    assert elements == annotate(structures([seq], tok.spec)[0])[start:end]
    spans = tok.token_spans(seq)
    assert "".join(seq[s:e] for s, e in spans) == seq


def test_struct_alphabet_rejects_a_vocabulary_below_its_alphabet(reads):
    with pytest.raises(TokenizerError, match="too small for struct-alphabet: use at least 33"):
        train_tokenizer(reads[:30], algorithm="struct-alphabet", vocab_size=20, primers="keep")


@pytest.fixture(scope="module")
def rna_tok():
    return train_tokenizer(_random_rna(80, seed=2), algorithm="struct-bpe", vocab_size=48,
                           alphabet="rna", primers="keep")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="ACGU", min_size=1, max_size=70))
def test_property_struct_bpe_tokens_stay_inside_elements(rna_tok, seq):
    spans = rna_tok.token_spans(seq)
    cuts = boundaries(fold(seq).structure)
    assert spans[0][0] == 0 and spans[-1][1] == len(seq)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert not any(s < b < e for s, e in spans for b in cuts)
    assert rna_tok.decode(rna_tok.encode(seq)) == seq


def test_structures_survive_a_batch_larger_than_the_memo(monkeypatch):
    from tokenizer_lab.spec import TokenizerSpec
    from tokenizer_lab.structure import reads as R
    monkeypatch.setattr(R, "MEMO_SIZE", 3)
    seqs = _random_rna(8, seed=11)
    assert R.structures(seqs, TokenizerSpec(alphabet="rna"), workers=1) == [fold(s).structure for s in seqs]
    assert len(R._MEMO) <= 3


def test_fold_temperature_reaches_folding_and_lab_json(reads, tmp_path):
    hot = train_tokenizer(reads[:60], algorithm="struct-bpe", vocab_size=96, alphabet="dna",
                          fold_temperature=80.0)
    meta = json.loads((hot.save(tmp_path / "hot") / "lab.json").read_text())
    assert meta["folding"]["temperature"] == 80.0 and meta["spec"]["fold_temperature"] == 80.0
    cold = train_tokenizer(reads[:60], algorithm="struct-bpe", vocab_size=96, alphabet="dna")
    # at 80 C most DNA stems melt: the folds (and so the cut points) differ from 37 C
    assert structures(reads[:60], hot.spec) != structures(reads[:60], cold.spec)
    assert load_tokenizer(tmp_path / "hot").spec.fold_temperature == 80.0
