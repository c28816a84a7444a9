"""report.html: the same blocks as report.md, one self-contained file.

Plots are embedded as base64 PNG data URIs and the style sheet is inline, so
the file can be mailed or opened offline with nothing beside it.

>>> html = render_html([("h1", "T"), ("p", "a **b** `c` <x>")], {})
>>> "<strong>b</strong>" in html and "<code>c</code>" in html and "&lt;x&gt;" in html
True
"""

from __future__ import annotations

import base64
import html
import re

from .cells import Bold

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1180px;
margin:24px auto;padding:0 16px;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #ddd;padding-bottom:6px}
h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #eee;padding-bottom:4px}
table{border-collapse:collapse;margin:10px 0;font-size:0.86em}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#f3f5f8}
td:first-child,th:first-child{text-align:left}
tr:nth-child(even) td{background:#fafafa}
td.note{white-space:normal;text-align:left;max-width:380px}
figure{margin:14px 0;display:inline-block;vertical-align:top}
figure img{max-width:560px;border:1px solid #eee}
figcaption{font-size:0.85em;color:#555;max-width:560px}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;font-size:0.8em;max-height:360px}
code{background:#f1f1f1;padding:0 3px}
"""


def _inline(text: str) -> str:
    """Escape, then the two Markdown marks the report uses: **bold** and `code`."""
    t = html.escape(text, quote=False)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", t)


def render_html(blocks: list[tuple], plots: dict[str, tuple[str, bytes]], title: str = "") -> str:
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(title)}</title>", f"<style>{_CSS}</style></head><body>"]
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2"):
            parts.append(f"<{kind}>{_inline(b[1])}</{kind}>")
        elif kind == "p":
            parts.append(f"<p>{_inline(b[1])}</p>")
        elif kind == "code":
            parts.append(f"<pre>{html.escape(b[1])}</pre>")
        elif kind == "img":
            name, caption = b[1], b[2]
            if name not in plots:
                continue
            data = base64.b64encode(plots[name][1]).decode("ascii")
            parts.append(f"<figure><img alt=\"{html.escape(caption)}\" "
                         f"src=\"data:image/png;base64,{data}\">"
                         f"<figcaption>{_inline(caption)}</figcaption></figure>")
        elif kind == "table":
            header, rows = b[1], b[2]
            parts.append("<table><thead><tr>" + "".join(f"<th>{_inline(str(h))}</th>"
                                                         for h in header) + "</tr></thead><tbody>")
            for row in rows:
                cells = []
                for i, c in enumerate(row):
                    text = _inline(str(c))
                    if isinstance(c, Bold):
                        text = f"<strong>{text}</strong>"
                    cls = " class=\"note\"" if header[i] == "note" else ""
                    cells.append(f"<td{cls}>{text}</td>")
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
