"""The executive report as a Word document for board papers, from the same view model as
the HTML page (`viz.report.report_view`).

Only Word's built-in styles are used (Title, Heading 1-3, List Number, List Bullet, Table
Grid and the default paragraph style), so a council's own template can restyle it.
"""

from __future__ import annotations

import io
from typing import Any

from landscape.cells import NOT_IN_XML

TABLE_STYLE = "Table Grid"


def xml_safe(value: Any) -> Any:
    """The view with every character Word's XML cannot hold removed from its text (a control
    character pasted into a spreadsheet cell would otherwise stop the document being written)."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(xml_safe(item) for item in value)
    return value


def build_docx(view: dict[str, Any], picture: bytes | None) -> bytes:
    """The report as .docx bytes: title, summary, what the change does, map picture, coverage,
    findings over time, findings, what the sources do not say, decisions, brokers, changes and
    sources."""
    from docx import Document
    from docx.shared import Mm

    view = xml_safe(view)
    document = Document()
    set_page(document.sections[0], landscape=False)
    document.core_properties.title = view["title"]
    document.add_heading(view["title"], level=0)
    document.add_paragraph(f"The landscape as it stood on {view['as_of']}; report generated {view['generated']} "
                           "by Landscape.")
    add_summary(document, view)
    add_change(document, view)
    set_page(document.add_section(), landscape=True)  # the map and the matrix are wide
    document.add_heading("Map", level=1)
    if picture:
        document.add_picture(io.BytesIO(picture), width=Mm(255))
        document.add_paragraph("Boards in layers along their reporting lines; missing links dashed in red, gaps "
                               "ringed in amber." + (" What the change added or changed is ringed, what it ended "
                                                     "drawn pale: the picture's key says how." if view.get("change")
                                                     else ""))
    else:
        document.add_paragraph(view.get("map_note") or "The landscape holds no board to draw.")
    add_coverage(document, view)
    set_page(document.add_section(), landscape=False)
    add_over_time(document, view)
    add_findings(document, view)
    add_unknowns(document, view)
    add_decisions(document, view)
    add_brokers(document, view)
    add_changes(document, view)
    document.add_heading("Sources cited", level=1)
    for source in view["sources"]:
        text = source["title"] + (f" ({source['date']})" if source["date"] else "") + (
            ": " + "; ".join(source["sections"]) if source["sections"] else "")
        document.add_paragraph(text, style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def set_page(section: Any, landscape: bool) -> None:
    """An A4 page, portrait or landscape, with margins of 18 mm (a new section starts a page)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18 if side in ("left_margin", "right_margin") else 15))


def add_table(document: Any, header: list[str], rows: list[list[str]]) -> Any:
    """A table in the built-in grid style with a bold header row."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = TABLE_STYLE
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = text
    return table


def add_summary(document: Any, view: dict[str, Any]) -> None:
    """The executive summary: key messages, what changed, what the sources do not say."""
    summary = view["summary"]
    document.add_heading("Executive summary", level=1)
    held = ", ".join(f"{item['count']} {item['label']}" for item in view["held"])
    severity = view["severity"]
    document.add_paragraph(f"{held} and {view['relationships']} relationships; {severity.get('high', 0)} high, "
                           f"{severity.get('medium', 0)} medium and {severity.get('low', 0)} low severity findings.")
    for message in summary["messages"]:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(message["headline"] + ". ").bold = True
        paragraph.add_run(f"{message['text']} {message['why']}")
    if not summary["messages"]:
        document.add_paragraph("The analysis found no overlaps, gaps or missing links.")
    if view.get("change"):
        document.add_heading(f"What changed {view['change']['since']}", level=2)
        for line in summary["changes"]:
            document.add_paragraph(line, style="List Bullet")
    if summary["unknowns"]:
        document.add_paragraph(f"What the sources do not say: {summary['unknowns']}")


def add_change(document: Any, view: dict[str, Any]) -> None:
    """What the change does: the counts, then a table for each of the findings resolved, new and
    persisting that changed, with the changes that explain them."""
    change = view.get("change")
    if not change:
        return
    document.add_heading("What the change does", level=1)
    when = f" ({change['when']})" if change["when"] else ""
    document.add_paragraph(f"From {change['from']} to {change['to']}{when}. {change['counts']}.")
    if change["limited"]:
        document.add_paragraph("Each side keeps only its strongest findings of each kind, so a finding that left "
                               "the strongest counts as resolved: landscape diff compares them all.")
    for group in change["groups"]:
        document.add_heading(f"{group['title']} ({group['count']})", level=2)
        if not group["rows"]:
            document.add_paragraph("None.")
            continue
        add_table(document, ["Severity", "Finding", "Bodies", group["why"]],
                  [[row["severity"], f"{row['explanation']}\n{row['title']}", "; ".join(row["bodies"]),
                    "\n".join(row["reasons"])] for row in group["rows"]])
        if group["more"]:
            document.add_paragraph(f"The first {len(group['rows'])} are listed; {group['more']} more are in "
                                   "landscape diff.")
    document.add_heading(f"Questions answered ({len(change['answered'])})", level=2)
    document.add_paragraph(f"{change['questions']}: what the sources did not say before the change and the "
                           "change settles, as a finding or as none.")
    for item in change["answered"]:
        document.add_paragraph(item["explanation"], style="List Bullet")
    if change["steady"]:
        document.add_paragraph(f"{change['steady']} persisting findings are unchanged; the findings tables list "
                               "them with the rest.")


def add_over_time(document: Any, view: dict[str, Any]) -> None:
    """Findings over time: the chart as a picture (when the cairo library is there to draw it),
    and the counts by category on each date as a table."""
    over_time = view.get("over_time")
    if not over_time:
        return
    from docx.shared import Mm

    from viz.over_time import chart_png

    document.add_heading("Findings over time", level=1)
    document.add_paragraph(over_time["caption"] + "." + (f" {over_time['note']}." if over_time.get("note") else ""))
    picture = chart_png(over_time["chart"])
    if picture:
        document.add_picture(io.BytesIO(picture), width=Mm(170))
    add_table(document, ["Date", *over_time["categories"], "Total"],
              [[row["date"], *map(str, row["counts"]), str(row["total"])] for row in over_time["by_category"]])


def add_coverage(document: Any, view: dict[str, Any]) -> None:
    """The board-by-theme matrix: ● directly, ○ through an initiative it oversees."""
    matrix = view["coverage"]
    document.add_heading("Coverage: boards by theme", level=1)
    uncovered = [theme["name"] for theme in matrix["themes"] if theme["id"] in view["uncovered"]]
    unknown = [theme["name"] for theme in matrix["themes"] if theme["id"] in view["owner_unknown"]]
    document.add_paragraph("● the board takes on the concern directly; ○ through an initiative it oversees."
                           + (f" No board covers {', '.join(uncovered)}, even through a broader concern."
                              if uncovered else "")
                           + (f" Whether a board covers {', '.join(unknown)} is not known: the sources do not say "
                              "who oversees the work on them." if unknown else ""))
    if view.get("coverage_note"):
        document.add_paragraph(view["coverage_note"])
    rows = [[board["name"]] + [{"direct": "●", "": ""}.get(matrix["cells"][board["id"]][t["id"]], "○")
                               for t in matrix["themes"]] for board in matrix["boards"]]
    table = add_table(document, ["Board"] + [t["name"] for t in matrix["themes"]], rows)
    from docx.shared import Pt

    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(6)


def add_findings(document: Any, view: dict[str, Any]) -> None:
    """Every kind's findings as a table: severity, finding with sources, bodies, measure."""
    document.add_heading("Findings", level=1)
    document.add_paragraph("Severity: " + "; ".join(f"{item['level']}: {item['meaning']}"
                                                    for item in view["severity_meaning"]) + ".")
    for section in view["sections"]:
        document.add_heading(f"{section['title']} ({len(section['rows'])})", level=2)
        header = ["Severity", "Finding", "Bodies"] + ([section["column"]] if section["column"] else []) + ["Measure"]
        rows = []
        for row in section["rows"]:
            text = row["explanation"] + finding_notes(row)
            rows.append([row["severity"], text, "; ".join(row["bodies"])]
                        + ([row["extra"]] if section["column"] else []) + [row["measure"]])
        add_table(document, header, rows)
        if section.get("more"):
            document.add_paragraph(f"The {len(section['rows'])} strongest are listed; {section['more']} more are in "
                                   "landscape analyse.")


def finding_notes(row: dict[str, Any]) -> str:
    """A finding's sources, stale evidence and decision, as lines after its explanation."""
    notes = ""
    if row["sources"]:
        notes += "\nSources: " + "; ".join(
            source["title"].split(": ")[0] + (f", {source['date']}" if source["date"] else "")
            + (f" ({'; '.join(source['sections'])})" if source["sections"] else "")
            for source in row["sources"])
    if row.get("last_attested"):
        notes += f"\nLast attested {row['last_attested']}."
    if row.get("stale"):
        notes += "\nStale evidence."
    decision = row.get("decision")
    if decision:
        notes += ("\nAction" if decision["decision"] == "action" else "\nAccepted, review passed") + (
            f": {decision['owner']}" if decision.get("owner") else "") + (
            f" ({decision['note']})" if decision.get("note") else "")
    return notes


def add_unknowns(document: Any, view: dict[str, Any]) -> None:
    if not view["unknowns"]:
        return
    document.add_heading("What the sources do not say", level=1)
    document.add_paragraph("These are not gaps: the sources do not cover these aspects.")
    add_table(document, ["Question", "Bodies", "Not recorded"],
              [[u["question"], "; ".join(u["bodies"]), u["aspect"]] for u in view["unknowns"]])


def add_decisions(document: Any, view: dict[str, Any]) -> None:
    if not view["decisions_used"]:
        return
    document.add_heading("Decisions", level=1)
    document.add_heading(f"Accepted findings ({len(view['accepted'])})", level=2)
    if view["accepted"]:
        add_table(document, ["Finding", "Bodies", "Owner", "Note", "Review"],
                  [[a["explanation"], "; ".join(a["bodies"]), a["owner"], a["note"], a["review"] or "none set"]
                   for a in view["accepted"]])
    if view["stale_decisions"]:
        document.add_heading(f"Decisions that no longer match a finding ({len(view['stale_decisions'])})", level=2)
        add_table(document, ["Finding", "Bodies", "Decision", "Owner", "Note"],
                  [[s["title"], "; ".join(s["bodies"]), s["decision"], s["owner"], s["note"]]
                   for s in view["stale_decisions"]])


def add_brokers(document: Any, view: dict[str, Any]) -> None:
    if not view["brokers"]:
        return
    document.add_heading("Brokers", level=1)
    add_table(document, ["Member", "Boards", "Sits on", "Cut point"],
              [[b["name"], str(b["board_count"]), "; ".join(b["board_names"]), "yes" if b["cut_vertex"] else ""]
               for b in view["brokers"]])


def add_changes(document: Any, view: dict[str, Any]) -> None:
    changes = view.get("changes")
    if not changes:
        return
    document.add_heading(f"What changed from {view['change']['from']} to {view['change']['to']}", level=1)
    for title, rows in changes["sections"]:
        document.add_heading(f"{title} ({len(rows)})", level=2)
        for row in rows:
            document.add_paragraph(row, style="List Bullet")
