"""The executive report: a summary, the map, the findings, coverage and sources.

Built as one view model (plain data from the analysis: `report_view`), from which both
the HTML page (`render_html`, through the autoescaped report template) and the Word
document (`render_docx`, in `viz.report_docx`) are made; the caller writes the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from landscape.analysis import analyse
from landscape.analysis.decisions import apply_decisions
from landscape.analysis.diff import sections as diff_sections
from landscape.analysis.evidence import is_stale
from landscape.analysis.findings import KIND_TITLES, KINDS, category
from landscape.analysis.over_time import findings_over_time
from landscape.analysis.unknowns import SETTLES, asked
from landscape.errors import LandscapeError
from landscape.model import TYPE_LABELS, Landscape, Source, citation_parts, parse_date
from viz.compare import Baseline, change_view, comparison
from viz.map import DRAW_LIMIT, MapOptions, default_title, map_view
from viz.over_time import over_time_view
from viz.picture import png_picture, svg_picture
from viz.render import render
from viz.report_summary import MESSAGES, aspect_rank, change_lines, change_message, key_messages, unknowns_line

SECTION_LIMIT = 200  # findings listed per kind; a national landscape has hundreds of thousands
MATRIX_BOARDS = 150  # coverage rows shown: the boards covering most themes
MATRIX_THEMES = 80  # coverage columns shown: the themes most boards cover

SEVERITY_MEANING = [
    {"level": "high", "meaning": "needs a decision: nobody is placed to act (no board, no lead, no link and no "
                                 "shared member), or the overlap is most of what is recorded of the bodies' work"},
    {"level": "medium", "meaning": "worth a look: some safeguard exists, or the overlap is partial"},
    {"level": "low", "meaning": "for information: a small overlap"},
]
GROUNDS = {"oversight": "oversee the same work", "parallel": "oversee parallel work", "remit": "cover the same themes"}
CHANNELS = {"shared_member": "a shared member", "none": "none", "unknown": "not recorded"}
ASPECTS = {"reporting": "its accountability line", "members": "its members", "links": "its communication links",
           "oversight": "who oversees it", "lead": "who leads it"}
LEADING_DATE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)\b")


def render_report(landscape: Landscape, day: date, *, title: str | None = None, generated: date | None = None,
                  since: date | None = None, baseline: Baseline | None = None,
                  decisions: list[dict[str, Any]] | None = None) -> str:
    """The report of `landscape` on `day` as one HTML page (see `report_view`)."""
    return render_html(report_view(landscape, day, title=title, generated=generated, since=since,
                                   baseline=baseline, decisions=decisions))


def render_html(view: dict[str, Any]) -> str:
    """The HTML page of a report view. Its picture for print is the governance chart as SVG in an
    image: it prints sharp at any size, nothing in it can run, and it needs no cairo library."""
    picture = svg_picture(view["picture"]).encode("utf-8") if view.get("picture") else None
    return render("report.html.j2", report=view, view=view["map"], title=view["title"],
                  picture=data_uri(picture, "image/svg+xml") if picture else None)


def render_docx(view: dict[str, Any]) -> bytes:
    """The Word document of a report view."""
    from viz.report_docx import build_docx

    return build_docx(view, map_picture(view))


def map_picture(view: dict[str, Any]) -> bytes | None:
    """The report's governance chart as a PNG at print resolution (for Word), or None when the
    report has no picture (a landscape too large to draw) or the system lacks the cairo library."""
    if not view.get("picture"):
        return None
    try:
        return png_picture(svg_picture(view["picture"]))
    except LandscapeError:  # no cairo library: the report goes out without its picture
        return None


def data_uri(data: bytes, media_type: str) -> str:
    """`data` as a data: URI, which a page shows without fetching anything.

    >>> data_uri(b"<svg/>", "image/svg+xml")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    import base64

    return f"data:{media_type};base64," + base64.b64encode(data).decode("ascii")


def report_view(landscape: Landscape, day: date, *, title: str | None = None, generated: date | None = None,
                since: date | None = None, baseline: Baseline | None = None, history: Landscape | None = None,
                decisions: list[dict[str, Any]] | None = None, evidence: str = "inferred",
                stale_after: float = 2.0) -> dict[str, Any]:
    """The report's data. With `baseline` (an earlier state: another dataset, or this one
    without a change set), or `since` (this landscape on that earlier date), what changed from
    it to `day` and what that did to the findings; with `decisions` (rows of a decisions file),
    findings carry their decisions, accepted ones move to their own list, and decisions
    matching no finding are listed. The findings over time are those of `history` (default
    `landscape`): a landscape with a change set merged over it counts those of the landscape
    without it, as a proposal is not history. Too large to draw, a landscape is analysed for the
    findings listed only (its map would have marked them all), and not counted over time."""
    current = landscape.as_of(day)
    drawable = len(current) <= DRAW_LIMIT
    drawn = landscape.at_evidence(evidence) if drawable else landscape
    limit = None if drawable else SECTION_LIMIT
    result = analyse(landscape, as_of=day, limit=limit, evidence=evidence, stale_after=stale_after)
    if decisions is not None:
        result = apply_decisions(result, decisions, day)
    title = title or f"{default_title(landscape)}: overlaps, gaps and links"
    if baseline is None and since is not None:
        baseline = Baseline(landscape, since)
    names = {e.id: e.name for e in landscape.entities.values()}
    compared = change = None
    if baseline is not None:
        compared = comparison(baseline, landscape, day, result, limit=limit, evidence=evidence,
                              stale_after=stale_after)
        names = {e.id: e.name for e in baseline.landscape.entities.values()} | names  # ended bodies too
        change = change_view(compared, names, same=baseline.landscape is landscape, limited=limit is not None)
    sections, rows_by_kind = finding_sections(result, current, names, day, stale_after)
    messages = key_messages(rows_by_kind, names)
    if change is not None and compared is not None:  # the change first: it is what the report is for
        messages = [change_message(change, compared, names)] + messages[:MESSAGES - 1]
    # one map for the page and the printed picture: it carries both layouts' positions
    drawn_map = (map_view(drawn, day, MapOptions(height="640px", title=title), result, baseline=baseline,
                          compared=compared) if drawable else None)
    view: dict[str, Any] = {
        "title": title,
        "as_of": day.isoformat(),
        "generated": (generated or date.today()).isoformat(),
        "held": [{"label": TYPE_LABELS[t][n != 1], "count": n}
                 for t, n in result["counts"].items() if t in TYPE_LABELS and n],
        "relationships": result["counts"]["relationships"],
        "severity": result["severities"],
        "severity_meaning": SEVERITY_MEANING,
        "kinds": [{"kind": k, "title": KIND_TITLES[k], "category": category(k), "count": n,
                   "unknown": sum(1 for item in result.get("unknowns", []) if item["kind"] == k)}
                  for k, n in result["summary"].items()],
        "summary": {
            "messages": messages,
            "changes": change_lines(compared),
            "unknowns": unknowns_line(result.get("unknowns", []), lambda i: names.get(i, i)),
            "accepted": len(result.get("accepted", [])),
        },
        "sections": sections,
        "unknowns": unknown_rows(result.get("unknowns", []), names),
        "accepted": [decided_row(found, names) for found in result.get("accepted", [])],
        "stale_decisions": [stale_row(row, names) for row in result.get("stale_decisions", [])],
        "decisions_used": decisions is not None,
        "names": names,
        "brokers": [broker | {"board_names": [names.get(b, b) for b in broker["boards"]]}
                    for broker in result["brokers"]],
        "clusters": result["clusters"],
        "change": change,
        "changes": {"sections": diff_sections(compared)} if compared is not None else None,
        "over_time": over_time(history or landscape, landscape, day, evidence) if drawable else None,
        "sources": cited_sources(current, day),
        # The still picture for print and Word: the map's governance chart, drawn from the same
        # layout as `landscape map --layout chart --format png`. Both draw the facts the findings
        # rest on: what is only proposed is not drawn as in force beside a finding that it is not.
        "picture": drawn_map | {"layout": "chart"} if drawn_map else None,
        "map": drawn_map,
    }
    view["uncovered"] = sorted(unowned_themes(result))
    view["owner_unknown"] = sorted({item["entities"][0] for item in result.get("unknowns", [])
                                    if item["kind"] == "unowned_theme"})
    if not drawable:
        view["map_note"] = map_note(len(current), result["brokers"])
    view["coverage"], note = top_coverage(result["coverage"])
    if note:
        view["coverage_note"] = note
    return view


def over_time(history: Landscape, landscape: Landscape, day: date, evidence: str) -> dict[str, Any] | None:
    """The findings of `history` counted over time up to `day`, saying so when that is not the
    landscape reported on (one with a proposal merged over it)."""
    view = over_time_view(findings_over_time(history, day, evidence=evidence))
    if view is not None and history is not landscape:
        view["note"] = f"A proposal has no history: this counts the findings of {history.name} alone"
    return view


def finding_sections(result: dict[str, Any], current: Landscape, names: dict[str, str], day: date,
                     stale_after: float = 2.0) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The findings by kind as the report's tables show them, and for the summary each kind's
    rows with their findings (each with the date and staleness its row shows)."""
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for found in result["findings"]:
        by_kind[found["kind"]].append(found)
    sections, rows_by_kind = [], {}
    for kind, found in by_kind.items():
        if not found:
            continue
        rows = [finding_row(item, f"f-{kind}-{n}", current, names, day, stale_after)
                for n, item in enumerate(found[:SECTION_LIMIT], start=1)]
        rows_by_kind[kind] = [{"anchor": row["anchor"],
                               "finding": item | {"last_attested": row["last_attested"], "stale": row["stale"]}}
                              for row, item in zip(rows, found)]
        shown: dict[str, Any] = {"kind": kind, "category": category(kind), "title": KIND_TITLES[kind],
                                 "column": extra_column(kind), "rows": rows}
        total = result["summary"][kind]
        if total > len(rows):
            shown["more"] = total - len(rows)
        sections.append(shown)
    return sections, rows_by_kind


def finding_row(found: dict[str, Any], anchor: str, current: Landscape, names: dict[str, str], day: date,
                stale_after: float = 2.0) -> dict[str, Any]:
    """One finding as a table row: bodies by name, what its score means, its sources and dates,
    whether its evidence is stale, and any decision taken on it."""
    sources = finding_sources(found, current, day)
    last_attested, stale = attested_on(found, sources, day, stale_after)
    return {
        "anchor": anchor,
        "severity": found["severity"],
        "explanation": found["explanation"],
        "bodies": [names.get(i, i) for i in found["entities"]],
        "measure": measure(found),
        "score": found["score"],
        "extra": extra_value(found),
        "sources": sources,
        "last_attested": last_attested,
        "stale": stale,
        "decision": found.get("decision"),
    }


def attested_on(found: dict[str, Any], sources: list[dict[str, Any]], day: date,
                stale_after: float) -> tuple[str | None, bool]:
    """The date of the newest source a finding rests on, and whether it is stale, as its row
    shows them: the analysis's, unless the newest of the sources shown is older (the analysis
    also counted a source dated after `day`, or an entity's own citations, which say that it
    exists, not what the finding says of it), when they are that source's.

    >>> shown = [{"title": "Paper", "date": "2021-02-18", "sections": []}]
    >>> attested_on({"last_attested": "2024-12", "stale": False}, shown, date(2024, 1, 1), 2)
    ('2021-02-18', True)
    >>> attested_on({"last_attested": "2021-02-18", "stale": False}, shown, date(2021, 3, 1), 2)
    ('2021-02-18', False)
    """
    last, stale = found.get("last_attested"), bool(found.get("stale"))
    dated = [source["date"] for source in sources if source["date"]]
    if not last or not dated:
        return (last, stale) if not last or parse_date(last) <= day else (None, False)
    newest = max(dated, key=lambda text: parse_date(text, end=True))
    if parse_date(newest, end=True) >= parse_date(last, end=True):
        return last, stale
    return newest, is_stale(parse_date(newest, end=True), day, stale_after)


def extra_column(kind: str) -> str:
    """The heading of a kind's own column, if it has one."""
    return {"missing_link": "Informal channel", "missing_required_member": "Sector missing"}.get(kind, "")


def extra_value(found: dict[str, Any]) -> str:
    if found["kind"] == "missing_link":
        return CHANNELS.get(found.get("channel", ""), found.get("channel", ""))
    if found["kind"] == "missing_required_member":
        return str(found.get("sector", ""))
    return ""


def measure(found: dict[str, Any]) -> str:
    """What a finding's score means, in words, for its kind.

    >>> measure({"kind": "shared_membership", "score": 0.1333, "shared": 2})
    '2 of 15 members shared'
    >>> measure({"kind": "orphan_board", "score": 4.0})
    '3 members'
    """
    kind, score = found["kind"], found["score"]
    count = int(round(score))
    if kind == "shared_membership" and found.get("shared") and score:
        return f"{found['shared']} of {plural(round(found['shared'] / score), 'member')} shared"
    if kind in ("shared_remit", "parallel_initiatives") and found.get("themes") and score:
        shared = len(found["themes"])
        return f"{shared} of {plural(round(shared / score), 'theme')} in common"
    if kind == "duplicate_oversight":
        return f"overseen by {count} boards"
    if kind == "unoverseen_initiative":
        return plural(count - 1, "organisation") + " involved" if count > 1 else "no organisation involved"
    if kind == "unowned_theme":
        return plural(count - 1, "initiative") + " on it, none overseen" if count > 1 else "no work on it"
    if kind == "orphan_board":
        return plural(count - 1, "member") if count > 1 else "no members recorded"
    if kind == "missing_required_member":
        return f"no member from {found.get('sector', 'a required sector')}"
    if kind == "no_lead":
        return "no lead recorded"
    if kind == "missing_link":
        return link_measure(count, found.get("grounds", []))
    return f"score {score}"


def link_measure(weight: int, grounds: list[str]) -> str:
    """What a missing link's weight means: a count when it rests on one kind of overlap (each
    initiative both boards oversee counts twice), else the weight and its grounds.

    >>> link_measure(4, ["oversight"]), link_measure(1, ["remit"])
    ('2 initiatives both oversee', '1 theme both cover')
    """
    if grounds == ["remit"]:
        return plural(weight, "theme") + " both cover"
    if grounds == ["oversight"]:
        return plural(weight // 2, "initiative") + " both oversee"
    if grounds == ["parallel"]:
        return plural(weight, "pair") + " of parallel initiatives"
    named = [GROUNDS.get(g, g) for g in grounds]
    return f"overlap weight {weight}" + (f": {', '.join(named)}" if named else "")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def source_date(document: str) -> str:
    """The date a source's title starts with (`2021-02 ...`), or empty."""
    match = LEADING_DATE.match(document)
    return match.group(1) if match else ""


def cited(text: str, landscape: Landscape) -> list[tuple[Source | None, str, str]]:
    """A citation cell as (source, document, locator) triples: a citation of the sources table
    by id gives its source; one in words gives its document as written."""
    found: list[tuple[Source | None, str, str]] = []
    for citation in landscape.citations_in(text):
        if citation.source_id:
            found.append((landscape.source_table[citation.source_id], citation.source_id, citation.locator))
        else:  # a citation in words: its document, then the place in it after the first comma
            found += [(None, document, locator) for _, document, locator in citation_parts(citation.text)]
    return found


def grouped(triples: list[tuple[Source | None, str, str]], *, section: Callable[[str], str] = str
            ) -> list[dict[str, Any]]:
    """Citations grouped by document, in first-cited order, each with its title, its date and
    the sections cited (`section` of each locator). A source of the sources table is shown by
    its title and date, never by its id."""
    documents: dict[str, dict[str, Any]] = {}
    for source, document, locator in triples:
        if source is not None:
            shown = documents.setdefault(source.id, {"title": source.title or source.id,
                                                     "date": source.date, "sections": []})
        else:
            shown = documents.setdefault("\0" + document, {"title": document, "date": source_date(document),
                                                           "sections": []})
        place = section(locator) if locator else ""
        if place and place not in shown["sections"]:
            shown["sections"].append(place)
    return list(documents.values())


def heading(locator: str) -> str:
    """The section a locator names, without its sub-heading.

    >>> heading("Appendix 3 (Pan-London Boards: Health)"), heading("Appendix 1")
    ('Appendix 3 (Pan-London Boards)', 'Appendix 1')
    """
    return re.sub(r"\(([^():]+):[^()]*\)$", r"(\1)", locator)


def finding_sources(found: dict[str, Any], current: Landscape, day: date | None = None) -> list[dict[str, Any]]:
    """The sources a finding rests on: the citations of the relationships that make it when the
    analysis gives them (an entity's own citations say that it exists, not what the finding says
    of it), else those of the facts it names. A source dated after `day` is left out: it could
    not attest the landscape as it stood on `day`."""
    evidence = found.get("evidence") or [{"entity": i} for i in found["entities"]]
    making = [fact for fact in evidence if "entity" not in fact] or evidence
    triples: list[tuple[Source | None, str, str]] = []
    for fact in making:
        if "cites" in fact:
            cites = fact["cites"] or []
            texts = [cites] if isinstance(cites, str) else cites
        else:
            entity = current.entities.get(fact["entity"])
            texts = [entity.source] if entity is not None and entity.source else []
        for text in texts:
            triples += [triple for triple in cited(str(text), current) if not dated_after(triple[0], day)]
    return grouped(triples)


def dated_after(source: Source | None, day: date | None) -> bool:
    """Whether a source of the sources table is dated after `day` (its first possible day is later)."""
    return day is not None and source is not None and source.first_day is not None and source.first_day > day


def cited_sources(current: Landscape, day: date | None = None) -> list[dict[str, Any]]:
    """Every source cited, once each, with the sections of it cited (by heading), oldest first;
    none dated after `day`, which could not attest the landscape of that day."""
    triples = [triple for text in current.sources() for triple in cited(text, current)
               if not dated_after(triple[0], day)]
    return sorted(grouped(triples, section=heading), key=lambda source: (source["date"] or "9999", source["title"]))


QUESTIONS = {"reporting": "Whom does {} report to?", "members": "Who sits on {}?",
             "links": "Do {} have an agreed link?", "oversight": "Which board, if any, oversees {}?",
             "lead": "Who leads {}?"}


def unknown_rows(unknowns: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """What the sources do not say, apart from the gaps: one question per body (or pair of
    boards) and aspect, naming the bodies; the sectors a board's membership leaves open are
    asked in its question. An unknown that rests on other bodies' silence (`about`: whether a
    concern is owned, when the oversight of work on it is not recorded) adds what the answer
    would settle to each of their questions."""
    rows: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for item in unknowns:
        aspect = item.get("aspect", "")
        for ids in asked(item):
            bodies = [names.get(i, i) for i in ids]
            row = rows.setdefault((aspect, tuple(ids)), {
                "question": QUESTIONS.get(aspect, "{}: " + aspect + "?").format(" and ".join(bodies)),
                "bodies": bodies, "aspect": ASPECTS.get(aspect, aspect), "aspect_id": aspect, "sectors": [],
                "settles": []})
            if item.get("sector") and item["sector"] not in row["sectors"]:
                row["sectors"].append(item["sector"])
            if item.get("about"):
                row["settles"].append(SETTLES[item["kind"]].format(*(names.get(i, i) for i in item["entities"])))
    for row in rows.values():
        if row["sectors"]:
            row["question"] += f" (whether it has a member from {listing(row['sectors'])})"
    return sorted(rows.values(), key=lambda row: aspect_rank(row["aspect_id"]))


def listing(words: list[str]) -> str:
    """Words joined as a reader lists them.

    >>> listing(["police"]), listing(["police", "health", "education"])
    ('police', 'police, health or education')
    """
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def decided_row(found: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """An accepted finding with its decision."""
    decision = found.get("decision") or {}
    return {"kind": KIND_TITLES[found["kind"]], "bodies": [names.get(i, i) for i in found["entities"]],
            "explanation": found["explanation"], "owner": decision.get("owner", ""),
            "note": decision.get("note", ""), "review": decision.get("review", "")}


def stale_row(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A decision that matches no finding any more (the finding was resolved, or its ids changed)."""
    return {"kind": row["kind"], "title": KIND_TITLES.get(row["kind"], row["kind"]), "entities": row["entities"],
            "bodies": [names.get(i, i) for i in row["entities"]], "decision": row["decision"],
            "owner": row.get("owner", ""), "note": row.get("note", ""), "review": row.get("review", "")}


def map_note(size: int, brokers: list[dict[str, Any]]) -> str:
    """Why a national landscape's report has no map, and how to draw part of it."""
    example = brokers[0]["id"] if brokers else "ID"
    return (f"This landscape has {size} entities, too many to draw whole (the limit is "
            f"{DRAW_LIMIT}). Draw the part around one body with "
            f"`landscape map --focus {example} --depth 1`.")


def top_coverage(matrix: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The coverage matrix cut to a readable size: the boards covering most themes and the
    themes most boards cover, with a note saying what was left out (none when it all fits)."""
    boards, themes, cells = matrix["boards"], matrix["themes"], matrix["cells"]
    if len(boards) <= MATRIX_BOARDS and len(themes) <= MATRIX_THEMES:
        return matrix, ""
    width = {b["id"]: sum(1 for cell in cells[b["id"]].values() if cell) for b in boards}
    kept_boards = sorted((b for b in boards if width[b["id"]]), key=lambda b: -width[b["id"]])
    kept_boards = sorted(kept_boards[:MATRIX_BOARDS], key=lambda b: b["name"])
    depth = {t["id"]: sum(1 for b in kept_boards if cells[b["id"]][t["id"]]) for t in themes}
    kept_themes = sorted(themes, key=lambda t: -depth[t["id"]])[:MATRIX_THEMES]
    kept_themes.sort(key=lambda t: t["name"])
    cut = {"boards": kept_boards, "themes": kept_themes,
           "cells": {b["id"]: {t["id"]: cells[b["id"]][t["id"]] for t in kept_themes}
                     for b in kept_boards}}
    note = (f"Showing the {len(kept_boards)} boards covering most themes (of {len(boards)}) "
            f"and the {len(kept_themes)} themes most of them cover (of {len(themes)}); the whole "
            "matrix is in `landscape analyse --format xlsx`.")
    return cut, note


def unowned_themes(result: dict[str, Any]) -> set[str]:
    """The themes the analysis found no board owns (accepted findings included: a decision does
    not make a theme owned), which the coverage matrix marks. A theme with no board in its column
    may still be owned through a broader theme it is part of, as county lines is through child
    criminal exploitation, so the columns alone would mark too many."""
    return {found["entities"][0] for found in result["findings"] + result.get("accepted", [])
            if found["kind"] == "unowned_theme"}
