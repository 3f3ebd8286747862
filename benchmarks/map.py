"""Benchmark: Landscape's interactive map versus pyvis on the same synthetic landscape.

Generates a landscape with `landscape.io.generate` (boards, agencies, VCS organisations,
initiatives, posts and themes, linked as real ones are) and times in one run (a) Landscape's
map generation: the view model, with its layout, rendered to one HTML page and written to a
file (and, apart, the analysis whose findings the map draws, which pyvis has no counterpart
for), and (b) pyvis: `Network().from_nx(graph)` then `write_html`, on the same graph (the
landscape as it stands on the map's day, converted to networkx). pyvis runs in a child process
with a time limit, as its `add_edge` scans every edge so far. Then the same at twice and four
times the size, to show how each grows.

Each is timed `--repeat` times and reported as the best and the median. The two take turns, so
that both see the same load on a shared machine; above the first size pyvis runs once (one run
takes minutes).

    .venv/bin/python benchmarks/map.py [--nodes 2000] [--edges 10000] [--repeat 3] [--pyvis-timeout 600]
        [--scales 1,2,4]

With `--browser`, it times instead what a reader waits for, at the sizes the product promises
(London's 155 nodes, then generated landscapes of about 2,000 and 5,000 nodes): the map's build
(analysis, view model with both layouts, page and static picture, written) and, in headless
Chromium, the time from opening the file to its first drawing, which is the stable one (the
positions are fixed). Each is the median of `--repeat` runs.

    .venv/bin/python benchmarks/map.py --browser [--repeat 3]

With `--parts`, it says where the build's time goes at `--nodes` and `--edges`: the CPU seconds
of each of its steps, the median of `--repeat` builds.

    .venv/bin/python benchmarks/map.py --parts [--repeat 5]
"""

from __future__ import annotations

import argparse
import collections
import gc
import multiprocessing
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

import viz.layout
import viz.map
import viz.render
from landscape.analysis import analyse
from landscape.io.generate import generate
from landscape.model import Landscape
from viz.map import MapOptions, map_view
from viz.render import render

DAY = date(2024, 1, 1)


def as_networkx(landscape: Landscape) -> nx.Graph:
    """The same landscape as pyvis takes it: labels, tooltips, groups and edge titles."""
    graph = nx.Graph()
    for entity in landscape.entities.values():
        graph.add_node(entity.id, label=entity.name, title=f"{entity.name}\n{entity.type}", group=entity.type)
    for edge in landscape.relationships:
        graph.add_edge(edge.source, edge.target, title=edge.type)
    return graph


def time_map(landscape: Landscape, result: dict[str, Any], path: Path) -> dict[str, float]:
    """Seconds for Landscape's map, in all and for its view model (with its layout), its page and
    writing it; with the CPU seconds in all and the page's size in bytes."""
    start, cpu = time.perf_counter(), time.process_time()
    view = map_view(landscape, DAY, MapOptions(), result)
    viewed = time.perf_counter()
    page = render("map.html.j2", view=view, title=view["title"], static_picture=viz.map.page_picture(view))
    rendered = time.perf_counter()
    path.write_text(page, encoding="utf-8")
    done = time.perf_counter()
    return {"map": done - start, "cpu": time.process_time() - cpu, "view": viewed - start,
            "page": rendered - viewed, "write": done - rendered, "bytes": len(page.encode())}


def run_pyvis(graph: nx.Graph, path: str, done: Any) -> None:
    from pyvis.network import Network

    os.chdir(os.path.dirname(path))  # pyvis copies its lib/ folder into the working directory
    start, cpu = time.perf_counter(), time.process_time()
    network = Network()
    network.from_nx(graph)
    network.write_html(path)
    done.put((time.perf_counter() - start, time.process_time() - cpu))


def time_pyvis(graph: nx.Graph, timeout: float) -> tuple[float, float] | None:
    """Seconds and CPU seconds for pyvis, in a child process stopped after `timeout` seconds (None
    if it was).
    The child is spawned, not forked: a forked child would share this process's memory
    copy-on-write, making the map's next run pay a page fault for every page it touches."""
    processes = multiprocessing.get_context("spawn")
    done = processes.Queue()
    with tempfile.TemporaryDirectory() as folder:
        child = processes.Process(target=run_pyvis, args=(graph, str(Path(folder) / "pyvis.html"), done))
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.terminate()
            child.join()
            return None
        return done.get()


def compare(nodes: int, edges: int, repeat: int, pyvis_runs: int, timeout: float) -> float:
    """Time both at one size, taking turns, print the figures and return the map's best time.
    The command line's entity limit (beyond which it asks for a focus) is lifted, to time
    drawing everything."""
    landscape = generate(nodes, edges)
    drawn = landscape.as_of(DAY)
    graph = as_networkx(drawn)
    viz.map.DRAW_LIMIT = len(landscape) + 1
    start = time.perf_counter()
    result = analyse(landscape, as_of=DAY)
    analysis = time.perf_counter() - start
    gc.collect()
    gc.freeze()  # the garbage collector's scans of the inputs grow with all else in memory, not with the map
    ours: list[dict[str, float]] = []
    theirs: list[tuple[float, float]] = []
    timed_out = False
    with tempfile.TemporaryDirectory() as folder:
        for run in range(repeat):
            ours.append(time_map(landscape, result, Path(folder, f"map{run}.html")))  # a new file, as pyvis writes
            if run < pyvis_runs and not timed_out:
                timing = time_pyvis(graph, timeout)
                timed_out = timing is None
                theirs += [] if timing is None else [timing]
    gc.unfreeze()
    best = min(ours, key=lambda timed: timed["map"])
    median = statistics.median(timed["map"] for timed in ours)
    print(f"{nodes} nodes, {edges} edges generated; {len(drawn)} and {len(drawn.relationships)} on "
          f"{DAY} ({len(result['findings'])} findings)")
    print(f"  Landscape map: best {best['map']:.3f} s, median {median:.3f} s (view model {best['view']:.3f} s "
          f"+ page {best['page']:.3f} s + write {best['write']:.3f} s; {best['bytes'] / 1e6:.1f} MB); "
          f"the analysis it draws on: {analysis:.2f} s; CPU {min(t['cpu'] for t in ours):.3f}-"
          f"{max(t['cpu'] for t in ours):.3f} s")
    if timed_out:
        print(f"  pyvis from_nx + write_html: did not finish in {timeout:.0f} s "
              f"(over {timeout / best['map']:.0f}x the map's time)")
    elif theirs:
        fastest, middle = min(s for s, _ in theirs), statistics.median(s for s, _ in theirs)
        cpu = min(c for _, c in theirs)
        print(f"  pyvis from_nx + write_html: best {fastest:.2f} s, median {middle:.2f} s, CPU best {cpu:.2f} s "
              f"({len(theirs)} run{'s' if len(theirs) > 1 else ''}): {fastest / best['map']:.0f}x the map's best "
              f"time, {middle / median:.0f}x its median, {cpu / min(t['cpu'] for t in ours):.0f}x its best CPU "
              f"time; {fastest / (best['map'] + analysis):.1f}x the map's and the analysis's")
    return best["map"]


def browser_times(repeat: int) -> None:
    """Build time and time to the first drawing in Chromium, at three sizes, as a Markdown table."""
    import shutil

    from landscape.io.datasets import resolve_dataset
    from landscape.io.validate import load_dataset
    from tests.test_browser import Browser

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is needed for --browser")
    viz.map.DRAW_LIMIT = 10_000
    sizes = [("London", load_dataset(resolve_dataset("london")))] + [
        (f"generated {n}", generate(n, 5 * n)) for n in (2_060, 5_150)]  # about 2,000 and 5,000 on the day
    print("| landscape | nodes | lines | analysis (s) | map build (s) | page (MB) | first drawing in Chromium (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "profile").mkdir()
        browser = Browser(chromium, Path(folder, "profile"))
        try:
            for name, landscape in sizes:
                day = date.today() if name == "London" else DAY
                drawn = landscape.as_of(day)
                builds, analyses, draws = [], [], []
                path = Path(folder, "map.html")
                for _ in range(repeat):
                    start = time.perf_counter()
                    result = analyse(landscape, as_of=day)
                    analysed = time.perf_counter()
                    view = map_view(landscape, day, MapOptions(), result)
                    page = render("map.html.j2", view=view, title=view["title"],
                                  static_picture=viz.map.page_picture(view))
                    path.write_text(page, encoding="utf-8")
                    builds.append(time.perf_counter() - analysed)
                    analyses.append(analysed - start)
                for _ in range(repeat):
                    browser.send("Page.navigate", url="about:blank")
                    browser.send("Page.navigate", url=path.as_uri())
                    browser.wait_for("!!window.landscapeMap && landscapeMap.firstDrawn !== null", timeout=300)
                    draws.append(browser.js("landscapeMap.firstDrawn") / 1000)
                print(f"| {name} | {len(drawn)} | {len(drawn.relationships)} | {statistics.median(analyses):.2f} "
                      f"| {statistics.median(builds):.2f} | {len(page) / 1e6:.1f} | {statistics.median(draws):.2f} |")
        finally:
            browser.close()


PARTS = [  # the build's steps: the module whose global names the function, the name, what it does
    (viz.layout, "seeded", "force layout: igraph (Fruchterman-Reingold; Kamada-Kawai for pieces up to 600)"),
    (viz.layout, "apart", "force layout: nodes pushed apart (scipy k-d tree)"),
    (viz.map, "network_layout", "force layout in all (the two above, pieces, clusters' outlines)"),
    (viz.map, "chart_layout", "chart layout (igraph Sugiyama, bands beneath)"),
    (viz.map, "label_room", "which labels fit, both layouts"),
    (viz.map, "page_picture", "static picture (SVG)"),
    (viz.render, "script_json_parts", "the page's data as JSON"),
    (viz.render, "with_script_hashes", "the page's script hashes"),
]


def part_times(nodes: int, edges: int, repeat: int) -> None:
    """CPU seconds of each step of the map's build (PARTS), the median of `repeat` builds, as a
    Markdown table. Each step is timed where the build calls it, through its module's name."""
    spent: dict[str, list[float]] = collections.defaultdict(list)

    def timing(module: Any, name: str) -> None:
        step = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return step(*args, **kwargs)
            finally:
                spent[name][-1] += time.process_time() - start
        setattr(module, name, timed)

    for module, name, _ in PARTS:
        timing(module, name)
    landscape = generate(nodes, edges)
    viz.map.DRAW_LIMIT = len(landscape) + 1
    result = analyse(landscape, as_of=DAY)
    builds = []
    with tempfile.TemporaryDirectory() as folder:
        for _build in range(repeat + 1):  # the first pays first-call costs and is not counted
            for _, name, _ in PARTS:
                spent[name].append(0.0)
            builds.append(time_map(landscape, result, Path(folder, "map.html"))["cpu"])
    whole = statistics.median(builds[1:])
    print(f"{len(landscape.as_of(DAY))} nodes: the build takes {whole:.3f} CPU s (median of {repeat})")
    print("| step | CPU s | share |\n|---|---:|---:|")
    for _, name, what in PARTS:
        seconds = statistics.median(spent[name][1:])
        print(f"| {what} | {seconds:.3f} | {seconds / whole:.0%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2_000)
    parser.add_argument("--edges", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pyvis-timeout", type=float, default=600)
    parser.add_argument("--scales", default="1,2,4", help="sizes to time, as multiples of --nodes and --edges")
    parser.add_argument("--browser", action="store_true", help="time the build and the first drawing in Chromium")
    parser.add_argument("--parts", action="store_true", help="time each step of the build")
    args = parser.parse_args()
    if args.browser:
        browser_times(args.repeat)
        return
    if args.parts:
        part_times(args.nodes, args.edges, args.repeat)
        return

    small = generate(200, 1000)  # imports and other first-call costs, paid once and not counted
    with tempfile.TemporaryDirectory() as folder:
        time_map(small, analyse(small, as_of=DAY), Path(folder, "map.html"))
    scales = [int(text) for text in args.scales.split(",")]
    first = compare(args.nodes * scales[0], args.edges * scales[0], args.repeat, args.repeat, args.pyvis_timeout)
    for factor in scales[1:]:
        seconds = compare(args.nodes * factor, args.edges * factor, args.repeat, 1, args.pyvis_timeout)
        print(f"  ({seconds / first:.1f}x the map's time for {factor / scales[0]:g}x the size)")


if __name__ == "__main__":
    main()
