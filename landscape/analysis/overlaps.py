"""Overlaps: where two bodies or two pieces of work cover the same ground.

Shared membership, shared remit and parallel work come from one sparse product
each, filtered as arrays (see `incidence.overlap_matrix`), so they stay fast on
national landscapes: Python only touches the pairs it reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from landscape.analysis.facts import Facts
from landscape.analysis.findings import SEVERITY_RANK, Finding, finding, grade, percent, strongest
from landscape.analysis.incidence import Overlaps, overlap_matrix


def shared_membership(facts: Facts, min_shared: int = 2, limit: int | None = None) -> Iterator[Finding]:
    """Pairs of boards with at least `min_shared` members in common; score is the Jaccard index
    of their member sets, so two small boards with the same people score higher than two
    large ones sharing a few."""
    members, name, listed = facts.members, facts.name, facts.listed
    pairs = ((member, board) for board, held in members.items() for member in held)
    found = strongest(overlap_matrix(pairs, min_shared), key=pair_key(0.5, 0.25), limit=limit)
    for a, b, count, jaccard in found:
        yield finding(
            "shared_membership", (a, b), jaccard, grade(jaccard, 0.5, 0.25),
            f"{name(a)} and {name(b)} share {count} members ({listed(members[a] & members[b])}), "
            f"{percent(jaccard)} of their combined membership.",
            shared=count)


def pair_key(high: float, medium: float, at: int = 3) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """The order of findings (see `rank_key`) for pairs (a, b, ..., Jaccard at `at`) graded with
    `high` and `medium`, known before the finding is written."""
    def key(pair: tuple[Any, ...]) -> tuple[Any, ...]:
        return (SEVERITY_RANK[grade(pair[at], high, medium)], -round(pair[at], 4), pair[0], pair[1])

    return key


def remit_pairs(facts: Facts, min_jaccard: float = 0.5) -> Overlaps:
    """Pairs of boards whose themes overlap with Jaccard at least `min_jaccard` (computed once:
    shared remit and missing links both ask)."""
    def compute() -> Overlaps:
        remits = ((theme, board) for board in set(facts.boards) for theme in facts.remit[board])
        return overlap_matrix(remits, min_jaccard=min_jaccard)

    return facts.once(f"remit_pairs {min_jaccard}", compute)


def shared_remit(facts: Facts, min_jaccard: float = 0.5) -> Iterator[Finding]:
    """Pairs of boards whose themes overlap with Jaccard at least `min_jaccard`."""
    remit, name, listed = facts.remit, facts.name, facts.listed
    for a, b, _, jaccard in remit_pairs(facts, min_jaccard):
        themes = remit[a] & remit[b]
        yield finding(
            "shared_remit", (a, b), jaccard, grade(jaccard, 0.75, 0.5),
            f"{name(a)} and {name(b)} both cover {listed(themes)} "
            f"({percent(jaccard)} of their combined remit).",
            themes=sorted(themes))


def duplicate_oversight(facts: Facts) -> Iterator[Finding]:
    """Initiatives overseen by two or more boards: who has the final say is unclear."""
    for initiative in facts.initiatives:
        boards = facts.overseers[initiative]
        if len(boards) >= 2:
            yield finding(
                "duplicate_oversight", (initiative, *boards), len(boards),
                "high" if len(boards) >= 3 else "medium",
                f"{facts.name(initiative)} is overseen by {len(boards)} boards "
                f"({facts.listed(boards)}).",
                initiative=initiative, boards=sorted(boards))


def parallel_pairs(facts: Facts, min_jaccard: float = 0.5) -> list[tuple[str, str, float]]:
    """Pairs of initiatives led by different owners, on the same themes, with no board in
    common overseeing them: the same work done twice, with nobody placed to notice.
    Every test is an array operation over the candidate pairs."""
    def compute() -> list[tuple[str, str, float]]:
        initiatives = set(facts.initiatives)
        remits = ((theme, i) for i in initiatives for theme in facts.remit[i])
        found = overlap_matrix(remits, min_jaccard=min_jaccard)
        leads = [(lead, i) for i in initiatives for lead in facts.leads[i]]
        overseers = ((board, i) for i in initiatives for board in facts.overseers[i])
        led = found.holds_any(leads)
        found = found.where(led[found.first] & led[found.second])
        found = found.where(~found.share_any(leads) & ~found.share_any(overseers))
        return [(a, b, jaccard) for a, b, _, jaccard in found]

    return facts.once(f"parallel_pairs {min_jaccard}", compute)


def parallel_initiatives(facts: Facts, min_jaccard: float = 0.5,
                         limit: int | None = None) -> Iterator[Finding]:
    remit, leads, name, listed = facts.remit, facts.leads, facts.name, facts.listed
    found = strongest(parallel_pairs(facts, min_jaccard), key=pair_key(0.75, 0.5, 2), limit=limit)
    for a, b, jaccard in found:
        themes = remit[a] & remit[b]
        yield finding(
            "parallel_initiatives", (a, b), jaccard, grade(jaccard, 0.75, 0.5),
            f"{name(a)} (led by {listed(leads[a])}) and "
            f"{name(b)} (led by {listed(leads[b])}) both work on "
            f"{listed(themes)}, and no board oversees both.",
            themes=sorted(themes))
