"""Clusters of boards that work on the same things.

Each board's work is the set of themes it addresses, the themes of the
initiatives it oversees, and those initiatives themselves. Boards are joined
with the Jaccard similarity of their work, and Louvain community detection
(seeded, so the same landscape always gives the same clusters) groups them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from landscape.analysis.facts import Facts
from landscape.analysis.incidence import overlaps


def clusters(facts: Facts, min_similarity: float = 0.2) -> list[dict[str, Any]]:
    """Groups of two or more boards with similar work, largest first, with their common themes."""
    similar = overlaps(work(facts), facts.ids, min_jaccard=min_similarity,
                       columns=facts.codes_of_type("board"))
    order = np.lexsort((similar.second, similar.first))  # in id order: Louvain's result depends on it
    graph = nx.Graph()
    graph.add_weighted_edges_from((a, b, jaccard) for a, b, _, jaccard in similar.where(order))
    if not graph:
        return []
    found: list[dict[str, Any]] = []
    for community in nx.community.louvain_communities(graph, weight="weight", seed=7):
        if len(community) < 2:
            continue
        boards = sorted(community, key=facts.name)
        theme_counts = Counter(theme for board in boards for theme in facts.board_covers(board))
        common = sorted((theme for theme, count in theme_counts.items() if count * 2 >= len(boards)),
                        key=lambda theme: (-theme_counts[theme], facts.name(theme)))
        found.append({"boards": boards, "board_names": [facts.name(b) for b in boards],
                      "themes": common, "theme_names": [facts.name(t) for t in common]})
    found.sort(key=lambda cluster: (-len(cluster["boards"]), cluster["board_names"]))
    for number, cluster in enumerate(found, 1):
        cluster["id"] = f"cluster-{number}"
    return found


def work(facts: Facts) -> sparse.csr_matrix:
    """The 0/1 item × board matrix of each board's work: the themes it addresses, the
    initiatives it oversees and their themes (O + R + O·R, with O oversight and R remit)."""
    oversees, addresses = facts.relation("oversees"), facts.relation("addresses")
    held = (oversees + addresses + oversees @ addresses).T.tocsr()
    held.data[:] = 1
    return held
