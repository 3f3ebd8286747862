"""The landscape as a Cypher script: parameter-free statements that recreate it in an empty Neo4j database.

The script writes the very graph the Neo4j store writes (graph_schema is shared), so that
after running it (in cypher-shell, or any driver that runs statements one by one in
auto-commit transactions) `landscape --store bolt://...` reads the landscape back, and a
later `landscape load` replaces it as it would any generation. As a load does, it writes
a new generation, numbered from a hash of the landscape, first deleting whatever an
earlier, interrupted run of the same script left of it. Only when every entity and
relationship is in does it make that generation current (checked by counting them) and
delete the others. So a run that stops part way changes nothing readers see, and running
it again finishes the job; running it after it succeeded stops at its first entity (the
uniqueness constraint), as that landscape is already there.

Every value is a Cypher literal: strings single-quoted with backslash escapes (quotes,
backslashes, control characters and line breaks escaped, other Unicode kept as it is),
extra-column names back-quoted (a back-quote doubled; backslashes and control characters as
\\uXXXX escapes, which Neo4j decodes anywhere in a query, so a backslash is never written bare
where one could start an escape). So each statement is one line ending in `;`, and nothing in
the data can end a string or a statement early.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import orjson

from landscape.model import Landscape
from landscape.store.graph_schema import (
    LOCK_KEY,
    META,
    NODE_TYPE_OF,
    SCHEMA,
    Rows,
    create_entities_cypher,
    create_relationship_cypher,
    to_rows,
)

ROWS_PER_STATEMENT = 500
ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f\x7f\u0085\u2028\u2029]")
NAME_ESCAPE = re.compile(r"[\\\x00-\x1f\x7f\u0085\u2028\u2029]")


def as_cypher(landscape: Landscape) -> str:
    """The whole script, one statement per line."""
    return "".join(f"{line}\n" for line in script_lines(landscape))


def script_lines(landscape: Landscape) -> Iterator[str]:
    rows = to_rows(landscape)
    summary = rows.summary(True)
    generation = str(script_generation(rows))
    # The name is a literal, whose escapes keep it on this line: a comment ends at a line break.
    yield f"// Landscape {literal(rows.name)}: {summary.entities} entities and {summary.relationships} relationships."
    yield "// Run with cypher-shell -f FILE (Neo4j 5.23 or later); then `landscape --store URI` reads it."
    for statement in SCHEMA:
        yield f"{statement};"
    yield f"UNWIND {literal([META, LOCK_KEY])} AS key MERGE (:LandscapeMeta {{key: key}});"
    yield (f"MATCH (e:Entity {{generation: {generation}}}) WHERE NOT EXISTS {{ MATCH (:LandscapeMeta "
           f"{{key: {literal(META)}, current: {generation}}}) }} DETACH DELETE e;")
    for label, group in rows.entities.items():
        for batch in batches(group):
            yield f"{create_entities_cypher(label, literal(batch), generation, literal(NODE_TYPE_OF[label]))};"
    for rel_type, group in rows.relationships.items():
        for batch in batches(group):
            yield (f"UNWIND {literal(batch)} AS row "
                   f"MATCH (a:Entity {{generation: {generation}, id: row[0]}}) "
                   f"MATCH (b:Entity {{generation: {generation}, id: row[1]}}) "
                   f"{create_relationship_cypher(rel_type)};")
    yield (f"MATCH (m:LandscapeMeta {{key: {literal(META)}}}) "
           f"WHERE COUNT {{ (:Entity {{generation: {generation}}}) }} = {summary.entities} "
           f"AND COUNT {{ (:Entity {{generation: {generation}}})-[]->() }} = {summary.relationships} "
           f"SET m.current = {generation}, m.name = {literal(rows.name)}, m.title = {literal(rows.title)}, "
           f"m.entity_columns = {literal(rows.entity_columns)}, "
           f"m.relationship_columns = {literal(rows.relationship_columns)}, m.sources = {literal(rows.sources)};")
    yield (f"MATCH (:LandscapeMeta {{key: {literal(META)}, current: {generation}}}) "
           f"MATCH (e:Entity) WHERE e.generation <> {generation} CALL (e) {{ DETACH DELETE e }} IN TRANSACTIONS;")


def script_generation(rows: Rows) -> int:
    """The generation the script writes: a positive 63-bit number from a hash of the landscape, the same for
    the same landscape and, in practice, different for any other."""
    content = orjson.dumps([rows.name, rows.title, rows.entities, rows.relationships, rows.entity_columns,
                            rows.relationship_columns, rows.sources])
    return int.from_bytes(hashlib.sha256(content).digest()[:8], "big") >> 1


def batches(rows: list[list[Any]]) -> Iterator[list[list[Any]]]:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[start:start + ROWS_PER_STATEMENT]


def literal(value: Any) -> str:
    """`value` (None, a string, int, list or dict of those) as a Cypher literal."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"'{NEEDS_ESCAPE.sub(escape_character, value)}'"
    if isinstance(value, bool) or not isinstance(value, (int, list, dict)):
        raise TypeError(f"no Cypher literal for {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return f"[{', '.join(map(literal, value))}]"
    return "{" + ", ".join(f"{name(key)}: {literal(item)}" for key, item in value.items()) + "}"


def escape_character(match: re.Match[str]) -> str:
    character = match.group()
    return ESCAPES.get(character) or f"\\u{ord(character):04x}"


def name(key: str) -> str:
    """A map key or property name, back-quoted: a back-quote inside is doubled, and backslashes and control
    characters are written as \\uXXXX escapes (Neo4j decodes those anywhere, and nothing else inside back-quotes)."""
    return "`" + NAME_ESCAPE.sub(lambda match: f"\\u{ord(match.group()):04x}", key).replace("`", "``") + "`"
