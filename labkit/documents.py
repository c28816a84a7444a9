"""Read a small text document (TOML, JSON) with one-line errors that say what to fix.

>>> import json, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.json").write_text('{"x": 1')
>>> read_document(d / "a.json", json.loads, "JSON", missing="no such file")
Traceback (most recent call last):
labkit.errors.LabError: .../a.json: damaged JSON at line 1: Expecting ',' delimiter
>>> read_document(d / "b.json", json.loads, "JSON", missing="no results.json; run it first")
Traceback (most recent call last):
labkit.errors.LabError: .../b.json: no results.json; run it first
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import LabError


def read_document(path: str | Path, parse: Callable[[str], Any], kind: str, missing: str,
                  error: type[LabError] = LabError) -> Any:
    """``parse`` applied to the file's text; ``error`` (one line naming the file) when the
    file is missing (``missing`` says what to do), unreadable, not text, or not valid ``kind``."""
    path = Path(path)
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: {missing}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not a text file (expected {kind})") from None
    except RecursionError:
        raise error(f"{path}: damaged {kind}: nested too deeply") from None
    except OSError as exc:  # a folder, no permission, an I/O error
        raise error(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__}); "
                    f"expected {kind}") from None
    except ValueError as exc:  # json.JSONDecodeError and tomllib.TOMLDecodeError
        line = getattr(exc, "lineno", None)
        where = f" at line {line}" if line else ""
        reason = getattr(exc, "msg", None) or str(exc)
        raise error(f"{path}: damaged {kind}{where}: {reason}") from None
