"""Clusters of boards that work on the same things.

A board's work is the set of themes it addresses, the initiatives it oversees,
and those initiatives' themes. Two boards are joined when the Jaccard index of
their work is at least `min_similarity`, weighted by it, and the Leiden algorithm
(Traag, Waltman and van Eck, 2019) groups the boards into communities of maximal
modularity: boards more joined to each other than to the rest. Leiden is seeded,
so the same landscape always gives the same clusters.

For example, boards ``a`` and ``b`` both addressing {exploitation, county lines},
and boards ``c`` and ``d`` both addressing {mental health, schools}, make two
clusters: {a, b} and {c, d}.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import igraph
import numpy as np
from scipy import sparse

from landscape.analysis.facts import Facts
from landscape.analysis.incidence import overlaps

SEED = 7


def clusters(facts: Facts, min_similarity: float = 0.2) -> list[dict[str, Any]]:
    """Groups of two or more boards with similar work, largest first, each with the themes
    at least half of its boards cover. Boards within a cluster, and clusters of the same size,
    are in name order, ties broken by id, so the output never depends on hashing."""
    similar = overlaps(work(facts), facts.ids, min_jaccard=min_similarity, columns=facts.codes_of_type("board"))
    if not len(similar):
        return []
    found: list[dict[str, Any]] = []
    for community in communities(similar.first, similar.second, similar.jaccard):
        if len(community) < 2:
            continue
        boards = sorted(similar.groups[community].tolist(), key=lambda board: (facts.name(board), board))
        theme_counts = Counter(theme for board in boards for theme in facts.board_covers(board))
        common = sorted((theme for theme, count in theme_counts.items() if count * 2 >= len(boards)),
                        key=lambda theme: (-theme_counts[theme], facts.name(theme), theme))
        found.append({"boards": boards, "board_names": [facts.name(b) for b in boards],
                      "themes": common, "theme_names": [facts.name(t) for t in common]})
    found.sort(key=lambda cluster: (-len(cluster["boards"]), cluster["board_names"], cluster["boards"]))
    for number, cluster in enumerate(found, 1):
        cluster["id"] = f"cluster-{number}"
    return found


def communities(first: np.ndarray, second: np.ndarray, weight: np.ndarray, seed: int = SEED) -> list[np.ndarray]:
    """The communities of the weighted graph with edges (first[k], second[k], weight[k]), as
    arrays of the node numbers they hold, found by Leiden for maximal modularity.

    >>> [c.tolist() for c in communities(np.array([0, 2]), np.array([1, 3]), np.array([1.0, 1.0]))]
    [[0, 1], [2, 3]]
    """
    order = np.lexsort((second, first))  # Leiden's result depends on the order of the edges
    first, second, weight = first[order], second[order], weight[order]
    nodes, edges = np.unique(np.concatenate([first, second]), return_inverse=True)
    graph = igraph.Graph(n=len(nodes), edges=edges.reshape(2, -1).T)
    # igraph draws from one process-wide generator: seed it for this call, then give it back
    igraph.set_random_number_generator(random.Random(seed))
    try:
        partition = graph.community_leiden(objective_function="modularity", weights=weight.tolist(),
                                           n_iterations=-1)
    finally:
        igraph.set_random_number_generator(random)
    return [nodes[members] for members in partition]


def work(facts: Facts) -> sparse.csr_matrix:
    """The 0/1 item × board matrix of each board's work: the themes it addresses, the
    initiatives it oversees and their themes (O + R + O·R, with O oversight and R remit)."""
    oversees, addresses = facts.relation("oversees"), facts.relation("addresses")
    work = (oversees + addresses + oversees @ addresses).T.tocsr()
    work.data[:] = 1
    return work
