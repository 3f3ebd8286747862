"""The data model: typed entities and relationships, each dated and sourced.

A `Landscape` is an immutable-by-convention collection of entities and
relationships. Time is first-class: every fact carries optional `start`/`end`
dates, and `Landscape.as_of(day)` gives the landscape as it stood on that day.
"""

from __future__ import annotations

import calendar
import functools
import gc
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import compress

import numpy as np

NODE_TYPES = ("board", "agency", "vcs", "initiative", "person", "theme")

# Which (from type, to type) pairs each relationship type allows.
EDGE_ENDPOINTS: dict[str, frozenset[tuple[str, str]]] = {
    "reports_to": frozenset({("board", "board"), ("board", "agency")}),
    "part_of": frozenset({("board", "board"), ("agency", "agency")}),
    "member_of": frozenset({("agency", "board"), ("vcs", "board"), ("person", "board")}),
    "oversees": frozenset({("board", "initiative")}),
    "leads": frozenset({("agency", "initiative"), ("vcs", "initiative"), ("board", "initiative")}),
    "delivers": frozenset({("agency", "initiative"), ("vcs", "initiative")}),
    "funds": frozenset({("agency", "initiative"), ("agency", "vcs")}),
    "supports": frozenset({("agency", "board")}),
    "communicates_with": frozenset({("board", "board")}),
    "addresses": frozenset({("board", "theme"), ("initiative", "theme")}),
}
EDGE_TYPES = tuple(EDGE_ENDPOINTS)
UNDIRECTED_EDGE_TYPES = frozenset({"communicates_with"})
# How each relationship reads in a sentence: "<source> <verb> <target>".
EDGE_VERBS = {
    "reports_to": "reports to", "part_of": "is part of", "member_of": "is a member of",
    "oversees": "oversees", "leads": "leads", "delivers": "delivers", "funds": "funds",
    "supports": "supports", "communicates_with": "communicates with", "addresses": "addresses",
}
# How people read each type: singular and plural.
TYPE_LABELS = {
    "board": ("board", "boards"),
    "agency": ("agency", "agencies"),
    "vcs": ("VCS organisation", "VCS organisations"),
    "initiative": ("initiative", "initiatives"),
    "person": ("post", "posts"),
    "theme": ("theme", "themes"),
}
MEMBER_ROLES = ("chair", "vice-chair", "member", "secretariat", "attendee")
ORGANISATION_TYPES = frozenset({"agency", "vcs", "person"})

ENTITY_COLUMNS = ("id", "name", "type", "sector", "level", "description", "url", "top",
                  "required_sectors", "start", "end", "source", "themes")
RELATIONSHIP_COLUMNS = ("source", "target", "type", "role", "start", "end", "source_doc", "note")

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(text: str, *, end: bool = False) -> date:
    """Parse an ISO 8601 date that may be partial: `2021`, `2021-03` or `2021-03-18`.

    A partial date stands for a span; as a start it means the span's first day,
    as an end (``end=True``) its last day, so `start=2021-03, end=2021-03` is the
    whole of March 2021. Raises ValueError for anything else.
    """
    match = _PARTIAL_DATE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    if day is None:
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error})") from None


@functools.lru_cache(maxsize=65536)
def cached_parse_date(text: str, end: bool = False) -> date:
    """`parse_date`, remembered: a national landscape repeats a few thousand dates a million
    times (errors are not remembered: they raise again)."""
    return parse_date(text, end=end)


def is_current(start: str, end: str, day: date) -> bool:
    """Whether a fact dated `start`..`end` (inclusive, empty = open) holds on `day`."""
    if start and cached_parse_date(start) > day:
        return False
    return not (end and cached_parse_date(end, True) < day)


OPEN_START, OPEN_END = 0, date.max.toordinal() + 1  # day numbers of an empty start and end
NO_DATE = -1  # the day number of a text that is no date


def day_numbers(texts: Sequence[str], end: bool = False) -> np.ndarray:
    """Each date (empty, or partial ISO 8601) as its day number (`date.toordinal`): an empty one
    as open, a text that is no date as `NO_DATE`. Each distinct text is parsed once."""
    def number(text: str) -> int:
        if not text:
            return OPEN_END if end else OPEN_START
        try:
            return cached_parse_date(text, end).toordinal()
        except ValueError:
            return NO_DATE

    distinct = {text: number(text) for text in set(texts)}
    return np.array([distinct[text] for text in texts], dtype=np.int64)


# Entities and relationships are not changed once made, by convention (a national landscape
# has a million relationships, and a frozen dataclass takes four times as long to make); as
# mutable dataclasses they cannot be hashed.
@dataclass(slots=True)
class Entity:
    id: str
    name: str
    type: str
    start: str = ""
    end: str = ""
    source: str = ""
    attrs: dict[str, str] = field(default_factory=dict, compare=False)

    def get(self, key: str, default: str = "") -> str:
        return self.attrs.get(key, default)

    @property
    def sector(self) -> str:
        return self.get("sector")

    @property
    def level(self) -> str:
        return self.get("level")

    @property
    def is_top(self) -> bool:
        return self.get("top").lower() in {"true", "yes", "y", "1"}

    @property
    def required_sectors(self) -> list[str]:
        return split_list(self.get("required_sectors"))


@dataclass(slots=True)
class Relationship:
    source: str
    target: str
    type: str
    start: str = ""
    end: str = ""
    source_doc: str = ""
    role: str = ""
    attrs: dict[str, str] = field(default_factory=dict, compare=False)


def split_list(text: str) -> list[str]:
    """Split a `;`-separated cell into its trimmed, non-empty parts."""
    return [part.strip() for part in text.split(";") if part.strip()]


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a national landscape is read or analysed. That
    makes millions of objects (relationships, rows, findings) with no reference cycles among
    them, and each full collection walks every one of them again: a third of the time at
    100,000 entities. Reference counting still frees memory as usual; the collector resumes
    afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the pause made is still in the youngest generation: the first collections
            # after it would walk all of it, twice (a second at 100,000 entities). Moved to the
            # oldest generation instead (freeze, then unfreeze), it waits for a full collection.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@dataclass(frozen=True, eq=False)
class Columns:
    """A landscape's relationships as arrays, one entry per relationship in order: both ends as
    codes into `ids`, the type as a code into `type_names`, and the dates as day numbers. The
    analysis reads these, and `Landscape.as_of` filters them, without touching a million
    relationship objects again."""

    ids: np.ndarray  # every entity's id, and any a relationship names without one, sorted
    sources: np.ndarray
    targets: np.ndarray
    types: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    type_names: tuple[str, ...] = EDGE_TYPES

    @cached_property
    def code(self) -> dict[str, int]:
        """Each id's code: its place in sorted order, so comparing codes compares ids."""
        return {entity_id: number for number, entity_id in enumerate(self.ids.tolist())}

    @classmethod
    def of(cls, entities: Collection[str], relationships: Sequence[Relationship]) -> Columns:
        """The columns of relationships between `entities` (ids), from the objects."""
        try:
            return cls.among(sorted(entities)).extended(relationships)
        except KeyError:  # a landscape built by hand may name ids that have no entity: they are coded too
            named = {entity_id for edge in relationships for entity_id in (edge.source, edge.target)}
            return cls.among(sorted(named.union(entities))).extended(relationships)

    @classmethod
    def among(cls, ids: list[str]) -> Columns:
        """No relationships yet, between these ids (sorted)."""
        none = np.zeros(0, dtype=np.int64)
        return cls(np.array(ids, dtype=object), none, none, none, none, none)

    def extended(self, relationships: Sequence[Relationship]) -> Columns:
        """These columns followed by `relationships`, between ids these already code (KeyError
        if not)."""
        code, type_names = self.code, self.type_names
        numbered = {name: number for number, name in enumerate(type_names)}
        if not all(edge.type in numbered for edge in relationships):  # a type the model does not know
            type_names += tuple(dict.fromkeys(edge.type for edge in relationships if edge.type not in numbered))
            numbered = {name: number for number, name in enumerate(type_names)}

        def then(mine: np.ndarray, theirs: Sequence[int] | np.ndarray) -> np.ndarray:
            return np.concatenate([mine, np.asarray(theirs, dtype=np.int64)])

        return Columns(self.ids, then(self.sources, [code[edge.source] for edge in relationships]),
                       then(self.targets, [code[edge.target] for edge in relationships]),
                       then(self.types, [numbered[edge.type] for edge in relationships]),
                       then(self.starts, day_numbers([edge.start for edge in relationships])),
                       then(self.ends, day_numbers([edge.end for edge in relationships], end=True)), type_names)

    def where(self, keep: np.ndarray, held: np.ndarray) -> Columns:
        """The relationships `keep` marks, between the ids `held` marks (a boolean per code),
        coded again among those ids."""
        recode = np.cumsum(held) - 1
        return Columns(self.ids[held], recode[self.sources[keep]], recode[self.targets[keep]], self.types[keep],
                       self.starts[keep], self.ends[keep], self.type_names)


class Landscape:
    """Entities by id and the relationships between them; `columns` holds the relationships as
    arrays too, when the landscape was built from them (else they are made when first asked for)."""

    def __init__(self, entities: Iterable[Entity], relationships: Iterable[Relationship],
                 name: str = "landscape", columns: Columns | None = None) -> None:
        self.entities: dict[str, Entity] = {entity.id: entity for entity in entities}
        self.relationships: list[Relationship] = list(relationships)
        self.name = name
        self._columns = columns

    @property
    def columns(self) -> Columns:
        if self._columns is None or len(self._columns.sources) != len(self.relationships):
            self._columns = Columns.of(self.entities, self.relationships)
        return self._columns

    def __len__(self) -> int:
        return len(self.entities)

    def of_type(self, *types: str) -> list[Entity]:
        return [entity for entity in self.entities.values() if entity.type in types]

    def edges(self, *types: str) -> Iterator[Relationship]:
        return (edge for edge in self.relationships if edge.type in types)

    def name_of(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        return entity.name if entity else entity_id

    def as_of(self, day: date | None) -> Landscape:
        """The landscape as it stood on `day`: facts current then, between entities current then."""
        if day is None:
            return self
        entities = [e for e in self.entities.values() if is_current(e.start, e.end, day)]
        columns, today = self.columns, day.toordinal()
        alive = np.zeros(len(columns.ids), dtype=bool)
        code = columns.code
        alive[[code[entity.id] for entity in entities]] = True
        between = alive[columns.sources] & alive[columns.targets]
        undated = (columns.starts == NO_DATE) | (columns.ends == NO_DATE)
        if undated.any():  # a landscape built by hand: parse_date's ValueError names the text
            for edge in compress(self.relationships, (undated & between).tolist()):
                is_current(edge.start, edge.end, day)
        keep = between & (columns.starts <= today) & (columns.ends >= today)
        return Landscape(entities, compress(self.relationships, keep.tolist()), self.name,
                         columns.where(keep, alive))

    def counts(self) -> dict[str, int]:
        """How many entities of each type, and how many relationships."""
        counts = {node_type: 0 for node_type in NODE_TYPES}
        for entity in self.entities.values():
            counts[entity.type] = counts.get(entity.type, 0) + 1
        counts["relationships"] = len(self.relationships)
        return counts

    def sources(self) -> list[str]:
        """Every distinct source cited, in first-seen order."""
        seen: dict[str, None] = {}
        for entity in self.entities.values():
            if entity.source:
                seen.setdefault(entity.source)
        for edge in self.relationships:
            if edge.source_doc:
                seen.setdefault(edge.source_doc)
        return list(seen)
