"""How the three command lines are put together.

A package's ``cli.py`` is its own: shared command-line pieces live in ``labkit.cli``, and
no module imports another package's ``cli``.
"""

from __future__ import annotations

from test_import_cycles import _imports, _modules

CLI_MODULES = ("corpora.cli", "tokenizer_lab.cli", "classifier.cli")


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
