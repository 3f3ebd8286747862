"""Overlaps: where two bodies or two pieces of work cover the same ground.

Shared membership and shared remit come from one sparse product each
(see `incidence.pair_overlaps`), so they stay fast on national landscapes.
"""

from __future__ import annotations

from collections.abc import Iterator

from landscape.analysis.facts import Facts
from landscape.analysis.findings import Finding, grade, listing, percent
from landscape.analysis.incidence import pair_overlaps


def shared_membership(facts: Facts, min_shared: int = 2) -> Iterator[Finding]:
    """Pairs of boards with at least `min_shared` members in common; score is the Jaccard index
    of their member sets, so two small boards with the same people score higher than two
    large ones sharing a few."""
    memberships = ((member, board) for board, members in facts.members.items()
                   for member in members)
    for a, b, count, jaccard in pair_overlaps(memberships, min_shared):
        common = facts.names(facts.members[a] & facts.members[b])
        yield Finding(
            "shared_membership", (a, b), jaccard, grade(jaccard, 0.5, 0.25),
            f"{facts.name(a)} and {facts.name(b)} share {count} members ({listing(common)}), "
            f"{percent(jaccard)} of their combined membership.",
            {"shared": count})


def shared_remit(facts: Facts, min_jaccard: float = 0.5) -> Iterator[Finding]:
    """Pairs of boards whose themes overlap with Jaccard at least `min_jaccard`."""
    boards = set(facts.boards)
    remits = ((theme, board) for board in boards for theme in facts.remit[board])
    for a, b, _, jaccard in pair_overlaps(remits):
        if jaccard >= min_jaccard:
            themes = facts.names(facts.remit[a] & facts.remit[b])
            yield Finding(
                "shared_remit", (a, b), jaccard, grade(jaccard, 0.75, 0.5),
                f"{facts.name(a)} and {facts.name(b)} both cover {listing(themes)} "
                f"({percent(jaccard)} of their combined remit).",
                {"themes": sorted(facts.remit[a] & facts.remit[b])})


def duplicate_oversight(facts: Facts) -> Iterator[Finding]:
    """Initiatives overseen by two or more boards: who has the final say is unclear."""
    for initiative in facts.initiatives:
        boards = facts.overseers[initiative]
        if len(boards) >= 2:
            yield Finding(
                "duplicate_oversight", (initiative, *boards), len(boards),
                "high" if len(boards) >= 3 else "medium",
                f"{facts.name(initiative)} is overseen by {len(boards)} boards "
                f"({listing(facts.names(boards))}).",
                {"initiative": initiative, "boards": sorted(boards)})


def parallel_pairs(facts: Facts, min_jaccard: float = 0.5) -> Iterator[tuple[str, str, float]]:
    """Pairs of initiatives led by different owners, on the same themes, with no board in
    common overseeing them: the same work done twice, with nobody placed to notice."""
    initiatives = set(facts.initiatives)
    remits = ((theme, i) for i in initiatives for theme in facts.remit[i])
    for a, b, _, jaccard in pair_overlaps(remits):
        leads_a, leads_b = facts.leads[a], facts.leads[b]
        if (jaccard >= min_jaccard and leads_a and leads_b and not leads_a & leads_b
                and not facts.overseers[a] & facts.overseers[b]):
            yield a, b, jaccard


def parallel_initiatives(facts: Facts, min_jaccard: float = 0.5) -> Iterator[Finding]:
    for a, b, jaccard in parallel_pairs(facts, min_jaccard):
        themes = facts.names(facts.remit[a] & facts.remit[b])
        yield Finding(
            "parallel_initiatives", (a, b), jaccard, grade(jaccard, 0.75, 0.5),
            f"{facts.name(a)} (led by {listing(facts.names(facts.leads[a]))}) and "
            f"{facts.name(b)} (led by {listing(facts.names(facts.leads[b]))}) both work on "
            f"{listing(themes)}, and no board oversees both.",
            {"themes": sorted(facts.remit[a] & facts.remit[b])})
