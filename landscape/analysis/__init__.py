"""Analysis of a landscape: overlaps, gaps and missing links, plus brokers, clusters and coverage.

`analyse` runs every analysis and returns one JSON-ready result; each topic is
a module of small functions over the `Facts` gathered from the landscape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from landscape.analysis import gaps, links, overlaps
from landscape.analysis.brokers import brokers
from landscape.analysis.clusters import clusters
from landscape.analysis.coverage import coverage
from landscape.analysis.facts import Facts, gather
from landscape.analysis.findings import KINDS, Finding, category
from landscape.model import Landscape

__all__ = ["KINDS", "Finding", "Thresholds", "analyse", "category", "findings", "gather"]


@dataclass(frozen=True)
class Thresholds:
    min_shared_members: int = 2
    min_remit_jaccard: float = 0.5
    min_parallel_jaccard: float = 0.5


def findings(facts: Facts, thresholds: Thresholds = Thresholds()) -> list[Finding]:
    """Every finding, ordered by kind, then (missing links) no channel first, then severity
    and score."""
    found = [
        *overlaps.shared_membership(facts, thresholds.min_shared_members),
        *overlaps.shared_remit(facts, thresholds.min_remit_jaccard),
        *overlaps.duplicate_oversight(facts),
        *overlaps.parallel_initiatives(facts, thresholds.min_parallel_jaccard),
        *gaps.unoverseen_initiatives(facts),
        *gaps.unowned_themes(facts),
        *gaps.orphan_boards(facts),
        *gaps.missing_required_members(facts),
        *gaps.no_lead(facts),
        *links.missing_links(facts, thresholds.min_remit_jaccard,
                             thresholds.min_parallel_jaccard),
    ]
    return sorted(found, key=Finding.sort_key)


def analyse(landscape: Landscape, *, as_of: date | None = None,
            thresholds: Thresholds = Thresholds()) -> dict[str, Any]:
    """The whole analysis of `landscape` as it stood on `as_of` (today's data when None)."""
    current = landscape.as_of(as_of)
    facts = gather(current)
    found = findings(facts, thresholds)
    summary = {kind: 0 for kind in KINDS}
    for finding in found:
        summary[finding.kind] += 1
    return {
        "landscape": landscape.name,
        "as_of": as_of.isoformat() if as_of else None,
        "thresholds": asdict(thresholds),
        "counts": current.counts(),
        "summary": summary,
        "findings": [finding.to_dict() for finding in found],
        "brokers": brokers(facts),
        "clusters": clusters(facts),
        "coverage": coverage(facts),
    }
