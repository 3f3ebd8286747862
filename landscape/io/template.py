"""A ready-to-fill Excel workbook in the interchange format, that teaches as it is filled.

The `entities`, `relationships` and `sources` sheets carry a note on every column
header, drop-down lists for types, sectors, levels, roles, initiative kinds and evidence
levels, drop-down lists of the ids already entered for a relationship's `source` and
`target`, and text-formatted date columns, so a council officer can record a landscape
without reading the docs. The `guide` sheet says how, and holds the landscape's `title`
(maps and reports take it); the `example` sheet shows a small fictional partnership filled
in. What they fill in loads with `landscape validate` and `landscape load` unchanged.
"""

from __future__ import annotations

import io
from typing import Any

from landscape.model import (
    ASPECTS,
    EDGE_ENDPOINTS,
    EDGE_TYPES,
    EVIDENCE_LEVELS,
    INITIATIVE_KINDS,
    MEMBER_ROLES,
    NODE_TYPES,
)

SECTORS = ("local-government", "police", "health", "justice", "central-government", "mayoral",
           "education", "vcs", "research", "multi-agency")
LEVELS = ("national", "regional", "sub-regional", "local")
ROWS = 5000  # rows prepared with drop-downs and date formats

ENTITY_NOTES = {
    "id": "Required. A short unique code, e.g. lscp-exec. Used by the relationships sheet.",
    "name": "Required. The full name people know the body by.",
    "type": "Required. board, agency, vcs, initiative, person (a post, never a named person) or theme.",
    "sector": "Which sector the body belongs to, e.g. police or health.",
    "level": "national, regional (pan-London), sub-regional or local.",
    "description": "One sentence on what it is.",
    "url": "Its web page (https://...).",
    "top": "true for a body that reports to no one by design.",
    "required_sectors": "For a board: sectors its membership must include, separated by ; "
                        "e.g. local-government;police;health",
    "start": "When it began (a date; a year or year-month is fine, typed as text: 2021-03).",
    "end": "When it ended; leave empty while it continues.",
    "source": "Which document says so, and where: a source id from the sources sheet and a locator, "
              "e.g. asob-2021, Appendix 3 (several separated by ;), or a citation in words.",
    "themes": "For a board or initiative: ids of the themes it addresses, separated by ;",
    "aliases": "Other names it goes by, separated by ; e.g. ASOB;LASOB",
    "kind": "For an initiative: programme, project, service, protocol, framework, guidance, dataset or event "
            "(work a partnership should oversee and lead), or strategy, plan, inspection, research or statement "
            "(context no local board is expected to oversee). Empty means governed work.",
    "evidence": "stated (a source says so; the default), inferred (a source implies it: say how in a note) "
                "or proposed (a source only proposes or drafts it).",
    "not_recorded": "What the sources do not cover for it, separated by ;: reporting, members, links, oversight, "
                    "lead. Left out, silence means none; listed, it means unknown.",
}
RELATIONSHIP_NOTES = {
    "source": "Required. The id of the entity the relationship goes from.",
    "target": "Required. The id of the entity it goes to.",
    "type": "Required. " + "; ".join(
        f"{t}: {', '.join(sorted({a for a, _ in ends}))} → {', '.join(sorted({b for _, b in ends}))}"
        for t, ends in EDGE_ENDPOINTS.items()),
    "role": "For member_of: chair, vice-chair, member, secretariat or attendee.",
    "start": "When it began.",
    "end": "When it ended; leave empty while it continues.",
    "source_doc": "Which document says so, and where: a source id and a locator (asob-2021, Appendix 3), "
                  "or a citation in words.",
    "note": "Anything else worth knowing (for inferred evidence: what it is inferred from).",
    "evidence": "stated (the default), inferred or proposed.",
}
SOURCE_NOTES = {
    "id": "Required. A one-word id the other sheets cite, e.g. asob-2021.",
    "title": "Required. The document's title.",
    "date": "When it was written or published: a date, year-month (2024-12) or year, typed as text.",
    "url": "Where it can be read (https://...).",
    "publisher": "Who published it.",
}
LISTS = {"type": NODE_TYPES, "sector": SECTORS, "level": LEVELS, "top": ("true", "false"),
         "relationship type": EDGE_TYPES, "role": MEMBER_ROLES, "kind": INITIATIVE_KINDS,
         "evidence": EVIDENCE_LEVELS, "aspect": ASPECTS}
GUIDE = [
    "How to fill in this workbook (type the landscape's title in the cell beside 'title' above)",
    "",
    "1. List every body, organisation, post, initiative and theme on the entities sheet, one a row.",
    "2. List how they relate on the relationships sheet: who reports to whom, who sits where, "
    "who leads, delivers, funds and oversees what.",
    "3. List the documents on the sources sheet, each with a one-word id and its date; give every row a "
    "source: the id and where in it (asob-2021, Appendix 3). A fact with no start counts from its earliest source.",
    "4. Dates may be a full date, a year-month (2021-03) or a year (2021).",
    "   Say how well each fact is known (evidence) and what the sources do not cover (not_recorded).",
    "5. Check it with:  landscape validate this-file.xlsx   then write the report:  "
    "landscape report this-file.xlsx -o report.html",
    "   A problem names its sheet, row, column and cell, e.g. this-file.xlsx[entities]:7: type: (cell C7) ...",
    "",
    "The example sheet shows a small partnership filled in; its names are fictional.",
    "Columns you add are kept. Only the entities, relationships and sources sheets are read.",
]
# A small fictional partnership, as the example sheet shows it filled in. Every name is made up.
EXAMPLE_ENTITIES = [
    ("id", "name", "type", "sector", "level", "top", "themes", "aliases", "kind", "source"),
    ("ex-scp", "Exampleton Safeguarding Children Partnership (fictional)", "board", "multi-agency", "local",
     "true", "ex-cce", "ESCP", "", "ex-tor-2024, section 1"),
    ("ex-exploit", "Exampleton Exploitation Sub-group (fictional)", "board", "multi-agency", "local", "",
     "ex-cce", "", "", "ex-tor-2024, section 4"),
    ("ex-council", "Exampleton Council Children's Services (fictional)", "agency", "local-government",
     "local", "", "", "", "", "ex-tor-2024"),
    ("ex-police", "Exampleton Police (fictional)", "agency", "police", "local", "", "", "", "", "ex-tor-2024"),
    ("ex-youth", "Example Youth Trust (fictional)", "vcs", "vcs", "local", "", "", "", "", "ex-tor-2024"),
    ("ex-routes", "Safe Routes Home pilot (fictional)", "initiative", "", "local", "", "ex-cce", "", "project",
     "ex-tor-2024, section 5"),
    ("ex-cce", "Child criminal exploitation", "theme", "", "", "", "", "CCE", "", "ex-tor-2024"),
]
EXAMPLE_RELATIONSHIPS = [
    ("source", "target", "type", "role", "start", "source_doc"),
    ("ex-exploit", "ex-scp", "reports_to", "", "2024-04", "ex-tor-2024, section 4"),
    ("ex-council", "ex-scp", "member_of", "chair", "2024-04", "ex-tor-2024, section 2"),
    ("ex-police", "ex-scp", "member_of", "member", "2024-04", "ex-tor-2024, section 2"),
    ("ex-youth", "ex-exploit", "member_of", "member", "2024-04", "ex-tor-2024, section 4"),
    ("ex-exploit", "ex-routes", "oversees", "", "2024-06", "ex-tor-2024, section 5"),
    ("ex-youth", "ex-routes", "leads", "", "2024-06", "ex-tor-2024, section 5"),
]
EXAMPLE_SOURCES = [
    ("id", "title", "date"),
    ("ex-tor-2024", "Exampleton Safeguarding Children Partnership terms of reference (fictional)", "2024-04"),
]
# A relationship's ends offered from the ids already entered on the entities sheet.
ID_LIST = f"=entities!$A$2:$A${ROWS + 1}"


def template_workbook() -> bytes:
    """The blank workbook as .xlsx bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}
    with xlsxwriter.Workbook(buffer, options) as book:
        header = book.add_format({"bold": True, "bg_color": "#1b4f8c", "font_color": "#ffffff"})
        text = book.add_format({"num_format": "@"})
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        ranges = {name: f"=lists!${chr(ord('A') + column)}$1:${chr(ord('A') + column)}${len(values)}"
                  for column, (name, values) in enumerate(LISTS.items())}
        for sheet_name, notes, drop_downs in (
                ("entities", ENTITY_NOTES, {"type": "type", "sector": "sector", "level": "level",
                                            "top": "top", "kind": "kind", "evidence": "evidence"}),
                ("relationships", RELATIONSHIP_NOTES, {"type": "relationship type", "role": "role",
                                                       "evidence": "evidence"}),
                ("sources", SOURCE_NOTES, {})):
            sheet = book.add_worksheet(sheet_name)
            for column, (name, note) in enumerate(notes.items()):
                sheet.write_string(0, column, name, header)
                sheet.write_comment(0, column, note, {"x_scale": 2.5, "y_scale": 1.6})
                width = 40 if name in ("name", "description", "source", "source_doc", "note", "title") else 16
                sheet.set_column(column, column, width, dates if name in ("start", "end", "date") else text)
                if sheet_name == "relationships" and name in ("source", "target"):
                    # A warning, not a stop: an id may be typed before its entity is.
                    sheet.data_validation(1, column, ROWS, column, {
                        "validate": "list", "source": ID_LIST, "error_type": "warning",
                        "error_title": "Unknown id", "error_message": "Choose an id from the entities sheet.",
                    })
                if name in drop_downs:
                    # Sectors are suggestions (other values allowed); the rest must come from the list.
                    strict = name != "sector"
                    sheet.data_validation(1, column, ROWS, column, {
                        "validate": "list", "source": ranges[drop_downs[name]],
                        "error_type": "stop" if strict else "information",
                        "error_title": f"Unknown {name}",
                        "error_message": f"Choose a {name} from the list.",
                    })
            sheet.freeze_panes(1, 0)
        write_guide(book.add_worksheet("guide"), header)
        write_example(book.add_worksheet("example"), header)
        lists = book.add_worksheet("lists")
        for column, values in enumerate(LISTS.values()):
            lists.write_column(0, column, values)
        lists.hide()
    return buffer.getvalue()


def write_guide(sheet: Any, header: Any) -> None:
    """The guide: the landscape's `title` cell (B1) above how to fill in the workbook."""
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 110)
    sheet.write_string(0, 0, "title", header)
    sheet.write_comment(0, 1, "The landscape's title, e.g. Exampleton safeguarding landscape: "
                        "maps and reports are headed with it.", {"x_scale": 2})
    sheet.write_column(2, 1, GUIDE)


def write_example(sheet: Any, header: Any) -> None:
    """The example: a small fictional partnership's entities, relationships and source, as the
    three sheets would hold them, one block under another."""
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 9, 16)
    sheet.write_string(0, 0, "An example: a small fictional partnership (every name on this sheet is made up). "
                       "This sheet is not read.")
    row = 2
    for title, rows in (("entities", EXAMPLE_ENTITIES), ("relationships", EXAMPLE_RELATIONSHIPS),
                        ("sources", EXAMPLE_SOURCES)):
        sheet.write_string(row, 0, f"On the {title} sheet:")
        sheet.write_row(row + 1, 0, rows[0], header)
        for number, values in enumerate(rows[1:], row + 2):
            sheet.write_row(number, 0, values)
        row += len(rows) + 3
