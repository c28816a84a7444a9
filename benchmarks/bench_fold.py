"""Time folding of simulated reads: ViennaRNA in a plain loop, then our fold_many
cold (empty cache) on one core and on all cores, then cached (second run).

    .venv/bin/python benchmarks/bench_fold.py [--reads 20000] [--out benchmarks/results]

Writes ``fold.json`` and ``fold.md``. Reads come from ``corpora.simulate`` (rounds 0-3
of the default SELEX library; late rounds hold PCR copies, so fewer distinct strings
than reads) or, with ``--random``, uniform random 79-nt reads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import RNA  # noqa: E402

from labkit.atomic import atomic_write  # noqa: E402
from tokenizer_lab.structure import FoldCache, FoldParams, fold_many  # noqa: E402
from tokenizer_lab.structure.parallel import default_workers  # noqa: E402


def reads(n: int, use_random: bool, seed: int = 0) -> tuple[list[str], str]:
    if not use_random:
        try:
            from corpora.simulate import SelexConfig, simulate
            rounds = 3
            recs = simulate(SelexConfig(seed=seed, rounds=rounds, reads_per_round=-(-n // (rounds + 1))))
            return [r.seq for r in recs[:n]], "corpora.simulate (SELEX, rounds 0-3, 79 nt, DNA)"
        except ImportError:
            pass
    rng = random.Random(seed)
    return ["".join(rng.choice("ACGT") for _ in range(79)) for _ in range(n)], "uniform random 79-nt"


CPU = {}


def timed(fn, name):
    """Wall seconds (returned) and CPU seconds of this process and its workers (in CPU)."""
    def cpu():
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    c, t = cpu(), time.perf_counter()
    out = fn()
    CPU[name] = cpu() - c
    return time.perf_counter() - t, out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reads", type=int, default=20000)
    ap.add_argument("--random", action="store_true")
    ap.add_argument("--material", default="dna", choices=("rna", "dna"))
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = ap.parse_args(argv)
    seqs, source = reads(args.reads, args.random)
    params = FoldParams(material=args.material)
    cores = default_workers()
    md = params.model_details()

    def plain_loop():
        # the reference: what a user writes by hand (params loaded once, every read folded)
        loader = RNA.params_load_DNA_Mathews2004 if args.material == "dna" else RNA.params_load_RNA_Turner2004
        loader()
        try:
            return [RNA.fold_compound(s, md).mfe() for s in seqs]
        finally:
            RNA.params_load_RNA_Turner2004()

    rows = {}
    load_before = os.getloadavg()[0]
    t_loop, ref = timed(plain_loop, "vienna_plain_loop")
    rows["vienna_plain_loop"] = t_loop
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
        t1, serial = timed(lambda: fold_many(seqs, params, cache=FoldCache(d1), workers=1), "cold_1_core")
        rows["cold_1_core"] = t1
        name = f"cold_{cores}_cores"
        tn, par = timed(lambda: fold_many(seqs, params, cache=FoldCache(d2), workers=cores), name)
        rows[name] = tn
        tc, cached = timed(lambda: fold_many(seqs, params, cache=FoldCache(d2), workers=cores), "cached")
        rows["cached"] = tc
        cache_bytes = sum(f.stat().st_size for f in Path(d2).iterdir())
    same = ([r.structure for r in serial] == [r.structure for r in par] == [r.structure for r in cached]
            == [s for s, _ in ref])
    result = {
        "reads": len(seqs), "distinct": len(set(s.upper() for s in seqs)), "source": source,
        "material": args.material, "cores": cores, "vienna": RNA.__version__,
        "python": platform.python_version(), "machine": platform.machine(),
        "cpu_count": os.cpu_count(), "seconds": {k: round(v, 3) for k, v in rows.items()},
        "ratio_to_plain_loop": {k: round(v / t_loop, 4) for k, v in rows.items()},
        "cpu_seconds": {k: round(v, 3) for k, v in CPU.items()},
        "reads_per_second": {k: round(len(seqs) / v, 1) for k, v in rows.items()},
        "cache_bytes": cache_bytes, "structures_identical": same,
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    with atomic_write(args.out / "fold.json") as fh:
        json.dump(result, fh, indent=2)
    lines = [f"# Folding benchmark ({result['reads']:,} reads, {result['distinct']:,} distinct)", "",
             f"Source: {source}; {args.material.upper()} parameters, 37 C; ViennaRNA {RNA.__version__}; "
             f"{cores} cores available (os.cpu_count()={os.cpu_count()}); 1-minute load average "
             f"{result['load_average_1min']['before']} before, {result['load_average_1min']['after']} after "
             "(a shared machine: wall times and the parallel speed-up depend on the idle cores; "
             "CPU seconds show the work done).", "",
             "| run | wall s | reads/s | wall / plain loop | CPU s (all processes) | CPU / plain loop |",
             "|---|---:|---:|---:|---:|---:|"]
    for k, v in rows.items():
        lines.append(f"| {k} | {v:.2f} | {len(seqs) / v:,.0f} | {v / t_loop:.3f} | {CPU[k]:.2f} | "
                     f"{CPU[k] / CPU['vienna_plain_loop']:.3f} |")
    lines += ["", f"Structures identical across runs and to the plain loop: {same}. "
              f"Cache file size: {cache_bytes / 1e6:.1f} MB. The cold runs fold each distinct read "
              "once (PCR copies repeat reads); the plain loop folds every read.", ""]
    with atomic_write(args.out / "fold.md") as fh:
        fh.write("\n".join(lines))
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    main()
