"""Which kind of machine is this? Single-thread 512x512 float32 matmul GFLOP/s.

Demo and benchmark times are only comparable between machines of the same speed;
print this figure next to every timing (issue 15: the slower machine of this kind
reaches about 30 GFLOP/s, the faster one about 70).

    PYTHONPATH=. .venv/bin/python benchmarks/matmul_gflops.py   # prints e.g. "62.3 GFLOP/s ..."
    .venv/bin/python benchmarks/matmul_gflops.py --json     # one JSON object

The best of ``--repeats`` timings of ``--iters`` products is reported (the best is the
least disturbed by other processes on a shared machine), with the load average.
"""

from __future__ import annotations

import argparse
import json
import os

import torch

from classifier.flops import matmul_gflops  # the measurement, written once (classify demo prints it too)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args()
    gf = matmul_gflops()
    load = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps({"matmul_512_fp32_1thread_gflops": round(gf, 1), "load_avg": load,
                          "cpus": os.cpu_count(), "torch": torch.__version__}))
    else:
        print(f"{gf:.1f} GFLOP/s (512x512 float32 matmul, 1 thread; load average "
              f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
