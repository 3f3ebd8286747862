"""The executive report: one self-contained HTML page with the map, findings, coverage and sources.

Built as a view model (plain data from the analysis), then rendered with the
report template (autoescaped), then written by the caller.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from landscape.analysis import analyse
from landscape.analysis.diff import diff
from landscape.analysis.diff import sections as diff_sections
from landscape.analysis.findings import KIND_TITLES, KINDS, category
from landscape.model import TYPE_LABELS, Landscape
from viz.map import DRAW_LIMIT, MapOptions, map_view
from viz.render import render

SECTION_LIMIT = 200  # findings listed per kind; a national landscape has hundreds of thousands
MATRIX_BOARDS = 150  # coverage rows shown: the boards covering most themes
MATRIX_THEMES = 80  # coverage columns shown: the themes most boards cover


def render_report(landscape: Landscape, day: date, *, title: str | None = None,
                  generated: date | None = None, since: date | None = None) -> str:
    view = report_view(landscape, day, title=title, generated=generated, since=since)
    return render("report.html.j2", report=view, view=view["map"], title=view["title"])


def section(kind: str, found: list[dict[str, Any]], total: int) -> dict[str, Any]:
    """One kind's findings, strongest first, of `total`; past `SECTION_LIMIT` only the strongest
    are listed, and `more` says how many are left out."""
    shown: dict[str, Any] = {"kind": kind, "category": category(kind), "title": KIND_TITLES[kind],
             "findings": found[:SECTION_LIMIT]}
    if total > SECTION_LIMIT:
        shown["more"] = total - SECTION_LIMIT
    return shown


def report_view(landscape: Landscape, day: date, *, title: str | None = None,
                generated: date | None = None, since: date | None = None) -> dict[str, Any]:
    """The report's data; with `since`, a section on what changed from that date to `day`.
    Too large to draw, a landscape is analysed for the findings listed only (its map would
    have marked them all)."""
    current = landscape.as_of(day)
    drawable = len(current) <= DRAW_LIMIT
    result = analyse(landscape, as_of=day, limit=None if drawable else SECTION_LIMIT)
    title = title or f"{landscape.name.title()} landscape: overlaps, gaps and links"
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for finding in result["findings"]:
        by_kind[finding["kind"]].append(finding)
    sections = [section(kind, found, result["summary"][kind]) for kind, found in by_kind.items() if found]
    held = [{"label": TYPE_LABELS[t][n != 1], "count": n}
            for t, n in result["counts"].items() if t in TYPE_LABELS and n]
    names = {e.id: e.name for e in landscape.entities.values()}
    changes = None
    if since is not None:
        changes = diff(landscape, landscape, before_day=since, after_day=day)
        changes["sections"] = diff_sections(changes)
    view: dict[str, Any] = {
        "title": title,
        "changes": changes,
        "as_of": day.isoformat(),
        "generated": (generated or date.today()).isoformat(),
        "held": held,
        "relationships": result["counts"]["relationships"],
        "severity": result["severities"],
        "summary": [{"kind": k, "title": KIND_TITLES[k], "category": category(k), "count": n}
                    for k, n in result["summary"].items()],
        "sections": sections,
        "names": names,
        "brokers": result["brokers"],
        "clusters": result["clusters"],
        "coverage": result["coverage"],
        "uncovered": uncovered_themes(result["coverage"]),
        "sources": current.sources(),
        "map": map_view(landscape, day, MapOptions(height="640px", title=title), result)
        if drawable else None,
    }
    if not drawable:
        view["map_note"] = map_note(len(current), result["brokers"])
    view["coverage"], note = top_coverage(result["coverage"])
    if note:
        view["coverage_note"] = note
    return view


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


def uncovered_themes(matrix: dict[str, Any]) -> set[str]:
    """Themes no board covers, directly or through an initiative."""
    return {theme["id"] for theme in matrix["themes"]
            if not any(matrix["cells"][board["id"]][theme["id"]] for board in matrix["boards"])}
