"""Pairs of sets that overlap, found with one sparse matrix product.

Groups (boards, initiatives) hold items (members, themes). Put them in a 0/1
incidence matrix B, one row per item and one column per group. Then

    C = BᵀB

holds in C[a, b] how many items groups a and b share, for every pair at once,
and the Jaccard index of the pair is C[a, b] / (|a| + |b| - C[a, b]). Pairs are
kept when they share enough items and their Jaccard index reaches the
threshold. An item nearly every group holds (an umbrella theme) puts nearly
every pair in BᵀB, however few are similar: then the product leaves out each
group's commonest items, as far as the threshold allows, and BᵀB is read for the
pairs it finds only (see `similar_candidates`). The product is computed in blocks
of `BLOCK` groups so that a national landscape's pairs never sit in memory all at
once.

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
PREFIX_SHARE = 4  # ℓ: candidate pairs share this many items of their prefixes (see `similar_candidates`)
PREFIXES_PAY = 3  # prefixes are used when their product takes at most 1/3 of the multiplications of BᵀB


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
    incidence = sparse.csc_matrix(matrix[:, columns], dtype=np.int32)
    incidence.eliminate_zeros()  # a stored zero holds nothing
    # groups that hold nothing share nothing: leaving them out keeps the blocks few
    nonempty = np.flatnonzero(np.diff(incidence.indptr))
    incidence = incidence[:, nonempty]
    sizes = np.diff(incidence.indptr)
    # a partner of a group shares at least min_shared items with it, and at least a share
    # min_jaccard of the group's own items (their union is no smaller); the margin keeps a
    # bound that rounding puts a hair above a whole number from rising past it
    need = np.maximum(np.ceil(min_jaccard * sizes - 1e-9).astype(np.int64), max(min_shared, 1))
    first, second, shared = similar_candidates(incidence, need)
    union = sizes[first] + sizes[second] - shared
    jaccard = shared / union
    keep = (shared >= max(min_shared, 1)) & (jaccard >= min_jaccard)
    return Overlaps(np.asarray(groups, dtype=object)[columns], nonempty[first[keep]], nonempty[second[keep]],
                    shared[keep], union[keep], jaccard[keep], columns)


def similar_candidates(incidence: sparse.csc_matrix, need: np.ndarray, share: int = PREFIX_SHARE
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of groups (columns of the 0/1 item × group `incidence`, first < second) and how many
    items they share: every pair sharing at least `need[g]` items for each of its groups g, and
    perhaps others (the caller filters them by what they share).

    The prefix principle (Bayardo, Ma and Srikant 2007; for ℓ shared items, Wang, Li and Feng
    2012): order the items rarest first. If groups x and y share α items or more, the ℓ-th of
    those has at least α - ℓ shared items after it, so the first |x| - α + ℓ items of x and
    the first |y| - α + ℓ of y share at least ℓ items. Here α is the larger `need` of the pair
    and ℓ is `share` (or α, if smaller): each group's prefix leaves out its `need - share`
    commonest items. The product of the prefixes PᵀP gives the candidates, the pairs sharing
    ℓ items in it, and BᵀB is read for those only. An item nearly every group holds is in
    few prefixes.

    Prefixes are used when their product takes at most 1/`PREFIXES_PAY` of the
    multiplications of BᵀB (a fifth, for the work of a national landscape's boards); else
    every group keeps all its items (ℓ = α), and PᵀP = BᵀB counts each pair exactly.

    Item 0 is held by all four groups; groups 0 and 1 share items 0 and 1, groups 2 and 3
    items 0 and 2. Asked for pairs sharing 2 items with ℓ = 1, each group's prefix leaves out
    its commonest item, 0, and only those two pairs are candidates:

    >>> groups = sparse.csc_matrix(np.array([[1, 1, 1, 1], [1, 1, 0, 0], [0, 0, 1, 1]]))
    >>> [part.tolist() for part in similar_candidates(groups, np.array([2, 2, 2, 2]), share=1)]
    [[0, 2], [1, 3], [2, 2]]
    """
    # in order of need, so that a pair's α and ℓ are those of its second group
    order = np.argsort(need, kind="stable")
    incidence, need = incidence[:, order], need[order]
    sizes = np.diff(incidence.indptr)
    whole = incidence.T  # group × item
    prefix = sizes - np.clip(need - share, 0, None)
    by_group = leading_items(incidence, prefix) if (prefix < sizes).any() else whole
    if multiplications(by_group) * PREFIXES_PAY > multiplications(whole):
        by_group, prefix = whole, sizes  # verifying the candidates would cost more than the product saves
    ell = need - (sizes - prefix)
    prefixes = by_group.T.tocsr()
    found = []
    for start in range(0, len(sizes), BLOCK):
        # the block's rows of PᵀP against the groups from `start` on: only pairs above the
        # diagonal are wanted, and those need no column before the block's first
        # nor any needing more items than the block's largest group holds
        end = np.searchsorted(need, sizes[start:start + BLOCK].max(), side="right")
        product = by_group[start:start + BLOCK] @ prefixes[:, start:end]
        hits = np.flatnonzero(product.data >= ell[start])  # the least ℓ of any pair here, to read few again
        first = np.searchsorted(product.indptr, hits, side="right") - 1 + start
        second, shared = product.indices[hits] + start, product.data[hits]
        keep = (first < second) & (shared >= ell[second])
        found.append((first[keep], second[keep], shared[keep]))
    first, second, shared = (np.concatenate([part[n] for part in found]).astype(np.int64) if found
                             else np.zeros(0, dtype=np.int64) for n in range(3))
    partial = (prefix[first] < sizes[first]) | (prefix[second] < sizes[second])
    if partial.any():  # BᵀB for the pairs whose prefixes leave items out
        items = incidence.T  # group × item
        shared[partial] = np.asarray(items[first[partial]].multiply(items[second[partial]]).sum(axis=1)).ravel()
    first, second = order[first], order[second]
    return np.minimum(first, second), np.maximum(first, second), shared


def multiplications(by_group: sparse.csr_matrix) -> int:
    """How many multiplications the product of a 0/1 group × item matrix with its transpose
    takes: for each item, the square of the number of groups holding it.

    >>> multiplications(sparse.csr_matrix(np.array([[1, 1], [1, 0]])))
    5
    """
    holders = np.bincount(by_group.indices, minlength=by_group.shape[1]).astype(np.int64)
    return int(holders @ holders)


def leading_items(incidence: sparse.csc_matrix, lengths: np.ndarray) -> sparse.csr_matrix:
    """The 0/1 group × item matrix of each group's first `lengths[g]` items, rarest first (ties
    by item), from the 0/1 item × group `incidence`.

    >>> leading_items(sparse.csc_matrix(np.array([[1, 1], [1, 0]])), np.array([1, 1])).toarray().tolist()
    [[0, 1], [1, 0]]
    """
    holders = np.bincount(incidence.indices, minlength=incidence.shape[0])
    group = np.repeat(np.arange(incidence.shape[1]), np.diff(incidence.indptr))
    rarest = np.lexsort((incidence.indices, holders[incidence.indices], group))
    kept = rarest[np.arange(len(group)) - incidence.indptr[group] < lengths[group]]
    return sparse.csr_matrix((np.ones(len(kept), dtype=np.int32), (group[kept], incidence.indices[kept])),
                             shape=incidence.shape[::-1])


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
