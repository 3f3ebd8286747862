"""Benchmark: board overlaps from a sparse incidence product versus networkx's bipartite projection.

Builds a synthetic membership of organisations on boards, then times, on the same data in
one run, (a) Landscape's `pair_overlaps` (BᵀB with scipy.sparse) and (b) networkx's
`bipartite.weighted_projected_graph` onto the boards. Then times (a) alone at a larger size.

    .venv/bin/python benchmarks/overlaps.py [--organisations 20000] [--boards 2000]
        [--memberships 200000] [--large 1000000]
"""

from __future__ import annotations

import argparse
import random
import time

import networkx as nx
from networkx.algorithms import bipartite

from landscape.analysis.incidence import overlap_matrix


def memberships(organisations: int, boards: int, count: int, seed: int = 1) -> list[tuple[str, str]]:
    """`count` distinct (organisation, board) pairs; board sizes are skewed, as real ones are."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.5 for rank in range(boards)]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < count:
        boards_drawn = rng.choices(range(boards), weights, k=count - len(pairs))
        pairs.update((f"org{rng.randrange(organisations)}", f"board{b}") for b in boards_drawn)
    return list(pairs)


def time_sparse(pairs: list[tuple[str, str]], repeat: int = 3) -> tuple[float, int]:
    """Best of `repeat` runs (the first also pays for warming caches)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        found = len(overlap_matrix(pairs, min_shared=2))
        times.append(time.perf_counter() - start)
    return min(times), found


def time_networkx(pairs: list[tuple[str, str]]) -> tuple[float, int]:
    start = time.perf_counter()
    graph = nx.Graph()
    boards = {board for _, board in pairs}
    graph.add_nodes_from(boards, bipartite=1)
    graph.add_edges_from(pairs)
    projected = bipartite.weighted_projected_graph(graph, boards)
    found = sum(1 for _, _, weight in projected.edges(data="weight") if weight >= 2)
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--boards", type=int, default=2_000)
    parser.add_argument("--memberships", type=int, default=200_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()

    pairs = memberships(args.organisations, args.boards, args.memberships)
    sparse_time, sparse_found = time_sparse(pairs)
    networkx_time, networkx_found = time_networkx(pairs)
    assert sparse_found == networkx_found, (sparse_found, networkx_found)
    print(f"{args.organisations:,} organisations x {args.boards:,} boards, {len(pairs):,} memberships; "
          f"{sparse_found:,} board pairs share 2 or more members")
    print(f"  sparse BᵀB (Landscape, best of 3)      {sparse_time:8.3f} s")
    print(f"  networkx weighted_projected_graph      {networkx_time:8.3f} s")
    print(f"  speed-up                               {networkx_time / sparse_time:8.1f}x")
    large = memberships(args.organisations, args.boards, args.large, seed=2)
    large_time, large_found = time_sparse(large)
    print(f"{len(large):,} memberships: sparse BᵀB {large_time:.3f} s ({large_found:,} pairs)")


if __name__ == "__main__":
    main()
