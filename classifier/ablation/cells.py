"""Table cells of the ablation reports: numbers as text, and the cells to emphasise.

Below both renderers (:mod:`.report` writes Markdown, :mod:`.report_html` HTML), so the
two read the same cells and neither imports the other.

>>> fmt_ms(0.91234, 0.0123), fmt_ms(0.5, None), fmt_ms(None, None)
('0.912 ± 0.012', '0.500', '–')
>>> fmt_p(0.0004), fmt_p(0.01234)
('< 0.001', '0.0123')
"""

from __future__ import annotations


class Bold(str):
    """A table cell to emphasise (the best value of a column)."""


def fmt(v, digits: int = 3) -> str:
    """A number for a table: floats rounded, large ones with separators, None as a dash.

    >>> fmt(0.98765), fmt(1234567), fmt(12.5, 1), fmt(None)
    ('0.988', '1,234,567', '12.5', '–')
    """
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1000):
        return f"{int(v):,}"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:,.0f}"
        return f"{v:.{digits}f}"
    return str(v)


def fmt_p(p) -> str:
    """p-values: three significant digits, tiny ones as < 0.001."""
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3g}"


def fmt_ms(mean, sd, digits: int = 3) -> str:
    if mean is None:
        return "–"
    return fmt(float(mean), digits) + ("" if sd is None else f" ± {float(sd):.{digits}f}")
