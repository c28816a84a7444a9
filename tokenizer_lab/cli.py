"""`tokenizer-lab` command line: a thin layer over the library.

Commands: ``train`` (here); ``inspect`` and ``stats`` are added by their modules.
Errors: :func:`labkit.cli.run_cli` prints a LabError as one line and exits 1.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from corpora.formats import FORMATS
from corpora.read_options import ReadOptions
from labkit.cli import INPUT_DIR, INPUT_FILE, dataclass_options, lab_group, make_config, run_cli
from labkit.cluster import BACKENDS
from labkit.limits import MAX_FOLD_NT, MAX_TOKENIZE_NT

from .spec import TokenizerSpec

log = logging.getLogger(__name__)
ALGORITHMS = ("bpe", "wordpiece", "unigram", "kmer", "char")


def _algorithm_choices() -> list[str]:
    from .algorithms import names
    return [n for n in ALGORITHMS] + [n for n in names() if n not in ALGORITHMS]


cli = lab_group("Train, inspect and compare tokenizers for aptamer sequences.")


class _LazyChoice(click.Choice):
    """click.Choice over the algorithm registry (plug-ins load on first use)."""

    def __init__(self):
        super().__init__(list(ALGORITHMS))

    def convert(self, value, param, ctx):
        if value not in ALGORITHMS:  # plug-ins import ViennaRNA: only when asked for
            self.choices = _algorithm_choices()
        return super().convert(value, param, ctx)

    def get_metavar(self, param, ctx):
        self.choices = _algorithm_choices()
        return super().get_metavar(param, ctx)


#: What the command line says about options that mean more there than in the spec.
CLI_ONLY_CHOICES = {
    "algorithm": {"type": _LazyChoice()},
    "iupac": {"type": click.Choice(["reject", "drop", "keep"]),
              "help": "Reads with N, R, Y...: error, skip them, or keep them (adds the IUPAC "
                      "letters to the vocabulary)."},
}


@cli.command()
@click.argument("corpus", nargs=-1, required=True, type=INPUT_FILE)
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Output directory (written atomically).")
@dataclass_options(TokenizerSpec, short={"algorithm": ("-a",), "vocab_size": ("-V",)},
                   override=CLI_ONLY_CHOICES)
@dataclass_options(ReadOptions, only=("format", "seq_column", "header", "on_invalid"),
                   params={"format": "fmt"})
def train(corpus, out, fmt, seq_column, header, on_invalid, **spec_fields):
    """Train a tokenizer on CORPUS.

    CORPUS is FASTA, FASTQ, CSV/TSV, JSON or one sequence per line; gzip ok.
    """
    from labkit.outdir import claim_out_dir

    from .artifact import MARKER, MODEL_FILES
    from .train import train_tokenizer

    iupac = spec_fields.pop("iupac")  # drop: skip such reads (a read option), not a spec value
    spec = make_config(TokenizerSpec, iupac="keep" if iupac == "keep" else "reject", **spec_fields)
    options = ReadOptions(format=fmt, seq_column=seq_column, header=header,
                          iupac="drop" if iupac == "drop" else "reject", on_invalid=on_invalid)
    with claim_out_dir(out, marker=MARKER, command="tokenizer-lab train", foreign=MODEL_FILES,
                       has_overwrite=False):  # refused before training, not after
        tok = train_tokenizer([Path(p) for p in corpus], spec, read_options=options)
        tok.save(out)
    c, p = tok.meta["corpus"], tok.meta["primers"]
    prim = "none" if p["mode"] == "keep" else f"{p['mode']} (5' {p['primer5']}, 3' {p['primer3']})"
    click.echo(f"{tok.spec.algorithm}: vocabulary of {tok.vocab_size} from {c['reads']} reads "
               f"({c['nucleotides']} nt); primers: {prim}; input: {tok.meta['input_form']}")
    click.echo(f"saved to {out}")


def _inspect_records(seq: str, all_records: bool, fmt: str | None):
    """SEQ as (id, sequence) pairs: '-' (stdin), a file (first record or all), or a sequence."""
    import tempfile

    from corpora.readers import read_records

    from .errors import TokenizerError

    def from_file(path):
        recs = read_records(path, format=fmt, check_ids=False, max_nt=MAX_TOKENIZE_NT)
        return [(r.id, r.seq) for r in recs] if all_records else [(r.id, r.seq) for r in [next(recs)]]

    if seq == "-":
        text = click.get_text_stream("stdin").read()
        if not text.strip():
            raise TokenizerError("stdin: no sequence given (expected a sequence or a FASTA/FASTQ record)")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "stdin.txt"
            path.write_text(text)
            return from_file(path)
    if Path(seq).is_file():
        return from_file(Path(seq))
    if any(c in seq for c in "/\\.") or Path(seq).suffix:
        raise click.BadParameter(f"{seq}: no such file (SEQ is a sequence, a file or - for stdin)",
                                 param_hint="SEQ")
    return [(None, seq)]


@cli.command()
@click.argument("seq")
@click.option("--tokenizer", "-t", "tok_dir", required=True, type=INPUT_DIR,
              help="Tokenizer directory (from 'tokenizer-lab train').")
@click.option("--max-length", type=click.IntRange(min=2), default=None,
              help="Pad to / truncate at this many ids, [CLS] and [SEP] included.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--all", "all_records", is_flag=True, help="Every record of a file, not just the first.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Format of a SEQ file. [default: from the content]")
@click.option("--structure/--no-structure", "show_structure", default=None,
              help="Show the MFE dot-bracket, bpRNA elements and hairpin units under the tokens. "
                   "[default: for struct-* tokenizers]")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Draw the folded structure coloured by token to this .png/.svg/.pdf "
                   "(with --all: NAME-1.png, NAME-2.png, ...).")
def inspect(seq, tok_dir, max_length, as_json, all_records, fmt, show_structure, plot_path):
    """Show how a sequence becomes model input.

    SEQ is a sequence, a file, or - for stdin.
    """
    import json

    from .artifact import load_tokenizer
    from .inspect import inspect_sequence, render_text

    if plot_path is not None and Path(plot_path).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise click.BadParameter(f"{plot_path!r} must end in .png, .svg or .pdf", param_hint="--plot")
    tok = load_tokenizer(tok_dir)
    records = _inspect_records(seq, all_records, fmt)
    tracks = {}
    if show_structure is not False:
        from .structure.view import is_structure_aware, structure_tracks
        if show_structure or is_structure_aware(tok):
            tracks = {i: structure_tracks(tok, s) for i, (_, s) in enumerate(records)}
    views = [inspect_sequence(tok, s, max_length, id=rid, tracks=tracks.get(i))
             for i, (rid, s) in enumerate(records)]
    if plot_path is not None:
        from .structure.view import plot_tokenizer
        out = Path(plot_path)
        for i, (_, s) in enumerate(records):
            path = out if len(records) == 1 else out.with_name(f"{out.stem}-{i + 1}{out.suffix}")
            plot_tokenizer(tok, s, path)
            log.info("drew %s", path)
    if as_json:  # the warning is in the JSON, and on stderr
        for v in views:
            if v.warning:
                log.warning("%s%s", f"{v.id}: " if v.id else "", v.warning)
        data = [v.to_dict() for v in views]
        click.echo(json.dumps(data if all_records else data[0], indent=2))
        return
    color = click.get_text_stream("stdout").isatty()
    style = click.style if color else (lambda text, **_: text)
    click.echo("\n\n".join(render_text(v, style) for v in views), color=color)


@cli.command()
@click.argument("corpus", type=INPUT_FILE)
@click.option("--tokenizer", "-t", "tok_dirs", required=True, multiple=True, type=INPUT_DIR,
              help="Tokenizer directory; repeat to compare several side by side.")
@click.option("--motifs", "motif_file", type=INPUT_FILE, default=None,
              help="Motif strings, one per line, located in each read by exact search "
                   "(e.g. raptgen-sim/multiple_motifs.txt). [default: the records' own "
                   "motif annotation, if any]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@dataclass_options(ReadOptions, only=("format", "seq_column", "iupac"), params={"format": "fmt"})
@click.option("--structure/--no-structure", default=True, show_default=True,
              help="Fold the reads (ViennaRNA MFE, cached) and score token boundaries against "
                   "structure elements: boundary P/R/F1, crossing rate, hairpin-loop and "
                   "hairpin-unit capture.")
def stats(corpus, tok_dirs, motif_file, as_json, fmt, seq_column, iupac, structure):
    """Compare tokenizers by intrinsic measures.

    Measures of one or more tokenizers on CORPUS, side by side.
    """
    import json

    from .artifact import load_tokenizer
    from .stats_report import compare_tokenizers, render_table

    toks = [(d, load_tokenizer(d)) for d in tok_dirs]
    report = compare_tokenizers(corpus, toks, motif_file=motif_file, fmt=fmt,
                                seq_column=seq_column, structure=structure, iupac=iupac)
    click.echo(json.dumps(report, indent=2) if as_json else render_table(report))


@cli.command()
@click.argument("corpus", nargs=-1, required=True, type=INPUT_FILE)
@dataclass_options(TokenizerSpec, only=("alphabet", "fold_temperature"), override={
    "alphabet": {"help": "Energy set: RNA (Turner 2004) or DNA (Mathews 2004), as `train --alphabet`."},
    "fold_temperature": {"help": "ViennaRNA folding temperature in C, as `train --fold-temperature`."}})
@click.option("--backend", type=click.Choice(BACKENDS), default="local", show_default=True,
              help="Fold on this machine's cores, or on a Ray cluster.")
@click.option("--ray-address", default=None,
              help="Ray cluster: auto, HOST:6379 or ray://HOST:10001. [default: a local Ray instance]")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local processes (--backend local). [default: every core]")
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="Also write id, sequence, structure, mfe as TSV (atomically).")
@dataclass_options(ReadOptions, only=("format", "seq_column"), params={"format": "fmt"})
def fold(corpus, alphabet, fold_temperature, backend, ray_address, workers, out, fmt, seq_column):
    """Fold every read of CORPUS into the cache.

    The fold cache is $LAB_FOLD_CACHE; folding runs here or on Ray. Structure-aware tokenizers trained or applied later with the same --alphabet and
    --fold-temperature then read their folds from the cache.
    """
    from .structure.corpus_fold import fold_corpus
    from .structure.fold import FoldParams
    from .structure.reads import disk_cache

    params = make_config(FoldParams, material=alphabet, temperature=fold_temperature)
    cache = disk_cache()
    if cache is None and out is None:
        raise click.UsageError("the fold cache is off (LAB_FOLD_CACHE); give --out to keep the folds")
    s = fold_corpus([Path(p) for p in corpus], params, cache=cache, out=out, workers=workers,
                    read_options=ReadOptions(format=fmt, seq_column=seq_column, alphabet=alphabet,
                                             max_nt=MAX_FOLD_NT),
                    backend=backend, ray_address=ray_address)
    where = f"; cache {s['cache']}: {s['new_folds']} new, {s['cache_size']} in all" if cache else ""
    click.echo(f"folded {s['reads']} reads ({s['distinct']} distinct) with {backend}{where}"
               + (f"; wrote {out}" if out else ""))


def main(args=None) -> None:
    run_cli(cli, "tokenizer-lab", args)


if __name__ == "__main__":
    main()
