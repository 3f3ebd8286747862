"""The store interface: where a loaded landscape lives between commands.

Every backend keeps one landscape. `write` replaces it or merges into it, all
or nothing; `read` gives it back. The contract tests in tests/test_store_contract.py
run against every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from landscape.errors import LandscapeError, suggestion, with_article
from landscape.model import EDGE_ENDPOINTS, EDGE_TYPES, NODE_TYPES, Landscape, Relationship


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
    retyped = {entity.id: old.entities[entity.id].type for entity in new.entities.values()
               if entity.id in old.entities and old.entities[entity.id].type != entity.type}
    check_consistent(merged, retyped)
    return merged


def check_types(landscape: Landscape) -> None:
    """Every entity and relationship has a type of the model, as validation requires (the first that
    has not is named): the analysis, the maps and the Neo4j store's labels know no others.

    >>> from landscape.model import Entity
    >>> check_types(Landscape([Entity("a", "A", "bord")], []))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    landscape.errors.LandscapeError: entity 'a': unknown entity type 'bord' (expected one of ...); did you mean 'board'?
    """
    entities, edges = landscape.entities.values(), landscape.relationships
    if not {entity.type for entity in entities} <= set(NODE_TYPES):
        entity = next(entity for entity in entities if entity.type not in NODE_TYPES)
        raise LandscapeError(f"entity {entity.id!r}: {unknown_type('entity', entity.type, NODE_TYPES)}")
    if not {edge.type for edge in edges} <= set(EDGE_TYPES):
        edge = next(edge for edge in edges if edge.type not in EDGE_TYPES)
        raise LandscapeError(f"relationship {edge.source!r} -> {edge.target!r}: "
                             f"{unknown_type('relationship', edge.type, EDGE_TYPES)}")


def unknown_type(what: str, given: str, types: tuple[str, ...]) -> str:
    """What validation says of a type outside the model, with the closest type of the model."""
    return f"unknown {what} type {given!r} (expected one of {', '.join(types)}){suggestion(given, types)}"


def check_endpoints(landscape: Landscape, context: str = "") -> None:
    """Every relationship joins entities of the landscape (the first three unknown ones are named)."""
    ends = {edge.source for edge in landscape.relationships} | {edge.target for edge in landscape.relationships}
    if not ends <= landscape.entities.keys():  # sets first: quick when, as almost always, every end is known
        unknown = dict.fromkeys(end for edge in landscape.relationships for end in (edge.source, edge.target)
                                if end not in landscape.entities)
        raise LandscapeError(f"{context}relationships refer to unknown entities "
                             f"{', '.join(map(repr, list(unknown)[:3]))}")


def check_consistent(landscape: Landscape, retyped: Mapping[str, str]) -> None:
    """Check a landscape built by merging datasets: types of the model, every relationship joins
    entities that exist, with types it allows, and no `reports_to` or `part_of` cycle. `retyped`
    gives the type before the merge of each entity whose type it changed, so that a relationship
    the change disallows says why. Raises LandscapeError."""
    check_types(landscape)
    messages = []
    entities = landscape.entities

    def was(entity_id: str) -> str:
        return f" ({entity_id} was {with_article(retyped[entity_id])} before this load)" if entity_id in retyped else ""

    for edge in landscape.relationships:
        if edge.source not in entities or edge.target not in entities:
            messages.append(f"{edge.source} {edge.type} {edge.target}: refers to a missing entity")
        elif (entities[edge.source].type, entities[edge.target].type) not in EDGE_ENDPOINTS[edge.type]:
            messages.append(f"{edge.source} {edge.type} {edge.target}: not allowed between "
                            f"{with_article(entities[edge.source].type)} and "
                            f"{with_article(entities[edge.target].type)}{was(edge.source)}{was(edge.target)}")
    for edge_type in ("reports_to", "part_of"):
        graph = nx.DiGraph((e.source, e.target) for e in landscape.edges(edge_type))
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1:
                messages.append(f"{edge_type} cycle among {', '.join(sorted(component))}")
    if messages:
        raise LandscapeError("merging would make the stored landscape inconsistent; nothing was "
                             "loaded:\n" + "\n".join(messages))
