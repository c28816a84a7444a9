"""The command lines' shared plumbing: error policy, exit statuses, the group factory.

:func:`run_cli` runs every entry point (``corpora``, ``tokenizer-lab``, ``classify`` and
``classify demo``): a :class:`~labkit.errors.LabError` becomes one line on
stderr and exit status 1; click's usage errors (a bad option, argument or option value)
exit 2; a traceback shows only with ``--debug``. This is the only module of ``labkit``
that imports click.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import click

from .errors import EXIT_DATA, EXIT_INTERRUPTED, LabError
from .progress import set_quiet

#: Libraries whose INFO logging drowns ours.
NOISY_LOGGERS = ("httpx", "transformers", "accelerate")


def setup_logging(quiet: bool, verbose: bool) -> None:
    """INFO to stderr (WARNING with --quiet, DEBUG with --verbose); bars off with --quiet."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr,
                        force=True)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    set_quiet(quiet)


def run_cli(command: click.Command, prog_name: str, args=None) -> None:
    """Run a click command or group with the project's error policy; exits the process."""
    argv = list(sys.argv[1:] if args is None else args)
    debug = "--debug" in argv
    try:
        command.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:  # UsageError, BadParameter: exit 2
        exc.show()
        sys.exit(exc.exit_code)
    except LabError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_DATA)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:  # a full disk, a read-only folder: the atomic writers left nothing
        if debug:
            raise
        from .outdir import os_error_line
        click.echo(f"Error: {os_error_line(exc)}", err=True)
        sys.exit(EXIT_DATA)


def common_options(f: Callable) -> Callable:
    """--debug, --quiet and --verbose, for every entry point."""
    f = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(f)
    f = click.option("--quiet", "-q", is_flag=True, help="Only warnings and errors; no progress bars.")(f)
    f = click.option("--verbose", "-v", is_flag=True, help="Debug logging.")(f)
    return f


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

#: A file the command reads: a missing path or a folder is a usage error (exit 2).
INPUT_FILE = click.Path(exists=True, dir_okay=False)
#: A folder the command reads (a tokenizer, a model): a missing path or a file exits 2.
INPUT_DIR = click.Path(exists=True, file_okay=False)


def lab_group(help_text: str) -> click.Group:
    """A command group with the project's common options (--debug, --quiet, --verbose)."""

    @click.group(help=help_text, context_settings=CONTEXT_SETTINGS)
    @common_options
    @click.pass_context
    def group(ctx: click.Context, debug: bool, quiet: bool, verbose: bool) -> None:
        setup_logging(quiet, verbose)
        ctx.obj = {"debug": debug, "quiet": quiet}

    return group


def usage_check(check: Callable[[str], str], value: str, param_hint: str) -> str:
    """``check(value)`` (a registry's name check, say), its LabError a usage error (exit 2).

    >>> def known(name):
    ...     if name != "nrc":
    ...         raise LabError(f"unknown task {name!r}; tasks: nrc")
    ...     return name
    >>> usage_check(known, "nrc", "--task")
    'nrc'
    >>> usage_check(known, "nrcc", "--task")
    Traceback (most recent call last):
    click.exceptions.BadParameter: unknown task 'nrcc'; tasks: nrc
    """
    try:
        return check(value)
    except LabError as exc:
        raise click.BadParameter(str(exc), param_hint=param_hint) from None


def checked_by(check: Callable[[str], str]) -> Callable:
    """A click callback for an option that names an entry of a registry (``--task``):
    :func:`usage_check` on the value given (None, not given, passes)."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        return None if value is None else usage_check(check, value, param.opts[0])

    return callback


def dataclass_options(cls, *, only=None, exclude=(), names=None, params=None, short=None,
                      override=None, overlay=False) -> Callable:
    """A decorator adding one click option per field of the dataclass ``cls``.

    Name (``--field-name``, or ``names[field]``), type, default, help text (the field's
    ``metadata["help"]``) and choices (``metadata["choices"]``) come from the field, so
    each is written once and ``--help`` shows it. A field whose default is None shows
    ``metadata["unset"]`` (what None means) as its default; ``metadata["convert"]``
    turns the text given into the field's value (a column name or index, say).
    ``only``/``exclude`` pick the fields (the command line fills the others otherwise),
    ``params`` renames the Python argument, ``short`` adds a short flag, and ``override``
    replaces click keywords of one option (a CLI-only choice, say). With ``overlay`` every
    option defaults to None (not given), so it overrides a settings file only when given;
    the field's own default is still shown.

    >>> from dataclasses import dataclass, field
    >>> @dataclass(frozen=True)
    ... class C:
    ...     epochs: int = field(default=10, metadata={"help": "maximum epochs"})
    ...     arch: str = field(default="albert", metadata={"help": "model", "choices": ("albert", "bert")})
    ...     max_length: int | None = field(default=None, metadata={"help": "tokens", "unset": "from the data"})
    >>> @click.command()
    ... @dataclass_options(C, names={"epochs": "n-epochs"})
    ... def cmd(**kw):
    ...     click.echo(make_config(C, **kw))
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(cmd, ["--n-epochs", "3"]).output.strip()
    "C(epochs=3, arch='albert', max_length=None)"
    >>> print(CliRunner().invoke(cmd, ["--help"]).output)
    Usage: cmd [OPTIONS]
    <BLANKLINE>
    Options:
      --n-epochs INTEGER      maximum epochs  [default: 10]
      --arch [albert|bert]    model  [default: albert]
      --max-length INTEGER    tokens  [default: (from the data)]
      --help                  Show this message and exit.
    <BLANKLINE>
    """
    names, params, short, override = names or {}, params or {}, short or {}, override or {}

    def decorate(f: Callable) -> Callable:
        for fld in reversed(_fields(cls)):
            if fld.name not in exclude and (only is None or fld.name in only):
                flag = names.get(fld.name, fld.name.replace("_", "-"))
                decls, kw = _option(fld, _field_type(cls, fld.name), flag,
                                    params.get(fld.name, fld.name), overlay)
                f = click.option(*decls, *short.get(fld.name, ()),
                                 **{**kw, **override.get(fld.name, {})})(f)
        return f

    return decorate


def _fields(cls):
    import dataclasses
    return dataclasses.fields(cls)


def _field_type(cls, name: str):
    """The field's type, without ``| None``: int, float, str, bool..."""
    from .typed import field_type
    return field_type(cls, name)[0]


def _option(fld, kind, flag: str, param: str, overlay: bool) -> tuple[tuple[str, ...], dict]:
    import dataclasses
    default = fld.default_factory() if fld.default is dataclasses.MISSING else fld.default
    meta = fld.metadata
    kw = {"default": default, "help": meta.get("help", ""),
          "show_default": meta.get("unset", "none") if default is None else True}
    if overlay:
        kw["default"] = None
        if default is not None and default != ():
            kw["show_default"] = ",".join(map(str, default)) if isinstance(default, tuple) else str(default)
    if "convert" in meta:
        kw["callback"] = lambda ctx, p, value: meta["convert"](value)
    if kind is bool and not overlay:
        return (f"--{flag}/--no-{flag}", param), kw
    if "choices" in meta:
        kw["type"] = click.Choice(list(meta["choices"]))
    elif kind in (int, float, str, bool):
        kw["type"] = kind
    return (f"--{flag}", param), kw


def make_config(cls, **values):
    """``cls(**values)``, with a ValueError from its ``__post_init__`` as a usage error (exit 2).

    The message names the option when it starts with a field name and a command runs.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class C:
    ...     n: int = 1
    ...     def __post_init__(self):
    ...         if self.n < 1:
    ...             raise ValueError(f"n must be >= 1, got {self.n}")
    >>> make_config(C, n=0)
    Traceback (most recent call last):
    click.exceptions.BadParameter: n must be >= 1, got 0
    """
    try:
        return cls(**values)
    except ValueError as exc:
        message = str(exc)
        raise click.BadParameter(message, param_hint=_param_hint(message)) from None


def _param_hint(message: str) -> str | None:
    """The option named by the first word of a validation message, in the running command."""
    ctx = click.get_current_context(silent=True)
    first = message.split(" ", 1)[0]
    if ctx is None:
        return None
    for param in ctx.command.params:
        if param.name == first and param.opts:
            return "/".join(o for o in param.opts if o.startswith("--"))[:40] or param.opts[0]
    return None
