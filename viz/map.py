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

import re
from collections import defaultdict, deque
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from landscape.analysis import analyse, findings_naming
from landscape.analysis.compare import finding_key
from landscape.analysis.findings import GAP_KINDS
from landscape.errors import LandscapeError
from landscape.find import did_you_mean, find, resolve
from landscape.model import (
    EDGE_TYPES,
    EDGE_VERBS,
    NODE_TYPES,
    TYPE_LABELS,
    UNDIRECTED_EDGE_TYPES,
    Entity,
    Landscape,
    Relationship,
    split_list,
)
from viz.compare import Baseline, comparison, comparison_counts, drawn_with_baseline
from viz.layout import FONT, LABEL_WIDTH, chart_layout, label_priority, label_room, network_layout
from viz.picture import pdf_picture, png_picture, svg_picture
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
RELATIONS = [{"type": t, "verb": EDGE_VERBS[t], "label": EDGE_VERBS[t].removeprefix("is ").capitalize(),
              "colour": EDGE_COLOURS[t],
              "arrows": "" if t in UNDIRECTED_EDGE_TYPES else "to",
              "width": 2 if t in ("reports_to", "communicates_with") else 1} for t in EDGE_TYPES]
RELATION_NUMBERS = {t: number for number, t in enumerate(EDGE_TYPES)}
# How findings are drawn: a ring round a gap's entities, a line between the two boards of a
# missing link or an overlap; the rest are listed in the details of the entities they name.
FINDING_MARKS = {"missing_link": "missing_link", "shared_membership": "overlap", "shared_remit": "overlap",
                 "parallel_initiatives": "overlap", **dict.fromkeys(GAP_KINDS, "gap")}
PHYSICS_LIMIT = 1000  # above this many nodes, lines are drawn straight and hidden while dragging
DRAW_LIMIT = 5000  # above this many nodes, a focus is required
LAYOUTS = ("network", "chart")
SHORT_LABEL = 30  # names longer than this are shortened on the map (the full name shows on hover)


@dataclass(frozen=True)
class MapOptions:
    focus: str | None = None
    depth: int = 2
    layout: str = "network"
    title: str | None = None
    height: str = "100vh"
    theme: str | None = None  # show only what relates to this theme


def render_map(landscape: Landscape, day: date, options: MapOptions = MapOptions(),
               baseline: Baseline | None = None) -> str:
    """The map of `landscape` as it stood on `day`, as one self-contained HTML page; with
    `baseline`, marking what changed since that earlier state (see `map_view`)."""
    view = map_view(landscape, day, options, baseline=baseline)
    return render("map.html.j2", view=view, title=view["title"], static_picture=page_picture(view))


def render_picture(landscape: Landscape, day: date, options: MapOptions = MapOptions(),
                   fmt: str = "svg", baseline: Baseline | None = None) -> str | bytes:
    """The view the map opens on as a static picture: SVG text, or PNG or PDF bytes."""
    svg = svg_picture(map_view(landscape, day, options, baseline=baseline))
    if fmt == "svg":
        return svg
    return png_picture(svg) if fmt == "png" else pdf_picture(svg)


def page_picture(view: dict[str, Any]) -> str:
    """The static picture for the page (shown when scripts do not run), in ASCII as the page is
    (a picture already ASCII, as most are, is not copied)."""
    svg = svg_picture(view)
    return svg if svg.isascii() else svg.encode("ascii", "xmlcharrefreplace").decode("ascii")


def map_view(landscape: Landscape, day: date, options: MapOptions = MapOptions(),
             result: dict[str, Any] | None = None, baseline: Baseline | None = None,
             compared: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the page draws, as plain data (JSON-ready). Nodes are numbered in the order
    of the landscape's entities; `focus` is a node's number. `result`, when given, is the
    landscape's analysis on `day` without a limit (the map marks every finding).

    With `baseline` (an earlier state), the map is a comparison: what ended since is drawn
    too, laid out where it was, and nodes, lines and findings carry a `change` (`added`,
    `ended`, `changed`) or an `outcome` (`new`, `resolved`); `compared`, when given, is the
    comparison already made (`viz.compare.comparison`)."""
    current = landscape.as_of(day)
    if options.focus is not None:
        options = replace(options, focus=entity_named(options.focus, current, landscape, day))
    if len(current) > DRAW_LIMIT:
        if options.focus is None:
            raise LandscapeError(
                f"{len(current)} entities are too many to draw at once (the limit is "
                f"{DRAW_LIMIT}): choose one with --focus ID and --depth N")
        if baseline is not None:
            raise LandscapeError(
                f"{len(current)} entities are too many to compare on a map (the limit is {DRAW_LIMIT}): "
                "compare the landscapes with `landscape diff`")
        keep = neighbourhood(current, options.focus, options.depth)
        findings = ([finding for finding in result["findings"] if not keep.isdisjoint(finding["entities"])]
                    if result is not None else findings_naming(current, keep))
        current = Landscape([e for e in current.entities.values() if e.id in keep],
                            [e for e in current.relationships
                             if e.source in keep and e.target in keep], current.name)
        analysed: dict[str, Any] = {}
    else:
        analysed = result if result is not None else analyse(landscape, as_of=day)
        findings = analysed["findings"]
    if baseline is not None:
        compared = compared or comparison(baseline, landscape, day, analysed)
        current, entity_marks, line_marks = drawn_with_baseline(current, baseline.landscape.as_of(baseline.day),
                                                                compared)

    if options.theme is not None:
        options = replace(options, theme=entity_named(options.theme, current, landscape, day, "--theme"))
    entities = list(current.entities.values())
    numbers = {entity.id: number for number, entity in enumerate(entities)}
    nodes = node_columns(entities)
    edges = edge_columns(current.relationships, numbers)
    found = finding_columns(findings)
    if baseline is not None and compared is not None:
        nodes["change"] = [entity_marks.get(e.id, ("", ""))[0] for e in entities]
        nodes["was"] = [entity_marks.get(e.id, ("", ""))[1] for e in entities]
        edges["change"] = [line_marks.get((e.source, e.target, e.type, e.role), "") for e in current.relationships]
        found = finding_columns(findings + compared["findings"]["resolved"])
        new = {finding_key(finding) for finding in compared["findings"]["new"]}
        found["outcome"] = (["new" if finding_key(finding) in new else "" for finding in findings]
                            + ["resolved"] * len(compared["findings"]["resolved"]))
    degree = np.bincount(np.array(edges["from"] + edges["to"], dtype=np.int64), minlength=len(entities))
    nodes["size"] = np.round(12 + 4 * np.sqrt(degree), 1).tolist()
    groups = cluster_groups(result["clusters"] if result is not None and "clusters" in result
                            else analysed.get("clusters", []), numbers, nodes["short"])
    layouts = positions(nodes, edges, groups, [e.is_top for e in entities])
    return {
        "title": options.title or default_title(landscape),
        "source_line": source_line(landscape.name, current),
        "as_of": day.isoformat(),
        "nodes": nodes,
        "edges": edges,
        "relations": RELATIONS,
        "findings": found,
        "marks": FINDING_MARKS,
        "physics": False,
        "large": len(entities) > PHYSICS_LIMIT,
        "label_font": FONT,
        "label_width": LABEL_WIDTH,
        "layouts": layouts,
        "layout": "chart" if options.layout in ("chart", "tiered") else "network",
        "theme": numbers.get(options.theme or ""),
        "focus": numbers.get(options.focus or ""),
        "depth": options.depth,
        "legend": [{"type": t, "label": upper_first(TYPE_LABELS[t][1]), "one": TYPE_LABELS[t][0],
                    "colour": STYLE[t][0], "shape": STYLE[t][1]} for t in NODE_TYPES],
        "filters": filter_values(nodes),
        "height": options.height,
        "comparison": (comparison_counts(compared, nodes["change"], edges["change"],
                                         same=baseline is not None and baseline.landscape is landscape)
                       if compared is not None else None),
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


DEFAULT_TITLE = "Governance landscape"  # for a dataset that gives no title: a folder's name is no title


def default_title(landscape: Landscape) -> str:
    """The title the dataset gives itself, else a plain one."""
    return landscape.title or DEFAULT_TITLE


def entity_named(query: str, current: Landscape, landscape: Landscape, day: date, option: str = "--focus") -> str:
    """The id of the entity `query` names (its id, an alias or its name, ranked as
    `landscape.find` ranks them) in the landscape as of `day`, or LandscapeError saying why not."""
    try:
        return resolve(current, query).id
    except LandscapeError as error:
        raise LandscapeError(unknown_entity_message(query, current, option, landscape, day)
                             if not find(current, query) else f"{option}: {error}") from None


def unknown_entity_message(query: str, current: Landscape, option: str = "--focus",
                           landscape: Landscape | None = None, day: date | None = None) -> str:
    """Why no entity answers to `query`: it is not there on that date (when it is there on
    another), or there is no such entity, with the closest ids, names and aliases."""
    elsewhere = find(landscape, query) if landscape is not None else []
    if elsewhere:
        entity = elsewhere[0]
        when = f" on {day.isoformat()}" if day else " on that date"
        return (f"{option}: {entity.id} ({entity.name}) is not in the landscape{when}, only on other "
                "dates: try another --as-of")
    return f"{option}: no entity {query!r}{did_you_mean(current, query)}"


def cluster_groups(clusters: list[dict[str, Any]], numbers: dict[str, int], short: list[str]) -> list[dict[str, Any]]:
    """The analysis's clusters of boards with similar work, as node numbers with a label
    naming what they share."""
    groups = []
    for cluster in clusters:
        members = [numbers[b] for b in cluster["boards"] if b in numbers]
        if len(members) > 1:
            themes = [short[numbers[t]] for t in cluster.get("themes", []) if t in numbers][:2]
            label = ("Shared work: " + "; ".join(themes) if themes
                     else f"{len(members)} boards with similar work")
            groups.append({"nodes": members, "label": label})
    return groups


def positions(nodes: dict[str, list[Any]], edges: dict[str, list[Any]], groups: list[dict[str, Any]],
              tops: list[bool]) -> dict[str, dict[str, Any]]:
    """Both layouts' positions, each with which labels fit at the default zoom and the labelled
    areas drawn behind the nodes."""
    types = [EDGE_TYPES[t] for t in edges["type"]]
    made = {
        "network": network_layout(len(nodes["entity"]), edges["from"], edges["to"], types,
                                  [g["nodes"] for g in groups], [g["label"] for g in groups]),
        "chart": chart_layout(nodes["type"], nodes["label"], tops, edges["from"], edges["to"], types),
    }
    priority = label_priority(nodes["size"], nodes["type"])
    return {name: {"x": placed.x, "y": placed.y, "areas": placed.areas,
                   "labelled": [int(shown) for shown in label_room(placed.x, placed.y, nodes["size"], nodes["short"],
                                                                    priority, areas=placed.areas)]}
            for name, placed in made.items()}


def short_name(name: str, aliases: list[str] | tuple[str, ...] = ()) -> str:
    """A name short enough for the map: the name itself, without a bracketed part, the longest
    short alias, or the name cut at a word."""
    if len(name) <= SHORT_LABEL:
        return name
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if 0 < len(plain) <= SHORT_LABEL:
        return plain
    fitting = [alias for alias in aliases if 0 < len(alias) <= SHORT_LABEL and alias != alias.lower()]
    if fitting:
        return max(fitting, key=len)
    cut = plain[:SHORT_LABEL - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "\u2026"


def node_columns(entities: list[Entity]) -> dict[str, list[Any]]:
    """The nodes, one list per field: what the filters test and what the tooltips and the
    details panel show.

    The page draws node n under the key `n<n>` and keeps its entity's id as data: vis-network
    keeps nodes in plain objects keyed by id, where an entity called `__proto__` would break it.
    """
    return {
        "entity": [e.id for e in entities],
        "label": [e.name for e in entities],
        "short": [short_name(e.name, split_list(e.get("aliases"))) for e in entities],
        "type": [e.type for e in entities],
        "sector": [e.sector for e in entities],
        "level": [e.level for e in entities],
        "start": [e.start for e in entities],
        "end": [e.end for e in entities],
        "description": [e.get("description") for e in entities],
        "source": [e.source for e in entities],
        "url": [safe_url(e.get("url")) for e in entities],
        "aliases": [e.get("aliases") for e in entities],
        "evidence": [e.evidence for e in entities],
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
        "evidence": [e.evidence for e in relationships],
    }


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


def source_line(name: str, current: Landscape, most: int = 3) -> str:
    """Where the picture comes from: the dataset and the documents it cites (by their titles,
    without locators), for the foot of a printed map."""
    documents: dict[str, None] = {}
    for citation in current.sources():
        for part in citation.split(";"):
            title = part.split(", ")[0].strip()
            if title:
                documents.setdefault(title)
    cited = list(documents)
    listed = "; ".join(cited[:most]) + (f"; and {len(cited) - most} more" if len(cited) > most else "")
    return (f"Source: Landscape dataset \u201c{name}\u201d ({len(current)} entities, "
            f"{len(current.relationships)} relationships)" + (f", citing {listed}" if cited else "") + ".")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
