"""The landscape as a Cypher script: parameter-free statements that recreate it in an empty Neo4j database.

The script writes the very graph the Neo4j store writes (graph_schema is shared), as
generation SCRIPT_GENERATION, so that after running it (in cypher-shell, Neo4j Browser or
any driver) `landscape --store bolt://...` reads the landscape back, and a later
`landscape load` replaces it as it would any generation. The statement that makes the
landscape current comes last: a script that stops part way leaves nothing current.

Every value is a Cypher literal: strings single-quoted with backslash escapes (quotes,
backslashes, control characters and line breaks escaped, other Unicode kept as it is),
extra-column names back-quoted (with \\uXXXX escapes for backslashes and control characters,
the only escapes Neo4j reads there). So each statement is one line ending in `;`, and nothing in
the data can end a string or a statement early.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from landscape.model import Landscape
from landscape.store.graph_schema import (
    LOCK_KEY,
    META,
    NODE_TYPE_OF,
    SCHEMA,
    create_entities_cypher,
    create_relationship_cypher,
    to_rows,
)

SCRIPT_GENERATION = 1
ROWS_PER_STATEMENT = 500
ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f\x7f\u0085\u2028\u2029]")
NAME_ESCAPE = re.compile(r"[\\\x00-\x1f\x7f\u0085\u2028\u2029]")


def as_cypher(landscape: Landscape) -> str:
    """The whole script, one statement per line."""
    return "".join(f"{line}\n" for line in script_lines(landscape))


def script_lines(landscape: Landscape) -> Iterator[str]:
    rows = to_rows(landscape)
    generation = str(SCRIPT_GENERATION)
    yield f"// Landscape {literal(rows.name)}: {rows.summary(True).entities} entities and " \
          f"{rows.summary(True).relationships} relationships. Run in an empty Neo4j 5 database, e.g."
    yield "// cypher-shell -f this-file.cypher; then read it with `landscape --store bolt://...`."
    for statement in SCHEMA:
        yield f"{statement};"
    yield f"UNWIND {literal([META, LOCK_KEY])} AS key MERGE (:LandscapeMeta {{key: key}});"
    for label, group in rows.entities.items():
        for batch in batches(group):
            yield f"{create_entities_cypher(label, literal(batch), generation, literal(NODE_TYPE_OF[label]))};"
    for rel_type, group in rows.relationships.items():
        for batch in batches(group):
            yield (f"UNWIND {literal(batch)} AS row "
                   f"MATCH (a:Entity {{generation: {generation}, id: row[0]}}) "
                   f"MATCH (b:Entity {{generation: {generation}, id: row[1]}}) "
                   f"{create_relationship_cypher(rel_type)};")
    yield (f"MATCH (m:LandscapeMeta {{key: {literal(META)}}}) SET m.current = {generation}, "
           f"m.name = {literal(rows.name)}, m.entity_columns = {literal(rows.entity_columns)}, "
           f"m.relationship_columns = {literal(rows.relationship_columns)};")


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
    """A map key or property name, back-quoted: a back-quote inside is doubled, and as Neo4j reads \\uXXXX
    escapes inside back-quotes (and nothing else), backslashes and control characters are written so."""
    return "`" + NAME_ESCAPE.sub(lambda match: f"\\u{ord(match.group()):04x}", key).replace("`", "``") + "`"
