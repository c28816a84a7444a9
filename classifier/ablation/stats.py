"""Statistics for ablations: mean ± sd over seeds, paired tests, Holm correction.

Single-seed rankings of tokenizers flip, so every number in a report is a mean
and a sample standard deviation over seeds, and every "A beats B" claim comes
from a paired test over the *same* seeds (same splits, same initialisation
seed), corrected for the number of comparisons with Holm's step-down method.

Edge cases are answered, not crashed on: one seed gives no standard deviation
and no test; identical scores give p = 1; a constant non-zero difference (zero
variance, where the t statistic is infinite) falls back to the exact Wilcoxon
signed-rank p-value, which is honest about how little a few seeds can show.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats as _st

ALPHA = 0.05


def mean_sd(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Mean and sample standard deviation (ddof=1); sd is None for fewer than 2 values.

    >>> mean_sd([0.8, 0.9, 1.0])
    (0.9, 0.1)
    >>> mean_sd([0.5])
    (0.5, None)
    >>> mean_sd([])
    (None, None)
    """
    vals = [float(v) for v in values if v is not None and not _isnan(v)]
    if not vals:
        return None, None
    mean = round(math.fsum(vals) / len(vals), 12)
    if len(vals) < 2:
        return mean, None
    sd = float(np.std(vals, ddof=1))
    return mean, round(sd, 12)


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment; None entries (no test) are skipped and kept None.

    Sorted ascending, the i-th smallest of m p-values becomes (m - i) * p
    (i from 0), made monotone by a running maximum and capped at 1.

    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    >>> holm([None, 0.2])
    [None, 0.2]
    """
    idx = [i for i, p in enumerate(pvalues) if p is not None]
    m = len(idx)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda j: pvalues[j])):
        adj = min(1.0, (m - rank) * float(pvalues[i]))
        running = max(running, adj)
        out[i] = round(running, 12)
    return out


@dataclass(frozen=True)
class PairedResult:
    """One paired comparison (``a`` is the reference, usually the best tokenizer)."""

    n: int
    mean_diff: float | None      # mean of a - b over the shared seeds
    t_stat: float | None
    p_ttest: float | None
    p_wilcoxon: float | None
    p: float | None              # the p-value that enters Holm (t-test, else Wilcoxon)
    test: str                    # which test gave ``p``, or why there is none
    note: str

    def to_dict(self) -> dict:
        return asdict(self)


def wilcoxon_min_p(n: int) -> float:
    """Smallest two-sided exact Wilcoxon p-value reachable with n pairs.

    >>> wilcoxon_min_p(3), wilcoxon_min_p(6)
    (0.25, 0.03125)
    """
    return min(1.0, 2.0 / 2 ** n)


def paired_test(a: Sequence[float], b: Sequence[float]) -> PairedResult:
    """Paired t-test (scipy.stats.ttest_rel) and Wilcoxon signed-rank of a against b.

    >>> r = paired_test([3, 2, 2], [1, 1, 1])   # differences 2, 1, 1: t = 4, df = 2
    >>> r.t_stat, round(r.p_ttest, 6), r.test
    (4.0, 0.057191, 't-test')
    >>> paired_test([0.9], [0.8]).note
    'one seed: no test possible'
    >>> paired_test([0.9, 0.9], [0.9, 0.9]).p
    1.0
    """
    if len(a) != len(b):
        raise ValueError(f"paired samples need equal lengths, got {len(a)} and {len(b)}")
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = int(d.size)
    if n == 0:
        return PairedResult(0, None, None, None, None, None, "none", "no shared seeds")
    mean_diff = round(float(d.mean()), 12)
    if n == 1:
        return PairedResult(1, mean_diff, None, None, None, None, "none",
                            "one seed: no test possible")
    d = np.round(d, 12)  # float noise such as 0.9-0.8 vs 0.8-0.7 must count as ties
    if np.all(d == 0):
        return PairedResult(n, 0.0, None, 1.0, 1.0, 1.0, "identical",
                            "identical scores on every seed")
    p_w = _wilcoxon(d)
    if np.all(d == d[0]):
        return PairedResult(n, mean_diff, None, None, p_w, p_w, "wilcoxon",
                            "constant difference (zero variance): t-test undefined, "
                            f"exact Wilcoxon used (smallest p possible with n={n}: "
                            f"{wilcoxon_min_p(n):.3g})")
    res = _st.ttest_rel(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    t, p_t = float(res.statistic), float(res.pvalue)
    return PairedResult(n, mean_diff, round(t, 12), round(p_t, 12), p_w, round(p_t, 12),
                        "t-test", "")


def _wilcoxon(d: np.ndarray) -> float | None:
    nz = d[d != 0]
    if nz.size == 0:
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns about ties / small n; we report n
        try:
            res = _st.wilcoxon(nz, zero_method="wilcox", alternative="two-sided")
        except ValueError:
            return None
    return round(float(res.pvalue), 12)


def _isnan(v) -> bool:
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return True
