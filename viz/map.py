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
from landscape.analysis.findings import GAP_KINDS
from landscape.errors import LandscapeError
from landscape.model import EDGE_VERBS, NODE_TYPES, TYPE_LABELS, UNDIRECTED_EDGE_TYPES, Landscape
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
OVERLAP_PAIR_KINDS = {"shared_membership", "shared_remit", "parallel_initiatives"}
PHYSICS_LIMIT = 1000  # above this many nodes, positions come from Python and physics is off
DRAW_LIMIT = 5000  # above this many nodes, a focus is required
SPACING = 80.0  # distance between neighbouring nodes in a fixed layout


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
        current = Landscape([e for e in current.entities.values() if e.id in keep],
                            [e for e in current.relationships
                             if e.source in keep and e.target in keep], current.name)

    degree: dict[str, int] = defaultdict(int)
    for edge in current.relationships:
        degree[edge.source] += 1
        degree[edge.target] += 1
    themes = theme_reach(current)
    tiers = tier_levels(current)
    keys = {entity_id: f"n{number}" for number, entity_id in enumerate(current.entities)}
    findings, findings_by_entity = findings_on_map(result["findings"], keys)
    nodes = [node_view(keys[entity.id], entity, degree[entity.id], themes[entity.id], tiers.get(entity.id, 0),
                       findings_by_entity[entity.id])
             for entity in current.entities.values()]
    edges = [edge_view(number, edge, current, keys) for number, edge in enumerate(current.relationships)]
    edges += finding_edges(findings, keys)
    physics = len(nodes) <= PHYSICS_LIMIT
    if not physics:
        place(nodes, current)
    return {
        "title": options.title or f"{landscape.name.title()} landscape",
        "as_of": day.isoformat(),
        "nodes": nodes,
        "edges": edges,
        "findings": [finding["explanation"] for finding in findings],
        "physics": physics,
        "layout": options.layout,
        "focus": keys.get(options.focus or ""),
        "depth": options.depth,
        "legend": [{"type": t, "label": upper_first(TYPE_LABELS[t][1]), "one": TYPE_LABELS[t][0],
                    "colour": STYLE[t][0], "shape": STYLE[t][1]} for t in NODE_TYPES],
        "filters": filter_values(current),
        "height": options.height,
    }


def findings_on_map(findings: list[dict[str, Any]], keys: dict[str, str]
                    ) -> tuple[list[dict[str, Any]], dict[str, list[tuple[int, dict[str, Any]]]]]:
    """The findings about entities on the map, numbered so that the page stores each explanation
    once (a finding can name hundreds of entities), and each entity's findings with their numbers."""
    on_map = [finding for finding in findings if any(e in keys for e in finding["entities"])]
    by_entity: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for number, finding in enumerate(on_map):
        for entity_id in finding["entities"]:
            if entity_id in keys:
                by_entity[entity_id].append((number, finding))
    return on_map, by_entity


def unknown_entity_message(entity_id: str, landscape: Landscape) -> str:
    close = difflib.get_close_matches(entity_id, list(landscape.entities), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"--focus: no entity {entity_id!r} in the landscape on that date{hint}"


def node_view(key: str, entity: Any, degree: int, themes: list[str], tier: int,
              findings: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    """A node: what vis-network draws, what the filters test, and what the details panel shows
    (its findings by number in the view's list of explanations).

    vis-network keeps nodes in plain objects keyed by id, where an entity called `__proto__`
    would break it, so nodes are drawn under keys n0, n1, … and carry their entity's id as data.
    """
    colour, shape = STYLE[entity.type]
    gap_findings = [f for _, f in findings if f["kind"] in GAP_KINDS]
    gaps = sorted({f["kind"] for f in gap_findings})
    lines = [entity.name, " · ".join(filter(None, [TYPE_LABELS[entity.type][0],
                                                     entity.sector, entity.level]))]
    if entity.start or entity.end:
        lines.append(f"From {entity.start or 'unknown'} to {entity.end or 'now'}")
    if entity.get("description"):
        lines.append(entity.get("description"))
    if entity.source:
        lines.append(f"Source: {entity.source}")
    lines += [f"Gap: {finding['explanation']}" for finding in gap_findings]
    return {
        "id": key, "entity": entity.id, "label": entity.name, "type": entity.type,
        "sector": entity.sector, "level": entity.level, "themes": themes,
        "shape": shape, "color": {"background": colour, "border": colour},
        "size": round(12 + 4 * math.sqrt(degree), 1), "title": "\n".join(lines),
        "tier": tier, "gaps": gaps, "start": entity.start, "end": entity.end,
        "source": entity.source, "description": entity.get("description"),
        "url": safe_url(entity.get("url")),
        "findings": [number for number, _ in findings],
    }


def safe_url(url: str) -> str:
    """Only http(s) links are kept; `javascript:` and other schemes are dropped."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def edge_view(number: int, edge: Any, landscape: Landscape, keys: dict[str, str]) -> dict[str, Any]:
    directed = edge.type not in UNDIRECTED_EDGE_TYPES
    words = [landscape.name_of(edge.source), EDGE_VERBS[edge.type], landscape.name_of(edge.target)]
    if edge.role and edge.role != "member":
        words.append(f"({edge.role})")
    lines = [" ".join(words)]
    if edge.start or edge.end:
        lines.append(f"From {edge.start or 'unknown'} to {edge.end or 'now'}")
    if edge.source_doc:
        lines.append(f"Source: {edge.source_doc}")
    return {
        "id": f"e{number}", "from": keys[edge.source], "to": keys[edge.target], "type": edge.type,
        "color": EDGE_COLOURS[edge.type], "arrows": "to" if directed else "",
        "width": 2 if edge.type in ("reports_to", "communicates_with") else 1,
        "title": "\n".join(lines), "finding": "",
    }


def finding_edges(findings: list[dict[str, Any]], keys: dict[str, str]) -> list[dict[str, Any]]:
    """Missing links as dashed red edges, overlaps as dotted purple ones, for the toggles; each
    explains itself with the finding's number in the view's list."""
    edges = []
    for number, finding in enumerate(findings):
        kind, ids = finding["kind"], finding["entities"]
        if kind == "missing_link" or kind in OVERLAP_PAIR_KINDS:
            a, b = ids
            if a not in keys or b not in keys:
                continue
            missing = kind == "missing_link"
            edges.append({
                "id": f"f{number}", "from": keys[a], "to": keys[b], "type": kind,
                "color": "#d62728" if missing else "#9467bd", "arrows": "",
                "dashes": [8, 6] if missing else [2, 4], "width": 3 if missing else 2,
                "note": number,
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
    """A tier for each node in the tiered layout: bodies by the length of the longest reporting
    line from a top body down to them, then members, initiatives and themes in the tiers beneath."""
    bodies = [e.id for e in landscape.entities.values() if e.type in ("board", "agency")]
    depth = reporting_depth(bodies, [(e.source, e.target) for e in landscape.edges("reports_to", "part_of")])
    bottom = max(depth.values(), default=0)
    below = {"vcs": 1, "person": 1, "initiative": 2, "theme": 3}
    return {e.id: depth[e.id] if e.id in depth else bottom + below.get(e.type, 1)
            for e in landscape.entities.values()}


def reporting_depth(bodies: list[str], lines: list[tuple[str, str]]) -> dict[str, int]:
    """The longest chain of (body, body it reports to) lines above each body, in one pass in
    topological order, top bodies first; a loop of lines is cut at its first body in `bodies`."""
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in lines:
        parents[child].append(parent)
        children[parent].append(child)
    waiting = {body: len(parents[body]) for body in bodies}
    ready = deque(body for body in bodies if not waiting[body])
    unplaced = iter(bodies)
    depth: dict[str, int] = {}
    while len(depth) < len(bodies):
        if not ready:  # only loops are left
            ready.append(next(body for body in unplaced if body not in depth))
        body = ready.popleft()
        if body in depth:
            continue
        depth[body] = 1 + max((depth[p] for p in parents[body] if p in depth), default=-1)
        for child in children[body]:
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    return depth


def place(nodes: list[dict[str, Any]], landscape: Landscape) -> None:
    """Fixed positions for large maps, so the page is usable at once with physics off.

    Linear in the landscape's size (bar one sort): each connected component is drawn as rings
    around its best-connected node, and the components are packed in rows, largest first.
    (Force layouts take quadratic time at this size, and a spectral layout folds a big graph
    onto a few lines.)
    """
    adjacent = adjacency(landscape)
    components: list[dict[str, tuple[float, float]]] = []
    placed: set[str] = set()
    for hub in sorted(adjacent, key=lambda node: (-len(adjacent[node]), node)):
        if hub not in placed:
            components.append(rings(layers(hub, adjacent)))
            placed.update(components[-1])
    components.sort(key=len, reverse=True)
    positions = {}
    for local, (x, y) in zip(components, pack([radius(local) for local in components])):
        positions.update({node: (x + dx, y + dy) for node, (dx, dy) in local.items()})
    for node in nodes:
        node["x"], node["y"] = (round(value, 1) for value in positions[node["entity"]])


def adjacency(landscape: Landscape) -> dict[str, list[str]]:
    """Each entity's neighbours in either direction, in a stable order."""
    adjacent: dict[str, list[str]] = {entity_id: [] for entity_id in landscape.entities}
    for edge in landscape.relationships:
        if edge.source in adjacent and edge.target in adjacent:
            adjacent[edge.source].append(edge.target)
            adjacent[edge.target].append(edge.source)
    return adjacent


def layers(hub: str, adjacent: dict[str, list[str]]) -> list[list[str]]:
    """`hub`'s connected component, breadth first: layer n holds the nodes n steps from it,
    those reached from the same node side by side, in the order of the nodes they came from."""
    seen, found = {hub}, [[hub]]
    while True:
        layer = []
        for node in found[-1]:
            for other in adjacent[node]:
                if other not in seen:
                    seen.add(other)
                    layer.append(other)
        if not layer:
            return found
        found.append(layer)


def rings(steps: list[list[str]]) -> dict[str, tuple[float, float]]:
    """Positions with the nodes n steps from the hub on the nth ring around it. A ring too full
    for one circle at SPACING apart becomes a band of several, filled spoke by spoke, so the
    drawing stays compact and nodes taken one after another stay side by side."""
    positions = {steps[0][0]: (0.0, 0.0)}
    outer = 0.0
    for ring in steps[1:]:
        inner = outer + SPACING
        circles = math.ceil(len(ring) * SPACING / (2 * math.pi * inner))
        spokes = math.ceil(len(ring) / circles)
        for rank, node in enumerate(ring):
            spoke, circle = divmod(rank, circles)
            angle = 2 * math.pi * (spoke + 0.5 * circle / circles) / spokes
            distance = inner + circle * SPACING
            positions[node] = (distance * math.cos(angle), distance * math.sin(angle))
        outer = inner + (circles - 1) * SPACING
    return positions


def radius(positions: dict[str, tuple[float, float]]) -> float:
    return max(math.hypot(x, y) for x, y in positions.values())


def pack(radii: list[float]) -> list[tuple[float, float]]:
    """Centres for circles of these radii (largest first) in rows about as wide as they are tall."""
    width = max(2 * radii[0], math.sqrt(sum((2 * r + SPACING) ** 2 for r in radii)))
    centres, x, y, row = [], 0.0, 0.0, 0.0
    for r in radii:
        if x and x + 2 * r > width:
            x, y, row = 0.0, y + row + SPACING, 0.0
        row = max(row, 2 * r)
        centres.append((x + r, y + r))
        x += 2 * r + SPACING
    return centres


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
