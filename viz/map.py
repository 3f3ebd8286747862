"""The interactive map: a view model of nodes, edges and findings, drawn by vis-network.

Node and edge data are built here in one pass over the landscape (linear in its
size) and rendered with our own template, so every user-supplied string reaches
the page as JSON text and is shown with textContent or vis-network's plain-text
tooltips, never as HTML.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date
from typing import Any

from landscape.analysis import analyse
from landscape.errors import LandscapeError
from landscape.model import NODE_TYPES, TYPE_LABELS, UNDIRECTED_EDGE_TYPES, Landscape
from viz.render import render

STYLE = {  # colour and vis-network shape of each node type
    "board": ("#1b4f8c", "hexagon"),
    "agency": ("#2e8b57", "square"),
    "vcs": ("#d9822b", "triangle"),
    "initiative": ("#8e44ad", "diamond"),
    "person": ("#6c7a89", "dot"),
    "theme": ("#c0392b", "star"),
}
EDGE_COLOURS = {
    "reports_to": "#1b4f8c", "part_of": "#5b7fa8", "member_of": "#9aa5b1",
    "oversees": "#8e44ad", "leads": "#2e8b57", "delivers": "#7fb58f", "funds": "#b8860b",
    "supports": "#5f9ea0", "communicates_with": "#1b9e77", "addresses": "#e0a39a",
}
EDGE_LABELS = {
    "reports_to": "reports to", "part_of": "is part of", "member_of": "is a member of",
    "oversees": "oversees", "leads": "leads", "delivers": "delivers", "funds": "funds",
    "supports": "supports", "communicates_with": "communicates with", "addresses": "addresses",
}
GAP_KINDS = {"unoverseen_initiative", "unowned_theme", "orphan_board",
             "missing_required_member", "no_lead"}
OVERLAP_PAIR_KINDS = {"shared_membership", "shared_remit", "parallel_initiatives"}
PHYSICS_LIMIT = 1000  # above this many nodes, positions come from Python and physics is off
DRAW_LIMIT = 5000  # above this many nodes, a focus is required


@dataclass(frozen=True)
class MapOptions:
    focus: str | None = None
    depth: int = 2
    layout: str = "network"
    title: str | None = None
    height: str = "100vh"


def render_map(landscape: Landscape, day: date, options: MapOptions = MapOptions()) -> str:
    """The map of `landscape` as it stood on `day`, as one self-contained HTML page."""
    view = map_view(landscape, day, options)
    return render("map.html.j2", view=view, title=view["title"])


def map_view(landscape: Landscape, day: date, options: MapOptions = MapOptions(),
             result: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the page draws, as plain data (JSON-ready)."""
    current = landscape.as_of(day)
    if options.focus is not None and options.focus not in current.entities:
        raise LandscapeError(unknown_entity_message(options.focus, current))
    if result is None:
        result = analyse(landscape, as_of=day)
    if len(current) > DRAW_LIMIT:
        if options.focus is None:
            raise LandscapeError(
                f"{len(current)} entities are too many to draw at once (the limit is "
                f"{DRAW_LIMIT}): choose one with --focus ID and --depth N")
        keep = neighbourhood(current, options.focus, options.depth)
        current = Landscape([current.entities[i] for i in keep],
                            [e for e in current.relationships
                             if e.source in keep and e.target in keep], current.name)
    findings_by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in result["findings"]:
        for entity_id in finding["entities"]:
            findings_by_entity[entity_id].append(finding)

    degree: dict[str, int] = defaultdict(int)
    for edge in current.relationships:
        degree[edge.source] += 1
        degree[edge.target] += 1
    themes = theme_reach(current)
    tiers = tier_levels(current)
    nodes = [node_view(entity, degree[entity.id], themes[entity.id], tiers.get(entity.id, 0),
                       findings_by_entity[entity.id])
             for entity in current.entities.values()]
    edges = [edge_view(number, edge, current) for number, edge in enumerate(current.relationships)]
    edges += finding_edges(result["findings"], current)
    physics = len(nodes) <= PHYSICS_LIMIT
    if not physics:
        place(nodes, current)
    return {
        "title": options.title or f"{landscape.name.title()} landscape",
        "as_of": day.isoformat(),
        "nodes": nodes,
        "edges": edges,
        "physics": physics,
        "layout": options.layout,
        "focus": options.focus,
        "depth": options.depth,
        "legend": [{"type": t, "label": upper_first(TYPE_LABELS[t][1]), "colour": STYLE[t][0],
                    "shape": STYLE[t][1]} for t in NODE_TYPES],
        "filters": filter_values(current),
        "height": options.height,
    }


def unknown_entity_message(entity_id: str, landscape: Landscape) -> str:
    close = difflib.get_close_matches(entity_id, list(landscape.entities), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"--focus: no entity {entity_id!r} in the landscape on that date{hint}"


def node_view(entity: Any, degree: int, themes: list[str], tier: int,
              findings: list[dict[str, Any]]) -> dict[str, Any]:
    colour, shape = STYLE[entity.type]
    gaps = sorted({f["kind"] for f in findings if f["kind"] in GAP_KINDS})
    lines = [entity.name, " · ".join(filter(None, [TYPE_LABELS[entity.type][0],
                                                     entity.sector, entity.level]))]
    if entity.start or entity.end:
        lines.append(f"From {entity.start or 'unknown'} to {entity.end or 'now'}")
    if entity.get("description"):
        lines.append(entity.get("description"))
    if entity.source:
        lines.append(f"Source: {entity.source}")
    for finding in findings:
        if finding["kind"] in GAP_KINDS:
            lines.append(f"Gap: {finding['explanation']}")
    return {
        "id": entity.id, "label": entity.name, "type": entity.type,
        "sector": entity.sector, "level": entity.level, "themes": themes,
        "shape": shape, "color": {"background": colour, "border": colour},
        "size": round(12 + 4 * math.sqrt(degree), 1), "title": "\n".join(lines),
        "tier": tier, "gaps": gaps, "start": entity.start, "end": entity.end,
        "source": entity.source, "description": entity.get("description"),
        "url": safe_url(entity.get("url")),
        "findings": [f["explanation"] for f in findings],
    }


def safe_url(url: str) -> str:
    """Only http(s) links are kept; `javascript:` and other schemes are dropped."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def edge_view(number: int, edge: Any, landscape: Landscape) -> dict[str, Any]:
    directed = edge.type not in UNDIRECTED_EDGE_TYPES
    words = [landscape.name_of(edge.source), EDGE_LABELS[edge.type], landscape.name_of(edge.target)]
    if edge.role and edge.role != "member":
        words.append(f"({edge.role})")
    lines = [" ".join(words)]
    if edge.start or edge.end:
        lines.append(f"From {edge.start or 'unknown'} to {edge.end or 'now'}")
    if edge.source_doc:
        lines.append(f"Source: {edge.source_doc}")
    return {
        "id": f"e{number}", "from": edge.source, "to": edge.target, "type": edge.type,
        "color": EDGE_COLOURS[edge.type], "arrows": "to" if directed else "",
        "width": 2 if edge.type in ("reports_to", "communicates_with") else 1,
        "title": "\n".join(lines), "finding": "",
    }


def finding_edges(findings: list[dict[str, Any]], landscape: Landscape) -> list[dict[str, Any]]:
    """Missing links as dashed red edges, overlaps as dotted purple ones, for the toggles."""
    edges = []
    for number, finding in enumerate(findings):
        kind, ids = finding["kind"], finding["entities"]
        if kind == "missing_link" or kind in OVERLAP_PAIR_KINDS:
            a, b = ids
            if a not in landscape.entities or b not in landscape.entities:
                continue
            missing = kind == "missing_link"
            edges.append({
                "id": f"f{number}", "from": a, "to": b, "type": kind,
                "color": "#d62728" if missing else "#9467bd", "arrows": "",
                "dashes": [8, 6] if missing else [2, 4], "width": 3 if missing else 2,
                "title": finding["explanation"],
                "finding": "missing_link" if missing else "overlap",
            })
    return edges


def theme_reach(landscape: Landscape) -> dict[str, list[str]]:
    """The themes each node relates to, for the theme filter: its own remit, or for an
    organisation the remits of the boards and initiatives it is linked to."""
    remit: dict[str, set[str]] = defaultdict(set)
    for edge in landscape.edges("addresses"):
        remit[edge.source].add(edge.target)
    reach: dict[str, set[str]] = defaultdict(set)
    for entity_id, entity in landscape.entities.items():
        reach[entity_id] = {entity_id} if entity.type == "theme" else set(remit[entity_id])
    for edge in landscape.relationships:
        if edge.type != "addresses":
            reach[edge.source] |= remit[edge.target]
            reach[edge.target] |= remit[edge.source]
    return defaultdict(list, {key: sorted(value) for key, value in reach.items()})


def tier_levels(landscape: Landscape) -> dict[str, int]:
    """A tier for each node in the tiered layout: bodies by depth of reporting line below
    a top body, then members, initiatives and themes in the tiers beneath."""
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in landscape.edges("reports_to", "part_of"):
        parents[edge.source].append(edge.target)
    depth: dict[str, int] = {}

    def depth_of(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node not in depth:
            above = [p for p in parents[node] if p not in seen]
            depth[node] = 1 + max((depth_of(p, seen | {node}) for p in above), default=-1)
        return depth[node]

    bodies = [e.id for e in landscape.entities.values() if e.type in ("board", "agency")]
    for body in bodies:
        depth_of(body)
    bottom = max((depth[b] for b in bodies), default=0)
    below = {"vcs": 1, "person": 1, "initiative": 2, "theme": 3}
    return {e.id: depth[e.id] if e.id in depth else bottom + below.get(e.type, 1)
            for e in landscape.entities.values()}


def place(nodes: list[dict[str, Any]], landscape: Landscape) -> None:
    """Fixed positions for large maps, so the page is usable at once with physics off."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(landscape.entities)
    graph.add_edges_from((e.source, e.target) for e in landscape.relationships)
    positions = nx.spectral_layout(graph) if graph.number_of_edges() else nx.circular_layout(graph)
    scale = 40 * math.sqrt(len(nodes))
    for node in nodes:
        x, y = positions[node["id"]]
        node["x"], node["y"] = round(float(x) * scale, 1), round(float(y) * scale, 1)


def neighbourhood(landscape: Landscape, focus: str, depth: int) -> set[str]:
    """Entities within `depth` relationships of `focus`, in either direction."""
    adjacent: dict[str, set[str]] = defaultdict(set)
    for edge in landscape.relationships:
        adjacent[edge.source].add(edge.target)
        adjacent[edge.target].add(edge.source)
    seen, queue = {focus}, deque([(focus, 0)])
    while queue:
        node, distance = queue.popleft()
        if distance < depth:
            for other in adjacent[node] - seen:
                seen.add(other)
                queue.append((other, distance + 1))
    return seen


def filter_values(landscape: Landscape) -> dict[str, list[dict[str, str]]]:
    sectors = sorted({e.sector for e in landscape.entities.values() if e.sector})
    levels = sorted({e.level for e in landscape.entities.values() if e.level})
    themes = sorted((e for e in landscape.entities.values() if e.type == "theme"),
                    key=lambda e: e.name)
    return {
        "type": [{"value": t, "label": upper_first(TYPE_LABELS[t][1])} for t in NODE_TYPES],
        "sector": [{"value": s, "label": s} for s in sectors],
        "level": [{"value": v, "label": v} for v in levels],
        "theme": [{"value": t.id, "label": t.name} for t in themes],
    }


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
