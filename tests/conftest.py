"""Shared fixtures: small datasets written on the fly, the command runner, and the stores."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"

ENTITY_HEADER = "id,name,type,sector,level,top,required_sectors,start,end,source,themes"
RELATIONSHIP_HEADER = "source,target,type,role,start,end,source_doc,note"


@pytest.fixture
def tiny() -> Path:
    return TINY


@pytest.fixture
def write_dataset(tmp_path: Path) -> Callable[..., Path]:
    """Write a dataset folder from entity and relationship rows (headers added when omitted)."""

    def write(entities: str, relationships: str = "", name: str = "dataset",
              entity_header: str = ENTITY_HEADER,
              relationship_header: str = RELATIONSHIP_HEADER) -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        for file, header, body in (("entities.csv", entity_header, entities),
                                   ("relationships.csv", relationship_header, relationships)):
            text = textwrap.dedent(body).strip("\n")
            (folder / file).write_text(f"{header}\n{text}\n" if text else f"{header}\n",
                                       encoding="utf-8")
        return folder

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def store_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty embedded store, made the default for the command line."""
    folder = tmp_path / "store"
    monkeypatch.setenv("LANDSCAPE_STORE", str(folder))
    return folder


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[dict[str, str]]:
    """A real Neo4j server for the whole session: started once, stopped at the end.

    When it cannot start, the Neo4j tests fail in CI (CI=true) and skip elsewhere, with the reason.
    """
    from tests.neo4j_server import start_neo4j, stop_neo4j

    try:
        settings = start_neo4j()
    except RuntimeError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(str(error), pytrace=False)
        pytest.skip(str(error))
    yield settings
    stop_neo4j()


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_server: dict[str, str]) -> Iterator[Any]:
    """A driver to the test server, for tests that look at the graph itself."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_server["uri"],
                              auth=(neo4j_server["user"], neo4j_server["password"])) as driver:
        yield driver


@pytest.fixture
def neo4j_store(neo4j_server: dict[str, str], neo4j_driver: Any) -> Iterator[Any]:
    """A Neo4jStore on a wiped database."""
    from landscape.store.neo4j import Neo4jStore

    # In small transactions: the database may hold a benchmark's landscape, too big for one.
    with neo4j_driver.session(database=neo4j_server["database"]) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    opened = Neo4jStore(neo4j_server["uri"], user=neo4j_server["user"],
                        password=neo4j_server["password"], database=neo4j_server["database"])
    yield opened
    opened.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """Each store backend, empty."""
    if request.param == "neo4j":
        yield request.getfixturevalue("neo4j_store")
        return
    from landscape.store.embedded import EmbeddedStore

    opened = EmbeddedStore(tmp_path / "store")
    yield opened
    opened.close()


@pytest.fixture
def store_options(store: Any, request: pytest.FixtureRequest) -> list[str]:
    """The command line's options that name `store`, credentials included."""
    from landscape.store.embedded import EmbeddedStore

    if isinstance(store, EmbeddedStore):
        return ["--store", str(store.folder)]
    server = request.getfixturevalue("neo4j_server")
    return ["--store", server["uri"], "--neo4j-user", server["user"], "--neo4j-password", server["password"],
            "--neo4j-database", server["database"]]
