#!/usr/bin/env python3
"""What the API-server checks (SRV rules) cost: their one walk per object against the whole lint of a corpus,
in one process, CPU seconds, so that the figure holds on a busy machine where paired CLI runs drift.

    python bench/srv_cost.py CORPUS_DIR [-k 1.30] [--repeat 3]

CORPUS_DIR: e.g. the 10,000-resource corpus of ../shared/bench/make_corpus.py. Prints the median CPU time of
the SRV walk over every object, of `check_file` (read, parse, every rule with --strict) over every file, and
the ratio of the lint with the walk to the lint without it. Not a test: run it by hand and quote it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from k8slint.apiserver.registry import _RUNNER  # noqa: E402
from k8slint.engine import Linter, LintOptions  # noqa: E402
from k8slint.loader import load_text  # noqa: E402
from k8slint.versions import resolve  # noqa: E402


class _Context:
    def __init__(self, target):
        self.target = target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("-k", "--kube-version", default="1.30")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    texts = [(p.read_text(encoding="utf-8"), str(p)) for p in files]
    target = resolve(args.kube_version)
    resources = [r for text, name in texts for r in load_text(text, name).resources]
    linter = Linter(LintOptions(target=target, strict=True))
    for text, name in texts[:50]:  # warm the schema and rule caches once
        linter.check_file(load_text(text, name))
    context = _Context(target)
    walks, lints = [], []
    for _ in range(args.repeat):
        start = time.process_time()
        for resource in resources:
            _RUNNER.run(resource, context)
        walks.append(time.process_time() - start)
        start = time.process_time()
        for text, name in texts:
            linter.check_file(load_text(text, name))
        lints.append(time.process_time() - start)
    walk, lint = statistics.median(walks), statistics.median(lints)
    print(f"{len(resources):,} objects in {len(files):,} files, -k {args.kube_version}, median of {args.repeat}: "
          f"SRV walk {walk:.2f} s CPU, whole lint {lint:.2f} s CPU ({walk / lint:.1%}); "
          f"lint with / without the SRV walk: {lint / (lint - walk):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
