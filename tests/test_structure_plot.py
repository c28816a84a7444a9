"""The tokenization drawing: valid PNG/SVG files, checked inputs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tokenizer_lab.structure import annotate, fold
from tokenizer_lab.structure.plot import layout, plot_tokenization, token_index

SEQ = "GGGAGACGGAAGAAUACGCGAUUGCUCAGAAAGGCAAUCGCGCUUCGGCAUAGACGUCC"


def _spans(n, width=4):
    return [(i, min(i + width, n)) for i in range(0, n, width)]


def test_png_and_svg_are_valid_images(tmp_path):
    st = fold(SEQ).structure
    png = plot_tokenization(SEQ, st, _spans(len(SEQ)), annotate(st), tmp_path / "t.png", title="x")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    svg = plot_tokenization(SEQ, st, _spans(len(SEQ)), None, tmp_path / "t.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    # one circle per nucleotide at least: the drawing has many path elements
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) > len(SEQ)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.png", "t.svg"]


def test_unstructured_and_tiny_sequences_draw(tmp_path):
    assert plot_tokenization("ACAC", "....", [(0, 2), (2, 4)], out_path=tmp_path / "a.png").stat().st_size > 5000
    assert plot_tokenization("A", ".", [(0, 1)], out_path=tmp_path / "b.svg").is_file()


def test_bad_input_leaves_no_file(tmp_path):
    with pytest.raises(ValueError, match="must end in one of"):
        plot_tokenization(SEQ, "." * len(SEQ), [], out_path=tmp_path / "t.jpg")
    with pytest.raises(ValueError, match="structure has 3 characters for a 59-nt sequence"):
        plot_tokenization(SEQ, "...", [], out_path=tmp_path / "t.png")
    assert list(tmp_path.iterdir()) == []


def test_layout_has_no_overlapping_nucleotides():
    import numpy as np
    st = fold(SEQ).structure
    xy = layout(st)
    d = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    np.fill_diagonal(d, np.inf)
    assert d.min() > 0.8  # neighbours are 1 apart; circles have radius 0.42
    assert token_index(5, [(0, 2), (3, 5)]) == [0, 0, -1, 1, 1]


def test_layout_falls_back_when_puzzler_overlaps():
    from tokenizer_lab.structure.plot import overlaps
    # three stems side by side in the exterior loop: RNApuzzler draws two nucleotides 0.64 apart
    st = "." * 19 + "((((((....))))))(((((((((....)))))))))((((((....))))))" + "." * 20
    assert overlaps(layout(st)) == 0
