"""Analysis of a landscape: overlaps, gaps and missing links, plus brokers, clusters and coverage.

`analyse` runs every analysis and returns one JSON-ready result; each topic is
a module of small functions over the `Facts` gathered from the landscape.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from landscape.analysis import gaps, links, overlaps
from landscape.analysis.brokers import brokers
from landscape.analysis.clusters import clusters
from landscape.analysis.coverage import coverage
from landscape.analysis.facts import Facts, gather
from landscape.analysis.findings import KINDS, Finding, category, rank_key
from landscape.model import Landscape, cycle_collection_paused

__all__ = ["KINDS", "Finding", "Thresholds", "analyse", "category", "findings", "gather"]


@dataclass(frozen=True)
class Thresholds:
    min_shared_members: int = 2
    min_remit_jaccard: float = 0.5
    min_parallel_jaccard: float = 0.5


def findings(facts: Facts, thresholds: Thresholds = Thresholds(),
             limit: int | None = None) -> list[Finding]:
    """Every finding (with `limit`, only the strongest `limit` of each kind), ordered by kind,
    then (missing links) no channel first, then severity and score. Each kind is sorted on its
    own: kinds are produced in order. The numerous kinds (pairs, marked `ranked`) are ranked as
    arrays before their sentences are written, and come in `rank_key` order already (sorting
    two million findings again took seconds); the others are sorted here."""
    ranked, to_sort = True, False
    producers = [
        (ranked, lambda: overlaps.shared_membership(facts, thresholds.min_shared_members, limit)),
        (ranked, lambda: overlaps.shared_remit(facts, thresholds.min_remit_jaccard, limit)),
        (to_sort, lambda: overlaps.duplicate_oversight(facts)),
        (ranked, lambda: overlaps.parallel_initiatives(facts, thresholds.min_parallel_jaccard, limit)),
        (to_sort, lambda: gaps.unoverseen_initiatives(facts)),
        (to_sort, lambda: gaps.unowned_themes(facts)),
        (to_sort, lambda: gaps.orphan_boards(facts)),
        (to_sort, lambda: gaps.missing_required_members(facts)),
        (to_sort, lambda: gaps.no_lead(facts)),
        (ranked, lambda: links.missing_links(facts, thresholds.min_remit_jaccard,
                                             thresholds.min_parallel_jaccard, limit)),
    ]
    found: list[Finding] = []
    for in_order, produce in producers:
        found += produce() if in_order else sorted(produce(), key=rank_key)[:limit]
    return found


def analyse(landscape: Landscape, *, as_of: date | None = None,
            thresholds: Thresholds = Thresholds(), limit: int | None = None) -> dict[str, Any]:
    """The whole analysis of `landscape` as it stood on `as_of` (today's data when None).
    With `limit`, only the strongest `limit` findings of each kind are kept (and the result
    says so under `limit`): a national landscape has millions."""
    with cycle_collection_paused():
        current = landscape.as_of(as_of)
        facts = gather(current)
        found = findings(facts, thresholds, limit)
        summary = dict.fromkeys(KINDS, 0)
        summary.update(Counter(finding["kind"] for finding in found))
        return {
            "landscape": landscape.name,
            "as_of": as_of.isoformat() if as_of else None,
            "thresholds": asdict(thresholds),
            "counts": current.counts(),
            "summary": summary,
            "findings": found,
            "brokers": brokers(facts),
            "clusters": clusters(facts),
            "coverage": coverage(facts),
        } | ({"limit": limit} if limit is not None else {})
