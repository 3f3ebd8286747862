"""Landscapes as plain rows and dicts: the interchange columns, and JSON for stores and exports."""

from __future__ import annotations

from itertools import chain
from typing import Any

from landscape.model import (
    ENTITY_COLUMNS,
    RELATIONSHIP_COLUMNS,
    SOURCE_COLUMNS,
    Entity,
    Landscape,
    Relationship,
    Source,
    split_list,
)

FORMAT = "landscape/1"
ENTITY_FIELDS = frozenset(("id", "name", "type", "start", "end", "source"))
RELATIONSHIP_FIELDS = frozenset(("source", "target", "type", "role", "start", "end", "source_doc"))


def entity_row(entity: Entity) -> dict[str, str]:
    row = {"id": entity.id, "name": entity.name, "type": entity.type, "start": entity.start,
           "end": entity.end, "source": entity.source}
    row.update(entity.attrs)
    return row


def relationship_row(edge: Relationship) -> dict[str, str]:
    row = {"source": edge.source, "target": edge.target, "type": edge.type, "role": edge.role,
           "start": edge.start, "end": edge.end, "source_doc": edge.source_doc}
    row.update(edge.attrs)
    return row


def entity_from_row(row: dict[str, str]) -> Entity:
    attrs = {k: v for k, v in row.items() if k not in ENTITY_FIELDS}
    return Entity(row["id"], row["name"], row["type"], row.get("start", ""), row.get("end", ""),
                  row.get("source", ""), attrs)


def relationship_from_row(row: dict[str, str]) -> Relationship:
    attrs = {k: v for k, v in row.items() if k not in RELATIONSHIP_FIELDS}
    return Relationship(row["source"], row["target"], row["type"], row.get("start", ""),
                        row.get("end", ""), row.get("source_doc", ""), row.get("role", ""), attrs)


def source_row(source: Source) -> dict[str, str]:
    row = {"id": source.id, "title": source.title, "date": source.date, "url": source.url,
           "publisher": source.publisher}
    row.update(source.attrs)
    return row


def source_from_row(row: dict[str, str]) -> Source:
    attrs = {k: v for k, v in row.items() if k not in SOURCE_COLUMNS}
    return Source(row["id"], row.get("title", ""), row.get("date", ""), row.get("url", ""),
                  row.get("publisher", ""), attrs)


def source_rows(landscape: Landscape) -> tuple[list[str], list[dict[str, str]]]:
    """The sources table's rows in the interchange format, with its column order."""
    rows = [source_row(source) for source in landscape.source_table.values()]
    return _columns(SOURCE_COLUMNS, rows), rows


def interchange_rows(landscape: Landscape) -> tuple[list[str], list[dict[str, str]],
                                                     list[str], list[dict[str, str]]]:
    """Entity and relationship rows in the interchange format, with their column orders.

    `addresses` edges go back into the `themes` column when they came from it, so
    that a dataset read and written again is the same dataset.
    """
    themes: dict[str, list[str]] = {}
    relationships = []
    for edge in landscape.relationships:
        from_column = (edge.type == "addresses" and not edge.attrs
                       and not edge.role and _same_facts(edge, landscape.entities[edge.source]))
        if from_column:
            themes.setdefault(edge.source, []).append(edge.target)
        else:
            relationships.append(relationship_row(edge))
    entities = []
    for entity in landscape.entities.values():
        row = entity_row(entity)
        row["themes"] = ";".join(themes.get(entity.id, []))
        entities.append(row)
    return (_columns(ENTITY_COLUMNS, entities), entities,
            _columns(RELATIONSHIP_COLUMNS, relationships), relationships)


def _same_facts(edge: Relationship, entity: Entity) -> bool:
    return (edge.start, edge.end, edge.source_doc) == (entity.start, entity.end, entity.source)


def _columns(fixed: tuple[str, ...], rows: list[dict[str, str]]) -> list[str]:
    extra: dict[str, None] = {}
    for row in rows:
        extra.update(dict.fromkeys(key for key in row if key not in fixed))
    return list(fixed) + list(extra)


def to_dict(landscape: Landscape) -> dict[str, Any]:
    """The landscape as JSON-ready rows: entities, relationships and (when it has one) sources."""
    _, entities, _, relationships = interchange_rows(landscape)
    data = {"format": FORMAT, "name": landscape.name, "entities": entities,
            "relationships": relationships}
    if landscape.title:
        data["title"] = landscape.title
    if landscape.source_table:  # left out when there is none, as a dataset without sources.csv
        data["sources"] = source_rows(landscape)[1]
    return data


def check_rows(data: dict[str, Any], table: str) -> None:
    """`data[table]` is a list of rows mapping column to text (keys read from JSON always are)."""
    rows = data.get(table)
    if not isinstance(rows, list) or not set(map(type, rows)) <= {dict}:
        raise ValueError(f"{table!r} is not a list of rows")
    # In one pass at C speed, as a national store has millions of values; the loop below only
    # runs to name the row.
    if not set(map(type, chain.from_iterable(map(dict.values, rows)))) <= {str}:
        number, row = next((number, row) for number, row in enumerate(rows, 1)
                           if not all(isinstance(value, str) for value in row.values()))
        raise ValueError(f"{table} row {number} holds a value that is not text: {str(row)[:100]}")


def from_dict(data: dict[str, Any]) -> Landscape:
    """Rebuild a landscape from `to_dict` output, expanding the `themes` column again (a missing
    `sources` key means no sources table). Raises ValueError, naming the first bad row, when
    `data` does not have that shape."""
    check_rows(data, "entities")
    check_rows(data, "relationships")
    if "sources" in data:
        check_rows(data, "sources")
    if not isinstance(data.get("name", ""), str):
        raise ValueError("the name is not text")
    try:
        entities = [entity_from_row(row) for row in data["entities"]]
        relationships = [relationship_from_row(row) for row in data["relationships"]]
    except KeyError as error:
        raise ValueError(f"a row lacks the column {error}") from None
    for entity in entities:
        for theme in split_list(entity.get("themes")):
            relationships.append(Relationship(entity.id, theme, "addresses", entity.start,
                                              entity.end, entity.source))
    return Landscape(entities, relationships, data.get("name", "landscape"),
                     source_table=[source_from_row(row) for row in data.get("sources", [])],
                     title=data["title"] if isinstance(data.get("title"), str) else "")
