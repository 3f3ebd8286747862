"""Writes that fail part way, in each store, under real failing conditions: a read-only folder and a file size
limit the kernel enforces for the embedded store; a server error, a violated constraint and a dropped connection
for Neo4j. Each leaves the store exactly as it was (a full read before and after), says so in one line on the
command line, and the next write goes through.
"""

from __future__ import annotations

import os
import resource
import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

import landscape.store.neo4j as neo4j_module
from cli import main
from landscape.interchange import to_dict
from landscape.io.validate import load_dataset
from landscape.store import Store
from tests.relay import Relay
from tests.test_store_contract import everything

# The landscape whose write fails: a chain of boards reporting upwards, and one board named as one of the tiny
# landscape's (which a constraint on names refuses).
BOARDS = 40
ENTITIES = "\n".join([*(f"b{n},Board {n},board,,,,,,,doc," for n in range(BOARDS)),
                      "twin,Partnership Executive,board,,,,,,,doc,"])
RELATIONSHIPS = "\n".join(f"b{n},b{n + 1},reports_to,,,,doc," for n in range(BOARDS - 1))


@dataclass
class Failing:
    """A store, the command line's options that reach it, and a condition under which writing to it fails."""

    store: Store
    options: list[str]
    condition: Callable[[], AbstractContextManager[object]]
    reason: str  # what the message says went wrong


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` made read-only for real: its write permission taken away or, for root (whom permissions do not
    stop), mounted read-only over itself."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mount = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.fail(f"cannot make {folder} read-only: {mount.stderr.strip()}", pytrace=False)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@contextmanager
def file_size_limit(size: int) -> Iterator[None]:
    """No file of this process may grow past `size` bytes: a write past it fails with EFBIG part way through,
    as on a full disk (Python ignores the signal that would otherwise end the process)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


@contextmanager
def server_error(monkeypatch: pytest.MonkeyPatch, batches: int) -> Iterator[None]:
    """The server refuses the last of a load's `batches` relationship batches."""
    with monkeypatch.context() as patching:
        fail_on_the_last_relationship_batch(patching, batches)
        yield


def fail_on_the_last_relationship_batch(monkeypatch: pytest.MonkeyPatch, batches: int) -> list[object]:
    """Make the server refuse the last of `batches` relationship batches of a load (a statement dividing by zero
    runs in its transaction), after every other batch committed. The batches sent are listed in the result."""
    sent: list[object] = []
    create_relationships = neo4j_module.create_relationships

    def failing(tx, rel_type, rows, generation):
        sent.append(rows)
        if len(sent) == batches:
            tx.run("UNWIND [0] AS zero RETURN 1 / zero").consume()  # the server refuses: / by zero
        return create_relationships(tx, rel_type, rows, generation)

    monkeypatch.setattr(neo4j_module, "BATCH_SIZE", 1)
    monkeypatch.setattr(neo4j_module, "create_relationships", failing)
    return sent


def neo4j_options(server: dict[str, str], uri: str) -> list[str]:
    return ["--store", uri, "--neo4j-user", server["user"], "--neo4j-password", server["password"],
            "--neo4j-database", server["database"]]


CONDITIONS = ["embedded: read-only folder", "embedded: file size limit",
              *(pytest.param(f"neo4j: {name}", marks=pytest.mark.neo4j)
                for name in ("server error", "constraint violated", "connection dropped"))]


@pytest.fixture(params=CONDITIONS)
def failing(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Failing]:
    """Each store with each condition that makes a write to it fail part way."""
    backend, _, name = request.param.partition(": ")
    if backend == "embedded":
        from landscape.store.embedded import EmbeddedStore

        folder = tmp_path / "store"
        store, options = EmbeddedStore(folder), ["--store", str(folder)]
        if name == "read-only folder":
            yield Failing(store, options, lambda: read_only(folder),
                          "Permission denied" if os.geteuid() else "Read-only file system")
        else:
            yield Failing(store, options, lambda: file_size_limit(1024), "File too large")
        return
    server, store = request.getfixturevalue("neo4j_server"), request.getfixturevalue("neo4j_store")
    options = neo4j_options(server, server["uri"])
    if name == "server error":
        yield Failing(store, options, lambda: server_error(monkeypatch, BOARDS - 1), "/ by zero")
    elif name == "constraint violated":
        driver = request.getfixturevalue("neo4j_driver")
        yield Failing(store, options, lambda: unique_names(driver, server["database"]),
                      "already exists with label `Entity` and property `name` = 'Partnership Executive'")
    else:
        host, _, port = server["uri"].partition("://")[2].rpartition(":")
        relay = Relay(host, int(port))
        try:  # dropped as the first relationship batch is sent: every entity is in; the lock's connection goes too
            yield Failing(store, neo4j_options(server, f"bolt://127.0.0.1:{relay.port}"),
                          lambda: relay.dropping_when_sent(b"CREATE (a)-[r:"), "lost the connection to the server")
        finally:
            relay.close()


@contextmanager
def unique_names(driver, database: str) -> Iterator[None]:
    """A uniqueness constraint on entity names, as a database's administrator might add: a load that writes a
    name the current landscape holds is refused by the server."""
    driver.execute_query("CREATE CONSTRAINT test_unique_name FOR (e:Entity) REQUIRE e.name IS UNIQUE",
                         database_=database)
    try:
        yield
    finally:
        driver.execute_query("DROP CONSTRAINT test_unique_name IF EXISTS", database_=database)


def test_a_write_that_fails_part_way_leaves_the_store_as_it_was_and_says_so_in_one_line(failing, tiny, runner,
                                                                                        write_dataset):
    failing.store.write(load_dataset(tiny), replace=True)
    before = everything(failing.store)
    dataset = str(write_dataset(ENTITIES, RELATIONSHIPS))
    with failing.condition():
        result = runner.invoke(main, ["load", dataset, "--replace", *failing.options])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output.startswith("Error: ") and result.output.endswith("; the store was not changed\n")
    assert result.output.count("\n") == 1 and failing.reason in result.output
    assert everything(failing.store) == before
    loaded = runner.invoke(main, ["load", dataset, "--replace", *failing.options])  # nothing left locked
    assert loaded.exit_code == 0, loaded.output
    assert everything(failing.store) == to_dict(load_dataset(dataset))
