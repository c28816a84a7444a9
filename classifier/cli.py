"""`classify` command line: a thin layer over the classifier library.

The same ``classify train`` runs on the CPU, on one GPU (found automatically), or on
several GPUs with ``accelerate launch -m classifier.cli train ...`` (transformers'
Trainer does the distribution; only the main process writes the model directory).
"""

from __future__ import annotations

import json
import logging

import click

from corpora.readers import ReadOptions
from corpora.tasks import check_task_name
from labkit.cli import (INPUT_DIR, INPUT_FILE, checked_by, dataclass_options, lab_group,
                        make_config, run_cli)
from labkit.errors import LabError
from labkit.limits import MAX_TOKENIZE_NT

from .ablation.ablation_config import AblationConfig
from .explain.config import ExplainConfig
from .train_config import PretrainConfig, TrainConfig

log = logging.getLogger(__name__)


#: How input files are read: these ReadOptions fields, as options (--format is ``fmt``).
read_options = dataclass_options(
    ReadOptions, only=("format", "alphabet", "iupac", "seq_column", "label_column"),
    params={"format": "fmt"})


def _read_opts(fmt, alphabet, iupac, seq_column, label_column) -> ReadOptions:
    return ReadOptions(format=fmt, alphabet=alphabet, iupac=iupac, seq_column=seq_column,
                       label_column=label_column, max_nt=MAX_TOKENIZE_NT,
                       label_from="column" if label_column is not None else "auto")


#: --test-segmentations of evaluate and predict: TrainConfig's field, unset = the model's own.
test_segmentations_option = dataclass_options(
    TrainConfig, only=("test_segmentations",), overlay=True,
    override={"test_segmentations": {"show_default": "the model's",
                                     "type": click.IntRange(1)}})


class LearningRate(click.ParamType):
    """A positive number or ``auto``."""

    name = "RATE|auto"

    def convert(self, value, param, ctx):
        if value == "auto" or isinstance(value, float):
            return value
        try:
            return float(value)
        except ValueError:
            self.fail(f"expected a number such as 3e-4 or 'auto', got {value!r}", param, ctx)


#: --task: an unknown task name is a usage error (exit 2) listing the tasks.
task_callback = checked_by(check_task_name)

cli = lab_group("Train, evaluate and apply sequence classifiers on learned vocabularies.")


@cli.command()
@click.option("--tokenizer", "tokenizer_dir", type=INPUT_DIR, default=None,
              help="Tokenizer directory (tokenizer-lab train); default: the one in --init.")
@click.option("--data", multiple=True, type=INPUT_FILE, help="Training file(s), any format corpora reads.")
@click.option("--valid", type=INPUT_FILE, default=None, help="Validation file (default: a stratified part of train).")
@click.option("--test", type=INPUT_FILE, default=None, help="Test file.")
@click.option("--task", default=None, callback=task_callback,
              help="A named task instead of --data (see `corpora tasks`).")
@click.option("--mirror", type=click.Path(), default=None, help="Data mirror folder for --task.")
@click.option("--out", required=True, type=click.Path(), help="Model directory to write.")
@click.option("--overwrite", is_flag=True,
              help="Replace --out even when it holds files `classify train` did not write.")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run (same options) from its last finished epoch.")
@dataclass_options(TrainConfig, names={"learning_rate": "lr"},
                   override={"learning_rate": {"type": LearningRate()}})
@read_options
def train(tokenizer_dir, data, valid, test, task, mirror, out, overwrite, resume, fmt, alphabet,
          iupac, seq_column, label_column, **options) -> None:
    """Train a classifier and write its folder.

    The model folder --out holds the weights, tokenizer, metrics, plots and model card.
    """
    from labkit.outdir import check_out_dir, out_lock

    from .artifacts import INFO_FILE

    if bool(data) == bool(task):
        raise click.UsageError("give either --data FILE or --task NAME")
    config = make_config(TrainConfig, **options)
    check_out_dir(out, marker=INFO_FILE, command="classify train", overwrite=overwrite)
    with out_lock(out):
        _train(config, tokenizer_dir, data, valid, test, task, mirror, out, resume,
               _read_opts(fmt, alphabet, iupac, seq_column, label_column))


def _train(config, tokenizer_dir, data, valid, test, task, mirror, out, resume, read_opts) -> None:
    from .errors import ClassifierError
    from .inputs import from_files, from_task
    from .finetune import train_classifier

    tok = None
    if config.arch != "kmer-logreg":
        from tokenizer_lab import load_tokenizer
        if tokenizer_dir is None and config.init is None:
            raise click.UsageError(f"--arch {config.arch} needs --tokenizer DIR (or --init MLMDIR)")
        tok = load_tokenizer(tokenizer_dir or config.init)
    if task:
        inputs = from_task(task, mirror, config.seed)
        if valid or test:
            raise ClassifierError("--valid/--test come with --data; a --task has its own split")
    else:
        inputs = from_files(data, valid, test, read_opts)
    info = dict(inputs.info, tokenizer_dir=tokenizer_dir)
    result = train_classifier(config, tok, inputs.train, inputs.valid, inputs.test, out_dir=out,
                              data_info=info, resume=resume)
    m, c = result.metrics, result.costs
    split = "test" if inputs.test else "validation"
    click.echo(f"{split}: accuracy {m['accuracy']:.4f}  macro-F1 {m['macro_f1']:.4f}  "
               f"MCC {m['mcc']:.4f}  AUROC {m['auroc'] if m['auroc'] is not None else 'n/a'}  "
               f"(majority baseline {m['majority_baseline']['accuracy']:.4f})")
    click.echo(f"{c['params']} parameters, {c['train_seconds']:.1f} s training, "
               f"{c['train_seqs_per_s']:.0f} sequences/s; model in {result.model_dir}")


#: --batch-size and --threads of evaluate and predict: TrainConfig's fields (default, help).
eval_options = dataclass_options(
    TrainConfig, only=("eval_batch_size", "threads"), names={"eval_batch_size": "batch-size"},
    params={"eval_batch_size": "batch_size"},
    override={"threads": {"show_default": "the model's setting, else idle cores"}})


#: TrainConfig fields a range test does not use (the schedule, stopping, the baseline).
LR_FIND_UNUSED = ("epochs", "eval_batch_size", "learning_rate", "warmup_ratio", "patience",
                  "metric", "class_weights", "max_train_seconds", "kmer_k", "logreg_c",
                  "segmentation_sampling", "test_segmentations", "crop")


@cli.command("lr-find")
@click.option("--tokenizer", "tokenizer_dir", type=INPUT_DIR, default=None,
              help="Tokenizer directory; default: the one in --init.")
@click.option("--data", multiple=True, type=INPUT_FILE, help="Training file(s).")
@click.option("--valid", type=INPUT_FILE, default=None, help="Validation file (kept out of the test).")
@click.option("--task", default=None, callback=task_callback, help="A named task instead of --data.")
@click.option("--mirror", type=click.Path(), default=None, help="Data mirror folder for --task.")
@click.option("--out", required=True, type=click.Path(), help="Folder for lr_find.json and lr_find.png.")
@dataclass_options(TrainConfig, exclude=LR_FIND_UNUSED)
@click.option("--start-lr", type=float, default=1e-6, show_default=True, help="First rate of the range test.")
@click.option("--end-lr", type=float, default=1.0, show_default=True, help="Last rate (the test stops earlier if the loss diverges).")
@click.option("--steps", type=int, default=200, show_default=True, help="Batches of the range test.")
@read_options
def lr_find(tokenizer_dir, data, valid, task, mirror, out, fmt, alphabet, iupac, seq_column,
            label_column, start_lr, end_lr, steps, **options) -> None:
    """Suggest a learning rate by a range test.

    The rate rises exponentially batch by batch; the loss curve suggests one.
    """
    from tokenizer_lab import load_tokenizer

    from labkit.outdir import claim_out_dir

    from .inputs import from_files, from_task
    from .finetune import lr_find_records
    from .lr_find import MARKER as LR_FIND_MARKER

    if bool(data) == bool(task):
        raise click.UsageError("give either --data FILE or --task NAME")
    if not 0 < start_lr < end_lr or steps < 10:
        raise click.BadParameter("need 0 < --start-lr < --end-lr and --steps of at least 10")
    config = make_config(TrainConfig, **options)
    if config.arch == "kmer-logreg":
        raise click.UsageError("--arch kmer-logreg has no learning rate; choose a neural --arch")
    if tokenizer_dir is None and config.init is None:
        raise click.UsageError("give --tokenizer DIR (or --init MLMDIR)")
    with claim_out_dir(out, marker=LR_FIND_MARKER, command="classify lr-find", has_overwrite=False):
        tok = load_tokenizer(tokenizer_dir or config.init)
        if task:
            inputs = from_task(task, mirror, config.seed)
        else:
            inputs = from_files(data, valid, None, _read_opts(fmt, alphabet, iupac, seq_column,
                                                              label_column))
        r = lr_find_records(config, tok, inputs.train, inputs.valid, out, start_lr=start_lr,
                            end_lr=end_lr, steps=steps)
    click.echo(f"suggested learning rate {r.suggestion:.3g} (loss minimum at {r.min_loss_lr:.3g}, "
               f"steepest descent at {r.steepest_lr:.3g}"
               + (f", diverged at {r.diverged_at:.3g}" if r.diverged_at else "")
               + f"; {r.steps} steps); plot in {out}/lr_find.png")


@cli.command()
@click.option("--model", "model_dir", required=True, type=INPUT_DIR, help="Model directory.")
@click.option("--data", required=True, type=INPUT_FILE, help="Labelled sequences.")
@click.option("--out", type=click.Path(), default=None, help="Write the metrics as JSON here.")
@click.option("--unknown-labels", type=click.Choice(["error", "drop"]), default="error",
              show_default=True, help="Rows whose label the model was not trained on: refuse "
                                      "the file, or leave those rows out (with a warning).")
@eval_options
@test_segmentations_option
@read_options
def evaluate(model_dir, data, out, unknown_labels, batch_size, threads, test_segmentations, fmt,
             alphabet, iupac, seq_column, label_column) -> None:
    """Score a trained model on labelled data.

    The metrics are computed over the whole set, never per batch.
    """
    from labkit.atomic import atomic_write

    from .evaluate import evaluate_model
    from .inputs import read_files

    records = read_files([data], _read_opts(fmt, alphabet, iupac, seq_column, label_column))
    m = evaluate_model(model_dir, records, batch_size, threads, unknown_labels, test_segmentations)
    if out:
        with atomic_write(out) as fh:
            json.dump(m, fh, indent=2)
    click.echo(f"n {m['n']}  accuracy {m['accuracy']:.4f}  macro-F1 {m['macro_f1']:.4f}  "
               f"MCC {m['mcc']:.4f}  AUROC {m['auroc'] if m['auroc'] is not None else 'n/a'}  "
               f"(majority baseline {m['majority_baseline']['accuracy']:.4f})")
    click.echo("class\tprecision\trecall\tf1\tsupport")
    for name, v in m["per_class"].items():
        click.echo(f"{name}\t{v['precision']:.4f}\t{v['recall']:.4f}\t{v['f1']:.4f}\t{v['support']}")


@cli.command()
@click.option("--model", "model_dir", required=True, type=INPUT_DIR, help="Model directory.")
@click.option("--data", required=True, type=INPUT_FILE, help="Sequences (labels are ignored).")
@click.option("--out", required=True, type=click.Path(), help="predictions.csv to write.")
@eval_options
@test_segmentations_option
@read_options
def predict(model_dir, data, out, batch_size, threads, test_segmentations, fmt, alphabet, iupac,
            seq_column, label_column) -> None:
    """Predict the label of each sequence.

    Writes the predicted label and the probability of each class, one row per sequence.
    """
    from .evaluate import predict_file
    from .inputs import read_files

    opts = _read_opts(fmt, alphabet, iupac, seq_column, label_column)
    records = read_files([data], opts)
    path, n = predict_file(model_dir, records, out, batch_size, threads, test_segmentations)
    click.echo(f"{n} predictions written to {path}")


@cli.command()
@click.option("--model", "model_dir", required=True, type=click.Path(), help="Model directory.")
@click.option("--data", required=True, type=click.Path(), help="Sequences to explain (labels optional).")
@click.option("--out", required=True, type=click.Path(), help="Folder to write (explain.json, explain.html, logos/).")
@dataclass_options(ExplainConfig)
@read_options
def explain(model_dir, data, out, fmt, alphabet, iupac, seq_column, label_column, **options) -> None:
    """Explain what drives a model's predictions.

    Which nucleotides, tokens and motifs drive each prediction (integrated gradients).
    """
    from labkit.outdir import claim_out_dir

    from .explain import explain_file
    from .explain.report import MARKER as EXPLAIN_MARKER
    from .inputs import read_files

    config = make_config(ExplainConfig, **options)
    with claim_out_dir(out, marker=EXPLAIN_MARKER, command="classify explain", has_overwrite=False):
        records = read_files([data], _read_opts(fmt, alphabet, iupac, seq_column, label_column))
        doc = explain_file(model_dir, records, out, config)
    sm = doc["summary"]
    click.echo(f"{sm['sequences']} sequences explained (max |delta| {sm['max_abs_delta']:.2e}, "
               f"{sm['cpu_seconds']:.1f} CPU s); {sum(map(len, doc['motifs'].values()))} motifs; "
               f"report: {out}/explain.html")


@cli.command()
@click.option("--tokenizer", "tokenizer_dir", required=True, type=INPUT_DIR,
              help="Tokenizer directory (tokenizer-lab train).")
@click.option("--corpus", multiple=True, required=True, type=INPUT_FILE, help="Unlabelled reads.")
@click.option("--out", required=True, type=click.Path(), help="Masked-LM directory to write.")
@dataclass_options(PretrainConfig, names={"learning_rate": "lr"})
@read_options
def pretrain(tokenizer_dir, corpus, out, fmt, alphabet, iupac, seq_column, label_column, **options) -> None:
    """Pretrain a masked LM on unlabelled reads.

    Fine-tune it with `classify train --init`.
    """
    from labkit.outdir import check_out_dir, out_lock

    from .pretrain import PretrainConfig

    config = make_config(PretrainConfig, **options)
    check_out_dir(out, marker="pretrain_config.json", command="classify pretrain")
    with out_lock(out):
        _pretrain(config, tokenizer_dir, corpus, out, _read_opts(fmt, alphabet, iupac, seq_column,
                                                                 label_column))


def _pretrain(config, tokenizer_dir, corpus, out, opts) -> None:
    from tokenizer_lab import load_tokenizer

    from .inputs import read_files
    from .pretrain import pretrain_mlm

    tok = load_tokenizer(tokenizer_dir)
    records = read_files(list(corpus), ReadOptions(**{**opts.__dict__, "label_from": "none"}))
    s = pretrain_mlm(config, tok, records, out)
    click.echo(f"masked LM on {s['train']} reads: best validation loss {s['best_valid_loss']} "
               f"(epoch {s['best_epoch']}), mask span {s['mask_span']}; written to {out}")


@cli.command()
@click.argument("model_dir", type=click.Path())
@click.option("--hub-ready", "out", type=click.Path(), default=None,
              help="Copy the checked folder here, ready to upload.")
def export(model_dir, out) -> None:
    """Check that a model folder is complete.

    MODEL_DIR must hold every file and load; --hub-ready also copies it for the hub.
    """
    from .export import check_complete, export_hub_ready

    files = export_hub_ready(model_dir, out) if out else check_complete(model_dir)
    click.echo(f"{model_dir}: complete ({len(files)} files)" + (f"; copied to {out}" if out else ""))


@cli.command()
@click.argument("config", required=False, type=INPUT_FILE)
@click.option("--out", required=True, type=click.Path(), help="Ablation folder (rerun to resume).")
@dataclass_options(AblationConfig, exclude=("train_options",), overlay=True,
                   names={"train": "data", "learning_rate": "lr", "primary_metric": "metric"},
                   override={"task": {"callback": task_callback}, "train": {"type": INPUT_FILE},
                             "valid": {"type": INPUT_FILE}, "test": {"type": INPUT_FILE},
                             "learning_rate": {"type": LearningRate()}})
@click.option("--report-only", is_flag=True, help="Only re-render report.md/.html from OUT/results.json.")
@click.pass_context
def ablate(ctx, config, out, report_only, **options) -> None:
    """Compare tokenizers in an ablation grid.

    Every tokenizer x seed is trained and tested on one split. CONFIG is a TOML file (see classifier/configs/); options override it.
    """
    from labkit.outdir import check_out_dir

    from .ablation.ablation_config import load_config
    from .ablation.runner import MARKER as ABLATION_MARKER
    from .ablation.report import write_reports
    from .ablation.results import load_results
    from .ablation.runner import check_grid, run_ablation

    if report_only:
        paths = write_reports(load_results(out), out)
        click.echo(f"report: {paths['html']}")
        return
    try:
        cfg = load_config(config, **options)
        check_grid(cfg)  # bad tokenizer or training settings, before any data is read
    except LabError as exc:
        if config is not None:  # the message names the TOML file: a data error (exit 1)
            raise
        raise click.UsageError(str(exc)) from None  # every setting came from an option
    flag = {p.name: p.opts[0] for p in ctx.command.params}  # e.g. learning_rate -> --lr
    given = [f"{flag[k]} {v}" for k, v in ctx.params.items()
             if v not in (None, False) and k not in ("config", "out")]
    command = " ".join(["classify ablate", *([config] if config else []), *given, "--out", out])

    check_out_dir(out, marker=ABLATION_MARKER, command="classify ablate", has_overwrite=False)

    def on_run(run_id: str, done: int, total: int) -> None:
        log.info("[%d/%d] %s finished", done, total, run_id)

    res = run_ablation(cfg, out, command=command, on_run=on_run)
    click.echo(f"{len(res['runs'])} runs; best by test {res['primary_metric']}: {res['best']}"
               + (f"; {len(res['missing'])} missing" if res["missing"] else ""))
    click.echo(f"report: {out}/report.html")


@cli.command(short_help="Run the main job: simulate, then ablate.")
@click.option("--out", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (rerun to resume).")
@click.option("--jobs", type=click.IntRange(1), default=None,
              help="Runs at once [default: the config's].")
@click.option("--full", is_flag=True,
              help="Today's full recipe (4 layers, 5 epochs, 1,500 reads) instead of the quick one.")
def demo(out: str, jobs: int | None, full: bool) -> None:
    """The main job (`make demo`): simulate a SELEX library, then a tokenizer ablation on it."""
    import time
    from pathlib import Path

    from .demo import closing_lines, cpu_seconds, run_demo

    t0 = time.time()
    results = run_demo(Path(out), jobs, recipe="full" if full else "quick")
    report = (Path(out) / "ablation" / "report.html").resolve()
    cpu_s = cpu_seconds()
    click.echo(f"\nDemo finished in {time.time() - t0:.0f} s wall, {cpu_s:.0f} CPU-s "
               f"(user+sys, all processes). Best tokenizer by test "
               f"{results['primary_metric']}: {results['best']}.")
    click.echo(f"Report: {report}")
    click.echo(f"        {report.with_suffix('.md')}")
    for line in closing_lines(report.parent, cpu_s):
        click.echo(line)


def main(args=None) -> None:
    run_cli(cli, "classify", args)


if __name__ == "__main__":
    main()
