"""Exports read back by independent readers; spreadsheet output is safe against formula injection."""

import csv
import io
import json

import networkx as nx
import openpyxl

from landscape.analysis import analyse
from landscape.io.validate import load_dataset
from landscape.model import Entity, Landscape, Relationship
from landscape.output.export import as_gexf, as_graphml, as_json, as_xlsx, write_csv_folder
from landscape.output.formats import as_csv
from landscape.output.formats import as_xlsx as findings_xlsx
from tests.test_store_contract import canonical

RISKY = Landscape(
    [Entity("a", "=HYPERLINK(\"http://evil\")", "board", source="+1"),
     Entity("b", "@SUM(A1)", "board", start="2021", source="-2"),
     Entity("t", "Theme – ‘quoted’", "theme")],
    [Relationship("a", "b", "communicates_with", source_doc="=cmd"),
     Relationship("a", "t", "addresses", source_doc="doc")])


def test_csv_folder_round_trip_is_identical(tmp_path, tiny):
    for landscape in (load_dataset(tiny), RISKY):
        write_csv_folder(landscape, tmp_path / landscape.name)
        assert canonical(load_dataset(tmp_path / landscape.name)) == canonical(landscape)


def test_exported_csv_cells_are_neutralised(tmp_path):
    write_csv_folder(RISKY, tmp_path)
    rows = list(csv.reader(open(tmp_path / "entities.csv", encoding="utf-8")))
    assert [row[1] for row in rows[1:3]] == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"]


def test_xlsx_round_trip_and_cells_are_text(tmp_path, tiny):
    path = tmp_path / "book.xlsx"
    path.write_bytes(as_xlsx(RISKY))
    assert canonical(load_dataset(path)) == canonical(RISKY)
    sheet = openpyxl.load_workbook(path)["entities"]
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=HYPERLINK")


def test_json_export(tiny):
    data = json.loads(as_json(load_dataset(tiny)))
    assert data["format"] == "landscape/1" and len(data["entities"]) == 14


def test_graphml_and_gexf_read_back_with_networkx(tiny):
    landscape = load_dataset(tiny)
    for data, reader in ((as_graphml(landscape), nx.read_graphml), (as_gexf(landscape), nx.read_gexf)):
        graph = reader(io.BytesIO(data))
        assert graph.number_of_nodes() == 14
        assert graph.number_of_edges() == 19
        assert graph.nodes["oversight"]["type"] == "board"


def test_findings_csv_and_xlsx_neutralise_formulas(tmp_path):
    result = analyse(RISKY)
    text = as_csv(result)
    assert "'=HYPERLINK" not in text or all(
        not cell.startswith(("=", "+", "-", "@")) for row in csv.reader(io.StringIO(text)) for cell in row)
    path = tmp_path / "findings.xlsx"
    path.write_bytes(findings_xlsx(result))
    for row in openpyxl.load_workbook(path)["coverage"].iter_rows(values_only=True):
        assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in row)


DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}){0,2}$"


def test_gexf_dates_drive_gephis_timeline(tiny):
    import re as regex

    data = as_gexf(load_dataset(tiny)).decode()
    assert regex.search(r'<graph[^>]*mode="dynamic"', data)
    assert regex.search(r'<graph[^>]*timeformat="date"', data)
    graph = nx.read_gexf(io.BytesIO(as_gexf(load_dataset(tiny))))
    assert graph.nodes["oversight"]["start"] == "2021-03-01"
    [ended] = [d for _, _, d in graph.edges(data=True) if d.get("end")]
    assert ended["end"] == "2022-12-31"


def test_popolo_has_the_schemas_required_fields_and_types():
    import re as regex

    from landscape.io.datasets import shipped_dataset
    from landscape.output.export import as_popolo

    data = json.loads(as_popolo(shipped_dataset()))
    organizations = {o["id"]: o for o in data["organizations"]}
    assert organizations["lasob"]["classification"] == "board"
    for record in data["organizations"]:
        assert isinstance(record["id"], str) and isinstance(record["name"], str)
        assert record.get("parent_id", "lasob") in organizations
        for key in ("founding_date", "dissolution_date"):
            assert regex.match(DATE_PATTERN, record.get(key, "2021"))
    posts = {p["id"]: p for p in data["posts"]}
    for post in data["posts"]:
        assert all(isinstance(post[key], str) for key in ("id", "label", "role", "organization_id"))
        assert post["organization_id"] in organizations
    for membership in data["memberships"]:
        assert membership["organization_id"] in organizations
        assert membership.get("post_id", next(iter(posts))) in posts
        assert "post_id" in membership or membership["member"]["id"] in organizations
        for key in ("start_date", "end_date"):
            assert regex.match(DATE_PATTERN, membership.get(key, "2021"))
    for record in data["organizations"] + data["posts"] + data["memberships"]:
        assert record["sources"] and all(regex.match(r"^[a-z][a-z0-9+.-]*:", s["url"]) for s in record["sources"])
    chair = next(m for m in data["memberships"] if m["role"] == "chair" and m["organization_id"] == "lasob")
    assert chair["start_date"] == "2021-03"


def test_the_london_landscape_round_trips_through_csv_and_xlsx(tmp_path):
    from landscape.io.datasets import shipped_dataset

    london = shipped_dataset()
    write_csv_folder(london, tmp_path / "csv")
    (tmp_path / "london.xlsx").write_bytes(as_xlsx(london))
    for copy in (tmp_path / "csv", tmp_path / "london.xlsx"):
        assert canonical(load_dataset(copy)) == canonical(london)
    assert any(entity.get("aliases") for entity in load_dataset(tmp_path / "csv").entities.values())


def test_evidence_and_sources_round_trip_through_csv_xlsx_and_json(tmp_path):
    from landscape.interchange import from_dict
    from tests.test_evidence_model import evidenced_landscape

    landscape = evidenced_landscape(tmp_path)
    write_csv_folder(landscape, tmp_path / "csv")
    assert (tmp_path / "csv" / "sources.csv").read_text(encoding="utf-8").startswith("id,title,date,url,publisher\n")
    (tmp_path / "book.xlsx").write_bytes(as_xlsx(landscape))
    assert "sources" in openpyxl.load_workbook(tmp_path / "book.xlsx").sheetnames
    for copy in (load_dataset(tmp_path / "csv"), load_dataset(tmp_path / "book.xlsx"),
                 from_dict(json.loads(as_json(landscape)))):
        assert canonical(copy) == canonical(landscape)
        assert copy.source_table == landscape.source_table
        assert copy.entities["lasob"].not_recorded == {"members", "links"}


def test_a_landscape_without_sources_exports_no_sources_table(tmp_path, tiny):
    folder = tmp_path / "copy"
    folder.mkdir()
    (folder / "sources.csv").write_text("id,title,date\nold,Old,2020\n", encoding="utf-8")  # an earlier export's
    write_csv_folder(load_dataset(tiny), folder, force=True)
    assert not (folder / "sources.csv").exists()
    assert "sources" not in json.loads(as_json(load_dataset(tiny)))
    assert "sources" not in openpyxl.load_workbook(io.BytesIO(as_xlsx(load_dataset(tiny)))).sheetnames


def test_graphml_and_gexf_carry_evidence_and_the_sources_as_source_nodes(tmp_path):
    from landscape.model import Source
    from tests.test_evidence_model import evidenced_landscape

    landscape = evidenced_landscape(tmp_path)
    for data, reader in ((as_graphml(landscape), nx.read_graphml), (as_gexf(landscape), nx.read_gexf)):
        graph = reader(io.BytesIO(data))
        sources = [Source(node[len("source:"):], attrs["label"], attrs["date"], attrs.get("url", ""),
                          attrs.get("publisher", ""))
                   for node, attrs in graph.nodes(data=True) if attrs["type"] == "source"]
        assert sources == list(landscape.source_table.values())
        entity_ids = [node for node, attrs in graph.nodes(data=True) if attrs["type"] != "source"]
        assert entity_ids == list(landscape.entities)
        lasob = graph.nodes["lasob"]
        assert (lasob["not_recorded"], lasob["aliases"], lasob["source"]) == (
            "members;links", "ASOB;LASOB", "asob-2021, Main paper; news-2024")
        assert graph.nodes["contest"]["kind"] == "strategy" and graph.nodes["vess"]["evidence"] == "proposed"
        assert {d["evidence"] for _, _, d in graph.edges(data=True) if d.get("evidence")} == {"inferred", "proposed"}


def test_popolo_sources_get_their_dates_urls_and_locators(tmp_path):
    from landscape.output.export import as_popolo
    from tests.test_evidence_model import evidenced_landscape

    data = json.loads(as_popolo(evidenced_landscape(tmp_path)))
    lasob = next(o for o in data["organizations"] if o["id"] == "lasob")
    assert lasob["sources"] == [
        {"url": "urn:landscape:source:asob-2021", "note": "ASOB proposal to the LSCP Executive, Main paper",
         "date": "2021-02-18"},
        {"url": "https://example.org/lasob-news", "note": "LASOB newsletter", "date": "2024-12"}]
    assert lasob["other_names"] == [{"name": "ASOB"}, {"name": "LASOB"}]
