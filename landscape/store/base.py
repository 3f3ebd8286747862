"""The store interface: where a loaded landscape lives between commands.

Every backend keeps one landscape. `write` replaces it or merges into it, all
or nothing; `read` gives it back. The contract tests in tests/test_store_contract.py
run against every backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from landscape.model import Landscape, Relationship


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
    """`old` updated by `new`: entities by id, relationships by `relationship_key`.
    Raises LandscapeError when the result would be inconsistent (say, a new reporting
    line that closes a cycle with an old one)."""
    from landscape.validate import check_consistent

    entities = {**old.entities, **new.entities}
    relationships = {relationship_key(edge): edge for edge in old.relationships}
    relationships.update((relationship_key(edge), edge) for edge in new.relationships)
    merged = Landscape(entities.values(), relationships.values(), new.name)
    check_consistent(merged)
    return merged
