"""`tokenizer-lab` command line: a thin layer over the library.

Commands: ``train`` (here); ``inspect`` and ``stats`` are added by their modules.
Errors: :func:`corpora.cli.run_cli` prints a LabError as one line and exits 1.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from corpora.cli import common_options, run_cli, setup_logging
from corpora.formats import FORMATS
from corpora.progress import set_quiet

log = logging.getLogger(__name__)
ALGORITHMS = ("bpe", "wordpiece", "unigram", "kmer", "char")


def _algorithm_choices() -> list[str]:
    from .algorithms import names
    return [n for n in ALGORITHMS] + [n for n in names() if n not in ALGORITHMS]


def _column(value: str | None):
    return int(value) if value is not None and value.isdigit() else value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool, verbose: bool) -> None:
    """Train, inspect and compare tokenizers for aptamer sequences."""
    setup_logging(quiet, verbose)
    set_quiet(quiet)
    ctx.obj = {"debug": debug, "quiet": quiet}


class _LazyChoice(click.Choice):
    """click.Choice over the algorithm registry (plug-ins load on first use)."""

    def __init__(self):
        super().__init__(list(ALGORITHMS))

    def convert(self, value, param, ctx):
        self.choices = _algorithm_choices()
        return super().convert(value, param, ctx)


@cli.command()
@click.argument("corpus", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--algorithm", "-a", type=_LazyChoice(), default="bpe", show_default=True,
              help="bpe/wordpiece/unigram are learned; kmer/char are enumerated; "
                   "struct-* need ViennaRNA.")
@click.option("--vocab-size", "-V", type=int, default=512, show_default=True,
              help="Vocabulary size, special tokens included (learned algorithms).")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Output directory (written atomically).")
@click.option("--k", "k", type=int, default=3, show_default=True, help="k-mer length (kmer).")
@click.option("--stride", type=int, default=None,
              help="kmer: 1 = overlapping (DNABERT), k = non-overlapping. [default: 1]")
@click.option("--alphabet", type=click.Choice(["rna", "dna"]), default="rna", show_default=True,
              help="Letters of the vocabulary; T and U are read as one letter.")
@click.option("--iupac", type=click.Choice(["reject", "drop", "keep"]), default="reject",
              show_default=True, help="Reads with N, R, Y...: error, skip them, or keep them "
                                      "(adds the IUPAC letters to the vocabulary).")
@click.option("--min-frequency", type=int, default=2, show_default=True,
              help="bpe/wordpiece: minimum count of a pair to merge.")
@click.option("--max-token-length", type=int, default=None,
              help="Longest learned token in nt. [default: unlimited; unigram 16]")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--primers", type=click.Choice(["auto", "keep", "strip", "token"]), default="auto",
              show_default=True, help="Constant flanks: detect and map to [P5]/[P3] (auto), "
                                      "keep as sequence, strip, or map to tokens.")
@click.option("--primer5", default=None, help="5' primer sequence (otherwise detected).")
@click.option("--primer3", default=None, help="3' primer sequence (otherwise detected).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Corpus format. [default: from the content]")
@click.option("--seq-column", default=None, help="CSV/TSV/JSON sequence column (name or 0-based index).")
@click.option("--header/--no-header", default=None, help="CSV/TSV: whether row 1 is a header. [default: sniffed]")
@click.option("--on-invalid", type=click.Choice(["reject", "drop"]), default="reject",
              show_default=True, help="Reads with other bad characters: error or skip.")
def train(corpus, algorithm, vocab_size, out, k, stride, alphabet, iupac, min_frequency,
          max_token_length, seed, primers, primer5, primer3, fmt, seq_column, header, on_invalid):
    """Train a tokenizer on CORPUS (FASTA, FASTQ, CSV/TSV, JSON, lines; gzip ok)."""
    from corpora.readers import ReadOptions

    from .errors import TokenizerError
    from .spec import TokenizerSpec
    from .train import train_tokenizer

    try:
        spec = TokenizerSpec(algorithm=algorithm, vocab_size=vocab_size, alphabet=alphabet,
                             iupac="keep" if iupac == "keep" else "reject", k=k,
                             stride=1 if stride is None else stride, min_frequency=min_frequency,
                             max_token_length=max_token_length, seed=seed, primers=primers,
                             primer5=primer5, primer3=primer3)
    except ValueError as exc:
        raise TokenizerError(f"invalid option: {exc}") from None
    options = ReadOptions(format=fmt, seq_column=_column(seq_column), header=header,
                          iupac="drop" if iupac == "drop" else "reject", on_invalid=on_invalid)
    tok = train_tokenizer([Path(p) for p in corpus], spec, read_options=options)
    tok.save(out)
    c, p = tok.meta["corpus"], tok.meta["primers"]
    prim = "none" if p["mode"] == "keep" else f"{p['mode']} (5' {p['primer5']}, 3' {p['primer3']})"
    click.echo(f"{tok.spec.algorithm}: vocabulary of {tok.vocab_size} from {c['reads']} reads "
               f"({c['nucleotides']} nt); primers: {prim}; input: {tok.meta['input_form']}")
    click.echo(f"saved to {out}")


def main(args=None) -> None:
    run_cli(cli, "tokenizer-lab", args)


if __name__ == "__main__":
    main()
