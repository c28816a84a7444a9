"""Why unigram training was slow on short reads, and what the tuned settings cost in quality.

Each configuration trains in a fresh child process (CPU seconds, wall seconds, peak
memory) and is scored on held-out reads with a library-independent Viterbi: piece
scores are renormalised to a distribution over the learned pieces, each held-out read
is segmented into its most likely pieces, and we report nucleotides per token and
bits per nucleotide (-log2 likelihood / nt; uniform random reads need 2.0).

    .venv/bin/python benchmarks/unigram_speed.py random:100000:512:spm-tuned tgm2:34000:512:spm-default ...

A case is ``DATA:READS:VOCAB:CONFIG`` with DATA ``random`` (uniform 40-nt reads, seed 0;
held out: 5,000 reads, seed 12345) or ``tgm2`` (the TGM2 SELEX reads from the data
mirror, shuffled with seed 0; the last 4,000 held out) and CONFIG one of
:data:`CONFIGS`. Results are printed as JSON lines; benchmarks/results/unigram_speed.md
holds the table measured on the project machine.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

MIRROR = Path(os.environ.get("CORPORA_MIRROR", Path(__file__).resolve().parents[2] / "shared" / "datasets"))
SP_COMMON = dict(model_type="unigram", character_coverage=1.0, add_dummy_prefix=False,
                 split_by_whitespace=False, num_threads=1, minloglevel=2)
CONFIGS = {
    "hf-default": ("hf", {}),
    "hf-short": ("hf", {"max_piece_length": 8, "shrinking_factor": 0.5, "n_sub_iterations": 1}),
    "spm-default": ("spm", {}),
    "spm-seed2k-L8-sub1-s0.5": ("spm", {"seed_sentencepiece_size": 2000, "max_sentencepiece_length": 8,
                                        "num_sub_iterations": 1, "shrinking_factor": 0.5}),
    "spm-seed4k-L8-sub1-s0.5": ("spm", {"seed_sentencepiece_size": 4096, "max_sentencepiece_length": 8,
                                        "num_sub_iterations": 1, "shrinking_factor": 0.5}),
    "spm-seed2k-sub2-s0.5": ("spm", {"seed_sentencepiece_size": 2000, "shrinking_factor": 0.5}),
    "spm-seed2k": ("spm", {"seed_sentencepiece_size": 2000}),
    "spm-tuned": ("spm", {"seed_sentencepiece_size": 2000, "input_sentence_size": 50000,
                          "shuffle_input_sentence": True}),
    "spm-tuned-seed2x": ("spm", {"seed_sentencepiece_size": 8192, "input_sentence_size": 50000,
                                 "shuffle_input_sentence": True}),
    "spm-tuned-seed4x": ("spm", {"seed_sentencepiece_size": 16384, "input_sentence_size": 50000,
                                 "shuffle_input_sentence": True}),
    "lab-api": ("api", {}),
}


def reads(data: str, n: int) -> tuple[list[str], list[str]]:
    """(training reads, held-out reads)."""
    if data == "random":
        def draw(k, seed):
            rng = random.Random(seed)
            return ["".join(rng.choice("ACGU") for _ in range(40)) for _ in range(k)]
        return draw(n, 0), draw(5000, 12345)
    with open(MIRROR / "tgm2-selex" / "datasetC_x_z.csv") as fh:
        rows = [r[0].strip().upper().replace("T", "U") for r in csv.reader(fh)
                if r and set(r[0].strip().upper()) <= set("ACGT")]
    random.Random(0).shuffle(rows)
    return rows[:min(n, len(rows) - 4000)], rows[-4000:]


def train(lib: str, opts: dict, train_reads: list[str], vocab: int) -> list[tuple[str, float]]:
    if lib == "hf":
        from tokenizers import Tokenizer, models, trainers
        tok = Tokenizer(models.Unigram())
        tok.train_from_iterator(train_reads, trainers.UnigramTrainer(
            vocab_size=vocab, show_progress=False, special_tokens=["[UNK]"], unk_token="[UNK]",
            **opts), length=len(train_reads))
        return [tuple(x) for x in json.loads(tok.to_str())["model"]["vocab"]]
    if lib == "spm":
        import sentencepiece as spm
        spm.set_random_generator_seed(0)
        buf = io.BytesIO()
        spm.SentencePieceTrainer.train(sentence_iterator=iter(train_reads), model_writer=buf,
                                       vocab_size=vocab, **{**SP_COMMON, **opts})
        sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
        return [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tokenizer_lab import train_tokenizer
    tok = train_tokenizer(train_reads, algorithm="unigram", vocab_size=vocab, primers="keep",
                          show_progress=False)
    return [tuple(x) for x in json.loads(tok.hf.backend_tokenizer.to_str())["model"]["vocab"]]


def score(pieces: list[tuple[str, float]], held_out: list[str]) -> dict:
    """Viterbi nt/token and bits/nt of held-out reads under the renormalised pieces."""
    ok = {p: s for p, s in pieces if p and not p.startswith(("[", "<")) and s == s}
    z = math.log(sum(math.exp(s) for s in ok.values()))
    lp = {p: s - z for p, s in ok.items()}
    longest = max(map(len, lp))
    ll = ntok = nt = 0
    for s in held_out:
        best, cnt = [0.0] + [-1e18] * len(s), [0] * (len(s) + 1)
        for j in range(1, len(s) + 1):
            for ln in range(1, min(longest, j) + 1):
                v = lp.get(s[j - ln:j])
                if v is not None and best[j - ln] + v > best[j]:
                    best[j], cnt[j] = best[j - ln] + v, cnt[j - ln] + 1
        ll, ntok, nt = ll + best[-1], ntok + cnt[-1], nt + len(s)
    return {"nt_per_token": round(nt / ntok, 4), "bits_per_nt": round(-ll / nt / math.log(2), 4),
            "pieces": len(lp), "longest_piece": longest}


def run_case(case: str) -> dict:
    data, n, vocab, config = case.split(":")
    lib, opts = CONFIGS[config]
    tr, held = reads(data, int(n))
    t0 = time.perf_counter()
    pieces = train(lib, opts, tr, int(vocab))
    wall = time.perf_counter() - t0
    r = resource.getrusage(resource.RUSAGE_SELF)
    return {"case": case, "reads": len(tr), "wall_s": round(wall, 1),
            "cpu_s": round(r.ru_utime + r.ru_stime, 1), "peak_rss_mb": round(r.ru_maxrss / 1024),
            **score(pieces, held)}


def main() -> None:
    if sys.argv[1:2] == ["--case"]:
        print(json.dumps(run_case(sys.argv[2])))
        return
    for case in sys.argv[1:]:
        res = subprocess.run([sys.executable, __file__, "--case", case], capture_output=True, text=True)
        print(res.stdout.strip() or json.dumps({"case": case, "error": res.stderr.strip()[-300:]}),
              flush=True)


if __name__ == "__main__":
    main()
