"""Missing communication links: boards whose work overlaps but who have no formal link.

Two boards overlap when they share a remit, oversee the same initiative, or
oversee parallel initiatives. They are formally linked when a
`communicates_with`, `reports_to` or `part_of` relationship joins them, either
way. An overlapping pair with no formal link is a missing link; a member in
common is an informal channel, so pairs with none are the more urgent.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from landscape.analysis.facts import Facts
from landscape.analysis.findings import Finding, finding, listing, strongest
from landscape.analysis.overlaps import parallel_pairs, remit_pairs


class Grounds:
    """Why two boards overlap: themes both cover, initiatives both oversee, and pairs of
    parallel initiatives (theirs first) they oversee apart. (A plain class with slots: there
    is one per overlapping pair.)"""

    __slots__ = ("remit", "oversight", "parallel")

    def __init__(self, remit: list[str] | None = None) -> None:
        self.remit: list[str] = remit or []
        self.oversight: list[str] = []
        self.parallel: list[tuple[str, str]] = []

    def score(self) -> int:
        """The weight of evidence that the two boards should talk: a shared initiative counts
        twice."""
        return len(self.remit) + 2 * len(self.oversight) + len(self.parallel)

    def names(self) -> list[str]:
        """The kinds of grounds present, in alphabetical order."""
        return [kind for kind, held in (("oversight", self.oversight), ("parallel", self.parallel),
                                        ("remit", self.remit)) if held]


def overlap_grounds(facts: Facts, min_remit_jaccard: float = 0.5,
                    min_parallel_jaccard: float = 0.5) -> dict[tuple[str, str], Grounds]:
    """For each overlapping pair of boards (a < b), why they overlap."""
    grounds: dict[tuple[str, str], Grounds] = {}
    for a, b, _, _ in remit_pairs(facts, min_remit_jaccard):
        grounds[a, b] = Grounds(remit=sorted(facts.remit[a] & facts.remit[b]))
    for initiative in facts.initiatives:
        for pair in combinations(sorted(facts.overseers[initiative]), 2):
            grounds.setdefault(pair, Grounds()).oversight.append(initiative)
    for i, j, _ in parallel_pairs(facts, min_parallel_jaccard):
        for a in facts.overseers[i]:
            for b in facts.overseers[j]:
                pair, work = ((a, b), (i, j)) if a < b else ((b, a), (j, i))
                grounds.setdefault(pair, Grounds()).parallel.append(work)
    return grounds


def missing_links(facts: Facts, min_remit_jaccard: float = 0.5, min_parallel_jaccard: float = 0.5,
                  limit: int | None = None) -> Iterator[Finding]:
    """Overlapping pairs of boards with no formal link; `channel` says whether a shared member
    gives them an informal one. Scored by the weight of evidence that they should talk."""
    members = facts.members
    grounds = overlap_grounds(facts, min_remit_jaccard, min_parallel_jaccard)
    candidates = ((members[a].isdisjoint(members[b]), why.score(), a, b, why)
                  for (a, b), why in grounds.items() if not facts.linked(a, b))
    # the order of findings: no channel (and so high severity) first, then the highest score
    for _, score, a, b, why in strongest(candidates, lambda c: (not c[0], -c[1], c[2], c[3]), limit):
        yield describe(facts, a, b, why, score, members[a] & members[b])


def describe(facts: Facts, a: str, b: str, why: Grounds, score: int, common: set[str]) -> Finding:
    """The missing link between boards `a` and `b`, in a sentence."""
    name, listed = facts.name, facts.listed
    reasons = []
    if why.remit:
        reasons.append(f"both cover {listed(why.remit)}")
    if why.oversight:
        reasons.append(f"both oversee {listed(why.oversight)}")
    for i, j in sorted(why.parallel):
        reasons.append(f"oversee parallel work ({name(i)} and {name(j)})")
    contact = (f"; their only contact is through {listed(common)}, "
               f"{'a member' if len(common) == 1 else 'members'} of both"
               ) if common else " and no member in common"
    return finding(
        "missing_link", (a, b), score, "medium" if common else "high",
        f"{name(a)} and {name(b)} {listing(reasons, limit=3)}, "
        f"but have no agreed link{contact}.",
        channel="shared_member" if common else "none", grounds=why.names())
