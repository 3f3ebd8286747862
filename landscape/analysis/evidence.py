"""What a finding rests on: the facts behind it, how well each is known, and how old the
newest of them is.

A board acts on a finding only if it can see why it was raised. `grounds` names the facts a
finding rests on (the bodies it names and the relationships that make the overlap, or the
body whose silence makes the gap); `with_evidence` adds them to the finding with their
evidence level and citations, the date of the newest dated source among them
(`last_attested`) and whether that is more than `stale_after` years before the day of the
analysis (`stale`). Only the findings written are given their evidence, so a national
analysis that keeps a thousand findings reads the sources of a thousand.

>>> from datetime import date
>>> from landscape.model import Entity, Landscape, Relationship, Source
>>> boards = [Entity("a", "Board A", "board", source="paper, p. 2"), Entity("b", "Board B", "board")]
>>> small = Landscape(boards, [], source_table=[Source("paper", "The paper", "2021-02-18")])
>>> found = {"kind": "orphan_board", "entities": ["a"]}
>>> with_evidence(found, small, date(2024, 12, 31), stale_after=2)["evidence"]
[{'entity': 'a', 'evidence': 'stated', 'cites': ['paper, p. 2']}]
>>> with_evidence(found, small, date(2024, 12, 31), stale_after=2)["last_attested"]
'2021-02-18'
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import combinations
from operator import itemgetter
from typing import Any

import numpy as np

from landscape.model import Entity, Fact, Landscape, Relationship, Source

Finding = dict[str, Any]

# The relationships that make each kind of overlap, read from the bodies the finding names.
MEMBERSHIP = ("member_of",)
REMIT = ("addresses",)
OVERSIGHT = ("oversees",)


def grounds(finding: Finding, landscape: Landscape, touching: Touching | None = None) -> list[Fact]:
    """The facts `finding` rests on, in `landscape` (the landscape it was found in): the
    entities it names, then the relationships that make it.

    - shared membership: each shared member's membership of both boards;
    - shared remit, parallel initiatives: each body's `addresses` of the themes they share
      (and for initiatives, who leads each);
    - duplicate oversight: each board's oversight of the initiative;
    - missing required member: the board's memberships (none of them in the sector);
    - missing link: the remit and oversight the two boards share (and the members they share,
      when those are its informal channel);
    - the other gaps (no oversight, no owner, no reporting line, no lead) rest on the entity
      alone: the relationship that would close them is absent.

    `touching` (the landscape's relationships by the entities they join) is made when not
    given; an analysis makes it once for all its findings.
    """
    touching = touching or Touching(landscape)
    ids = finding["entities"]
    named = [landscape.entities[i] for i in ids if i in landscape.entities]
    inside = set(ids)
    kind = finding["kind"]
    if kind == "shared_membership":
        edges = shared_neighbours(touching, ids, MEMBERSHIP, inward=True)
    elif kind in ("shared_remit", "parallel_initiatives"):
        edges = shared_neighbours(touching, ids, REMIT)
        if kind == "parallel_initiatives":
            edges += [edge for edge in touching.of(ids, ("leads",)) if edge.target in inside]
    elif kind == "duplicate_oversight":
        edges = [edge for edge in touching.of(ids, ("oversees", "reports_to"))
                 if edge.source in inside and edge.target in inside]
    elif kind == "missing_required_member":
        edges = [edge for edge in touching.of(ids, MEMBERSHIP) if edge.target in inside]
    elif kind == "missing_link":
        edges = shared_neighbours(touching, ids, REMIT + OVERSIGHT)
        if finding.get("channel") == "shared_member":  # the informal channel rests on the shared members
            edges += shared_neighbours(touching, ids, MEMBERSHIP, inward=True)
    else:
        edges = []
    return [*named, *edges]


class Reach:
    """Relationships at the same end of one entity, in order, found by the entity at their other
    end (the source, with `inward`; else the target)."""

    def __init__(self, edges: list[Relationship], inward: bool = False) -> None:
        self.edges = edges
        self.places: dict[str, list[int]] = {}  # each entity at the other end: its relationships' places
        for place, edge in enumerate(edges):
            self.places.setdefault(edge.source if inward else edge.target, []).append(place)
        self.others = frozenset(self.places)

    def to(self, others: set[str]) -> list[Relationship]:
        """The relationships to any of `others`, in order.

        >>> joined = Reach([Relationship("a", "x", "addresses"), Relationship("a", "y", "addresses")])
        >>> [edge.target for edge in joined.to({"y", "z"})]
        ['y']
        """
        return [self.edges[place] for place in sorted(place for other in others & self.others
                                                      for place in self.places[other])]


class Touching:
    """A landscape's relationships by the entities they join and their type, indexed as arrays
    once: a national analysis writes the evidence of thousands of findings, each about a few
    bodies. With `ids`, only the relationships touching those entities are indexed, and the
    relationships themselves are looked up only when a finding asks for them."""

    def __init__(self, landscape: Landscape, ids: Iterable[str] | None = None) -> None:
        columns = landscape.columns
        self.relationships, self.code = landscape.relationships, columns.code
        self.type_code = {name: number for number, name in enumerate(columns.type_names)}
        # each relationship's source, then its target (not again for a loop), in landscape order
        ends = np.column_stack([columns.sources, columns.targets]).ravel()
        edges = np.repeat(np.arange(len(columns.sources)), 2)
        keep = np.ones(len(ends), dtype=bool)
        keep[1::2] = columns.targets != columns.sources
        if ids is not None:
            wanted = np.zeros(len(columns.ids), dtype=bool)
            wanted[[self.code[i] for i in set(ids) if i in self.code]] = True
            keep &= wanted[ends]
        ends, edges = ends[keep], edges[keep]
        keys = ends * len(self.type_code) + columns.types[edges]
        order = np.argsort(keys, kind="stable")  # stable: each key's relationships stay in landscape order
        keys, self.edges = keys[order], edges[order].tolist()
        distinct, starts = np.unique(keys, return_index=True)
        self.span = dict(zip(distinct.tolist(), zip(starts.tolist(), [*starts[1:].tolist(), len(keys)])))
        self.ends: dict[tuple[str, tuple[str, ...], bool], Reach] = {}

    def at_end(self, entity_id: str, types: tuple[str, ...], inward: bool = False) -> Reach:
        """The relationships of `types` whose target (with `inward`; else whose source) is
        `entity_id`, in the order `of` gives them, by the entity at their other end: found once
        for each entity."""
        key = (entity_id, types, inward)
        if key not in self.ends:
            self.ends[key] = Reach([edge for edge in self.of([entity_id], types)
                                    if (edge.target if inward else edge.source) == entity_id], inward)
        return self.ends[key]

    def of(self, ids: list[str], types: tuple[str, ...]) -> list[Relationship]:
        """The relationships of `types` touching any of `ids`, each once: those of the first id
        first, and of each id those of the first type first, in landscape order."""
        found: list[int] = []
        width, nothing = len(self.type_code), (0, 0)
        for entity_id in ids:
            code = self.code.get(entity_id)
            for edge_type in types:
                number = self.type_code.get(edge_type)
                if code is not None and number is not None:
                    start, stop = self.span.get(code * width + number, nothing)
                    found += self.edges[start:stop]
        return list(map(self.relationships.__getitem__, dict.fromkeys(found)))


def shared_neighbours(touching: Touching, ids: list[str], types: tuple[str, ...],
                      inward: bool = False) -> list[Relationship]:
    """The relationships of `types` joining the bodies `ids` to what at least two of them
    share, outward (`a addresses t`) by default, inward (`m member_of a`) with `inward`: of
    those `touching.of(ids, types)` lists, in its order, the ones whose body end is one of
    `ids` and whose other end is held by two of them. Each body's neighbours are found once
    (`Touching.at_end`): a national analysis asks for those of the same boards in thousands of
    findings."""
    bodies = list(dict.fromkeys(ids))
    reach = [touching.at_end(body, types, inward) for body in bodies]
    shared = set().union(*(first.others & second.others for first, second in combinations(reach, 2)))
    if not shared.isdisjoint(bodies):
        # a body held by two of the others (only in a landscape built by hand) is listed with
        # the relationships at its other end too
        return held_by_two(touching.of(ids, types), set(ids), inward)
    return [edge for body in reach for edge in body.to(shared)]


def held_by_two(edges: list[Relationship], ids: set[str], inward: bool = False) -> list[Relationship]:
    """Of `edges`, those joining the bodies `ids` to what at least two of them hold, in order:
    outward (`a addresses t`) by default, inward (`m member_of a`) with `inward`."""
    edges = [edge for edge in edges if (edge.target if inward else edge.source) in ids]
    holders: dict[str, set[str]] = {}
    for edge in edges:
        body, other = (edge.target, edge.source) if inward else (edge.source, edge.target)
        holders.setdefault(other, set()).add(body)
    return [edge for edge in edges if len(holders[edge.source if inward else edge.target]) > 1]


def fact_entry(fact: Fact, landscape: Landscape) -> dict[str, Any]:
    """A fact as the JSON names it: `{"entity": id}` or `{"source", "target", "type"}`, with its
    evidence level and its citations as written."""
    cites = [citation.text for citation in landscape.citations(fact)]
    if isinstance(fact, Entity):
        return {"entity": fact.id, "evidence": fact.evidence, "cites": cites}
    return {"source": fact.source, "target": fact.target, "type": fact.type, "evidence": fact.evidence,
            "cites": cites}


class Evidence:
    """The facts of one landscape as findings cite them, for many findings at once: the
    relationships touching the bodies they name, indexed once (`touching`), and each fact's
    entry and newest dated source, found once however many findings rest on the fact. A fact's
    entry is one dict, shared by the findings resting on it: read it, never change it."""

    def __init__(self, landscape: Landscape, findings: Iterable[Finding] = (), day: date | None = None) -> None:
        self.landscape, self.day = landscape, day  # sources dated after `day` attest nothing on it
        self.touching = Touching(landscape, (entity for finding in findings for entity in finding["entities"]))
        # by the fact's id (facts live as long as their landscape): its entry, the newest dated
        # source it cites, and that source's last day
        self.known: dict[int, tuple[dict[str, Any], Source | None, date]] = {}

    def of(self, facts: list[Fact]) -> tuple[list[dict[str, Any]], Source | None]:
        """The facts' entries (see `fact_entry`), and the newest dated source they cite (None when
        none cites one)."""
        known = self.known
        for fact in facts:
            if id(fact) not in known:
                source = self.landscape.attested(fact, self.day).last
                known[id(fact)] = (fact_entry(fact, self.landscape), source,
                                   (source.last_day or date.min) if source else date.min)
        cited = [known[id(fact)] for fact in facts]
        newest = max((item for item in cited if item[1] is not None), key=itemgetter(2), default=None)
        return [entry for entry, _, _ in cited], newest[1] if newest else None


def with_evidence(finding: Finding, landscape: Landscape, day: date, stale_after: float,
                  evidence: Evidence | None = None) -> Finding:
    """`finding` with the facts it rests on (`evidence`), the date of the newest dated source
    among them (`last_attested`, as the sources table writes it; None when none is dated) and
    whether that source's last day is more than `stale_after` years before `day` (`stale`).
    `evidence` (made when not given) holds what findings in `landscape` share."""
    evidence = evidence or Evidence(landscape, [finding], day)
    entries, newest = evidence.of(grounds(finding, landscape, evidence.touching))
    return finding | {
        "evidence": entries,
        "last_attested": newest.date if newest else None,
        "stale": bool(newest and newest.last_day and is_stale(newest.last_day, day, stale_after)),
    }


def is_stale(last_day: date, day: date, years: float) -> bool:
    """Whether evidence last attested on `last_day` is more than `years` years old on `day`:
    at exactly that age it is not yet stale.

    >>> is_stale(date(2021, 2, 18), date(2023, 2, 18), 2), is_stale(date(2021, 2, 18), date(2023, 2, 19), 2)
    (False, True)
    """
    whole, part = divmod(years, 1)
    try:
        limit = last_day.replace(year=last_day.year + int(whole))
    except ValueError:  # 29 February, in a year that has none
        limit = last_day.replace(year=last_day.year + int(whole), day=28)
    return (day - limit).days > round(part * 365.25)
