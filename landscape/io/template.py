"""A ready-to-fill Excel workbook in the interchange format.

The `entities` and `relationships` sheets carry a note on every column header,
drop-down lists for types, sectors, levels and roles, and date-formatted date
columns, so a council officer can record a landscape without reading the docs.
What they fill in loads with `landscape validate` and `landscape load` unchanged.
"""

from __future__ import annotations

import io

from landscape.model import EDGE_ENDPOINTS, EDGE_TYPES, MEMBER_ROLES, NODE_TYPES

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
    "source": "Which document or person says so, and where.",
    "themes": "For a board or initiative: ids of the themes it addresses, separated by ;",
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
    "source_doc": "Which document or person says so, and where.",
    "note": "Anything else worth knowing.",
}
LISTS = {"type": NODE_TYPES, "sector": SECTORS, "level": LEVELS, "top": ("true", "false"),
         "relationship type": EDGE_TYPES, "role": MEMBER_ROLES}
GUIDE = [
    "How to fill in this workbook",
    "",
    "1. List every body, organisation, post, initiative and theme on the entities sheet, one a row.",
    "2. List how they relate on the relationships sheet: who reports to whom, who sits where, "
    "who leads, delivers, funds and oversees what.",
    "3. Give every row a source: the document (and section) or the person that says so.",
    "4. Dates may be a full date, a year-month (2021-03) or a year (2021).",
    "5. Check it with:  landscape validate this-file.xlsx   then load it with:  landscape load this-file.xlsx",
    "",
    "Columns you add are kept. Only the entities and relationships sheets are read.",
]


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
                                            "top": "top"}),
                ("relationships", RELATIONSHIP_NOTES, {"type": "relationship type", "role": "role"})):
            sheet = book.add_worksheet(sheet_name)
            for column, (name, note) in enumerate(notes.items()):
                sheet.write_string(0, column, name, header)
                sheet.write_comment(0, column, note, {"x_scale": 2.5, "y_scale": 1.6})
                width = 40 if name in ("name", "description", "source", "source_doc", "note") else 16
                sheet.set_column(column, column, width, dates if name in ("start", "end") else text)
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
        guide = book.add_worksheet("how to fill in")
        guide.set_column(0, 0, 110)
        guide.write_column(0, 0, GUIDE)
        lists = book.add_worksheet("lists")
        for column, values in enumerate(LISTS.values()):
            lists.write_column(0, column, values)
        lists.hide()
    return buffer.getvalue()
