"""Benchmark: Landscape's interactive map versus pyvis on the same synthetic landscape.

Builds a synthetic landscape (boards, agencies, VCS organisations, initiatives, posts and
themes, linked as real ones are), then times in one run (a) Landscape's map generation:
the view model, with its layout, rendered to one HTML string (and, apart, the analysis whose
findings the map draws, which pyvis has no counterpart for), and (b) pyvis:
`Network().from_nx(graph)` then `write_html`, on the same graph. pyvis is given a time
limit, as its `add_edge` scans every edge so far. Then times (a) alone at twice and four
times the size, to show how it grows.

    .venv/bin/python benchmarks/map.py [--nodes 2000] [--edges 10000] [--pyvis-timeout 600]
"""

from __future__ import annotations

import argparse
import gc
import math
import multiprocessing
import os
import random
import tempfile
import time
from datetime import date
from pathlib import Path

import networkx as nx

import viz.map
from landscape.analysis import analyse
from landscape.model import EDGE_ENDPOINTS, Entity, Landscape, Relationship
from viz.map import MapOptions, map_view
from viz.render import render

DAY = date(2024, 1, 1)
SHARE = {"board": 0.10, "agency": 0.10, "vcs": 0.10, "initiative": 0.15, "person": 0.50, "theme": 0.05}
SECTORS = ("police", "health", "local-government", "education", "vcs", "justice")
LEVELS = ("national", "regional", "local")
REGION = 100


def synthetic(nodes: int, edges: int, seed: int = 1) -> Landscape:
    """A landscape of `nodes` entities and `edges` relationships, each of a type its ends allow.

    Like a real one it is made of local landscapes (areas of about REGION entities, each with its
    own boards, members and themes, mostly linked among themselves), and within an area a few
    bodies have many members and most have few.
    """
    rng = random.Random(seed)
    areas: list[dict[str, list[str]]] = []
    entities: list[Entity] = []
    for number in range(nodes):
        if number % REGION == 0:
            areas.append({kind: [] for kind in SHARE})
        kind = rng.choices(list(SHARE), list(SHARE.values()))[0]
        areas[-1][kind].append(f"{kind}{number}")
        entities.append(Entity(f"{kind}{number}", f"{kind.title()} number {number}", kind, source="Synthetic",
                               attrs={"sector": rng.choice(SECTORS), "level": rng.choice(LEVELS)}))
    kinds = [(edge_type, pair) for edge_type, pairs in EDGE_ENDPOINTS.items() for pair in sorted(pairs)]
    seen: set[tuple[str, str]] = set()
    relationships: list[Relationship] = []
    while len(relationships) < edges:
        edge_type, (from_type, to_type) = rng.choice(kinds)
        here = rng.choice(areas)
        there = here if rng.random() < 0.95 else rng.choice(areas)
        if not here[from_type] or not there[to_type]:
            continue
        source, target = skewed(rng, here[from_type]), skewed(rng, there[to_type])
        if source != target and (source, target) not in seen and (target, source) not in seen:
            seen.add((source, target))
            relationships.append(Relationship(source, target, edge_type, source_doc="Synthetic"))
    return Landscape(entities, relationships, "synthetic")


def skewed(rng: random.Random, choices: list[str]) -> str:
    return choices[min(int(rng.paretovariate(1.0)) - 1, len(choices) - 1) if rng.random() < 0.3
                   else rng.randrange(len(choices))]


def as_networkx(landscape: Landscape) -> nx.Graph:
    """The same landscape as pyvis takes it: labels, tooltips, groups and edge titles."""
    graph = nx.Graph()
    for entity in landscape.entities.values():
        graph.add_node(entity.id, label=entity.name, title=f"{entity.name}\n{entity.type}", group=entity.type)
    for edge in landscape.relationships:
        graph.add_edge(edge.source, edge.target, title=edge.type)
    return graph


def time_landscape(landscape: Landscape, repeat: int = 3) -> dict[str, float]:
    """Seconds for the analysis the map draws its findings from, and (best of `repeat`: the first
    also pays for compiling the template) for the map's view model, with its layout, and for the
    page; with the page's size in bytes. The command line's entity limit (beyond which it asks for
    a focus) is lifted, to time drawing everything."""
    viz.map.DRAW_LIMIT = len(landscape) + 1
    start = time.perf_counter()
    result = analyse(landscape, as_of=DAY)
    timed = {"analysis": time.perf_counter() - start, "findings": len(result["findings"]), "map": math.inf}
    gc.collect()
    gc.freeze()  # the garbage collector's scans of the inputs grow with all else in memory, not with the map
    for _ in range(repeat):
        start = time.perf_counter()
        view = map_view(landscape, DAY, MapOptions(), result)
        viewed = time.perf_counter()
        page = render("map.html.j2", view=view, title=view["title"])
        done = time.perf_counter()
        if done - start < timed["map"]:
            timed.update(map=done - start, view=viewed - start, page=done - viewed, bytes=len(page))
    gc.unfreeze()
    return timed


def run_pyvis(graph: nx.Graph, path: str, done: multiprocessing.Queue) -> None:
    from pyvis.network import Network

    os.chdir(os.path.dirname(path))  # pyvis copies its lib/ folder into the working directory
    start = time.perf_counter()
    network = Network()
    network.from_nx(graph)
    network.write_html(path)
    done.put(time.perf_counter() - start)


def time_pyvis(graph: nx.Graph, timeout: float) -> float | None:
    """Seconds for pyvis, in a child process stopped after `timeout` seconds (None if it was)."""
    done: multiprocessing.Queue = multiprocessing.Queue()
    with tempfile.TemporaryDirectory() as folder:
        child = multiprocessing.Process(target=run_pyvis, args=(graph, str(Path(folder) / "pyvis.html"), done))
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.terminate()
            child.join()
            return None
        return done.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2_000)
    parser.add_argument("--edges", type=int, default=10_000)
    parser.add_argument("--pyvis-timeout", type=float, default=600)
    args = parser.parse_args()

    time_landscape(synthetic(200, 1000))  # imports and other first-call costs, paid once and not counted
    landscape = synthetic(args.nodes, args.edges)
    ours = time_landscape(landscape)
    print(f"{args.nodes} nodes, {args.edges} edges ({ours['findings']} findings)")
    print(f"  Landscape map: {ours['map']:6.2f} s (view model {ours['view']:.2f} s + page {ours['page']:.2f} s, "
          f"{ours['bytes'] / 1e6:.1f} MB); the analysis it draws on: {ours['analysis']:.2f} s")
    theirs = time_pyvis(as_networkx(landscape), args.pyvis_timeout)
    if theirs is None:
        print(f"  pyvis from_nx + write_html: did not finish in {args.pyvis_timeout:.0f} s "
              f"(over {args.pyvis_timeout / ours['map']:.0f}x the map's time)")
    else:
        print(f"  pyvis from_nx + write_html: {theirs:6.2f} s ({theirs / ours['map']:.0f}x the map's time, "
              f"{theirs / (ours['map'] + ours['analysis']):.1f}x the map's and the analysis's)")
    for factor in (2, 4):
        nodes, edges = args.nodes * factor, args.edges * factor
        timed = time_landscape(synthetic(nodes, edges))
        print(f"{nodes} nodes, {edges} edges ({timed['findings']} findings)")
        print(f"  Landscape map: {timed['map']:6.2f} s ({timed['map'] / ours['map']:.1f}x the time for {factor}x "
              f"the size; {timed['bytes'] / 1e6:.1f} MB); the analysis: {timed['analysis']:.2f} s")


if __name__ == "__main__":
    main()
