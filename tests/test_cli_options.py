"""Options made from the config dataclasses: each default and help text is written once."""

from __future__ import annotations

import dataclasses
import inspect

import click
import pytest

from classifier.cli import cli as classify
from classifier.explain.config import ExplainConfig
from classifier.train_config import PretrainConfig, TrainConfig
from corpora.cli import SIMULATE_EXCLUDE
from corpora.cli import cli as corpora
from corpora.selex.selex_config import SelexConfig
from tokenizer_lab.cli import CLI_ONLY_CHOICES
from tokenizer_lab.cli import cli as tokenizer_lab
from tokenizer_lab.spec import TokenizerSpec

COMMANDS = [  # (group, command, dataclass, fields the command line fills otherwise)
    (classify, "train", TrainConfig, ()),
    (classify, "pretrain", PretrainConfig, ()),
    (classify, "explain", ExplainConfig, ()),
    (tokenizer_lab, "train", TokenizerSpec, ()),
    (corpora, "simulate", SelexConfig, SIMULATE_EXCLUDE),
]


def _default(f: dataclasses.Field):
    return f.default_factory() if f.default is dataclasses.MISSING else f.default


@pytest.mark.parametrize("group, name, cls, exclude", COMMANDS,
                         ids=[f"{g.name or 'cli'}-{n}" for g, n, _, _ in COMMANDS])
def test_every_field_has_its_option_with_the_same_default_and_help(group, name, cls, exclude):
    command = group.commands[name]
    params = {p.name: p for p in command.params}
    ctx = click.Context(command, info_name=name)
    for f in dataclasses.fields(cls):
        if f.name in exclude:
            assert f.name not in params
            continue
        assert f.name in params, f"{name}: field {f.name} has no option"
        option = params[f.name]
        assert option.default == _default(f), f"{name} {option.opts[0]}: default differs"
        assert f.metadata.get("help"), f"{cls.__name__}.{f.name} has no help text"
        text = option.get_help_record(ctx)[1]
        helps = f.metadata["help"], CLI_ONLY_CHOICES.get(f.name, {}).get("help", "-")
        assert text.startswith(helps) and "[default: " in text, text
    for option in command.params:  # the options of the command line itself have help too
        if isinstance(option, click.Option) and option.name != "help":
            assert option.help, f"{name} {option.opts[0]} has no help text"


def test_ablate_options_overlay_the_config_file():
    """classify ablate: every AblationConfig field is an option that is None unless given
    (so it overrides the TOML only then), showing the field's default."""
    from classifier.ablation.ablation_config import AblationConfig
    command = classify.commands["ablate"]
    params = {p.name: p for p in command.params}
    ctx = click.Context(command, info_name="ablate")
    for f in dataclasses.fields(AblationConfig):
        if f.name == "train_options":  # a TOML table of TrainConfig fields
            assert f.name not in params
            continue
        option = params[f.name]
        assert option.default is None and option.help == f.metadata["help"]
        if _default(f) not in (None, ()):
            assert f"[default: ({option.show_default})]" in option.get_help_record(ctx)[1]


def test_help_shows_defaults_from_the_dataclass():
    from click.testing import CliRunner
    out = " ".join(CliRunner().invoke(classify, ["train", "--help"]).output.split())
    assert "--epochs INTEGER Maximum number of epochs. [default: 10]" in out
    assert "--lr RATE|AUTO AdamW peak learning rate, or auto" in out and "[default: 0.001]" in out


def test_simulate_reads_default_is_the_configs_total():
    params = {p.name: p for p in corpora.commands["simulate"].params}
    assert params["reads"].default == SelexConfig().n_reads == 8000


def test_k_range_is_the_specs_everywhere():
    """Decision: k is 1-8 (4**k k-mers are enumerated); the ablation grid used to allow 12."""
    from classifier.ablation.ablation_config import TokenizerChoice
    from tokenizer_lab.spec import K_RANGE
    assert K_RANGE == (1, 8)
    assert TokenizerChoice.parse("kmer:8").k == 8
    with pytest.raises(ValueError, match="k=9 must be between 1 and 8"):
        TokenizerChoice.parse("kmer:9")
    with pytest.raises(ValueError, match="k must be between 1 and 8, got 9"):
        TokenizerSpec(algorithm="kmer", k=9)


def test_stats_structure_default_is_the_librarys():
    """Decision: `tokenizer-lab stats` and compare_tokenizers both score structure by default."""
    from tokenizer_lab.stats_report import compare_tokenizers
    library = inspect.signature(compare_tokenizers).parameters["structure"].default
    option = {p.name: p for p in tokenizer_lab.commands["stats"].params}["structure"].default
    assert library is option is True


@pytest.mark.parametrize("name", ["evaluate", "predict"])
def test_eval_batch_size_is_written_once(name):
    """`classify evaluate/predict --batch-size`, training's validation batches and the
    library's defaults are all TrainConfig's eval_batch_size; --threads says what None means."""
    from classifier.evaluate import evaluate_model, model_probabilities, predict_file
    from classifier.predict import predict_proba
    from classifier.train_config import EVAL_BATCH_SIZE
    params = {p.name: p for p in classify.commands[name].params}
    assert params["batch_size"].opts == ["--batch-size"]
    assert params["batch_size"].default == TrainConfig().eval_batch_size == EVAL_BATCH_SIZE
    assert params["batch_size"].help == "Sequences per evaluation step."
    for f in (evaluate_model, model_probabilities, predict_file, predict_proba):
        assert inspect.signature(f).parameters["batch_size"].default == EVAL_BATCH_SIZE
    ctx = click.Context(classify.commands[name], info_name=name)
    assert "[default: (the model's setting, else idle cores)]" in params["threads"].get_help_record(ctx)[1]


def test_folding_defaults_are_written_once():
    """`tokenizer-lab fold` with no options fills the cache that a struct-* tokenizer with
    the default spec reads: the same temperature and energy set, from one place."""
    from tokenizer_lab.spec import FOLD_TEMPERATURE
    from tokenizer_lab.structure.fold import FoldParams
    from tokenizer_lab.structure.reads import fold_params
    params = {p.name: p for p in tokenizer_lab.commands["fold"].params}
    spec = TokenizerSpec(algorithm="struct-bpe")
    assert FoldParams().temperature == spec.fold_temperature == FOLD_TEMPERATURE == 37.0
    assert params["fold_temperature"].default == FOLD_TEMPERATURE
    assert params["alphabet"].default == spec.alphabet == FoldParams().material
    assert fold_params(spec) == FoldParams()
    assert params["fold_temperature"].help.startswith("ViennaRNA folding temperature")
