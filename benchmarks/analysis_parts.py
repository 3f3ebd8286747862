"""Benchmark: CPU seconds of each part of the analysis with a limit, as `analyse` runs them:
the landscape as of the day (with its facts coded), the findings (1,000 of each kind), their
evidence, brokers, clusters and coverage, on a synthetic landscape.

    .venv/bin/python benchmarks/analysis_parts.py [--entities 100000] [--limit 1000] [--repeat 1]

The dataset is generated once into the same folder as `benchmarks/scale.py` uses. With
`PYTHONPATH` set to a checkout of commit 1a4efac (the analysis before python-igraph, which
docs/performance.md compares with), it times that code, which has no evidence part.
"""

from __future__ import annotations

import argparse
import importlib
import tempfile
import time
from datetime import date
from pathlib import Path

from landscape.analysis import findings, gather
from landscape.model import cycle_collection_paused

DAY = date(2025, 1, 1)


def load(folder: Path, entities: int):  # type: ignore[no-untyped-def]
    """The synthetic landscape of `entities` entities, generated into `folder` the first time."""
    try:
        from landscape.io.validate import load_dataset
    except ImportError:  # commit 1a4efac, before landscape.io
        from landscape.validate import load_dataset  # type: ignore[no-redef]
    if not (folder / "relationships.csv").is_file():
        from landscape.io.generate import generate
        from landscape.output.export import write_csv_folder

        write_csv_folder(generate(entities, 10 * entities, seed=1), folder)
    return load_dataset(folder)


def parts(landscape, limit: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """CPU seconds of each part of one analysis of `landscape` keeping `limit` findings a kind."""
    try:
        from landscape.analysis.evidence import Evidence, with_evidence
    except ImportError:  # commit 1a4efac: findings carried no evidence
        Evidence = None  # type: ignore[assignment,misc]
    times: dict[str, float] = {}
    clock = time.process_time()

    def lap(part: str) -> None:
        nonlocal clock
        times[part], clock = time.process_time() - clock, time.process_time()

    current = landscape.as_of(DAY)
    current = current.at_evidence("inferred") if Evidence else current
    facts = gather(current)
    lap("facts")
    found = findings(facts, limit=limit)[0]
    lap("findings")
    if Evidence is not None:
        evidence = Evidence(current, found)
        [with_evidence(finding, current, DAY, 2.0, evidence) for finding in found]
        lap("evidence")
    for part in ("brokers", "clusters", "coverage"):
        # the modules, not the functions of the same names that landscape.analysis exports
        getattr(importlib.import_module(f"landscape.analysis.{part}"), part)(facts)
        lap(part)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="analyses; each part's least CPU counts")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "landscape-scale"))
    args = parser.parse_args()
    landscape = load(Path(args.work) / f"synthetic-{args.entities}", args.entities)
    with cycle_collection_paused():
        runs = [parts(landscape, args.limit) for _ in range(args.repeat)]
    least = {part: min(run[part] for run in runs) for part in runs[0]}
    print(", ".join(f"{part} {seconds:.2f} s" for part, seconds in least.items())
          + f"; in all {min(sum(run.values()) for run in runs):.2f} s (CPU)")


if __name__ == "__main__":
    main()
