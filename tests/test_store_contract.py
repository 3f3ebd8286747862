"""The contract every store keeps, run against each backend."""

import json
import shutil
from datetime import date

from cli import main
from landscape.analysis import analyse
from landscape.interchange import to_dict
from landscape.io.validate import load_dataset
from landscape.model import Entity, Landscape, Relationship
from landscape.store.base import relationship_key


def canonical(landscape: Landscape) -> dict:
    """The landscape's facts (and its sources table) in a comparable order; an empty cell and a
    missing one are the same."""
    data = to_dict(landscape)
    rows = {key: [{k: v for k, v in row.items() if v} for row in data[key]]
            for key in ("entities", "relationships")}
    return {"entities": sorted(rows["entities"], key=lambda row: row["id"]),
            "relationships": sorted(rows["relationships"], key=lambda row: sorted(row.items())),
            "sources": [{k: v for k, v in row.items() if v} for row in data.get("sources", [])]}


def everything(store) -> dict:
    """All the store holds, as a full read gives it: every row in order, and the landscape's name, title and
    sources."""
    return to_dict(store.read())


def test_write_then_read_gives_the_same_landscape(store, tiny):
    landscape = load_dataset(tiny)
    summary = store.write(landscape, replace=True)
    assert (summary.entities, summary.relationships) == (14, 19)
    assert canonical(store.read()) == canonical(landscape)


def test_loading_twice_never_duplicates(store, tiny):
    landscape = load_dataset(tiny)
    store.write(landscape, replace=True)
    store.write(landscape)
    assert canonical(store.read()) == canonical(landscape)


def test_merge_updates_by_id_and_replace_clears(store, tiny):
    store.write(load_dataset(tiny), replace=True)
    update = Landscape([Entity("lonely", "Renamed Network", "board", source="doc C"),
                        Entity("newcomer", "New Charity", "vcs", source="doc C")],
                       [Relationship("newcomer", "lonely", "member_of", source_doc="doc C")])
    store.write(update)
    merged = store.read()
    assert merged.entities["lonely"].name == "Renamed Network"
    assert len(merged.entities) == 15 and len(merged.relationships) == 20
    store.write(update, replace=True)
    assert set(store.read().entities) == {"lonely", "newcomer"}


def test_unicode_extra_columns_and_dates_survive(store):
    landscape = Landscape(
        [Entity("a", "Children’s Board – “London”", "board", "2021-03", "2024", "doc ‘A’",
                {"colour": "ünïcode", "sector": "vcs"}),
         Entity("b", "<b>Bold</b>", "board")],
        [Relationship("a", "b", "communicates_with", "2021", "", "doc", "", {"note": "=1+1"})])
    store.write(landscape, replace=True)
    assert canonical(store.read()) == canonical(landscape)


def test_analysis_reads_back_identically(store, tiny):
    landscape = load_dataset(tiny)
    store.write(landscape, replace=True)
    day = date(2022, 1, 1)
    assert analyse(store.read(), as_of=day)["findings"] == analyse(landscape, as_of=day)["findings"]


def test_describe_names_the_store_without_secrets(store):
    assert "secret" not in store.describe()


def test_evidence_and_the_sources_table_round_trip(store, tmp_path):
    from tests.test_evidence_model import evidenced_landscape

    landscape = evidenced_landscape(tmp_path)
    store.write(landscape, replace=True)
    read_back = store.read()
    assert canonical(read_back) == canonical(landscape)
    assert read_back.source_table == landscape.source_table
    lasob = read_back.entities["lasob"]
    assert (lasob.not_recorded, lasob.aliases, read_back.last_attested(lasob)) == (
        {"members", "links"}, ["ASOB", "LASOB"], date(2024, 12, 31))
    assert read_back.entities["contest"].kind == "strategy" and read_back.entities["vess"].evidence == "proposed"
    assert {edge.evidence for edge in read_back.relationships} == {"stated", "inferred", "proposed"}
    for day in (date(2021, 3, 1), date(2025, 1, 1)):
        assert canonical(read_back.as_of(day)) == canonical(landscape.as_of(day))
    assert citations(read_back) == citations(landscape)


def citations(landscape: Landscape) -> dict:
    """Every fact's citations (source ids and locators, or words), by entity id or relationship key."""
    facts = {**landscape.entities, **{relationship_key(edge): edge for edge in landscape.relationships}}
    return {key: landscape.citations(fact) for key, fact in facts.items()}


def test_a_merge_keeps_both_sources_tables(store, tmp_path):
    from landscape.model import Source

    store.write(Landscape([Entity("a", "A", "board", source="s1")], [], source_table=[Source("s1", "One", "2020")]),
                replace=True)
    store.write(Landscape([Entity("b", "B", "board", source="s2, p. 3")], [],
                          source_table=[Source("s2", "Two", "2023-05", "https://example.org/two")]))
    merged = store.read()
    assert list(merged.source_table) == ["s1", "s2"]
    assert merged.source_table["s2"].url == "https://example.org/two"
    assert set(merged.as_of(date(2022, 1, 1)).entities) == {"a"}


# Extra columns named as a user may name them, some like the fields and properties a store writes itself.
ODD_COLUMNS = {"Notes (2024)": "two\nlines", "naïve name": "ünïcode", "a`b": "back`quote", "x.y": "dotted",
               "attr_colour": "prefixed as a stored column is", "seq": "named as a stored field",
               "generation": "7", "evidence_note": "", "type of board": "=1+1"}


def test_unknown_columns_are_kept_as_attributes_whatever_their_names(store):
    landscape = Landscape([Entity("a", "A", "board", attrs=ODD_COLUMNS), Entity("b", "B", "board", attrs={"x.y": ""})],
                          [Relationship("a", "b", "communicates_with", attrs=ODD_COLUMNS)], "odd")
    store.write(landscape, replace=True)
    assert to_dict(store.read()) == to_dict(landscape)  # every column of every row, empty ones too


def test_the_title_is_kept_merged_and_replaced(store):
    title = "Adolescent safeguarding in London <2024> & “beyond”"
    store.write(Landscape([Entity("a", "A", "board")], [], "first", title=title), replace=True)
    assert (store.read().name, store.read().title) == ("first", title)
    store.write(Landscape([Entity("b", "B", "board")], [], "update"))  # an update that gives no title keeps it
    assert (store.read().name, store.read().title) == ("update", title)
    store.write(Landscape([Entity("c", "C", "board")], [], "renamed", title="Renamed"))
    assert store.read().title == "Renamed"
    store.write(Landscape([Entity("a", "A", "board")], []), replace=True)
    assert store.read().title == ""


def test_a_report_read_from_the_store_is_the_dataset_s_own_title_and_all(store_options, runner, tiny, tmp_path):
    dataset = tmp_path / "titled"
    shutil.copytree(tiny, dataset)
    (dataset / "dataset.json").write_text(json.dumps({"title": "A tiny partnership & <friends>"}))
    loaded = runner.invoke(main, ["load", str(dataset), "--replace", *store_options])
    assert loaded.exit_code == 0, loaded.output
    report = ["report", "--as-of", "2022-01", "-o", "-"]
    from_store, direct = runner.invoke(main, [*report, *store_options]), runner.invoke(main, [*report, str(dataset)])
    assert "<h1>A tiny partnership &amp; &lt;friends&gt;: overlaps, gaps and links</h1>" in from_store.output
    assert from_store.output == direct.output
