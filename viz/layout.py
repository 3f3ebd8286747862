"""Where each node of a map is drawn, computed when the file is written.

The same data and options always give the same positions: the force layout starts from
fixed places (a sunflower spiral) with igraph's random numbers seeded, and the chart is
layered by igraph's Sugiyama layout, which has no randomness. The page only draws them.

Coordinates are in the page's units (about a pixel at zoom 1), y growing downwards.

- `network`: a force layout (Fruchterman-Reingold) of every relationship, each cluster
  of boards with similar work held together by a hidden hub, so it is drawn as a group
  and labelled; scaled so that neighbours sit about `SPACING` apart.
- `chart`: the governance chart. Boards and agencies linked by `reports_to` and
  `part_of` are layered, each parent above its children, one tree (a connected group
  of lines) at a time, packed in rows with the top bodies' trees first; bodies with no
  recorded line are set apart in a labelled block; everything else (members,
  initiatives, themes) sits in bands beneath, each near the bodies it is linked to.

`label_room` then says which short labels fit without overlapping at the default zoom:
the best-connected nodes keep theirs, the rest show their names on hover or zoom.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np

BODY_TYPES = frozenset({"board", "agency"})
CHART_LINES = frozenset({"reports_to", "part_of"})
SPACING = 110.0  # typical distance between neighbouring nodes in the network view (room for labels)
COLUMN = 240.0  # width of a column of the chart (room for a two-line label)
ROW = 130.0  # height of a layer of the chart
FONT = 20.0  # label size in page units (readable when a whole map fits a screen)
LABEL_WIDTH = 220.0  # labels wrap beyond this width (vis-network's widthConstraint)
CHAR_WIDTH = 0.56  # the width of an average character, in font sizes
# How strongly each kind of relationship pulls its ends together in the network view.
PULL = {"reports_to": 3.0, "part_of": 3.0, "communicates_with": 2.0, "member_of": 1.0, "oversees": 1.5,
        "leads": 1.0, "delivers": 0.8, "funds": 0.6, "supports": 1.0, "addresses": 0.5}
CLUSTER_PULL = 4.0
CONTEXT_BANDS = (("initiative",), ("vcs", "person"), ("theme",))  # the chart's bands beneath the bodies


@dataclass
class Placed:
    """Positions of a map's nodes in one layout, and the labelled areas drawn behind them."""

    x: list[float]
    y: list[float]
    areas: list[dict[str, Any]] = field(default_factory=list)


def seeded(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an igraph function with its random numbers seeded, restoring the usual source after."""
    ig.set_random_number_generator(random.Random(7))
    try:
        return function(*args, **kwargs)
    finally:
        ig.set_random_number_generator(random)


def sunflower(size: int) -> list[list[float]]:
    """Fixed starting places: a spiral of evenly spread points, node 0 at the centre."""
    golden = math.pi * (3 - math.sqrt(5))
    return [[math.sqrt(i + 0.5) * math.cos(i * golden), math.sqrt(i + 0.5) * math.sin(i * golden)]
            for i in range(size)]


def network_layout(size: int, sources: Sequence[int], targets: Sequence[int], types: Sequence[str],
                   groups: Sequence[Sequence[int]], group_labels: Sequence[str]) -> Placed:
    """The network view: each connected piece laid out by a seeded force layout (Kamada-Kawai
    up to `EXACT_LIMIT` nodes, Fruchterman-Reingold on a grid above), each group (a cluster of
    boards) pulled together by a hub of its own and drawn as a labelled area; the largest piece
    first, smaller ones in rows beneath, nodes with no relationship in a labelled block."""
    if size == 0:
        return Placed([], [])
    hubs = [size + number for number in range(len(groups))]
    edges = list(zip(sources, targets)) + [(hub, member) for hub, group in zip(hubs, groups) for member in group]
    pulls = [PULL.get(t, 1.0) for t in types] + [CLUSTER_PULL] * (len(edges) - len(types))
    graph = ig.Graph(n=size + len(hubs), edges=edges)
    graph.es["pull"] = pulls
    at = np.zeros((size + len(hubs), 2))
    pieces, loose = [], []
    for piece in graph.connected_components():
        if len(piece) == 1:
            loose.extend(piece)
        else:
            pieces.append((piece, piece_layout(graph.induced_subgraph(piece))))
    pieces.sort(key=lambda item: (-len(item[0]), item[0][0]))
    # The largest piece on the left; the others, then the loose nodes, in rows to its right (or
    # beneath it, when it is already wider than a screen's shape), so the whole fits a screen.
    main_w = main_h = 0.0
    if pieces:
        coords = pieces[0][1] - pieces[0][1].min(axis=0)
        at[pieces[0][0]] = coords
        main_w, main_h = float(coords[:, 0].max()), float(coords[:, 1].max())
    beside = main_w < 1.5 * main_h
    left = main_w + SPACING * 3 if beside and pieces else 0.0
    width = max(COLUMN * 3, min(main_w, 1.4 * main_h - main_w) if beside else main_w)
    x, y, row = 0.0, 0.0 if beside else main_h + SPACING * 2.5, 0.0
    for piece, coords in pieces[1:]:
        coords = coords - coords.min(axis=0)
        w, h = float(coords[:, 0].max()), float(coords[:, 1].max())
        if x and x + w > width:
            x, y, row = 0.0, y + row + SPACING * 1.5, 0.0
        at[piece] = coords + [left + x, y]
        x += w + SPACING * 1.5
        row = max(row, h)
    areas = []
    if loose:
        top = y + row + SPACING * 2.2 if len(pieces) > 1 or not beside else SPACING
        columns = max(1, int(width // COLUMN))
        loose.sort()
        for number, node in enumerate(loose):
            at[node] = [left + (number % columns) * COLUMN, top + (number // columns) * SPACING * 1.2]
        rows = math.ceil(len(loose) / columns)
        areas.append(box_area("unlined", "No relationships recorded", left - COLUMN * 0.45, top - SPACING * 0.9,
                              min(columns, len(loose)) * COLUMN - COLUMN * 0.1, rows * SPACING * 1.2 + 30))
    clusters = [hull_area(at[list(group)], label) for group, label in zip(groups, group_labels) if len(group) > 1]
    taken: list[tuple[float, float, float, float]] = []
    for area in clusters:  # a cluster's label moves up until it clears the labels placed before it
        box = area_label_box(area)
        while any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in taken):
            area["y"] -= AREA_FONT + 6
            box = area_label_box(area)
        taken.append(box)
    areas = clusters + areas
    xs, ys = np.rint(at[:size, 0]), np.rint(at[:size, 1])
    return Placed(xs.astype(int).tolist(), ys.astype(int).tolist(), areas)


EXACT_LIMIT = 600  # pieces up to this many nodes get Kamada-Kawai's even spacing


def piece_layout(graph: ig.Graph) -> np.ndarray:
    """One connected piece's positions, neighbours about SPACING apart."""
    size = graph.vcount()
    start = sunflower(size)
    if size <= EXACT_LIMIT:
        lengths = [1.0 / pull ** 0.25 for pull in graph.es["pull"]]
        coords = seeded(graph.layout_kamada_kawai, seed=start, maxiter=50 * size, weights=lengths).coords
    else:
        coords = seeded(graph.layout_fruchterman_reingold, weights=graph.es["pull"], seed=start,
                        niter=120, grid="auto").coords  # enough to settle a large piece, in a second
    return apart(spread(np.array(coords, dtype=float), size))


def apart(at: np.ndarray, least: float = 0.8 * SPACING, rounds: int = 30) -> np.ndarray:
    """The positions with nodes closer than `least` pushed apart, each pair by half its shortfall
    along the line between them, over a few rounds: the force layout's crowded middle opened up.
    Pairs are taken in a fixed order, so the result is the same every time."""
    from scipy.spatial import cKDTree

    at = at.copy()
    for _ in range(rounds):
        pairs = cKDTree(at).query_pairs(least, output_type="ndarray")
        if not len(pairs):
            break
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
        first, second = pairs[:, 0], pairs[:, 1]
        gap = at[second] - at[first]
        distance = np.hypot(gap[:, 0], gap[:, 1])
        same = distance < 1e-6
        gap[same] = [1.0, 0.0]  # nodes on one spot part sideways
        distance[same] = 1.0
        push = gap / distance[:, None] * ((least - np.where(same, 0, distance)) / 2)[:, None]
        moves = np.zeros_like(at)
        np.add.at(moves, first, -push)
        np.add.at(moves, second, push)
        at += moves * 0.5
    return at


def spread(at: np.ndarray, size: int) -> np.ndarray:
    """Positions scaled so that the median distance from a node to its nearest one is SPACING."""
    from scipy.spatial import cKDTree

    if size > 1:
        distance, _ = cKDTree(at).query(at, k=2)
        nearest = float(np.median(distance[:, 1]))
        if nearest > 0:
            at = at * (SPACING / nearest)
    return at


def hull_area(points: np.ndarray, label: str, pad: float = 45.0) -> dict[str, Any]:
    """A rounded outline around `points` (a cluster's members), as a polygon, with its label."""
    from scipy.spatial import ConvexHull

    angles = np.linspace(0, 2 * math.pi, 16, endpoint=False)
    ring = np.stack([np.cos(angles), np.sin(angles)], axis=1) * pad
    cloud = (points[:, None, :] + ring[None, :, :]).reshape(-1, 2)
    corners = cloud[ConvexHull(cloud).vertices]
    return {"kind": "cluster", "label": label,
            "points": np.rint(corners).astype(int).ravel().tolist(),
            "x": int(round(float(points[:, 0].mean()))), "y": int(round(float(corners[:, 1].min()))) - 6}


def chart_layout(types: Sequence[str], names: Sequence[str], tops: Sequence[bool], sources: Sequence[int],
                 targets: Sequence[int], edge_types: Sequence[str]) -> Placed:
    """The governance chart: bodies layered along their lines, parents above children."""
    size = len(types)
    xs, ys = [0.0] * size, [0.0] * size
    bodies = [i for i in range(size) if types[i] in BODY_TYPES]
    lines = sorted({(target, source) for source, target, kind in zip(sources, targets, edge_types)
                    if kind in CHART_LINES and source != target
                    and types[source] in BODY_TYPES and types[target] in BODY_TYPES})  # parent, child
    lined = sorted({i for line in lines for i in line})
    index = {node: number for number, node in enumerate(lined)}
    graph = ig.Graph(n=len(lined), edges=[(index[a], index[b]) for a, b in lines], directed=True)
    trees = [[lined[i] for i in component] for component in graph.connected_components(mode="weak")]
    trees.sort(key=lambda tree: (not any(tops[i] for i in tree), -len(tree), min(tree)))
    blocks = []
    for tree in trees:
        sub = graph.induced_subgraph([index[i] for i in tree])
        order = sorted(tree, key=index.__getitem__)  # induced_subgraph keeps the vertices' order
        at = np.array(sub.layout_sugiyama(maxiter=100).coords, dtype=float)[:len(order)]
        at[:, 0] = (at[:, 0] - at[:, 0].min()) * COLUMN
        at[:, 1] = (at[:, 1] - at[:, 1].min()) * ROW
        blocks.append((order, at))
    width = max([float(at[:, 0].max()) + COLUMN for _, at in blocks] +
                [math.sqrt(sum((float(at[:, 0].max()) + COLUMN) * (float(at[:, 1].max()) + ROW)
                               for _, at in blocks)) * 1.8])
    x = y = row_height = 0.0
    for order, at in blocks:
        block_width, block_height = float(at[:, 0].max()) + COLUMN, float(at[:, 1].max()) + ROW
        if x and x + block_width > width:
            x, y, row_height = 0.0, y + row_height + ROW * 0.4, 0.0
        for node, (bx, by) in zip(order, at):
            xs[node], ys[node] = x + bx, y + by
        x += block_width + COLUMN * 0.3
        row_height = max(row_height, block_height)
    trees_bottom = y + row_height if blocks else 0.0
    areas = []
    alone = sorted((i for i in bodies if i not in index), key=lambda i: (types[i] != "board", names[i].lower(), i))
    if alone:
        columns = max(4, min(len(alone), int(width // COLUMN)))
        top = trees_bottom + ROW * 0.9
        for number, node in enumerate(alone):
            xs[node] = (number % columns) * COLUMN
            ys[node] = top + (number // columns) * ROW * 0.85
        rows = math.ceil(len(alone) / columns)
        areas.append(box_area("unlined", "No reporting line recorded", -COLUMN / 2, top - ROW * 0.55,
                              columns * COLUMN, rows * ROW * 0.85 + ROW * 0.2))
        trees_bottom = top + rows * ROW * 0.85
    place_context(types, sources, targets, edge_types, xs, ys, trees_bottom, areas)
    return Placed([int(round(v)) for v in xs], [int(round(v)) for v in ys], areas)


def box_area(kind: str, label: str, left: float, top: float, width: float, height: float) -> dict[str, Any]:
    corners = [left, top, left + width, top, left + width, top + height, left, top + height]
    return {"kind": kind, "label": label, "points": [int(round(v)) for v in corners],
            "x": int(round(left + 12)), "y": int(round(top + 4))}


CONTEXT_LABELS = {("initiative",): "Initiatives", ("vcs", "person"): "VCS organisations and posts",
                  ("theme",): "Themes"}


def place_context(types: Sequence[str], sources: Sequence[int], targets: Sequence[int],
                  edge_types: Sequence[str], xs: list[float], ys: list[float], top: float,
                  areas: list[dict[str, Any]]) -> None:
    """Members, initiatives and themes in bands beneath the chart, each near the mean place of
    the nodes it is linked to that are placed already, a narrower part below its whole."""
    linked: list[list[int]] = [[] for _ in types]
    for source, target in zip(sources, targets):
        linked[source].append(target)
        linked[target].append(source)
    placed = [t in BODY_TYPES for t in types]
    parent: dict[int, int] = {}
    for source, target, kind in zip(sources, targets, edge_types):
        if kind == "part_of" and types[source] == types[target] and types[source] not in BODY_TYPES:
            parent.setdefault(source, target)
    for band in CONTEXT_BANDS:
        members = [i for i in range(len(types)) if types[i] in band]
        if not members:
            continue
        depth = {i: part_depth(i, parent) for i in members}
        anchor = {}
        for i in members:
            near = [xs[j] for j in linked[i] if placed[j]]
            anchor[i] = sum(near) / len(near) if near else math.inf
        ordered = sorted(members, key=lambda i: (anchor[i], i))
        start = top + ROW * 0.9
        rows = 1 + max(depth.values())
        # Each sub-row (depth) is spread left to right, no closer than a column, near its anchor.
        unanchored = 0.0
        right = {d: -math.inf for d in range(rows)}
        line_width = max(COLUMN * 4, max((xs[i] for i in range(len(types)) if placed[i]), default=0.0))
        for i in ordered:
            want = anchor[i] if anchor[i] != math.inf else line_width + unanchored
            if anchor[i] == math.inf:
                unanchored += COLUMN * 0.8
            d = depth[i]
            xs[i] = max(want, right[d] + COLUMN * 0.8)
            ys[i] = start + d * ROW * 0.8
            right[d] = xs[i]
        for i in members:
            placed[i] = True
        left = min(xs[i] for i in members) - COLUMN / 2
        width = max(xs[i] for i in members) + COLUMN / 2 - left
        areas.append(box_area("band", CONTEXT_LABELS[band], left, start - ROW * 0.55, width,
                              (rows - 1) * ROW * 0.8 + ROW * 0.95))
        top = start + (rows - 1) * ROW * 0.8 + ROW * 0.4


def part_depth(node: int, parent: dict[int, int]) -> int:
    """How many steps up `part_of` lines lead from `node` (a loop stops the count)."""
    seen = {node}
    while node in parent and parent[node] not in seen:
        node = parent[node]
        seen.add(node)
    return len(seen) - 1


AREA_FONT = 22.0  # the size of an area's label (bold)


def area_label_box(area: dict[str, Any]) -> tuple[float, float, float, float]:
    """Where an area's label is drawn: centred above a cluster, inside a box's top left corner."""
    width = len(area["label"]) * CHAR_WIDTH * AREA_FONT * 1.08
    if area["kind"] == "cluster":
        return (area["x"] - width / 2, area["y"] - AREA_FONT, area["x"] + width / 2, area["y"] + 4)
    return (area["x"], area["y"] + 28 - AREA_FONT, area["x"] + width, area["y"] + 32)


def label_extent(label: str, font: float = FONT) -> tuple[float, float]:
    """The width and height a label takes when drawn, wrapped at LABEL_WIDTH.

    >>> label_extent("Adolescent Safeguarding Oversight Board")  # wider than LABEL_WIDTH: two lines
    (220.0, 48.0)
    """
    width = len(label) * CHAR_WIDTH * font
    lines = max(1, math.ceil(width / LABEL_WIDTH))
    return min(width, LABEL_WIDTH), lines * font * 1.2


def label_extents(labels: Sequence[str], font: float = FONT) -> tuple[np.ndarray, np.ndarray]:
    """`label_extent` of each label, as arrays of widths and heights."""
    width = np.fromiter(map(len, labels), dtype=float, count=len(labels)) * CHAR_WIDTH * font
    lines = np.maximum(1, np.ceil(width / LABEL_WIDTH))
    return np.minimum(width, LABEL_WIDTH), lines * font * 1.2


def overlapping(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i, j) where box first[i] overlaps box second[j], boxes being rows of left, top,
    right and bottom; touching is not overlapping. Found with a k-d tree of the boxes' centres,
    scaled so that any two that could overlap are at most 1 apart on either axis, then tested.

    >>> overlapping(np.array([[0, 0, 2, 2], [5, 5, 6, 6]]), np.array([[1, 1, 3, 3], [2, 0, 4, 2]]))
    (array([0]), array([0]))
    """
    from scipy.spatial import cKDTree

    none = np.zeros(0, dtype=np.int64)
    if not len(first) or not len(second):
        return none, none
    half_first, half_second = (first[:, 2:] - first[:, :2]) / 2, (second[:, 2:] - second[:, :2]) / 2
    reach = np.maximum(half_first.max(axis=0) + half_second.max(axis=0), 1e-9)
    near = cKDTree((first[:, :2] + half_first) / reach).sparse_distance_matrix(
        cKDTree((second[:, :2] + half_second) / reach), 1.0, p=np.inf, output_type="ndarray")
    i, j = near["i"].astype(np.int64), near["j"].astype(np.int64)
    a, b = first[i], second[j]
    meet = (a[:, 0] < b[:, 2]) & (b[:, 0] < a[:, 2]) & (a[:, 1] < b[:, 3]) & (b[:, 1] < a[:, 3])
    order = np.lexsort((j[meet], i[meet]))
    return i[meet][order], j[meet][order]


def label_priority(sizes: Sequence[float], types: Sequence[str]) -> list[float]:
    """The order in which labels claim room: the larger (better-connected) nodes first, boards and
    agencies before others of about their size.

    >>> label_priority([12.0, 20.0, 14.0], ["person", "theme", "board"])
    [12.0, 20.0, 19.0]
    """
    return [size + (5 if kind in BODY_TYPES else 0) for size, kind in zip(sizes, types)]


def label_room(xs: Sequence[float], ys: Sequence[float], sizes: Sequence[float], labels: Sequence[str],
               priority: Sequence[float], keep: Sequence[bool] | None = None,
               areas: Sequence[dict[str, Any]] = ()) -> list[bool]:
    """Which nodes' labels (drawn centred beneath them) are shown: in order of `priority`, each
    label that overlaps no label shown already, no other node and no area's label. Nodes not in
    `keep` take no room and get no label.

    Which boxes overlap is found at once (see `overlapping`); only the choice in order of
    priority, where a label shown rules out the later ones it overlaps, is a loop.

    >>> label_room([0, 30, 400], [0, 0, 0], [10, 10, 10], ["Board A", "Board B", "Board C"], [1, 2, 0])
    [False, True, True]
    """
    size = len(xs)
    x, y, r = (np.asarray(values, dtype=float).reshape(size) for values in (xs, ys, sizes))
    kept = np.ones(size, dtype=bool) if keep is None else np.asarray(keep, dtype=bool).reshape(size)
    width, height = label_extents(labels)
    boxes = np.column_stack([x - width / 2, y + r + 2, x + width / 2, y + r + 2 + height])
    discs = np.column_stack([x - r, y - r, x + r, y + r])
    area_boxes = np.array([area_label_box(area) for area in areas], dtype=float).reshape(-1, 4)
    wanted = kept & (np.fromiter(map(len, labels), dtype=np.int64, count=size) > 0)
    blocked = ~wanted
    label_at, disc_at = overlapping(boxes, discs)
    blocked[label_at[kept[disc_at] & (label_at != disc_at)]] = True  # another node is in the way
    blocked[overlapping(boxes, area_boxes)[0]] = True
    first, second = overlapping(boxes, boxes)
    pairs = (first != second) & wanted[first] & wanted[second]
    first, second = first[pairs], second[pairs]
    starts = np.searchsorted(first, np.arange(size + 1))
    clashing = [second[starts[i]:starts[i + 1]].tolist() for i in range(size)]
    ruled_out = blocked.tolist()
    shown = [False] * size
    for i in np.lexsort((np.arange(size), -np.asarray(priority, dtype=float))).tolist():
        if not ruled_out[i]:
            shown[i] = True
            for j in clashing[i]:
                ruled_out[j] = True
    return shown
