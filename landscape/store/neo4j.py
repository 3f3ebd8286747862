"""The Neo4j store: one landscape kept as a property graph in a Neo4j database.

Schema. Every entity is a node labelled `:Entity` plus one label for its type
(`:Board`, `:Agency`, `:Vcs`, `:Initiative`, `:Person`, `:Theme`); every relationship
has its type in upper case (`:REPORTS_TO`, `:MEMBER_OF`, ...). Labels and types come
from the model's fixed lists and are checked to be plain identifiers, so no user text
is ever spliced into Cypher: every value travels as a query parameter. Fields are
properties of the same name, extra columns are properties prefixed `attr_`, and `seq`
keeps the landscape's order. A relationship is identified by its endpoints, type,
role, start and end (`relationship_key`): MERGE matches on exactly those, so several
relationships of one type between one pair (other role, other dates) stay apart while
loading the same fact twice does not duplicate it. One `:LandscapeMeta` node keeps the
landscape's name and its extra columns in order. `:Entity(id)` is unique (a
constraint, created IF NOT EXISTS before each load).

All or nothing. A load is ONE managed write transaction holding every batched
`UNWIND $rows ...` query: Neo4j commits it whole or rolls it back whole, so a load that
fails part way (a dropped connection, a relationship to an unknown entity, a merge
that would close a reporting cycle, too little server memory) leaves the database as
it was, and readers never see half a load. Into an empty store the rows are CREATEd;
into a loaded one, MERGEd by id and by relationship key, then the merged landscape is
checked like `base.merge` does before the commit. `replace=True` retires the old
landscape by relabelling it `:LandscapeRetired` in the same transaction (deleting it
there would make every later index lookup in the transaction crawl), and deletes the
retired nodes after the commit in small transactions. The price of one transaction
is that the server holds the whole load in memory until commit (about 1-2 KB of heap
per row); a load that does not fit fails cleanly and changes nothing.

Cypher does the set work where the data is: creating or upserting, matching
endpoints, retiring, deleting, ordering and counting. Python does what is per row
and cheap, or shared with the embedded store: checking types against the model,
building the rows (as lists, which the driver packs several times faster than maps),
grouping them by label, the merge consistency check, and the analysis of the
landscape read back, so that both stores give the same findings.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from landscape.errors import LandscapeError
from landscape.model import EDGE_TYPES, NODE_TYPES, Entity, Landscape, Relationship
from landscape.store import NEO4J_SCHEMES
from landscape.store.base import LoadSummary, Store, relationship_key
from landscape.validate import check_consistent

# The driver logs connection trouble too; we report it as one LandscapeError line instead.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

T = TypeVar("T")
BATCH_SIZE = 5000  # rows per UNWIND query
TIMEOUT = 5.0  # seconds to open a connection, or to get one from the pool
ATTR = "attr_"  # prefix of extra-column properties
LABELS = {node_type: node_type.capitalize() for node_type in NODE_TYPES}
REL_TYPES = {edge_type: edge_type.upper() for edge_type in EDGE_TYPES}
NODE_TYPE_OF = {label: node_type for node_type, label in LABELS.items()}
EDGE_TYPE_OF = {rel_type: edge_type for edge_type, rel_type in REL_TYPES.items()}
for _name in (*LABELS.values(), *REL_TYPES.values()):
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", _name):  # pragma: no cover - guards the model
        raise ImportError(f"{_name!r} cannot be a Neo4j label or relationship type")
ANY_LABEL = ":".join(LABELS.values())
ANY_REL_TYPE = "|".join(REL_TYPES.values())

SCHEMA = "CREATE CONSTRAINT landscape_entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE"
# Replacing retires the old landscape by label (fast) rather than deleting it in the load's transaction: deleting
# many nodes there makes every later index lookup in the same transaction crawl. SWEEP deletes it after commit.
RETIRE = f"MATCH (n) WHERE n:Entity OR n:LandscapeMeta SET n:LandscapeRetired REMOVE n:Entity:LandscapeMeta:{ANY_LABEL}"
SWEEP = "MATCH (n:LandscapeRetired) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS"
IS_EMPTY = "RETURN NOT EXISTS { MATCH (:Entity) }"
NEXT_ENTITY_SEQ = "MATCH (e:Entity) RETURN coalesce(max(e.seq), -1) + 1"
NEXT_RELATIONSHIP_SEQ = f"MATCH (:Entity)-[r:{ANY_REL_TYPE}]->(:Entity) RETURN coalesce(max(r.seq), -1) + 1"

# Rows travel as lists, which the driver packs far faster than maps: see entity_rows and relationship_rows.
# MERGE writes only what changed: an unchanged row costs the transaction no memory.
# %(label)s and %(type)s are filled from LABELS and REL_TYPES only; everything else is a parameter.
ENTITY_ROW = """
UNWIND $rows AS row
WITH row[0] AS id, row[1] AS name, row[2] AS start, row[3] AS end, row[4] AS source,
     row[5] + $first_seq AS seq, row[6] AS attrs
"""
CREATE_ENTITIES = ENTITY_ROW + """
CREATE (e:Entity:%(label)s {id: id, name: name, type: $type, start: start, end: end, source: source, seq: seq})
SET e += attrs
RETURN count(e)
"""
MERGE_ENTITIES = ENTITY_ROW + """
MERGE (e:Entity {id: id})
WITH e, attrs {.*, id: id, name: name, type: $type, start: start, end: end, source: source,
               seq: coalesce(e.seq, seq)} AS props
FOREACH (_ IN CASE WHEN properties(e) <> props THEN [1] ELSE [] END | SET e = props)
FOREACH (_ IN CASE WHEN e:%(label)s THEN [] ELSE [1] END | REMOVE e:%(any_label)s SET e:%(label)s)
RETURN count(e)
"""
RELATIONSHIP_ROW = """
UNWIND $rows AS row
WITH row[0] AS source, row[1] AS target, row[2] + $first_seq AS seq, row[3] AS role, row[4] AS start,
     row[5] AS end, row[6] AS source_doc, row[7] AS attrs
MATCH (a:Entity {id: source})
MATCH (b:Entity {id: target})
"""
CREATE_RELATIONSHIPS = RELATIONSHIP_ROW + """
CREATE (a)-[r:%(type)s {role: role, start: start, end: end, source_doc: source_doc, seq: seq}]->(b)
SET r += attrs
RETURN count(r)
"""
MERGE_RELATIONSHIPS = RELATIONSHIP_ROW + """
MERGE (a)-[r:%(type)s {role: role, start: start, end: end}]->(b)
WITH r, attrs {.*, role: role, start: start, end: end, source_doc: source_doc, seq: coalesce(r.seq, seq)} AS props
FOREACH (_ IN CASE WHEN properties(r) <> props THEN [1] ELSE [] END | SET r = props)
RETURN count(r)
"""
MISSING_ENDPOINTS = """
UNWIND $ids AS id
WITH DISTINCT id
WHERE NOT EXISTS { MATCH (:Entity {id: id}) }
RETURN collect(id)[..3]
"""
SET_META = """
MERGE (m:LandscapeMeta)
WITH m, coalesce(m.entity_columns, []) AS entity_columns, coalesce(m.relationship_columns, []) AS edge_columns
SET m.name = $name,
    m.entity_columns = entity_columns + [c IN $entity_columns WHERE NOT c IN entity_columns],
    m.relationship_columns = edge_columns + [c IN $relationship_columns WHERE NOT c IN edge_columns]
"""
COUNT = f"RETURN COUNT {{ (:Entity) }}, COUNT {{ (:Entity)-[:{ANY_REL_TYPE}]->(:Entity) }}"
READ_META = "MATCH (m:LandscapeMeta) RETURN m.name, m.entity_columns, m.relationship_columns LIMIT 1"
READ_ENTITIES = "MATCH (e:Entity) RETURN properties(e) ORDER BY e.seq"
READ_RELATIONSHIPS = (f"MATCH (a:Entity)-[r:{ANY_REL_TYPE}]->(b:Entity) "
                      "RETURN a.id, b.id, type(r), properties(r) ORDER BY r.seq")


@dataclass(frozen=True)
class Rows:
    """A landscape ready to write: list rows grouped by label (or type), and the extra columns in order."""

    name: str
    entities: dict[str, list[list[Any]]]
    relationships: dict[str, list[list[Any]]]
    entity_columns: list[str]
    relationship_columns: list[str]


class Neo4jStore(Store):
    """A landscape in a Neo4j database, reached by a neo4j://, neo4j+s://, bolt:// ... URI."""

    def __init__(self, location: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None) -> None:
        if not location.startswith(NEO4J_SCHEMES):
            raise LandscapeError(f"{location} is not a Neo4j URI ({', '.join(NEO4J_SCHEMES)})")
        self.uri, uri_user, uri_password = split_credentials(location)
        self.user = user or uri_user or os.environ.get("NEO4J_USERNAME") or "neo4j"
        self.database = database or os.environ.get("NEO4J_DATABASE") or "neo4j"
        secret = password or uri_password or os.environ.get("NEO4J_PASSWORD")
        self._verified = False
        self._anonymous = not secret
        with self._translated("cannot be opened: {}"):
            self._driver = GraphDatabase.driver(
                self.uri, auth=(self.user, secret) if secret else None,
                connection_timeout=TIMEOUT, connection_acquisition_timeout=TIMEOUT)

    def describe(self) -> str:
        return f"{self.uri} (database {self.database})"

    def close(self) -> None:
        self._driver.close()

    def read(self) -> Landscape:
        with self._translated("cannot be read: {}"):
            landscape = self._run(read_landscape, write=False)
        if landscape is None:
            raise LandscapeError(f"neo4j store {self.uri} is empty: run `landscape load DATASET`")
        return landscape

    def write(self, landscape: Landscape, *, replace: bool = False) -> LoadSummary:
        with self._translated("load failed: {}; the store was not changed"):
            rows = to_rows(landscape)  # checks every type before touching the database
            self._run(lambda tx: tx.run(SCHEMA).consume(), write=True)
            summary = self._run(lambda tx: load(tx, rows, replace), write=True)
        with self._translated("loaded, but deleting the previous landscape failed: {}; the next load does it"):
            with self._driver.session(database=self.database) as session:
                session.run(SWEEP).consume()  # CALL IN TRANSACTIONS needs an auto-commit transaction
        return summary

    def _run(self, work: Callable[[ManagedTransaction], T], *, write: bool) -> T:
        """Run `work` in one managed transaction (retried by the driver on transient errors)."""
        if not self._verified:
            self._driver.verify_connectivity()  # fails fast, where a transaction would retry
            self._verified = True
        with self._driver.session(database=self.database) as session:
            return session.execute_write(work) if write else session.execute_read(work)

    @contextmanager
    def _translated(self, failed: str) -> Iterator[None]:
        """Errors as one LandscapeError line naming the store (never its password).

        `failed` frames any other reason, e.g. "load failed: {}; the store was not changed".
        """
        where = f"neo4j store {self.uri}"
        try:
            yield
        except AuthError:
            hint = " (no password given: set NEO4J_PASSWORD)" if self._anonymous else ""
            raise LandscapeError(f"{where}: authentication failed for user {self.user!r}{hint}") from None
        except ServiceUnavailable as error:
            raise LandscapeError(f"{where}: cannot connect ({connect_reason(error)})") from None
        except Neo4jError as error:
            if error.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise LandscapeError(f"{where}: database {self.database!r} does not exist") from None
            raise LandscapeError(f"{where}: {failed.format(first_line(error.message or error))}") from None
        except (DriverError, ValueError) as error:
            raise LandscapeError(f"{where}: {failed.format(first_line(error))}") from None
        except LandscapeError as error:
            raise LandscapeError(f"{where}: {failed.format(error)}") from None


def split_credentials(location: str) -> tuple[str, str | None, str | None]:
    """The URI without any `user:password@`, and that user and password."""
    parts = urlsplit(location)
    if "@" not in parts.netloc:
        return location, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=host)), unquote(user) or None, unquote(password) or None


def connect_reason(error: ServiceUnavailable) -> str:
    """Why the driver could not connect, e.g. "[Errno 111] Connection refused", from its nested errors."""
    texts = [*(str(inner) for inner in getattr(error.__cause__, "exceptions", ())), str(error)]
    for text in texts:
        if match := re.search(r"\(reason (.+)\)", text):
            return match.group(1)
    return texts[0].strip().splitlines()[-1] if texts[0].strip() else type(error).__name__


def first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def to_rows(landscape: Landscape) -> Rows:
    """The landscape as rows, relationships made distinct by `relationship_key` (as `merge` does)."""
    edges = {relationship_key(edge): edge for edge in landscape.relationships}
    return Rows(landscape.name, entity_rows(landscape.entities.values()), relationship_rows(edges.values()),
                columns(entity.attrs for entity in landscape.entities.values()),
                columns(edge.attrs for edge in edges.values()))


def columns(attrs: Iterable[dict[str, str]]) -> list[str]:
    """Extra column names in first-seen order: the order exports write them in."""
    seen: dict[str, None] = {}
    for row in attrs:
        seen.update(dict.fromkeys(row))
    return list(seen)


def stored_attrs(attrs: dict[str, str]) -> dict[str, str]:
    """Extra columns as prefixed properties, empty ones too: which columns a row has matters to exports."""
    return {ATTR + key: value for key, value in attrs.items()}


def entity_rows(entities: Iterable[Entity]) -> dict[str, list[list[Any]]]:
    """[id, name, start, end, source, seq, attrs] by label; `seq` is the position in the landscape."""
    rows: dict[str, list[list[Any]]] = {}
    for seq, entity in enumerate(entities):
        if entity.type not in LABELS:
            raise LandscapeError(f"entity {entity.id!r} has unknown type {entity.type!r}")
        rows.setdefault(LABELS[entity.type], []).append(
            [entity.id, entity.name, entity.start, entity.end, entity.source, seq, stored_attrs(entity.attrs)])
    return rows


def relationship_rows(edges: Iterable[Relationship]) -> dict[str, list[list[Any]]]:
    """[source, target, seq, role, start, end, source_doc, attrs] by relationship type."""
    rows: dict[str, list[list[Any]]] = {}
    for seq, edge in enumerate(edges):
        if edge.type not in REL_TYPES:
            raise LandscapeError(f"relationship {edge.source!r} -> {edge.target!r} has unknown "
                                 f"type {edge.type!r}")
        rows.setdefault(REL_TYPES[edge.type], []).append(
            [edge.source, edge.target, seq, edge.role, edge.start, edge.end, edge.source_doc,
             stored_attrs(edge.attrs)])
    return rows


def load(tx: ManagedTransaction, rows: Rows, replace: bool) -> LoadSummary:
    """The whole load, in the one transaction `tx`: CREATE into an empty store, else MERGE."""
    if replace:
        tx.run(RETIRE).consume()
    if replace or _single(tx, IS_EMPTY):
        write_groups(tx, CREATE_ENTITIES, rows.entities, 0)
        write_groups(tx, CREATE_RELATIONSHIPS, rows.relationships, 0)
        write_meta(tx, rows)
    else:
        write_groups(tx, MERGE_ENTITIES, rows.entities, _single(tx, NEXT_ENTITY_SEQ))
        write_groups(tx, MERGE_RELATIONSHIPS, rows.relationships, _single(tx, NEXT_RELATIONSHIP_SEQ))
        write_meta(tx, rows)
        merged = read_landscape(tx)
        assert merged is not None
        check_consistent(merged)  # as base.merge does; raising here rolls the whole load back
    record = tx.run(COUNT).single(strict=True)
    return LoadSummary(record[0], record[1], replace)


def write_meta(tx: ManagedTransaction, rows: Rows) -> None:
    tx.run(SET_META, name=rows.name, entity_columns=rows.entity_columns,
           relationship_columns=rows.relationship_columns).consume()


def write_groups(tx: ManagedTransaction, template: str, groups: dict[str, list[list[Any]]], first_seq: int) -> None:
    """Each label's (or type's) rows in batches of BATCH_SIZE; `seq` counts on from `first_seq`."""
    for name, group in groups.items():
        query = template % {"label": name, "type": name, "any_label": ANY_LABEL}
        for start in range(0, len(group), BATCH_SIZE):
            _write_batch(tx, query, group[start:start + BATCH_SIZE], first_seq=first_seq,
                         type=NODE_TYPE_OF.get(name, ""))


def _write_batch(tx: ManagedTransaction, query: str, rows: list[list[Any]], **parameters: Any) -> None:
    """One UNWIND query; every row must be written (a relationship needs both its entities)."""
    written = _single(tx, query, rows=rows, **parameters)
    if written != len(rows):
        missing = _single(tx, MISSING_ENDPOINTS, ids=[row[end] for row in rows for end in (0, 1)])
        raise LandscapeError(f"relationships refer to unknown entities {', '.join(map(repr, missing))}")


def _single(tx: ManagedTransaction, query: str, **parameters: Any) -> Any:
    return tx.run(query, parameters).single(strict=True)[0]


def read_landscape(tx: ManagedTransaction) -> Landscape | None:
    """The stored landscape, in the order it was written; None if nothing was ever loaded."""
    meta = tx.run(READ_META).single()
    name, entity_columns, relationship_columns = meta.values() if meta else ("landscape", [], [])
    entities = [read_entity(record[0], entity_columns or []) for record in tx.run(READ_ENTITIES)]
    if meta is None and not entities:
        return None
    relationships = [read_relationship(source, target, rel_type, properties, relationship_columns or [])
                     for source, target, rel_type, properties in tx.run(READ_RELATIONSHIPS)]
    return Landscape(entities, relationships, name or "landscape")


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
