"""How the three command lines are put together and what their ``--help`` shows.

A package's ``cli.py`` is its own: shared command-line pieces live in ``labkit.cli``, and
no module imports another package's ``cli``, and every error class derives from
``labkit.errors.LabError`` (the one base ``run_cli`` turns into exit status 1). Every option has a help text, every
argument is named in its command's help, and every summary that a group's ``--help``
lists is one whole sentence (click cuts a longer one with "...").
"""

from __future__ import annotations

import ast
import builtins
import importlib

import click
import pytest
from click.testing import CliRunner
from test_import_cycles import _imports, _modules

from classifier.cli import cli as classify
from corpora.cli import cli as corpora
from tokenizer_lab.cli import cli as tokenizer_lab

GROUPS = {"classify": classify, "corpora": corpora, "tokenizer-lab": tokenizer_lab}
CLI_MODULES = ("corpora.cli", "tokenizer_lab.cli", "classifier.cli")
#: Exceptions that never reach a user: caught where raised and re-raised as a LabError.
INTERNAL_ERRORS = {"corpora.alphabet.InvalidSequence"}  # readers add the file and record
#: The narrowest width click gives a summary by default (Command.get_short_help_str).
SUMMARY_WIDTH = 45


def _commands(group: click.Group, path: str):
    """(``prog sub ...``, command) for every command under ``group``, nested groups too."""
    for name, command in group.commands.items():
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{path} {name}")


COMMANDS = [c for prog, group in GROUPS.items() for c in _commands(group, prog)]


def test_no_module_imports_another_packages_cli():
    modules = _modules()
    found = []
    for name, path in modules.items():
        package = name.split(".")[0]
        for target in _imports(name, path, modules):
            if target in CLI_MODULES and target.split(".")[0] != package:
                found.append(f"{name} imports {target}")
    assert found == []


def test_the_layout_check_sees_an_import_of_another_cli(tmp_path):
    """The check above reads imports as test_import_cycles does; it sees this one."""
    path = tmp_path / "cli.py"
    path.write_text("from corpora.cli import task_callback\n")
    assert _imports("classifier.cli", path, _modules()) == {"corpora.cli"}


def _exception_classes() -> list[str]:
    """``module.Class`` for every class of the packages whose base is an exception class."""
    found = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if any(b.endswith(("Error", "Exception")) or isinstance(getattr(builtins, b, None), type)
                       and issubclass(getattr(builtins, b), BaseException) for b in bases):
                    found.append(f"{name}.{node.name}")
    return found


def test_every_error_class_derives_from_labkits_one_base():
    from labkit.errors import LabError
    classes = _exception_classes()
    assert {"corpora.errors.FileFormatError", "tokenizer_lab.errors.TokenizerError",
            "classifier.errors.ClassifierError", "labkit.outdir.OutputError",
            "corpora.alphabet.InvalidSequence"} <= set(classes)
    outside = []
    for qualified in classes:
        module, _, name = qualified.rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        if not issubclass(cls, LabError) and qualified not in INTERNAL_ERRORS:
            outside.append(qualified)
    assert outside == []
    import corpora.errors
    assert corpora.errors.LabError is LabError  # `except corpora.errors.LabError` catches them all


@pytest.mark.parametrize("where, command", COMMANDS, ids=[w for w, _ in COMMANDS])
def test_every_option_has_help_and_every_argument_is_explained(where, command):
    help_text = command.help or ""
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"{where} {param.opts[0]} has no help text"
        elif isinstance(param, click.Argument):
            metavar = param.human_readable_name.upper()
            assert metavar in help_text, f"{where}: the help does not say what {metavar} is"


@pytest.mark.parametrize("where, command", COMMANDS, ids=[w for w, _ in COMMANDS])
def test_every_summary_is_one_whole_short_sentence(where, command):
    summary = command.get_short_help_str(limit=SUMMARY_WIDTH)
    assert not summary.endswith("..."), f"{where}: summary cut by click: {summary!r}"
    assert summary.endswith(".") and summary[0].isupper(), f"{where}: {summary!r}"


@pytest.mark.parametrize("prog", GROUPS)
def test_group_help_lists_whole_summaries(prog):
    result = CliRunner().invoke(GROUPS[prog], ["--help"], terminal_width=60)
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:\n", 1)[1].splitlines()
    assert len(listed) == len(GROUPS[prog].commands)
    for line in listed:
        assert line.rstrip().endswith(".") and "..." not in line, line
