"""Pairwise overlaps of sets, computed from a sparse incidence matrix.

For groups (boards) and the items they hold (members, themes), the incidence
matrix B has a 1 where item i belongs to group g. Then C = BᵀB counts, for every
pair of groups at once, how many items they share: one sparse product instead of
a Python loop over pairs, so a national landscape of thousands of boards takes
well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from scipy import sparse


def pair_overlaps(memberships: Iterable[tuple[str, str]],
                  min_shared: int = 1) -> Iterator[tuple[str, str, int, float]]:
    """Yield (group a, group b, items shared, Jaccard) for each pair sharing ≥ `min_shared` items.

    `memberships` are (item, group) pairs; repeats count once. Pairs come with
    a < b, in no particular order.
    """
    item_ids: dict[str, int] = {}
    group_ids: dict[str, int] = {}
    cells = {(item_ids.setdefault(item, len(item_ids)), group_ids.setdefault(group, len(group_ids)))
             for item, group in memberships}
    if not cells:
        return
    item_index, group_index = np.array(list(cells), dtype=np.int64).T
    incidence = sparse.csr_matrix(
        (np.ones(len(cells), dtype=np.int32), (item_index, group_index)),
        shape=(len(item_ids), len(group_ids)))
    groups = list(group_ids)
    sizes = np.asarray(incidence.sum(axis=0)).ravel()
    shared = sparse.triu(incidence.T @ incidence, k=1).tocoo()
    keep = shared.data >= max(min_shared, 1)
    rows, cols, counts = shared.row[keep], shared.col[keep], shared.data[keep]
    jaccard = counts / (sizes[rows] + sizes[cols] - counts)
    for a, b, count, score in zip(rows.tolist(), cols.tolist(), counts.tolist(), jaccard.tolist()):
        first, second = sorted((groups[a], groups[b]))
        yield first, second, int(count), float(score)
