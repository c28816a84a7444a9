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


def main(args=None) -> None:
    run_cli(cli, "corpora", args)


if __name__ == "__main__":
    main()
