"""`corpora` command line: a thin layer over the library.

:func:`run_cli` is shared by the three packages' command lines: it maps
:class:`~corpora.errors.LabError` to one line on stderr and exit status 1,
click's usage errors to status 2, and shows a traceback only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys

import click

from .errors import LabError
from .progress import set_quiet


def setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr,
                        force=True)


def run_cli(group: click.Group, prog_name: str, args=None) -> None:
    """Run a click group with the project's error policy (used by all three CLIs)."""
    argv = list(sys.argv[1:] if args is None else args)
    debug = "--debug" in argv
    try:
        group.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LabError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


def common_options(f):
    """--debug, --quiet and --verbose, for every group."""
    f = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="Only warnings and errors; no progress bars.")(f)
    f = click.option("--verbose", "-v", is_flag=True, help="Debug logging.")(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool, verbose: bool) -> None:
    """Read, label, split and simulate aptamer sequence corpora."""
    setup_logging(quiet, verbose)
    set_quiet(quiet)
    ctx.obj = {"debug": debug, "quiet": quiet}


# --- tasks, fetch, describe -------------------------------------------------------------

def _column(value: str | None):
    """A column given on the command line: a 0-based index if it is a number."""
    return int(value) if value is not None and value.isdigit() else value


def read_options(f):
    """Options that fill :class:`corpora.readers.ReadOptions` (for commands reading files)."""
    from .readers import LABEL_SOURCES

    for decl, kw in reversed([
        ("--format", dict(type=click.Choice(["fasta", "fastq", "lines", "csv", "tsv", "json"]),
                          default=None, help="Input format [default: sniffed from content].")),
        ("--alphabet", dict(type=click.Choice(["auto", "dna", "rna"]), default="auto",
                            show_default=True, help="Write T (dna) or U (rna); auto keeps the majority.")),
        ("--iupac", dict(type=click.Choice(["reject", "drop", "keep"]), default="reject",
                         show_default=True, help="Records with ambiguity letters (N, R, Y...).")),
        ("--on-invalid", dict(type=click.Choice(["reject", "drop"]), default="reject",
                              show_default=True, help="Records with other bad characters.")),
        ("--seq-column", dict(default=None, help="Sequence column (name or 0-based index).")),
        ("--label-column", dict(default=None, help="Label column (name or 0-based index).")),
        ("--score-column", dict(default=None, help="Score column (name or 0-based index).")),
        ("--label-from", dict(type=click.Choice(list(LABEL_SOURCES)), default="auto",
                              show_default=True, help="Where labels come from.")),
    ]):
        f = click.option(decl, **kw)(f)
    return f


def _read_kwargs(kw: dict) -> dict:
    out = {k: kw.pop(k) for k in ("format", "alphabet", "iupac", "on_invalid", "label_from")}
    for k in ("seq_column", "label_column", "score_column"):
        out[k] = _column(kw.pop(k))
    return out


mirror_option = click.option(
    "--mirror", type=click.Path(file_okay=False, path_type=str), default=None,
    help="Read data sets from this folder laid out like shared/datasets "
         "[default: $CORPORA_MIRROR, else download into the cache].")


def _task_name(name: str, param_hint: str = "TASK") -> str:
    from .tasks import TASKS

    if name not in TASKS:
        raise click.BadParameter(f"unknown task {name!r}; tasks: {', '.join(TASKS)}",
                                 param_hint=param_hint)
    return name


@cli.command("tasks")
def tasks_cmd() -> None:
    """List the named tasks (data set + labelling + split)."""
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
    """Download data set NAME (or a task's data set, or 'all') and check its sha256."""
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
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Also write the JSON summary to this file.")
@read_options
def describe_cmd(target: str, mirror: str | None, seed: int, as_json: bool, out: str | None,
                 **kw) -> None:
    """Counts per class and split, lengths, alphabet, duplicates, train/test overlap.

    TASK_OR_FILE is a task name (see `corpora tasks`) or a sequence file.
    """
    import json
    from pathlib import Path

    from .atomic import atomic_write
    from .describe import describe_parts, format_description
    from .readers import ReadOptions, read_records
    from .records import ReadReport
    from .tasks import load_task, read_report_dict

    read_kw = _read_kwargs(kw)
    if Path(target).exists():
        rep = ReadReport()
        recs = list(read_records(target, ReadOptions(**read_kw), rep))
        summary = describe_parts({"all": recs}, name=target, report={"read": read_report_dict(rep)})
    else:
        task = load_task(_task_name(target, "TASK_OR_FILE"), mirror=mirror, seed=seed)
        summary = describe_parts(task.parts(), name=target, report=task.report)
    text = json.dumps(summary, indent=2)
    if out:
        with atomic_write(out) as fh:
            fh.write(text + "\n")
    click.echo(text if as_json else format_description(summary))


def main(args=None) -> None:
    run_cli(cli, "corpora", args)


if __name__ == "__main__":
    main()
