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

Exact betweenness takes time proportional to nodes × edges, so above
`EXACT_BETWEENNESS_LIMIT` nodes it is estimated from `SAMPLE_SOURCES` seeded random
sources (Brandes and Pich, 2007): the same landscape always gives the same figures.
"""

from __future__ import annotations

from typing import Any

import igraph
import numpy as np

from landscape.analysis.facts import Facts

EXACT_BETWEENNESS_LIMIT = 2000  # above this many nodes, betweenness is estimated from a sample
SAMPLE_SOURCES = 128  # how many sources the estimate starts from
SEED = 7


def brokers(facts: Facts, limit: int = 20) -> list[dict[str, Any]]:
    """Members of two or more boards, most boards first, then highest betweenness, then by
    name and id, each with its boards, betweenness and whether it is a cut vertex."""
    nodes, graph = membership_graph(facts)
    if not len(nodes) or limit <= 0:
        return []
    sources = None if len(nodes) <= EXACT_BETWEENNESS_LIMIT else SAMPLE_SOURCES
    centrality = betweenness(graph, sources)
    cut_vertices = set(graph.articulation_points())
    memberships = facts.relation("member_of")  # member × board
    board_count = np.diff(memberships.indptr)[nodes]
    ids, entities = facts.ids, facts.landscape.entities
    ranked = sorted((-int(board_count[node]), -round(float(centrality[node]), 4), entities[ids[code]].name,
                     ids[code], node) for node, code in enumerate(nodes.tolist()) if board_count[node] >= 2)
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


def membership_graph(facts: Facts) -> tuple[np.ndarray, igraph.Graph]:
    """The membership graph: the entity codes of its nodes, and the undirected graph on them.

    Nodes are numbered in the order they first appear in the edge list (member, board),
    taken board by board in id order and each board's members in id order. Betweenness is
    sampled from random node numbers, so the numbering has to be the same every time.
    A body that is a member of itself (only a landscape built by hand has one) joins
    nothing: loops are dropped, and two bodies members of each other are one edge.
    """
    by_board = facts.relation("member_of").tocsc()  # member × board, each board's members in id order
    members = by_board.indices.astype(np.int64)
    boards = np.repeat(np.arange(by_board.shape[1]), np.diff(by_board.indptr))
    edges = np.column_stack([members, boards])
    codes, first_place = np.unique(edges.ravel(), return_index=True)
    nodes = codes[np.argsort(first_place)]
    number = np.zeros(len(facts), dtype=np.int64)
    number[nodes] = np.arange(len(nodes))
    graph = igraph.Graph(n=len(nodes), edges=number[edges])
    graph.simplify()
    return nodes, graph


def betweenness(graph: igraph.Graph, sources: int | None = None, seed: int = SEED) -> np.ndarray:
    """Normalised betweenness centrality of each node: exact, or estimated from `sources`
    random source nodes (drawn with `seed`), scaled as networkx's
    `betweenness_centrality(graph, k=sources, seed=...)` scales its estimate, so that the
    figures compare with networkx's exact ones.

    For a path of three nodes 0 - 1 - 2, node 1 lies on the one shortest path between the
    other two, the only pair it could lie between:

    >>> betweenness(igraph.Graph(edges=[(0, 1), (1, 2)])).tolist()
    [0.0, 1.0, 0.0]
    """
    n = graph.vcount()
    if n <= 2:
        return np.zeros(n)
    if sources is None or sources >= n or sources < 2:
        # igraph counts each unordered pair once: (n - 1)(n - 2) / 2 pairs exclude a node
        return np.asarray(graph.betweenness(directed=False)) * 2 / ((n - 1) * (n - 2))
    sampled = np.random.default_rng(seed).choice(n, size=sources, replace=False)
    # from a subset of sources igraph counts half of each path's share, as for the exact figure
    total = 2 * np.asarray(graph.betweenness(directed=False, sources=sampled.tolist()))
    # a source is never counted on its own paths: it lies between k - 1 sources' paths, others k
    scale = np.full(n, 1 / (sources * (n - 2)))
    scale[sampled] = 1 / ((sources - 1) * (n - 2))
    return total * scale
