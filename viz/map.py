"""The interactive map: a view model of nodes, edges and findings, drawn by vis-network.

The view model holds the landscape's facts as columns of plain values, one list per
field, with edges pointing at nodes by number: built in time linear in the landscape's
size, quick to encode and small on the page. (Large maps also get their positions here.)
The page turns the columns back into nodes and lines and derives the rest: tooltips,
sizes, the theme filter's reach, tiers. So every user-supplied string reaches it as
JSON text and is shown with textContent or vis-network's plain-text tooltips (which it
sets as innerText), never as HTML.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from landscape.analysis import analyse, findings_naming
from landscape.analysis.findings import GAP_KINDS
from landscape.errors import LandscapeError
from landscape.model import (
    EDGE_TYPES,
    EDGE_VERBS,
    NODE_TYPES,
    TYPE_LABELS,
    UNDIRECTED_EDGE_TYPES,
    Entity,
    Landscape,
    Relationship,
)
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
# How each relationship type is drawn; an edge names its type by its number in this list.
RELATIONS = [{"type": t, "verb": EDGE_VERBS[t], "colour": EDGE_COLOURS[t],
              "arrows": "" if t in UNDIRECTED_EDGE_TYPES else "to",
              "width": 2 if t in ("reports_to", "communicates_with") else 1} for t in EDGE_TYPES]
RELATION_NUMBERS = {t: number for number, t in enumerate(EDGE_TYPES)}
# How findings are drawn: a ring round a gap's entities, a line between the two boards of a
# missing link or an overlap; the rest are listed in the details of the entities they name.
FINDING_MARKS = {"missing_link": "missing_link", "shared_membership": "overlap", "shared_remit": "overlap",
                 "parallel_initiatives": "overlap", **dict.fromkeys(GAP_KINDS, "gap")}
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
    """Everything the page draws, as plain data (JSON-ready). Nodes are numbered in the order
    of the landscape's entities; `focus` is a node's number. `result`, when given, is the
    landscape's analysis on `day` without a limit (the map marks every finding)."""
    current = landscape.as_of(day)
    if options.focus is not None and options.focus not in current.entities:
        raise LandscapeError(unknown_entity_message(options.focus, current))
    if len(current) > DRAW_LIMIT:
        if options.focus is None:
            raise LandscapeError(
                f"{len(current)} entities are too many to draw at once (the limit is "
                f"{DRAW_LIMIT}): choose one with --focus ID and --depth N")
        keep = neighbourhood(current, options.focus, options.depth)
        findings = ([finding for finding in result["findings"] if not keep.isdisjoint(finding["entities"])]
                    if result is not None else findings_naming(current, keep))
        current = Landscape([e for e in current.entities.values() if e.id in keep],
                            [e for e in current.relationships
                             if e.source in keep and e.target in keep], current.name)
    else:
        findings = (result if result is not None else analyse(landscape, as_of=day))["findings"]

    entities = list(current.entities.values())
    numbers = {entity.id: number for number, entity in enumerate(entities)}
    nodes = node_columns(entities)
    edges = edge_columns(current.relationships, numbers)
    physics = len(entities) <= PHYSICS_LIMIT
    if not physics:
        nodes["x"], nodes["y"] = place(len(entities), edges["from"], edges["to"])
    return {
        "title": options.title or f"{landscape.name.title()} landscape",
        "as_of": day.isoformat(),
        "nodes": nodes,
        "edges": edges,
        "relations": RELATIONS,
        "findings": finding_columns(findings),
        "marks": FINDING_MARKS,
        "physics": physics,
        "layout": options.layout,
        "focus": numbers.get(options.focus or ""),
        "depth": options.depth,
        "legend": [{"type": t, "label": upper_first(TYPE_LABELS[t][1]), "one": TYPE_LABELS[t][0],
                    "colour": STYLE[t][0], "shape": STYLE[t][1]} for t in NODE_TYPES],
        "filters": filter_values(nodes),
        "height": options.height,
    }


def finding_columns(findings: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The findings, one list per field: each one's kind, the entities it names and its
    explanation. The page numbers them and lists each node's findings by number, so that it
    stores each explanation once (a finding can name hundreds of entities)."""
    return {
        "kind": [finding["kind"] for finding in findings],
        "entities": [finding["entities"] for finding in findings],
        "explanation": [finding["explanation"] for finding in findings],
    }


def unknown_entity_message(entity_id: str, landscape: Landscape) -> str:
    close = difflib.get_close_matches(entity_id, list(landscape.entities), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"--focus: no entity {entity_id!r} in the landscape on that date{hint}"


def node_columns(entities: list[Entity]) -> dict[str, list[Any]]:
    """The nodes, one list per field: what the filters test and what the tooltips and the
    details panel show.

    The page draws node n under the key `n<n>` and keeps its entity's id as data: vis-network
    keeps nodes in plain objects keyed by id, where an entity called `__proto__` would break it.
    """
    return {
        "entity": [e.id for e in entities],
        "label": [e.name for e in entities],
        "type": [e.type for e in entities],
        "sector": [e.sector for e in entities],
        "level": [e.level for e in entities],
        "start": [e.start for e in entities],
        "end": [e.end for e in entities],
        "description": [e.get("description") for e in entities],
        "source": [e.source for e in entities],
        "url": [safe_url(e.get("url")) for e in entities],
    }


def safe_url(url: str) -> str:
    """Only http(s) links are kept; `javascript:` and other schemes are dropped."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def edge_columns(relationships: list[Relationship], numbers: dict[str, int]) -> dict[str, list[Any]]:
    """The relationships, one list per field: their ends as node numbers and their type as a
    number in RELATIONS."""
    return {
        "from": [numbers[e.source] for e in relationships],
        "to": [numbers[e.target] for e in relationships],
        "type": [RELATION_NUMBERS[e.type] for e in relationships],
        "role": [e.role for e in relationships],
        "start": [e.start for e in relationships],
        "end": [e.end for e in relationships],
        "source": [e.source_doc for e in relationships],
    }


def place(size: int, sources: Sequence[int], targets: Sequence[int]) -> tuple[list[int], list[int]]:
    """Fixed positions (x and y, node by node) for large maps of `size` nodes with edges from
    `sources` to `targets`, so the page is usable at once with physics off.

    Linear in the landscape's size (bar one sort): each connected component is drawn as rings
    around its best-connected node, and the components are packed in rows, largest first.
    (Force layouts take quadratic time at this size, and a spectral layout folds a big graph
    onto a few lines.)
    """
    adjacent: list[list[int]] = [[] for _ in range(size)]
    for source, target in zip(sources, targets):
        adjacent[source].append(target)
        adjacent[target].append(source)
    degree = [len(neighbours) for neighbours in adjacent]
    placed = bytearray(size)
    around_x, around_y = np.zeros(size), np.zeros(size)  # each node's place around its component's hub
    components: list[tuple[list[int], float]] = []  # the nodes of each, and the radius of its drawing
    for hub in sorted(range(size), key=degree.__getitem__, reverse=True):  # stable: ties keep their order
        if not placed[hub]:
            steps = layers(hub, adjacent, placed)
            components.append(([node for step in steps for node in step], rings(steps, around_x, around_y)))
    components.sort(key=lambda component: len(component[0]), reverse=True)
    centre_x, centre_y = np.zeros(size), np.zeros(size)
    for (nodes, _), (x, y) in zip(components, pack([radius for _, radius in components])):
        centre_x[nodes], centre_y[nodes] = x, y
    # whole units are fine enough, and shorter to write
    return np.rint(centre_x + around_x).astype(int).tolist(), np.rint(centre_y + around_y).astype(int).tolist()


def layers(hub: int, adjacent: list[list[int]], placed: bytearray) -> list[list[int]]:
    """`hub`'s connected component, breadth first, marked in `placed`: layer n holds the nodes n
    steps from it, those reached from the same node side by side, in the order of the nodes they
    came from."""
    placed[hub] = 1
    found = [[hub]]
    while True:
        layer = []
        for node in found[-1]:
            for other in adjacent[node]:
                if not placed[other]:
                    placed[other] = 1
                    layer.append(other)
        if not layer:
            return found
        found.append(layer)


def rings(steps: list[list[int]], xs: np.ndarray, ys: np.ndarray) -> float:
    """Positions in `xs` and `ys` with the nodes n steps from the hub on the nth ring around it
    (the hub at 0, 0), and the radius of the outermost ring. A ring too full for one circle at
    SPACING apart becomes a band of several, filled spoke by spoke, so the drawing stays compact
    and nodes taken one after another stay side by side."""
    outer = 0.0
    for ring in steps[1:]:
        inner = outer + SPACING
        circles = math.ceil(len(ring) * SPACING / (2 * math.pi * inner))
        spokes = math.ceil(len(ring) / circles)
        spoke, circle = np.divmod(np.arange(len(ring)), circles)
        angle = 2 * math.pi * (spoke + 0.5 * circle / circles) / spokes
        distance = inner + circle * SPACING
        xs[ring], ys[ring] = distance * np.cos(angle), distance * np.sin(angle)
        outer = inner + (circles - 1) * SPACING
    return outer


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


def filter_values(nodes: dict[str, list[Any]]) -> dict[str, list[dict[str, str]]]:
    """The choices of each filter, from the nodes' columns."""
    sectors = sorted(set(nodes["sector"]) - {""})
    levels = sorted(set(nodes["level"]) - {""})
    themes = sorted((name, entity_id) for entity_id, name, node_type
                    in zip(nodes["entity"], nodes["label"], nodes["type"]) if node_type == "theme")
    return {
        "type": [{"value": t, "label": upper_first(TYPE_LABELS[t][1])} for t in NODE_TYPES],
        "sector": [{"value": s, "label": s} for s in sectors],
        "level": [{"value": v, "label": v} for v in levels],
        "theme": [{"value": entity_id, "label": name} for name, entity_id in themes],
    }


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
