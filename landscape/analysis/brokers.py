"""Brokers: the organisations and posts that sit on most boards and hold the network together.

Betweenness centrality in the membership graph (organisations and boards,
joined by membership) measures how much of the network's indirect contact runs
through each member; a cut vertex is one whose loss would split the boards it
joins into groups with no member in common.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from landscape.analysis.facts import Facts

EXACT_BETWEENNESS_LIMIT = 2000  # above this many nodes, betweenness is estimated from a sample
SAMPLE_SOURCES = 128  # how many sources the estimate starts from
BATCH = 32  # sources searched at once, as the columns of one dense matrix


def brokers(facts: Facts, limit: int = 20) -> list[dict[str, Any]]:
    """Members of two or more boards, most boards first, with betweenness and cut-vertex flags."""
    graph = nx.Graph()  # built in sorted order: the sampled estimate depends on it
    for board in sorted(facts.members):
        graph.add_edges_from((("m", member), ("b", board)) for member in sorted(facts.members[board]))
    if not graph:
        return []
    if len(graph) <= EXACT_BETWEENNESS_LIMIT:
        betweenness = nx.betweenness_centrality(graph, seed=7)
    else:
        betweenness = sampled_betweenness(graph, SAMPLE_SOURCES)
    cut_vertices = set(nx.articulation_points(graph))
    entities = facts.landscape.entities
    ranked = sorted(((-len(graph[node]), -round(float(betweenness[node]), 4),
                      entities[node[1]].name, node) for node in graph
                     if node[0] == "m" and len(graph[node]) >= 2), key=itemgetter(0, 1, 2))
    rows = []
    for count, centrality, name, node in ranked[:limit]:
        member = node[1]
        rows.append({
            "id": member, "name": name, "type": entities[member].type,
            "sector": entities[member].sector, "boards": sorted(board for _, board in graph[node]),
            "board_count": -count, "betweenness": -centrality, "cut_vertex": node in cut_vertices,
        })
    return rows


def sampled_betweenness(graph: nx.Graph, k: int, seed: int = 7) -> dict[Any, float]:
    """Normalised betweenness estimated from `k` seeded random sources, scaled as networkx's
    `betweenness_centrality(graph, k)` is. Brandes' algorithm runs for a batch of sources at once
    as sparse-matrix products, which is what makes it affordable on a national landscape."""
    nodes = list(graph)
    n = len(nodes)
    adjacency = sparse.csr_matrix(nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None),
                                  dtype=np.float64)
    sources = np.random.default_rng(seed).choice(n, size=min(k, n), replace=False)
    total = np.zeros(n)
    for batch in np.array_split(sources, max(1, len(sources) // BATCH)):
        total += dependencies(adjacency, batch)
    k = len(sources)
    scale = np.full(n, 1 / (k * (n - 2)) if n > 2 else 0.0)
    scale[sources] = 1 / ((k - 1) * (n - 2)) if k > 1 and n > 2 else 0.0
    return dict(zip(nodes, (total * scale).tolist()))


def dependencies(adjacency: sparse.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """The sum over `sources` of each node's dependency (Brandes' δ), by breadth-first levels.
    Rows of the dense matrices are sources; columns are nodes."""
    count = len(sources)
    rows = np.arange(count)
    sigma = np.zeros((count, adjacency.shape[0]))  # shortest paths from each source
    level = np.full(sigma.shape, -1, dtype=np.int32)
    sigma[rows, sources] = 1
    level[rows, sources] = 0
    frontier, depth = sigma.copy(), 0
    while frontier.any():
        reached = (adjacency @ frontier.T).T
        new = (level < 0) & (reached > 0)
        depth += 1
        level[new] = depth
        sigma[new] = reached[new]
        frontier = np.where(new, sigma, 0.0)
    delta = np.zeros(sigma.shape)
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for d in range(depth, 0, -1):
        weight = np.where(level == d, (1 + delta) / safe_sigma, 0.0)
        delta += np.where(level == d - 1, sigma * (adjacency @ weight.T).T, 0.0)
    delta[rows, sources] = 0
    return delta.sum(axis=0)
