"""Betweenness centrality estimated from a sample of sources, by sparse-matrix products.

Brandes' algorithm (2001) finds each node's betweenness from one breadth-first
search per source: forward, it counts the shortest paths from the source to every
node (sigma); backward, from the farthest level in, it adds up each node's
dependency (delta), the share of the paths from the source that pass through it.
Here the searches from a batch of `BATCH` sources run at once, each level one
sparse product of the adjacency matrix with a dense matrix holding a column per
source.

A national membership graph (70,000 nodes, 450,000 edges) is searched from 128
sources in about a sixth of the CPU time igraph's subset betweenness takes, which
is why this module exists; below `brokers.EXACT_BETWEENNESS_LIMIT` nodes the
betweenness is exact, from igraph.

The membership graph is bipartite (members on one side, boards on the other), so
a search reaches one side at each level: `Sides` keeps each side's edges to the
other, and each level's product covers one side only.

For a path of three nodes 0 - 1 - 2 searched from every source, node 1 lies on the
one shortest path between the two others, and the estimate is the exact figure:

>>> from scipy import sparse
>>> path = sparse.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]))
>>> sampled_betweenness(path, 3).tolist()
[0.0, 1.0, 0.0]
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

BATCH = 8  # sources searched at once, as the columns of one dense matrix
SPARSE_FRONTIER = 16  # a level holding values in fewer than 1/16 of its cells is pushed along its own edges


def sampled_betweenness(adjacency: sparse.csr_matrix, k: int, seed: int = 7,
                        side: np.ndarray | None = None) -> np.ndarray:
    """Normalised betweenness of each node of the undirected graph with this 0/1 adjacency
    matrix, estimated from `k` random sources drawn with `seed`, and scaled as networkx's
    `betweenness_centrality(graph, k)` scales its estimate: a node's total dependency over
    k(n - 2) pairs, or (k - 1)(n - 2) for a source, which is never counted on its own paths.
    `side` (a boolean per node), when every edge joins a node marked true to one marked false,
    lets each level of a search cover one side only (see `Sides`)."""
    n = adjacency.shape[0]
    sources = np.random.default_rng(seed).choice(n, size=min(k, n), replace=False)
    sides = Sides(adjacency, side)
    total = np.zeros(n)
    for number, nodes in enumerate(sides.nodes):
        starting_here = np.flatnonzero(np.isin(nodes, sources))  # sources, as positions on this side
        for batch in np.array_split(starting_here, max(1, len(starting_here) // BATCH)):
            if len(batch):
                for side_nodes, delta in zip(sides.nodes, sides.dependencies(number, batch)):
                    total[side_nodes] += delta
    k = len(sources)
    scale = np.full(n, 1 / (k * (n - 2)) if n > 2 else 0.0)
    scale[sources] = 1 / ((k - 1) * (n - 2)) if k > 1 and n > 2 else 0.0
    return total * scale


class Sides:
    """A graph's nodes as the sides a search crosses, the edges from each side reaching the
    next: one side (its own next) for any graph, or the two sides of a bipartite graph."""

    def __init__(self, adjacency: sparse.csr_matrix, side: np.ndarray | None) -> None:
        if side is None:
            self.nodes = [np.arange(adjacency.shape[0])]
            self.reach = [adjacency]
        else:
            marked, unmarked = np.flatnonzero(side), np.flatnonzero(~side)
            self.nodes = [marked, unmarked]
            # rows: the next side's nodes; columns: this side's
            self.reach = [adjacency[unmarked][:, marked], adjacency[marked][:, unmarked]]

    def next(self, number: int) -> int:
        return (number + 1) % len(self.nodes)

    def spread(self, number: int, values: np.ndarray, nonzero: np.ndarray) -> np.ndarray:
        """`reach[number] @ values`, where `nonzero` marks the only cells of `values` holding
        anything. When they are few (the first levels of a search, and so the last on the way
        back), their rows are pushed along their own edges rather than every node of the next
        side pulling from all its neighbours."""
        cells = np.flatnonzero(nonzero)
        if len(cells) * SPARSE_FRONTIER > nonzero.size:
            return self.reach[number] @ values
        rows = np.unique(cells // nonzero.shape[1])
        return self.reach[self.next(number)][rows].T @ values[rows]  # the same edges the other way

    def dependencies(self, number: int, sources: np.ndarray) -> list[np.ndarray]:
        """Each node's dependency (Brandes' delta) summed over `sources` (positions on side
        `number`), side by side. Rows of the dense matrices are nodes and columns sources."""
        width = len(sources)
        sigma = [np.zeros((len(nodes), width)) for nodes in self.nodes]  # shortest paths from each source
        seen = [np.zeros(paths.shape, dtype=bool) for paths in sigma]
        sigma[number][sources, np.arange(width)] = 1
        seen[number][sources, np.arange(width)] = True
        frontier = sigma[number].copy()
        levels = [(number, seen[number].copy())]  # each level's side, and the nodes first reached there
        while True:
            reached = self.spread(number, frontier, levels[-1][1])
            number = self.next(number)
            new = reached > 0
            new &= ~seen[number]
            if not new.any():
                break
            seen[number] |= new
            reached *= new  # the paths to the nodes first reached here: the next frontier
            sigma[number] += reached
            frontier = reached
            levels.append((number, new))
        delta = [np.zeros(paths.shape) for paths in sigma]
        # back from the farthest level to level 1: the sources' own dependency is not counted
        for (before, first_before), (here, first_here) in reversed(list(zip(levels[1:], levels[2:]))):
            weight = np.divide(1 + delta[here], sigma[here], out=np.zeros(sigma[here].shape), where=first_here)
            # edges are symmetric: the product from `here` back reaches `before`, its only neighbour side
            back = self.spread(here, weight, first_here)
            back *= sigma[before]
            np.add(delta[before], back, out=delta[before], where=first_before)
        return [dependency.sum(axis=1) for dependency in delta]
