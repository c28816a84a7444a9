"""One writer for a benchmark's results: ``STEM.json`` and ``STEM.md``, each atomically.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_results(d, "x", {"a": 1}, lambda r: f"# a = {r['a']}\\n")
'# a = 1\\n'
>>> sorted(p.name for p in d.iterdir()), (d / "x.md").read_text()
(['x.json', 'x.md'], '# a = 1\\n')
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from labkit.atomic import atomic_write


def write_results(folder: str | Path, stem: str, res: dict, to_markdown: Callable[[dict], str],
                  indent: int = 1) -> str:
    """Write ``res`` as JSON and its Markdown rendering; return the Markdown (to print)."""
    folder = Path(folder)
    markdown = to_markdown(res)
    with atomic_write(folder / f"{stem}.json") as fh:
        json.dump(res, fh, indent=indent)
    with atomic_write(folder / f"{stem}.md") as fh:
        fh.write(markdown)
    return markdown
