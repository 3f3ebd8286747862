"""The Neo4j store: one landscape kept as a property graph in a Neo4j database, loaded in generations.

Schema: see graph_schema, which the Cypher export shares. Labels and relationship types
come from fixed lists; every value travels as a query parameter. Relationships are made
distinct by `relationship_key` before loading, so several of one type between one pair
(other role, other dates) stay apart while the same fact loaded twice is stored once.

Generations. Every load writes a complete new copy of the landscape, a generation: its
nodes carry `generation`, a fresh random load id, and are CREATEd
(nothing can match in a new generation) in many small managed write transactions of
BATCH_SIZE rows. Merge mode (`replace=False`) reads the current landscape, merges in
Python with `base.merge` (which also checks the result) and writes the merged whole.
One `:LandscapeMeta {key: 'landscape'}` node holds `current`, the generation readers
read, with its name, title, extra columns and sources table. Only when every batch is in
does one small transaction switch `current` to the new generation, so a load that fails part way (a
dropped connection, a full server, an error) leaves the previous landscape current and
whole, and its own partial generation invisible. After the switch every other
generation is deleted in small transactions; whatever a failed load or an interrupted
delete leaves behind, the next load deletes before it writes. `read` checks that
`current` did not move while it read, so it never returns a generation half deleted.
Small transactions keep the server's memory flat whatever the landscape's size. The
composite constraint on `:Entity(generation, id)` keeps ids unique within a generation
(its index serves lookups by both); `:LandscapeMeta(key)` is unique so that two first
loads cannot create two meta nodes.

The lock. Two loads at once would each delete the other's generation as leftovers, so a
load holds the store's lock from before its sweep until after the old generation is gone:
an open transaction that has written the `:LandscapeMeta {key: 'lock'}` node and so holds
its write lock. It is never committed, only rolled back at the end. A lock that lives in a
transaction goes when its load goes: if the client dies or the connection drops, the
server rolls the transaction back and the next load can run at once, with no stale lock
to wait out. A second load first tries the lock in a transaction of LOCK_WAIT seconds,
and fails with a clear message if another load holds it, rather than wait for a load that
may take minutes. Before switching, the load checks that its lock transaction is alive (a
server's transaction timeout could have ended it).

Speed. Entity batches return the element ids of the nodes they create, so relationship
batches find both ends by element id, a direct seek (checked to be of the generation, as
element ids are reused after deletes) that takes half the server time of a seek in the
unique (generation, id) index, which locks. Rows travel as lists, which the driver packs
far faster than maps (in Rust: neo4j-rust-ext is a dependency), relationships sorted by
source. WRITERS transactions run at a time, so that the server writes one batch while the
client prepares the next, and Python's cycle collector is paused while millions of rows
are built and sent. docs/neo4j.md has the figures.

Cypher does the set work where the data is: creating, matching endpoints, switching,
deleting, ordering. Python does what is per row and cheap, or shared with the embedded
store: checking types and endpoints against the model before anything is written,
building and grouping the rows, merging and its consistency check, and the analysis of
the landscape read back, so that both stores give the same findings.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from operator import itemgetter
from typing import Any, TypeVar
from urllib.parse import unquote

from neo4j import GraphDatabase, ManagedTransaction, Session, Transaction
from neo4j.exceptions import AuthError, DriverError, IncompleteCommit, Neo4jError, ServiceUnavailable

from landscape.errors import LandscapeError
from landscape.model import Landscape, Relationship, cycle_collection_paused
from landscape.store import NEO4J_SCHEMES
from landscape.store.base import LoadSummary, Store, check_endpoints, check_types, merge
from landscape.store.graph_schema import (
    ANY_REL_TYPE,
    CONSTRAINTS,
    LOCK_KEY,
    META,
    NODE_TYPE_OF,
    RETIRED_CONSTRAINTS,
    Rows,
    create_entities_cypher,
    create_relationship_cypher,
    graph_relationship_row,
    read_entity,
    read_relationship,
    read_sources,
    to_rows,
)

# The driver logs connection trouble too; we report it as one LandscapeError line instead.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

T = TypeVar("T")
R = TypeVar("R")  # a row, or what a row is made from
BATCH_SIZE = 10_000  # rows per write transaction
WRITERS = 2  # write transactions at a time: one is sent while the server works on another
DELETE_BATCH = 1000  # nodes, with their relationships, per transaction when deleting a generation
LOCK_WAIT = 3.0  # seconds a load waits for another load's lock before it gives up
RETRY_SECONDS = 10.0  # how long the driver retries a transaction that failed on a lost connection
READ_ATTEMPTS = 3  # reads of a landscape that a load switched away from meanwhile
TIMEOUT = 5.0  # seconds to open a connection, or to get one from the pool
LOAD_FAILED = "load failed: {}; the store was not changed"

# Writing the node takes its write lock, held until the transaction ends (it is rolled back, never committed).
LOCK = "MATCH (m:LandscapeMeta {key: $key}) SET m.locked = true REMOVE m.locked"
META_NODES = "UNWIND $keys AS key MERGE (:LandscapeMeta {key: key})"
LOCK_HELD = ("Neo.ClientError.Transaction.LockClientStopped", "Neo.ClientError.Transaction.TransactionTimedOut",
             "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration")
SWITCH = """
MATCH (m:LandscapeMeta {key: $key})
SET m.current = $generation, m.name = $name, m.title = $title, m.entity_columns = $entity_columns,
    m.relationship_columns = $relationship_columns, m.sources = $sources
RETURN count(m)
"""
# Every generation but $current (all of them when it is null), with their relationships; needs an auto-commit query.
SWEEP = """
MATCH (e:Entity) WHERE coalesce(e.generation <> $current, true)
CALL (e) { DETACH DELETE e } IN TRANSACTIONS OF $batch ROWS
"""

CURRENT = "OPTIONAL MATCH (m:LandscapeMeta {key: $key}) RETURN m.current"
READ_META = ("MATCH (m:LandscapeMeta {key: $key}) "
             "RETURN m.current, m.name, m.entity_columns, m.relationship_columns, m.sources, m.title")
# Reads return few, large records: the driver's cost is per record (a million records took 20 s, mostly in recv).
# They come a page of entities (by `seq`) at a time, with the relationships from them: collected in one go, a
# national landscape needed more transaction memory than a small server allows.
READ_PAGE = 20_000  # on a 512 MB heap, pages of 25,000 read a national landscape and of 50,000 did not
READ_SIZE = "MATCH (e:Entity {generation: $generation}) RETURN count(e)"
READ_ENTITIES = ("MATCH (e:Entity {generation: $generation}) WHERE $first <= e.seq < $last "
                 "RETURN collect(properties(e))")
# The labels and types of the Cypher below come from graph_schema's fixed lists; everything else is a parameter.
CREATE_ENTITIES = "%s RETURN collect(elementId(e))"
# Endpoints by element id, a direct seek: checked to be of this generation, as element ids are reused after deletes.
CREATE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[0] AND a.generation = $generation
MATCH (b) WHERE elementId(b) = row[1] AND b.generation = $generation
%s
RETURN count(r)
"""
READ_RELATIONSHIPS = (f"MATCH (a:Entity {{generation: $generation}}) WHERE $first <= a.seq < $last "
                      f"MATCH (a)-[r:{ANY_REL_TYPE}]->(b:Entity) RETURN a.id, collect([b.id, type(r), properties(r)])")


class Neo4jStore(Store):
    """A landscape in a Neo4j database, reached by a neo4j://, neo4j+s://, bolt:// ... URI."""

    def __init__(self, location: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None) -> None:
        if not location.startswith(NEO4J_SCHEMES):
            scheme = location.partition(":")[0]
            raise LandscapeError(f"{scheme}: is not a Neo4j URI scheme ({', '.join(NEO4J_SCHEMES)})")
        self.uri, uri_user, uri_password = split_credentials(location)
        self.user = user or uri_user or os.environ.get("NEO4J_USERNAME") or "neo4j"
        self.database = database or os.environ.get("NEO4J_DATABASE") or "neo4j"
        secret = password or uri_password or os.environ.get("NEO4J_PASSWORD")
        self._verified = False
        self._anonymous = not secret
        with self._translated("cannot be opened: {}"):
            self._driver = GraphDatabase.driver(
                self.uri, auth=(self.user, secret) if secret else None,
                connection_timeout=TIMEOUT, connection_acquisition_timeout=TIMEOUT,
                max_transaction_retry_time=RETRY_SECONDS)

    def describe(self) -> str:
        return f"{self.uri} (database {self.database})"

    def close(self) -> None:
        self._driver.close()

    def read(self) -> Landscape:
        with self._translated("cannot be read: {}"), cycle_collection_paused():
            landscape = self._run(read_current, write=False)
        if landscape is None:
            raise LandscapeError(f"neo4j store {self.uri} is empty: run `landscape load DATASET`")
        return landscape

    def write(self, landscape: Landscape, *, replace: bool = False) -> LoadSummary:
        """Write `landscape` (merged into the current one unless `replace`) as a new generation, then switch to it."""
        with cycle_collection_paused():
            return self._load(landscape, replace)  # its rows are freed before the collector resumes: it skips them

    def _load(self, landscape: Landscape, replace: bool) -> LoadSummary:
        generation = secrets.randbits(63)
        with ExitStack() as held:
            with self._translated(LOAD_FAILED):
                check_types(landscape)  # before touching the database
                self._create_schema()
                lock = held.enter_context(self._locked())
                current = lock.run(CURRENT, key=META).single(strict=True)[0]
                self._sweep(current)  # what failed loads left behind
                rows = self._to_write(landscape, replace)
                self._write_generation(generation, rows)
                switch(lock, generation, rows)
                try:
                    lock.commit()  # the switch; it fails, changing nothing, if the lock's transaction was ended
                except IncompleteCommit:
                    raise OutcomeUnknown("the connection was lost while the new landscape was being switched in: "
                                         "the store holds the previous landscape or the new one; load again to be "
                                         "sure") from None
            with self._translated("loaded, but deleting the previous landscape failed: {}; the next load does it"):
                self._sweep(generation)
        return rows.summary(replace)

    def _to_write(self, landscape: Landscape, replace: bool) -> Rows:
        """The rows of `landscape` if `replace` or nothing is stored, else of it merged into the stored one;
        checked either way: every relationship joins entities that exist (merge checks more)."""
        old = None if replace else self._run(read_current, write=False)
        if old is None:
            check_endpoints(landscape)
            return to_rows(landscape)
        return to_rows(merge(old, landscape))

    def _create_schema(self) -> None:
        """The constraints and the meta nodes, where missing: changing the schema needs rights (an admin's, on
        Aura) that a user who only loads into a database set up once may not have."""
        with self._session() as session:
            try:
                existing = {record["name"] for record in session.run("SHOW CONSTRAINTS YIELD name")}
            except Neo4jError:  # not allowed to look: run them all (each is a no-op where nothing is to be done)
                existing = {*RETIRED_CONSTRAINTS}
            for name in RETIRED_CONSTRAINTS:
                if name in existing:
                    session.run(f"DROP CONSTRAINT {name} IF EXISTS").consume()
            for name, statement in CONSTRAINTS.items():
                if name not in existing:
                    session.run(statement).consume()
            session.run(META_NODES, keys=[META, LOCK_KEY]).consume()

    @contextmanager
    def _locked(self) -> Iterator[Transaction]:
        """The store's lock for the time of the block: an open transaction holding the lock node, rolled back after.

        A try of LOCK_WAIT seconds first, so that a load another load is running fails at once and clearly.
        """
        with self._session() as session:
            try:
                with session.begin_transaction(timeout=LOCK_WAIT) as attempt:
                    attempt.run(LOCK, key=LOCK_KEY).consume()
            except Neo4jError as error:
                if error.code in LOCK_HELD:
                    raise LandscapeError("another load is writing to the store; try again when it is done") from None
                raise
            lock = session.begin_transaction()
            try:
                lock.run(LOCK, key=LOCK_KEY).consume()
                yield lock
            finally:
                with suppress(Neo4jError, DriverError):  # a lost connection has released the lock already
                    lock.close()  # rolls back: the lock is released, and the transaction wrote nothing

    def _sweep(self, current: int | None) -> None:
        """Delete every generation but `current`, in small transactions."""
        with self._session() as session:  # CALL ... IN TRANSACTIONS needs an auto-commit query
            session.run(SWEEP, current=current, batch=DELETE_BATCH).consume()

    def _write_generation(self, generation: int, rows: Rows) -> None:
        """Every row under `generation`, BATCH_SIZE rows per transaction and WRITERS transactions at a time:
        the entities, then the relationships between them, found by the element ids the entity batches return."""
        element_ids: dict[str, str] = {}

        def write_entities(label: str, batch: list[list[Any]]) -> list[str]:
            return self._run(create_entities, label, batch, generation)

        def write_relationships(rel_type: str, batch: list[tuple[int, Relationship]]) -> None:
            # each batch's rows are built, sent and freed by its own thread, while the server works on another
            ends = [graph_relationship_row(seq, edge, element_ids[edge.source], element_ids[edge.target])
                    for seq, edge in batch]
            self._run(create_relationships, rel_type, ends, generation)

        with ThreadPoolExecutor(WRITERS) as pool:  # map stops at the first failed batch and cancels the rest
            written = in_batches(pool, write_entities, rows.entities)  # every batch is submitted at once
            try:
                typed_edges = rows.typed_edges  # sorted now, while the server writes the entities
            except BaseException:  # an interrupt, say: the entity batches not yet begun are dropped
                pool.shutdown(cancel_futures=True)
                raise
            for batch, created in written:
                element_ids.update(zip((row[0] for row in batch), created))
            for _ in in_batches(pool, write_relationships, typed_edges):
                pass

    def _run(self, work: Callable[..., T], *args: Any, write: bool = True) -> T:
        """`work(tx, *args)` in one managed transaction (retried by the driver on transient errors)."""
        with self._session() as session:
            return session.execute_write(work, *args) if write else session.execute_read(work, *args)

    def _session(self) -> Session:
        if not self._verified:
            self._driver.verify_connectivity()  # fails fast, where a transaction would retry
            self._verified = True
        # One bookmark manager for every session: in a cluster, each transaction sees all this store's earlier ones.
        return self._driver.session(database=self.database,
                                    bookmark_manager=self._driver.execute_query_bookmark_manager)

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
            if not self._verified:
                raise LandscapeError(f"{where}: cannot connect ({connect_reason(error)})") from None
            reason = f"lost the connection to the server ({connect_reason(error)})"
            raise LandscapeError(f"{where}: {failed.format(reason)}") from None
        except Neo4jError as error:
            if error.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise LandscapeError(f"{where}: database {self.database!r} does not exist") from None
            raise LandscapeError(f"{where}: {failed.format(first_line(error.message or error))}") from None
        except (DriverError, ValueError) as error:
            raise LandscapeError(f"{where}: {failed.format(first_line(error))}") from None
        except OutcomeUnknown as error:
            raise LandscapeError(f"{where}: {error}") from None
        except LandscapeError as error:
            raise LandscapeError(f"{where}: {failed.format(error)}") from None


class OutcomeUnknown(LandscapeError):
    """A failure after which the store may or may not have changed: reported as it is, never as "not changed"."""


def split_credentials(location: str) -> tuple[str, str | None, str | None]:
    """The URI without any `user:password@`, and that user and password.

    Split by hand: a password with a `/`, `?` or `#` left unencoded would make a URL parser see
    no user information at all, and the password would be printed as part of the URI.
    """
    scheme, _, rest = location.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not at:
        return location, None, None
    user, _, password = userinfo.partition(":")
    return f"{scheme}://{host}", unquote(user) or None, unquote(password) or None


def connect_reason(error: ServiceUnavailable) -> str:
    """Why the driver could not connect, e.g. "[Errno 111] Connection refused", from its nested errors."""
    texts = [*(str(inner) for inner in getattr(error.__cause__, "exceptions", ())), str(error)]
    for text in texts:
        if match := re.search(r"\(reason (.+)\)", text):
            return match.group(1)
    return texts[0].strip().splitlines()[-1] if texts[0].strip() else type(error).__name__


def first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


class Batch(list[Any]):
    """Rows sent as one query parameter. The driver formats every query's parameters for a debug message, even
    when nothing logs it: a batch formats as its length, which spares the client a quarter of its work on a load
    (and keeps the rows' values out of any debug log)."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def in_batches(pool: Executor, write: Callable[[str, list[R]], T],
               groups: dict[str, list[R]]) -> Iterator[tuple[list[R], T]]:
    """`write(name, batch)` for each batch of BATCH_SIZE items (rows, or what rows are made from) of each group,
    run on `pool`: (batch, result) in order."""
    jobs = [(name, group[start:start + BATCH_SIZE])
            for name, group in groups.items() for start in range(0, len(group), BATCH_SIZE)]
    return zip((batch for _, batch in jobs), pool.map(lambda job: write(*job), jobs))


def create_entities(tx: ManagedTransaction, label: str, rows: list[list[Any]], generation: int) -> list[str]:
    """One batch of entities with one label; the element ids of their nodes, in row order."""
    query = CREATE_ENTITIES % create_entities_cypher(label, "$rows", "$generation", "$type")
    element_ids: list[str] = _send(tx, query, rows, generation=generation, type=NODE_TYPE_OF[label])
    return element_ids


def create_relationships(tx: ManagedTransaction, rel_type: str, rows: list[list[Any]], generation: int) -> None:
    """One batch of relationships of one type, each row's ends given as element ids."""
    query = CREATE_RELATIONSHIPS % create_relationship_cypher(rel_type)
    if _send(tx, query, rows, generation=generation) != len(rows):
        raise LandscapeError("entities of this load were deleted while it ran")


def switch(tx: Transaction, generation: int, rows: Rows) -> None:
    """Make `generation` the one readers read, in the lock's transaction: it holds only if the lock still does."""
    if not _single(tx, SWITCH, key=META, generation=generation, name=rows.name, title=rows.title,
                   entity_columns=rows.entity_columns, relationship_columns=rows.relationship_columns,
                   sources=rows.sources):
        raise LandscapeError("the store's :LandscapeMeta node was deleted while loading")


def _single(tx: ManagedTransaction | Transaction, query: str, **parameters: Any) -> Any:
    return tx.run(query, parameters).single(strict=True)[0]


def _send(tx: ManagedTransaction, query: str, rows: list[list[Any]], **parameters: Any) -> Any:
    """`_single` with `rows` as the parameter `rows`, a Batch emptied afterwards: the driver keeps a query's
    parameters in reference cycles, which would hold every row of a load until the cycle collector ran
    (half a second at the end of a national load, and the memory meanwhile). The query is packed by `run`,
    and a transaction the driver retries calls this again with `rows` intact, so emptying changes nothing sent."""
    batch = Batch(rows)
    try:
        return _single(tx, query, rows=batch, **parameters)
    finally:
        batch.clear()


def read_current(tx: ManagedTransaction) -> Landscape | None:
    """The current generation's landscape; None if nothing was ever loaded.

    Read again if a load switched away from it meanwhile: the old generation may have been half deleted under us.
    """
    for _ in range(READ_ATTEMPTS):
        meta = tx.run(READ_META, key=META).single()
        if meta is None or meta[0] is None:
            return None
        landscape = read_generation(tx, *meta)
        if _single(tx, CURRENT, key=META) == meta[0]:
            return landscape
    raise LandscapeError("the landscape kept changing while it was read; try again")


def read_generation(tx: ManagedTransaction, generation: int, name: str | None, entity_columns: list[str] | None,
                    relationship_columns: list[str] | None, sources: str | None = None,
                    title: str | None = None) -> Landscape:
    """One generation's landscape, in the order it was written (`seq`, from 0), read a page at a time."""
    count = _single(tx, READ_SIZE, generation=generation)
    pages = [{"generation": generation, "first": first, "last": first + READ_PAGE}
             for first in range(0, count, READ_PAGE)]
    nodes = sorted((node for page in pages for node in _single(tx, READ_ENTITIES, **page)), key=itemgetter("seq"))
    if len(nodes) != count:  # only a store changed by hand: every load numbers its entities 0, 1, ...
        raise LandscapeError(f"{count - len(nodes)} of the {count} stored entities have no place (seq) "
                             f"from 0 to {count - 1}; load the landscape again")
    entities = [read_entity(properties, entity_columns or []) for properties in nodes]
    edges = sorted(((source, *edge) for page in pages for source, outgoing in tx.run(READ_RELATIONSHIPS, page)
                    for edge in outgoing), key=lambda edge: edge[3]["seq"])
    relationships = [read_relationship(source, target, rel_type, properties, relationship_columns or [])
                     for source, target, rel_type, properties in edges]
    return Landscape(entities, relationships, name or "landscape", source_table=read_sources(sources),
                     title=title or "")
