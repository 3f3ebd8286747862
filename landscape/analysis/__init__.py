"""Analysis of a landscape: overlaps, gaps and missing links, plus brokers, clusters and coverage.

`analyse` runs every analysis and returns one JSON-ready result; each topic is
a module of small functions over the `Facts` gathered from the landscape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Set
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from landscape.analysis import gaps, links, overlaps
from landscape.analysis.brokers import brokers
from landscape.analysis.clusters import clusters
from landscape.analysis.coverage import coverage
from landscape.analysis.facts import Facts, gather
from landscape.analysis.findings import KINDS, SEVERITIES, Finding, category
from landscape.model import Landscape, cycle_collection_paused

__all__ = ["KINDS", "Finding", "Thresholds", "analyse", "category", "findings", "findings_naming", "gather"]


@dataclass(frozen=True)
class Thresholds:
    min_shared_members: int = 2
    min_remit_jaccard: float = 0.5
    min_parallel_jaccard: float = 0.5


def findings(facts: Facts, thresholds: Thresholds = Thresholds(), limit: int | None = None,
             naming: Set[str] | None = None) -> tuple[list[Finding], Counter[tuple[str, str]]]:
    """Every finding (with `limit`, only the strongest `limit` of each kind; with `naming`, only
    those naming one of these ids), ordered by kind, then (missing links) no channel first, then
    severity and score; and how many there are in all (of those naming `naming`) by kind and
    severity, whatever the limit.
    Each kind is `Ranked` as arrays before its sentences are written, so only those kept are
    written (a national landscape has millions, and sorting them again took seconds)."""
    named = None if naming is None else facts.mask(naming)
    kinds = {
        "shared_membership": lambda: overlaps.shared_membership(facts, thresholds.min_shared_members, limit, named),
        "shared_remit": lambda: overlaps.shared_remit(facts, thresholds.min_remit_jaccard, limit, named),
        "duplicate_oversight": lambda: overlaps.duplicate_oversight(facts, limit, named),
        "parallel_initiatives": lambda: overlaps.parallel_initiatives(facts, thresholds.min_parallel_jaccard, limit,
                                                                      named),
        "unoverseen_initiative": lambda: gaps.unoverseen_initiatives(facts, limit, named),
        "unowned_theme": lambda: gaps.unowned_themes(facts, limit, named),
        "orphan_board": lambda: gaps.orphan_boards(facts, limit, named),
        "missing_required_member": lambda: gaps.missing_required_members(facts, limit, named),
        "no_lead": lambda: gaps.no_lead(facts, limit, named),
        "missing_link": lambda: links.missing_links(facts, thresholds.min_remit_jaccard,
                                                    thresholds.min_parallel_jaccard, limit, named),
    }
    found: list[Finding] = []
    totals: Counter[tuple[str, str]] = Counter()
    for kind in KINDS:  # each kind is ranked on its own, and kinds come in order
        ranked = kinds[kind]()
        found += ranked.findings
        totals.update({(kind, severity): count for severity, count in ranked.severities.items()})
    return found, totals


def findings_naming(current: Landscape, ids: Collection[str],
                    thresholds: Thresholds = Thresholds()) -> list[Finding]:
    """The findings of `current` (a landscape as it stood on a day: `Landscape.as_of`) that name
    one of `ids`, as `analyse` finds them: a map of part of a national landscape marks only
    those, and the millions of others are never written."""
    with cycle_collection_paused():
        return findings(gather(current), thresholds, naming=set(ids))[0]


def analyse(landscape: Landscape, *, as_of: date | None = None,
            thresholds: Thresholds = Thresholds(), limit: int | None = None) -> dict[str, Any]:
    """The whole analysis of `landscape` as it stood on `as_of` (today's data when None).
    With `limit`, only the strongest `limit` findings of each kind are kept (and the result
    says so under `limit`): a national landscape has millions. `summary` (by kind) and
    `severities` count every finding either way."""
    with cycle_collection_paused(), ThreadPoolExecutor(max_workers=2) as pool:
        current = landscape.as_of(as_of)
        facts = gather(current)
        # Brokers, clusters and coverage are mostly sparse products and array arithmetic, which
        # free the GIL: they run beside the findings, which are mostly Python writing sentences.
        beside = {name: pool.submit(part, facts)
                  for name, part in (("brokers", brokers), ("clusters", clusters), ("coverage", coverage))}
        try:
            found, totals = findings(facts, thresholds, limit)
            done = {name: future.result() for name, future in beside.items()}
        except BaseException:  # an error or an interrupt: what has not started never starts
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    summary = dict.fromkeys(KINDS, 0)
    severities = dict.fromkeys(SEVERITIES, 0)
    for (kind, severity), count in totals.items():
        summary[kind] += count
        severities[severity] += count
    return {
        "landscape": landscape.name,
        "as_of": as_of.isoformat() if as_of else None,
        "thresholds": asdict(thresholds),
        "counts": current.counts(),
        "summary": summary,
        "severities": severities,
        "findings": found,
        **done,
    } | ({"limit": limit} if limit is not None else {})
