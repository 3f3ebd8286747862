"""The facts every analysis reads, gathered once from a landscape."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from landscape.analysis.findings import listing
from landscape.model import Landscape

T = TypeVar("T")


@dataclass
class Facts:
    landscape: Landscape
    boards: list[str] = field(default_factory=list)
    initiatives: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    remit: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    overseers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    overseen: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    leads: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    involved: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    formal_links: set[frozenset[str]] = field(default_factory=set)
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names_by_id: dict[str, str] = field(default_factory=dict)
    computed: dict[str, Any] = field(default_factory=dict)

    def name(self, entity_id: str) -> str:
        return self.names_by_id.get(entity_id, entity_id)

    def names(self, ids: Collection[str]) -> list[str]:
        """The names of `ids`, sorted (findings name hundreds of thousands of sets)."""
        return sorted(map(self.name, ids))

    @cached_property
    def ranked(self) -> list[str]:
        """Entity ids in name order."""
        return sorted(self.names_by_id, key=self.names_by_id.__getitem__)

    @cached_property
    def name_rank(self) -> dict[str, int]:
        """Each entity's place in name order, so the first few names of a set can be picked
        without sorting the names themselves."""
        return {entity_id: rank for rank, entity_id in enumerate(self.ranked)}

    def listed(self, ids: Collection[str], limit: int = 4) -> str:
        """`listing(self.names(ids), limit)`, cheaply: when there are more than `limit`, only
        the first `limit - 1` names in name order are looked up."""
        if len(ids) <= limit:
            return listing(self.names(ids), limit)
        ranks = [self.name_rank.get(entity_id, -1) for entity_id in ids]
        if -1 in ranks:  # an id with no entity is named by itself
            return listing(self.names(ids), limit)
        first = [self.names_by_id[self.ranked[rank]] for rank in sorted(ranks)[:limit - 1]]
        return listing(first, limit, total=len(ids))

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()`, run once per landscape: several analyses share the same pairs."""
        if key not in self.computed:
            self.computed[key] = compute()
        return self.computed[key]  # type: ignore[no-any-return]

    def linked(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.formal_links

    def board_covers(self, board: str) -> set[str]:
        """Themes a board addresses directly or through an initiative it oversees."""
        covered = set(self.remit[board])
        for initiative in self.overseen[board]:
            covered |= self.remit[initiative]
        return covered


def gather(landscape: Landscape) -> Facts:
    """Index a landscape's relationships by what the analyses ask of them."""
    facts = Facts(landscape)
    by_type: dict[str, list[str]] = {"board": facts.boards, "initiative": facts.initiatives,
                                     "theme": facts.themes}
    for entity in landscape.entities.values():
        facts.names_by_id[entity.id] = entity.name
        if entity.type in by_type:
            by_type[entity.type].append(entity.id)
    for edge in landscape.relationships:
        if edge.type == "member_of":
            facts.members[edge.target].add(edge.source)
        elif edge.type == "addresses":
            facts.remit[edge.source].add(edge.target)
        elif edge.type == "oversees":
            facts.overseers[edge.target].add(edge.source)
            facts.overseen[edge.source].add(edge.target)
        elif edge.type == "leads":
            facts.leads[edge.target].add(edge.source)
        if edge.type in ("leads", "delivers", "funds"):
            facts.involved[edge.target].add(edge.source)
        if edge.type in ("reports_to", "part_of"):
            facts.parents[edge.source].add(edge.target)
        if edge.type in ("communicates_with", "reports_to", "part_of"):
            facts.formal_links.add(frozenset((edge.source, edge.target)))
    return facts
