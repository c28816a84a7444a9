"""What the three packages (``corpora``, ``tokenizer_lab``, ``classifier``) share.

A small neutral package below all three; it imports none of them.

- :mod:`labkit.errors`: the root :class:`~labkit.errors.LabError` and the exit statuses;
- :mod:`labkit.atomic`: atomic writes of files and folders;
- :mod:`labkit.progress`: progress bars on a terminal only;
- :mod:`labkit.cli`: the command lines' error policy (:func:`~labkit.cli.run_cli`), the
  group factory (:func:`~labkit.cli.lab_group`) and options made from dataclass fields.
  Only that module imports click.
"""

from .errors import LabError

#: The version of the whole project (setup.cfg reads it from here).
__version__ = "0.1.0"

__all__ = ["LabError", "__version__"]
