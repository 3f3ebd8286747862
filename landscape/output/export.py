"""Exporting a landscape: the interchange format (CSV folder or workbook), JSON, GraphML, GEXF, Popolo and Cypher."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from landscape.cells import NOT_IN_XML, for_excel, new_workbook, spreadsheet_safe, write_row, write_text
from landscape.errors import LandscapeError
from landscape.files import write_dataset_folder, write_output
from landscape.interchange import interchange_rows, source_rows, to_dict
from landscape.model import UNDIRECTED_EDGE_TYPES, Landscape, parse_date

EXPORT_FORMATS = ("json", "csv", "xlsx", "graphml", "gexf", "popolo", "cypher")


def export(landscape: Landscape, fmt: str, output: str, *, force: bool = False) -> None:
    """Write `landscape` as `fmt` to `output` (a file, `-`, or for csv a folder). An existing
    workbook or dataset folder is only written over with `force`."""
    if fmt == "csv":
        if output == "-":
            raise LandscapeError("csv export writes two files: give a folder with -o")
        write_csv_folder(landscape, Path(output), force=force)
        return
    writers: dict[str, Callable[[Landscape], str | bytes]] = {
        "json": as_json, "xlsx": as_xlsx, "graphml": as_graphml, "gexf": as_gexf, "popolo": as_popolo,
        "cypher": as_cypher}
    write_output(writers[fmt](landscape), output, force=force, workbook=fmt == "xlsx")


def write_csv_folder(landscape: Landscape, folder: Path, *, force: bool = False) -> None:
    """The landscape as a dataset folder, written all or nothing (see write_dataset_folder)."""
    entity_columns, entities, relationship_columns, relationships = interchange_rows(landscape)
    files = {"entities.csv": for_excel(csv_text(entity_columns, entities)).encode("utf-8"),
             "relationships.csv": for_excel(csv_text(relationship_columns, relationships)).encode("utf-8")}
    # A sources.csv the new set lacks is removed in the same switch: its presence alone makes
    # one-word citations source ids when the folder is read again.
    if landscape.source_table:
        files["sources.csv"] = for_excel(csv_text(*source_rows(landscape))).encode("utf-8")
    if landscape.title:  # read back as the folder's title
        files["dataset.json"] = json.dumps({"title": landscape.title}, ensure_ascii=False).encode("utf-8") + b"\n"
    write_dataset_folder(folder, files, force=force)


def csv_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_safe(column) for column in columns])  # a kept column is named by the user
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(column, "")) for column in columns])
    return buffer.getvalue()


def as_json(landscape: Landscape) -> str:
    return json.dumps(to_dict(landscape), indent=2, ensure_ascii=False) + "\n"


def as_popolo(landscape: Landscape) -> str:
    from landscape.output.popolo import popolo

    return json.dumps(popolo(landscape), indent=2, ensure_ascii=False) + "\n"


def as_cypher(landscape: Landscape) -> str:
    from landscape.output.cypher import as_cypher as cypher_script

    return cypher_script(landscape)


def as_xlsx(landscape: Landscape) -> bytes:
    """The landscape as a workbook in the interchange format. Every cell is typed as text, so
    nothing in it runs as a formula and it reads back exactly as written (no quote is added)."""
    entity_columns, entities, relationship_columns, relationships = interchange_rows(landscape)
    buffer = io.BytesIO()
    sheets = [("entities", entity_columns, entities), ("relationships", relationship_columns, relationships)]
    if landscape.source_table:  # a sheet only when there is a table: an empty one would still be one
        sheets.append(("sources", *source_rows(landscape)))
    with new_workbook(buffer) as book:
        bold = book.add_format({"bold": True})
        for name, columns, rows in sheets:
            sheet = book.add_worksheet(name)
            write_row(sheet, 0, columns, bold)
            for number, row in enumerate(rows, 1):
                for column, key in enumerate(columns):
                    write_text(sheet, number, column, row.get(key, ""))
            sheet.freeze_panes(1, 0)
        if landscape.title:  # where the template keeps it, so the copy keeps its title
            guide = book.add_worksheet("guide")
            write_row(guide, 0, ["title", landscape.title])
    return buffer.getvalue()


SOURCE_NODE = "source:"  # the prefix of a source's node id, apart from every entity's id


def to_networkx(landscape: Landscape) -> nx.MultiDiGraph:
    """A directed multigraph: nodes with their attributes, one edge per relationship; and each
    source of the sources table as a node of type `source` (id `source:` + its id) with its
    title as label, its date, url and publisher."""
    graph = nx.MultiDiGraph(name=landscape.name)
    for entity in landscape.entities.values():
        attributes = {key: value for key, value in entity.attrs.items() if key != "themes"}
        attributes.update(label=entity.name, type=entity.type, start=entity.start,
                          end=entity.end, source=entity.source)
        graph.add_node(entity.id, **attributes)
    for cited in landscape.source_table.values():
        graph.add_node(SOURCE_NODE + cited.id, **{**cited.attrs, "label": cited.title, "type": "source",
                                                  "date": cited.date, "url": cited.url,
                                                  "publisher": cited.publisher})
    for edge in landscape.relationships:
        graph.add_edge(edge.source, edge.target, **{
            **edge.attrs, "type": edge.type, "role": edge.role, "start": edge.start,
            "end": edge.end, "source_doc": edge.source_doc,
            "undirected": edge.type in UNDIRECTED_EDGE_TYPES})
    return graph


def as_graphml(landscape: Landscape) -> bytes:
    """GraphML, written by networkx's own writer whether or not lxml is installed (the same
    bytes either way)."""
    graph = xml_safe(to_networkx(landscape))
    buffer = io.BytesIO()
    nx.write_graphml_xml(graph, buffer)
    # an XML reader turns a carriage return in text into a newline (CR LF into LF); written as a
    # character reference it is kept. A raw CR can only be in text: the writer puts none in markup.
    return buffer.getvalue().replace(b"\r", b"&#13;")


def as_gexf(landscape: Landscape) -> bytes:
    """GEXF with `start`/`end` as full dates (a partial end date becomes the span's last day),
    so Gephi's timeline shows when each body and relationship existed. A relationship's type is
    its `relationship` attribute and its label: GEXF keeps an edge's `type` for directed or
    undirected, and readers drop anything else written there."""
    graph = xml_safe(to_networkx(landscape))
    for _, _, data in graph.edges(data=True):
        data["relationship"] = data["label"] = data.pop("type")
        full_dates(data)
    for _, data in graph.nodes(data=True):
        full_dates(data)
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer)
    return buffer.getvalue()


def xml_safe(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph, refused if a name or value holds a character XML cannot hold: the file
    would open in no reader. Validation refuses such a dataset; this catches a landscape
    read from a store loaded before it did, or built in code."""
    items = [(f"entity {node!r}", node, data) for node, data in graph.nodes(data=True)]
    items += [(f"relationship {source!r} → {target!r}", source, data)
              for source, target, data in graph.edges(data=True)]
    texts = (text for _, node, data in items for pair in [("id", node), *data.items()] for text in pair)
    if not NOT_IN_XML.search("\n".join(text for text in texts if isinstance(text, str))):
        return graph  # one search of everything; the loop below only says where
    for what, node, data in items:
        for key, value in [("id", node), *data.items()]:
            for text in (key, value):
                found = NOT_IN_XML.search(text) if isinstance(text, str) else None
                if found:
                    raise LandscapeError(f"{what}: {key} holds the control character U+{ord(found.group()):04X}, "
                                         "which XML cannot hold: remove it from the dataset and load it again")
    return graph


def full_dates(data: dict[str, object]) -> None:
    for key in ("start", "end"):
        value = data.pop(key, "")
        if value:
            data[key] = parse_date(str(value), end=key == "end").isoformat()
