"""Benchmark: board overlaps from a sparse incidence product versus networkx's bipartite projection.

Builds a synthetic membership of organisations on boards, then times, on the same data in
one run, (a) Landscape's overlaps (BᵀB with scipy.sparse) as the analysis runs them, from
the integer codes `gather` gives every entity id once per landscape, and (b) networkx's
`bipartite.weighted_projected_graph` onto the boards. Then times (a) alone at a larger size.
The one-off coding of the ids, and the overlaps of string pairs (`overlap_matrix`, which
codes them itself), are timed too, for the record.

    .venv/bin/python benchmarks/overlaps.py [--organisations 20000] [--boards 2000]
        [--memberships 200000] [--large 1000000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import networkx as nx
import numpy as np
from networkx.algorithms import bipartite

from landscape.analysis.incidence import Overlaps, incidence_matrix, overlap_matrix, overlaps


def memberships(organisations: int, boards: int, count: int, seed: int = 1) -> list[tuple[str, str]]:
    """`count` distinct (organisation, board) pairs; board sizes are skewed, as real ones are."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.5 for rank in range(boards)]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < count:
        boards_drawn = rng.choices(range(boards), weights, k=count - len(pairs))
        pairs.update((f"org{rng.randrange(organisations)}", f"board{b}") for b in boards_drawn)
    return list(pairs)


class Coded:
    """Membership pairs as `gather` codes them: every id's place in sorted order."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.ids = np.array(sorted({name for pair in pairs for name in pair}), dtype=object)
        code = {name: number for number, name in enumerate(self.ids.tolist())}
        self.items = np.array([code[item] for item, _ in pairs], dtype=np.int64)
        self.groups = np.array([code[group] for _, group in pairs], dtype=np.int64)

    def overlaps(self, min_shared: int = 2) -> Overlaps:
        """Shared membership as `overlaps.shared_membership` finds it."""
        size = len(self.ids)
        return overlaps(incidence_matrix(self.items, self.groups, (size, size)), self.ids, min_shared)


def best(action: Callable[[], int], repeat: int = 3) -> tuple[float, int]:
    """Best of `repeat` runs (the first also pays for warming caches), and the action's count."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        found = action()
        times.append(time.perf_counter() - start)
    return min(times), found


def time_sparse(pairs: list[tuple[str, str]], repeat: int = 3) -> tuple[float, int]:
    """Overlaps from integer codes, as the analysis computes them: best of `repeat`."""
    coded = Coded(pairs)
    return best(lambda: len(coded.overlaps()), repeat)


def time_coding(pairs: list[tuple[str, str]], repeat: int = 3) -> float:
    """Coding the ids (once per landscape, shared by every analysis): best of `repeat`."""
    return best(lambda: len(Coded(pairs).ids), repeat)[0]


def time_strings(pairs: list[tuple[str, str]], repeat: int = 3) -> float:
    """Overlaps of string pairs, coded on the way (`overlap_matrix`): best of `repeat`."""
    return best(lambda: len(overlap_matrix(pairs, min_shared=2)), repeat)[0]


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
    print(f"  (coding the ids once per landscape     {time_coding(pairs):8.3f} s;"
          f" BᵀB of string pairs {time_strings(pairs):.3f} s)")
    large = memberships(args.organisations, args.boards, args.large, seed=2)
    large_time, large_found = time_sparse(large)
    print(f"{len(large):,} memberships: sparse BᵀB {large_time:.3f} s ({large_found:,} pairs); "
          f"coding the ids once {time_coding(large):.3f} s; string pairs {time_strings(large):.3f} s")


if __name__ == "__main__":
    main()
