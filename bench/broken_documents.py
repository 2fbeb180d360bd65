#!/usr/bin/env python3
"""Speed of a file of many broken YAML documents (`---\\n@\\n` repeated, issue 17) through `k8slint lint`,
`fix` and `report` as a user runs them, each with the findings it prints.

    python bench/broken_documents.py [--count 300000] [--runs 3]

Run from the checkout to measure. Prints the median wall and CPU seconds, peak memory and output size per
command; the CPU figure is the one to compare on a busy machine."""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {"lint": ["lint"], "fix": ["fix"], "report": ["report", "--from", "1.28", "--to", "1.30"]}


def run(args: list, path: str) -> tuple:
    """(wall seconds, CPU seconds, peak KB, bytes printed) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "k8slint", *args, path], capture_output=True,
                          env={**os.environ, "K8SLINT_NO_CACHE": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss, len(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "broken.yaml")
        with open(path, "w") as fh:
            fh.write("---\n@\n" * options.count)
        for name, args in COMMANDS.items():
            runs = [run(args, path) for _ in range(options.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"{name:7} wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak {max(r[2] for r in runs) / 1024:7.1f} MB  "
                  f"output {runs[0][3]:,} bytes")


if __name__ == "__main__":
    main()
