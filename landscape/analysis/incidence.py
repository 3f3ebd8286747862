"""Pairs of sets that overlap, found with one sparse matrix product.

Groups (boards, initiatives) hold items (members, themes). Put them in a 0/1
incidence matrix B, one row per item and one column per group. Then

    C = BᵀB

holds in C[a, b] how many items groups a and b share, for every pair at once,
and the Jaccard index of the pair is C[a, b] / (|a| + |b| - C[a, b]). Pairs are
kept when they share enough items and their Jaccard index reaches the
threshold. The product is computed in blocks of `BLOCK` groups so that a
national landscape's pairs never sit in memory all at once.

For example, boards ``b1`` with members {x, y, z} and ``b2`` with {y, z} share
2 members out of 3 in all: Jaccard 2/3.

>>> found = overlap_matrix([("x", "b1"), ("y", "b1"), ("z", "b1"), ("y", "b2"), ("z", "b2")])
>>> list(found)
[('b1', 'b2', 2, 0.6666666666666666)]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse

BLOCK = 1024  # groups whose pairs are computed and filtered at once


@dataclass(frozen=True)
class Overlaps:
    """Pairs of groups (indices into `groups`, first < second) with how many items they share,
    how many they hold between them (`union`) and their Jaccard index. `columns` are the groups'
    columns in the incidence matrix the pairs came from (entity codes, for `Facts`)."""

    groups: np.ndarray
    first: np.ndarray
    second: np.ndarray
    shared: np.ndarray
    union: np.ndarray
    jaccard: np.ndarray
    columns: np.ndarray

    def __len__(self) -> int:
        return len(self.first)

    def __iter__(self) -> Iterator[tuple[str, str, int, float]]:
        """Each pair as (first group, second group, items shared, Jaccard index)."""
        return zip(self.groups[self.first].tolist(), self.groups[self.second].tolist(),
                   self.shared.tolist(), self.jaccard.tolist())

    def where(self, keep: np.ndarray) -> Overlaps:
        """The pairs `keep` selects: a boolean mask, or indices (giving the pairs in that order)."""
        return Overlaps(self.groups, self.first[keep], self.second[keep], self.shared[keep],
                        self.union[keep], self.jaccard[keep], self.columns)

    def codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each pair's two groups as columns of the incidence matrix (entity codes)."""
        return self.columns[self.first], self.columns[self.second]

    def share_any(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """For each pair, whether its two groups also share an item of another item × group
        incidence `matrix` over the same columns (for example, a lead of two initiatives)."""
        if not len(self):
            return np.zeros(0, dtype=bool)
        of_groups = matrix[:, self.columns]
        return entries(of_groups.T @ of_groups, self.first, self.second) > 0

    def holds_any(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """For each group, whether it holds any item of `matrix` (as in `share_any`)."""
        return np.asarray(matrix[:, self.columns].sum(axis=0)).ravel() > 0


def overlaps(matrix: sparse.spmatrix, groups: np.ndarray, min_shared: int = 1,
             min_jaccard: float = 0.0, columns: np.ndarray | None = None) -> Overlaps:
    """Every pair of groups sharing at least `min_shared` items with a Jaccard index of at
    least `min_jaccard`. Groups are the columns of the 0/1 item × group `matrix`, named by
    `groups`; with `columns`, only those columns are groups, and pair indices count within
    `columns`."""
    if columns is None:
        columns = np.arange(matrix.shape[1])
    incidence = sparse.csr_matrix(matrix[:, columns], dtype=np.int32)
    incidence.eliminate_zeros()  # a stored zero holds nothing
    # groups that hold nothing share nothing: leaving them out keeps the blocks few
    nonempty = np.flatnonzero(np.diff(incidence.tocsc().indptr))
    incidence = incidence[:, nonempty]
    by_group = incidence.T.tocsr()
    sizes = np.diff(by_group.indptr)
    least = max(min_shared, 1)
    found = []
    for start in range(0, incidence.shape[1], BLOCK):
        # the block's rows of BᵀB, against the groups from `start` on: only pairs above the
        # diagonal are wanted, and those need no column before the block's first
        shared = by_group[start:start + BLOCK] @ incidence[:, start:]
        first = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr)) + start
        second = shared.indices.astype(np.int64) + start
        keep = (first < second) & (shared.data >= least)
        first, second, count = first[keep], second[keep], shared.data[keep].astype(np.int64)
        union = sizes[first] + sizes[second] - count
        jaccard = count / union
        keep = jaccard >= min_jaccard
        found.append((nonempty[first[keep]], nonempty[second[keep]], count[keep], union[keep], jaccard[keep]))
    first, second, shared_items, union, jaccard = (
        np.concatenate([part[n] for part in found]) if found else np.zeros(0, dtype=dtype)
        for n, dtype in enumerate((np.int64, np.int64, np.int64, np.int64, np.float64)))
    return Overlaps(np.asarray(groups, dtype=object)[columns], first, second, shared_items, union, jaccard,
                    columns)


def entries(matrix: sparse.spmatrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The values of a sparse matrix at (rows[k], columns[k]), as a flat array."""
    if not len(rows):
        return np.zeros(0, dtype=matrix.dtype)
    return np.asarray(sparse.csr_matrix(matrix)[rows, columns]).ravel()


def incidence_matrix(items: np.ndarray, groups: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """The 0/1 item × group matrix of the pairs (items[k], groups[k]) of integer codes;
    repeated pairs count once."""
    matrix = sparse.csr_matrix((np.ones(len(items), dtype=np.int32), (items, groups)), shape=shape)
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def incidence(memberships: Iterable[tuple[str, str]],
              groups: np.ndarray | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The 0/1 item × group matrix of (item, group) pairs of names, and its groups: those given
    (in that order; pairs of other groups are left out), else every group, in sorted order."""
    import pandas as pd  # imported here: the analysis codes its ids itself, and a report need not load pandas

    pairs = list(memberships)
    items = np.array([item for item, _ in pairs], dtype=object)
    named = np.array([group for _, group in pairs], dtype=object)
    if groups is None:
        group_index, groups = pd.factorize(named, sort=True)
    else:
        group_index = pd.Index(groups).get_indexer(named) if len(groups) else np.full(len(pairs), -1)
    kept = group_index >= 0
    item_index, _ = pd.factorize(items[kept])
    rows = int(item_index.max()) + 1 if len(item_index) else 0
    matrix = incidence_matrix(item_index, group_index[kept], (rows, len(groups)))
    return matrix, np.asarray(groups, dtype=object)


def overlap_matrix(memberships: Iterable[tuple[str, str]], min_shared: int = 1,
                   min_jaccard: float = 0.0) -> Overlaps:
    """`overlaps` of (item, group) pairs of names; repeats count once. Groups are numbered in
    sorted order, so `first < second` also orders the pair by name."""
    matrix, groups = incidence(memberships)
    return overlaps(matrix, groups, min_shared, min_jaccard)


def rounded_ratios(numerators: np.ndarray, denominators: np.ndarray, digits: int = 4) -> np.ndarray:
    """`round(n / d, digits)` for each pair, as Python's `round` gives it (NumPy's rounding can
    differ in the last digit, and the score shown is Python's). Each distinct ratio is rounded
    once: Jaccard indices of small sets take few distinct values."""
    numerators = np.asarray(numerators, dtype=np.int64)
    denominators = np.asarray(denominators, dtype=np.int64)
    if not len(numerators):
        return np.zeros(0)
    width = int(denominators.max()) + 1
    distinct, inverse = np.unique(numerators * width + denominators, return_inverse=True)
    values = [round(n / d, digits) for n, d in zip((distinct // width).tolist(),
                                                    (distinct % width).tolist())]
    return np.asarray(values, dtype=np.float64)[inverse]
