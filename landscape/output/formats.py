"""The analysis as a table, JSON, CSV, Markdown or an Excel workbook."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable
from typing import Any

from landscape.cells import new_workbook, spreadsheet_safe, write_row
from landscape.model import TYPE_LABELS

FORMATS = ("table", "json", "csv", "markdown", "xlsx")
FINDING_COLUMNS = ("kind", "category", "severity", "score", "entities", "explanation",
                   "channel", "sector", "sources", "last_attested", "stale")
UNKNOWN_COLUMNS = ("kind", "entities", "aspect", "explanation")


def render(result: dict[str, Any], fmt: str) -> str | bytes:
    renderers: dict[str, Callable[[dict[str, Any]], str | bytes]] = {
        "table": as_table, "json": as_json, "csv": as_csv, "markdown": as_markdown, "xlsx": as_xlsx}
    return renderers[fmt](result)


def as_json(result: dict[str, Any]) -> str:
    """The result as indented JSON: orjson writes what `json.dumps(indent=2, ensure_ascii=False)` would, byte for
    byte, a dozen times faster (a national analysis is a gigabyte of JSON)."""
    import orjson

    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_SERIALIZE_NUMPY  # numpy's numbers too
    return orjson.dumps(result, option=options).decode("utf-8")


def finding_row(finding: dict[str, Any]) -> list[Any]:
    cells = {"entities": ";".join(finding["entities"]), "sources": "; ".join(cited(finding)),
             "last_attested": finding.get("last_attested") or "",
             "stale": "yes" if finding.get("stale") else ""}
    return [cells[c] if c in cells else finding.get(c, "") for c in FINDING_COLUMNS]


def cited(finding: dict[str, Any]) -> list[str]:
    """The citations of the facts a finding rests on, each once, in the order first cited."""
    return list(dict.fromkeys(cite for fact in finding.get("evidence", []) for cite in fact["cites"]))


def evidence_note(finding: dict[str, Any]) -> str:
    """Where a finding comes from, in a line: its sources, when last attested, and whether that
    is old ("" when it cites nothing)."""
    sources = cited(finding)
    if not sources:
        return ""
    when = f"; last attested {finding['last_attested']}" if finding.get("last_attested") else ""
    old = " (stale)" if finding.get("stale") else ""
    return f"Sources: {'; '.join(sources)}{when}{old}"


def as_csv(result: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    for finding in result["findings"]:
        writer.writerow([spreadsheet_safe(value) for value in finding_row(finding)])
    return buffer.getvalue()


def heading(result: dict[str, Any]) -> str:
    when = f" as of {result['as_of']}" if result["as_of"] else ""
    counts = result["counts"]
    held = ", ".join(f"{n} {TYPE_LABELS[t][n != 1]}" for t, n in counts.items()
                     if n and t in TYPE_LABELS)
    held += f"; {counts['relationships']} relationships"
    return f"Landscape {result['landscape']}{when}: {held}"


def as_table(result: dict[str, Any], width: int = 100) -> str:
    lines = [heading(result), ""]
    by_category: dict[str, list[dict[str, Any]]] = {}
    for finding in result["findings"]:
        by_category.setdefault(finding["category"], []).append(finding)
    for name, found in by_category.items():
        lines.append(f"{name.upper()}S ({len(found)})")
        for finding in found:
            label = f"  {finding['severity']:<6} {finding['kind']:<24} "
            wrapped = textwrap.wrap(finding["explanation"], width - len(label)) or [""]
            lines.append(label + wrapped[0])
            lines += [" " * len(label) + more for more in wrapped[1:]]
            note = evidence_note(finding)
            lines += [" " * len(label) + more for more in textwrap.wrap(note, width - len(label))]
        lines.append("")
    if not result["findings"]:
        lines.append("No findings.")
    if result.get("unknowns"):
        lines.append(f"WHAT THE SOURCES DO NOT SAY ({len(result['unknowns'])})")
        for unknown in result["unknowns"]:
            label = f"  {unknown['aspect']:<10} "
            wrapped = textwrap.wrap(unknown["explanation"], width - len(label)) or [""]
            lines.append(label + wrapped[0])
            lines += [" " * len(label) + more for more in wrapped[1:]]
        lines.append("")
    if result["brokers"]:
        lines.append("BROKERS (members of two or more boards)")
        for broker in result["brokers"][:10]:
            cut = "  (its loss would cut links)" if broker["cut_vertex"] else ""
            lines.append(f"  {broker['board_count']:>3} boards  {broker['name']}{cut}")
        lines.append("")
    return "\n".join(lines)


def markdown_cell(value: Any) -> str:
    text = str(value)
    for char in "\\|*_`[]<>#":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def as_markdown(result: dict[str, Any]) -> str:
    lines = [f"# {markdown_cell(heading(result))}", ""]
    lines += ["| severity | kind | explanation | score | sources |", "|---|---|---|---|---|"]
    for finding in result["findings"]:
        lines.append(f"| {finding['severity']} | {finding['kind']} | "
                     f"{markdown_cell(finding['explanation'])} | {finding['score']} | "
                     f"{markdown_cell(evidence_note(finding).removeprefix('Sources: '))} |")
    if result.get("unknowns"):
        lines += ["", "## What the sources do not say", "", "| would be | aspect | question |", "|---|---|---|"]
        lines += [f"| {unknown['kind']} | {unknown['aspect']} | {markdown_cell(unknown['explanation'])} |"
                  for unknown in result["unknowns"]]
    if result["brokers"]:
        lines += ["", "## Brokers", "", "| member | boards | betweenness | cut vertex |",
                  "|---|---|---|---|"]
        for broker in result["brokers"]:
            lines.append(f"| {markdown_cell(broker['name'])} | {broker['board_count']} | "
                         f"{broker['betweenness']} | {'yes' if broker['cut_vertex'] else ''} |")
    return "\n".join(lines) + "\n"


# Widths of the findings sheet's columns, in characters: the explanation is read, the rest scanned.
FINDING_WIDTHS = {"kind": 26, "category": 14, "severity": 10, "score": 8, "entities": 30,
                  "explanation": 80, "channel": 14, "sector": 18, "sources": 60, "last_attested": 14, "stale": 8}


def kind_in_words(kind: str) -> str:
    """A finding's kind as people say it: `shared_membership` is 'shared membership'."""
    return kind.replace("_", " ")


def as_xlsx(result: dict[str, Any]) -> bytes:
    """A workbook with findings, brokers and coverage sheets; every cell written as a value,
    never a formula or link, and every text neutralised (`spreadsheet_safe`), headers too: a
    coverage column is named after a theme. The findings sheet is ready to read: kinds in
    words, columns wide enough, long text wrapped, a filter on every column."""
    buffer = io.BytesIO()
    with new_workbook(buffer) as book:
        bold = book.add_format({"bold": True})
        wrapped = book.add_format({"text_wrap": True, "valign": "top"})
        findings = book.add_worksheet("findings")
        write_sheet(findings, bold, FINDING_COLUMNS,
                    [[kind_in_words(row[0]), *row[1:]] for row in map(finding_row, result["findings"])])
        for column, name in enumerate(FINDING_COLUMNS):
            findings.set_column(column, column, FINDING_WIDTHS.get(name, 16),
                                wrapped if name in ("explanation", "entities", "sources") else None)
        findings.autofilter(0, 0, len(result["findings"]), len(FINDING_COLUMNS) - 1)
        write_sheet(book.add_worksheet("unknowns"), bold, UNKNOWN_COLUMNS,
                    [[";".join(u["entities"]) if c == "entities" else u[c] for c in UNKNOWN_COLUMNS]
                     for u in result.get("unknowns", [])])
        write_sheet(book.add_worksheet("brokers"), bold,
                    ("id", "name", "type", "sector", "board_count", "betweenness", "cut_vertex"),
                    [[b[k] for k in ("id", "name", "type", "sector", "board_count",
                                     "betweenness", "cut_vertex")] for b in result["brokers"]])
        matrix = result["coverage"]
        write_sheet(book.add_worksheet("coverage"), bold,
                    ["board", *(t["name"] for t in matrix["themes"])],
                    [[b["name"], *(matrix["cells"][b["id"]][t["id"]] for t in matrix["themes"])]
                     for b in matrix["boards"]])
    return buffer.getvalue()


MAX_WIDTH = 60  # characters: a wider column is wrapped rather than widened


def write_sheet(sheet: Any, bold: Any, header: Any, rows: list[list[Any]]) -> None:
    """A table with a frozen header, each column as wide as its longest value (up to MAX_WIDTH)."""
    write_row(sheet, 0, [spreadsheet_safe(value) for value in header], bold)
    for number, row in enumerate(rows, 1):
        write_row(sheet, number, [spreadsheet_safe(value) for value in row])
    for column, values in enumerate(zip(header, *rows[:1000])):  # the first rows show the widths well enough
        sheet.set_column(column, column, min(MAX_WIDTH, max(len(str(value)) for value in values) + 2))
    sheet.freeze_panes(1, 0)
