"""Analysis of a landscape: overlaps, gaps and missing links, plus brokers, clusters and coverage.

`analyse` runs every analysis and returns one JSON-ready result. Each topic is a
module of small functions over the `Facts` gathered from the landscape:

- `overlaps`: shared membership, shared remit, duplicate oversight, parallel initiatives;
- `gaps`: unoverseen initiatives, unowned themes, orphan boards, missing required members,
  initiatives with no lead;
- `links`: missing communication links between overlapping boards;
- `brokers`, `clusters`, `coverage`: who holds the network together, which boards work on
  the same things, and which board covers which theme;
- `incidence`: pairs of overlapping sets from one sparse product (BᵀB), which the
  overlaps, links and clusters share; `betweenness`: the brokers' sampled betweenness;
  `facts`: the relations every analysis reads; `findings`: the `Finding` type and its ranking.

>>> from datetime import date
>>> from landscape.io.validate import load_dataset
>>> result = analyse(load_dataset("graph_data/london"), as_of=date(2024, 12, 1))
>>> result["findings"][0]["kind"], result["summary"]["shared_remit"], len(result["unknowns"])
('shared_remit', 8, 65)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Set
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from landscape.analysis import gaps, links, overlaps
from landscape.analysis.brokers import brokers
from landscape.analysis.clusters import clusters
from landscape.analysis.coverage import coverage
from landscape.analysis.evidence import Evidence, with_evidence
from landscape.analysis.facts import Facts, gather
from landscape.analysis.findings import KINDS, SEVERITIES, Finding, KindFindings, category
from landscape.errors import LandscapeError
from landscape.model import EVIDENCE_LEVELS, Landscape, cycle_collection_paused

__all__ = ["KINDS", "Finding", "Thresholds", "analyse", "category", "findings", "findings_naming", "gather"]


DEFAULT_LEVEL = "inferred"  # the weakest evidence an analysis uses unless told otherwise
DEFAULT_STALE_AFTER = 2.0  # years after which the newest source of a finding is old


@dataclass(frozen=True)
class Thresholds:
    min_shared_members: int = 2
    min_remit_jaccard: float = 0.5
    min_parallel_jaccard: float = 0.5


def findings(facts: Facts, thresholds: Thresholds = Thresholds(), limit: int | None = None,
             naming: Set[str] | None = None
             ) -> tuple[list[Finding], Counter[tuple[str, str]], list[dict[str, Any]]]:
    """Every finding, ordered by kind, then within a kind as `findings.rank_key` orders them
    (missing links with no channel first, then severity, score and ids); and how many there
    are of each kind and severity. With `limit`, only the strongest `limit` of each kind are
    kept, but all are counted. With `naming`, only those naming one of these ids are kept and
    counted. Third, the unknowns: what would have been findings had the sources covered the
    aspect their absence rests on."""
    named = None if naming is None else facts.mask(naming)
    remit = overlaps.remit_pairs(facts, thresholds.min_remit_jaccard)  # shared remit and missing links read both
    parallel = overlaps.parallel_pairs(facts, thresholds.min_parallel_jaccard)
    by_kind: dict[str, KindFindings] = {
        "shared_membership": overlaps.shared_membership(facts, thresholds.min_shared_members, limit, named),
        "shared_remit": overlaps.shared_remit(facts, remit, limit, named),
        "duplicate_oversight": overlaps.duplicate_oversight(facts, limit, named),
        "parallel_initiatives": overlaps.parallel_initiatives(facts, parallel, limit, named),
        "unoverseen_initiative": gaps.unoverseen_initiatives(facts, limit, named),
        "unowned_theme": gaps.unowned_themes(facts, limit, named),
        "orphan_board": gaps.orphan_boards(facts, limit, named),
        "missing_required_member": gaps.missing_required_members(facts, limit, named),
        "no_lead": gaps.no_lead(facts, limit, named),
        "missing_link": links.missing_links(facts, remit, parallel, limit, named),
    }
    found: list[Finding] = []
    unknowns: list[dict[str, Any]] = []
    totals: Counter[tuple[str, str]] = Counter()
    for kind in KINDS:
        found += by_kind[kind].findings
        unknowns += by_kind[kind].unknowns
        totals.update({(kind, severity): count for severity, count in by_kind[kind].severities.items()})
    return found, totals, unknowns


def findings_naming(current: Landscape, ids: Collection[str],
                    thresholds: Thresholds = Thresholds()) -> list[Finding]:
    """The findings of `current` (a landscape as it stood on a day: `Landscape.as_of`) that name
    one of `ids`, as `analyse` finds them: a map of part of a national landscape marks only
    those, and the millions of others are never written."""
    with cycle_collection_paused():
        return findings(gather(current), thresholds, naming=set(ids))[0]


def analyse(landscape: Landscape, *, as_of: date | None = None,
            thresholds: Thresholds = Thresholds(), limit: int | None = None,
            evidence: str = DEFAULT_LEVEL, stale_after: float = DEFAULT_STALE_AFTER) -> dict[str, Any]:
    """The whole analysis of `landscape` as it stood on `as_of` (today's data when None).
    With `limit`, only the strongest `limit` findings of each kind are kept (and the result
    says so under `limit`): a national landscape has millions. `summary` (by kind) and
    `severities` count every finding either way.

    Only facts known at least as well as `evidence` are used (`inferred`, the default, uses
    stated and inferred facts; `proposed` adds what is only proposed). Each finding kept
    carries the facts it rests on, when they were last attested and whether that is more
    than `stale_after` years before the day analysed (see `landscape.analysis.evidence`);
    what would rest on an aspect the sources do not cover is listed under `unknowns`."""
    if evidence not in EVIDENCE_LEVELS:
        raise LandscapeError(f"evidence level {evidence!r}: expected one of {', '.join(EVIDENCE_LEVELS)}")
    day = as_of or date.today()
    # Millions of findings and sets, none in a reference cycle: the cycle collector would walk
    # them all again and again while they are made (see `cycle_collection_paused`).
    with cycle_collection_paused():
        current = landscape.as_of(as_of).at_evidence(evidence)
        facts = gather(current)
        found, totals, unknowns = findings(facts, thresholds, limit)
        cited = Evidence(current, found, day)
        found = [with_evidence(finding, current, day, stale_after, cited) for finding in found]
        overview = {"brokers": brokers(facts), "clusters": clusters(facts), "coverage": coverage(facts)}
    summary = dict.fromkeys(KINDS, 0)
    severities = dict.fromkeys(SEVERITIES, 0)
    for (kind, severity), count in totals.items():
        summary[kind] += count
        severities[severity] += count
    return {
        "landscape": landscape.name,
        "as_of": as_of.isoformat() if as_of else None,
        "thresholds": asdict(thresholds),
        "evidence_level": evidence,
        "stale_after": stale_after,
        "counts": current.counts(),
        "summary": summary,
        "severities": severities,
        "findings": found,
        "unknowns": unknowns,
        **overview,
    } | ({"limit": limit} if limit is not None else {})
