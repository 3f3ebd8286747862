"""How a landscape is shaped as a Neo4j property graph: shared by the Neo4j store and the Cypher export.

This module imports no driver, so that `landscape export --format cypher` works with
nothing but Landscape installed, and writes the very graph the store would.

Every entity is a node labelled `:Entity` plus one label for its type (`:Board`,
`:Agency`, ...); every relationship has its type in upper case (`:REPORTS_TO`, ...).
Labels and types come from the model's fixed lists and are checked here to be plain
identifiers, so no user text is ever spliced into Cypher as a name. Fields are properties
of the same name, extra columns are properties prefixed `attr_`, and `seq` keeps the
landscape's order; empty fields are left out (a missing property reads back as empty),
which spares the server a third of the properties it would write. Each load is a
*generation*: its nodes carry `generation` (their relationships belong to them), and the
`:LandscapeMeta {key: 'landscape'}` node names the current one and holds what the landscape
says of itself, switched in with it: its `name`, its `title` and its sources table (`sources`,
the JSON text of its rows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from landscape.interchange import source_from_row, source_rows
from landscape.model import EDGE_TYPES, NODE_TYPES, Entity, Landscape, Relationship, Source
from landscape.store.base import LoadSummary, check_types, relationship_key

LABELS = {node_type: node_type.capitalize() for node_type in NODE_TYPES}
REL_TYPES = {edge_type: edge_type.upper() for edge_type in EDGE_TYPES}
NODE_TYPE_OF = {label: node_type for node_type, label in LABELS.items()}
EDGE_TYPE_OF = {rel_type: edge_type for edge_type, rel_type in REL_TYPES.items()}
for _name in (*LABELS.values(), *REL_TYPES.values()):
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", _name):  # pragma: no cover - guards the model
        raise ImportError(f"{_name!r} cannot be a Neo4j label or relationship type")
ANY_REL_TYPE = "|".join(REL_TYPES.values())

ATTR = "attr_"  # prefix of extra-column properties
META = "landscape"  # the key of the :LandscapeMeta node that says which generation is current
LOCK_KEY = "lock"  # the key of the :LandscapeMeta node a load holds locked

CONSTRAINTS = {
    "landscape_entity_generation_id": "CREATE CONSTRAINT landscape_entity_generation_id IF NOT EXISTS "
                                      "FOR (e:Entity) REQUIRE (e.generation, e.id) IS UNIQUE",
    "landscape_meta_key": "CREATE CONSTRAINT landscape_meta_key IF NOT EXISTS "
                          "FOR (m:LandscapeMeta) REQUIRE m.key IS UNIQUE",
}
RETIRED_CONSTRAINTS = ("landscape_entity_id",)  # earlier versions' unique id allowed one generation only
SCHEMA = (*(f"DROP CONSTRAINT {name} IF EXISTS" for name in RETIRED_CONSTRAINTS), *CONSTRAINTS.values())


def create_entities_cypher(label: str, rows: str, generation: str, node_type: str) -> str:
    """Cypher that creates a node labelled `label` for each [id, name, start, end, source, seq, attrs] row.

    `rows`, `generation` and `node_type` are Cypher expressions: parameters for the store, literals for the
    export. `label` must come from LABELS.
    """
    if label not in NODE_TYPE_OF:
        raise ValueError(f"{label!r} is not a Landscape label")
    return (f"UNWIND {rows} AS row CREATE (e:Entity:{label} {{generation: {generation}, id: row[0], name: row[1], "
            f"type: {node_type}, start: row[2], end: row[3], source: row[4], seq: row[5]}}) SET e += row[6]")


def create_relationship_cypher(rel_type: str) -> str:
    """Cypher that creates a `rel_type` relationship from `a` to `b` for a [_, _, seq, role, start, end,
    source_doc, attrs] row; `rel_type` must come from REL_TYPES."""
    if rel_type not in EDGE_TYPE_OF:
        raise ValueError(f"{rel_type!r} is not a Landscape relationship type")
    return (f"CREATE (a)-[r:{rel_type} {{seq: row[2], role: row[3], start: row[4], end: row[5], "
            f"source_doc: row[6]}}]->(b) SET r += row[7]")


@dataclass(frozen=True)
class Rows:
    """A landscape ready to write: list rows grouped by label (or type), and the extra columns in order.

    Everything about relationships is built on first use, from the landscape's own list (not a copy): a load
    sorts them while the server writes the entities (and builds their rows batch by batch); only the Cypher
    export builds `relationships`.
    """

    name: str
    entities: dict[str, list[list[Any]]]
    entity_columns: list[str]
    landscape_edges: list[Relationship]
    sources: str | None = None  # the sources table as JSON rows (`sources_json`), or None without one
    title: str | None = None  # what the dataset calls itself, or None when it gives no title

    @cached_property
    def distinct_edges(self) -> list[Relationship]:
        """The landscape's relationships made distinct by `relationship_key`, as `merge` makes them."""
        return list({relationship_key(edge): edge for edge in self.landscape_edges}.values())

    @cached_property
    def typed_edges(self) -> dict[str, list[tuple[int, Relationship]]]:
        """(seq, edge) by relationship type, sorted by source: what the rows are built from."""
        return edges_by_type(self.distinct_edges)

    @cached_property
    def relationships(self) -> dict[str, list[list[Any]]]:
        """Rows of `typed_edges`, each end by its entity's id (a load writes its rows batch by batch instead,
        each end by its node's element id)."""
        return {rel_type: [graph_relationship_row(seq, edge, edge.source, edge.target) for seq, edge in group]
                for rel_type, group in self.typed_edges.items()}

    @cached_property
    def relationship_columns(self) -> list[str]:
        return columns(edge.attrs for edge in self.distinct_edges)

    def summary(self, replaced: bool) -> LoadSummary:
        return LoadSummary(sum(map(len, self.entities.values())), len(self.distinct_edges), replaced)


def to_rows(landscape: Landscape) -> Rows:
    """The landscape as rows."""
    check_types(landscape)
    entities = landscape.entities.values()
    return Rows(landscape.name, entity_rows(entities), columns(entity.attrs for entity in entities),
                landscape.relationships, sources_json(landscape), landscape.title or None)


def sources_json(landscape: Landscape) -> str | None:
    """The sources table as the JSON text of its rows, kept on the `:LandscapeMeta` node with the
    generation it belongs to (a property holds no maps: one text holds the table); None without one."""
    if not landscape.source_table:
        return None
    return json.dumps(source_rows(landscape)[1], ensure_ascii=False)


def read_sources(text: str | None) -> list[Source]:
    """The sources table from `sources_json`'s text (none for None)."""
    return [source_from_row(row) for row in json.loads(text)] if text else []


def columns(attrs: Iterable[dict[str, str]]) -> list[str]:
    """Extra column names in first-seen order: the order exports write them in."""
    seen: dict[str, None] = {}
    for keys in dict.fromkeys(tuple(row) for row in attrs):  # rows mostly share their keys: each set once
        seen.update(dict.fromkeys(keys))
    return list(seen)


def stored_attrs(attrs: dict[str, str]) -> dict[str, str]:
    """Extra columns as prefixed properties, empty ones too: which columns a row has matters to exports."""
    return {ATTR + key: value for key, value in attrs.items()}


def entity_rows(entities: Iterable[Entity]) -> dict[str, list[list[Any]]]:
    """[id, name, start, end, source, seq, attrs] by label; `seq` is the position in the landscape.
    Types are checked already (`check_types`)."""
    rows: dict[str, list[list[Any]]] = {}
    for seq, entity in enumerate(entities):
        rows.setdefault(LABELS[entity.type], []).append(
            [entity.id, entity.name, entity.start or None, entity.end or None, entity.source or None, seq,
             stored_attrs(entity.attrs)])
    return rows


def edges_by_type(edges: Iterable[Relationship]) -> dict[str, list[tuple[int, Relationship]]]:
    """(seq, edge) by relationship type, sorted by source; `seq` is the edge's position in `edges`.

    Sorted, a batch adds each node's relationships one after another (a sixth less server time than in
    landscape order); `seq` keeps the landscape's order. Types are checked already (`check_types`).
    """
    grouped: dict[str, list[tuple[int, Relationship]]] = {}
    for seq, edge in enumerate(edges):
        grouped.setdefault(REL_TYPES[edge.type], []).append((seq, edge))
    for group in grouped.values():
        group.sort(key=lambda item: item[1].source)
    return grouped


def graph_relationship_row(seq: int, edge: Relationship, source: str, target: str) -> list[Any]:
    """[source, target, seq, role, start, end, source_doc, attrs]: the ends as the query finds them."""
    return [source, target, seq, edge.role or None, edge.start or None, edge.end or None, edge.source_doc or None,
            stored_attrs(edge.attrs)]


def read_attrs(properties: dict[str, Any], columns: list[str]) -> dict[str, str]:
    """The extra columns a node or relationship has, in the landscape's column order."""
    return {key: properties[ATTR + key] for key in columns if ATTR + key in properties}


def read_entity(properties: dict[str, Any], columns: list[str]) -> Entity:
    fields = {name: properties.get(name, "") for name in ("id", "name", "type", "start", "end", "source")}
    return Entity(**fields, attrs=read_attrs(properties, columns))


def read_relationship(source: str, target: str, rel_type: str, properties: dict[str, Any],
                      columns: list[str]) -> Relationship:
    fields = {name: properties.get(name, "") for name in ("role", "start", "end", "source_doc")}
    return Relationship(source, target, EDGE_TYPE_OF[rel_type], **fields, attrs=read_attrs(properties, columns))
