"""The classifier's user-facing errors (all :class:`labkit.errors.LabError`)."""

from __future__ import annotations

from labkit.errors import LabError


class ClassifierError(LabError):
    """A model directory, a data set or an option the classifier cannot use."""
