"""A ready-to-fill Excel workbook in the interchange format.

The `entities`, `relationships` and `sources` sheets carry a note on every column
header, drop-down lists for types, sectors, levels, roles, initiative kinds and evidence
levels, and date-formatted date columns, so a council officer can record a landscape without reading the docs.
What they fill in loads with `landscape validate` and `landscape load` unchanged.
"""

from __future__ import annotations

import io

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
    "How to fill in this workbook",
    "",
    "1. List every body, organisation, post, initiative and theme on the entities sheet, one a row.",
    "2. List how they relate on the relationships sheet: who reports to whom, who sits where, "
    "who leads, delivers, funds and oversees what.",
    "3. List the documents on the sources sheet, each with a one-word id and its date; give every row a "
    "source: the id and where in it (asob-2021, Appendix 3). A fact with no start counts from its earliest source.",
    "4. Dates may be a full date, a year-month (2021-03) or a year (2021).",
    "   Say how well each fact is known (evidence) and what the sources do not cover (not_recorded).",
    "5. Check it with:  landscape validate this-file.xlsx   then load it with:  landscape load this-file.xlsx",
    "",
    "Columns you add are kept. Only the entities, relationships and sources sheets are read.",
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
