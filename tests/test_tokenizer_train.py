"""Training: exact tokens on tiny corpora, round trips, primers, reproducibility."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpora.alphabet import normalize
from tokenizer_lab import TokenizerError, TokenizerSpec, train_tokenizer
from tokenizer_lab.algorithms import names
from tokenizer_lab.primers import detect_flanks

TINY = ["ACGUACGU", "ACGUAA", "ACGUCC"]
ALGOS = ["char", "kmer3", "kmer3s3", "bpe", "wordpiece", "unigram"]


def _random_reads(n, length, seed=0, letters="ACGU"):
    rng = random.Random(seed)
    return ["".join(rng.choice(letters) for _ in range(length)) for _ in range(n)]


def _spec(name, **kw):
    base = {"char": dict(algorithm="char"), "kmer3": dict(algorithm="kmer", k=3),
            "kmer3s3": dict(algorithm="kmer", k=3, stride=3),
            "bpe": dict(algorithm="bpe", vocab_size=64),
            "wordpiece": dict(algorithm="wordpiece", vocab_size=64),
            "unigram": dict(algorithm="unigram", vocab_size=64)}[name]
    return TokenizerSpec(**{**base, "primers": "keep", **kw})


@pytest.fixture(scope="module")
def trained():
    reads = _random_reads(200, 30)
    return {name: train_tokenizer(reads, _spec(name)) for name in ALGOS}


@pytest.fixture(scope="module")
def trained_iupac():
    reads = _random_reads(200, 30) + ["ACGUNNACGU", "NNNN", "ACRYGU"]
    return {name: train_tokenizer(reads, _spec(name, iupac="keep")) for name in ALGOS}


# -- exact tokens on three lines (hand-derived; see the comments) ---------------------------
def test_registry_lists_the_five_builtins():
    assert {"bpe", "wordpiece", "unigram", "kmer", "char"} <= set(names())


def test_char_exact_tokens_and_ids():
    tok = train_tokenizer(TINY, algorithm="char", primers="keep")
    assert tok.tokenize("ACGUAC") == ["A", "C", "G", "U", "A", "C"]
    assert tok.encode("GU") == [2, 7, 8, 3]  # [CLS] G U [SEP]; specials 0-4, then A C G U
    assert tok.vocab_size == 9


def test_kmer_overlapping_exact_tokens():
    tok = train_tokenizer(TINY, algorithm="kmer", k=3, stride=1, primers="keep")
    assert tok.prepare("ACGUA") == "ACG CGU GUA"
    assert tok.tokenize("ACGUA") == ["ACG", "CGU", "GUA"]
    assert tok.token_spans("ACGUA") == [(0, 3), (1, 4), (2, 5)]
    assert tok.tokenize("AC") == ["A", "C"]  # shorter than k: single nucleotides
    assert tok.vocab_size == 5 + 4 + 64


def test_kmer_blocked_tail_emitted_as_single_nucleotides():
    tok = train_tokenizer(TINY, algorithm="kmer", k=3, stride=3, primers="keep")
    assert tok.prepare("ACGUACGU") == "ACGUACGU"  # reads raw text
    assert tok.tokenize("ACGUACGU") == ["ACG", "UAC", "G", "U"]
    assert tok.token_spans("ACGUACGU") == [(0, 3), (3, 6), (6, 7), (7, 8)]


def test_bpe_exact_merges():
    # pair counts: AC 4, CG 4, GU 4. Ties go to the lowest ids: (A,C) first, then
    # (G,U) beats (AC,G) since G=7,U=8 < AC=9; then AC+GU = ACGU (count 4).
    tok = train_tokenizer(TINY, algorithm="bpe", vocab_size=12, min_frequency=1, primers="keep")
    vocab = tok.hf.backend_tokenizer.get_vocab()
    assert sorted(vocab, key=vocab.get)[5:] == ["A", "C", "G", "U", "AC", "GU", "ACGU"]
    assert tok.tokenize("ACGUACGUAC") == ["ACGU", "ACGU", "AC"]
    assert tok.tokenize("CCAA") == ["C", "C", "A", "A"]


def test_wordpiece_exact_tokens():
    # words are A ##C ##G ##U ...; (##C,##G) 4 and (##G,##U) 4 beat (A,##C) 3, and
    # ##C < ##G < ##U in id order so ##CG comes first; then ##CGU, ACGU, ACGUA (2);
    # greedy longest match reads ACGUA ##CGU ##A ##C.
    tok = train_tokenizer(TINY, algorithm="wordpiece", vocab_size=18, min_frequency=1,
                          primers="keep")
    vocab = tok.hf.backend_tokenizer.get_vocab()
    assert sorted(vocab, key=vocab.get)[5:] == [
        "A", "C", "G", "U", "##A", "##C", "##G", "##U", "##CG", "##CGU", "ACGU", "ACGUA", "##CC"]
    assert tok.tokenize("ACGUACGUAC") == ["ACGUA", "##CGU", "##A", "##C"]
    assert tok.tokenize("CCAA") == ["C", "##C", "##A", "##A"]
    assert tok.decode(tok.encode("ACGUACGUAC")) == "ACGUACGUAC"


def test_unigram_exact_tokens():
    # sentencepiece keeps ACGU (in every read) and the letters; the tiny corpus
    # cannot support 12 pieces, so the vocabulary stops at 10 (hard_vocab_limit off)
    tok = train_tokenizer(TINY, algorithm="unigram", vocab_size=12, primers="keep")
    vocab = tok.hf.backend_tokenizer.get_vocab()
    assert sorted(vocab, key=vocab.get)[5:] == ["ACGU", "C", "U", "A", "G"]
    assert tok.tokenize("ACGUACGUAC") == ["ACGU", "ACGU", "A", "C"]
    assert tok.tokenize("ACGUAACGUA") == ["ACGU", "A", "ACGU", "A"]
    assert tok.tokenize("GGU") == ["G", "G", "U"]
    assert tok.meta["trainer"]["backend"] == "sentencepiece"
    assert tok.meta["trainer"]["max_piece_length"] == 16


# -- round trips -----------------------------------------------------------------------
EDGES = ["A", "AC", "ACGTUUGT", "acgtuacguu", "uuuu", "ACGUACGUA" * 3]


@pytest.mark.parametrize("name", ALGOS)
def test_round_trip_edge_sequences(trained, name):
    tok = trained[name]
    long = _random_reads(1, 1000, seed=7)[0]
    for seq in EDGES + [long]:
        norm = normalize(seq, "rna")
        assert tok.decode(tok.encode(seq)) == norm, (name, seq)
        assert "[UNK]" not in tok.tokenize(seq)
        spans = tok.token_spans(seq)
        assert len(spans) == len(tok.tokenize(seq))
        assert spans[0][0] == 0 and spans[-1][1] == len(norm)


@pytest.mark.parametrize("name", ALGOS)
def test_round_trip_ambiguity_letters_when_kept(trained_iupac, name):
    tok = trained_iupac[name]
    for seq in ["N", "NNNN", "ACNGU", "acgnnrykmbdhvsw", "ACGUACGUN"]:
        assert tok.decode(tok.encode(seq)) == seq.upper(), (name, seq)
        assert "[UNK]" not in tok.tokenize(seq)


def test_ambiguity_letter_rejected_by_default(trained):
    with pytest.raises(TokenizerError, match="ambiguous letter 'N' at position 3"):
        trained["bpe"].encode("ACNGU")


@pytest.mark.parametrize("name", ALGOS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.text(alphabet="ACGTUacgtu", min_size=1, max_size=80))
def test_property_round_trip_and_spans(trained, name, seq):
    tok = trained[name]
    norm = normalize(seq, "rna")
    assert tok.decode(tok.encode(seq)) == norm
    assert tok.prepare(seq) == tok.algorithm.prepare(norm, tok.spec, tok.primers)[0]
    assert tok.encode_batch([seq, seq]) == [tok.encode(seq)] * 2
    spans = tok.token_spans(seq)
    if name == "kmer3" and len(norm) >= 3:  # overlapping: one k-mer per start position
        assert spans == [(i, i + 3) for i in range(len(norm) - 2)]
    else:  # the tokens tile the sequence
        assert spans[0][0] == 0 and spans[-1][1] == len(norm)
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
        assert "".join(norm[s:e] for s, e in spans) == norm


def test_dna_tokenizer_reads_rna():
    tok = train_tokenizer(_random_reads(50, 20, letters="ACGT"), algorithm="bpe",
                          vocab_size=40, alphabet="dna", primers="keep")
    assert tok.tokenize("ACGUU") == tok.tokenize("ACGTT")
    assert tok.decode(tok.encode("acguu")) == "ACGTT"


# -- reproducibility, file vs iterator -------------------------------------------------
@pytest.mark.parametrize("name", ["bpe", "wordpiece", "unigram", "kmer3"])
def test_same_corpus_spec_seed_gives_identical_tokenizer_json(name):
    reads = _random_reads(150, 25, seed=3)
    a = train_tokenizer(reads, _spec(name))
    b = train_tokenizer(list(reads), _spec(name))
    assert a.hf.backend_tokenizer.to_str() == b.hf.backend_tokenizer.to_str()


@pytest.mark.parametrize("name", ["bpe", "wordpiece", "unigram"])
def test_file_and_iterator_give_the_same_vocabulary(tmp_path, name):
    reads = _random_reads(150, 25, seed=4)
    fasta = tmp_path / "reads.fasta"
    fasta.write_text("".join(f">r{i}\n{s.lower()}\n" for i, s in enumerate(reads)))
    from_file = train_tokenizer(fasta, _spec(name))
    from_iter = train_tokenizer(iter(reads), _spec(name))
    assert from_file.hf.get_vocab() == from_iter.hf.get_vocab()
    assert from_file.meta["corpus"]["sha256"] == from_iter.meta["corpus"]["sha256"]
    assert from_file.meta["corpus"]["sources"][0]["path"] == str(fasta)


# -- primers -----------------------------------------------------------------------------
P5, P3 = "GGGAGACAAGAAUAAACGCUCAA", "UUCGACAGGAGGCUCACAACAGGC"


@pytest.fixture(scope="module")
def selex_reads():
    return [P5 + r + P3 for r in _random_reads(120, 20, seed=5)]


def test_primers_detected_and_mapped_to_tokens(selex_reads):
    tok = train_tokenizer(selex_reads, algorithm="bpe", vocab_size=80)
    assert tok.meta["primers"] == {"mode": "token", "primer5": P5, "primer3": P3,
                                   "detected": True, "tokens": {"[P5]": P5, "[P3]": P3}}
    read = selex_reads[0]
    toks = tok.tokenize(read)
    assert toks[0] == "[P5]" and toks[-1] == "[P3]"
    spans = tok.token_spans(read)
    assert spans[0] == (0, len(P5)) and spans[-1] == (len(read) - len(P3), len(read))
    assert tok.decode(tok.encode(read)) == read
    # no learned token holds primer sequence longer than the random region could
    assert max(len(t) for t in tok.hf.get_vocab() if not t.startswith("[")) <= 20


def test_primers_strip_and_keep(selex_reads):
    strip = train_tokenizer(selex_reads, algorithm="char", primers="strip")
    read = selex_reads[1]
    assert strip.tokenize(read) == list(read[len(P5):-len(P3)])
    assert strip.token_spans(read)[0] == (len(P5), len(P5) + 1)
    keep = train_tokenizer(selex_reads, algorithm="char", primers="keep")
    assert keep.tokenize(read) == list(read)
    assert keep.meta["primers"]["mode"] == "keep"


def test_primers_given_as_options_with_overlapping_kmers(selex_reads):
    tok = train_tokenizer(selex_reads, algorithm="kmer", k=4, primers="token",
                          primer5=P5.replace("U", "T"), primer3=P3)
    read = selex_reads[2]
    assert tok.prepare(read).split()[0] == "[P5]" and tok.prepare(read).split()[-1] == "[P3]"
    assert tok.decode(tok.encode(read)) == read
    assert tok.meta["primers"]["detected"] is False


def test_no_primers_in_random_reads():
    assert detect_flanks(_random_reads(200, 30)) == (None, None)


# -- bad specs ---------------------------------------------------------------------------
@pytest.mark.parametrize("kw, message", [
    (dict(algorithm="bpe", vocab_size=8), "vocab_size 8 is smaller than the alphabet plus special"),
    (dict(algorithm="kmer", k=0), "k must be between 1 and 8"),
    (dict(algorithm="kmer", k=4, stride=2), "stride must be 1"),
    (dict(algorithm="bpe", primer5="ACXG"), "primer5 must be a nucleotide string"),
])
def test_bad_spec_raises_value_error_saying_how_to_fix(kw, message):
    with pytest.raises(ValueError, match=message):
        TokenizerSpec(**kw)


def test_unknown_algorithm_and_empty_corpus():
    with pytest.raises(TokenizerError, match="unknown algorithm 'nope'; expected one of"):
        train_tokenizer(TINY, algorithm="nope")
    with pytest.raises(TokenizerError, match="empty corpus"):
        train_tokenizer([], algorithm="bpe")
    with pytest.raises(TokenizerError, match=r"sequence #2 \('AC1'\): digit '1' at position 3"):
        train_tokenizer(["ACGU", "AC1"], algorithm="char")


# -- trainer options ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["bpe", "wordpiece", "unigram"])
def test_max_token_length_caps_learned_tokens_in_nucleotides(name):
    reads = ["ACGUACGUACGU"] * 30 + _random_reads(30, 12, seed=9)
    tok = train_tokenizer(reads, _spec(name, max_token_length=3))
    pieces = [t.removeprefix("##") for t in tok.hf.get_vocab() if not t.startswith("[")]
    assert max(map(len, pieces)) <= 3
    unlimited = train_tokenizer(reads, _spec(name))
    assert max(len(t.removeprefix("##")) for t in unlimited.hf.get_vocab()) > 3


def test_min_frequency_stops_bpe_merges():
    # every pair of "ACGU" x3 + "GGCC" occurs <= 3 times: min_frequency 4 allows no merge
    tok = train_tokenizer(["ACGU"] * 3 + ["GGCC"], algorithm="bpe", vocab_size=15,
                          min_frequency=4, primers="keep")
    assert tok.vocab_size == 9 and tok.tokenize("ACGU") == ["A", "C", "G", "U"]
    tok = train_tokenizer(["ACGU"] * 3 + ["GGCC"], algorithm="bpe", vocab_size=15,
                          min_frequency=3, primers="keep")
    assert tok.tokenize("ACGU") == ["ACGU"]


def test_primers_of_a_simulated_selex_library_are_found():
    from corpora.selex import PRIMER3, PRIMER5, SelexConfig, simulate

    recs = simulate(SelexConfig(rounds=1, reads_per_round=150, pool_size=300, seed=1))
    tok = train_tokenizer([r.seq for r in recs], algorithm="bpe", vocab_size=128, alphabet="dna")
    assert (tok.primers.five, tok.primers.three) == (PRIMER5, PRIMER3)
    assert all(tok.decode(tok.encode(r.seq)) == r.seq for r in recs)
    assert all(tok.tokenize(r.seq)[0] == "[P5]" for r in recs if r.seq.startswith(PRIMER5))


@pytest.mark.parametrize("name", ["bpe", "wordpiece", "unigram"])
@pytest.mark.parametrize("iupac", ["reject", "keep"])
def test_vocabulary_never_exceeds_vocab_size(name, iupac):
    # with iupac=keep the corpus lacks most IUPAC letters; they are added after training
    smallest = TokenizerSpec(algorithm=name, iupac=iupac).min_vocab_size
    for size in (smallest, 48):
        tok = train_tokenizer(_random_reads(50, 20), _spec(name, iupac=iupac, vocab_size=size))
        assert tok.vocab_size <= size
        assert tok.decode(tok.encode("ACGU" + ("N" if iupac == "keep" else ""))).startswith("ACGU")
