"""How one sequence becomes model input: tokens, ids, special tokens, mask, truncation.

:func:`inspect_sequence` builds a plain :class:`TokenView` (no printing, no colours);
:func:`render_text` and :meth:`TokenView.to_dict` turn it into what ``tokenizer-lab
inspect`` shows. Tokens are drawn over the sequence: when they tile it (char,
non-overlapping k-mers, bpe, wordpiece, unigram) the sequence is written with a space
at every token boundary; overlapping k-mers are stacked on as many rows as needed,
each token at its own column. Extra per-nucleotide lines (e.g. a dot-bracket and an
element string) can be passed as ``tracks`` and are laid out under the tokens.

>>> from tokenizer_lab import train_tokenizer
>>> tok = train_tokenizer(["ACGUACGU"], algorithm="kmer", k=3, stride=3)
>>> view = inspect_sequence(tok, "acguacgu", max_length=4)
>>> view.tokens, view.input_tokens, view.cut_nt
(['ACG', 'UAC', 'G', 'U'], ['[CLS]', 'ACG', 'UAC', '[SEP]'], 2)
>>> print(render_text(view, tracks_only=True))
tokens     ACG UAC G U
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

LABEL = 11  # width of the row names, as in tokenizer_lab.structure.view


@dataclass
class TokenView:
    """Everything ``inspect`` shows about one sequence; plain data, JSON-ready.

    ``tokens``/``spans`` are the whole tokenization (no specials); ``input_*`` are the
    model input after ``max_length`` (truncation keeps [CLS] and [SEP], padding adds
    [PAD] with attention 0). ``cut_tokens``/``cut_nt`` say what truncation removed:
    the nucleotides after the end of the last kept token.
    """

    id: str | None
    sequence: str
    tokens: list[str]
    spans: list[tuple[int, int]]
    token_ids: list[int]
    input_ids: list[int]
    input_tokens: list[str]
    attention_mask: list[int]
    special_tokens_mask: list[int]
    max_length: int | None
    padding: int
    cut_tokens: int
    cut_nt: int
    algorithm: str
    vocab_size: int
    tracks: dict[str, str] = field(default_factory=dict)

    @property
    def tiles(self) -> bool:
        """True when the spans cut the sequence into consecutive pieces."""
        s = self.spans
        return bool(s) and s[0][0] == 0 and s[-1][1] == len(self.sequence) and \
            all(a[1] == b[0] for a, b in zip(s, s[1:]))

    @property
    def warning(self) -> str | None:
        """The truncation warning, or None."""
        if not self.cut_tokens:
            return None
        kept = len(self.sequence) - self.cut_nt
        return (f"--max-length {self.max_length} truncates: {self.cut_tokens} of "
                f"{len(self.tokens)} tokens and {self.cut_nt} of {len(self.sequence)} nt cut "
                f"(nucleotides {kept + 1}-{len(self.sequence)})")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["spans"] = [list(s) for s in self.spans]
        d["nucleotides"] = len(self.sequence)
        d["nt_per_token"] = round(len(self.sequence) / len(self.tokens), 3) if self.tokens else None
        d["warning"] = self.warning
        return d


def inspect_sequence(tok, seq: str, max_length: int | None = None, id: str | None = None,
                     tracks: dict[str, str] | None = None) -> TokenView:
    """Tokenize ``seq`` with a LabTokenizer as a model would see it.

    ``max_length`` pads shorter inputs to that many ids and truncates longer ones
    (keeping [CLS] and [SEP]); ``tracks`` are per-nucleotide strings of the
    normalised sequence's length, shown aligned under the tokens.
    Raises TokenizerError for letters the tokenizer cannot read.
    """
    norm = tok.normalize(seq)
    for name, text in (tracks or {}).items():
        if len(text) != len(norm):
            raise ValueError(f"track {name!r} has {len(text)} characters for {len(norm)} nt")
    backend = tok.hf.backend_tokenizer
    text = tok.prepare(norm)
    enc = backend.encode(text, add_special_tokens=False)
    spans = [tuple(s) for s in tok.token_spans(norm)]
    full = backend.encode(text).ids
    kw = {}
    if max_length is not None:
        kw = dict(truncation=True, max_length=max_length, padding="max_length")
    model = tok(norm, return_special_tokens_mask=True, **kw)
    ids = list(model["input_ids"])
    mask = list(model["attention_mask"])
    n_specials = len(full) - len(enc.ids)
    kept = max(sum(mask) - n_specials, 0)
    cut_tokens = len(enc.ids) - kept
    kept_end = max((e for _, e in spans[:kept]), default=0)
    return TokenView(
        id=id, sequence=norm, tokens=list(enc.tokens), spans=spans, token_ids=list(enc.ids),
        input_ids=ids, input_tokens=[backend.id_to_token(i) for i in ids],
        attention_mask=mask, special_tokens_mask=list(model["special_tokens_mask"]),
        max_length=max_length, padding=len(mask) - sum(mask), cut_tokens=cut_tokens,
        cut_nt=len(norm) - kept_end if cut_tokens else 0,
        algorithm=tok.spec.algorithm, vocab_size=tok.vocab_size, tracks=dict(tracks or {}))


def _rows(view: TokenView) -> list[list[tuple[int, int]]]:
    """Spans stacked on rows, a gap of at least one column between two on a row."""
    rows: list[list[tuple[int, int]]] = []
    for span in view.spans:
        for row in rows:
            if row[-1][1] < span[0]:
                row.append(span)
                break
        else:
            rows.append([span])
    return rows


def _plain(text: str, *_, **__) -> str:
    return text


def token_lines(view: TokenView, style=_plain) -> list[str]:
    """The tokens over the sequence, then the tracks, without the row names' colours.

    >>> v = TokenView(None, "ACGUA", ["ACG", "UA"], [(0, 3), (3, 5)], [5, 6], [], [], [], [],
    ...               None, 0, 0, 0, "bpe", 7, {"structure": "(...)"})
    >>> print("\\n".join(token_lines(v)))
    tokens     ACG UA
    structure  (.. .)
    """
    palette = ("cyan", "yellow")
    if view.tiles:
        cells = [(s, e) for s, e in view.spans]
        lines = [f"{'tokens':<{LABEL}}" + " ".join(
            style(view.sequence[s:e], fg=palette[i % 2]) for i, (s, e) in enumerate(cells))]
        for name, text in view.tracks.items():
            lines.append(f"{name:<{LABEL}}" + " ".join(text[s:e] for s, e in cells))
        return lines
    lines = [f"{'sequence':<{LABEL}}{view.sequence}"]
    for name, text in view.tracks.items():
        lines.append(f"{name:<{LABEL}}{text}")
    for r, row in enumerate(_rows(view)):
        out, col = [], 0
        for i, (s, e) in enumerate(row):
            out.append(" " * (s - col) + style(view.sequence[s:e], fg=palette[i % 2]))
            col = e
        lines.append(f"{'tokens' if r == 0 else '':<{LABEL}}" + "".join(out))
    return lines


def _columns(view: TokenView) -> list[str]:
    """The model input as aligned columns: token, id, attention, special."""
    cols = list(zip(view.input_tokens, view.input_ids, view.attention_mask,
                    view.special_tokens_mask))
    widths = [max(len(str(t)), len(str(i))) for t, i, _, _ in cols]
    names = ("input", "ids", "attention", "special")
    return [f"{name:<{LABEL}}" + " ".join(f"{str(c[k]):<{w}}" for c, w in zip(cols, widths)).rstrip()
            for k, name in enumerate(names)]


def render_text(view: TokenView, style=_plain, tracks_only: bool = False) -> str:
    """The human-readable view; ``style`` is ``click.style`` on a terminal.

    >>> v = TokenView("r1", "ACG", ["A", "C", "G"], [(0, 1), (1, 2), (2, 3)], [5, 6, 7],
    ...               [2, 5, 6, 7, 3, 0], ["[CLS]", "A", "C", "G", "[SEP]", "[PAD]"],
    ...               [1, 1, 1, 1, 1, 0], [1, 0, 0, 0, 1, 1], 6, 1, 0, 0, "char", 9)
    >>> print(render_text(v))
    record     r1
    tokenizer  char, vocabulary 9
    length     3 nt -> 3 tokens (1.00 nt/token)
    tokens     A C G
    input      [CLS] A C G [SEP] [PAD]
    ids        2     5 6 7 3     0
    attention  1     1 1 1 1     0
    special    1     0 0 0 1     1
    max length 6: 1 padding token
    """
    lines = token_lines(view, style)
    if tracks_only:
        return "\n".join(lines)
    n, t = len(view.sequence), len(view.tokens)
    head = [] if view.id is None else [f"{'record':<{LABEL}}{view.id}"]
    head.append(f"{'tokenizer':<{LABEL}}{view.algorithm}, vocabulary {view.vocab_size}")
    ratio = f" ({n / t:.2f} nt/token)" if t else ""
    head.append(f"{'length':<{LABEL}}{n} nt -> {t} tokens{ratio}")
    tail = _columns(view)
    if view.max_length is not None:
        if view.cut_tokens:
            tail.append(f"{'max length':<{LABEL}}{view.max_length}: truncated")
            tail.append(style(f"warning: {view.warning}", fg="red"))
        else:
            pads = view.padding
            tail.append(f"{'max length':<{LABEL}}{view.max_length}: {pads} padding "
                        f"token{'' if pads == 1 else 's'}")
    return "\n".join(head + lines + tail)


__all__ = ["TokenView", "inspect_sequence", "render_text", "token_lines"]
