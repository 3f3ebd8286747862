"""The store interface: where a loaded landscape lives between commands.

Every backend keeps one landscape. `write` replaces it or merges into it, all
or nothing; `read` gives it back. The contract tests in tests/test_store_contract.py
run against every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import networkx as nx

from landscape.errors import LandscapeError
from landscape.model import EDGE_ENDPOINTS, Landscape, Relationship


@dataclass(frozen=True)
class LoadSummary:
    entities: int
    relationships: int
    replaced: bool


class Store(ABC):
    """A place that holds one landscape."""

    @abstractmethod
    def read(self) -> Landscape:
        """The stored landscape."""

    @abstractmethod
    def write(self, landscape: Landscape, *, replace: bool = False) -> LoadSummary:
        """Store `landscape` atomically: replacing what is there, or merged into it by id."""

    @abstractmethod
    def describe(self) -> str:
        """Where the store is, for messages (never with a password)."""

    def close(self) -> None:  # noqa: B027 - most stores hold nothing open
        """Release connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def relationship_key(edge: Relationship) -> tuple[str, ...]:
    """What makes two relationships the same fact: loading it twice must not duplicate it."""
    return (edge.source, edge.target, edge.type, edge.role, edge.start, edge.end)


def merge(old: Landscape, new: Landscape) -> Landscape:
    """`old` updated by `new`: entities and sources by id, relationships by `relationship_key`.
    Raises LandscapeError when the result would be inconsistent (say, a new reporting
    line that closes a cycle with an old one)."""
    entities = {**old.entities, **new.entities}
    relationships = {relationship_key(edge): edge for edge in old.relationships}
    relationships.update((relationship_key(edge), edge) for edge in new.relationships)
    sources = {**old.source_table, **new.source_table}
    merged = Landscape(entities.values(), relationships.values(), new.name, source_table=sources.values(),
                       title=new.title or old.title)
    check_consistent(merged)
    return merged


def check_endpoints(landscape: Landscape, context: str = "") -> None:
    """Every relationship joins entities of the landscape (the first three unknown ones are named)."""
    ends = {edge.source for edge in landscape.relationships} | {edge.target for edge in landscape.relationships}
    if not ends <= landscape.entities.keys():  # sets first: quick when, as almost always, every end is known
        unknown = dict.fromkeys(end for edge in landscape.relationships for end in (edge.source, edge.target)
                                if end not in landscape.entities)
        raise LandscapeError(f"{context}relationships refer to unknown entities "
                             f"{', '.join(map(repr, list(unknown)[:3]))}")


def check_consistent(landscape: Landscape) -> None:
    """Check a landscape built by merging datasets: every relationship joins entities that
    exist, with types it allows, and no `reports_to` or `part_of` cycle. Raises LandscapeError."""
    messages = []
    entities = landscape.entities
    for edge in landscape.relationships:
        if edge.source not in entities or edge.target not in entities:
            messages.append(f"{edge.source} {edge.type} {edge.target}: refers to a missing entity")
        elif (entities[edge.source].type, entities[edge.target].type) not in EDGE_ENDPOINTS[edge.type]:
            messages.append(f"{edge.source} {edge.type} {edge.target}: not allowed between a "
                            f"{entities[edge.source].type} and a {entities[edge.target].type}")
    for edge_type in ("reports_to", "part_of"):
        graph = nx.DiGraph((e.source, e.target) for e in landscape.edges(edge_type))
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1:
                messages.append(f"{edge_type} cycle among {', '.join(sorted(component))}")
    if messages:
        raise LandscapeError("merging would make the stored landscape inconsistent; nothing was "
                             "loaded:\n" + "\n".join(messages))
