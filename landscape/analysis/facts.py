"""The facts every analysis reads, gathered once from a landscape."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from landscape.model import Landscape


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

    def name(self, entity_id: str) -> str:
        return self.names_by_id.get(entity_id, entity_id)

    def names(self, ids: set[str] | list[str]) -> list[str]:
        """The names of `ids`, sorted (findings name hundreds of thousands of sets)."""
        return sorted(map(self.name, ids))

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
