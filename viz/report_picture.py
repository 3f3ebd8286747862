"""A still picture of the governance map for print and Word: boards in layers along their
reporting lines, each parent above its children, with the missing links drawn dashed in red
and boards with a gap ringed in amber.

`picture_view` works out the positions (deterministic: the same data gives the same
picture) as plain data in the report's view model; `map_picture` draws them as SVG and
turns that into a PNG at print resolution. The interactive map's own static export can
take `map_picture`'s place: the report asks only for PNG bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from xml.sax.saxutils import escape

from landscape.model import Landscape

PARENT_TYPES = ("reports_to", "part_of")
ROW_WIDTH = 7  # boxes in one row of a layer; a wider layer wraps
BOX_W, BOX_H, GAP_X, GAP_Y = 190, 46, 24, 40
PICTURE_LIMIT = 120  # bodies drawn at most
COLOURS = {"board": "#1b4f8c", "agency": "#2e7d5b"}
GAP_KINDS = ("orphan_board", "missing_required_member")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML cannot hold


def xml_text(text: str) -> str:
    """Text escaped for XML, with the characters XML cannot hold removed."""
    return escape(NOT_XML.sub("", text))


def picture_view(current: Landscape, result: dict[str, Any]) -> dict[str, Any] | None:
    """Boxes (`id`, `label`, `type`, `x`, `y`, `gap`) and lines (`from`, `to`, `kind`: parent,
    link or missing) of the boards, and the agencies boards report to, in `current` (a landscape
    on one day); None when it holds no board."""
    bodies = {e.id: e for e in current.entities.values() if e.type == "board"}
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in current.relationships:
        if edge.type in PARENT_TYPES and edge.source in bodies:
            target = current.entities.get(edge.target)
            if target is not None and target.type in ("board", "agency"):
                parents[edge.source].append(edge.target)
    for targets in parents.values():
        for parent in targets:
            bodies.setdefault(parent, current.entities[parent])
    if not bodies:
        return None
    chosen = sorted(bodies, key=lambda i: (bodies[i].name.casefold(), i))[:PICTURE_LIMIT]
    layer = layers(chosen, parents)
    position = place(chosen, layer, parents, {i: bodies[i].name for i in chosen})
    gaps = {found["entities"][0] for found in result["findings"] if found["kind"] in GAP_KINDS}
    drawn = set(position)
    lines = [{"from": child, "to": parent, "kind": "parent"}
             for child in chosen for parent in parents.get(child, []) if parent in drawn]
    lines += [{"from": e.source, "to": e.target, "kind": "link"} for e in current.relationships
              if e.type == "communicates_with" and e.source in drawn and e.target in drawn]
    lines += [{"from": f["entities"][0], "to": f["entities"][1], "kind": "missing"} for f in result["findings"]
              if f["kind"] == "missing_link" and f["entities"][0] in drawn and f["entities"][1] in drawn]
    boxes: list[dict[str, Any]] = [
        {"id": i, "label": short_name(bodies[i]), "type": bodies[i].type, "x": position[i][0], "y": position[i][1],
         "gap": i in gaps} for i in chosen]
    return {"boxes": boxes, "lines": lines,
            "width": max(box["x"] for box in boxes) + BOX_W + GAP_X,
            "height": max(box["y"] for box in boxes) + BOX_H + GAP_Y}


def short_name(entity: Any) -> str:
    """A body's name for a small box: its name, or its shortest alias when the name is long."""
    aliases = [a.strip() for a in entity.get("aliases").split(";") if a.strip()]
    if len(entity.name) > 3 * 28 and aliases:
        return min(aliases, key=len)
    return entity.name


def layers(ids: list[str], parents: dict[str, list[str]]) -> dict[str, int]:
    """Each body's layer: one below its lowest parent (0 for a body with none drawn). A loop of
    `part_of` lines, which validation does not refuse, stops at the number of bodies."""
    drawn = set(ids)
    layer: dict[str, int] = {}

    def depth(node: str, seen: frozenset[str]) -> int:
        if node in layer:
            return layer[node]
        above = [p for p in parents.get(node, []) if p in drawn and p not in seen]
        layer[node] = 1 + max((depth(p, seen | {node}) for p in above), default=-1)
        return layer[node]

    for node in ids:
        depth(node, frozenset())
    return layer


def place(ids: list[str], layer: dict[str, int], parents: dict[str, list[str]],
          names: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Positions layer by layer, on a grid `ROW_WIDTH` boxes wide (a wider layer takes more
    rows): each body in the free place nearest below its first parent, then bodies with no
    parent drawn in the places left, by name. Bodies in no reporting line at all (neither a
    parent nor a child drawn) come last, apart, so the chart above them stays clear."""
    drawn = set(ids)
    has_child = {p for child in ids for p in parents.get(child, []) if p in drawn}
    alone = [i for i in ids if i not in has_child and not any(p in drawn for p in parents.get(i, []))]
    apart = set(alone)
    column: dict[str, int] = {}
    position: dict[str, tuple[int, int]] = {}
    y = GAP_Y
    groups = [[i for i in ids if layer[i] == level and i not in apart]
              for level in range(max(layer.values(), default=0) + 1)]
    for number, members in enumerate([*groups, alone]):
        if not members:
            continue
        if number == len(groups) and len(alone) < len(ids):
            y += GAP_Y  # a wider gap before the bodies apart
        rows = -(-len(members) // ROW_WIDTH)
        free = [(row, col) for row in range(rows) for col in range(ROW_WIDTH)]

        def wanted(node: str) -> int | None:
            above = [column[p] for p in parents.get(node, []) if p in column]
            return min(above) if above else None

        placed = sorted((m for m in members if wanted(m) is not None), key=lambda m: (wanted(m), names[m].casefold()))
        rest = sorted((m for m in members if wanted(m) is None), key=lambda m: names[m].casefold())
        for node in placed + rest:
            target = wanted(node)
            slot = min(free, key=lambda rc: (rc[0], abs(rc[1] - target)) if target is not None else rc)
            free.remove(slot)
            column[node] = slot[1]
            position[node] = (GAP_X + slot[1] * (BOX_W + GAP_X), y + slot[0] * (BOX_H + GAP_Y))
        y += rows * (BOX_H + GAP_Y)
    return position


def wrap(text: str, width: int = 28, lines: int = 3) -> list[str]:
    """Text in at most `lines` lines of about `width` characters, the last cut with an ellipsis."""
    words, rows, row = text.split(), [], ""
    for word in words:
        if row and len(row) + 1 + len(word) > width:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}".strip()
    rows.append(row)
    if len(rows) > lines:
        rows = rows[:lines]
        rows[-1] = rows[-1][:width - 1].rstrip() + "…"
    return rows


def picture_svg(picture: dict[str, Any]) -> str:
    """The picture as SVG text; every label escaped."""
    at = {box["id"]: box for box in picture["boxes"]}
    width, height = picture["width"], picture["height"] + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for line in picture["lines"]:
        a, b = at[line["from"]], at[line["to"]]
        x1, y1 = a["x"] + BOX_W / 2, a["y"] + (0 if line["kind"] == "parent" else BOX_H / 2)
        x2, y2 = b["x"] + BOX_W / 2, b["y"] + (BOX_H if line["kind"] == "parent" else BOX_H / 2)
        style = {"parent": 'stroke="#7f8c8d" stroke-width="1.5"',
                 "link": 'stroke="#9467bd" stroke-width="1.5" stroke-dasharray="2 3"',
                 "missing": 'stroke="#d62728" stroke-width="2.5" stroke-dasharray="8 5"'}[line["kind"]]
        bend = 0 if line["kind"] == "parent" else 40
        parts.append(f'<path d="M{x1:.0f},{y1:.0f} Q{(x1 + x2) / 2 + bend:.0f},{(y1 + y2) / 2 - bend:.0f} '
                     f'{x2:.0f},{y2:.0f}" fill="none" {style}/>')
    for box in picture["boxes"]:
        colour = COLOURS.get(box["type"], "#555555")
        ring = ' stroke="#f39c12" stroke-width="4" stroke-dasharray="6 3"' if box["gap"] else \
            f' stroke="{colour}" stroke-width="1.5"'
        parts.append(f'<rect x="{box["x"]}" y="{box["y"]}" width="{BOX_W}" height="{BOX_H}" rx="6" '
                     f'fill="#ffffff"{ring}/>')
        parts.append(f'<rect x="{box["x"]}" y="{box["y"]}" width="6" height="{BOX_H}" fill="{colour}"/>')
        rows = wrap(box["label"])
        top = box["y"] + BOX_H / 2 - (len(rows) - 1) * 6.5 + 4
        for number, row in enumerate(rows):
            parts.append(f'<text x="{box["x"] + BOX_W / 2 + 3:.0f}" y="{top + number * 13:.0f}" font-size="11.5" '
                         f'text-anchor="middle" fill="#1d2733">{xml_text(row)}</text>')
    y = picture["height"] + 10
    legend = [("#1b4f8c", "board", ""), ("#2e7d5b", "agency", ""),
              ("#7f8c8d", "reports to / part of", ""), ("#9467bd", "agreed link", "2 3"),
              ("#d62728", "missing link", "8 5"), ("#f39c12", "gap (accountability or membership)", "6 3")]
    x = GAP_X
    for colour, label, dash in legend:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{x}" y1="{y + 10}" x2="{x + 28}" y2="{y + 10}" stroke="{colour}" '
                     f'stroke-width="4"{dashes}/>')
        parts.append(f'<text x="{x + 34}" y="{y + 14}" font-size="13" fill="#1d2733">{xml_text(label)}</text>')
        x += 48 + 8 * len(label)
    parts.append("</svg>")
    return "\n".join(parts)


def map_picture(view: dict[str, Any]) -> bytes | None:
    """The report's map as a PNG at print resolution (about 200 dpi across an A4 page), or None
    when the report has no picture (a landscape with no board, or too large to draw)."""
    picture = view.get("picture")
    if not picture:
        return None
    try:
        import cairosvg  # needs the system's cairo library
    except (ImportError, OSError):
        return None
    width = max(2000, picture["width"])
    png = cairosvg.svg2png(bytestring=picture_svg(picture).encode("utf-8"), output_width=width)
    return bytes(png) if png else None
