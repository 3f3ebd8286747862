"""Exports read back by independent readers; spreadsheet output is safe against formula injection."""

import csv
import io
import json
import sys

import networkx as nx
import openpyxl
import pytest

from landscape.analysis import analyse
from landscape.errors import LandscapeError
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
    sources = (tmp_path / "csv" / "sources.csv").read_text(encoding="utf-8-sig")
    assert sources.startswith("id,title,date,url,publisher\n")
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

TEXTS = Landscape(
    [Entity("a", "Board\r\nwith a CR LF", "board", source="tab\there", attrs={"note": "l1\rl2", "quote": "\"<&>'"}),
     Entity("b", "Zoë ‘B’ \U0001f600", "board"),
     Entity("t", "=HYPERLINK(\"http://evil\",\"x\")", "theme")],
    [Relationship("a", "b", "communicates_with", source_doc="l1\r\nl2"),
     Relationship("a", "t", "addresses", source_doc="doc"),
     Relationship("b", "a", "reports_to")])


@pytest.mark.parametrize("lxml", ["installed", "missing"])
def test_graphml_and_gexf_open_in_networkx_and_lxml_with_every_text_kept(monkeypatch, lxml):
    """Carriage returns were lost from GraphML written without lxml (an XML reader makes CR LF a
    newline); the file must be the same whether lxml is installed or not."""
    from lxml import etree

    if lxml == "missing":
        monkeypatch.setitem(sys.modules, "lxml.etree", None)  # networkx then writes with ElementTree
    written = as_graphml(TEXTS), as_gexf(TEXTS)
    monkeypatch.undo()
    for data, reader in zip(written, (nx.read_graphml, nx.read_gexf)):
        etree.fromstring(data)  # well-formed for a strict reader too
        graph = reader(io.BytesIO(data))
        assert graph.nodes["a"]["label"] == "Board\r\nwith a CR LF"
        assert graph.nodes["a"]["note"] == "l1\rl2" and graph.nodes["a"]["quote"] == "\"<&>'"
        assert graph.nodes["b"]["label"] == "Zoë ‘B’ \U0001f600"
        assert graph.nodes["a"]["source"] == "tab\there"
        [edge] = [data for source, _, data in graph.edges(data=True) if data.get("source_doc", "").startswith("l1")]
        assert edge["source_doc"] == "l1\r\nl2"


def test_gexf_keeps_every_relationship_type():
    """GEXF's edge `type` holds only directed/undirected/mutual: the type was lost on reading."""
    graph = nx.read_gexf(io.BytesIO(as_gexf(TEXTS)))
    kinds = sorted((source, target, data["relationship"], data["label"])
                   for source, target, data in graph.edges(data=True))
    assert kinds == [("a", "b", "communicates_with", "communicates_with"), ("a", "t", "addresses", "addresses"),
                     ("b", "a", "reports_to", "reports_to")]


@pytest.mark.parametrize("writer", [as_graphml, as_gexf])
def test_graphml_and_gexf_refuse_characters_xml_cannot_hold(writer):
    """A landscape that did not pass validation (an old store, code): never a file no reader opens."""
    bad = Landscape([Entity("a", "A\x01", "board"), Entity("b", "B", "board")],
                    [Relationship("a", "b", "communicates_with", source_doc="x\x0by")])
    with pytest.raises(LandscapeError, match=r"entity 'a': label holds the control character U\+0001, which XML "
                                             "cannot hold"):
        writer(bad)


def test_xlsx_keeps_text_that_looks_like_excel_escapes(tmp_path):
    """`_x005F_x0041_` came back as `_x005FA`, and `<r>&</r>` made a workbook no reader opened."""
    texts = ["_x005F_x0041_", "_x0041_", "_x005f_x0041_x0042_", "a_x_b", "<r>&</r>", "<r><t>x</t></r>"]
    landscape = Landscape([Entity(f"e{number}", text, "board", source=text) for number, text in enumerate(texts)], [])
    path = tmp_path / "book.xlsx"
    path.write_bytes(as_xlsx(landscape))
    assert [entity.name for entity in load_dataset(path).entities.values()] == texts
    assert canonical(load_dataset(path)) == canonical(landscape)


def test_findings_workbook_neutralises_its_headers(tmp_path):
    """A theme named like a formula is a coverage column's header: it is neutralised like every cell."""
    path = tmp_path / "findings.xlsx"
    path.write_bytes(findings_xlsx(analyse(TEXTS)))
    sheet = openpyxl.load_workbook(path)["coverage"]
    headers = [cell for cell in sheet[1]]
    assert [cell.value for cell in headers] == ["board", "'=HYPERLINK(\"http://evil\",\"x\")"]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str))


def test_csv_export_neutralises_the_names_of_kept_columns(tmp_path):
    """An unknown column is kept, and its name is a header cell a user wrote: neutralised like
    every other cell, and read back as written."""
    landscape = Landscape([Entity("a", "A", "board", attrs={"=HYPERLINK(\"http://evil\")": "x"})], [])
    write_csv_folder(landscape, tmp_path)
    header = next(csv.reader(open(tmp_path / "entities.csv", encoding="utf-8")))
    assert "'=HYPERLINK(\"http://evil\")" in header
    assert canonical(load_dataset(tmp_path)) == canonical(landscape)


def test_exports_neutralise_formulas(runner, write_dataset, tmp_path):
    from cli import main

    folder = write_dataset('evil,"=HYPERLINK(""http://x"",""y"")",board,,,true\n'
                           "plain,@SUM(A1),board,,,true", entity_header="id,name,type,sector,level,top")
    assert runner.invoke(main, ["export", str(folder), "--format", "csv", "-o", str(tmp_path / "out")]).exit_code == 0
    text = (tmp_path / "out" / "entities.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert runner.invoke(main, ["export", str(folder), "--format", "xlsx", "-o", str(tmp_path / "o.xlsx")]
                         ).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "o.xlsx")
    cells = [cell for row in book["entities"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells) and not any(cell.hyperlink for cell in cells)
    assert load_dataset(tmp_path / "out").entities["evil"].name == '=HYPERLINK("http://x","y")'
