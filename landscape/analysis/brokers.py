"""Brokers: the organisations and posts that sit on most boards and hold the network together.

Betweenness centrality in the membership graph (organisations and boards,
joined by membership) measures how much of the network's indirect contact runs
through each member; a cut vertex is one whose loss would split the boards it
joins into groups with no member in common.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from landscape.analysis.facts import Facts

EXACT_BETWEENNESS_LIMIT = 2000  # above this many nodes, betweenness is estimated from a sample


def brokers(facts: Facts, limit: int = 20) -> list[dict[str, Any]]:
    """Members of two or more boards, most boards first, with betweenness and cut-vertex flags."""
    graph = nx.Graph()
    for board, members in facts.members.items():
        graph.add_edges_from((("m", member), ("b", board)) for member in members)
    if not graph:
        return []
    sample = None if len(graph) <= EXACT_BETWEENNESS_LIMIT else EXACT_BETWEENNESS_LIMIT // 4
    betweenness = nx.betweenness_centrality(graph, k=sample, seed=7)
    cut_vertices = set(nx.articulation_points(graph))
    entities = facts.landscape.entities
    rows = []
    for kind, member in graph:
        if kind != "m":
            continue
        boards = sorted(board for _, board in graph[kind, member])
        if len(boards) < 2:
            continue
        rows.append({
            "id": member, "name": entities[member].name, "type": entities[member].type,
            "sector": entities[member].sector, "boards": boards,
            "board_count": len(boards), "betweenness": round(betweenness[kind, member], 4),
            "cut_vertex": (kind, member) in cut_vertices,
        })
    rows.sort(key=lambda row: (-row["board_count"], -row["betweenness"], row["name"]))
    return rows[:limit]
