"""Maps and reports: golden view models, inert hostile input, and single self-contained files."""

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from landscape.io.validate import load_dataset
from viz.map import MapOptions, map_view, render_map
from viz.render import script_json, to_json, vis_assets
from viz.report import render_report, report_view

GOLDEN = Path(__file__).parent / "golden"
DAY = date(2022, 1, 1)
HOSTILE = [
    '<img src=x onerror="document.title=\'pwned\'">',
    "</script><script>document.title='pwned'</script>",
    'a href="javascript:alert(1)" thing',
    "{{ 7*7 }} & ' \" \u2028",
]


def check_golden(name: str, data) -> None:
    """Compare `data` (text as it is, anything else as JSON) with the golden file;
    LANDSCAPE_UPDATE_GOLDEN=1 rewrites it. A missing golden file fails: it is made
    deliberately, never by a passing test."""
    path = GOLDEN / name
    text = data if isinstance(data, str) else json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("LANDSCAPE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path} is missing: run with LANDSCAPE_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def as_rows(columns: dict[str, list]) -> list[dict]:
    """Columns (one list per field) as records, one per item, which read better in a diff."""
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def test_map_view_matches_golden(tiny):
    """The view model, bar the positions (which igraph computes: see the layout tests)."""
    view = map_view(load_dataset(tiny), DAY)
    layouts = {name: {"labelled": placed["labelled"], "areas": [area["label"] for area in placed["areas"]]}
               for name, placed in view["layouts"].items()}
    check_golden("tiny-map-view.json", view | {key: as_rows(view[key]) for key in ("nodes", "edges", "findings")}
                 | {"layouts": layouts})


def test_report_view_matches_golden(tiny):
    view = report_view(load_dataset(tiny), DAY, generated=date(2000, 1, 1))
    view.pop("map")  # covered by the map golden file
    view.pop("picture")  # a chart map view, tested with the maps
    view["uncovered"] = sorted(view["uncovered"])
    check_golden("tiny-report-view.json", view)


@pytest.fixture
def hostile(tmp_path):
    """A dataset whose every string is an attempt to inject markup or script."""
    import csv

    folder = tmp_path / "hostile"
    folder.mkdir()
    with open(folder / "entities.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "name", "type", "sector", "top", "source", "description", "url"])
        for number, text in enumerate(HOSTILE):
            writer.writerow([f"h{number}", text, "board", text, "true", text, text, ""])
        writer.writerow(["u", "Linked", "board", "", "true", "doc", "", "javascript:alert(1)"])
    with open(folder / "relationships.csv", "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([["source", "target", "type", "source_doc"],
                                    ["h0", "h1", "communicates_with", HOSTILE[1]]])
    return load_dataset(folder)


@pytest.mark.parametrize("render", [
    lambda landscape: render_map(landscape, DAY),
    lambda landscape: render_report(landscape, DAY),
])
def test_every_user_string_is_inert(hostile, render):
    page = render(hostile)
    assert "<img src=x" not in page
    assert "</script><script>document.title" not in page
    assert not re.search(r"href=[\"']?javascript:", page, re.I)
    assert "{{ 7*7 }}" in page  # templates never evaluate user text
    scripts = re.findall(r"<script\b[^>]*>", page.replace(vis_assets()["script"], ""))
    assert scripts == ["<script>", '<script type="application/json" id="lmap-data">', "<script>"] + (
        ["<script>"] if "<main>" in page else [])


def test_only_web_links_are_kept(hostile):
    nodes = map_view(hostile, DAY)["nodes"]
    urls = dict(zip(nodes["entity"], nodes["url"]))
    assert urls["u"] == ""


def test_pages_are_self_contained(tiny):
    for page in (render_map(load_dataset(tiny), DAY), render_report(load_dataset(tiny), DAY)):
        assert not re.search(r"<(script|link|img|iframe|source|object)\b[^>]*\b(src|href)=(?![\"']?data:)", page, re.I)
        assert not re.search(r"@import|url\((?!\"?data:)", page)
        assert "default-src 'none'" in page


@pytest.mark.parametrize("value", [
    ["plain", "text", ""], [], [""], ["a quote \"", "plain"], ["back\\slash"], ["tab\t", "new\nline", "\x00"],
    ["caf\u00e9", "\u2028", "\U0001f600"], ["</script>", "<!--", "&amp;"], [1, 2.5, None, True, "x"],
    [["n"], ["m", "o"]], ['a","b', "c"], ['x"', '"y'], ["\\", '"'], ["\x1f"], [" ~\x7f"],
    {"names": ["a", "b"], "nested": {"more": ["c"], "none": None}, "empty": {}, "text": "t\u00e9"},
])
def test_page_json_reads_back_as_the_data(value):
    """The page's JSON, with its shortcut for lists of plain text, is the data, in ASCII."""
    text = to_json(value)
    assert json.loads(text) == value and text.isascii()
    assert json.loads(script_json({"data": value})) == {"data": value}


def test_large_landscapes_need_a_focus():
    from landscape.errors import LandscapeError
    from landscape.model import Entity, Landscape, Relationship

    entities = [Entity(f"b{n}", f"Board {n}", "board") for n in range(5001)]
    chain = [Relationship(f"b{n}", f"b{n + 1}", "communicates_with") for n in range(5000)]
    landscape = Landscape(entities, chain)
    with pytest.raises(LandscapeError, match="too many to draw"):
        map_view(landscape, DAY)
    view = map_view(landscape, DAY, MapOptions(focus="b10", depth=2))
    assert sorted(view["nodes"]["entity"]) == ["b10", "b11", "b12", "b8", "b9"]


def test_entity_ids_never_reach_vis_network_as_keys():
    """vis-network keeps nodes in plain objects, where an id like `__proto__` would break it: the
    view names nodes by number (the page draws node n as `n<n>`) and keeps entity ids as data."""
    from landscape.model import Entity, Landscape, Relationship

    landscape = Landscape([Entity("__proto__", "Proto", "board"), Entity("constructor", "Maker", "board")],
                          [Relationship("__proto__", "constructor", "communicates_with")])
    view = map_view(landscape, DAY, MapOptions(focus="__proto__"))
    assert view["nodes"]["entity"] == ["__proto__", "constructor"]
    assert (view["edges"]["from"], view["edges"]["to"], view["focus"]) == ([0], [1], 0)


def test_the_embedded_data_cannot_end_its_script_element(hostile):
    """The view is JSON inside <script type="application/json">: no `</script>` or `<!--` in a
    name can end it or change how the page is parsed, and it reads back as the same data."""
    page = render_map(hostile, DAY)
    start = page.index('<script type="application/json" id="lmap-data">')
    data = page[page.index(">", start) + 1:page.index("</script>", start)]
    assert not set("<>&") & set(data) and "\\u003c/script" in data
    assert json.loads(data) == json.loads(json.dumps(map_view(hostile, DAY))) | {"height": "calc(100vh - 48px)"}
    assert HOSTILE[1] in json.loads(data)["nodes"]["label"]
    tricky = ["<!--", "<script>", "</SCRIPT >", "-->", "\u2028\u2029", "&lt;"]
    assert not set("<>&\u2028\u2029") & set(script_json(tricky)) and json.loads(script_json(tricky)) == tricky


def test_large_maps_are_placed_without_overlaps():
    """Above the physics limit too the layout comes from Python, with the nodes kept apart."""
    from scipy.spatial import cKDTree

    from landscape.model import Entity, Landscape, Relationship
    from viz.layout import SPACING, network_layout

    boards = [Entity(f"b{n}", f"Board {n}", "board") for n in range(300)]
    posts = [Entity(f"p{n}", f"Post {n}", "person") for n in range(2700)]
    lines = [Relationship(f"b{n}", f"b{n // 3}", "reports_to") for n in range(1, 300)]
    seats = [Relationship(f"p{n}", f"b{(n * n) % 300 if n % 7 else n % 5}", "member_of") for n in range(2500)]
    landscape = Landscape(boards + posts, lines + seats)
    number = {entity_id: n for n, entity_id in enumerate(landscape.entities)}
    placed = network_layout(len(number), [number[e.source] for e in landscape.relationships],
                            [number[e.target] for e in landscape.relationships],
                            [e.type for e in landscape.relationships], [], [])
    points = list(zip(placed.x, placed.y))
    distance, _ = cKDTree(points).query(points, k=2)
    assert distance[:, 1].min() > SPACING / 3


def london_view(layout: str, **options):
    from landscape.io.datasets import resolve_dataset

    return map_view(load_dataset(resolve_dataset("london")), DAY, MapOptions(layout=layout, **options))


@pytest.mark.parametrize("layout", ["network", "chart"])
def test_positions_are_the_same_every_time(layout):
    """Written twice, in this process and in a fresh one, a map has the same positions."""
    import subprocess
    import sys

    first, second = london_view(layout)["layouts"], london_view(layout)["layouts"]
    assert first == second
    script = ("import json, sys; from tests.test_viz import london_view; "
              f"json.dump(london_view({layout!r})['layouts'], sys.stdout)")
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).parent.parent)
    assert json.loads(fresh.stdout) == json.loads(json.dumps(first))


def test_the_chart_puts_each_parent_above_its_children():
    from landscape.io.datasets import resolve_dataset

    # December 2024: the newsletter's lines are in force (initiatives reporting to boards, parts)
    view = map_view(load_dataset(resolve_dataset("london")), date(2024, 12, 31), MapOptions(layout="chart"))
    at, nodes, edges = view["layouts"]["chart"], view["nodes"], view["edges"]
    lines = [(a, b) for a, b, t in zip(edges["from"], edges["to"], edges["type"])
             if view["relations"][t]["type"] in ("reports_to", "part_of")]
    assert len(lines) > 20
    for child, parent in lines:
        assert at["y"][parent] < at["y"][child], (nodes["entity"][parent], nodes["entity"][child])
    bodies = {"board", "agency"}
    alone = {i for i, t in enumerate(nodes["type"]) if t in bodies} - {i for line in lines for i in line
                                                                        if nodes["type"][i] in bodies}
    box = next(a for a in at["areas"] if a["kind"] == "unlined")
    assert box["label"] == "No reporting line recorded" and alone
    xs, ys = box["points"][0::2], box["points"][1::2]
    assert all(min(xs) < at["x"][i] < max(xs) and min(ys) < at["y"][i] < max(ys) for i in alone)
    lasob = nodes["entity"].index("lasob")
    assert nodes["short"][lasob] == "LASOB" and at["labelled"][lasob]


def test_labels_shown_at_the_default_zoom_do_not_overlap():
    from viz.layout import label_extent

    for layout in ("network", "chart"):
        view = london_view(layout)
        at, nodes = view["layouts"][layout], view["nodes"]
        boxes = []
        for i, shown in enumerate(at["labelled"]):
            if shown:
                width, height = label_extent(nodes["short"][i])
                top = at["y"][i] + nodes["size"][i] + 2
                boxes.append((at["x"][i] - width / 2, top, at["x"][i] + width / 2, top + height))
        assert len(boxes) > 0.6 * len(nodes["entity"])
        for n, a in enumerate(boxes):
            for b in boxes[n + 1:]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
        assert all(len(label) <= 30 for label in nodes["short"])


def test_clusters_are_drawn_together_and_labelled():
    view = london_view("network")
    clusters = [a for a in view["layouts"]["network"]["areas"] if a["kind"] == "cluster"]
    assert clusters and all(a["label"].startswith("Shared work: ") for a in clusters)


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_pictures_for_print(tmp_path, fmt):
    from click.testing import CliRunner

    from cli import main

    path = tmp_path / f"chart.{fmt}"
    result = CliRunner().invoke(main, ["map", "london", "--layout", "chart", "-o", str(path)])
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    if fmt == "svg":
        text = data.decode("utf-8")
        assert text.startswith("<svg") and "London adolescent safeguarding" in text and "Governance chart" in text
        assert "No reporting line recorded" in text and "Source: Landscape dataset" in text and ">Key<" in text
    elif fmt == "png":
        import struct

        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", data[16:20])[0] >= 3000
    else:
        assert data.startswith(b"%PDF")


def test_the_picture_escapes_every_user_string(hostile):
    from xml.dom.minidom import parseString

    from viz.picture import svg_picture

    svg = svg_picture(map_view(hostile, DAY, MapOptions(title=HOSTILE[1])))
    parseString(svg.encode("utf-8"))  # well-formed: nothing a name holds can open an element
    assert "<img" not in svg and "<script" not in svg


def test_the_page_carries_the_picture_for_readers_without_scripts(tiny):
    page = render_map(load_dataset(tiny), DAY)
    start = page.index("<noscript><svg")
    assert page.index("</svg></noscript>", start) > start and page.isascii()


def test_the_chart_follows_long_lines_and_loops():
    """Along a chain of thousands of reporting lines each body sits a layer below the one it
    reports to; a loop of lines still places every body; a post waits beneath the bodies."""
    from landscape.model import Entity, Landscape, Relationship

    chain = [Entity(f"b{n}", f"Board {n}", "board") for n in range(3000)]
    lines = [Relationship(f"b{n + 1}", f"b{n}", "reports_to") for n in range(2999)]
    loop = [Relationship("x", "y", "part_of"), Relationship("y", "x", "reports_to")]
    landscape = Landscape([*chain, Entity("x", "X", "board"), Entity("y", "Y", "board"),
                           Entity("p", "Post", "person")], lines + loop)
    view = map_view(landscape, DAY, MapOptions(layout="chart"))
    ys = dict(zip(view["nodes"]["entity"], view["layouts"]["chart"]["y"]))
    assert all(ys[f"b{n}"] < ys[f"b{n + 1}"] for n in range(2999))
    assert ys["x"] != ys["y"] and ys["p"] > max(y for entity, y in ys.items() if entity != "p")


def test_a_picture_of_one_theme_shows_what_relates_to_it(tmp_path):
    from click.testing import CliRunner

    from cli import main

    path = tmp_path / "violence.svg"
    result = CliRunner().invoke(main, ["map", "london", "--theme", "theme-syv", "-o", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    view = london_view("network", theme="theme-syv")
    assert "theme: Serious youth violence" in text and "Health Violence Reduction Board" in text
    assert "Racism and racial disproportionality" not in text
    # missing links are drawn when the analysis finds any (the London sources record none: unknowns)
    from landscape.io.datasets import resolve_dataset

    today = map_view(load_dataset(resolve_dataset("london")), date.today(), MapOptions(theme="theme-syv"))
    assert ("Missing link (finding)" in text) == ("missing_link" in today["findings"]["kind"])
    assert view["nodes"]["entity"][view["theme"]] == "theme-syv"
    result = CliRunner().invoke(main, ["map", "london", "--theme", "theme-sv", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "did you mean theme-syv" in result.output


def test_the_policy_runs_only_the_pages_own_scripts(tiny):
    """No 'unsafe-inline' for scripts: each script the page runs is named by its hash, so one
    injected past the escaping would not run."""
    import base64
    import hashlib
    import re

    for page in (render_map(load_dataset(tiny), DAY), render_report(load_dataset(tiny), DAY)):
        policy = re.search(r'Content-Security-Policy" content="([^"]*)"', page)[1]
        script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src and "SCRIPT-HASHES" not in page
        scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
        assert scripts
        for script in scripts:
            digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
            assert f"'sha256-{digest}'" in script_src
