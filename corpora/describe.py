"""What a task or a file holds: classes per split, lengths, letters, duplicates, overlap.

:func:`describe_parts` computes a JSON-ready summary; :func:`format_description`
renders it as text for ``corpora describe``. Numbers are computed once, here.

>>> parts = {"train": [Record("a", "ACGT", "x"), Record("b", "ACGT", "y"), Record("c", "GGA", "x")],
...          "test": [Record("d", "ACGT", "x")]}
>>> d = describe_parts(parts, name="toy")
>>> d["classes"], d["overlap"]["test_in_train"], d["duplicates"]["train"]
({'x': {'train': 2, 'test': 1}, 'y': {'train': 1, 'test': 0}}, 1, {'records': 3, 'distinct': 2, 'conflicting_labels': 2})
>>> d["lengths"]["all"]
{'min': 3, 'q25': 3.75, 'median': 4.0, 'mean': 3.75, 'q75': 4.0, 'max': 4}
>>> print(format_description(d).splitlines()[0])
toy: 4 records (train 3, test 1), 2 classes
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from .records import Record
from .splits import verbatim_overlap


def _lengths(seqs: Sequence[str]) -> dict:
    import numpy as np

    if not seqs:
        return {}
    a = np.array([len(s) for s in seqs])
    q25, med, q75 = (float(x) for x in np.quantile(a, [0.25, 0.5, 0.75]))
    return {"min": int(a.min()), "q25": q25, "median": med, "mean": round(float(a.mean()), 2),
            "q75": q75, "max": int(a.max())}


def _alphabet(seqs: Sequence[str]) -> dict:
    letters: Counter = Counter()
    for s in seqs:
        letters.update(s)
    has_t, has_u = letters["T"] > 0, letters["U"] > 0
    kind = "mixed" if has_t and has_u else "rna" if has_u else "dna"
    return {"kind": kind, "letters": dict(sorted(letters.items()))}


def _duplicates(recs: Sequence[Record]) -> dict:
    labels: dict[str, set] = {}
    for r in recs:
        labels.setdefault(r.seq, set()).add(r.label)
    conflicting = sum(1 for r in recs if len(labels[r.seq]) > 1)
    return {"records": len(recs), "distinct": len(labels), "conflicting_labels": conflicting}


def near_overlap(train: Sequence[Record], others: Mapping[str, Sequence[Record]],
                 identity: float = 0.9) -> dict[str, int]:
    """For each other part, how many records have a near-identical sequence in train.

    One pass over all parts together.

    >>> near_overlap([Record("a", "ACGTACGTAC")], {"test": [Record("b", "ACGTACGTAA"),
    ...                                                     Record("c", "GGGGCCCCTT")]})
    {'test': 1}
    """
    from .similarity import distinct, distinct_pairs

    seqs = [r.seq for r in train]
    owner: list[str] = []
    for name, part in others.items():
        seqs.extend(r.seq for r in part)
        owner.extend([name] * len(part))
    uniq, which = distinct(seqs)
    n = len(train)
    in_train = [False] * len(uniq)
    for u in which[:n]:
        in_train[u] = True
    near = in_train[:]  # a verbatim copy is near too
    for u, v in distinct_pairs(uniq, identity):
        if in_train[u]:
            near[v] = True
        if in_train[v]:
            near[u] = True
    counts = {name: 0 for name in others}
    for k, u in enumerate(which[n:]):
        if near[u]:
            counts[owner[k]] += 1
    return counts


def describe_parts(parts: Mapping[str, Sequence[Record]], name: str = "data",
                   report: dict | None = None, identity: float | None = None) -> dict:
    """Summarise named parts (``train``/``valid``/``test`` or one ``all``).

    With ``identity``, also count valid and test records that have a
    near-identical sequence (edit distance) in train.
    """
    parts = {k: list(v) for k, v in parts.items()}
    everything = [r for recs in parts.values() for r in recs]
    classes = sorted({str(r.label) for r in everything})
    counts = {k: Counter(str(r.label) for r in v) for k, v in parts.items()}
    out: dict = {
        "name": name,
        "sizes": {k: len(v) for k, v in parts.items()},
        "classes": {c: {k: counts[k][c] for k in parts} for c in classes},
        "lengths": {"all": _lengths([r.seq for r in everything]),
                    **{k: _lengths([r.seq for r in v]) for k, v in parts.items()}},
        "alphabet": _alphabet([r.seq for r in everything]),
        "duplicates": {"all": _duplicates(everything),
                       **{k: _duplicates(v) for k, v in parts.items()}},
        "overlap": {},
    }
    if "train" in parts:
        for k in parts:
            if k != "train":
                out["overlap"][f"{k}_in_train"] = verbatim_overlap(parts["train"], parts[k])
        if "test" in parts and "valid" in parts:
            out["overlap"]["test_in_train_or_valid"] = verbatim_overlap(
                parts["train"] + parts["valid"], parts["test"])
        if identity is not None:
            others = {k: v for k, v in parts.items() if k != "train"}
            for k, n in near_overlap(parts["train"], others, identity).items():
                out["overlap"][f"{k}_near_train"] = n
            out["overlap"]["near_identity"] = identity
    if report:
        out["report"] = report
    return out


def format_description(d: dict) -> str:
    """Plain text for a terminal, from :func:`describe_parts`' summary."""
    sizes = d["sizes"]
    total = sum(sizes.values())
    lines = [f"{d['name']}: {total} records ({', '.join(f'{k} {v}' for k, v in sizes.items())}), "
             f"{len(d['classes'])} classes"]
    names = list(sizes)
    width = max([len("class")] + [len(c) for c in d["classes"]])
    lines.append("")
    lines.append(f"{'class':<{width}}  " + "  ".join(f"{k:>7}" for k in names))
    for c, per in d["classes"].items():
        lines.append(f"{c:<{width}}  " + "  ".join(f"{per[k]:>7}" for k in names))
    lines.append("")
    lines.append("lengths (min / q25 / median / mean / q75 / max):")
    for k, ln in d["lengths"].items():
        if ln:
            lines.append(f"  {k:<6} {ln['min']} / {ln['q25']:g} / {ln['median']:g} / "
                         f"{ln['mean']:g} / {ln['q75']:g} / {ln['max']}")
    alpha = d["alphabet"]
    lines.append(f"alphabet: {alpha['kind']} ({' '.join(f'{a}:{n}' for a, n in alpha['letters'].items())})")
    lines.append("duplicates (records / distinct sequences / records whose sequence has several labels):")
    for k, dup in d["duplicates"].items():
        lines.append(f"  {k:<6} {dup['records']} / {dup['distinct']} / {dup['conflicting_labels']}")
    ident = d["overlap"].get("near_identity")
    for k, n in d["overlap"].items():
        if k == "near_identity":
            continue
        if k.endswith("_near_train"):
            what = f"{k.split('_')[0]} sequences with a near-identical (>= {ident:g}) one in train"
        else:
            what = k.replace("_in_", " sequences also in ").replace("_or_", " or ")
        lines.append(f"overlap: {n} {what}")
    rep = d.get("report") or {}
    for key in ("read", "read_train", "read_valid", "read_test"):
        r = rep.get(key)
        if r and (r.get("dropped_ambiguous") or r.get("dropped_invalid")):
            lines.append(f"dropped while reading ({key}): {r['dropped_ambiguous']} with ambiguous "
                         f"letters, {r['dropped_invalid']} with invalid characters")
    lab = rep.get("labels")
    if lab:
        drops = {k: v for k, v in lab.items() if k.startswith("dropped_") and v}
        if drops:
            lines.append("dropped while labelling: " + ", ".join(
                f"{v} {k.removeprefix('dropped_')}" for k, v in drops.items())
                + (f" (unmapped: {lab['unmapped']})" if lab.get("unmapped") else ""))
        if lab.get("thresholds"):
            lines.append(f"score thresholds: {lab['thresholds']}")
    if rep.get("dedup"):
        lines.append(f"exact copies removed before splitting: {rep['dedup']['dropped_copies']}")
    return "\n".join(lines)
