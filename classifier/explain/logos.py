"""Sequence logos of motifs (logomaker), as PNG bytes.

>>> png = logo_png([[8, 0, 0, 0], [0, 7, 1, 0], [2, 2, 2, 2]], "ACGT", "demo")
>>> png[:4] == b"\\x89PNG"
True
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def logo_png(counts, letters: str, title: str) -> bytes:
    """Information-content logo (bits) of a (columns x 4) count matrix."""
    import logomaker
    import pandas as pd

    counts = np.asarray(counts, dtype=float)
    df = pd.DataFrame(counts, columns=list(letters))
    info = logomaker.transform_matrix(df, from_type="counts", to_type="information")
    fig, ax = plt.subplots(figsize=(max(2.5, 0.42 * len(df) + 0.9), 1.9))
    logomaker.Logo(info, ax=ax, color_scheme="classic", font_name="DejaVu Sans Mono")
    ax.set_ylim(0, 2)
    ax.set_ylabel("bits")
    ax.set_xticks(range(len(df)))
    ax.set_xticklabels([str(i + 1) for i in range(len(df))], fontsize=7)
    ax.set_title(title, fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
