"""`landscape export --format cypher`: parameter-free statements, run against the real Neo4j of the Neo4j tests."""

import pytest
from click.testing import CliRunner

from cli import main
from landscape.io.datasets import resolve_dataset
from landscape.io.validate import load_dataset
from landscape.model import Entity, Landscape, Relationship
from landscape.output.cypher import as_cypher, literal, name
from tests.test_store_contract import canonical

TRICKY = ["it's", "back\\slash", "\\u0041 is not A", "two\nlines\r\n", "tab\there", "'}) DETACH DELETE n //",
          "end; MATCH (n) DETACH DELETE n;", "`back`quotes`", "Ünïcödé – “quotes” 🧒", "line\u2028separator",
          "$parameter", "{curly}", "/* comment */", "bell\x07"]


def hostile_landscape() -> Landscape:
    entities = [Entity(f"e{number}-{text}", text, "board", start="2021-03", source=text,
                       attrs={"sector": text, f"col {text}": text})
                for number, text in enumerate(TRICKY)]
    relationships = [Relationship(entities[number].id, entities[number + 1].id, "communicates_with",
                                  source_doc=text, attrs={"note": text})
                     for number, text in enumerate(TRICKY[:-1])]
    return Landscape(entities, relationships, "hostile 'name'\n", title="hostile 'title' \\ `x`\n")


def statements(script: str) -> list[str]:
    return [line for line in script.splitlines() if line and not line.startswith("//")]


def test_values_are_literals_that_nothing_in_the_data_can_end_early():
    assert literal("it's \\ \n") == "'it\\'s \\\\ \\n'"
    assert literal("\u2028\x07") == "'\\u2028\\u0007'"
    assert literal(["a", 1, {"attr_x": "y"}]) == "['a', 1, {`attr_x`: 'y'}]"
    assert name("we`ird\\u0041\n") == "`we``ird\\u005cu0041\\u000a`"
    with pytest.raises(TypeError):
        literal(1.5)


def test_every_statement_is_one_line_ending_in_a_semicolon_and_has_no_parameters(tiny):
    script = as_cypher(hostile_landscape())
    assert script == as_cypher(hostile_landscape())  # deterministic
    lines = statements(script)
    assert lines and all(line.endswith(";") for line in lines)
    assert "$" not in as_cypher(load_dataset(tiny))  # the hostile one is run without parameters below
    assert lines[-2].startswith("MATCH (m:LandscapeMeta {key: 'landscape'}) WHERE COUNT")  # the switch, checked
    assert "SET m.current" in lines[-2] and "DETACH DELETE" in lines[-1]


def test_the_cli_writes_the_script(tmp_path, tiny):
    result = CliRunner().invoke(main, ["export", str(tiny), "--format", "cypher", "-o", str(tmp_path / "t.cypher")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.cypher").read_text(encoding="utf-8") == as_cypher(load_dataset(tiny))


def run_script(driver, database, script):
    with driver.session(database=database) as session:
        for statement in statements(script):
            session.run(statement).consume()


@pytest.mark.neo4j
@pytest.mark.parametrize("which", ["tiny", "london", "hostile", "evidenced"])
def test_the_script_recreates_the_landscape_in_an_empty_neo4j(neo4j_store, neo4j_driver, neo4j_server, tiny, which,
                                                              tmp_path):
    from tests.test_evidence_model import evidenced_landscape

    landscape = {"tiny": lambda: load_dataset(tiny), "london": lambda: load_dataset(resolve_dataset("london")),
                 "hostile": hostile_landscape, "evidenced": lambda: evidenced_landscape(tmp_path)}[which]()
    run_script(neo4j_driver, neo4j_server["database"], as_cypher(landscape))
    read_back = neo4j_store.read()
    assert canonical(read_back) == canonical(landscape)
    assert (read_back.name, read_back.title) == (landscape.name, landscape.title)
    assert read_back.source_table == landscape.source_table
    assert [list(entity.attrs) for entity in read_back.entities.values()] == [
        list(entity.attrs) for entity in landscape.entities.values()]


@pytest.mark.neo4j
def test_a_load_after_the_script_replaces_what_it_wrote(neo4j_store, neo4j_driver, neo4j_server, tiny):
    run_script(neo4j_driver, neo4j_server["database"], as_cypher(hostile_landscape()))
    neo4j_store.write(load_dataset(tiny), replace=True)
    assert canonical(neo4j_store.read()) == canonical(load_dataset(tiny))
    records, _, _ = neo4j_driver.execute_query("MATCH (e:Entity) RETURN count(DISTINCT e.generation) AS generations",
                                               database_=neo4j_server["database"])
    assert records[0]["generations"] == 1


@pytest.mark.neo4j
def test_a_run_stopped_part_way_changes_nothing_and_running_again_finishes(neo4j_store, neo4j_driver,
                                                                           neo4j_server, tiny):
    database = neo4j_server["database"]
    run_script(neo4j_driver, database, as_cypher(load_dataset(tiny)))
    london = load_dataset(resolve_dataset("london"))
    lines = statements(as_cypher(london))
    run_script(neo4j_driver, database, "\n".join(lines[:len(lines) // 2]))  # stopped part way
    assert canonical(neo4j_store.read()) == canonical(load_dataset(tiny))
    run_script(neo4j_driver, database, as_cypher(london))  # run again, whole
    assert canonical(neo4j_store.read()) == canonical(london)
    records, _, _ = neo4j_driver.execute_query("MATCH (e:Entity) RETURN count(DISTINCT e.generation) AS generations",
                                               database_=database)
    assert records[0]["generations"] == 1  # the landscape it replaced, and the half-written copy, are gone


@pytest.mark.neo4j
def test_running_a_script_that_already_ran_stops_at_once_and_changes_nothing(neo4j_store, neo4j_driver,
                                                                              neo4j_server, tiny):
    from neo4j.exceptions import ConstraintError

    script = as_cypher(load_dataset(tiny))
    run_script(neo4j_driver, neo4j_server["database"], script)
    with pytest.raises(ConstraintError):
        run_script(neo4j_driver, neo4j_server["database"], script)
    assert canonical(neo4j_store.read()) == canonical(load_dataset(tiny))
