"""Brokers: the organisations and posts that sit on most boards and hold the network together.

Betweenness centrality in the membership graph (organisations and boards,
joined by membership) measures how much of the network's indirect contact runs
through each member; a cut vertex is one whose loss would split the boards it
joins into groups with no member in common.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, partial
from operator import itemgetter
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from landscape.analysis.facts import Facts

EXACT_BETWEENNESS_LIMIT = 2000  # above this many nodes, betweenness is estimated from a sample
SAMPLE_SOURCES = 128  # how many sources the estimate starts from
BATCH = 16  # sources searched at once, as the columns of one dense matrix (16 measured fastest: cache)


def brokers(facts: Facts, limit: int = 20) -> list[dict[str, Any]]:
    """Members of two or more boards, most boards first, with betweenness and cut-vertex flags."""
    graph = MembershipGraph(facts)
    if not len(graph.nodes):
        return []
    if len(graph.nodes) <= EXACT_BETWEENNESS_LIMIT:
        betweenness = sampled_betweenness(graph.adjacency, len(graph.nodes))  # every node a source: exact
        cut_vertices = set(nx.articulation_points(graph.networkx()))
        is_cut_vertex: Callable[[int], bool] = cut_vertices.__contains__
    else:
        betweenness = sampled_betweenness(graph.adjacency, SAMPLE_SOURCES)
        is_cut_vertex = graph.is_cut_vertex  # asked of the few reported only
    degree = np.diff(graph.adjacency.indptr)
    ids, entities = facts.ids, facts.landscape.entities
    candidates = np.flatnonzero(graph.is_member & (degree >= 2))
    ranked = sorted(((-int(degree[position]), -round(float(betweenness[position]), 4),
                      entities[ids[graph.nodes[position]]].name, position)
                     for position in candidates.tolist()), key=itemgetter(0, 1, 2))
    boards_of = facts.sets(("member_of",), by="source")
    rows = []
    for count, centrality, name, position in ranked[:limit]:
        member = ids[graph.nodes[position]]
        rows.append({
            "id": member, "name": name, "type": entities[member].type,
            "sector": entities[member].sector, "boards": sorted(boards_of[member]),
            "board_count": -count, "betweenness": -centrality,
            "cut_vertex": is_cut_vertex(position),
        })
    return rows


class MembershipGraph:
    """Members and boards joined by membership, as a sparse adjacency matrix. Nodes are
    numbered as networkx numbered them when the graph was built board by board in id order,
    each board's members in id order (the sampled betweenness depends on that order)."""

    def __init__(self, facts: Facts) -> None:
        members = facts.relation("member_of").tocoo()  # member × board
        order = np.lexsort((members.row, members.col))
        self.member, self.board = members.row[order], members.col[order]
        flat = np.stack([self.member, self.board], axis=1).ravel()  # in the order edges were added
        distinct, first = np.unique(flat, return_index=True)
        self.nodes = flat[np.sort(first)]  # entity codes, in the order they were first seen
        self.position = np.zeros(len(facts), dtype=np.int64)
        self.position[self.nodes] = np.arange(len(self.nodes))
        self.is_member = np.isin(self.nodes, self.member)

    @cached_property
    def adjacency(self) -> sparse.csr_matrix:
        """The symmetric 0/1 adjacency matrix over `nodes`, with sorted indices."""
        rows, columns = self.position[self.member], self.position[self.board]
        size = len(self.nodes)
        return sparse.coo_matrix(
            (np.ones(2 * len(rows)), (np.concatenate([rows, columns]), np.concatenate([columns, rows]))),
            shape=(size, size)).tocsr()

    @cached_property
    def pieces(self) -> int:
        """How many connected pieces the graph has."""
        from scipy.sparse import csgraph

        return int(csgraph.connected_components(self.adjacency, directed=False, return_labels=False))

    def networkx(self) -> nx.Graph:
        """The same graph in networkx (nodes are positions), for the exact betweenness."""
        graph = nx.Graph()
        graph.add_nodes_from(range(len(self.nodes)))
        graph.add_edges_from(zip(self.position[self.member].tolist(), self.position[self.board].tolist()))
        return graph

    def is_cut_vertex(self, position: int) -> bool:
        """Whether removing the node would split the graph into more connected pieces (what
        networkx's articulation points are, found without walking the whole graph in Python).
        Its neighbours joined through their own neighbours settle it at a glance (a broker's
        boards usually share other members); only otherwise is the whole graph searched."""
        from scipy.sparse import csgraph  # imported here: only a national landscape needs it

        adjacency = self.adjacency
        neighbours = adjacency.indices[adjacency.indptr[position]:adjacency.indptr[position + 1]]
        neighbours = neighbours[neighbours != position]  # a loop joins nothing
        if len(neighbours) < 2:
            return False
        near = np.setdiff1d(np.concatenate([neighbours, adjacency[neighbours].indices]), [position])
        _, labels = csgraph.connected_components(adjacency[near][:, near], directed=False)
        if len(np.unique(labels[np.searchsorted(near, neighbours)])) == 1:
            return False
        keep = np.ones(adjacency.shape[0], dtype=bool)
        keep[position] = False
        rest = adjacency[keep][:, keep]
        return bool(csgraph.connected_components(rest, directed=False, return_labels=False) > self.pieces)


def sampled_betweenness(adjacency: sparse.csr_matrix, k: int, seed: int = 7) -> np.ndarray:
    """Normalised betweenness of each node of the graph with this adjacency matrix, estimated
    from `k` seeded random sources, scaled as networkx's `betweenness_centrality(graph, k)` is.
    Brandes' algorithm runs for a batch of sources at once as sparse-matrix products, which is
    what makes it affordable on a national landscape. With every node a source (`k` = the
    number of nodes) it is the exact betweenness, ten times faster than networkx's at 2,000."""
    n = adjacency.shape[0]
    sources = np.random.default_rng(seed).choice(n, size=min(k, n), replace=False)
    batches = np.array_split(sources, max(1, len(sources) // BATCH))
    with ThreadPoolExecutor(max_workers=2) as pool:  # the products free the GIL: two batches at once
        total = sum(pool.map(partial(dependencies, adjacency), batches), np.zeros(n))
    k = len(sources)
    scale = np.full(n, 1 / (k * (n - 2)) if n > 2 else 0.0)
    scale[sources] = 1 / ((k - 1) * (n - 2)) if k > 1 and n > 2 else 0.0
    return total * scale


def dependencies(adjacency: sparse.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """The sum over `sources` of each node's dependency (Brandes' δ), by breadth-first levels.
    Rows of the dense matrices are nodes and columns sources, so each level is one sparse
    product over row-major arrays (no transposed copies)."""
    columns = np.arange(len(sources))
    sigma = np.zeros((adjacency.shape[0], len(sources)))  # shortest paths from each source
    level = np.full(sigma.shape, -1, dtype=np.int32)
    sigma[sources, columns] = 1
    level[sources, columns] = 0
    frontier, depth = sigma.copy(), 0
    while True:
        reached = adjacency @ frontier
        new = (level < 0) & (reached > 0)
        if not new.any():
            break
        depth += 1
        np.copyto(level, depth, where=new)
        np.copyto(sigma, reached, where=new)
        frontier = np.where(new, sigma, 0.0)
    delta = np.zeros(sigma.shape)
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for d in range(depth, 0, -1):
        weight = np.where(level == d, (1 + delta) / safe_sigma, 0.0)
        delta += np.where(level == d - 1, sigma * (adjacency @ weight), 0.0)
    delta[sources, columns] = 0
    return delta.sum(axis=1)
