"""The executive report: one self-contained HTML page with the map, findings, coverage and sources.

Built as a view model (plain data from the analysis), then rendered with the
report template (autoescaped), then written by the caller.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from landscape.analysis import analyse
from landscape.analysis.findings import KIND_TITLES, KINDS, category
from landscape.diff import diff
from landscape.diff import sections as diff_sections
from landscape.model import TYPE_LABELS, Landscape
from viz.map import MapOptions, map_view
from viz.render import render


def render_report(landscape: Landscape, day: date, *, title: str | None = None,
                  generated: date | None = None, since: date | None = None) -> str:
    view = report_view(landscape, day, title=title, generated=generated, since=since)
    return render("report.html.j2", report=view, view=view["map"], title=view["title"])


def report_view(landscape: Landscape, day: date, *, title: str | None = None,
                generated: date | None = None, since: date | None = None) -> dict[str, Any]:
    """The report's data; with `since`, a section on what changed from that date to `day`."""
    result = analyse(landscape, as_of=day)
    title = title or f"{landscape.name.title()} landscape: overlaps, gaps and links"
    sections = []
    for kind in KINDS:
        found = [f for f in result["findings"] if f["kind"] == kind]
        if found:
            sections.append({"kind": kind, "category": category(kind),
                             "title": KIND_TITLES[kind], "findings": found})
    held = [{"label": TYPE_LABELS[t][n != 1], "count": n}
            for t, n in result["counts"].items() if t in TYPE_LABELS and n]
    severity = {s: sum(1 for f in result["findings"] if f["severity"] == s)
                for s in ("high", "medium", "low")}
    names = {e.id: e.name for e in landscape.entities.values()}
    changes = None
    if since is not None:
        changes = diff(landscape, landscape, before_day=since, after_day=day)
        changes["sections"] = diff_sections(changes)
    return {
        "title": title,
        "changes": changes,
        "as_of": day.isoformat(),
        "generated": (generated or date.today()).isoformat(),
        "held": held,
        "relationships": result["counts"]["relationships"],
        "severity": severity,
        "summary": [{"kind": k, "title": KIND_TITLES[k], "category": category(k), "count": n}
                    for k, n in result["summary"].items()],
        "sections": sections,
        "names": names,
        "brokers": result["brokers"],
        "clusters": result["clusters"],
        "coverage": result["coverage"],
        "uncovered": uncovered_themes(result["coverage"]),
        "sources": landscape.as_of(day).sources(),
        "map": map_view(landscape, day, MapOptions(height="640px", title=title), result),
    }


def uncovered_themes(matrix: dict[str, Any]) -> set[str]:
    """Themes no board covers, directly or through an initiative."""
    return {theme["id"] for theme in matrix["themes"]
            if not any(matrix["cells"][board["id"]][theme["id"]] for board in matrix["boards"])}
