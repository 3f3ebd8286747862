"""Benchmark: CPU seconds of validation, analysis and a store read with Python's cycle
collector paused (`landscape.model.cycle_collection_paused`) as Landscape runs them, and
without it, each way in a fresh process, alternately.

Modes: `paused` (as Landscape runs), `analysis-running` (validation and the store pause it,
the analysis does not), `running` (nothing pauses it).

    .venv/bin/python benchmarks/cycle_collector.py [--entities 10000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

MODES = ("paused", "analysis-running", "running")


def run(mode: str, folder: Path) -> None:
    """Validate the dataset in `folder`, analyse it and read it back from a store, in `mode`."""
    import landscape.analysis
    import landscape.io.validate
    import landscape.store.embedded
    from landscape.analysis import analyse
    from landscape.io.validate import load_dataset
    from landscape.store.embedded import EmbeddedStore

    if mode != "paused":
        landscape.analysis.cycle_collection_paused = nullcontext  # type: ignore[attr-defined]
    if mode == "running":
        landscape.io.validate.cycle_collection_paused = nullcontext  # type: ignore[attr-defined]
        landscape.store.embedded.cycle_collection_paused = nullcontext  # type: ignore[attr-defined]
    times = {}
    start = time.process_time()
    loaded = load_dataset(folder)
    times["validate"] = time.process_time() - start
    start = time.process_time()
    analyse(loaded, as_of=date(2025, 1, 1))
    times["analyse"] = time.process_time() - start
    store = EmbeddedStore(folder / "store")
    store.write(loaded, replace=True)
    start = time.process_time()
    store.read()
    times["read"] = time.process_time() - start
    print(f"{mode:<17}" + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in times.items()) + " (CPU)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        run(args.mode, Path(args.folder))
        return
    from landscape.io.generate import generate
    from landscape.output.export import write_csv_folder

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "dataset"
        write_csv_folder(generate(args.entities, 10 * args.entities, seed=1), folder)
        for _ in range(args.rounds):
            for mode in MODES:
                subprocess.run([sys.executable, __file__, "--mode", mode, "--folder", str(folder)], check=True)


if __name__ == "__main__":
    main()
