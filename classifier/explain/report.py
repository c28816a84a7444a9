"""``explain.json``, the logo PNGs and a self-contained ``explain.html`` from one document.

The HTML embeds the logos as base64 PNGs and its style inline. Each sequence is drawn
on a monospace grid: a row of nucleotides coloured by nucleotide attribution, then the
tokens as boxes over the nucleotides they cover (overlapping k-mers stacked on rows),
outlined at their boundaries and coloured by token attribution (red pushes towards the
explained class, blue away; the scale is per sequence, the strongest value darkest),
then the dot-bracket and element letters where reads were folded. Per class the
sequences come strongest first (probability of the class, then total attribution).

>>> _colour(1.0, 2.0), _colour(-2.0, 2.0), _colour(0.0, 0.0)
('rgba(214,39,40,0.50)', 'rgba(31,119,180,1.00)', 'transparent')
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

from labkit.atomic import atomic_dir
from labkit.outdir import refuse_special

from ..errors import ClassifierError
from .logos import logo_png

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1180px;margin:24px auto;
padding:0 16px;color:#222;line-height:1.45}
h1{font-size:1.5em;border-bottom:2px solid #ddd;padding-bottom:6px}
h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #eee}
h3{font-size:1.05em;margin-top:1.2em}
table{border-collapse:collapse;margin:8px 0;font-size:0.85em}
th,td{border:1px solid #ccc;padding:2px 7px;text-align:right;white-space:nowrap}
th{background:#f3f5f8} td:first-child,th:first-child{text-align:left}
figure{margin:8px 12px 8px 0;display:inline-block;vertical-align:top}
figure img{max-width:520px;border:1px solid #eee} figcaption{font-size:0.8em;color:#555;max-width:520px}
.seq{margin:10px 0 14px;overflow-x:auto;font-size:0.8em}
.meta{color:#444;margin-bottom:2px}
.grid{position:relative;font-family:DejaVu Sans Mono,Menlo,Consolas,monospace;font-size:14px}
.row{position:relative;height:1.45em;white-space:pre}
.row .b{position:absolute;top:0;height:1.3em;overflow:hidden;text-align:center;
box-shadow:inset 0 0 0 1px #555;border-radius:2px}
.row .n{display:inline-block;width:1ch}
.lab{position:absolute;left:0;width:9ch;color:#777;font-family:sans-serif;font-size:11px}
.body{position:absolute;left:10ch;top:0}
.legend span{padding:0 6px;margin-right:4px}
"""


def _colour(value: float, scale: float) -> str:
    if not scale or value is None or value == 0:
        return "transparent"
    a = min(1.0, abs(value) / scale)
    return f"rgba(214,39,40,{a:.2f})" if value > 0 else f"rgba(31,119,180,{a:.2f})"


def stack(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Token indices stacked on rows so that boxes on a row never overlap.

    >>> stack([(0, 3), (1, 4), (2, 5), (3, 6)])
    [[0, 3], [1], [2]]
    """
    rows: list[list[int]] = []
    ends: list[int] = []
    for i, (s, e) in enumerate(spans):
        for r, end in enumerate(ends):
            if end <= s:
                rows[r].append(i)
                ends[r] = e
                break
        else:
            rows.append([i])
            ends.append(e)
    return rows


def _row(label: str, body: str) -> str:
    return f'<div class="row"><span class="lab">{label}</span><span class="body">{body}</span></div>'


def render_sequence(s: dict) -> str:
    """One sequence's grid (nucleotides, tokens, structure) and a line of facts."""
    seq, nts, toks = s["sequence"], s["nucleotide_attributions"], s["tokens"]
    nscale = max((abs(v) for v in nts if v is not None), default=0.0)
    kept = toks[:len(toks) - s["cut_tokens"]]
    tscale = max((abs(t["attribution"]) for t in kept), default=0.0)
    cells = "".join(f'<span class="n" style="background:{_colour(v, nscale)}" '
                    f'title="{i + 1} {c} {"cut" if v is None else f"{v:.4f}"}">{c}</span>'
                    for i, (c, v) in enumerate(zip(seq, nts)))
    rows = [_row("nt", cells)]
    for r, members in enumerate(stack([(t["start"], t["end"]) for t in kept])):
        boxes = []
        for i in members:
            t = kept[i]
            text = t["token"] if t["token"].startswith("[") else seq[t["start"]:t["end"]]
            boxes.append(f'<span class="b" style="left:{t["start"]}ch;width:{t["end"] - t["start"]}ch;'
                         f'background:{_colour(t["attribution"], tscale)}" '
                         f'title="{html.escape(t["token"])} {t["attribution"]:.4f}">'
                         f'{html.escape(text)}</span>')
        rows.append(_row("tokens" if r == 0 else "", "".join(boxes)))
    for key in ("structure", "elements"):
        if key in s:
            rows.append(_row(key, html.escape(s[key])))
    probs = ", ".join(f"{c} {p:.3f}" for c, p in s["probabilities"].items())
    label = "" if s["label"] is None else f" · label {html.escape(str(s['label']))}"
    cut = f" · {s['cut_tokens']} tokens cut by the model length" if s["cut_tokens"] else ""
    facts = (f'<b>{html.escape(str(s["id"]))}</b>{label} · predicted {html.escape(s["prediction"])}'
             f' · explained {html.escape(s["target"])}: logit {s["logit"]:.3f} vs baseline '
             f'{s["baseline_logit"]:.3f}, delta {s["delta"]:.2e}{cut} · p: {html.escape(probs)}')
    height = len(rows) * 1.45
    return (f'<div class="seq"><div class="meta">{facts}</div><div class="grid" '
            f'style="height:{height:.2f}em;width:{len(seq) + 11}ch">{"".join(rows)}</div></div>')


def _strength(s: dict) -> tuple:
    total = sum(v for v in s["nucleotide_attributions"] if v is not None)
    return (-s["probabilities"][s["target"]], -total)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "class"


def logo_files(doc: dict) -> dict[str, bytes]:
    """``logos/CLASS_RANK.png`` -> PNG bytes for every motif."""
    letters = "ACGT" if any("T" in s["sequence"] for s in doc["sequences"][:50]) else "ACGU"
    out = {}
    for c, motifs in doc["motifs"].items():
        for rank, m in enumerate(motifs, 1):
            title = (f"{c} #{rank}: {m['consensus']} ({m['support']} seqs, "
                     f"mean attribution {m['mean_attribution']:.3g})")
            name = f"logos/{_safe(c)}_{rank}.png"
            m["logo"] = name
            out[name] = logo_png(m["counts"], letters, title)
    return out


def _motif_section(doc: dict, pngs: dict[str, bytes]) -> list[str]:
    parts = ['<section id="motifs"><h2>Motifs</h2>',
             f'<p>Top high-attribution windows of {doc["config"]["window"]} nt per sequence, grouped by '
             'the class explained, clustered and aligned (see the JSON for every member).</p>']
    for c, motifs in doc["motifs"].items():
        parts.append(f'<h3>{html.escape(c)}</h3>')
        if not motifs:
            parts.append("<p>No motif with enough support.</p>")
            continue
        head = ["rank", "consensus", "sequences", "share of class", "mean attribution"]
        folded = any("elements" in m for m in motifs)
        head += ["hairpin loop", "stem", "other"] if folded else []
        rows = []
        for rank, m in enumerate(motifs, 1):
            row = [rank, f"<code>{m['consensus']}</code>", m["support"], f"{m['share_of_class']:.2f}",
                   f"{m['mean_attribution']:.4g}"]
            if folded:
                e = m.get("elements", {})
                row += [f"{e.get(k, 0):.2f}" for k in ("hairpin loop", "stem", "other")]
            rows.append("<tr>" + "".join(f"<td>{x}</td>" for x in row) + "</tr>")
        parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>" + "".join(rows) +
                     "</table>")
        for rank, m in enumerate(motifs, 1):
            data = base64.b64encode(pngs[m["logo"]]).decode("ascii")
            parts.append(f'<figure><img alt="logo {html.escape(c)} {rank}" src="data:image/png;base64,{data}">'
                         f'<figcaption>#{rank} {m["consensus"]}: {m["support"]} sequences</figcaption></figure>')
    return parts + ["</section>"]


def render_html(doc: dict, pngs: dict[str, bytes]) -> str:
    sm, cfg = doc["summary"], doc["config"]
    seqs = doc["sequences"]
    labelled = [s for s in seqs if s["label"] is not None]
    acc = (f"; prediction = label for {sum(s['label'] == s['prediction'] for s in labelled)} of "
           f"{len(labelled)} labelled sequences" if labelled else "")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>classify explain</title>", f"<style>{_CSS}</style></head><body>",
             '<section id="summary"><h1>classify explain</h1>',
             f"<p>Model <code>{html.escape(doc['model'])}</code>, tokenizer {doc['tokenizer']['algorithm']} "
             f"(vocabulary {doc['tokenizer']['vocab_size']}); {sm['sequences']} sequences{acc}.</p>",
             f"<p>Method: {html.escape(doc['method'])}; {cfg['n_steps']} steps. Convergence delta "
             f"(sum of attributions minus the logit difference): max |delta| {sm['max_abs_delta']:.2e}, "
             f"mean {sm['mean_abs_delta']:.2e}, against a mean |logit difference| of "
             f"{sm['mean_abs_logit_difference']:.3f}.</p>",
             '<p class="legend">Colours: <span style="background:rgba(214,39,40,0.8)">towards the '
             'explained class</span><span style="background:rgba(31,119,180,0.8)">away from it</span> '
             '(per sequence, strongest darkest); boxes are tokens.</p></section>']
    parts += _motif_section(doc, pngs)
    parts.append('<section id="sequences"><h2>Sequences</h2>')
    n = cfg["html_sequences"]
    for c in doc["classes"]:
        members = sorted((s for s in seqs if s["target"] == c), key=_strength)
        if not members:
            continue
        parts.append(f"<h3>{html.escape(c)}: {min(n, len(members))} of {len(members)}, strongest first</h3>")
        parts += [render_sequence(s) for s in members[:n]]
    parts += ["</section>", "</body></html>"]
    return "\n".join(parts) + "\n"


#: The file that marks a folder `classify explain` wrote.
MARKER = "explain.json"


def write_report(doc: dict, out_dir: str | Path) -> Path:
    """Write the folder at once; refuse to replace a folder that is not an explain output."""
    out = Path(out_dir)
    refuse_special(out, "a folder to write")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise ClassifierError(f"{out}: exists and is not a `classify explain` folder; "
                              "choose a new --out or remove it")
    pngs = logo_files(doc)
    page = render_html(doc, pngs)
    with atomic_dir(out) as tmp:
        (tmp / "logos").mkdir()
        for name, data in pngs.items():
            (tmp / name).write_bytes(data)
        (tmp / MARKER).write_text(json.dumps(doc, indent=1) + "\n")
        (tmp / "explain.html").write_text(page)
    return out
