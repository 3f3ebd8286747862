"""Overlaps: where two bodies or two pieces of work cover the same ground.

Shared membership, shared remit and parallel work are pairs whose sets overlap: each
comes from one sparse product (see `incidence.overlaps`), ranked as arrays, so only
the findings reported are written as sentences. For example, boards A and B with
members {police, health, council} and {police, health} share 2 members: a
`shared_membership` finding with score 2/3 (Jaccard), of high severity (from 0.5).

A board and a board it is part of (a sub-group and its parent) share members and remit by
design, so they are never an overlap; nor are an initiative and one it is part of.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from landscape.analysis.facts import Facts
from landscape.analysis.findings import (
    SEVERITIES,
    Finding,
    KindFindings,
    finding,
    percent,
    ranked_findings,
    strongest,
    tally,
)
from landscape.analysis.incidence import Overlaps, entries, overlaps, rounded_ratios
from landscape.analysis.unknowns import unknown_of


def shared_membership(facts: Facts, min_shared: int = 2, limit: int | None = None,
                      naming: np.ndarray | None = None) -> KindFindings:
    """Pairs of boards with at least `min_shared` members in common; score is the Jaccard index
    of their member sets, so two small boards with the same people score higher than two
    large ones sharing a few."""
    members, name, listed = facts.members, facts.name, facts.listed
    sharing = apart(facts, overlaps(facts.relation("member_of"), facts.ids, min_shared))
    pairs, severities = ranked_pairs(sharing, 0.5, 0.25, limit, naming)
    return KindFindings((finding(
        "shared_membership", (a, b), jaccard, severity,
        f"{name(a)} and {name(b)} share {count} members ({listed(members[a] & members[b])}), "
        f"{percent(jaccard)} of the members recorded for either.",
        shared=count) for a, b, count, jaccard, severity in pairs), severities)


def ranked_pairs(found: Overlaps, high: float, medium: float, limit: int | None = None,
                 naming: np.ndarray | None = None) -> tuple[Iterator[tuple[str, str, int, float, str]], Counter[str]]:
    """The pairs, each with its severity (`high` from a Jaccard of `high`, `medium` from
    `medium`), in the order of their findings (see `rank_key`): severity, then the highest
    Jaccard (rounded as the score is), then ids; and how many pairs there are of each severity.
    With `naming` (a boolean per entity code), only the pairs naming one of those entities.
    Group indices follow the ids' sorted order, so sorting on them sorts on the ids."""
    if naming is not None:
        first, second = found.codes()
        found = found.where(naming[first] | naming[second])
    severity = np.where(found.jaccard >= high, 0, np.where(found.jaccard >= medium, 1, 2))
    score = rounded_ratios(found.shared, found.union)
    order = strongest((severity, -score, found.first, found.second), limit)
    graded = zip(found.where(order), map(SEVERITIES.__getitem__, severity[order].tolist()))
    return ((*pair, grade) for pair, grade in graded), tally(severity)


def remit_pairs(facts: Facts, min_jaccard: float = 0.5) -> Overlaps:
    """Pairs of boards whose themes overlap with Jaccard at least `min_jaccard` (shared remit
    and missing links both read them)."""
    themes = facts.by_target("addresses")  # theme × board or initiative
    return apart(facts, overlaps(themes, facts.ids, min_jaccard=min_jaccard, columns=facts.codes_of_type("board")))


def apart(facts: Facts, found: Overlaps) -> Overlaps:
    """The pairs of which neither is part of the other, directly or through others."""
    ancestors = facts.ancestors
    return found.where(entries(ancestors + ancestors.T, *found.codes()) == 0)


def shared_remit(facts: Facts, pairs: Overlaps, limit: int | None = None,
                 naming: np.ndarray | None = None) -> KindFindings:
    """Pairs of boards whose themes overlap enough (`pairs`, from `remit_pairs`)."""
    name, listed = facts.name, facts.listed
    return on_the_same_themes(
        "shared_remit", facts, pairs, limit, naming,
        lambda a, b, themes, jaccard: f"{name(a)} and {name(b)} both cover {listed(themes)} "
                                      f"({percent(jaccard)} of the themes recorded for either).")


def on_the_same_themes(kind: str, facts: Facts, found: Overlaps, limit: int | None, naming: np.ndarray | None,
                       sentence: Callable[[str, str, set[str], float], str],
                       unknowns: Sequence[dict[str, Any]] = ()) -> KindFindings:
    """Findings of pairs whose themes overlap (high from 75%, medium from 50%), each with the
    themes they share; `sentence(a, b, themes, jaccard)` explains one."""
    remit = facts.remit
    pairs, severities = ranked_pairs(found, 0.75, 0.5, limit, naming)

    def explained() -> Iterator[Finding]:
        for a, b, _, jaccard, severity in pairs:
            themes = remit[a] & remit[b]
            yield finding(kind, (a, b), jaccard, severity, sentence(a, b, themes, jaccard), themes=sorted(themes))

    return KindFindings(explained(), severities, unknowns)


def duplicate_oversight(facts: Facts, limit: int | None = None, naming: np.ndarray | None = None) -> KindFindings:
    """Initiatives overseen by two or more boards: who has the final say is unclear. With
    `naming` (a boolean per entity code), only those naming one of its entities."""
    overseers = facts.by_target("oversees")  # initiative × board
    initiatives = facts.codes_of_type("initiative")
    count = np.diff(overseers.indptr)[initiatives]
    if naming is not None:
        count[~(naming[initiatives] | (overseers[initiatives] @ naming.astype(np.int64) > 0))] = 0
    initiatives, count = initiatives[count >= 2], count[count >= 2]
    # ties break on the finding's entities (the initiative and its boards, sorted): codes are in id order
    entities = [sorted([initiative, *overseers.indices[overseers.indptr[initiative]:overseers.indptr[initiative + 1]]
                        .tolist()]) for initiative in initiatives.tolist()]
    place = {initiative: number for number, initiative in enumerate(facts.initiatives)}  # then landscape order
    keys = [(listed, place[facts.ids[initiative]]) for listed, initiative in zip(entities, initiatives.tolist())]
    tie = np.empty(len(entities), dtype=np.int64)
    tie[sorted(range(len(entities)), key=keys.__getitem__)] = np.arange(len(entities))
    names = facts.overseers

    def write(k: int) -> Finding:
        initiative = facts.ids[initiatives[k]]
        boards = names[initiative]
        return finding("duplicate_oversight", (initiative, *boards), len(boards),
                       "high" if len(boards) >= 3 else "medium",
                       f"{facts.name(initiative)} is overseen by {len(boards)} boards ({facts.listed(boards)}).",
                       initiative=initiative, boards=sorted(boards))

    return ranked_findings(np.where(count >= 3, 0, 1), count, (tie,), write, limit)


def parallel_pairs(facts: Facts, min_jaccard: float = 0.5) -> Overlaps:
    """Pairs of governed initiatives, each led by someone, on the same themes (Jaccard at least
    `min_jaccard`), with no lead in common, no board in common overseeing them, and neither
    part of the other nor both part of one initiative: the same work done twice, with nobody
    placed to notice."""
    themes = facts.by_target("addresses")  # theme × board or initiative
    found = overlaps(themes, facts.ids, min_jaccard=min_jaccard, columns=facts.codes_of_type("initiative"))
    first, second = found.codes()
    found = found.where(facts.governed[first] & facts.governed[second])
    leads, overseers = facts.relation("leads"), facts.relation("oversees")
    led = found.holds_any(leads)
    found = found.where(led[found.first] & led[found.second])
    found = found.where(~found.share_any(leads) & ~found.share_any(overseers))
    # one part of the other, or both parts of one programme: the same work, planned as one
    found = apart(facts, found)
    return found.where(~found.share_any(facts.ancestors.T.tocsr()))


def parallel_initiatives(facts: Facts, pairs: Overlaps, limit: int | None = None,
                         naming: np.ndarray | None = None) -> KindFindings:
    """Pairs of initiatives doing the same work apart (`pairs`, from `parallel_pairs`). "No
    board oversees both" rests on the oversight of each: where either's is not recorded
    (`Facts.oversight_unknown`), the pair is an unknown naming it."""
    leads, name, listed = facts.leads, facts.name, facts.listed
    first, second = pairs.codes()
    silent = facts.oversight_unknown[first] | facts.oversight_unknown[second]
    named = np.ones(len(pairs), dtype=bool) if naming is None else naming[first] | naming[second]
    unknown = pairs.where(silent & named)
    return on_the_same_themes(
        "parallel_initiatives", facts, pairs.where(~silent), limit, naming,
        lambda a, b, themes, _: f"{name(a)} (led by {listed(leads[a])}) and {name(b)} (led by "
                                f"{listed(leads[b])}) both work on {listed(themes)}, and no board oversees both.",
        sorted((unknown_of({"kind": "parallel_initiatives", "entities": [a, b]}, facts.landscape,
                           about=[i for i in (a, b) if facts.oversight_unknown[facts.code[i]]])
                for a, b, _, _ in unknown), key=lambda item: item["entities"]))
