"""Missing communication links: boards whose work overlaps but who have no formal link.

Two boards overlap when they share a remit, oversee the same initiative, or
oversee parallel initiatives. They are formally linked when a
`communicates_with`, `reports_to` or `part_of` relationship joins them, either
way. An overlapping pair with no formal link is a missing link; a member in
common is an informal channel, so pairs with none are the more urgent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations

from landscape.analysis.facts import Facts
from landscape.analysis.findings import Finding, listing
from landscape.analysis.incidence import pair_overlaps
from landscape.analysis.overlaps import parallel_pairs


def overlap_grounds(facts: Facts, min_remit_jaccard: float = 0.5,
                    min_parallel_jaccard: float = 0.5) -> dict[tuple[str, str], dict[str, list]]:
    """For each overlapping pair of boards (a < b), why they overlap."""
    grounds: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    remits = ((theme, board) for board in facts.boards for theme in facts.remit[board])
    for a, b, _, jaccard in pair_overlaps(remits):
        if jaccard >= min_remit_jaccard:
            grounds[a, b]["remit"] = sorted(facts.remit[a] & facts.remit[b])
    for initiative in facts.initiatives:
        for a, b in combinations(sorted(facts.overseers[initiative]), 2):
            grounds[a, b]["oversight"].append(initiative)
    for i, j, _ in parallel_pairs(facts, min_parallel_jaccard):
        for a in facts.overseers[i]:
            for b in facts.overseers[j]:
                pair, work = ((a, b), (i, j)) if a < b else ((b, a), (j, i))
                grounds[pair]["parallel"].append(work)
    return grounds


def missing_links(facts: Facts, min_remit_jaccard: float = 0.5,
                  min_parallel_jaccard: float = 0.5) -> Iterator[Finding]:
    """Overlapping pairs of boards with no formal link; `channel` says whether a shared member
    gives them an informal one. Scored by the weight of evidence that they should talk."""
    grounds = overlap_grounds(facts, min_remit_jaccard, min_parallel_jaccard)
    for (a, b), why in grounds.items():
        if facts.linked(a, b):
            continue
        common = facts.members[a] & facts.members[b]
        channel = "shared_member" if common else "none"
        reasons = []
        if why["remit"]:
            reasons.append(f"both cover {listing(facts.names(why['remit']))}")
        if why["oversight"]:
            reasons.append(f"both oversee {listing(facts.names(why['oversight']))}")
        for i, j in sorted(why["parallel"]):
            reasons.append(f"oversee parallel work ({facts.name(i)} and {facts.name(j)})")
        contact = (f"; their only contact is through {listing(facts.names(common))}, "
                   f"{'a member' if len(common) == 1 else 'members'} of both"
                   ) if common else " and no member in common"
        score = len(why["remit"]) + 2 * len(why["oversight"]) + len(why["parallel"])
        yield Finding(
            "missing_link", (a, b), score, "medium" if common else "high",
            f"{facts.name(a)} and {facts.name(b)} {listing(reasons, limit=3)}, "
            f"but have no agreed link{contact}.",
            {"channel": channel, "grounds": sorted(k for k, v in why.items() if v)})
