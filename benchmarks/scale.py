"""Benchmark: every stage of Landscape at 1k, 10k and 100k entities, and how each grows.

For each size a synthetic dataset is generated (10 relationships per entity; about
1M at 100k), then timed: pandas parsing both CSVs (the yardstick), validate, load
into the embedded store and read it back, the same with the Neo4j store that NEO4J_URI
names (skipped without it), analyse, map, report and export (csv, json, xlsx, cypher),
and `landscape analyse --format json` end to end (with and without `--limit`). Then
the London end-to-end `landscape report` is timed against the bare import of the
third-party packages (`london_report`). Targets (from the scale issue):

- analyse at 100k within 3x the pandas parse;
- London `landscape report` within 1.5x the bare import of its dependencies.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--work DIR]
        [--stages validate,load,...] [--repeat 3]

Run on demand; figures go to standard output. Datasets are cached in --work.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from landscape.errors import LandscapeError
from landscape.model import Landscape

STAGES = ("parse", "validate", "load", "read", "load-neo4j", "read-neo4j", "analyse", "analyse-top", "analyse-cli",
          "analyse-cli-top", "map", "report", "export-csv", "export-json", "export-xlsx", "export-cypher")
DAY = date(2025, 1, 1)
TOP = 1000  # findings kept per kind by the analyse-top stage


def dataset(work: Path, entities: int) -> Path:
    """The synthetic dataset of `entities` entities, generated once into `work`."""
    folder = work / f"synthetic-{entities}"
    if not (folder / "relationships.csv").is_file():
        from landscape.io.generate import generate
        from landscape.output.export import write_csv_folder

        # force: over a half-made folder that an older Landscape left when a run was killed
        write_csv_folder(generate(entities, 10 * entities, seed=1), folder, force=True)
    return folder


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and the commands it has run (user and system)."""
    import resource

    return sum(usage.ru_utime + usage.ru_stime
               for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def timed(action: Callable[[], Any]) -> tuple[float, str]:
    """Seconds `action` took, and a note: its outcome (or why it was refused), and the CPU
    seconds it used, which other work on a shared machine disturbs less than the elapsed time.
    What earlier stages left for the cycle collector is collected first: a command starts a
    fresh process, with none of it."""
    gc.collect()
    start, cpu = time.perf_counter(), cpu_seconds()
    try:
        note = action()
    except LandscapeError as error:
        note = "refused: " + str(error).splitlines()[0][:70]
    seconds, used = time.perf_counter() - start, cpu_seconds() - cpu
    return seconds, ("" if note is None else str(note)) + f" (CPU {used:.2f} s)"


def stage_actions(folder: Path, out: Path) -> dict[str, Callable[[], Any]]:
    """Each stage as a function; later stages use what `validate` built."""
    from landscape.analysis import analyse
    from landscape.store.embedded import EmbeddedStore

    try:
        from landscape.io.validate import load_dataset
        from landscape.output.export import export
    except ImportError:  # commit 1a4efac (before landscape.io and .output), which docs/performance.md times
        from landscape.export import export  # type: ignore[no-redef]
        from landscape.validate import load_dataset  # type: ignore[no-redef]

    held: dict[str, Landscape] = {}
    store = EmbeddedStore(out / "store")

    def parse() -> str:
        frames = [pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
                  for name in ("entities", "relationships")]
        return f"{sum(len(frame) for frame in frames)} rows"

    def validate() -> str:
        held["landscape"] = load_dataset(folder)
        return f"{len(held['landscape'].relationships)} relationships"

    def analysed(limit: int | None = None) -> str:
        return f"{len(analyse(held['landscape'], as_of=DAY, limit=limit)['findings'])} findings"

    def command_line(limit: int | None = None) -> str:
        """`landscape analyse DATASET --format json -o FILE`, end to end in a fresh process."""
        written = out / "findings.json"
        command = [str(Path(sys.executable).with_name("landscape")), "analyse", str(folder),
                   "--as-of", DAY.isoformat(), "--format", "json", "-o", str(written)]
        subprocess.run(command + (["--limit", str(limit)] if limit else []), check=True,
                       capture_output=True)
        return f"{written.stat().st_size // 1_000_000} MB of JSON"

    def in_neo4j(action: Callable[[Any], Any]) -> Any:
        """`action(store)` on the Neo4j store that NEO4J_URI names (its landscape is replaced)."""
        if not os.environ.get("NEO4J_URI"):
            return "skipped: set NEO4J_URI and NEO4J_PASSWORD to time a Neo4j store"
        from landscape.store import open_store

        with open_store(os.environ["NEO4J_URI"]) as graph:
            return action(graph)

    def drawn(report: bool) -> str:
        from viz.map import DRAW_LIMIT, MapOptions, render_map
        from viz.report import render_report

        landscape = held["landscape"]
        if report:
            return f"{len(render_report(landscape, DAY)) // 1000} kB"
        focus = next(iter(landscape.as_of(DAY).entities)) if len(landscape) > DRAW_LIMIT else None
        html = render_map(landscape, DAY, MapOptions(focus=focus, depth=1))
        return f"{len(html) // 1000} kB" + (" (focused)" if focus else "")

    return {
        "parse": parse,
        "validate": validate,
        "load": lambda: store.write(held["landscape"], replace=True),
        "read": lambda: len(store.read()),
        "load-neo4j": lambda: in_neo4j(lambda graph: graph.write(held["landscape"], replace=True)),
        "read-neo4j": lambda: in_neo4j(lambda graph: len(graph.read())),
        "analyse": analysed,
        "analyse-top": lambda: analysed(limit=TOP),  # `landscape analyse --limit`
        "analyse-cli": command_line,
        "analyse-cli-top": lambda: command_line(limit=TOP),
        "map": lambda: drawn(report=False),
        "report": lambda: drawn(report=True),
        "export-csv": lambda: export(held["landscape"], "csv", str(out / "csv")),
        "export-json": lambda: export(held["landscape"], "json", str(out / "landscape.json")),
        "export-xlsx": lambda: export(held["landscape"], "xlsx", str(out / "landscape.xlsx")),
        "export-cypher": lambda: export(held["landscape"], "cypher", str(out / "landscape.cypher")),
    }


def run_size(work: Path, entities: int, stages: list[str], repeat: int = 1) -> dict[str, tuple[float, str]]:
    """Each stage's best time of `repeat` runs (the machine may be shared), and its note."""
    folder = dataset(work, entities)
    results = {}
    with tempfile.TemporaryDirectory(dir=work) as out:
        actions = stage_actions(folder, Path(out))
        for stage in ["validate"] + [s for s in stages if s != "validate"]:
            results[stage] = min(timed(actions[stage]) for _ in range(repeat))
            seconds, note = results[stage]
            print(f"  {entities:>7} {stage:<12} {seconds:8.2f} s  {note}", flush=True)
    return results


def growth(results: dict[int, dict[str, tuple[float, str]]], stage: str) -> str:
    """The exponent k in time ∝ size^k between the smallest and largest size (1 = linear)."""
    sizes = sorted(size for size in results if stage in results[size])
    if len(sizes) < 2:
        return ""
    first, last = results[sizes[0]][stage][0], results[sizes[-1]][stage][0]
    if first <= 0 or last <= 0:
        return ""
    return f"{math.log(last / first) / math.log(sizes[-1] / sizes[0]):.2f}"


def command_seconds(code: str, repeat: int = 5) -> tuple[float, float]:
    """The best of `repeat` runs of `python -c code` in a fresh interpreter: elapsed seconds, and
    CPU seconds (which other work on a shared machine disturbs less)."""
    best, best_cpu = math.inf, math.inf
    for _ in range(repeat):
        start, cpu = time.perf_counter(), cpu_seconds()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, cpu_seconds() - cpu)
    return best, best_cpu


def declared_packages() -> list[str]:
    """The top-level modules of the packages Landscape declares it needs (pyproject's dependencies)."""
    import importlib.metadata as metadata
    import re

    wanted = {re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")
              for requirement in metadata.requires("landscape") or [] if "extra ==" not in requirement}
    return sorted(module for module, distributions in metadata.packages_distributions().items()
                  if module.isidentifier() and not module.startswith("_")
                  and any(name.lower().replace("_", "-") in wanted for name in distributions))


def compile_landscape() -> None:
    """Landscape's own modules compiled to bytecode, as pip compiles an installed package's (and
    has the third-party packages'): where PYTHONDONTWRITEBYTECODE is set, as on the development
    machine, each run would otherwise compile them again (about 0.15 CPU seconds), and the
    imports it is measured against compile nothing."""
    import compileall
    import importlib

    for name in ("cli", "landscape", "viz", "graph_data"):
        module = importlib.import_module(name)
        for place in getattr(module, "__path__", [module.__file__]):
            if Path(place).is_dir():
                compileall.compile_dir(place, quiet=1)
            else:
                compileall.compile_file(place, quiet=1)


def london_report(work: Path) -> None:
    """The London `landscape report` end to end against importing the third-party code: every
    package Landscape declares, the packages the report loads by name (`import scipy` loads
    little of SciPy), and every public module of theirs it loads. Landscape's modules are
    compiled first (see `compile_landscape`)."""
    compile_landscape()
    output = work / "london-report.html"
    run = (f"import sys; sys.argv = ['landscape', 'report', 'london', '-o', {str(output)!r}]\n"
           "import cli\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n")
    listing = run + ("import json\nfirst = {'cli', 'landscape', 'viz', 'graph_data'}\n"
                     "print(json.dumps(sorted(m for m, module in list(sys.modules.items())"
                     " if 'site-packages' in str(getattr(module, '__file__', '')) and m.split('.')[0] not in first"
                     " and not any(part.startswith('_') for part in m.split('.')))))")
    found = subprocess.run([sys.executable, "-c", listing], check=True, capture_output=True, text=True)
    modules = json.loads(found.stdout.strip().splitlines()[-1])
    packages = sorted({module.split(".")[0] for module in modules})
    declared = declared_packages()
    (everything, _), (by_name, _) = (command_seconds("import " + ", ".join(names) if names else "pass")
                                     for names in (declared, packages))
    loaded, loaded_cpu = command_seconds("import " + ", ".join(modules) if modules else "pass")
    whole, whole_cpu = command_seconds(run)
    print(f"\nLondon report end to end: {whole:.2f} s; bare import of every declared dependency "
          f"({', '.join(declared)}): {everything:.2f} s (ratio {whole / everything:.2f}); of those it loads, "
          f"{', '.join(packages)}: {by_name:.2f} s (ratio {whole / by_name:.2f}); of the {len(modules)} public "
          f"modules of theirs it loads: {loaded:.2f} s (ratio {whole / loaded:.2f}; in CPU seconds "
          f"{whole_cpu:.2f} / {loaded_cpu:.2f} = {whole_cpu / loaded_cpu:.2f}); target ≤ 1.5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "landscape-scale"))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each stage; the best counts")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    stages = [stage for stage in args.stages.split(",") if stage]
    results = {}
    for size in (int(text) for text in args.sizes.split(",")):
        results[size] = run_size(work, size, stages, args.repeat)
    sizes = sorted(results)
    print("\nstage         " + "".join(f"{size:>10}" for size in sizes) + "   growth (time ∝ n^k)")
    for stage in ["validate"] + [s for s in stages if s != "validate"]:
        cells = "".join(f"{results[size][stage][0]:>9.2f}s" for size in sizes)
        print(f"{stage:<14}{cells}   {growth(results, stage)}")
    largest = results[sizes[-1]]
    for stage in ("analyse", "analyse-top"):
        if "parse" in largest and stage in largest:
            ratio = largest[stage][0] / largest["parse"][0]
            print(f"\n{stage} / pandas parse at {sizes[-1]}: {ratio:.1f}x (target ≤ 3)")
    london_report(work)


if __name__ == "__main__":
    main()
