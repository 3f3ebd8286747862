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
    """Compare `data` with the golden file; LANDSCAPE_UPDATE_GOLDEN=1 rewrites it.
    A missing golden file fails: it is made deliberately, never by a passing test."""
    path = GOLDEN / name
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("LANDSCAPE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path} is missing: run with LANDSCAPE_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def as_rows(columns: dict[str, list]) -> list[dict]:
    """Columns (one list per field) as records, one per item, which read better in a diff."""
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def test_map_view_matches_golden(tiny):
    view = map_view(load_dataset(tiny), DAY)
    check_golden("tiny-map-view.json", view | {key: as_rows(view[key]) for key in ("nodes", "edges", "findings")})


def test_report_view_matches_golden(tiny):
    view = report_view(load_dataset(tiny), DAY, generated=date(2000, 1, 1))
    view.pop("map")  # covered by the map golden file
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
    """Above the physics limit the layout comes from Python, with the nodes kept apart."""
    from scipy.spatial import cKDTree

    from landscape.model import Entity, Landscape, Relationship
    from viz.map import SPACING, place

    boards = [Entity(f"b{n}", f"Board {n}", "board") for n in range(400)]
    posts = [Entity(f"p{n}", f"Post {n}", "person") for n in range(7600)]
    lines = [Relationship(f"b{n}", f"b{n // 3}", "reports_to") for n in range(1, 400)]
    seats = [Relationship(f"p{n}", f"b{(n * n) % 400 if n % 7 else n % 5}", "member_of") for n in range(7000)]
    landscape = Landscape(boards + posts, lines + seats)
    number = {entity_id: n for n, entity_id in enumerate(landscape.entities)}
    xs, ys = place(len(number), [number[e.source] for e in landscape.relationships],
                   [number[e.target] for e in landscape.relationships])
    points = list(zip(xs, ys))
    distance, _ = cKDTree(points).query(points, k=2)
    assert distance[:, 1].min() > SPACING / 3
