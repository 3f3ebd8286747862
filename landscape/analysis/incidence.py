"""Pairwise overlaps of sets, computed from a sparse incidence matrix.

For groups (boards) and the items they hold (members, themes), the incidence
matrix B has a 1 where item i belongs to group g. Then C = BᵀB counts, for every
pair of groups at once, how many items they share: one sparse product instead of
a Python loop over pairs, so a national landscape of thousands of boards and a
million memberships takes well under a second. Pairs are filtered as arrays too,
so Python only ever sees the pairs that are reported.

Items and groups are integer codes: `Facts` codes every entity id once (ids in
sorted order, so comparing codes compares ids), and the matrices are built
straight from the code arrays. Hashing a million string ids again for each
product used to cost more than the product itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse

BLOCK = 1024  # groups whose overlaps are computed at once
COMMON = 32  # an item held by at least one group in COMMON is common (see `overlaps`; 32 measured best)
MAX_COMMON = 64  # at most this many common items, one bit each of a 64-bit word


@dataclass(frozen=True)
class Overlaps:
    """Pairs of groups (indices into `groups`, first < second) with the items they share,
    in no particular order (but always the same order for the same input). `columns` are the
    groups' columns in the incidence matrix they came from (entity codes, for `Facts`)."""

    groups: np.ndarray
    first: np.ndarray
    second: np.ndarray
    shared: np.ndarray
    union: np.ndarray  # how many items the two groups hold between them
    jaccard: np.ndarray
    columns: np.ndarray

    def __len__(self) -> int:
        return len(self.first)

    def __iter__(self) -> Iterator[tuple[str, str, int, float]]:
        names = self.groups
        return zip(names[self.first].tolist(), names[self.second].tolist(),
                   self.shared.tolist(), self.jaccard.tolist())

    def where(self, keep: np.ndarray) -> Overlaps:
        """The pairs where the boolean array `keep` is true, in the same order (or, for an
        array of indices, those pairs in that order)."""
        return Overlaps(self.groups, self.first[keep], self.second[keep], self.shared[keep],
                        self.union[keep], self.jaccard[keep], self.columns)

    def codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each pair's two groups as columns of the incidence matrix (entity codes)."""
        return self.columns[self.first], self.columns[self.second]

    def share_any(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """For each pair, whether its two groups also have an item in common under another
        relation: `matrix` is an item × group incidence matrix over the same columns as the one
        the pairs came from (e.g. leads or overseers of initiatives)."""
        if not len(self):
            return np.zeros(0, dtype=bool)
        held = matrix[:, self.columns]
        return entries(held.T @ held, self.first, self.second) > 0

    def holds_any(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """For each group, whether it holds any item under `matrix` (as in `share_any`)."""
        return np.asarray(matrix[:, self.columns].sum(axis=0)).ravel() > 0


def entries(matrix: sparse.spmatrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The values of a sparse matrix at (rows[k], columns[k]), as a flat array. Each is looked
    up by halving its row when the rows' columns are sorted, else by scanning the row: a
    product `A.T @ B` comes out column-major, and made row-major here its rows are sorted
    (a row-major product's are not, and a million lookups in one took four times as long)."""
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


def overlaps(matrix: sparse.spmatrix, groups: np.ndarray, min_shared: int = 1,
             min_jaccard: float = 0.0, columns: np.ndarray | None = None) -> Overlaps:
    """Every pair of groups (columns of the 0/1 item × group `matrix`, named by `groups`)
    sharing at least `min_shared` items with a Jaccard index of their item sets of at least
    `min_jaccard`. With `columns`, only those columns are groups (in that order): pair indices
    then count within `columns`.

    An item nearly every group holds (an umbrella theme such as safeguarding itself) puts
    every pair of groups in the product BᵀB: 78 million pairs for 9,659 boards, when 404 of
    them were similar enough. With a Jaccard threshold such common items are left out of the
    product and added, as bits, to the counts of the pairs it finds. A pair sharing nothing
    but common items reaches the threshold only if, in both groups, common items make up at
    least that share of their items; those few groups are compared with every item."""
    if columns is None:
        columns = np.arange(matrix.shape[1])
    else:
        matrix = matrix[:, columns]
    sizes = np.asarray(matrix.sum(axis=0)).ravel()
    held = np.flatnonzero(sizes)  # groups with no item share nothing
    held_sizes = sizes[held]
    matrix = sparse.csr_matrix(matrix[:, held])
    matrix.eliminate_zeros()  # a stored zero is no item held (common items are found by position)
    floor = max(min_shared, 1)
    parts = []

    def collect(pairs: Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]], among: np.ndarray | None = None,
                leave: np.ndarray | None = None) -> None:
        """Keep the pairs similar enough. Their indices count within `among` (positions in
        `held`), if given; pairs of two groups `leave` marks are left out."""
        for first, second, counts in pairs:
            if among is not None:
                first, second = among[first], among[second]
            union = held_sizes[first] + held_sizes[second] - counts
            jaccard = counts / union
            keep = (jaccard >= min_jaccard) & (counts >= floor)
            if leave is not None:
                keep &= ~(leave[first] & leave[second])
            parts.append((held[first[keep]], held[second[keep]], counts[keep], union[keep], jaccard[keep]))

    common = common_items(matrix) if min_jaccard > 0 else np.zeros(0, dtype=np.int64)
    bits = np.zeros(len(held), dtype=np.uint64)  # the common items each group holds, one bit each
    for bit, item in enumerate(common.tolist()):
        bits[matrix.indices[matrix.indptr[item]:matrix.indptr[item + 1]]] |= np.uint64(1 << bit)
    holds = np.bitwise_count(bits)
    # sharing only c common items, a pair is similar enough only if c ≥ t × (either group's size)
    mostly_common = (holds >= floor) & (holds + 1e-9 >= min_jaccard * held_sizes)
    if not len(common) or mostly_common.sum() * 2 > len(held):
        collect(shared_counts(matrix, floor))
    else:
        rare = np.ones(matrix.shape[0], dtype=bool)
        rare[common] = False
        # J ≥ t needs (1 + t)·s ≥ t(|a| + |b|) shared items s, and common ones add at most the
        # fewer either holds, so at most the mean of both: (1 + t)·rare ≥ short[a] + short[b].
        # A group's pairs need that many rare items beside the least short group at best.
        short = min_jaccard * held_sizes - (1 + min_jaccard) * holds / 2
        best = short.min() if len(short) else 0.0  # no group holds anything: no pairs
        fewest = np.ceil((short + best) / (1 + min_jaccard) - 1e-9).clip(1).astype(np.int64)

        def with_common(first: np.ndarray, second: np.ndarray, counts: np.ndarray,
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            # pairs short even so are dropped before their common items are counted
            possible = (1 + min_jaccard) * counts + 1e-9 >= short[first] + short[second]
            first, second, counts = first[possible], second[possible], counts[possible]
            return first, second, counts + np.bitwise_count(bits[first] & bits[second])

        collect(shared_counts(matrix[rare], fewest, with_common), leave=mostly_common)
        among = np.flatnonzero(mostly_common)
        collect(shared_counts(matrix[:, among], floor), among=among)
    first, second, counts, union, jaccard = (
        np.concatenate([part[n] for part in parts]) if parts else np.zeros(0, dtype=dtype)
        for n, dtype in enumerate((np.int64, np.int64, np.int64, np.int64, np.float64)))
    return Overlaps(np.asarray(groups, dtype=object)[columns], first, second, counts, union,
                    jaccard, columns)


def common_items(matrix: sparse.csr_matrix) -> np.ndarray:
    """The items (rows of the 0/1 item × group `matrix`) held by at least 1/`COMMON` of the
    groups, at most the `MAX_COMMON` most held: each alone puts a 1/(2·COMMON²) share of all
    pairs of groups in the product."""
    held_by = np.diff(matrix.indptr)
    common = np.flatnonzero(held_by * COMMON >= matrix.shape[1])
    return common[np.argsort(-held_by[common], kind="stable")[:MAX_COMMON]]


def shared_counts(matrix: sparse.csr_matrix, least: int | np.ndarray,
                  more: Callable[[np.ndarray, np.ndarray, np.ndarray],
                                 tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
                  ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The pairs of columns (first < second) of the 0/1 item × group `matrix` with at least
    `least` items in common (a number, or one per group: the fewest for the pairs it is first
    of), and how many, a block at a time; `more(first, second, counts)` adds the items they
    share that are held apart from `matrix` (and may drop pairs).

    BᵀB is symmetric and only the pairs above its diagonal are wanted, so it is computed in
    blocks of `BLOCK` groups, each against the groups from its own first one on: half the
    work of the whole product, and each block is filtered while it is small."""
    by_group = matrix.T.tocsr()
    fewest = np.broadcast_to(np.asarray(least), (matrix.shape[1],))
    for start in range(0, matrix.shape[1], BLOCK):
        # rows: the block's groups; columns: the groups from `start` on (a column slice of
        # `matrix` is row-major, as the product takes both sides)
        block = by_group[start:start + BLOCK] @ matrix[:, start:]
        per_row = np.diff(block.indptr)
        rows = np.repeat(np.arange(block.shape[0]), per_row)
        keep = (block.indices > rows) & (block.data >= np.repeat(fewest[start:start + block.shape[0]], per_row))
        first, second, counts = rows[keep] + start, block.indices[keep].astype(np.int64) + start, block.data[keep]
        if more is not None:
            first, second, counts = more(first, second, counts)
        yield first, second, counts


def overlap_matrix(memberships: Iterable[tuple[str, str]], min_shared: int = 1,
                   min_jaccard: float = 0.0) -> Overlaps:
    """`overlaps` of (item, group) pairs of names; repeats count once. Groups are numbered in
    sorted order, so `first < second` also orders the pair by name."""
    matrix, groups = incidence(memberships)
    return overlaps(matrix, groups, min_shared, min_jaccard)


def rounded_ratios(numerators: np.ndarray, denominators: np.ndarray, digits: int = 4) -> np.ndarray:
    """`round(n / d, digits)` for each pair, exactly as Python rounds (NumPy's rounding can
    differ in the last digit): Python rounds each distinct ratio once. Jaccard indices of
    small sets take few distinct values, so this is fast for millions of pairs."""
    numerators = np.asarray(numerators, dtype=np.int64)
    denominators = np.asarray(denominators, dtype=np.int64)
    if not len(numerators):
        return np.zeros(0)
    width = int(denominators.max()) + 1
    distinct, inverse = np.unique(numerators * width + denominators, return_inverse=True)
    values = [round(n / d, digits) for n, d in zip((distinct // width).tolist(),
                                                    (distinct % width).tolist())]
    return np.asarray(values, dtype=np.float64)[inverse]
