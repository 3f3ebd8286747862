"""Pairwise overlaps of sets, computed from a sparse incidence matrix.

For groups (boards) and the items they hold (members, themes), the incidence
matrix B has a 1 where item i belongs to group g. Then C = BᵀB counts, for every
pair of groups at once, how many items they share: one sparse product instead of
a Python loop over pairs, so a national landscape of thousands of boards and a
million memberships takes well under a second. Pairs are filtered as arrays too,
so Python only ever sees the pairs that are reported.
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
        return zip(names[self.first].tolist(), names[self.second].tolist(),
                   self.shared.tolist(), self.jaccard.tolist())

    def where(self, keep: np.ndarray) -> Overlaps:
        """The pairs where the boolean array `keep` is true, in the same order."""
        return Overlaps(self.groups, self.first[keep], self.second[keep], self.shared[keep],
                        self.jaccard[keep])

    def share_any(self, memberships: Iterable[tuple[str, str]]) -> np.ndarray:
        """For each pair, whether its two groups also have an item in common under another
        relation (`memberships`, (item, group) pairs), e.g. a lead or an overseer."""
        matrix = incidence(memberships, self.groups)[0]
        if not len(self):
            return np.zeros(0, dtype=bool)
        product = (matrix.T @ matrix).tocsr()
        return np.asarray(product[self.first, self.second]).ravel() > 0

    def holds_any(self, memberships: Iterable[tuple[str, str]]) -> np.ndarray:
        """For each group, whether it holds any item under `memberships`."""
        return np.asarray(incidence(memberships, self.groups)[0].sum(axis=0)).ravel() > 0


def incidence(memberships: Iterable[tuple[str, str]],
              groups: np.ndarray | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The 0/1 item × group matrix of (item, group) pairs, and its groups: those given (in
    that order; pairs of other groups are left out), else every group, in sorted order."""
    pairs = list(memberships)
    items = np.array(list(map(itemgetter(0), pairs)), dtype=object)
    named = np.array(list(map(itemgetter(1), pairs)), dtype=object)
    if groups is None:
        group_index, groups = pd.factorize(named, sort=True)
    else:
        group_index = pd.Index(groups).get_indexer(named) if len(groups) else np.full(len(pairs), -1)
    kept = group_index >= 0
    item_index, _ = pd.factorize(items[kept])
    matrix = sparse.csr_matrix(
        (np.ones(int(kept.sum()), dtype=np.int32), (item_index, group_index[kept])),
        shape=(int(item_index.max()) + 1 if len(item_index) else 0, len(groups)))
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix, np.asarray(groups, dtype=object)


def overlap_matrix(memberships: Iterable[tuple[str, str]], min_shared: int = 1,
                   min_jaccard: float = 0.0) -> Overlaps:
    """Every pair of groups sharing at least `min_shared` items with a Jaccard index of their
    item sets of at least `min_jaccard`. `memberships` are (item, group) pairs; repeats count
    once. Groups are numbered in sorted order, so `first < second` also orders the pair by name."""
    matrix, groups = incidence(memberships)
    sizes = np.asarray(matrix.sum(axis=0)).ravel()
    shared = (matrix.T.tocsr() @ matrix).tocoo()
    keep = (shared.row < shared.col) & (shared.data >= max(min_shared, 1))
    first, second, counts = shared.row[keep], shared.col[keep], shared.data[keep]
    jaccard = counts / (sizes[first] + sizes[second] - counts)
    found = Overlaps(groups, first, second, counts, jaccard)
    return found.where(jaccard >= min_jaccard) if min_jaccard > 0 else found


def pair_overlaps(memberships: Iterable[tuple[str, str]],
                  min_shared: int = 1) -> Iterator[tuple[str, str, int, float]]:
    """Yield (group a, group b, items shared, Jaccard) for each pair sharing ≥ `min_shared`
    items, with a < b."""
    return iter(overlap_matrix(memberships, min_shared))
