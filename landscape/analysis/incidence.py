"""Pairwise overlaps of sets, computed from a sparse incidence matrix.

For groups (boards) and the items they hold (members, themes), the incidence
matrix B has a 1 where item i belongs to group g. Then C = BᵀB counts, for every
pair of groups at once, how many items they share: one sparse product instead of
a Python loop over pairs, so a national landscape of thousands of boards and a
million memberships takes well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import pandas as pd
from scipy import sparse


@dataclass(frozen=True)
class Overlaps:
    """Pairs of groups (indices into `groups`, first < second) with the items they share,
    in no particular order (but always the same order for the same input)."""

    groups: np.ndarray
    first: np.ndarray
    second: np.ndarray
    shared: np.ndarray
    jaccard: np.ndarray

    def __len__(self) -> int:
        return len(self.first)

    def __iter__(self) -> Iterator[tuple[str, str, int, float]]:
        names = self.groups
        for a, b, count, score in zip(self.first.tolist(), self.second.tolist(),
                                      self.shared.tolist(), self.jaccard.tolist()):
            yield str(names[a]), str(names[b]), int(count), float(score)


def overlap_matrix(memberships: Iterable[tuple[str, str]], min_shared: int = 1) -> Overlaps:
    """Every pair of groups sharing at least `min_shared` items, with the Jaccard index of
    their item sets. `memberships` are (item, group) pairs; repeats count once. Groups are
    numbered in sorted order, so `first < second` also orders the pair by name."""
    pairs = list(memberships)
    if not pairs:
        empty = np.array([], dtype=np.int64)
        return Overlaps(np.array([], dtype=object), empty, empty, empty, empty.astype(float))
    item_index, _ = pd.factorize(np.array(list(map(itemgetter(0), pairs)), dtype=object))
    group_index, group_names = pd.factorize(np.array(list(map(itemgetter(1), pairs)), dtype=object),
                                            sort=True)
    incidence = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=np.int32), (item_index, group_index)),
        shape=(item_index.max() + 1, len(group_names)))
    incidence.sum_duplicates()
    incidence.data[:] = 1
    sizes = np.asarray(incidence.sum(axis=0)).ravel()
    shared = (incidence.T.tocsr() @ incidence).tocoo()
    keep = (shared.row < shared.col) & (shared.data >= max(min_shared, 1))
    first, second, counts = shared.row[keep], shared.col[keep], shared.data[keep]
    jaccard = counts / (sizes[first] + sizes[second] - counts)
    return Overlaps(np.asarray(group_names, dtype=object), first, second, counts, jaccard)


def pair_overlaps(memberships: Iterable[tuple[str, str]],
                  min_shared: int = 1) -> Iterator[tuple[str, str, int, float]]:
    """Yield (group a, group b, items shared, Jaccard) for each pair sharing ≥ `min_shared`
    items, with a < b."""
    return iter(overlap_matrix(memberships, min_shared))
