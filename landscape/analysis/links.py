"""Missing communication links: boards whose work overlaps but who have no formal link.

Two boards overlap when they share a remit, oversee the same initiative, or
oversee parallel initiatives. They are formally linked when a
`communicates_with`, `reports_to` or `part_of` relationship joins them, either
way. An overlapping pair with no formal link is a missing link; a member in
common is an informal channel, so pairs with none are the more urgent.

For example, two boards that both address child criminal exploitation and county
lines (a shared remit), with no `communicates_with` between them and no member in
common, are a `missing_link` of high severity with `channel` "none".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from landscape.analysis.facts import FORMAL, Facts, RelatedIds
from landscape.analysis.findings import Finding, KindFindings, finding, listing, strongest, tally
from landscape.analysis.incidence import Overlaps, entries
from landscape.analysis.unknowns import unknown_of


class Reasons:
    """Why two boards overlap: themes both cover, initiatives both oversee, and pairs of
    parallel initiatives (theirs first) they oversee apart. (A class with slots: there is one
    per reported pair, millions nationally.)"""

    __slots__ = ("remit", "oversight", "parallel")

    def __init__(self, remit: list[str] | None = None) -> None:
        self.remit: list[str] = remit or []
        self.oversight: list[str] = []
        self.parallel: list[tuple[str, str]] = []

    def names(self) -> list[str]:
        """The kinds of reason present, in alphabetical order (the finding's `grounds`)."""
        return [kind for kind, present in (("oversight", self.oversight), ("parallel", self.parallel),
                                           ("remit", self.remit)) if present]


@dataclass(frozen=True)
class OverlappingPairs:
    """Overlapping pairs of boards as arrays: entity codes (first < second, so in id order),
    how many themes they share (when theirs is a shared remit), initiatives they both oversee,
    and pairs of parallel initiatives they oversee apart."""

    first: np.ndarray
    second: np.ndarray
    remit: np.ndarray
    oversight: np.ndarray
    parallel: np.ndarray

    def score(self) -> np.ndarray:
        """The weight of evidence that each pair should talk: a shared initiative counts twice."""
        return self.remit + 2 * self.oversight + self.parallel

    def where(self, keep: np.ndarray) -> OverlappingPairs:
        """The pairs where the boolean array `keep` is true."""
        return OverlappingPairs(self.first[keep], self.second[keep], self.remit[keep], self.oversight[keep],
                                self.parallel[keep])


def upper_pairs(matrix: sparse.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries (row, column, value) of a square sparse matrix above its diagonal."""
    cells = matrix.tocoo()
    keep = cells.row < cells.col
    return cells.row[keep], cells.col[keep], cells.data[keep]


def pair_keys(first: np.ndarray, second: np.ndarray, size: int) -> np.ndarray:
    """One integer for each unordered pair of codes below `size`, either way round (64-bit:
    sparse matrices index with 32-bit integers, and size² overflows them)."""
    low, high = np.minimum(first, second).astype(np.int64), np.maximum(first, second).astype(np.int64)
    return low * size + high


def overlapping_pairs(facts: Facts, remit: Overlaps, parallel_initiatives: Overlaps) -> OverlappingPairs:
    """Every overlapping pair of boards, with how much each ground weighs, from sparse
    products: O·Oᵀ counts the initiatives two boards both oversee, and O·P·Oᵀ the parallel
    pairs (P) they oversee one each, where O is board × initiative oversight. `remit` are the
    pairs of boards with a shared remit, `parallel_initiatives` the parallel pairs of initiatives."""
    size = len(facts)
    oversees = facts.relation("oversees")
    of_initiatives = oversees[:, facts.codes_of_type("initiative")]
    oversight = upper_pairs(of_initiatives @ of_initiatives.T)
    i, j = parallel_initiatives.codes()
    parallel = sparse.csr_matrix((np.ones(len(i), dtype=np.int64), (i, j)), shape=(size, size))
    apart = oversees @ parallel @ oversees.T
    parallel_found = upper_pairs(apart + apart.T)  # either board may oversee the first of the pair
    reasons = (remit.codes() + (remit.shared,), oversight, parallel_found)
    keys = np.concatenate([pair_keys(first, second, size) for first, second, _ in reasons])
    pairs, inverse = np.unique(keys, return_inverse=True)
    counts = []
    start = 0
    for first, _, weight in reasons:
        counts.append(np.bincount(inverse[start:start + len(first)], weights=weight,
                                  minlength=len(pairs)).astype(np.int64))
        start += len(first)
    return OverlappingPairs(pairs // size, pairs % size, *counts)


NONE, UNKNOWN, SHARED_MEMBER = range(3)  # channels, in the order their findings are ranked
CHANNELS = ("none", "unknown", "shared_member")


def missing_links(facts: Facts, remit: Overlaps, parallel_initiatives: Overlaps,
                  limit: int | None = None, naming: np.ndarray | None = None) -> KindFindings:
    """Overlapping pairs of boards with no formal link; `channel` says whether a shared member
    gives them an informal one. Scored by the weight of evidence that they should talk.
    Pairs are filtered and ranked as arrays; only those reported are explained. With `naming`
    (a boolean per entity code), only the pairs naming one of those entities."""
    found = overlapping_pairs(facts, remit, parallel_initiatives)
    if naming is not None:
        found = found.where(naming[found.first] | naming[found.second])
    formal = facts.relation(*FORMAL)
    linked = entries(formal + formal.T, found.first, found.second) > 0  # either way round
    # a pair whose links the sources do not cover may have one: a question, not a finding
    links_silent = facts.silent("links")
    silent = ~linked & (links_silent[found.first] | links_silent[found.second])
    membership = facts.relation("member_of")  # member × board
    shared = entries(membership.T @ membership, found.first, found.second) > 0
    members_silent = facts.silent("members")
    channel = np.where(shared, SHARED_MEMBER, np.where(members_silent[found.first] | members_silent[found.second],
                                                       UNKNOWN, NONE))
    score = found.score()
    # the order of findings: no channel (and so high severity) first, then an unknown one,
    # then the highest score
    unlinked = np.flatnonzero(~linked & ~silent)
    severities = tally((channel[unlinked] != NONE).astype(np.int64))  # high (0) with no channel, else medium
    order = unlinked[strongest((channel[unlinked], -score[unlinked], found.first[unlinked],
                                found.second[unlinked]), limit)]

    def explained() -> Iterator[Finding]:
        ids, members = facts.ids, facts.members
        explain = Explainer(facts, parallel_initiatives)
        for a, b, themes, initiatives, parallel_pairs, weight, shared in zip(
                ids[found.first[order]].tolist(), ids[found.second[order]].tolist(),
                found.remit[order].tolist(), found.oversight[order].tolist(),
                found.parallel[order].tolist(), score[order].tolist(), channel[order].tolist()):
            why = explain.reasons(a, b, themes > 0, initiatives > 0, parallel_pairs > 0)
            yield describe(facts, a, b, why, weight, members[a] & members[b], CHANNELS[shared])

    unknown = [unknown_of({"kind": "missing_link", "entities": [a, b]}, facts.landscape)
               for a, b in zip(facts.ids[found.first[silent]].tolist(), facts.ids[found.second[silent]].tolist())]
    return KindFindings(explained(), severities, unknown)


class Explainer:
    """Finds, for a pair of boards `overlapping_pairs` found, why they overlap. The relations
    it reads are looked up once: it runs for every missing link (millions, nationally)."""

    def __init__(self, facts: Facts, parallel_initiatives: Overlaps) -> None:
        self.remit, self.overseen = facts.remit, facts.overseen
        self.initiatives = set(facts.initiatives)
        self.partners = parallel_partners(facts, parallel_initiatives)

    def reasons(self, a: str, b: str, remit: bool, oversight: bool, parallel: bool) -> Reasons:
        """Why boards `a` and `b` (a < b) overlap, on the grounds the counts say they do."""
        why = Reasons(sorted(self.remit[a] & self.remit[b]) if remit else None)
        if oversight:
            why.oversight = [i for i in self.overseen[a] & self.overseen[b] if i in self.initiatives]
        if parallel:
            partners, theirs, none = self.partners, self.overseen[b], frozenset[str]()
            # intersecting sets (in C) rather than testing each partner: a board oversees about
            # ten initiatives, each with a dozen parallel ones
            why.parallel = [(i, j) for i in self.overseen[a] for j in partners.get(i, none) & theirs]
        return why


def parallel_partners(facts: Facts, parallel_initiatives: Overlaps) -> RelatedIds:
    """The initiatives each initiative runs in parallel with, either way round."""
    first, second = parallel_initiatives.codes()
    size = len(facts)
    either_way = sparse.csr_matrix((np.ones(2 * len(first)), (np.concatenate([first, second]),
                                                              np.concatenate([second, first]))),
                                   shape=(size, size))
    return RelatedIds(either_way, facts.ids, facts.code)


def describe(facts: Facts, a: str, b: str, why: Reasons, score: int, common: set[str],
             channel: str = "none") -> Finding:
    """The missing link between boards `a` and `b`, in a sentence; `common` are their shared
    members, and `channel` says whether they give an informal link (`shared_member`), none is
    recorded (`none`) or the boards' members are not recorded (`unknown`)."""
    name, listed = facts.name, facts.listed
    reasons = []
    if why.remit:
        reasons.append(f"both cover {listed(why.remit)}")
    if why.oversight:
        reasons.append(f"both oversee {listed(why.oversight)}")
    # a pair of boards may oversee dozens of parallel pairs, and the sentence names at most
    # three reasons: only those named are written (as `listed` does for names)
    parallel = sorted(why.parallel)
    total = len(reasons) + len(parallel)
    shown = total if total <= 3 else 2
    reasons += [f"oversee parallel work ({name(i)} and {name(j)})"
                for i, j in parallel[:max(0, shown - len(reasons))]]
    contact = {
        "shared_member": f"; their only contact is through {listed(common)}, "
                         f"{'a member' if len(common) == 1 else 'members'} of both",
        "unknown": "; whether they share a member is not recorded",
        "none": " and no member in common",
    }[channel]
    return finding(
        "missing_link", (a, b), score, "high" if channel == "none" else "medium",
        f"{name(a)} and {name(b)} {listing(reasons, limit=3, total=total)}, "
        f"but have no agreed link{contact}.",
        channel=channel, grounds=why.names())
