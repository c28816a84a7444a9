"""A picture of a tokenization on the folded structure.

The drawing uses ViennaRNA's layout coordinates (RNApuzzler, or the simple or naview
layout where puzzler leaves overlaps): each nucleotide is a circle coloured by
the token it belongs to (a qualitative palette, cycling, so neighbouring tokens always
differ), with its letter inside; grey backbone lines, thin base-pair lines, and a dark
bar across the backbone wherever one token ends and the next begins. Below, a text
panel aligns the sequence (same token colours), the dot-bracket, the bpRNA element
letters and the hairpin units (``[[[...]``, :mod:`tokenizer_lab.structure.hairpins`),
wrapped at 60 columns. PNG, SVG or PDF by the file's extension.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "t.png"
>>> plot_tokenization("GGGGAAACCCC", "((((...))))", [(0, 4), (4, 7), (7, 11)], out_path=out)
PosixPath('...t.png')
>>> out.read_bytes()[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import RNA  # noqa: E402

from labkit.atomic import atomic_write  # noqa: E402
from tokenizer_lab.structure.elements import annotate, pair_table  # noqa: E402
from tokenizer_lab.structure.hairpins import unit_track  # noqa: E402

PALETTE = ["#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#b3de69",
           "#fccde5", "#ffed6f", "#bc80bd", "#ccebc5"]
"""ColorBrewer Set3 (reordered so neighbours contrast): light enough for black letters."""
FORMATS = {".png", ".svg", ".pdf"}
WRAP = 60
LAYOUTS = (RNA.PLOT_TYPE_PUZZLER, RNA.PLOT_TYPE_SIMPLE, RNA.PLOT_TYPE_NAVIEW)


def layout(structure: str) -> np.ndarray:
    """(n, 2) layout coordinates (see :func:`overlaps`), y up, neighbours ~1 apart."""
    n = len(structure)
    if n == 0:
        return np.zeros((0, 2))
    if "(" not in structure:
        # an unpaired chain: an arc reads better than ViennaRNA's circle
        t = np.linspace(0.0, math.pi, n) if n > 1 else np.zeros(1)
        r = max(n - 1, 1) / math.pi
        return np.stack([-r * np.cos(t), r * np.sin(t)], axis=1)
    # RNApuzzler (Wiegreffe et al. 2018) resolves most of the overlaps naview leaves in
    # long helices, but not all (stems side by side in the exterior loop); take the
    # layout with the fewest overlapping nucleotides, puzzler first on a tie. The plot
    # type is ViennaRNA global state, so it is restored at once.
    best = None
    previous = RNA.cvar.rna_plot_type
    try:
        for kind in LAYOUTS:
            RNA.cvar.rna_plot_type = kind
            coords = RNA.get_xy_coordinates(structure)
            xy = np.array([(coords.get(i).X, -coords.get(i).Y) for i in range(n)], dtype=float)
            step = np.median(np.linalg.norm(np.diff(xy, axis=0), axis=1)) if n > 1 else 1.0
            xy = (xy - xy.mean(axis=0)) / (step or 1.0)
            bad = overlaps(xy)
            if best is None or bad < best[0]:
                best = (bad, xy)
            if bad == 0:
                break
    finally:
        RNA.cvar.rna_plot_type = previous
    return best[1]


def overlaps(xy: np.ndarray, min_distance: float = 0.85) -> int:
    """Pairs of nucleotides (not neighbours) drawn closer than ``min_distance``.

    >>> overlaps(np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 0.1]]))
    1
    """
    n = len(xy)
    if n < 3:
        return 0
    d = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    i, j = np.triu_indices(n, 2)
    return int((d[i, j] < min_distance).sum())


def token_index(n: int, token_spans: Sequence[tuple[int, int]]) -> list[int]:
    """Token number of each position (-1 where no token covers it).

    >>> token_index(5, [(0, 2), (2, 5)])
    [0, 0, 1, 1, 1]
    """
    idx = [-1] * n
    for k, (s, e) in enumerate(token_spans):
        for p in range(max(s, 0), min(e, n)):
            idx[p] = k
    return idx


def _draw_structure(ax, seq, structure, tok, xy):
    n = len(seq)
    pt = pair_table(structure)
    r = 0.42
    ax.plot(xy[:, 0], xy[:, 1], color="#9a9a9a", lw=1.2, zorder=1, solid_capstyle="round")
    for i, j in enumerate(pt):
        if j > i:
            ax.plot(*zip(xy[i], xy[j]), color="#5a5a5a", lw=1.0, zorder=1)
    for i in range(n - 1):
        if tok[i] != tok[i + 1]:
            mid, d = (xy[i] + xy[i + 1]) / 2, xy[i + 1] - xy[i]
            normal = np.array([-d[1], d[0]]) / (np.linalg.norm(d) or 1.0) * 0.48
            ax.plot(*zip(mid - normal, mid + normal), color="#222222", lw=2.2, zorder=3,
                    solid_capstyle="round")
    for i, base in enumerate(seq):
        colour = PALETTE[tok[i] % len(PALETTE)] if tok[i] >= 0 else "#e0e0e0"
        ax.add_patch(plt.Circle(xy[i], r, facecolor=colour, edgecolor="#333333", lw=0.8, zorder=2))
        ax.text(*xy[i], base, ha="center", va="center", fontsize=7, family="DejaVu Sans Mono",
                fontweight="bold", color="#1a1a1a", zorder=4)
    for i, label in ((0, "5'"), (n - 1, "3'")):
        away = xy[i] - xy.mean(axis=0)
        away = away / (np.linalg.norm(away) or 1.0)
        ax.text(*(xy[i] + away * 1.1), label, ha="center", va="center", fontsize=8, color="#444444")
    pad = 1.6
    ax.set_xlim(xy[:, 0].min() - pad, xy[:, 0].max() + pad)
    ax.set_ylim(xy[:, 1].min() - pad, xy[:, 1].max() + pad)
    ax.set_aspect("equal")
    ax.axis("off")


def _draw_text(ax, seq, structure, elements, tok, wrap, hairpins):
    rows = math.ceil(len(seq) / wrap) or 1
    lines_per_block = 5
    ax.set_xlim(-9, wrap + 0.5)
    ax.set_ylim(rows * lines_per_block, -0.8)
    ax.axis("off")
    mono = dict(family="DejaVu Sans Mono", fontsize=8, ha="center", va="center")
    for b in range(rows):
        lo, hi = b * wrap, min((b + 1) * wrap, len(seq))
        y0 = b * lines_per_block
        for name, dy in (("sequence", 0), ("structure", 1), ("elements", 2), ("hairpins", 3)):
            ax.text(-0.8, y0 + dy, name, fontsize=7, ha="right", va="center", color="#555555")
        ax.text(-8.8, y0, f"{lo + 1}", fontsize=6, ha="left", va="center", color="#888888")
        for p in range(lo, hi):
            x = p - lo
            colour = PALETTE[tok[p] % len(PALETTE)] if tok[p] >= 0 else "#e0e0e0"
            ax.add_patch(plt.Rectangle((x - 0.5, y0 - 0.45), 1.0, 0.9, facecolor=colour, lw=0))
            ax.text(x, y0, seq[p], fontweight="bold", **mono)
            ax.text(x, y0 + 1, structure[p], **mono)
            ax.text(x, y0 + 2, elements[p], color="#333333", **mono)
            ax.text(x, y0 + 3, hairpins[p], color="#7a3b00", **mono)
            if p + 1 < hi and tok[p] != tok[p + 1]:
                ax.plot([x + 0.5, x + 0.5], [y0 - 0.5, y0 + 0.5], color="#222222", lw=1.4)


def plot_tokenization(seq: str, structure: str, token_spans: Sequence[tuple[int, int]],
                      elements: str | None = None, out_path: str | Path = "tokenization.png",
                      title: str | None = None, dpi: int = 200, hairpins: str | None = None) -> Path:
    """Draw ``seq`` folded as ``structure`` with its tokens; write ``out_path`` atomically.

    ``hairpins``: the hairpin-unit line (default: :func:`unit_track` of ``structure``)."""
    out_path = Path(out_path)
    if out_path.suffix.lower() not in FORMATS:
        raise ValueError(f"plot file must end in one of {sorted(FORMATS)}, got {out_path.name!r}")
    if len(structure) != len(seq):
        raise ValueError(f"structure has {len(structure)} characters for a {len(seq)}-nt sequence")
    elements = elements if elements is not None else annotate(structure)
    hairpins = hairpins if hairpins is not None else unit_track(structure)
    tok = token_index(len(seq), token_spans)
    xy = layout(structure)
    span = np.ptp(xy, axis=0) + 3.2 if len(seq) else np.array([4.0, 4.0])
    wrap = min(WRAP, max(len(seq), 1))
    rows = math.ceil(len(seq) / wrap) or 1
    # ~0.28 inch between neighbouring nucleotides keeps letters legible in the
    # circles; the text panel needs ~0.1 inch a column.
    width = float(np.clip(max(span[0] * 0.28, (wrap + 9.5) * 0.1), 3.5, 9.0))
    draw_h = float(np.clip(width * span[1] / span[0], 1.8, 9.0))
    text_h = 0.68 * rows + 0.2
    fig = plt.figure(figsize=(width, draw_h + text_h + (0.4 if title else 0.1)))
    grid = fig.add_gridspec(2, 1, height_ratios=[draw_h, text_h], hspace=0.02)
    _draw_structure(fig.add_subplot(grid[0]), seq, structure, tok, xy)
    _draw_text(fig.add_subplot(grid[1]), seq, structure, elements, tok, wrap, hairpins)
    if title:
        fig.suptitle(title, fontsize=10, y=0.995)
    fmt = out_path.suffix.lower().lstrip(".")
    try:
        with atomic_write(out_path, "wb") as fh:
            fig.savefig(fh, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.15)
    finally:
        plt.close(fig)
    return out_path
