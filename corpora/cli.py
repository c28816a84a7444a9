"""`corpora` command line: a thin layer over the library.

The error policy, the group factory and the common options come from :mod:`labkit.cli`.
"""

from __future__ import annotations

import logging

import click

from labkit.cli import dataclass_options, lab_group, make_config, run_cli, usage_check

from .read_options import ReadOptions
from .selex.selex_config import SelexConfig
from .unlabelled import EXTRAS


cli = lab_group("Read, label, split and simulate aptamer sequence corpora.")


#: SelexConfig fields the command line does not take as such: motifs are objects, and
#: --reads is the total over the rounds+1 pools (reads_per_round = reads / pools).
SIMULATE_EXCLUDE = ("motifs", "reads_per_round")


@cli.command("simulate")
@click.option("--out", "-o", "out", required=True, type=click.Path(dir_okay=False),
              help="Library file to write (atomically).")
@click.option("--reads", default=SelexConfig().n_reads, show_default=True, type=int,
              help="Total reads, split evenly over the rounds+1 pools.")
@dataclass_options(SelexConfig, exclude=SIMULATE_EXCLUDE, names={"label_by": "label"})
@click.option("--format", "fmt", default="fasta", show_default=True,
              type=click.Choice(["fasta", "tsv"]), help="FASTA (truth in headers) or TSV.")
@click.option("--annotations", type=click.Path(dir_okay=False), default=None,
              help="Also write the ground truth as a TSV here.")
def simulate_cmd(out, reads, fmt, annotations, **settings) -> None:
    """Simulate a SELEX library.

    Motifs are planted and each read carries its ground truth. Writes OUT (truth in FASTA headers or TSV columns) and OUT.json (the settings,
    motif consensus sequences and counts per round).
    """
    import time

    from .simulate import simulate, write_description, write_library

    pools = max(settings["rounds"], 0) + 1  # a negative --rounds is refused by SelexConfig
    if reads < 1 or reads % pools:
        raise click.BadParameter(
            f"{reads} reads do not split evenly over {pools} pools (rounds 0..{pools - 1}); "
            f"use a multiple of {pools}, such as {reads - reads % pools or pools}",
            param_hint="--reads")
    t0 = time.perf_counter()
    config = make_config(SelexConfig, reads_per_round=reads // pools, **settings)
    records = simulate(config)
    write_library(records, out, fmt)
    write_description(records, config, f"{out}.json")  # settings and motifs, beside the reads
    if annotations:
        write_library(records, annotations, "tsv")
    shares = " ".join(f"r{r}={sum(x.meta['binder'] for x in records if x.meta['round'] == r)}"
                      for r in range(pools))
    logging.getLogger("corpora.simulate").info(
        "wrote %d reads of %d nt (%d pools x %d; binders %s) to %s in %.1f s", len(records),
        config.read_length, pools, config.reads_per_round, shares, out, time.perf_counter() - t0)


# --- tasks, fetch, describe -------------------------------------------------------------

#: The reading options of `corpora describe` (ReadOptions fields; the others keep defaults).
DESCRIBE_READ_FIELDS = ("format", "alphabet", "iupac", "on_invalid", "seq_column", "label_column",
                        "score_column", "label_from")
read_options = dataclass_options(ReadOptions, only=DESCRIBE_READ_FIELDS)


mirror_option = click.option(
    "--mirror", type=click.Path(file_okay=False, path_type=str), default=None,
    help="Read data sets from this folder laid out like shared/datasets "
         "[default: $CORPORA_MIRROR, else download into the cache].")


@cli.command("tasks")
def tasks_cmd() -> None:
    """List the named tasks.

    A task is a data set, a labelling and a split.
    """
    from .tasks import TASKS, task_dataset

    width = max(len(n) for n in TASKS)
    for name, desc in TASKS.items():
        click.echo(f"{name:<{width}}  [{task_dataset(name) or 'simulated'}] {desc}")


@cli.command("fetch")
@click.argument("name")
@mirror_option
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Cache folder [default: $CORPORA_CACHE or ~/.cache/aptamer-tokenizer-lab].")
@click.option("--base-url", default=None,
              help="Replace https://raw.githubusercontent.com (or set $CORPORA_BASE_URL).")
def fetch_cmd(name: str, mirror: str | None, cache_dir: str | None, base_url: str | None) -> None:
    """Download a data set and check its sha256.

    NAME is a data set, a task (its data set) or 'all'.
    """
    from .registry import DATASETS, fetch
    from .tasks import TASKS, task_dataset

    if name == "all":
        names = list(DATASETS)
    elif name in DATASETS:
        names = [name]
    elif name in TASKS and task_dataset(name):
        names = [task_dataset(name)]
    else:
        raise click.BadParameter(f"unknown data set {name!r}; data sets: {', '.join(DATASETS)}; "
                                 f"or a task: {', '.join(TASKS)}", param_hint="NAME")
    for n in names:
        root = fetch(n, cache_dir=cache_dir, mirror=mirror, base_url=base_url)
        for f in DATASETS[n].files:
            click.echo(f"{root / f.path}  sha256 ok")


@cli.command("describe")
@click.argument("target", metavar="TASK_OR_FILE")
@mirror_option
@click.option("--seed", default=0, show_default=True, help="Split seed for a task.")
@click.option("--split", "split_method", type=click.Choice(["stratified", "similarity"]),
              default="stratified", show_default=True,
              help="Task split: stratified random, or keep near-identical sequences together.")
@click.option("--identity", default=0.9, show_default=True, type=click.FloatRange(0.5, 1.0),
              help="Edit-distance identity for --split similarity and --near.")
@click.option("--near", is_flag=True,
              help="Also count valid/test sequences with a near-identical one in train.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also write the JSON summary to this file.")
@read_options
def describe_cmd(target: str, mirror: str | None, seed: int, split_method: str, identity: float,
                 near: bool, as_json: bool, out: str | None, **kw) -> None:
    """Describe a task or a sequence file.

    Counts per class and split, lengths, alphabet, duplicates, train/test overlap.
    TASK_OR_FILE is a task name (see `corpora tasks`) or a sequence file.
    """
    import json
    from pathlib import Path

    from labkit.atomic import atomic_write
    from .describe import describe_parts, format_description
    from .readers import read_records
    from .records import ReadReport
    from .tasks import TASKS, check_task_name, load_task, read_report_dict

    read_kw = {k: kw.pop(k) for k in DESCRIBE_READ_FIELDS}
    if Path(target).is_dir():
        raise click.BadParameter(f"{target} is a folder; give a sequence file or a task name",
                                 param_hint="TASK_OR_FILE")
    if Path(target).exists():
        rep = ReadReport()
        recs = list(read_records(target, ReadOptions(**read_kw), rep))
        summary = describe_parts({"all": recs}, name=target, report={"read": read_report_dict(rep)})
    else:
        if any(c in target for c in "/\\.") and target not in TASKS:
            raise click.BadParameter(f"{target}: no such file (and not a task name)",
                                     param_hint="TASK_OR_FILE")
        name = usage_check(check_task_name, target, "TASK_OR_FILE")
        task = load_task(name, mirror=mirror, seed=seed, split=split_method, identity=identity)
        summary = describe_parts(task.parts(), name=target, report=task.report,
                                 identity=identity if near else None)
    text = json.dumps(summary, indent=2)
    if out:
        with atomic_write(out) as fh:
            fh.write(text + "\n")
    click.echo(text if as_json else format_description(summary))


@cli.command("unlabelled")
@click.argument("task")
@click.option("--extra", "extras", multiple=True, type=click.Choice(list(EXTRAS)),
              help="An unlabelled public set to add (repeat the option for several).")
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False),
              help="FASTA corpus to write (atomically), for `tokenizer-lab train`.")
@click.option("--seed", default=0, show_default=True,
              help="The task's split seed (as `classify train --seed`).")
@mirror_option
def unlabelled_cmd(task: str, extras: tuple[str, ...], out: str, seed: int,
                   mirror: str | None) -> None:
    """Write a tokenizer corpus without leakage.

    TASK's training reads plus the --extra sets,
    less every read that occurs in TASK's validation or test split (compared upper
    case with U as T); counts per source on stderr."""
    from .tasks import check_task_name
    from .unlabelled import unlabelled_corpus

    task = usage_check(check_task_name, task, "TASK")
    _, report = unlabelled_corpus(task, extras, out, mirror=mirror, seed=seed)
    for line in report.lines():
        click.echo(line, err=True)
    click.echo(f"{report.kept} reads written to {out}", err=True)


def main(args=None) -> None:
    run_cli(cli, "corpora", args)


if __name__ == "__main__":
    main()
