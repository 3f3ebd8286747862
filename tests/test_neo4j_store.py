"""The Neo4j store against a real server: schema, idempotence, all-or-nothing loads, clear failures."""

import json
import socket
import time

import pytest

import landscape.store.neo4j as neo4j_module
from cli import main
from landscape.errors import LandscapeError
from landscape.model import Entity, Landscape, Relationship
from landscape.store.base import merge, relationship_key
from landscape.store.neo4j import Neo4jStore
from landscape.validate import load_dataset
from tests.test_store_contract import canonical

pytestmark = pytest.mark.neo4j


def graph_counts(driver, database):
    """(nodes, relationships) in the whole database."""
    records, _, _ = driver.execute_query(
        "RETURN COUNT { (n) } AS nodes, COUNT { ()-[]->() } AS relationships", database_=database)
    return records[0]["nodes"], records[0]["relationships"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_load_creates_the_uniqueness_constraint(neo4j_store, neo4j_driver, neo4j_server, tiny):
    database = neo4j_server["database"]
    neo4j_driver.execute_query("DROP CONSTRAINT landscape_entity_id IF EXISTS", database_=database)
    neo4j_store.write(load_dataset(tiny), replace=True)
    records, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties", database_=database)
    assert {"type": "UNIQUENESS", "labelsOrTypes": ["Entity"], "properties": ["id"]} in [
        record.data() for record in records]


def test_the_graph_has_fixed_labels_types_and_prefixed_extra_columns(neo4j_store, neo4j_driver,
                                                                      neo4j_server, tiny):
    neo4j_store.write(load_dataset(tiny), replace=True)
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (a:Entity:Agency {id: 'council'})-[r:MEMBER_OF]->(b:Entity:Board {id: 'oversight'}) "
        "RETURN a.attr_sector AS sector, r.role AS role, r.source_doc AS doc", database_=neo4j_server["database"])
    assert [record.data() for record in records] == [{"sector": "local-government", "role": "chair",
                                                      "doc": "doc A"}]


def test_reloading_leaves_the_same_graph(neo4j_store, neo4j_driver, neo4j_server, tiny):
    landscape = load_dataset(tiny)
    neo4j_store.write(landscape, replace=True)
    before = graph_counts(neo4j_driver, neo4j_server["database"])
    neo4j_store.write(landscape)
    neo4j_store.write(landscape, replace=True)
    assert graph_counts(neo4j_driver, neo4j_server["database"]) == before == (14 + 1, 19)


def test_relationships_of_one_type_between_one_pair_stay_apart(neo4j_store):
    landscape = Landscape(
        [Entity("council", "Council", "agency"), Entity("board", "Board", "board")],
        [Relationship("council", "board", "member_of", "2019", "2020", "doc A", "member"),
         Relationship("council", "board", "member_of", "2021", "", "doc B", "chair"),
         Relationship("council", "board", "member_of", "2021", "", "doc C", "member")])
    summary = neo4j_store.write(landscape, replace=True)
    assert (summary.entities, summary.relationships) == (2, 3)
    assert canonical(neo4j_store.read()) == canonical(landscape)


def test_merging_follows_base_merge_in_content_order_and_labels(neo4j_store, neo4j_driver, neo4j_server, tiny):
    old = load_dataset(tiny)
    new = Landscape([Entity("newcomer", "New Charity", "vcs"), Entity("police", "Police Charity", "vcs")],
                    [Relationship("newcomer", "exec", "member_of", role="member"), old.relationships[0]], "update")
    neo4j_store.write(old, replace=True)
    neo4j_store.write(new)
    stored, expected = neo4j_store.read(), merge(old, new)
    assert list(stored.entities) == list(expected.entities)
    assert [relationship_key(edge) for edge in stored.relationships] == [
        relationship_key(edge) for edge in expected.relationships]
    assert canonical(stored) == canonical(expected) and stored.name == "update"
    records, _, _ = neo4j_driver.execute_query("MATCH (e:Entity {id: 'police'}) RETURN labels(e) AS labels",
                                               database_=neo4j_server["database"])
    assert sorted(records[0]["labels"]) == ["Entity", "Vcs"]


def test_a_load_failing_part_way_leaves_the_previous_landscape_intact(neo4j_store, neo4j_driver,
                                                                      neo4j_server, tiny, monkeypatch):
    previous = load_dataset(tiny)
    neo4j_store.write(previous, replace=True)
    before = graph_counts(neo4j_driver, neo4j_server["database"])
    batches = []
    write_batch = neo4j_module._write_batch

    def fail_on_the_third_batch(tx, query, rows, **parameters):
        batches.append(rows)
        if len(batches) == 3:
            tx.run("UNWIND [0] AS zero RETURN 1 / zero").consume()  # the server refuses: / by zero
        write_batch(tx, query, rows, **parameters)

    monkeypatch.setattr(neo4j_module, "BATCH_SIZE", 1)
    monkeypatch.setattr(neo4j_module, "_write_batch", fail_on_the_third_batch)
    other = Landscape([Entity(f"e{i}", f"Board {i}", "board") for i in range(5)], [], "other")
    with pytest.raises(LandscapeError, match=r"load failed: .*; the store was not changed$"):
        neo4j_store.write(other, replace=True)
    assert len(batches) == 3
    assert graph_counts(neo4j_driver, neo4j_server["database"]) == before
    assert canonical(neo4j_store.read()) == canonical(previous)
    assert neo4j_store.read().name == "tiny"


def test_a_relationship_to_an_unknown_entity_fails_the_whole_load(neo4j_store):
    landscape = Landscape([Entity("a", "A", "board")], [Relationship("a", "ghost", "reports_to")])
    with pytest.raises(LandscapeError, match="unknown entities 'ghost'; the store was not changed"):
        neo4j_store.write(landscape)
    with pytest.raises(LandscapeError, match="is empty: run `landscape load DATASET`"):
        neo4j_store.read()


def test_credentials_in_the_uri_are_used_but_never_described(neo4j_server, neo4j_store, tiny):
    uri = neo4j_server["uri"].replace("://", f"://{neo4j_server['user']}:{neo4j_server['password']}@")
    with Neo4jStore(uri, database=neo4j_server["database"]) as store:
        store.write(load_dataset(tiny), replace=True)
        assert store.describe() == f"{neo4j_server['uri']} (database {neo4j_server['database']})"
        assert neo4j_server["password"] not in store.describe()


@pytest.mark.parametrize("problem", ["unreachable", "silent server", "wrong password", "missing database"])
def test_connection_problems_fail_fast_with_one_clear_line(neo4j_server, problem):
    uri, user, password, database = (neo4j_server[key] for key in ("uri", "user", "password", "database"))
    expected = {
        "unreachable": "cannot connect (",
        "silent server": "cannot connect (",
        "wrong password": f"authentication failed for user '{user}'",
        "missing database": "database 'no_such_database' does not exist",
    }[problem]
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        if problem == "unreachable":
            uri = f"bolt://127.0.0.1:{free_port()}"
        elif problem == "silent server":
            uri = f"bolt://127.0.0.1:{silent.getsockname()[1]}"
        elif problem == "wrong password":
            password = "not-the-password"
        else:
            database = "no_such_database"
        started = time.monotonic()
        with Neo4jStore(uri, user=user, password=password, database=database) as store:
            with pytest.raises(LandscapeError) as raised:
                store.read()
    assert time.monotonic() - started < 15  # a guard against hanging, not a performance claim
    message = str(raised.value)
    assert message.startswith(f"neo4j store {uri}: {expected}")
    assert "\n" not in message and password not in message


def test_cli_loads_into_neo4j_and_analyses_it_like_the_dataset(runner, neo4j_server, neo4j_store, tiny,
                                                                monkeypatch):
    for name in ("LANDSCAPE_STORE", "NEO4J_USERNAME", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_server["password"])
    store = ["--store", neo4j_server["uri"], "--neo4j-database", neo4j_server["database"]]
    loaded = runner.invoke(main, ["load", str(tiny), "--replace", *store])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output == (f"{neo4j_server['uri']} (database {neo4j_server['database']}): replaced; "
                             "the store now holds 14 entities and 19 relationships\n")
    analysis = ["--format", "json", "--as-of", "2022-01"]
    from_store = runner.invoke(main, ["analyse", *analysis, *store])
    direct = runner.invoke(main, ["analyse", str(tiny), *analysis])
    assert from_store.exit_code == 0, from_store.output
    assert json.loads(from_store.output)["findings"] == json.loads(direct.output)["findings"]
    assert from_store.output == direct.output
    assert all(neo4j_server["password"] not in result.output for result in (loaded, from_store))


def test_cli_reports_a_wrong_password_in_one_line_without_echoing_it(runner, neo4j_server, tiny):
    result = runner.invoke(main, ["load", str(tiny), "--store", neo4j_server["uri"],
                                  "--neo4j-user", "neo4j", "--neo4j-password", "hunter2-wrong"])
    assert result.exit_code == 1
    assert result.output == f"Error: neo4j store {neo4j_server['uri']}: authentication failed for user 'neo4j'\n"
