"""The root of every error a user can act on, and the exit statuses.

Every package's errors derive from :class:`LabError` (``corpora.errors.FileFormatError``,
``tokenizer_lab.errors.TokenizerError``, ``classifier.errors.ClassifierError``...). The
command lines (:func:`labkit.cli.run_cli`) print its message as one line and exit with
:data:`EXIT_DATA`; a bad option or argument exits with :data:`EXIT_USAGE`.

>>> issubclass(LabError, Exception), EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED
(True, 1, 2, 130)
"""

from __future__ import annotations

#: Bad input data or a failed check (a :class:`LabError`).
EXIT_DATA = 1
#: A bad option, argument or option value (click's usage errors).
EXIT_USAGE = 2
#: Ctrl-C or an aborted prompt.
EXIT_INTERRUPTED = 130


class LabError(Exception):
    """Bad input or a failed check the user can fix (exit status 1)."""
