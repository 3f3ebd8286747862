"""Benchmark: CPU seconds of an analysis and of a store read with the cycle collector paused
(`landscape.model.cycle_collection_paused`, as Landscape runs them) and running, alternately.

    .venv/bin/python benchmarks/cycle_collector.py [--entities 10000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

from landscape.analysis import analyse
from landscape.generate import generate
from landscape.model import cycle_collection_paused
from landscape.store.embedded import EmbeddedStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    landscape = generate(args.entities, 10 * args.entities, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder))
        store.write(landscape, replace=True)
        for _ in range(args.rounds):
            for paused in (True, False):
                gc.collect()
                times = []
                for action in (lambda: analyse(landscape, as_of=date(2025, 1, 1)), store.read):
                    start = time.process_time()
                    with cycle_collection_paused() if paused else nullcontext():
                        action()
                    times.append(time.process_time() - start)
                print(f"collector {'paused ' if paused else 'running'}: analyse {times[0]:.2f} s, "
                      f"read {times[1]:.2f} s (CPU)", flush=True)


if __name__ == "__main__":
    main()
