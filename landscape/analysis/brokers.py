"""Brokers: the organisations and posts that sit on most boards and hold the network together.

Betweenness centrality in the membership graph (organisations and boards,
joined by membership) measures how much of the network's indirect contact runs
through each member; a cut vertex is one whose loss would split the boards it
joins into groups with no member in common.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from operator import itemgetter
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from landscape.analysis.facts import Facts

EXACT_BETWEENNESS_LIMIT = 2000  # above this many nodes, betweenness is estimated from a sample
SAMPLE_SOURCES = 128  # how many sources the estimate starts from
PUSH = 16  # a level with values in fewer than 1/PUSH of its cells pushes them (see `Parts.spread`)
SEARCH_LEVELS = 16  # levels a cut-vertex search takes before it finds the pieces instead
BATCH = 8  # sources searched at once, as the columns of one dense matrix (8 measured fastest: cache)


def brokers(facts: Facts, limit: int = 20) -> list[dict[str, Any]]:
    """Members of two or more boards, most boards first, with betweenness and cut-vertex flags."""
    graph = MembershipGraph(facts)
    if not len(graph.nodes):
        return []
    if len(graph.nodes) <= EXACT_BETWEENNESS_LIMIT:
        betweenness = sampled_betweenness(graph.adjacency, len(graph.nodes), side=graph.side)  # exact
        cut_vertices = set(nx.articulation_points(graph.networkx()))
        is_cut_vertex: Callable[[int], bool] = cut_vertices.__contains__
    else:
        betweenness = sampled_betweenness(graph.adjacency, SAMPLE_SOURCES, side=graph.side)
        is_cut_vertex = graph.is_cut_vertex  # asked of the few reported only
    degree = np.diff(graph.adjacency.indptr)
    ids, entities = facts.ids, facts.landscape.entities
    candidates = np.flatnonzero(graph.is_member & (degree >= 2))
    if 0 < limit < len(candidates):  # only members on as many boards as the limit-th can be listed
        least = np.partition(degree[candidates], len(candidates) - limit)[len(candidates) - limit]
        candidates = candidates[degree[candidates] >= least]
    ranked = sorted(((-int(degree[position]), -round(float(betweenness[position]), 4),
                      entities[ids[graph.nodes[position]]].name, position)
                     for position in candidates.tolist()), key=itemgetter(0, 1, 2))
    memberships = facts.relation("member_of")
    rows = []
    for count, centrality, name, position in ranked[:limit]:
        member = ids[graph.nodes[position]]
        rows.append({
            "id": member, "name": name, "type": entities[member].type, "sector": entities[member].sector,
            "boards": sorted(ids[memberships[graph.nodes[position]].indices].tolist()),
            "board_count": -count, "betweenness": -centrality,
            "cut_vertex": is_cut_vertex(position),
        })
    return rows


class MembershipGraph:
    """Members and boards joined by membership, as a sparse adjacency matrix. Nodes are
    numbered as networkx numbered them when the graph was built board by board in id order,
    each board's members in id order (the sampled betweenness depends on that order)."""

    def __init__(self, facts: Facts) -> None:
        by_board = facts.relation("member_of").tocsc()  # member × board, each board's members in order
        self.member = by_board.indices.astype(np.int64)
        self.board = np.repeat(np.arange(by_board.shape[1]), np.diff(by_board.indptr))
        # each entity's first place in the order edges were added, member then board: 2k, 2k + 1
        first = np.full(len(facts), 2 * len(self.member), dtype=np.int64)
        np.minimum.at(first, self.member, 2 * np.arange(len(self.member)))
        np.minimum.at(first, self.board, 2 * np.arange(len(self.board)) + 1)
        seen = np.flatnonzero(first < 2 * len(self.member))
        self.nodes = seen[np.argsort(first[seen])]  # entity codes, in the order they were first seen
        self.position = np.zeros(len(facts), dtype=np.int64)
        self.position[self.nodes] = np.arange(len(self.nodes))
        self.is_member = np.isin(self.nodes, self.member)

    @cached_property
    def adjacency(self) -> sparse.csr_matrix:
        """The symmetric 0/1 adjacency matrix over `nodes`, with sorted indices."""
        rows, columns = self.position[self.member], self.position[self.board]
        size = len(self.nodes)
        adjacency = sparse.coo_matrix(
            (np.ones(2 * len(rows)), (np.concatenate([rows, columns]), np.concatenate([columns, rows]))),
            shape=(size, size)).tocsr()
        adjacency.data[:] = 1  # two bodies members of each other (built by hand) are one edge
        return adjacency

    @property
    def side(self) -> np.ndarray | None:
        """Whether each node is a member, when no board is also a member (only a landscape built
        by hand has one): then every edge joins a member to a board."""
        return None if np.isin(self.board, self.member).any() else self.is_member

    def networkx(self) -> nx.Graph:
        """The same graph in networkx (nodes are positions), for its articulation points."""
        graph = nx.Graph()
        graph.add_nodes_from(range(len(self.nodes)))
        graph.add_edges_from(zip(self.position[self.member].tolist(), self.position[self.board].tolist()))
        return graph

    def is_cut_vertex(self, position: int) -> bool:
        """Whether removing the node would split the graph into more connected pieces (what
        networkx's articulation points are, found without walking the graph in Python): a
        breadth-first search from one of its neighbours, around it, that stops once it has
        reached them all. Each level is one product over the whole graph, which frees the GIL;
        a broker's boards usually meet again within four. A search still going after
        `SEARCH_LEVELS` (a long chain of bodies) finds the pieces without the node instead."""
        adjacency = self.adjacency
        neighbours = adjacency.indices[adjacency.indptr[position]:adjacency.indptr[position + 1]]
        neighbours = neighbours[neighbours != position]  # a loop joins nothing
        if len(neighbours) < 2:
            return False
        reached = np.zeros(adjacency.shape[0], dtype=bool)
        reached[[position, neighbours[0]]] = True
        frontier = np.zeros(adjacency.shape[0])
        frontier[neighbours[0]] = 1
        for _ in range(SEARCH_LEVELS):
            if reached[neighbours].all():
                return False
            new = (adjacency @ frontier > 0) & ~reached
            if not new.any():
                return True
            reached |= new
            frontier = new.astype(np.float64)
        return self.parts_apart(position, neighbours)

    def parts_apart(self, position: int, neighbours: np.ndarray) -> bool:
        """Whether the node's neighbours fall into more than one connected piece without it."""
        from scipy.sparse import csgraph  # imported here: only a long chain of bodies needs it

        adjacency = self.adjacency
        kept = adjacency.indices != position  # every edge but the node's
        kept[adjacency.indptr[position]:adjacency.indptr[position + 1]] = False
        indptr = np.concatenate([[0], np.cumsum(kept)])[adjacency.indptr]
        rest = sparse.csr_matrix((adjacency.data[kept], adjacency.indices[kept], indptr), shape=adjacency.shape)
        _, pieces = csgraph.connected_components(rest, directed=False)
        return len(np.unique(pieces[neighbours])) > 1


def sampled_betweenness(adjacency: sparse.csr_matrix, k: int, seed: int = 7,
                        side: np.ndarray | None = None) -> np.ndarray:
    """Normalised betweenness of each node of the graph with this adjacency matrix, estimated
    from `k` seeded random sources, scaled as networkx's `betweenness_centrality(graph, k)` is.
    Brandes' algorithm runs for a batch of sources at once as sparse-matrix products, which is
    what makes it affordable on a national landscape. With every node a source (`k` = the
    number of nodes) it is the exact betweenness, ten times faster than networkx's at 2,000.
    `side` (a boolean per node), when every edge joins a node marked true to one marked false,
    halves the work: a search then reaches one side at each level (see `Parts`)."""
    n = adjacency.shape[0]
    sources = np.random.default_rng(seed).choice(n, size=min(k, n), replace=False)
    parts = Parts(adjacency, side)
    searches = [(part, batch) for part, among in enumerate(parts.nodes)
                for held in [np.flatnonzero(np.isin(among, sources))] if len(held)
                for batch in np.array_split(held, max(1, len(held) // BATCH))]
    total = np.zeros(n)
    # one batch at a time: `analyse` runs this beside the findings, and two batches at once
    # there cost more CPU than they saved
    for part, batch in searches:
        for nodes, delta in zip(parts.nodes, parts.dependencies(part, batch)):
            total[nodes] += delta
    k = len(sources)
    scale = np.full(n, 1 / (k * (n - 2)) if n > 2 else 0.0)
    scale[sources] = 1 / ((k - 1) * (n - 2)) if k > 1 and n > 2 else 0.0
    return total * scale


class Parts:
    """A graph's nodes in parts, the edges from each part all reaching the next one: one part
    (its own next) for any graph, or two sides of a bipartite graph such as members and
    boards. A breadth-first search then reaches one part per level, so each level's product
    and array arithmetic cover only that part's nodes and the edges to it."""

    def __init__(self, adjacency: sparse.csr_matrix, side: np.ndarray | None) -> None:
        if side is None:
            self.nodes = [np.arange(adjacency.shape[0])]
            self.reach = [adjacency]
        else:
            marked, unmarked = np.flatnonzero(side), np.flatnonzero(~side)
            self.nodes = [marked, unmarked]
            # rows: the next part's nodes; columns: this part's
            self.reach = [adjacency[unmarked][:, marked], adjacency[marked][:, unmarked]]

    def next(self, part: int) -> int:
        return (part + 1) % len(self.nodes)

    def spread(self, part: int, values: np.ndarray, held: np.ndarray) -> np.ndarray:
        """`reach[part] @ values`, where only the cells `held` marks hold anything. When they
        are few (the first levels of a search, and so the last on the way back), those rows
        are pushed along their own edges, rather than every node pulling from its neighbours."""
        cells = np.flatnonzero(held)
        if len(cells) * PUSH > held.size:
            return self.reach[part] @ values
        rows = np.unique(cells // held.shape[1])
        return self.reach[self.next(part)][rows].T @ values[rows]  # the same edges the other way

    def dependencies(self, part: int, sources: np.ndarray) -> list[np.ndarray]:
        """The sum over `sources` (positions within `part`) of each node's dependency (Brandes'
        δ), part by part, by breadth-first levels. Rows of the dense matrices are nodes and
        columns sources, so each level is one sparse product over row-major arrays."""
        width = len(sources)
        sigma = [np.zeros((len(nodes), width)) for nodes in self.nodes]  # shortest paths from each source
        seen = [np.zeros(paths.shape, dtype=bool) for paths in sigma]
        sigma[part][sources, np.arange(width)] = 1
        seen[part][sources, np.arange(width)] = True
        frontier = sigma[part].copy()
        levels = [(part, seen[part].copy())]  # each level's part, and the nodes first reached there
        while True:
            reached = self.spread(part, frontier, levels[-1][1])
            part = self.next(part)
            new = reached > 0
            new &= ~seen[part]
            if not new.any():
                break
            seen[part] |= new
            reached *= new  # the paths to the nodes reached first here: the next frontier
            sigma[part] += reached
            frontier = reached
            levels.append((part, new))
        delta = [np.zeros(paths.shape) for paths in sigma]
        # back from the farthest level to level 1: the sources' own dependency is not counted
        for (before, first_before), (part, first_here) in reversed(list(zip(levels[1:], levels[2:]))):
            weight = np.divide(1 + delta[part], sigma[part], out=np.zeros(sigma[part].shape), where=first_here)
            # edges are symmetric: the product from `part` back reaches `before`, its only neighbour
            back = self.spread(part, weight, first_here)
            back *= sigma[before]
            np.add(delta[before], back, out=delta[before], where=first_before)
        return [found.sum(axis=1) for found in delta]
