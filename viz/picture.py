"""The map as a static picture for print: SVG written here, PNG and PDF converted with CairoSVG.

The picture shows what the page opens on (the layout, focus and theme chosen, on the
map's day; missing links drawn, other findings left to the page): the areas, lines,
nodes and the labels that fit, with a title, the date, a legend of the node types,
line types and marks on show, and a source line. A comparison map's picture marks what
was added, ended and changed, and the findings resolved, as the page does. The same SVG is carried in the HTML
page for readers whose mail client runs no scripts. Every text is escaped for XML.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Set
from typing import Any
from xml.sax.saxutils import quoteattr

from landscape.analysis.findings import GAP_KINDS
from landscape.cells import NOT_IN_XML
from landscape.errors import LandscapeError
from viz.layout import AREA_FONT, BODY_TYPES, CHART_LINES, LABEL_WIDTH, label_extent, label_priority, label_room
from viz.layout import FONT as LABEL_FONT

WIDTH = 1600.0  # the picture's width in SVG units (a PNG is drawn at PNG_WIDTH pixels)
PNG_WIDTH = 3600
MARGIN = 50.0
FONT = "Segoe UI, Helvetica, Arial, Liberation Sans, sans-serif"
MISSING, OVERLAP = "#d62728", "#9467bd"
ENDED_FILL = "#e3e7ec"  # an ended node on a comparison map, as the page paints it
CHANGE_KEY = [("added", "Added (ringed; lines added in green)"), ("ended", "Ended (pale; lines ended dashed grey)"),
              ("changed", "Changed (renamed, or a field such as its sector)"),
              ("resolved", "Finding resolved (dotted line, or ring round a gap that closed)")]
ARROW_LIMIT = 1000  # above this many nodes, lines are drawn without arrow heads (too small to see)
SHAPES = {  # corners of each shape, in node radii, as the page draws them
    "square": [(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)],
    "diamond": [(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)],
    "triangle": [(0, -1.1), (1.1, 0.9), (-1.1, 0.9)],
    "hexagon": [(-0.5, -0.87), (0.5, -0.87), (1, 0), (0.5, 0.87), (-0.5, 0.87), (-1, 0)],
    "star": [((1.1 if i % 2 == 0 else 0.45) * math.cos(math.pi * i / 5 - math.pi / 2),
              (1.1 if i % 2 == 0 else 0.45) * math.sin(math.pi * i / 5 - math.pi / 2)) for i in range(10)],
}


def escape(text: str) -> str:
    """Text for XML, quotation marks too (so no name reads as an attribute anywhere), without
    the characters XML cannot hold (validation refuses them; a landscape built in code may not).

    >>> escape("<b>Tom & Jerry's</b>\\x0b")
    '&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;'
    """
    return (NOT_IN_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def shown_nodes(view: dict[str, Any]) -> list[bool]:
    """Which nodes the page shows when it opens: within the focus, related to the theme, and
    in the chart only the bodies (unless there is a focus)."""
    nodes, edges = view["nodes"], view["edges"]
    size = len(nodes["entity"])
    relation = [view["relations"][t]["type"] for t in edges["type"]]
    shown = [True] * size
    if view["focus"] is not None:
        adjacent: list[list[int]] = [[] for _ in range(size)]
        for a, b in zip(edges["from"], edges["to"]):
            adjacent[a].append(b)
            adjacent[b].append(a)
        distance = {view["focus"]: 0}
        queue = deque([view["focus"]])
        while queue:
            node = queue.popleft()
            if distance[node] < view["depth"]:
                for other in adjacent[node]:
                    if other not in distance:
                        distance[other] = distance[node] + 1
                        queue.append(other)
        shown = [i in distance for i in range(size)]
    elif view["layout"] == "chart":
        shown = [t in BODY_TYPES for t in nodes["type"]]
    if view["theme"] is not None:
        theme = nodes["entity"][view["theme"]]
        remit: list[set[str]] = [set() for _ in range(size)]
        for a, b, kind in zip(edges["from"], edges["to"], relation):
            if kind == "addresses":
                remit[a].add(nodes["entity"][b])
        reach = [{nodes["entity"][i]} if nodes["type"][i] == "theme" else set(remit[i]) for i in range(size)]
        for a, b, kind in zip(edges["from"], edges["to"], relation):
            if kind != "addresses":
                reach[a] |= remit[b]
                reach[b] |= remit[a]
        shown = [on and (theme in reach[i] or i == view["focus"]) for i, on in enumerate(shown)]
    return shown


def svg_picture(view: dict[str, Any]) -> str:
    """The view (see viz.map.map_view) as it opens, as one SVG document."""
    nodes, edges = view["nodes"], view["edges"]
    placed = view["layouts"][view["layout"]]
    xs, ys, sizes = placed["x"], placed["y"], nodes["size"]
    shown = shown_nodes(view)
    chart_only = view["layout"] == "chart" and view["focus"] is None
    line_changes = edges.get("change") or [""] * len(edges["from"])
    lines = [(a, b, view["relations"][t], change)
             for a, b, t, change in zip(edges["from"], edges["to"], edges["type"], line_changes)
             if shown[a] and shown[b] and (not chart_only or view["relations"][t]["type"] in CHART_LINES)]
    by_id = {entity: number for number, entity in enumerate(nodes["entity"])}
    found = view["findings"]
    outcomes = found.get("outcome") or [""] * len(found["kind"])
    drawn_links = {outcome: [(by_id[f[0]], by_id[f[1]], explanation)
                             for kind, f, explanation, result in zip(found["kind"], found["entities"],
                                                                     found["explanation"], outcomes)
                             if kind == "missing_link" and len(f) == 2 and view["layout"] == "network"
                             and (result == "resolved") == (outcome == "resolved")
                             and all(e in by_id and shown[by_id[e]] for e in f)]
                   for outcome in ("", "resolved")}
    missing, resolved_links = drawn_links[""], drawn_links["resolved"]
    resolved_gaps = {by_id[e] for kind, f, result in zip(found["kind"], found["entities"], outcomes)
                     if result == "resolved" and kind in GAP_KINDS for e in f if e in by_id}
    whole = all(shown) or chart_only
    areas = [a for a in placed["areas"] if a["kind"] != "band"] if whole and view["theme"] is None else []
    if all(shown) and areas == placed["areas"]:  # the question the layout answered for the page
        labelled = [bool(on) for on in placed["labelled"]]
    else:
        labelled = label_room(xs, ys, sizes, nodes["short"], label_priority(sizes, nodes["type"]), keep=shown,
                              areas=areas)

    on = [i for i in range(len(shown)) if shown[i]]
    left = min([xs[i] - LABEL_WIDTH / 2 for i in on] + [p for a in areas for p in a["points"][0::2]], default=0)
    right = max([xs[i] + LABEL_WIDTH / 2 for i in on] + [p for a in areas for p in a["points"][0::2]], default=1)
    top = min([ys[i] - sizes[i] - 10 for i in on] + [a["y"] - 24 for a in areas] +
              [p for a in areas for p in a["points"][1::2]], default=0)
    bottom = max([ys[i] + sizes[i] + 40 for i in on] + [p for a in areas for p in a["points"][1::2]], default=1)
    scale = min((WIDTH - 2 * MARGIN) / max(right - left, 1), 1.6)
    head = 120.0
    map_height = (bottom - top) * scale
    marks = {nodes.get("change", [""] * len(shown))[i] for i in on} | {change for *_, change in lines}
    marks |= {"resolved"} if resolved_links or resolved_gaps & set(on) else set()
    key, key_height = legend(view, [nodes["type"][i] for i in on], {r["type"] for _, _, r, _ in lines}, bool(missing),
                             head + map_height + 30, marks - {""})
    height = head + map_height + 30 + key_height + 60
    offset_x = MARGIN + (WIDTH - 2 * MARGIN - (right - left) * scale) / 2 - left * scale
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lmap-static" viewBox="0 0 {WIDTH:.0f} {height:.0f}" '
           f'width="{WIDTH:.0f}" height="{height:.0f}" font-family={quoteattr(FONT)} role="img" '
           f'aria-label={quoteattr("Map of " + view["title"])}>',
           f'<rect width="{WIDTH:.0f}" height="{height:.0f}" fill="#ffffff"/>',
           f'<text x="{MARGIN}" y="58" font-size="30" font-weight="600" fill="#1b4f8c">{escape(view["title"])}</text>',
           f'<text x="{MARGIN}" y="92" font-size="17" fill="#5b6b7c">'
           f'{escape(subtitle(view, len(on), len(shown)))}</text>',
           f'<g transform="translate({offset_x:.1f} {head - top * scale:.1f}) scale({scale:.4f})">']
    for area in areas:
        cluster = area["kind"] == "cluster"
        points = " ".join(f"{x},{y}" for x, y in zip(area["points"][0::2], area["points"][1::2]))
        dashed = "" if cluster else ' stroke-dasharray="6 4"'
        out.append(f'<polygon points="{points}" fill="{"#1b4f8c" if cluster else "#5d6d7e"}" '
                   f'fill-opacity="{0.07 if cluster else 0.05}" stroke="{"#1b4f8c" if cluster else "#5d6d7e"}" '
                   f'stroke-opacity="0.35" stroke-width="1.5"{dashed}/>')
        text = (f'<text x="{area["x"]}" y="{area["y"] + (0 if cluster else 28)}" font-size="{AREA_FONT:.0f}" '
                f'font-weight="600" text-anchor="{"middle" if cluster else "start"}" ')
        out.append(text + f'fill="#ffffff" stroke="#ffffff" stroke-width="5" stroke-linejoin="round">'
                   f'{escape(area["label"])}</text>')  # a halo, so lines beneath do not cross the words
        out.append(text + f'fill="{"#1b4f8c" if cluster else "#4a5868"}">{escape(area["label"])}</text>')
    colours = (view.get("comparison") or {}).get("colours", {})
    out += relation_lines(lines, xs, ys, sizes, arrows=len(on) <= ARROW_LIMIT, colours=colours)
    for found, colour, dashes, words in ((missing, MISSING, "8 6", ""), (resolved_links, colours.get("resolved"), "2 5",
                                                                          "Resolved: ")):
        if found:
            out.append(f'<g stroke="{colour}" stroke-width="3" stroke-dasharray="{dashes}">')
            out += [f'<line x1="{xs[a]}" y1="{ys[a]}" x2="{xs[b]}" y2="{ys[b]}"><title>{escape(words + explanation)}'
                    "</title></line>" for a, b, explanation in found]
            out.append("</g>")
    for i in on:
        out.append(node_shape(view, i, xs[i], ys[i], sizes[i]))
        if i in resolved_gaps:
            out.append(ring(xs[i], ys[i], sizes[i] + 5, colours["resolved"], 3, "2 3"))
    out += [label(nodes["short"][i], xs[i], ys[i] + sizes[i] + 3) for i in on if labelled[i]]
    out.append("</g>")
    out += key
    out.append(f'<text x="{MARGIN}" y="{height - 28:.0f}" font-size="14" fill="#5b6b7c">'
               f'{escape(view["source_line"])}</text>')
    out.append("</svg>")
    return "\n".join(out)


def subtitle(view: dict[str, Any], shown: int, total: int) -> str:
    nodes = view["nodes"]
    parts = [f"As of {view['as_of']}", "Governance chart" if view["layout"] == "chart" else "Network of relationships",
             f"{shown} of {total} shown"]
    if view["focus"] is not None:
        parts.append(f"focus: {nodes['label'][view['focus']]} (depth {view['depth']})")
    if view["theme"] is not None:
        parts.append(f"theme: {nodes['label'][view['theme']]}")
    if view.get("comparison"):
        parts.append(f"changes from {view['comparison']['from']} to {view['comparison']['to']}")
    return " \u00b7 ".join(parts)


def relation_lines(lines: list[tuple[int, int, dict[str, Any], str]], xs: list[float], ys: list[float],
                   sizes: list[float], arrows: bool, colours: dict[str, str] | None = None) -> list[str]:
    """The relationships' lines, a group for each type (and, on a comparison map, each change:
    added lines in `colours["added"]` and a little wider, ended ones dashed) that carries its
    colour and width, so each line is only its two ends, which keeps a large picture small; then
    that group's arrow heads when `arrows` and the type is directed, each stopping short of its
    target node.

    >>> relation_lines([(0, 1, {"type": "funds", "colour": "#b8860b", "width": 1, "arrows": ""}, "")],
    ...                [0, 100], [0, 0], [12, 12], arrows=True)[1]
    '<line x1="0" y1="0" x2="100" y2="0"/>'
    """
    colours = colours or {}
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    relations = {}
    for a, b, relation, change in lines:
        groups.setdefault((relation["type"], change), []).append((a, b))
        relations[relation["type"]] = relation
    out = []
    for (kind, change), ends in groups.items():
        relation = relations[kind]
        colour = colours.get(change, relation["colour"])
        dash = ' stroke-dasharray="4 4"' if change == "ended" else ""
        out.append(f'<g stroke="{colour}" stroke-width="{relation["width"] + (change == "added")}" '
                   f'stroke-opacity="0.75"{dash}>')
        out += [f'<line x1="{xs[a]}" y1="{ys[a]}" x2="{xs[b]}" y2="{ys[b]}"/>' for a, b in ends]
        out.append("</g>")
        if arrows and relation["arrows"]:
            out.append(f'<g fill="{colour}">')
            out += [arrow_head(xs[a], ys[a], xs[b], ys[b], sizes[b]) for a, b in ends
                    if (xs[a], ys[a]) != (xs[b], ys[b])]
            out.append("</g>")
    return out


def arrow_head(x1: float, y1: float, x2: float, y2: float, gap: float) -> str:
    """An arrow head on the line from (x1, y1) to (x2, y2), its tip `gap` + 2 short of the end.

    >>> arrow_head(0, 0, 100, 0, 12)
    '<polygon points="86.0,0.0 77.9,3.9 77.9,-3.9"/>'
    """
    angle = math.atan2(y2 - y1, x2 - x1)
    tip_x, tip_y = x2 - math.cos(angle) * (gap + 2), y2 - math.sin(angle) * (gap + 2)
    corners = [(tip_x, tip_y)] + [(tip_x - 9 * math.cos(angle + turn), tip_y - 9 * math.sin(angle + turn))
                                  for turn in (-0.45, 0.45)]
    return '<polygon points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in corners) + '"/>'


def node_shape(view: dict[str, Any], i: int, x: float, y: float, r: float) -> str:
    """A node in its type's shape and colour; on a comparison map, an added or changed one
    ringed in its change's colour, an ended one pale with a dashed outline, as the page paints it."""
    style = next(t for t in view["legend"] if t["type"] == view["nodes"]["type"][i])
    name = escape(view["nodes"]["label"][i])
    change = view["nodes"].get("change", [""] * (i + 1))[i]
    if not change:
        return shape(style["shape"], x, y, r, style["colour"], f"<title>{name}</title>")
    colour = view["comparison"]["colours"][change]
    title = f"<title>{name}: {escape(change)}</title>"
    if change == "ended":
        return shape(style["shape"], x, y, r, ENDED_FILL, title, outline=(colour, 3, "4 3"))
    return shape(style["shape"], x, y, r, style["colour"], title) + ring(x, y, r + 7, colour, 3.5)


def line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float, dashes: str = "") -> str:
    """A straight line of the key."""
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="{width}"{dash}/>'


def ring(x: float, y: float, r: float, colour: str, width: float, dashes: str = "", fill: str = "none") -> str:
    """A circle's outline (a mark round a node, or its swatch in the key).

    >>> ring(0, 0, 5, "#2ca02c", 3, "2 3")
    '<circle cx="0" cy="0" r="5" fill="none" stroke="#2ca02c" stroke-width="3" stroke-dasharray="2 3"/>'
    """
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    return f'<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}" stroke="{colour}" stroke-width="{width}"{dash}/>'


def shape(kind: str, x: float, y: float, r: float, colour: str, inside: str = "",
          outline: tuple[str, float, str] = ("#ffffff", 1.5, "")) -> str:
    """A node's shape filled with `colour`, its `outline` a colour, a width and a dash pattern."""
    stroke, width, dashes = outline
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    paint = f'fill="{colour}" stroke="{stroke}" stroke-width="{width}"{dash}'
    if kind not in SHAPES:
        return f'<circle cx="{x}" cy="{y}" r="{r}" {paint}>{inside}</circle>'
    points = " ".join(f"{x + a * r:.1f},{y + b * r:.1f}" for a, b in SHAPES[kind])
    return f'<polygon points="{points}" {paint}>{inside}</polygon>'


def wrap(text: str) -> list[str]:
    """A label's lines, wrapped at words as the page wraps them: a word joins the line before it
    while the two fit in LABEL_WIDTH.

    >>> wrap("London Violence Reduction Unit")
    ['London Violence', 'Reduction Unit']
    """
    lines: list[str] = []
    for word in text.split(" "):
        if lines and label_extent(lines[-1] + " " + word)[0] < LABEL_WIDTH:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def label(text: str, x: float, y: float) -> str:
    """A label centred beneath a node: a white halo drawn first, then the text."""
    spans = "".join(f'<tspan x="{x}" dy="{0 if n == 0 else LABEL_FONT * 1.2}">{escape(part)}</tspan>'
                    for n, part in enumerate(wrap(text)))
    base = y + LABEL_FONT * 0.92
    return (f'<text x="{x}" y="{base}" font-size="{LABEL_FONT}" fill="#ffffff" text-anchor="middle" stroke="#ffffff" '
            f'stroke-width="4" stroke-linejoin="round">{spans}</text>'
            f'<text x="{x}" y="{base}" font-size="{LABEL_FONT}" fill="#1d2733" text-anchor="middle">{spans}</text>')


def legend(view: dict[str, Any], types: list[str], relations: set[str], missing: bool,
           top: float, changes: Set[str] = frozenset()) -> tuple[list[str], float]:
    """The key: node types, line types and marks on show, in rows that wrap at the width; on a
    comparison map, a row of the changes on show (`added`, `ended`, `changed`, `resolved`)."""
    out: list[str] = []
    x, y = MARGIN, top + 14

    def advance(width: float) -> None:
        nonlocal x, y
        x += width
        if x > WIDTH - MARGIN - 160:
            x, y = MARGIN, y + 30

    out.append(f'<text x="{MARGIN}" y="{y - 2}" font-size="15" font-weight="600" fill="#1b4f8c">Key</text>')
    y += 26
    present = set(types)
    for item in view["legend"]:
        if item["type"] in present:
            out.append(shape(item["shape"], x + 9, y, 8, item["colour"]))
            out.append(f'<text x="{x + 24}" y="{y + 5}" font-size="15" fill="#1d2733">{escape(item["label"])}</text>')
            advance(44 + 8.4 * len(item["label"]))
    x, y = MARGIN, y + 32
    for relation in view["relations"]:
        if relation["type"] in relations:
            out.append(line(x, y, x + 30, y, relation["colour"], max(2, relation["width"])))
            out.append(f'<text x="{x + 38}" y="{y + 5}" font-size="15" fill="#1d2733">'
                       f'{escape(relation["label"])}</text>')
            advance(56 + 8.4 * len(relation["label"]))
    if missing:
        out.append(line(x, y, x + 30, y, MISSING, 3, "8 6"))
        out.append(f'<text x="{x + 38}" y="{y + 5}" font-size="15" fill="#1d2733">Missing link (finding)</text>')
        advance(56 + 8.4 * 22)
    if any(a["kind"] == "cluster" for a in view["layouts"][view["layout"]]["areas"]) and view["layout"] == "network":
        out.append(f'<rect x="{x}" y="{y - 7}" width="30" height="14" rx="5" fill="#1b4f8c" fill-opacity="0.07" '
                   'stroke="#1b4f8c" stroke-opacity="0.35"/>')
        out.append(f'<text x="{x + 38}" y="{y + 5}" font-size="15" fill="#1d2733">Boards with similar work</text>')
        advance(56 + 8.4 * 24)
    if changes:
        colours = view["comparison"]["colours"]
        x, y = MARGIN, y + 32
        for change, words in CHANGE_KEY:
            if change in changes:
                if change == "resolved":
                    out.append(line(x, y, x + 30, y, colours[change], 3, "2 5"))
                else:
                    ended = change == "ended"
                    out.append(ring(x + 15, y, 8, colours[change], 3, "4 3" if ended else "",
                                    ENDED_FILL if ended else "#ffffff"))
                out.append(f'<text x="{x + 38}" y="{y + 5}" font-size="15" fill="#1d2733">{escape(words)}</text>')
                advance(56 + 8.4 * len(words))
    out.append(f'<text x="{MARGIN}" y="{y + 34}" font-size="14" fill="#5b6b7c">Arrows point from a body to the one '
               'it reports to or is part of. Labels are short names; the interactive map gives full names, '
               'sources and findings.</text>')
    return out, y + 40 - top


def cairo() -> Any:
    """CairoSVG, which needs the system's cairo library (scripts/setup.sh installs it)."""
    try:
        import cairosvg
    except OSError as error:  # raised when cairocffi cannot find the library
        raise LandscapeError("PNG and PDF pictures need the cairo library (libcairo2 on Debian and "
                             f"Ubuntu; scripts/setup.sh installs it as root): {error}") from None
    return cairosvg


def png_picture(svg: str, width: int = PNG_WIDTH) -> bytes:
    """The SVG drawn as a PNG `width` pixels wide (print resolution)."""
    return cairo().svg2png(bytestring=svg.encode("utf-8"), output_width=width)


def pdf_picture(svg: str) -> bytes:
    """The SVG as a one-page vector PDF."""
    return cairo().svg2pdf(bytestring=svg.encode("utf-8"))
