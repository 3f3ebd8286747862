"""Benchmark: CPU seconds of each part of the analysis (findings with a limit, brokers,
clusters, coverage) on a synthetic landscape, as `analyse` runs them.

    .venv/bin/python benchmarks/analysis_parts.py [--entities 100000] [--limit 1000]

The dataset is generated once into the same folder as `benchmarks/scale.py` uses.
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
import time
from datetime import date
from pathlib import Path

from landscape.analysis import findings, gather
from landscape.io.validate import load_dataset
from landscape.model import cycle_collection_paused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "landscape-scale"))
    args = parser.parse_args()
    folder = Path(args.work) / f"synthetic-{args.entities}"
    if not (folder / "relationships.csv").is_file():
        from landscape.io.generate import generate
        from landscape.output.export import write_csv_folder

        write_csv_folder(generate(args.entities, 10 * args.entities, seed=1), folder)
    landscape = load_dataset(folder)
    times = {}
    with cycle_collection_paused():
        facts = gather(landscape.as_of(date(2025, 1, 1)))
        start = time.process_time()
        findings(facts, limit=args.limit)
        times["findings"] = time.process_time() - start
        for part in ("brokers", "clusters", "coverage"):
            # the modules, not the functions of the same names that landscape.analysis exports
            function = getattr(importlib.import_module(f"landscape.analysis.{part}"), part)
            start = time.process_time()
            function(facts)
            times[part] = time.process_time() - start
    print(", ".join(f"{part} {seconds:.2f} s" for part, seconds in times.items()) + " (CPU)")


if __name__ == "__main__":
    main()
