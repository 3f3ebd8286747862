"""Brokers: the organisations and posts that sit on most boards and hold the network together.

The membership graph joins each member (agency, VCS organisation, post) to each
board it sits on. A broker is a member of two or more boards. For each we report:

- its betweenness centrality: the share of shortest paths between two other nodes
  of the graph that pass through it, so how much indirect contact between boards
  and members runs through it;
- whether it is a cut vertex (an articulation point): removing it would split the
  graph into more connected pieces, so some boards would share no one any more.

For example, when agency ``police`` sits on boards ``a`` and ``b`` and nobody else
sits on both, every path from ``a``'s people to ``b``'s runs through ``police``: it
is a cut vertex, with the highest betweenness in the graph.

Exact betweenness (from igraph) takes time proportional to nodes × edges, so above
`EXACT_BETWEENNESS_LIMIT` nodes it is estimated from `SAMPLE_SOURCES` seeded random
sources (Brandes and Pich, 2007; see `betweenness.sampled_betweenness`): the same
landscape always gives the same figures.
"""

from __future__ import annotations

from typing import Any

import igraph
import numpy as np
from scipy import sparse

from landscape.analysis.betweenness import sampled_betweenness
from landscape.analysis.facts import Facts

EXACT_BETWEENNESS_LIMIT = 2000  # above this many nodes, betweenness is estimated from a sample
SAMPLE_SOURCES = 128  # how many sources the estimate starts from
SEED = 7


def brokers(facts: Facts, limit: int = 20) -> list[dict[str, Any]]:
    """Members of two or more boards, most boards first, then highest betweenness, then by
    name and id, each with its boards, betweenness and whether it is a cut vertex."""
    nodes, edges = membership_edges(facts)
    if not len(nodes) or limit <= 0:
        return []
    # igraph reads a list of tuples several times faster than an array of pairs
    graph = igraph.Graph(n=len(nodes), edges=list(zip(*edges.T.tolist())))
    if len(nodes) <= EXACT_BETWEENNESS_LIMIT:
        # a loop joins nothing, and two bodies members of each other are one edge (cut
        # vertices are the same either way)
        centrality = betweenness(graph.simplify())
    else:
        # every edge joins a member to a board, unless a board is also a member (built by hand)
        member, board = np.zeros(len(nodes), dtype=bool), np.zeros(len(nodes), dtype=bool)
        member[edges[:, 0]], board[edges[:, 1]] = True, True
        side = None if (member & board).any() else member
        centrality = sampled_betweenness(adjacency(edges, len(nodes)), SAMPLE_SOURCES, SEED, side)
    cut_vertices = set(graph.articulation_points())
    memberships = facts.relation("member_of")  # member × board
    board_count = np.diff(memberships.indptr)[nodes]
    ids, entities = facts.ids, facts.landscape.entities
    listed = np.flatnonzero(board_count >= 2)
    if limit < len(listed):  # only members on as many boards as the limit-th can be listed
        listed = listed[board_count[listed] >= np.partition(board_count[listed], -limit)[-limit]]
    ranked = sorted((-int(board_count[node]), -round(float(centrality[node]), 4), entities[ids[code]].name,
                     ids[code], node) for node, code in zip(listed.tolist(), nodes[listed].tolist()))
    rows = []
    for count, negated_centrality, name, member, node in ranked[:limit]:
        code = nodes[node]
        boards = memberships.indices[memberships.indptr[code]:memberships.indptr[code + 1]]
        rows.append({
            "id": member, "name": name, "type": entities[member].type, "sector": entities[member].sector,
            "boards": sorted(ids[boards].tolist()), "board_count": -count, "betweenness": -negated_centrality,
            "cut_vertex": node in cut_vertices,
        })
    return rows


def membership_edges(facts: Facts) -> tuple[np.ndarray, np.ndarray]:
    """The membership graph: the entity codes of its nodes, and its edges (member, board) as
    pairs of node numbers.

    Nodes are numbered in the order they first appear in the edges, taken board by board in
    id order and each board's members in id order. Betweenness is estimated from random node
    numbers, so the numbering has to be the same every time.
    """
    by_board = facts.relation("member_of").tocsc()  # member × board, each board's members in id order
    members = by_board.indices.astype(np.int64)
    boards = np.repeat(np.arange(by_board.shape[1]), np.diff(by_board.indptr))
    edges = np.column_stack([members, boards])
    codes, first_place = np.unique(edges.ravel(), return_index=True)
    nodes = codes[np.argsort(first_place)]
    number = np.zeros(len(facts), dtype=np.int64)
    number[nodes] = np.arange(len(nodes))
    return nodes, number[edges]


def adjacency(edges: np.ndarray, size: int) -> sparse.csr_matrix:
    """The symmetric 0/1 adjacency matrix of the undirected graph with these edges, loops
    dropped and repeated edges counted once."""
    edges = edges[edges[:, 0] != edges[:, 1]]
    rows, columns = np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(size, size))
    matrix.data[:] = 1
    return matrix


def betweenness(graph: igraph.Graph) -> np.ndarray:
    """Normalised betweenness centrality of each node, as networkx's `betweenness_centrality`
    gives it: the sum, over pairs of other nodes, of the share of their shortest paths that
    pass through the node, over the (n - 1)(n - 2) / 2 pairs it could lie between.

    For a path of three nodes 0 - 1 - 2, node 1 lies on the one shortest path between the
    other two:

    >>> betweenness(igraph.Graph(edges=[(0, 1), (1, 2)])).tolist()
    [0.0, 1.0, 0.0]
    """
    n = graph.vcount()
    if n <= 2:
        return np.zeros(n)
    return np.asarray(graph.betweenness(directed=False)) * 2 / ((n - 1) * (n - 2))
