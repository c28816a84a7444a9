"""Per-token structure and k-mer inputs (issues 20, 21): real ViennaRNA folds, real tiny
models; the bias, the channels and the shuffled control pinned on hand-checked reads."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from classifier_helpers import FAST, tiny_char_task
from classifier import TrainConfig, load_model_dir, model_probabilities, train_classifier
from classifier.data import encode, pad_batch
from classifier.heads import LabSequenceClassifier, build_classifier
from classifier.presets import build_config
from classifier.predict import predict_proba
from classifier.structure_inputs import ReadStructure, fold_structures, shuffle_structures
from classifier.token_features import (ELEMENTS, InputSettings, features_for, spans_of_ids,
                                       token_features)
from tokenizer_lab import TokenizerSpec, train_tokenizer
from tokenizer_lab.structure import ELEMENT_LETTERS
from tokenizer_lab.structure.elements import pair_table

READS = ["GGGAAAACCCAUGCAUGCAU", "ACGUACGUAGGCUAGCUAGC", "GGGGAAACCCCUUUAGGAAA"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_char_task(tmp_path_factory.mktemp("structure-inputs"), n_train=32, n_test=8)


def _dense(bias: list, width: int) -> np.ndarray:
    out = np.zeros((width, width))
    for t, u, v in bias:
        out[t, u] = v
    return out


def test_element_letters_match_the_annotation():
    assert ELEMENTS == ELEMENT_LETTERS


def test_bias_is_zero_where_the_structure_has_no_pairs():
    tok = train_tokenizer(READS, TokenizerSpec(algorithm="bpe", vocab_size=30))
    seq = "AAAAAAAAAAAAAAAAAAAA"  # folds to nothing; no pair reaches 1e-3 either
    (s,) = fold_structures([seq], tok, bpp=True)
    assert s.dot_bracket == "." * 20 and len(s.bpp[0]) == 0
    ids = tok.encode(seq)
    for mode in ("pairs", "bpp"):
        f = token_features(seq, ids, tok, s, InputSettings(structure_bias=mode))
        assert f["structure_bias"] == []
        assert pad_batch([{"input_ids": ids, **f}], 0)["structure_bias"].abs().sum() == 0
    # a folded read: rows and columns of unpaired tokens and of [CLS]/[SEP] are zero
    seq = "GGGAAAACCC"
    (s,) = fold_structures([seq], tok, bpp=False)
    tok1 = train_tokenizer(READS, TokenizerSpec(algorithm="char"))
    dense = _dense(token_features(seq, tok1.encode(seq), tok1, s,
                                  InputSettings(structure_bias="pairs"))["structure_bias"], 12)
    unpaired = [t + 1 for t, c in enumerate(s.dot_bracket) if c == "."] + [0, 11]
    assert dense[unpaired].sum() == 0 and dense[:, unpaired].sum() == 0


def test_bias_equals_the_pair_matrix_pooled_to_tokens_by_hand():
    seq = "GGGAAAACCC"
    (s,) = fold_structures([seq], train_tokenizer(READS, TokenizerSpec(algorithm="char")), False)
    assert s.dot_bracket == "(((....)))"  # pairs (0,9) (1,8) (2,7)
    tok = train_tokenizer(READS, TokenizerSpec(algorithm="kmer", k=2, stride=2))
    ids = tok.encode(seq)
    assert tok.token_spans(seq) == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    f = token_features(seq, ids, tok, s, InputSettings(structure_bias="pairs"))
    # tokens GG|GA|AA|AC|CC at positions 1..5: GG-CC holds 2 of its 4 nucleotide pairs,
    # GA-AC holds 1 of 4 (G3-C8); the mean over the tokens' nucleotides
    assert sorted(map(tuple, f["structure_bias"])) == [(1, 5, 0.5), (2, 4, 0.25),
                                                       (4, 2, 0.25), (5, 1, 0.5)]


def test_bpp_bias_is_the_block_mean_of_the_probability_matrix():
    import RNA
    seq = READS[2]
    tok = train_tokenizer(READS, TokenizerSpec(algorithm="kmer", k=3, stride=1))  # overlapping
    (s,) = fold_structures([seq], tok, bpp=True)
    fc = RNA.fold_compound(seq)
    _, mfe = fc.mfe()
    fc.exp_params_rescale(mfe)
    fc.pf()
    full = np.array(fc.bpp())[1:, 1:]
    full = full + full.T
    full[full < 1e-3] = 0
    ids = tok.encode(seq)
    spans = spans_of_ids(seq, ids, tok)
    got = _dense(token_features(seq, ids, tok, s, InputSettings(structure_bias="bpp"))
                 ["structure_bias"], len(ids))
    want = np.zeros_like(got)
    for t, a in enumerate(spans):
        for u, b in enumerate(spans):
            if a and b:
                want[t, u] = full[a[0]:a[1], b[0]:b[1]].mean()
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert got.max() > 0.1


def test_loop_types_of_a_hand_checked_hairpin():
    seq = "GGGGAAACCCC"
    tok = train_tokenizer(READS, TokenizerSpec(algorithm="char"))
    (s,) = fold_structures([seq], tok, bpp=False)
    assert s.dot_bracket == "((((...))))"
    f = token_features(seq, tok.encode(seq), tok, s, InputSettings(structure_channel=True))
    stem, hairpin = 1 + ELEMENTS.index("S"), 1 + ELEMENTS.index("H")
    assert f["loop_types"] == [0] + [stem] * 4 + [hairpin] * 3 + [stem] * 4 + [0]
    # 3-nt tokens GGG|GAA|ACC|CC: majority S, then H (A, A of the loop), then S, S
    tok3 = train_tokenizer(READS, TokenizerSpec(algorithm="kmer", k=3, stride=3))
    assert tok3.tokenize(seq)[:3] == ["GGG", "GAA", "ACC"]
    f = token_features(seq, tok3.encode(seq), tok3, s, InputSettings(structure_channel=True))
    assert f["loop_types"][1:4] == [stem, hairpin, stem]


def test_kmer_ids_cover_each_token():
    seq = "ACGUAC"
    tok = train_tokenizer(READS, TokenizerSpec(algorithm="kmer", k=3, stride=3))
    f = token_features(seq, tok.encode(seq), tok, None, InputSettings(kmer_channel=2))
    code = {"AC": 2 + 1, "CG": 2 + 6, "GU": 2 + 11, "UA": 2 + 12}
    # ACG: its 2-mers AC, CG; UAC: UA, AC; specials none
    assert f["kmer_ids"] == [[], [code["AC"], code["CG"]], [code["UA"], code["AC"]], []]
    f = token_features("ACGU", tok.encode("ACGU"), tok, None, InputSettings(kmer_channel=5))
    assert all(x == [] for x in f["kmer_ids"])  # a read shorter than K has no 5-mer
    from classifier.token_features import _kmer_codes
    assert _kmer_codes("ANGU", 2) == [1, 1, 2 + 11]  # a K-mer with another letter: 1


def test_sampled_segmentation_gets_its_own_spans():
    tok = train_tokenizer(READS * 5, TokenizerSpec(algorithm="bpe", vocab_size=40))
    seq = READS[0]
    own = tok.encode(seq)
    assert len(own) < len(seq) + 2  # BPE merged something
    vocab = tok.hf.get_vocab()
    chars = [own[0]] + [vocab[c] for c in seq] + [own[-1]]  # one letter per token
    assert spans_of_ids(seq, chars, tok)[1:-1] == [(i, i + 1) for i in range(len(seq))]
    assert spans_of_ids(seq, own, tok)[1:-1] == [tuple(x) for x in tok.token_spans(seq)]
    with pytest.raises(ValueError, match="does not spell the read"):
        spans_of_ids(seq, [own[0], vocab["U"], own[-1]], tok)


def test_shuffled_control_keeps_lengths():
    seqs = ["GGGGAAACCCC", "GGGAAAUCCCA", "ACGUACGUACG", "GGGCGAAAGCCC", "AUGCAUGCAUGCAUGCGG",
            "GCGCAAAAGCGC"]
    tok = train_tokenizer(seqs, TokenizerSpec(algorithm="char"))
    real = fold_structures(seqs, tok, bpp=True)
    shuffled = shuffle_structures(real, seed=3)
    again = shuffle_structures(real, seed=3)  # seeded
    assert [s.dot_bracket for s in again] == [s.dot_bracket for s in shuffled]
    assert all(np.array_equal(a.bpp[2], b.bpp[2]) for a, b in zip(again, shuffled))
    assert [len(s) for s in shuffled] == [len(s) for s in seqs]
    for s in shuffled:
        pair_table(s.dot_bracket)  # balanced
        assert s.bpp[1].max(initial=-1) < len(s)
    # a group of one length (three 11-mers, two 12-mers): nobody keeps their own
    assert all(shuffled[k] is not real[k] for k in range(5))
    # the 18-mer is alone: the nearest length's (12) structure, extended with dots
    assert shuffled[4].dot_bracket[12:] == "......"
    assert shuffled[4].dot_bracket[:12] in (real[3].dot_bracket, real[5].dot_bracket)


def _model(arch, settings, seed=0, pooling="cls"):
    torch.manual_seed(seed)
    cfg = build_config(arch, "tiny", 30, 24, 2, {0: "a", 1: "b"})
    return build_classifier(cfg, pooling, "linear", 0.1, inputs=settings).eval()


@pytest.mark.parametrize("arch", ["bert", "albert"])
def test_the_bias_reaches_every_layer_and_head(arch, tiny):
    _, tok, train, _ = tiny
    model = _model(arch, InputSettings(structure_bias="pairs"))
    assert isinstance(model, LabSequenceClassifier)  # cls + linear routed to the lab model
    assert model.structure_scale.shape == (4, 4) and model.structure_scale.abs().sum() == 0
    seqs = ["GGGGAAACCCCGGGGAAACCCC", READS[0]]
    feats = features_for(InputSettings(structure_bias="pairs"), tok,
                         [type(train[0])(f"r{i}", s) for i, s in enumerate(seqs)])
    ids = [tok.encode(s) for s in seqs]
    batch = pad_batch([{"input_ids": x, **feats(i, x)} for i, x in enumerate(ids)], 0)
    assert batch["structure_bias"].sum() > 0
    zero = model(**batch).logits
    with torch.no_grad():
        model.structure_scale[0, 0] = 5.0  # the first layer, one head: [CLS] feels it later
    assert (model(**batch).logits - zero).abs().max() > 1e-5  # (a fresh model's logits vary little)
    mean = _model(arch, InputSettings(structure_bias="pairs"), pooling="mean")
    plain = mean(**batch).logits
    for layer in range(4):  # each layer's row of scales acts (ALBERT: one shared layer)
        with torch.no_grad():
            mean.structure_scale.zero_()
            mean.structure_scale[layer] = 5.0
        assert (mean(**batch).logits - plain).abs().max() > 1e-5, layer
    batch["structure_bias"].zero_()
    torch.testing.assert_close(model(**batch).logits, zero)  # no pairs: no bias
    with pytest.raises(ValueError, match="takes structure_bias"):
        model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])


def test_kmer_channel_changes_outputs():
    ids = torch.tensor([[2, 7, 8, 9, 3]])
    kmers = torch.tensor([[[0, 0], [5, 6], [6, 7], [7, 0], [0, 0]]])
    plain = _model("bert", InputSettings())
    with_k = _model("bert", InputSettings(kmer_channel=2))
    assert with_k.kmer_embeddings.weight.shape == (4 ** 2 + 2, 128)
    base = plain(input_ids=ids).logits
    out = with_k(input_ids=ids, kmer_ids=kmers).logits
    assert (out - base).abs().max() > 1e-4
    assert (with_k(input_ids=ids, kmer_ids=kmers.flip(-1)).logits - out).abs().max() < 1e-6
    assert (with_k(input_ids=ids, kmer_ids=kmers + 3 * (kmers > 0)).logits - out).abs().max() > 1e-4


@pytest.mark.parametrize("arch,inputs", [
    ("bert", dict(structure_bias="pairs", structure_channel=True)),
    ("albert", dict(structure_bias="bpp", kmer_channel=3, pooling="cls", head="linear"))])
def test_model_with_structure_inputs_saves_reloads_and_predicts_identically(arch, inputs, tiny):
    d, tok, train, test = tiny
    out = d / f"{arch}-inputs"
    res = train_classifier(TrainConfig(**FAST, arch=arch, **inputs), tok, train, None, test,
                           out_dir=out)
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["model_type"] == "aptamer-lab-classifier"
    settings = InputSettings.of(TrainConfig(**inputs))
    assert (cfg["structure_bias"], cfg["structure_channel"], cfg["kmer_channel"]) == \
        (settings.structure_bias, settings.structure_channel, settings.kmer_channel)
    saved = json.loads((out / "training_config.json").read_text())["train_config"]
    assert {k: saved[k] for k in inputs} == inputs and saved["structure_shuffle"] is False
    loaded = load_model_dir(out)
    assert loaded.model.structure_scale.abs().sum() > 0  # it learned a scale
    reloaded = model_probabilities(loaded, test)
    ids = encode(tok, test, res.max_length, True, "test")
    feats = features_for(settings, tok, test)
    np.testing.assert_allclose(predict_proba(res.model, ids, tok.pad_token_id, features=feats),
                               reloaded, atol=1e-6)


def test_explain_gives_nucleotide_attributions_with_structure_inputs(tiny):
    from classifier.explain import ExplainConfig, explain_records
    d, tok, train, test = tiny
    out = d / "explain-model"
    train_classifier(TrainConfig(**{**FAST, "epochs": 1}, arch="bert", structure_bias="bpp",
                                 structure_channel=True, kmer_channel=2), tok, train, None, test,
                     out_dir=out)
    doc = explain_records(load_model_dir(out), test[:3], ExplainConfig(n_steps=16, batch_size=8))
    for s in doc["sequences"]:
        attr = s["nucleotide_attributions"]
        assert len(attr) == len(s["sequence"]) and any(abs(v) > 0 for v in attr)
        total = sum(t["attribution"] for t in s["tokens"])
        assert abs(total - (s["logit"] - s["baseline_logit"])) < 0.05 + abs(s["delta"])


def test_options_reach_the_cli_the_config_and_the_fingerprint():
    from click.testing import CliRunner
    from classifier.ablation.ablation_config import load_config
    from classifier.cli import cli
    text = CliRunner().invoke(cli, ["train", "--help"]).output
    for flag in ("--structure-bias", "--structure-channel", "--kmer-channel", "--structure-shuffle"):
        assert flag in text
    with pytest.raises(ValueError, match="structure_shuffle"):
        TrainConfig(structure_shuffle=True)
    with pytest.raises(ValueError, match="kmer_channel"):
        TrainConfig(kmer_channel=9)
    with pytest.raises(ValueError, match="baseline takes no"):
        TrainConfig(arch="kmer-logreg", structure_channel=True)
    base = dict(task="selex-sim", tokenizers="char")
    prints = {load_config(None, **base, train_options=opts).fingerprint() for opts in
              ({}, {"structure_bias": "pairs"}, {"structure_bias": "bpp"},
               {"structure_bias": "pairs", "structure_shuffle": True}, {"kmer_channel": 3})}
    assert len(prints) == 5
