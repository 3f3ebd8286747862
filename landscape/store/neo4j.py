"""The Neo4j store: one landscape kept as a property graph in a Neo4j database.

Schema. Every entity is a node labelled `:Entity` plus one label for its type
(`:Board`, `:Agency`, `:Vcs`, `:Initiative`, `:Person`, `:Theme`); every
relationship has its type in upper case (`:REPORTS_TO`, `:MEMBER_OF`, ...). Labels
and types are derived from the model's fixed lists and checked to be plain
identifiers, so no user text is ever spliced into Cypher: every value travels as a
query parameter. Entity and relationship fields are properties of the same name;
extra columns are properties prefixed `attr_`, with `attr_keys` keeping their column
order (Neo4j does not). A relationship carries `key`, its `relationship_key` as JSON,
so that several relationships of one type between one pair (other role, other
dates) stay apart while loading the same fact twice does not duplicate it. `seq`
keeps the order of entities and relationships, and one `:LandscapeMeta` node keeps
the landscape's name. `:Entity(id)` is unique (a constraint, created before a load).

All or nothing. A load runs as ONE managed write transaction: the optional clear,
every batched `UNWIND $rows ... MERGE` query, the name and the counts. Neo4j commits
it whole or rolls it back whole, so a load that fails part way (a dropped
connection, a relationship to an unknown entity, a full heap) leaves the database as
it was and readers never see half a load. Batching still matters inside that
transaction: each query carries a few thousand rows, not one round trip per row.
The price is that the whole load's changes are held in the server's heap until
commit: a load larger than `db.memory.transaction.max` (or the heap) fails cleanly,
changes nothing, and says so. The uniqueness constraint is schema, created in its
own transaction before the load; it stays if the load fails, which is harmless.

Cypher does the set work where the data is: upserting entities by id and
relationships by key (`MERGE`), clearing, ordering and counting. Python does what
is cheap and per row: checking types against the model, building the rows and keys,
grouping them by label (labels cannot be parameters). Analysis runs in Python on
the landscape read back, exactly as for the embedded store, so both stores give
the same findings.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from landscape.errors import LandscapeError
from landscape.model import EDGE_TYPES, NODE_TYPES, Entity, Landscape, Relationship
from landscape.store import NEO4J_SCHEMES
from landscape.store.base import LoadSummary, Store, relationship_key

# The driver logs connection trouble too; we report it as one LandscapeError line instead.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

T = TypeVar("T")
BATCH_SIZE = 5000  # rows per UNWIND query
TIMEOUT = 5.0  # seconds to open a connection, or to get one from the pool
ATTR = "attr_"  # prefix of extra-column properties
ENTITY_FIELDS = ("id", "name", "type", "start", "end", "source")
RELATIONSHIP_FIELDS = ("role", "start", "end", "source_doc")
LABELS = {node_type: node_type.capitalize() for node_type in NODE_TYPES}
REL_TYPES = {edge_type: edge_type.upper() for edge_type in EDGE_TYPES}
EDGE_TYPE_OF = {rel_type: edge_type for edge_type, rel_type in REL_TYPES.items()}
for _name in (*LABELS.values(), *REL_TYPES.values()):
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", _name):  # pragma: no cover - guards the model
        raise ImportError(f"{_name!r} cannot be a Neo4j label or relationship type")
ANY_LABEL = ":".join(LABELS.values())
ANY_REL_TYPE = "|".join(REL_TYPES.values())

SCHEMA = "CREATE CONSTRAINT landscape_entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE"
CLEAR = "MATCH (n) WHERE n:Entity OR n:LandscapeMeta DETACH DELETE n"
NEXT_ENTITY_SEQ = "MATCH (e:Entity) RETURN coalesce(max(e.seq), -1) + 1"
NEXT_RELATIONSHIP_SEQ = f"MATCH (:Entity)-[r:{ANY_REL_TYPE}]->(:Entity) RETURN coalesce(max(r.seq), -1) + 1"
WRITE_ENTITIES = """
UNWIND $rows AS row
MERGE (e:Entity {id: row.props.id})
WITH e, row, coalesce(e.seq, row.seq) AS seq
REMOVE e:%(any_label)s
SET e = row.props, e.seq = seq, e:%(label)s
RETURN count(e)
"""
WRITE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:%(type)s {key: row.props.key}]->(b)
WITH r, row, coalesce(r.seq, row.seq) AS seq
SET r = row.props, r.seq = seq
RETURN count(r)
"""
MISSING_ENDPOINTS = """
UNWIND $ids AS id
WITH DISTINCT id
WHERE NOT EXISTS { MATCH (:Entity {id: id}) }
RETURN collect(id)[..3]
"""
SET_NAME = "MERGE (m:LandscapeMeta) SET m.name = $name"
COUNT = f"RETURN COUNT {{ (:Entity) }}, COUNT {{ (:Entity)-[:{ANY_REL_TYPE}]->(:Entity) }}"
READ_NAME = "MATCH (m:LandscapeMeta) RETURN m.name LIMIT 1"
READ_ENTITIES = "MATCH (e:Entity) RETURN properties(e) ORDER BY e.seq"
READ_RELATIONSHIPS = (f"MATCH (a:Entity)-[r:{ANY_REL_TYPE}]->(b:Entity) "
                      "RETURN a.id, b.id, type(r), properties(r) ORDER BY r.seq")


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
            entities = entity_rows(landscape)  # checks every type before touching the database
            relationships = relationship_rows(landscape)
            self._run(lambda tx: tx.run(SCHEMA).consume(), write=True)

            def load(tx: ManagedTransaction) -> LoadSummary:
                if replace:
                    tx.run(CLEAR).consume()
                write_rows(tx, WRITE_ENTITIES, "label", entities, _single(tx, NEXT_ENTITY_SEQ))
                write_rows(tx, WRITE_RELATIONSHIPS, "type", relationships, _single(tx, NEXT_RELATIONSHIP_SEQ))
                tx.run(SET_NAME, name=landscape.name).consume()
                record = tx.run(COUNT).single(strict=True)
                return LoadSummary(record[0], record[1], replace)

            return self._run(load, write=True)

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
        except (DriverError, ValueError, LandscapeError) as error:
            raise LandscapeError(f"{where}: {failed.format(first_line(error))}") from None


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


def props(fields: dict[str, str], attrs: dict[str, str]) -> dict[str, Any]:
    """Node or relationship properties: the fields, then the extra columns prefixed, in order."""
    return {**fields, **{ATTR + key: value for key, value in attrs.items()}, "attr_keys": list(attrs)}


def entity_rows(landscape: Landscape) -> dict[str, list[dict[str, Any]]]:
    """Rows to write, by label; `seq` is the entity's position in the landscape."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for seq, entity in enumerate(landscape.entities.values()):
        if entity.type not in LABELS:
            raise LandscapeError(f"entity {entity.id!r} has unknown type {entity.type!r}")
        fields = {name: getattr(entity, name) for name in ENTITY_FIELDS}
        rows.setdefault(LABELS[entity.type], []).append({"seq": seq, "props": props(fields, entity.attrs)})
    return rows


def relationship_rows(landscape: Landscape) -> dict[str, list[dict[str, Any]]]:
    """Rows to write, by relationship type, each with its key."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for seq, edge in enumerate(landscape.relationships):
        if edge.type not in REL_TYPES:
            raise LandscapeError(f"relationship {edge.source!r} -> {edge.target!r} has unknown "
                                 f"type {edge.type!r}")
        fields = {name: getattr(edge, name) for name in RELATIONSHIP_FIELDS}
        fields["key"] = json.dumps(relationship_key(edge), ensure_ascii=False)
        rows.setdefault(REL_TYPES[edge.type], []).append(
            {"seq": seq, "source": edge.source, "target": edge.target, "props": props(fields, edge.attrs)})
    return rows


def write_rows(tx: ManagedTransaction, template: str, slot: str, rows: dict[str, list[dict[str, Any]]],
               first_seq: int) -> None:
    """Write each label's (or type's) rows in batches; `seq` counts on from `first_seq`."""
    for name, group in rows.items():
        query = template % {slot: name, "any_label": ANY_LABEL}
        for start in range(0, len(group), BATCH_SIZE):
            batch = [{**row, "seq": first_seq + row["seq"]} for row in group[start:start + BATCH_SIZE]]
            _write_batch(tx, query, batch)


def _write_batch(tx: ManagedTransaction, query: str, rows: list[dict[str, Any]]) -> None:
    """One UNWIND query; every row must be written (a relationship needs both its entities)."""
    written = _single(tx, query, rows=rows)
    if written != len(rows):
        ids = [row[end] for row in rows for end in ("source", "target")]
        missing = _single(tx, MISSING_ENDPOINTS, ids=ids)
        raise LandscapeError(f"relationships refer to unknown entities {', '.join(map(repr, missing))}")


def _single(tx: ManagedTransaction, query: str, **parameters: Any) -> Any:
    return tx.run(query, parameters).single(strict=True)[0]


def read_landscape(tx: ManagedTransaction) -> Landscape | None:
    """The stored landscape, in the order it was written; None if nothing was ever loaded."""
    name = tx.run(READ_NAME).single()
    entities = [read_entity(record[0]) for record in tx.run(READ_ENTITIES)]
    if name is None and not entities:
        return None
    relationships = [read_relationship(*record.values()) for record in tx.run(READ_RELATIONSHIPS)]
    return Landscape(entities, relationships, name[0] if name else "landscape")


def read_attrs(properties: dict[str, Any]) -> dict[str, str]:
    return {key: properties.get(ATTR + key, "") for key in properties.get("attr_keys", [])}


def read_entity(properties: dict[str, Any]) -> Entity:
    fields = {name: properties.get(name, "") for name in ENTITY_FIELDS}
    return Entity(**fields, attrs=read_attrs(properties))


def read_relationship(source: str, target: str, rel_type: str, properties: dict[str, Any]) -> Relationship:
    fields = {name: properties.get(name, "") for name in RELATIONSHIP_FIELDS}
    return Relationship(source, target, EDGE_TYPE_OF[rel_type], **fields, attrs=read_attrs(properties))
