"""The Neo4j store against a real server: schema, idempotence, all-or-nothing loads, clear failures."""

import gc
import json
import socket
import time

import pytest

import landscape.store.neo4j as neo4j_module
from cli import main
from landscape.errors import LandscapeError
from landscape.io.validate import load_dataset
from landscape.model import Entity, Landscape, Relationship
from landscape.store.base import merge, relationship_key
from landscape.store.neo4j import Neo4jStore
from tests.test_store_contract import canonical
from tests.test_store_failures import fail_on_the_last_relationship_batch

pytestmark = pytest.mark.neo4j


def graph_counts(driver, database):
    """(nodes, relationships) in the whole database."""
    records, _, _ = driver.execute_query(
        "RETURN COUNT { (n) } AS nodes, COUNT { ()-[]->() } AS relationships", database_=database)
    return records[0]["nodes"], records[0]["relationships"]


def current(driver, database):
    """The generation readers read."""
    records, _, _ = driver.execute_query("MATCH (m:LandscapeMeta {key: 'landscape'}) RETURN m.current AS current",
                                         database_=database)
    return records[0]["current"]


def generations(driver, database):
    """Every generation with entities in the database."""
    records, _, _ = driver.execute_query("MATCH (e:Entity) RETURN DISTINCT e.generation AS generation",
                                         database_=database)
    return [record["generation"] for record in records]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_load_creates_the_constraints_and_drops_the_old_one(neo4j_store, neo4j_driver, neo4j_server, tiny):
    database = neo4j_server["database"]
    for name in ("landscape_entity_generation_id", "landscape_meta_key"):
        neo4j_driver.execute_query(f"DROP CONSTRAINT {name} IF EXISTS", database_=database)
    neo4j_driver.execute_query(  # what earlier versions created: one generation only
        "CREATE CONSTRAINT landscape_entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE",
        database_=database)
    neo4j_store.write(load_dataset(tiny), replace=True)
    neo4j_store.write(load_dataset(tiny), replace=True)  # two generations of the same ids meet
    records, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties", database_=database)
    constraints = {record["name"]: record.data() for record in records}
    assert constraints["landscape_entity_generation_id"] == {
        "name": "landscape_entity_generation_id", "type": "UNIQUENESS", "labelsOrTypes": ["Entity"],
        "properties": ["generation", "id"]}
    assert constraints["landscape_meta_key"]["properties"] == ["key"]
    assert "landscape_entity_id" not in constraints


def test_the_graph_has_fixed_labels_types_and_prefixed_extra_columns(neo4j_store, neo4j_driver,
                                                                      neo4j_server, tiny):
    neo4j_store.write(load_dataset(tiny), replace=True)
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (m:LandscapeMeta {key: 'landscape'}) "
        "MATCH (a:Entity:Agency {generation: m.current, id: 'council'})-[r:MEMBER_OF]->"
        "(b:Entity:Board {generation: m.current, id: 'oversight'}) "
        "RETURN a.attr_sector AS sector, r.role AS role, r.source_doc AS doc", database_=neo4j_server["database"])
    assert [record.data() for record in records] == [{"sector": "local-government", "role": "chair",
                                                      "doc": "doc A"}]


def test_reloading_leaves_the_same_graph(neo4j_store, neo4j_driver, neo4j_server, tiny):
    landscape = load_dataset(tiny)
    neo4j_store.write(landscape, replace=True)
    before = graph_counts(neo4j_driver, neo4j_server["database"])
    neo4j_store.write(landscape)
    assert canonical(neo4j_store.read()) == canonical(landscape)
    neo4j_store.write(landscape, replace=True)
    meta_nodes = 2  # the current generation's and the lock's
    assert graph_counts(neo4j_driver, neo4j_server["database"]) == before == (14 + meta_nodes, 19)
    assert generations(neo4j_driver, neo4j_server["database"]) == [current(neo4j_driver, neo4j_server["database"])]


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


OTHER = Landscape([Entity(f"e{i}", f"Board {i}", "board") for i in range(5)],
                  [Relationship(f"e{i}", f"e{i + 1}", "reports_to") for i in range(4)], "other")


def test_what_a_failed_load_left_is_invisible_and_the_next_load_deletes_it(neo4j_store, neo4j_driver,
                                                                            neo4j_server, tiny, monkeypatch):
    database = neo4j_server["database"]
    neo4j_store.write(load_dataset(tiny), replace=True)
    with monkeypatch.context() as patch:
        fail_on_the_last_relationship_batch(patch, len(OTHER.relationships))
        with pytest.raises(LandscapeError):
            neo4j_store.write(OTHER, replace=True)
    assert len(generations(neo4j_driver, database)) == 2  # the failed load's entities and 3 relationships
    assert graph_counts(neo4j_driver, database) == (14 + 5 + 2, 19 + 3)
    assert set(neo4j_store.read().entities).isdisjoint(OTHER.entities)
    neo4j_store.write(OTHER)  # the lock was released: the next load runs, merging into the previous landscape
    assert generations(neo4j_driver, database) == [current(neo4j_driver, database)]
    assert canonical(neo4j_store.read()) == canonical(merge(load_dataset(tiny), OTHER))
    assert graph_counts(neo4j_driver, database) == (14 + 5 + 2, 19 + 4)


def test_a_load_under_way_refuses_a_second_load_with_a_clear_message(neo4j_store, neo4j_driver, neo4j_server,
                                                                      tiny):
    previous = load_dataset(tiny)
    neo4j_store.write(previous, replace=True)
    with neo4j_driver.session(database=neo4j_server["database"]) as session:
        other_load = session.begin_transaction()  # holds the lock as a load does
        other_load.run("MATCH (m:LandscapeMeta {key: 'lock'}) SET m.locked = true REMOVE m.locked").consume()
        with pytest.raises(LandscapeError) as raised:
            neo4j_store.write(OTHER, replace=True)
        other_load.rollback()
    assert str(raised.value) == (f"neo4j store {neo4j_server['uri']}: load failed: another load is writing to the "
                                 "store; try again when it is done; the store was not changed")
    assert canonical(neo4j_store.read()) == canonical(previous)
    neo4j_store.write(OTHER, replace=True)  # the lock went with the other load's transaction
    assert canonical(neo4j_store.read()) == canonical(OTHER)


def test_the_lock_is_released_after_a_load_and_after_a_failed_one(neo4j_store, neo4j_driver, neo4j_server, tiny,
                                                                   monkeypatch):
    def lock_is_free():
        with neo4j_driver.session(database=neo4j_server["database"]) as session:
            with session.begin_transaction(timeout=2) as attempt:
                attempt.run("MATCH (m:LandscapeMeta {key: 'lock'}) SET m.locked = true REMOVE m.locked").consume()
        return True

    neo4j_store.write(load_dataset(tiny), replace=True)
    assert lock_is_free()
    fail_on_the_last_relationship_batch(monkeypatch, len(OTHER.relationships))
    with pytest.raises(LandscapeError):
        neo4j_store.write(OTHER, replace=True)
    assert lock_is_free()
    records, _, _ = neo4j_driver.execute_query("MATCH (m:LandscapeMeta) RETURN m.key AS key, keys(m) AS properties "
                                               "ORDER BY key", database_=neo4j_server["database"])
    assert [record["key"] for record in records] == ["landscape", "lock"]
    assert records[1]["properties"] == ["key"]  # the lock node is only ever locked, never changed


def test_a_read_overtaken_by_a_load_reads_the_new_landscape(neo4j_store, tiny, monkeypatch):
    neo4j_store.write(load_dataset(tiny), replace=True)
    read_generation = neo4j_module.read_generation
    reads = []

    def overtaken(tx, *meta):
        reads.append(meta[0])
        if len(reads) == 1:  # a load switches generations, and deletes this one, while it is being read
            neo4j_store.write(OTHER, replace=True)
        return read_generation(tx, *meta)

    monkeypatch.setattr(neo4j_module, "read_generation", overtaken)
    assert canonical(neo4j_store.read()) == canonical(OTHER)
    assert len(reads) == 2 and reads[0] != reads[1]


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


def test_a_connection_lost_at_the_switch_says_the_outcome_is_unknown(neo4j_store, neo4j_server, tiny, monkeypatch):
    from neo4j import Transaction
    from neo4j.exceptions import IncompleteCommit

    neo4j_store.write(load_dataset(tiny), replace=True)

    def lost(self):
        raise IncompleteCommit("connection lost during commit")

    monkeypatch.setattr(Transaction, "commit", lost)  # only the lock's transaction is an explicit one
    with pytest.raises(LandscapeError) as raised:
        neo4j_store.write(OTHER, replace=True)
    assert str(raised.value) == (f"neo4j store {neo4j_server['uri']}: the connection was lost while the new "
                                 "landscape was being switched in: the store holds the previous landscape or the "
                                 "new one; load again to be sure")
    monkeypatch.undo()
    assert canonical(neo4j_store.read()) == canonical(load_dataset(tiny))  # here, it had not been switched


def test_a_load_leaves_its_rows_to_reference_counting(neo4j_store):
    """The driver keeps a query's parameters in reference cycles: the rows sent must not wait for the cycle
    collector, which a load pauses (a national load once held every row until it ran, then spent half a second)."""
    entities = [Entity(f"org-{n}", f"Org {n}", "agency") for n in range(2500)]
    entities += [Entity(f"board-{n}", f"Board {n}", "board") for n in range(2)]
    edges = [Relationship(f"org-{n}", f"board-{n % 2}", "member_of") for n in range(2500)]
    gc.collect()
    gc.disable()
    try:
        neo4j_store.write(Landscape(entities, edges), replace=True)
        left_to_the_collector = gc.collect()
    finally:
        gc.enable()
    assert left_to_the_collector < 1000  # the driver's own few objects per transaction, not 5,000 rows


def test_a_landscape_is_read_a_page_of_entities_at_a_time(neo4j_store, monkeypatch):
    """Pages (here of 7 entities, with the relationships from them) bound what the server holds
    at once; together they are the whole landscape, in order."""
    london = load_dataset("graph_data/london")
    neo4j_store.write(london, replace=True)
    monkeypatch.setattr(neo4j_module, "READ_PAGE", 7)
    read = neo4j_store.read()
    assert canonical(read) == canonical(london) and len(london) > 7 * 10
    assert [(e.source, e.target, e.type) for e in read.relationships] == \
        [(e.source, e.target, e.type) for e in london.relationships]


def test_a_store_whose_entities_lost_their_place_is_refused_not_read_in_part(neo4j_store, neo4j_driver,
                                                                           neo4j_server, tiny):
    neo4j_store.write(load_dataset(tiny), replace=True)
    neo4j_driver.execute_query("MATCH (e:Entity) WITH e LIMIT 1 REMOVE e.seq", database_=neo4j_server["database"])
    with pytest.raises(LandscapeError, match=r"cannot be read: 1 of the \d+ stored entities have no place"):
        neo4j_store.read()
