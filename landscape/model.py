"""The data model: typed entities and relationships, each dated and sourced.

A `Landscape` is an immutable-by-convention collection of entities and
relationships. Time is first-class: every fact carries optional `start`/`end`
dates, and `Landscape.as_of(day)` gives the landscape as it stood on that day.

What is known, and how well: each fact has an `evidence` level (`stated`,
`inferred`, `proposed`), an entity lists the aspects its sources do not cover
(`not_recorded`, `is_recorded`), its `aliases` and, for an initiative, its `kind`
(`is_governed`). A landscape's `source_table` holds the dated sources its facts
cite; `citations`, `cited_sources`, `attested`, `first_attested` and
`last_attested` answer for any fact. A fact with no `start` joins the landscape
on the day it was first attested.
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
    "reports_to": frozenset({("board", "board"), ("board", "agency"), ("initiative", "board")}),
    "part_of": frozenset({("board", "board"), ("agency", "agency"), ("initiative", "initiative"),
                          ("theme", "theme")}),
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

# How well a fact is known, strongest first: a source says so, implies it, or only proposes it.
EVIDENCE_LEVELS = ("stated", "inferred", "proposed")
DEFAULT_EVIDENCE = "stated"
# Aspects of an entity its sources may not cover (`not_recorded`): silence about them means "unknown".
ASPECTS = ("reporting", "members", "links", "oversight", "lead")
# Initiative kinds: governed work a partnership is expected to oversee and lead, and context
# (national strategies, plans, inspections, studies and calls no local board is expected to oversee).
GOVERNED_KINDS = ("programme", "project", "service", "protocol", "framework", "guidance", "dataset", "event")
CONTEXT_KINDS = ("strategy", "plan", "inspection", "research", "statement")
INITIATIVE_KINDS = GOVERNED_KINDS + CONTEXT_KINDS

ENTITY_COLUMNS = ("id", "name", "type", "sector", "level", "description", "url", "top",
                  "required_sectors", "start", "end", "source", "themes")
RELATIONSHIP_COLUMNS = ("source", "target", "type", "role", "start", "end", "source_doc", "note")
SOURCE_COLUMNS = ("id", "title", "date", "url", "publisher")

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

    @property
    def evidence(self) -> str:
        """How well the entity is known: `stated` (the default), `inferred` or `proposed`."""
        return self.get("evidence") or DEFAULT_EVIDENCE

    @property
    def aliases(self) -> list[str]:
        """Other names the entity goes by (`aliases`, `;`-separated)."""
        return split_list(self.get("aliases"))

    @property
    def kind(self) -> str:
        """An initiative's kind (`programme`, `strategy`, ...); empty when not given."""
        return self.get("kind")

    @property
    def is_governed(self) -> bool:
        """Whether this is an initiative a partnership is expected to oversee and lead: any
        initiative whose kind is not a context kind (an empty kind means governed)."""
        return self.type == "initiative" and self.kind not in CONTEXT_KINDS

    @property
    def not_recorded(self) -> frozenset[str]:
        """The aspects (`reporting`, `members`, ...) the sources do not cover for this entity."""
        return frozenset(split_list(self.get("not_recorded")))

    def is_recorded(self, aspect: str) -> bool:
        """Whether the sources cover `aspect`: if so, silence about it means "none", else "unknown"."""
        return aspect not in self.not_recorded


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

    @property
    def evidence(self) -> str:
        """How well the relationship is known: `stated` (the default), `inferred` or `proposed`."""
        return self.attrs.get("evidence") or DEFAULT_EVIDENCE

    @property
    def note(self) -> str:
        return self.attrs.get("note", "")


Fact = Entity | Relationship


def evidence_rank(level: str) -> int:
    """A level's place in EVIDENCE_LEVELS (0 is strongest); an unknown level ranks weakest."""
    return EVIDENCE_LEVELS.index(level) if level in EVIDENCE_LEVELS else len(EVIDENCE_LEVELS)


Day = date  # `date`, by a name the field `Source.date` does not hide


@dataclass(frozen=True)
class Source:
    """One document (or person) of the sources table that facts cite by id."""

    id: str
    title: str
    date: str = ""  # ISO 8601, may be partial (`2024-12`); empty when undated
    url: str = ""
    publisher: str = ""
    attrs: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def first_day(self) -> Day | None:
        """The first day the source's date may mean (`2024-12` → 1 December 2024), or None."""
        return cached_parse_date(self.date) if self.date else None

    @property
    def last_day(self) -> Day | None:
        """The last day the source's date may mean (`2024-12` → 31 December 2024), or None."""
        return cached_parse_date(self.date, True) if self.date else None


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation of a fact's `source` (or `source_doc`) cell, as written and as parsed."""

    text: str  # as written: `asob-2021, Appendix 3`, or a citation in words
    source_id: str = ""  # the id of the source in the sources table it cites; empty for one in words
    locator: str = ""  # where in that source (`Appendix 3`)


def citation_parts(text: str) -> list[tuple[str, str, str]]:
    """Each `;`-separated citation of a cell as (as written, first part, locator): the first part
    is what comes before the first comma."""
    parts = []
    for cited in split_list(text):
        head, _, locator = cited.partition(",")
        parts.append((cited, head.strip(), locator.strip()))
    return parts


_ONE_WORD = re.compile(r"\S+")


def is_source_id(text: str) -> bool:
    """Whether a citation's first part names a source by id: one word without spaces. Longer text
    is a citation in words."""
    return _ONE_WORD.fullmatch(text) is not None


def parse_citations(text: str, known: Collection[str]) -> tuple[Citation, ...]:
    """The citations of a cell: one that starts with the id of a `known` source cites it (with
    the rest as locator); anything else is kept whole as an undated citation in words."""
    return tuple(Citation(cited, head, locator) if head in known and is_source_id(head) else Citation(cited)
                 for cited, head, locator in citation_parts(text))


@dataclass(frozen=True, slots=True)
class Attested:
    """When a fact's sources date it: the earliest and the latest dated source it cites."""

    first: Source | None = None
    last: Source | None = None


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
                 name: str = "landscape", columns: Columns | None = None,
                 source_table: Iterable[Source] = (), title: str = "") -> None:
        self.entities: dict[str, Entity] = {entity.id: entity for entity in entities}
        self.relationships: list[Relationship] = list(relationships)
        self.name = name
        self.title = title  # what the dataset calls itself (its guide sheet, dataset.json or README); may be empty
        self._columns = columns
        # The sources table (`sources.csv`) by id, in its order; empty when the dataset has none.
        self.source_table: dict[str, Source] = {source.id: source for source in source_table}
        self._citations: dict[str, tuple[Citation, ...]] = {}  # by cell text: cells repeat
        self._attested: dict[tuple[str, date | None], Attested] = {}
        self._attested_starts: np.ndarray | None = None
        self._attested_entity_starts: dict[str, int] | None = None

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
        """The landscape as it stood on `day`: facts current then, between entities current then.

        A fact with no `start` is not part of the landscape before it was first attested (the
        earliest date of the sources it cites); one with no `end` stays in force after it was
        last attested."""
        if day is None:
            return self
        today = day.toordinal()
        entities = [e for e in self.entities.values() if is_current(e.start, e.end, day)]
        if self.source_table:
            first_days = self.attested_entity_starts()
            entities = [e for e in entities if first_days.get(e.id, OPEN_START) <= today]
        columns = self.columns
        alive = np.zeros(len(columns.ids), dtype=bool)
        code = columns.code
        alive[[code[entity.id] for entity in entities]] = True
        between = alive[columns.sources] & alive[columns.targets]
        undated = (columns.starts == NO_DATE) | (columns.ends == NO_DATE)
        if undated.any():  # a landscape built by hand: parse_date's ValueError names the text
            for edge in compress(self.relationships, (undated & between).tolist()):
                is_current(edge.start, edge.end, day)
        keep = between & (columns.starts <= today) & (columns.ends >= today)
        if self.source_table:
            keep &= self.attested_starts() <= today
        return Landscape(entities, compress(self.relationships, keep.tolist()), self.name,
                         columns.where(keep, alive), self.source_table.values(), self.title)

    def at_evidence(self, weakest: str) -> Landscape:
        """The facts known at least as well as `weakest` (`stated`, `inferred` or `proposed`),
        between entities known that well: `inferred` keeps stated and inferred facts."""
        weaker = set(EVIDENCE_LEVELS[evidence_rank(weakest) + 1:])
        if not weaker:
            return self

        def known(fact: Entity | Relationship) -> bool:
            return fact.attrs.get("evidence", "") not in weaker  # a dict look-up: a million facts

        entities = [entity for entity in self.entities.values() if known(entity)]
        if len(entities) == len(self.entities) and all(map(known, self.relationships)):
            return self
        held = {entity.id for entity in entities}
        return Landscape(entities, [edge for edge in self.relationships
                                    if edge.source in held and edge.target in held and known(edge)],
                         self.name, source_table=self.source_table.values(), title=self.title)

    def citations(self, fact: Fact) -> tuple[Citation, ...]:
        """The citations of an entity's `source` or a relationship's `source_doc`, parsed against
        the sources table."""
        return self.citations_in(fact.source if isinstance(fact, Entity) else fact.source_doc)

    def citations_in(self, text: str) -> tuple[Citation, ...]:
        """The citations of a `source` or `source_doc` cell, parsed against the sources table."""
        cited = self._citations.get(text)
        if cited is None:
            cited = self._citations[text] = parse_citations(text, self.source_table)
        return cited

    def cited_sources(self, fact: Fact) -> list[Source]:
        """The sources of the sources table a fact cites, in the order cited, each once."""
        ids = dict.fromkeys(citation.source_id for citation in self.citations(fact) if citation.source_id)
        return [self.source_table[source_id] for source_id in ids]

    def attested(self, fact: Fact, until: date | None = None) -> Attested:
        """The earliest and the latest dated source a fact cites (None when it cites none); with
        `until`, among those already dated by then (a source of 2024 attests nothing in 2021)."""
        return self.attested_in(fact.source if isinstance(fact, Entity) else fact.source_doc, until)

    def attested_in(self, text: str, until: date | None = None) -> Attested:
        """The earliest and the latest dated source a `source` or `source_doc` cell cites (with
        `until`, of those whose date begins by then)."""
        found = self._attested.get((text, until))
        if found is None:
            ids = dict.fromkeys(citation.source_id for citation in self.citations_in(text) if citation.source_id)
            dated = [self.source_table[source_id] for source_id in ids if self.source_table[source_id].date]
            if until is not None:
                dated = [source for source in dated if (source.first_day or date.min) <= until]
            found = Attested(min(dated, key=lambda source: source.first_day or date.min),
                             max(dated, key=lambda source: source.last_day or date.min)) if dated else Attested()
            self._attested[(text, until)] = found
        return found

    def first_attested(self, fact: Fact) -> date | None:
        """The first day of the earliest dated source a fact cites, or None."""
        first = self.attested(fact).first
        return first.first_day if first else None

    def last_attested(self, fact: Fact) -> date | None:
        """The last day of the latest dated source a fact cites (a source dated `2024-12` attests
        to the end of December 2024), or None. `attested(fact).last.date` is the date as written."""
        last = self.attested(fact).last
        return last.last_day if last else None

    def is_first_mention(self, fact: Fact) -> bool:
        """Whether a fact's start is only its first mention: it has no `start`, but a dated source."""
        return not fact.start and self.attested(fact).first is not None

    def attested_start(self, fact: Fact) -> int:
        """The day number from which a fact with no `start` is part of the landscape: its first
        attested day, or OPEN_START when it cites no dated source."""
        return self.first_day_in(fact.source if isinstance(fact, Entity) else fact.source_doc)

    def attested_entity_starts(self) -> dict[str, int]:
        """`attested_start` of each entity with no `start` that cites a dated source, by id: made
        once, so that each `as_of` looks each entity up once."""
        if self._attested_entity_starts is None:
            texts = {entity.id: entity.source for entity in self.entities.values() if not entity.start}
            day_of = {text: self.first_day_in(text) for text in set(texts.values())}
            self._attested_entity_starts = {entity_id: day_of[text] for entity_id, text in texts.items()
                                            if day_of[text] != OPEN_START}
        return self._attested_entity_starts

    def attested_starts(self) -> np.ndarray:
        """`attested_start` of every relationship, as an array in order (OPEN_START for one with a
        `start`): made once, so that each `as_of` costs one comparison per relationship. Each
        distinct `source_doc` is looked up once (a national landscape repeats a few thousand)."""
        if self._attested_starts is None or len(self._attested_starts) != len(self.relationships):
            texts = [edge.source_doc for edge in self.relationships]
            day_of = {text: self.first_day_in(text) for text in set(texts)}
            attested = np.fromiter(map(day_of.__getitem__, texts), dtype=np.int64, count=len(texts))
            self._attested_starts = np.where(self.columns.starts == OPEN_START, attested, OPEN_START)
        return self._attested_starts

    def first_day_in(self, text: str) -> int:
        """The day number of the first day of the earliest dated source a cell cites, or OPEN_START."""
        first = self.attested_in(text).first
        day = first.first_day if first else None
        return day.toordinal() if day else OPEN_START

    def counts(self) -> dict[str, int]:
        """How many entities of each type, and how many relationships."""
        counts = {node_type: 0 for node_type in NODE_TYPES}
        for entity in self.entities.values():
            counts[entity.type] = counts.get(entity.type, 0) + 1
        counts["relationships"] = len(self.relationships)
        return counts

    def sources(self) -> list[str]:
        """Every distinct source cited (the cells as written), in first-seen order."""
        seen: dict[str, None] = {}
        for entity in self.entities.values():
            if entity.source:
                seen.setdefault(entity.source)
        for edge in self.relationships:
            if edge.source_doc:
                seen.setdefault(edge.source_doc)
        return list(seen)
