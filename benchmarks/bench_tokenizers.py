"""Training and encoding speed of every algorithm: our API against the raw library calls.

Usage::

    .venv/bin/python benchmarks/bench_tokenizers.py --quick      # 100,000 reads only
    .venv/bin/python benchmarks/bench_tokenizers.py              # 100,000 and 1,000,000

Reads are uniform random 40-nt regions (numpy, seed 0), or (``--reads igfbp3,tgm2,alx4,selex-sim``)
real SELEX reads through the data mirror and a simulated late round with PCR copies,
each beside random reads of its own length and count (:data:`SOURCES`). Each case (algorithm x vocab
x reads x api|raw) runs in a fresh child process, so its peak memory (``ru_maxrss``)
is its own. "api" is ``train_tokenizer(reads, TokenizerSpec(...))``, ``LabTokenizer.save``
(timed apart: it counts token frequencies for vocab.txt) and
``LabTokenizer.encode_batch(reads)``; "raw" is the library call with the same settings
(both sides encode 100,000 reads per ``encode_batch`` call, so 1,000,000 reads do not
hold ~8 GB of Encodings at once):

- bpe: ``BpeTrainer`` (min_frequency 2, the four letters as alphabet) on
  ``Tokenizer(BPE)``; wordpiece: HF's own ``WordPieceTrainer`` on ``Tokenizer(WordPiece)``;
- unigram: ``sentencepiece`` unigram with the settings of
  :data:`tokenizer_lab.algorithms.unigram.SETTINGS` (the back end our API uses; its
  read sample is sentencepiece's own ``input_sentence_size``);
- char / kmer: the enumerated vocabulary as a ``WordLevel`` model (k = 4 for vocab
  512, k = 6 for 4096; overlapping k-mers, stride 1), texts k-merized beforehand;

and encoding is ``Tokenizer.encode_batch`` on the texts that tokenizer reads (in the api
case also the api model's own ``encode_batch`` on prepared texts, interleaved with ours,
best of 3: "same model"), with the
same ``[CLS] $A [SEP]`` template (the raw side has no normaliser: its reads are already
upper case). Times are
wall-clock seconds and CPU seconds (user + system; the machine is shared, so CPU time
is the steadier number). Results: benchmarks/results/tokenizers.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ALGORITHMS = ("char", "kmer", "bpe", "wordpiece", "unigram")
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LENGTH = 40


def random_reads(n: int, seed: int = 0, length: int = LENGTH) -> list[str]:
    """n uniform random RNA reads of ``length`` nt (fast: one numpy draw)."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGU", dtype=np.uint8)[rng.integers(0, 4, size=n * length)]
    text = letters.tobytes().decode("ascii")
    return [text[i:i + length] for i in range(0, n * length, length)]


MIRROR = Path(os.environ.get("CORPORA_MIRROR", ROOT.parent / "shared" / "datasets"))
#: Read sources besides random reads (--reads): real SELEX rounds through the data
#: mirror, and a simulated late round; each is compared with random reads of its length.
SOURCES = {
    "igfbp3": "IGFBP3 SELEX round 6 (real, 36 nt): reads drawn with their sequencing counts, "
              "so PCR copies as in the round (13,803 distinct among 1,442,118 reads)",
    "tgm2": "TGM2 SELEX (real, 30 nt): the 38,513 distinct reads, each once (no copies)",
    "alx4": "ALX4 HT-SELEX round 4 (real, 20 nt): 15,000 distinct reads, each once",
    "selex-sim": "simulated round 6 (corpora's SELEX simulator, seed 0, 20,000 reads of the "
                 "round drawn again with replacement up to n): 40-nt random regions, PCR "
                 "copies of the binders",
}


def source_reads(source: str, n: int, seed: int = 0) -> list[str]:
    """``n`` reads of ``source`` (see SOURCES), or all it has when fewer; RNA letters.

    ``random:L`` is ``n`` uniform random reads of L nt."""
    import random as _random

    if source.startswith("random"):
        return random_reads(n, length=int(source.split(":")[1]) if ":" in source else LENGTH)
    if source == "igfbp3":
        rows = [r for r in (MIRROR / "igfbp3-selex" / "datasetA_IGFBP3_P6.csv").read_text().split()[1:]
                if set(r.split(",")[0]) <= set("ACGT")]  # 1 of the 13,803 holds an N
        seqs = [r.split(",")[0].replace("T", "U") for r in rows]
        counts = [int(r.split(",")[1]) for r in rows]
        return _random.Random(seed).choices(seqs, weights=counts, k=n)
    if source == "tgm2":
        rows = (MIRROR / "tgm2-selex" / "datasetC_x_z.csv").read_text().split()
        return [r.split(",")[0].replace("T", "U") for r in rows][:n]
    if source == "alx4":
        rows = (MIRROR / "alx4-htselex" / "ALX4_TGTGTC20NGA_W_4.txt").read_text().split()
        return [r.replace("T", "U") for r in rows][:n]
    if source == "selex-sim":
        from corpora.selex.selex_config import SelexConfig
        from corpora.selex.engine import simulate
        cfg = SelexConfig(seed=seed, rounds=6, reads_per_round=20_000, alphabet="rna")
        a = len(cfg.primer5)
        last = [r.seq[a:a + cfg.random_length] for r in simulate(cfg)
                if str(r.meta.get("round")) == "6"]
        return _random.Random(seed).choices(last, k=n)  # sequenced deeper: more copies
    raise ValueError(f"unknown read source {source!r}; expected random:L or one of {list(SOURCES)}")


CHUNK = 100_000  # encode in chunks: one encode_batch of 1,000,000 reads holds ~8 GB of Encodings


def _chunked(encode, items) -> int:
    """Encode ``items`` CHUNK at a time; return the number of tokens (ids are dropped)."""
    total = 0
    for i in range(0, len(items), CHUNK):
        out = encode(items[i:i + CHUNK])
        total += sum(len(e if isinstance(e, list) else e.ids) for e in out)
    return total


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _k(vocab: int) -> int:
    return 4 if vocab <= 512 else 6


def _kmerize(seq: str, k: int) -> str:
    return " ".join(seq[i:i + k] for i in range(len(seq) - k + 1))


def _raw_train(alg: str, vocab: int, reads: list[str]):
    """(trained tokenizers.Tokenizer, the texts it reads)."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

    letters = list("ACGU")
    if alg in ("char", "kmer"):
        k = 1 if alg == "char" else _k(vocab)
        import itertools
        vocab_map = {t: i for i, t in enumerate(SPECIALS + letters + (
            ["".join(p) for p in itertools.product("ACGU", repeat=k)] if k > 1 else []))}
        tok = Tokenizer(models.WordLevel(vocab_map, unk_token="[UNK]"))
        if k == 1:
            tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
            return tok, reads
        tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        return tok, None  # texts k-merized outside the timed training
    if alg == "bpe":
        tok = Tokenizer(models.BPE(unk_token="[UNK]"))
        trainer = trainers.BpeTrainer(vocab_size=vocab, min_frequency=2, show_progress=False,
                                      special_tokens=SPECIALS, initial_alphabet=letters,
                                      limit_alphabet=4)
        tok.train_from_iterator(reads, trainer, length=len(reads))
        return tok, reads
    if alg == "wordpiece":
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100_000))
        trainer = trainers.WordPieceTrainer(vocab_size=vocab, min_frequency=2, show_progress=False,
                                            special_tokens=SPECIALS, initial_alphabet=letters,
                                            limit_alphabet=4)
        tok.train_from_iterator(reads, trainer, length=len(reads))
        return tok, reads
    if alg == "unigram":
        import io

        import sentencepiece as spm

        from tokenizer_lab.algorithms.unigram import SETTINGS, seed_size

        spm.set_random_generator_seed(0)
        buf = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(reads), model_writer=buf, model_type="unigram",
            vocab_size=vocab - len(SPECIALS) + 1, character_coverage=1.0,
            max_sentencepiece_length=SETTINGS["max_piece_length"], split_by_whitespace=False,
            add_dummy_prefix=False, hard_vocab_limit=False, max_sentence_length=1 << 20,
            shrinking_factor=SETTINGS["shrinking_factor"],
            num_sub_iterations=SETTINGS["n_sub_iterations"],
            seed_sentencepiece_size=seed_size(vocab - len(SPECIALS)),
            num_threads=SETTINGS["num_threads"], input_sentence_size=SETTINGS["max_sentences"],
            shuffle_input_sentence=True,
            unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2)
        sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
        pieces = [(t, 0.0) for t in SPECIALS] + [
            (sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())
            if not sp.is_unknown(i)]
        return Tokenizer(models.Unigram(pieces, unk_id=1, byte_fallback=False)), reads
    raise ValueError(alg)


def _with_template(tok):
    """The [CLS] ... [SEP] template our tokenizers have, so both sides emit the same ids."""
    from tokenizers import processors

    vocab = tok.get_vocab()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return tok


def run_case(case: dict) -> dict:
    """One measurement, in this process: train, then encode every read."""
    sys.path.insert(0, str(ROOT))
    alg, vocab, n = case["alg"], case["vocab"], case["n"]
    reads = source_reads(case.get("reads", "random"), n)
    out = dict(case, distinct=len(set(reads)), length=len(reads[0]))
    n = out["n"] = len(reads)
    if case["mode"] == "api":
        from tokenizer_lab import TokenizerSpec, train_tokenizer

        spec = TokenizerSpec(algorithm=alg, vocab_size=vocab, k=_k(vocab) if alg == "kmer" else 3,
                             stride=1, seed=0)
        t0, c0 = time.perf_counter(), _cpu()
        tok = train_tokenizer(reads, spec, show_progress=False)
        out["train_s"], out["train_cpu_s"] = time.perf_counter() - t0, _cpu() - c0
        out["vocab_size"] = tok.vocab_size
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:  # save counts vocab.txt frequencies
            t0, c0 = time.perf_counter(), _cpu()
            tok.save(Path(tmp) / "tok")
            out["save_s"], out["save_cpu_s"] = time.perf_counter() - t0, _cpu() - c0
        # the same model's raw encode_batch on the texts it reads (made beforehand),
        # interleaved with ours in this process, best of `reps`: the API's own overhead
        backend = tok.hf.backend_tokenizer
        texts = [tok.prepare(r) for r in reads]
        reps = 3 if n <= 100_000 else 1
        best = {"api": (1e18, 0.0), "raw": (1e18, 0.0)}
        for _ in range(reps):
            for side in ("api", "raw"):
                t0, c0 = time.perf_counter(), _cpu()
                if side == "api":
                    n_tokens = _chunked(tok.encode_batch, reads)
                else:
                    _chunked(backend.encode_batch, texts)
                best[side] = min(best[side], (time.perf_counter() - t0, _cpu() - c0))
        out["encode_s"], out["encode_cpu_s"] = best["api"]
        out["same_model_raw_encode_s"], out["same_model_raw_encode_cpu_s"] = best["raw"]
        out["encode_reads_per_s"] = n / out["encode_s"]
        out["tokens_per_read"] = n_tokens / n
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out
    else:
        t0, c0 = time.perf_counter(), _cpu()
        tok, texts = _raw_train(alg, vocab, reads)
        out["train_s"], out["train_cpu_s"] = time.perf_counter() - t0, _cpu() - c0
        tok = _with_template(tok)
        out["vocab_size"] = tok.get_vocab_size()
        if texts is None:  # overlapping k-mers: the text HF reads is made beforehand
            texts = [_kmerize(r, _k(vocab)) for r in reads]
        t0, c0 = time.perf_counter(), _cpu()
        n_tokens = _chunked(tok.encode_batch, texts)
    out["encode_s"], out["encode_cpu_s"] = time.perf_counter() - t0, _cpu() - c0
    out["encode_reads_per_s"] = n / out["encode_s"]
    out["tokens_per_read"] = n_tokens / n
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _child(case: dict, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--case", json.dumps(case)]
    env = dict(os.environ, LAB_NO_PROGRESS="1", TOKENIZERS_PARALLELISM="true")
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return dict(case, error=f"timed out after {timeout:.0f} s")
    if res.returncode != 0:
        return dict(case, error=res.stderr.strip().splitlines()[-1] if res.stderr else "failed")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _fmt(x, digits=1):
    return "" if x is None else f"{x:.{digits}f}"


def write_report(rows: list[dict], out_dir: Path, machine: str, name: str = "tokenizers") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    by = {(r["alg"], r["vocab"], r["n"], r["mode"], r.get("reads", "random")): r for r in rows}
    table = []
    for (alg, vocab, n, mode, source), r in by.items():
        if mode != "api":
            continue
        raw = by.get((alg, vocab, n, "raw", source), {})
        row = {"algorithm": alg, "vocab": vocab, "reads": n, "source": source,
               "distinct": r.get("distinct"), "length": r.get("length")}
        for side, rr in (("api", r), ("raw", raw)):
            for key in ("train_s", "train_cpu_s", "save_s", "save_cpu_s", "encode_s", "encode_cpu_s",
                        "encode_reads_per_s", "peak_rss_mb",
                        "vocab_size", "tokens_per_read", "error"):
                if key in rr:
                    row[f"{side}_{key}"] = rr[key]
        for key in ("train_s", "train_cpu_s", "encode_s", "encode_cpu_s"):
            a, b = r.get(key), raw.get(key)
            row[f"ratio_{key}"] = a / b if a and b else None
        for key in ("encode_s", "encode_cpu_s"):
            a, b = r.get(key), r.get(f"same_model_raw_{key}")
            row[f"ratio_same_model_{key}"] = a / b if a and b else None
        table.append(row)
    (out_dir / f"{name}.json").write_text(json.dumps(
        {"machine": machine, "command": " ".join(sys.argv), "read_length": LENGTH,
         "sources": SOURCES, "rows": table}, indent=2) + "\n")
    if any(r["source"] != "random" for r in table):
        _write_source_table(table, out_dir, machine, name)
        return
    lines = ["# Tokenizer training and encoding: our API vs the raw library calls\n",
             f"{machine}. Uniform random {LENGTH}-nt reads (seed 0). Train: wall s (CPU s). "
             "Encode: reads/s of `encode_batch` over all the reads. Ratio: api / raw "
             "(wall; CPU in brackets). Peak RSS of each case's own process.\n",
             "`api save` is `LabTokenizer.save` (tokenizer files, lab.json, and vocab.txt, whose "
             "token counts take one encoding pass over the corpus); raw has no equivalent.\n",
             "| algorithm | vocab | reads | api train s (cpu) | raw train s (cpu) | train ratio (cpu) "
             "| api save s (cpu) "
             "| api encode reads/s | raw encode reads/s | encode ratio (cpu) | encode ratio, same model (cpu) "
             "| api / raw peak MB | tokens/read |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in table:
        err = r.get("api_error") or r.get("raw_error")
        if "raw_train_s" not in r and not err:
            continue  # raw case not run yet
        if err:
            lines.append(f"| {r['algorithm']} | {r['vocab']} | {r['reads']} | {err} |||||||||||")
            continue
        lines.append(
            f"| {r['algorithm']} | {r['vocab']} | {r['reads']:,} | {_fmt(r['api_train_s'])} "
            f"({_fmt(r['api_train_cpu_s'])}) | {_fmt(r['raw_train_s'])} ({_fmt(r['raw_train_cpu_s'])}) "
            f"| {_fmt(r['ratio_train_s'], 2)} ({_fmt(r['ratio_train_cpu_s'], 2)}) "
            f"| {_fmt(r.get('api_save_s'))} ({_fmt(r.get('api_save_cpu_s'))}) "
            f"| {r['api_encode_reads_per_s']:,.0f} | {r['raw_encode_reads_per_s']:,.0f} "
            f"| {_fmt(r['ratio_encode_s'], 2)} ({_fmt(r['ratio_encode_cpu_s'], 2)}) "
            f"| {_fmt(r['ratio_same_model_encode_s'], 2)} ({_fmt(r['ratio_same_model_encode_cpu_s'], 2)}) "
            f"| {r['api_peak_rss_mb']:.0f} / {r['raw_peak_rss_mb']:.0f} "
            f"| {r['api_tokens_per_read']:.1f} / {r['raw_tokens_per_read']:.1f} |")
    (out_dir / f"{name}.md").write_text("\n".join(lines) + "\n")


def _write_source_table(table: list[dict], out_dir: Path, machine: str, name: str) -> None:
    """Real and simulated SELEX reads next to random reads of the same count and length."""
    lines = [f"# Tokenizer training on SELEX reads vs random reads\n",
             f"{machine}. Command: `{' '.join(sys.argv)}`. CPU s = user + system of the case's "
             "own process (training only). Ratio: this source / random reads of the same "
             "count and length, same algorithm and vocabulary, same run.\n",
             *[f"- `{k}`: {v}" for k, v in SOURCES.items()], "",
             "| algorithm | vocab | source | reads | distinct | nt | api train CPU s | raw train CPU s "
             "| api CPU ratio to random | raw CPU ratio to random | api tokens/read |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    rnd = {(r["algorithm"], r["vocab"], r["reads"], r["length"]): r for r in table
           if r["source"].startswith("random")}
    for r in table:
        if r.get("api_error") or r.get("raw_error"):
            lines.append(f"| {r['algorithm']} | {r['vocab']} | {r['source']} | "
                         f"{r.get('api_error') or r.get('raw_error')} |||||||")
            continue
        base = rnd.get((r["algorithm"], r["vocab"], r["reads"], r["length"]), {})

        def ratio(side):
            a, b = r.get(f"{side}_train_cpu_s"), base.get(f"{side}_train_cpu_s")
            return _fmt(a / b, 2) if a and b and base is not r else ""
        lines.append(f"| {r['algorithm']} | {r['vocab']} | {r['source']} | {r['reads']:,} | "
                     f"{r['distinct']:,} | {r['length']} | {_fmt(r.get('api_train_cpu_s'))} | "
                     f"{_fmt(r.get('raw_train_cpu_s'))} | {ratio('api')} | {ratio('raw')} | "
                     f"{_fmt(r.get('api_tokens_per_read'), 2)} |")
    (out_dir / f"{name}.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100,000 reads only")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--algorithms", default=",".join(ALGORITHMS))
    ap.add_argument("--vocabs", default="512,4096")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per case")
    ap.add_argument("--sizes", default=None, help="read counts, e.g. 1000000 [default: "
                    "100000,1000000; --quick: 100000]")
    ap.add_argument("--name", default="tokenizers", help="results file name (.json and .md)")
    ap.add_argument("--reads", default="random", help="read sources, e.g. igfbp3,tgm2,selex-sim "
                    "(each with random reads of its length and count beside it); "
                    f"sources: random, {', '.join(SOURCES)}")
    ap.add_argument("--modes", default="api,raw", help="api, raw or both")
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(json.loads(args.case))))
        return
    sizes = [100_000] if args.quick else [100_000, 1_000_000]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",")]
    machine = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start"
    rows = []
    sources = args.reads.split(",")
    if sources != ["random"]:  # each source beside random reads of its own length and count
        paired = []
        for src in sources:
            for n in sizes:
                reads = source_reads(src, n)
                paired += [(src, len(reads)), (f"random:{len(reads[0])}", len(reads))]
    else:
        paired = [("random", n) for n in sizes]
    for src, n in paired:
        for alg in args.algorithms.split(","):
            for vocab in map(int, args.vocabs.split(",")):
                for mode in args.modes.split(","):
                    r = _child({"alg": alg, "vocab": vocab, "n": n, "mode": mode, "reads": src},
                               args.timeout)
                    rows.append(r)
                    print(json.dumps(r), flush=True)
                    write_report(rows, args.out, machine, args.name)


if __name__ == "__main__":
    main()
