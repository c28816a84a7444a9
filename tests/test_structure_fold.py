"""Real ViennaRNA folds, the parameters' effects, the cache and parallel folding."""

from __future__ import annotations

import random

import pytest
import RNA

from tokenizer_lab.structure import FoldCache, FoldParams, fold, fold_many
from tokenizer_lab.structure import parallel

HAIRPIN = "GGGGAAACCCC"


def _random_reads(n, length=60, seed=0):
    rng = random.Random(seed)
    return ["".join(rng.choice("ACGU") for _ in range(length)) for _ in range(n)]


def test_fold_matches_plain_vienna_and_dna_parameters_differ():
    seq = _random_reads(1, 70, seed=3)[0]
    structure, mfe = RNA.fold(seq)
    r = fold(seq)
    assert (r.structure, r.mfe) == (structure, round(mfe, 2))
    assert fold(HAIRPIN).mfe == -4.5
    assert fold(HAIRPIN, FoldParams(material="dna")).mfe == -2.0
    # the DNA set was only loaded for that call: the default is RNA again
    assert round(RNA.fold(HAIRPIN)[1], 2) == -4.5
    assert fold(HAIRPIN, FoldParams(temperature=70)).mfe > fold(HAIRPIN).mfe


def test_t_and_u_fold_alike_and_primers_can_be_left_out():
    dna, rna = fold("ggggtttcccctt"), fold("GGGGUUUCCCCUU")
    assert (dna.structure, dna.mfe) == (rna.structure, rna.mfe) == ("((((...)))).." , rna.mfe)
    p = FoldParams(include_primers=False, primer5="GGGG", primer3="CCCC")
    r = fold("GGGGAAACCCCAAAAGGGGAAACCCC", p)
    assert r.structure[:4] == "...." and r.structure[-4:] == "...."
    assert len(r.structure) == 26
    assert fold("GGGGAAACCCCAAAAGGGGAAACCCC").structure.startswith("((((")


@pytest.mark.parametrize("kwargs, message", [
    (dict(material="rnadna"), "material must be 'rna' or 'dna'"),
    (dict(temperature=120), "between 0 and 100"),
    (dict(dangles=5), "dangles must be"),
    (dict(primer5="ACGX"), "primer5 must hold only"),
])
def test_fold_params_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FoldParams(**kwargs)


def test_cache_returns_same_structures_and_misses_on_other_parameters(tmp_path, monkeypatch):
    reads = _random_reads(30)
    cache = FoldCache(tmp_path / "c")
    first = fold_many(reads, cache=cache, workers=1)
    assert len(cache) == 30
    # a second run folds nothing: make folding impossible and ask again
    calls = []
    real = parallel.fold_strings_parallel
    monkeypatch.setattr(parallel, "fold_strings_parallel",
                        lambda s, p, w=None: calls.append(len(s)) or real(s, p, w))
    again = fold_many(reads, cache=FoldCache(tmp_path / "c"), workers=1)
    assert again == first and calls == []
    # other folding parameters miss, and fold differently
    dna = fold_many(reads, FoldParams(material="dna"), cache=cache, workers=1)
    warm = fold_many(reads, FoldParams(temperature=60), cache=cache, workers=1)
    assert calls == [30, 30]
    assert len(cache) == 90
    assert [r.mfe for r in dna] != [r.mfe for r in first]
    assert [r.mfe for r in warm] != [r.mfe for r in first]
    # primers excluded: the folded region is the key, so those are new strings
    fold_many(reads, FoldParams(include_primers=False, primer5=reads[0][:5]), cache=cache, workers=1)
    assert calls[-1] == 1


def test_parallel_equals_serial_and_keeps_order(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    reads = _random_reads(40, 50, seed=1) + [HAIRPIN]
    serial = fold_many(reads, FoldParams(material="dna"), cache=False, workers=1)
    par = fold_many(reads, FoldParams(material="dna"), cache=False, workers=2)
    assert par == serial
    assert par[-1].structure == "((((...))))" and par[-1].mfe == -2.0
    assert [r.seq for r in par] == reads


def test_default_cache_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_FOLD_CACHE", str(tmp_path / "x"))
    fold_many([HAIRPIN], workers=1)
    assert (tmp_path / "x" / "folds.sqlite").is_file()
