"""The map and the report opened from file:// in headless Chromium and driven as a person would.

Chromium is driven through the DevTools protocol over a pipe (file descriptors 3 and 4),
so no port is opened and no client library is needed; its proxy points at a closed port,
and the Network domain shows that no page ever asks for anything beyond its own file.
One browser serves the whole module; each test opens its page afresh.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import select
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import main
from landscape.analysis import analyse
from landscape.analysis.findings import GAP_KINDS
from landscape.io.datasets import resolve_dataset
from landscape.io.validate import load_dataset
from landscape.model import EDGE_VERBS, TYPE_LABELS, Landscape
from tests.conftest import TINY
from viz.map import neighbourhood, render_map

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--proxy-server=127.0.0.1:9", "--window-size=1400,900", "--remote-debugging-pipe"]
PAYLOADS = [  # each one, if it ever ran, would change the title or set window.pwned
    '<img src=x onerror="window.pwned=1;document.title=\'pwned\'">',
    "</script><script>window.pwned=2;document.title='pwned'</script>",
    '<a href="javascript:window.pwned=3">href</a>',
    "javascript:window.pwned=4",
    "<svg onload=window.pwned=5>",
    "{{ 7*7 }} & ' \" <b>bold</b>",
]
pytestmark = pytest.mark.browser


class Browser:
    """Headless Chromium with one page, driven through the DevTools protocol over a pipe."""

    def __init__(self, chromium: str, profile: Path) -> None:
        to_chromium, self._writer = map(_high_fd, os.pipe())
        self._reader, from_chromium = map(_high_fd, os.pipe())

        def attach_pipes() -> None:  # in the child: the protocol's fixed descriptors 3 and 4
            os.dup2(to_chromium, 3)
            os.dup2(from_chromium, 4)

        self.log = profile / "chromium.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=False, preexec_fn=attach_pipes)
        os.close(to_chromium)
        os.close(from_chromium)
        self._buffer, self._count, self._session = b"", 0, None
        self.events: list[dict[str, Any]] = []
        try:
            page = next(t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
            self._session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Network", "Log"):
                self.send(f"{domain}.enable")
        except Exception:
            self.close()
            raise

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a protocol method and wait for its answer, keeping the events that come before it."""
        self._count += 1
        message: dict[str, Any] = {"id": self._count, "method": method, "params": params}
        if self._session:
            message["sessionId"] = self._session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._writer, data):]
        deadline = time.monotonic() + 60
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._count:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self.events.append(answer)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._reader], [], [], left)[0]:
                raise TimeoutError(f"Chromium did not answer; its log: {self.log}")
            chunk = os.read(self._reader, 1 << 20)
            if not chunk:
                raise EOFError(f"Chromium closed the DevTools pipe; its log says: {self.log.read_text()[-2000:]}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, path: Path) -> None:
        """Load a page from file:// and wait until its map is drawn."""
        self.events.clear()
        self.send("Page.navigate", url=path.as_uri())
        self.wait_for("document.readyState === 'complete' && !!window.landscapeMap")
        self.wait_for("inkedPixels() > 500", prelude=HELPERS)

    def js(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, condition: str, prelude: str = "", timeout: float = 20) -> None:
        """Poll a JavaScript condition until it holds."""
        if prelude:
            self.js(prelude)
        deadline = time.monotonic() + timeout
        while not self.js(condition):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {condition}")
            time.sleep(0.05)

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of an element, scrolled into view first."""
        x, y = self.js(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            el.scrollIntoView({{block: "center"}});
            const box = el.getBoundingClientRect();
            return [box.x + box.width / 2, box.y + box.height / 2];
        }})()""")
        self.click_at(x, y)

    def click_at(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def node_on_screen(self, node_id: str) -> tuple[float, float]:
        """Where a node of the map is drawn, in page coordinates."""
        return tuple(self.js(f"""(() => {{
            const net = landscapeMap.network, id = keyOf.get({json.dumps(node_id)});
            const frame = document.getElementById("lmap-canvas");
            frame.scrollIntoView({{block: "center"}});
            const at = net.canvasToDOM(net.getPosition(id)), box = frame.getBoundingClientRect();
            return [box.x + at.x, box.y + at.y];
        }})()"""))

    def choose(self, selector: str, value: str) -> None:
        """Pick an option of a <select>, as the person's choice would (with its change event)."""
        self.js(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            el.value = {json.dumps(value)};
            el.dispatchEvent(new Event("change", {{bubbles: true}}));
        }})()""")

    def type_into(self, selector: str, text: str) -> None:
        """Type text into a field and press Enter."""
        self.click(selector)
        self.send("Input.insertText", text=text)
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                      windowsVirtualKeyCode=13, text="\r" if kind == "keyDown" else "")

    def shown(self) -> set[str]:
        """The entities drawn now."""
        return set(self.js("landscapeMap.nodes.get({filter: n => !n.hidden}).map(n => entityOf.get(n.id))"))

    def status(self) -> str:
        return self.js("document.getElementById('lmap-status').textContent")

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and requests for anything but the page."""
        page = self.js("location.href")  # (this also collects the events sent so far)
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning", "assert"):
                found.append(f"console {params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log: {params['entry']['text']}")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not (url == page or url.startswith(("data:image/png", "data:image/svg+xml"))):
                    found.append(f"request: {url[:200]}")
        return found

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._reader)
        os.close(self._writer)


def _high_fd(fd: int) -> int:
    """The same pipe end on a descriptor of 10 or more, closed on exec, so 3 and 4 stay free."""
    import fcntl  # POSIX only, as is the pipe; imported here so that elsewhere the tests skip

    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


HELPERS = """
window.entityOf = new Map(), window.keyOf = new Map();  // nodes are drawn under keys n0, n1, ...
landscapeMap.nodeList.forEach(n => { entityOf.set(n.id, n.entity); keyOf.set(n.entity, n.id); });
window.inkedPixels = function () {
    const canvas = document.querySelector("#lmap-canvas canvas");
    if (!canvas || !canvas.width) { return 0; }
    const copy = document.createElement("canvas");  // read a copy: the map's own canvas is not for reading
    copy.width = canvas.width; copy.height = canvas.height;
    const context = copy.getContext("2d", {willReadFrequently: true});
    context.drawImage(canvas, 0, 0);
    const data = context.getImageData(0, 0, copy.width, copy.height).data;
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { inked++; } }
    return inked;
};"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Chromium for the browser tests: run scripts/test.sh, which installs it")
        pytest.skip("Chromium is not installed (scripts/test.sh installs it)")
    if os.name != "posix":
        pytest.skip("Chromium is driven over a pipe on file descriptors 3 and 4, which needs POSIX")
    opened = Browser(CHROMIUM, tmp_path_factory.mktemp("profile"))
    yield opened
    opened.close()


@pytest.fixture
def page(browser):
    """The browser, checked after each test for console errors and any request off the page."""
    yield browser
    assert browser.problems() == []


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The London map, its report and a focused map, written once by the command line; and a
    small landscape's, which has a missing link (London's sources record none as absent)."""
    folder = tmp_path_factory.mktemp("pages")
    commands = {"map": ["map", "london"], "report": ["report", "london"],
                "small-map": ["map", str(TINY)], "small-report": ["report", str(TINY)],
                "focus": ["map", "london", "--focus", "lasob", "--depth", "1"],
                "chart": ["map", "london", "--layout", "chart"],
                "tiered": ["map", "london", "--layout", "tiered"],
                "years": ["map", "london", "--as-of", "2024-12", "--since", "2021-02-18"],
                "proposal": ["map", "london", "--as-of", "2021-02-18", "--with", "london-proposal-2021"]}
    paths = {}
    for name, command in commands.items():
        paths[name] = folder / f"{name}.html"
        result = CliRunner().invoke(main, [*command, "-o", str(paths[name])])
        assert result.exit_code == 0, result.output
    return paths


@pytest.fixture(scope="module")
def london():
    """The shipped London landscape as it stands today, as the command line draws it."""
    return load_dataset(resolve_dataset("london")).as_of(date.today())


def view_of(page) -> dict[str, Any]:
    return page.js("JSON.parse(document.getElementById('lmap-data').textContent)")


def node_data(page) -> list[dict[str, Any]]:
    """The nodes as the page made them from the view's columns (without their sets of themes)."""
    return page.js("landscapeMap.nodeList.map(n => Object.assign({}, n, {themes: [...n.themes]}))")


def theme_reach(landscape: Landscape) -> dict[str, set[str]]:
    """The themes each entity relates to, as the theme filter should find them: its own remit, or
    for an organisation the remits of the boards and initiatives it is linked to."""
    remit: dict[str, set[str]] = {entity_id: set() for entity_id in landscape.entities}
    for edge in landscape.edges("addresses"):
        remit[edge.source].add(edge.target)
    reach = {e.id: {e.id} if e.type == "theme" else set(remit[e.id]) for e in landscape.entities.values()}
    for edge in landscape.relationships:
        if edge.type != "addresses":
            reach[edge.source] |= remit[edge.target]
            reach[edge.target] |= remit[edge.source]
    return reach


def test_the_map_draws_with_a_legend_of_the_six_types(page, pages):
    page.open(pages["map"])
    requested = [e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"]
    assert requested == [pages["map"].as_uri()]  # the page itself is seen, so a request for anything else would be
    assert page.js("inkedPixels()") > 5000
    total = len(view_of(page)["nodes"]["entity"])
    assert total > 100 and page.status() == f"{total} of {total} shown"
    legend = page.js("[...document.querySelectorAll('#lmap-legend label')].map(l => l.textContent.trim())")
    assert legend == ["Boards", "Agencies", "VCS organisations", "Initiatives", "Posts", "Themes"]


def test_unticking_a_type_in_the_legend_hides_it(page, pages):
    page.open(pages["map"])
    boards = {n["entity"] for n in node_data(page) if n["type"] == "board"}
    before = page.shown()
    page.click("#lmap-legend input[data-type=board]")
    assert page.shown() == before - boards
    assert page.status().startswith(f"{len(before) - len(boards)} of {len(before)} shown")
    page.click("#lmap-legend input[data-type=board]")
    assert page.shown() == before


@pytest.mark.parametrize("key", ["sector", "level", "theme"])
def test_the_filters_narrow_what_is_shown(page, pages, london, key):
    page.open(pages["map"])
    view = view_of(page)
    value = view["filters"][key][len(view["filters"][key]) // 2]["value"]
    reach = theme_reach(london)
    expected = {e.id for e in london.entities.values()
                if (value in reach[e.id] if key == "theme" else e.get(key) == value)}
    page.choose(f"#lmap-filter-{key}", value)
    assert page.shown() == expected and 0 < len(expected) < len(london)
    page.click("#lmap-reset")
    assert len(page.shown()) == len(london)


# What a tooltip says of a fact that no source states (map.js, EVIDENCE).
KNOWN_AS = {"inferred": "Inferred: a source implies it, none states it",
            "proposed": "Proposed: a source proposes it, none shows it in force"}


def node_tooltip(entity: Any, gaps: list[str]) -> str:
    lines = [entity.name, " · ".join(filter(None, [TYPE_LABELS[entity.type][0], entity.sector, entity.level]))]
    if entity.evidence in KNOWN_AS:
        lines.append(KNOWN_AS[entity.evidence])
    if entity.start or entity.end:
        lines.append(f"From {entity.start or 'unknown'} to {entity.end or 'now'}")
    if entity.get("description"):
        lines.append(entity.get("description"))
    if entity.source:
        lines.append(f"Source: {entity.source}")
    return "\n".join(lines + [f"Gap: {gap}" for gap in gaps])


def edge_tooltip(edge: Any, landscape: Landscape) -> str:
    words = [landscape.name_of(edge.source), EDGE_VERBS[edge.type], landscape.name_of(edge.target)]
    if edge.role and edge.role != "member":
        words.append(f"({edge.role})")
    lines = [" ".join(words)]
    if edge.evidence in KNOWN_AS:
        lines.append(KNOWN_AS[edge.evidence])
    if edge.start or edge.end:
        lines.append(f"From {edge.start or 'unknown'} to {edge.end or 'now'}")
    if edge.source_doc:
        lines.append(f"Source: {edge.source_doc}")
    return "\n".join(lines)


def test_tooltips_built_in_the_page_read_as_the_data_says(page, pages, london):
    """The page builds every tooltip from the view's columns: name, type, sector, level, how well
    it is known, dates, description, source and gaps for a node; the sentence, role, how well it is
    known, dates and source for a line; the explanation for a finding drawn as a line."""
    page.open(pages["map"])
    findings = analyse(london, as_of=date.today())["findings"]
    gaps: dict[str, list[str]] = {entity_id: [] for entity_id in london.entities}
    for finding in findings:
        if finding["kind"] in GAP_KINDS:
            for entity_id in finding["entities"]:
                gaps[entity_id].append(finding["explanation"])
    nodes = dict(page.js("landscapeMap.nodes.get().map(n => [entityOf.get(n.id), n.title])"))
    assert nodes == {e.id: node_tooltip(e, gaps[e.id]) for e in london.entities.values()}
    assert any("\nGap: " in title for title in nodes.values()) and any("\nFrom " in t for t in nodes.values())
    lines = dict(page.js("landscapeMap.edges.get().map(e => [e.id, e.title])"))
    relationships = {f"e{number}": edge_tooltip(edge, london) for number, edge in enumerate(london.relationships)}
    assert {key: title for key, title in lines.items() if key.startswith("e")} == relationships
    assert any(edge.role not in ("", "member") for edge in london.relationships)  # so roles are checked
    assert any(KNOWN_AS["inferred"] in title for title in lines.values())  # and evidence
    drawn = {key: title for key, title in lines.items() if key.startswith("f")}
    assert drawn and all(title == findings[int(key[1:])]["explanation"] for key, title in drawn.items())


def test_search_selects_and_centres_a_node(page, pages):
    page.open(pages["map"])
    page.type_into("#lmap-search", "London Adolescent Safeguarding Oversight Board")
    page.wait_for("entityOf.get(landscapeMap.network.getSelectedNodes()[0]) === 'lasob'")
    assert page.js("document.querySelector('#lmap-details h3').textContent") == (
        "London Adolescent Safeguarding Oversight Board")
    assert page.js("document.getElementById('lmap-focus').disabled") is False
    page.wait_for("""(() => { const net = landscapeMap.network, at = net.getPosition(keyOf.get('lasob')),
                              centre = net.getViewPosition();
                              return Math.hypot(at.x - centre.x, at.y - centre.y) < 5; })()""")


def test_a_partial_name_finds_a_node_too(page, pages):
    page.open(pages["map"])
    page.type_into("#lmap-search", "adolescent safeguarding oversight")
    page.wait_for("entityOf.get(landscapeMap.network.getSelectedNodes()[0]) === 'lasob'")


def test_an_alias_finds_its_entity_before_names_that_contain_it(page, pages):
    page.open(pages["map"])
    page.type_into("#lmap-search", "LASOB")
    page.wait_for("entityOf.get(landscapeMap.network.getSelectedNodes()[0]) === 'lasob'")


def test_the_focus_option_shows_only_the_neighbourhood(page, pages, london):
    page.open(pages["focus"])
    expected = neighbourhood(london, "lasob", 1)
    assert page.shown() == expected
    assert "focus: London Adolescent Safeguarding Oversight Board (depth 1)" in page.status()


def test_clicking_a_node_then_focus_shows_its_neighbourhood(page, pages, london):
    page.open(pages["map"])
    page.wait_for("landscapeMap.stable")
    page.click_at(*page.node_on_screen("lasob"))
    page.wait_for("document.querySelector('#lmap-details h3')?.textContent.startsWith('London Adolescent')")
    page.click("#lmap-focus")
    expected = neighbourhood(london, "lasob", 2)
    assert page.shown() == expected
    page.click("#lmap-reset")
    assert len(page.shown()) == len(london)


def test_the_missing_links_toggle_hides_the_dashed_lines(page, pages):
    page.open(pages["small-map"])
    missing = set(page.js("landscapeMap.edgeList.filter(e => e.finding === 'missing_link').map(e => e.id)"))
    dashed = "new Set(landscapeMap.edges.get({filter: e => !e.hidden && e.dashes}).map(e => e.id))"
    assert missing and missing <= set(page.js(f"[...{dashed}]"))
    page.click("#lmap-show-missing")
    assert not missing & set(page.js(f"[...{dashed}]"))
    page.click("#lmap-show-missing")
    assert missing <= set(page.js(f"[...{dashed}]"))


def positions(page) -> dict[str, dict[str, float]]:
    return page.js("window.landscape.positions()")


def chart_lines(landscape: Landscape) -> list[tuple[str, str]]:
    """Each reporting line and part-of line between two bodies, as (child, parent)."""
    bodies = {e.id for e in landscape.of_type("board", "agency")}
    return [(e.source, e.target) for e in landscape.edges("reports_to", "part_of")
            if e.source in bodies and e.target in bodies]


def test_the_map_opens_on_the_same_positions_every_time(page, pages):
    page.open(pages["map"])
    first = positions(page)
    page.open(pages["map"])
    assert positions(page) == first and len(first) > 100
    page.js("new Promise(done => setTimeout(done, 500))")  # nothing moves by itself
    assert positions(page) == first


def test_the_chart_puts_every_parent_above_its_children(page, pages, london):
    page.open(pages["chart"])
    assert page.js("window.landscape.layout()") == "chart"
    at = positions(page)
    lines = chart_lines(london)
    assert len(lines) > 20
    assert [(child, parent) for child, parent in lines if not at[parent]["y"] < at[child]["y"]] == []
    shown = page.shown()  # the bodies; members, initiatives and themes on demand
    assert shown == {e.id for e in london.of_type("board", "agency")}
    page.click("#lmap-context")
    assert page.shown() == set(london.entities)
    page.click("#lmap-context")
    page.open(pages["tiered"])  # the old name of the chart
    assert positions(page) == at


def test_switching_layouts_moves_to_the_other_positions_and_back(page, pages):
    page.open(pages["map"])
    before = positions(page)
    page.choose("#lmap-layout", "chart")
    chart = positions(page)
    assert chart != before
    page.choose("#lmap-layout", "network")
    assert positions(page) == before


def test_the_static_picture_shows_with_scripts_off(browser, pages):
    browser.send("Emulation.setScriptExecutionDisabled", value=True)
    try:
        browser.events.clear()
        browser.send("Page.navigate", url=pages["map"].as_uri())
        deadline = time.monotonic() + 20
        while True:  # only the protocol's own evaluation runs while page scripts are off
            box = browser.js("(() => { const s = document.querySelector('noscript svg, svg.lmap-static');"
                             " if (!s) { return null; } const b = s.getBoundingClientRect();"
                             " return [b.width, b.height, s.textContent.includes('adolescent safeguarding')]; })()")
            if box or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert box and box[0] > 500 and box[1] > 300 and box[2]
    finally:
        browser.send("Emulation.setScriptExecutionDisabled", value=False)


def test_save_as_png_makes_a_picture_of_the_map(page, pages):
    page.open(pages["map"])
    page.js("""document.addEventListener("click", event => {
        const link = event.target.closest("a[download]");
        if (link) { window.saved = {href: link.href, name: link.download}; event.preventDefault(); }
    }, true)""")
    page.click("#lmap-png")
    page.wait_for("!!window.saved")
    saved = page.js("window.saved")
    assert saved["name"] == "London adolescent safeguarding landscape map.png"
    assert saved["href"].startswith("data:image/png;base64,")
    picture = base64.b64decode(saved["href"].split(",", 1)[1])
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and len(picture) > 20_000
    assert int.from_bytes(picture[16:20], "big") >= 3000  # print resolution, whatever the screen


def test_the_saved_picture_has_no_selection_in_it(page, pages):
    page.open(pages["focus"])
    plain = page.js("landscapeMap.picture(1200)")
    page.js("landscapeMap.network.selectNodes([keyOf.get('lasob')])")
    assert page.js("landscapeMap.picture(1200)") == plain


def test_the_report_opens_with_its_map(page, pages):
    page.open(pages["report"])
    assert page.js("inkedPixels()") > 5000
    total = len(view_of(page)["nodes"]["entity"])
    assert page.status() == f"{total} of {total} shown"
    page.open(pages["small-report"])
    assert page.js("!!document.getElementById('kind-missing_link')")
    total = len(view_of(page)["nodes"]["entity"])
    assert page.status() == f"{total} of {total} shown"


RING_PIXELS = """(entity => {
    // How many points of the ring round a node, on the map's own canvas, are in its change's colour.
    const net = landscapeMap.network, key = keyOf.get(entity);
    const node = landscapeMap.nodeList.find(n => n.id === key), view = JSON.parse(lmapData);
    const want = view.comparison.colours[node.change].match(/\\w\\w/g).map(hex => parseInt(hex, 16));
    const canvas = document.querySelector("#lmap-canvas canvas"), ratio = canvas.width / canvas.clientWidth;
    const copy = document.createElement("canvas");
    copy.width = canvas.width; copy.height = canvas.height;
    const context = copy.getContext("2d", {willReadFrequently: true});
    context.drawImage(canvas, 0, 0);
    const at = net.canvasToDOM(net.getPosition(key)), radius = (node.size + 7) * net.getScale();
    let hits = 0;
    for (let step = 0; step < 72; step++) {
        const angle = step * Math.PI / 36;
        const pixel = context.getImageData(Math.round((at.x + radius * Math.cos(angle)) * ratio),
                                           Math.round((at.y + radius * Math.sin(angle)) * ratio), 1, 1).data;
        if (want.every((value, i) => Math.abs(pixel[i] - value) < 40)) { hits++; }
    }
    return hits;
})"""


def test_the_comparison_map_draws_and_marks_added_and_ended_items(page, pages):
    page.open(pages["years"])
    view = view_of(page)
    change = dict(zip(view["nodes"]["entity"], view["nodes"]["change"]))
    assert [entity for entity, mark in change.items() if mark == "ended"] == ["pan-london-cse-protocol"]
    assert change["lasob"] == "added" and change["lscp-executive"] == ""
    legend = page.js("document.getElementById('lmap-changes').innerText")
    assert "From 2021-02-18 to 2024-12-31" in legend and "Ended, drawn where it was (1)" in legend
    # the ended protocol is drawn, pale with a dashed outline, where the layout put it
    ended = page.js("landscapeMap.nodes.get(keyOf.get('pan-london-cse-protocol'))")
    assert not ended.get("hidden") and ended["color"]["background"] == "#e3e7ec"
    assert ended["shapeProperties"]["borderDashes"]
    number = view["nodes"]["entity"].index("pan-london-cse-protocol")
    at = page.js("window.landscape.positions()")["pan-london-cse-protocol"]
    assert (at["x"], at["y"]) == (view["layouts"]["network"]["x"][number], view["layouts"]["network"]["y"][number])
    # lines added are drawn in the added colour, lines ended dashed
    lines = page.js("landscapeMap.edges.get().filter(e => !e.hidden).map(e => [e.id, e.color.color, e.dashes])")
    colours = view["comparison"]["colours"]
    drawn = {line_id: (colour, dashes) for line_id, colour, dashes in lines}
    for number, mark in enumerate(view["edges"]["change"]):
        if mark == "added":
            assert drawn[f"e{number}"][0] == colours["added"]
        elif mark == "ended":
            assert drawn[f"e{number}"] == (colours["ended"], [4, 4])
    # an added board is ringed in the added colour on the canvas itself (zoomed in, so the ring is wide)
    page.js("landscapeMap.network.moveTo({position: landscapeMap.network.getPosition(keyOf.get('lasob')), scale: 2})")
    page.js(f"window.lmapData = document.getElementById('lmap-data').textContent; window.ringPixels = {RING_PIXELS}")
    page.wait_for("ringPixels('lasob') > 30")


def test_the_resolved_toggle_hides_the_resolved_marks(page, pages):
    page.open(pages["proposal"])
    border = "landscapeMap.nodes.get(keyOf.get('tce')).color.border"
    resolved = view_of(page)["comparison"]["colours"]["resolved"]
    assert page.js(border) == resolved  # the programme that gained an overseer, ringed as resolved
    page.click("#lmap-show-resolved")
    assert page.js(border) == "#ffffff"
    picture = page.js("landscapeMap.picture(1200)")
    assert picture.startswith("data:image/png;base64,")


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory):
    """A map and report of a dataset whose every string tries to inject markup or script."""
    folder = tmp_path_factory.mktemp("hostile")
    header = ["id", "name", "type", "sector", "level", "top", "source", "description", "url", "themes"]
    with open(folder / "entities.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for number, text in enumerate(PAYLOADS):
            url = f"https://example.org/{text}"
            writer.writerow([f"b{number}", text, "board", text, text, "true", text, text, url, f"t{number}"])
            writer.writerow([f"t{number}", f"Theme {text}", "theme", "", "", "", text, text, "", ""])
        for special in ("__proto__", "constructor", "hasOwnProperty"):  # ids that are names of JavaScript's own
            writer.writerow([special, special, "board", "", "", "true", "", "", "", ""])
    with open(folder / "relationships.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["source", "target", "type", "role", "source_doc", "note"])
        for number, text in enumerate(PAYLOADS[1:], start=1):
            writer.writerow(["b0", f"b{number}", "communicates_with", text, text, text])
        writer.writerows([["__proto__", "constructor", "communicates_with", "", "", ""],
                          ["constructor", "b0", "communicates_with", "", "", ""]])
    paths = {}
    for command in ("map", "report"):
        paths[command] = folder / f"{command}.html"
        result = CliRunner().invoke(main, [command, str(folder), "--title", PAYLOADS[1], "-o", str(paths[command])])
        assert result.exit_code == 0, result.output
    return paths


@pytest.mark.parametrize("kind", ["map", "report"])
def test_hostile_strings_stay_text(page, hostile_pages, kind):
    page.open(hostile_pages[kind])
    assert page.js("document.title") == PAYLOADS[1]
    for number, text in enumerate(PAYLOADS):
        page.js("landscapeMap.network.unselectAll()")
        page.click_at(*page.node_on_screen(f"b{number}"))  # details panel and tooltip
        page.wait_for(f"document.querySelector('#lmap-details h3')?.textContent === {json.dumps(text)}")
    page.type_into("#lmap-search", PAYLOADS[0])
    page.click("#lmap-focus")
    page.choose("#lmap-filter-sector", PAYLOADS[1])
    page.choose("#lmap-filter-theme", "t2")
    page.click("#lmap-reset")
    page.click("#lmap-png")  # the title is drawn into the picture as text
    page.js("landscapeMap.network.setOptions({interaction: {tooltipDelay: 0}})")
    page.js("landscapeMap.network.fit()")  # at once: the reset's animated fit would move the node away
    x, y = page.node_on_screen("b1")
    page.send("Input.dispatchMouseEvent", type="mouseMoved", x=x + 1, y=y + 1)
    page.wait_for("!!document.querySelector('div.vis-tooltip')?.textContent.includes('</script>')")
    # vis-network sets a string tooltip as innerText, which makes line breaks <br> and nothing else
    assert set(page.js("[...document.querySelector('div.vis-tooltip').children].map(c => c.tagName)")) == {"BR"}
    assert page.js("document.querySelector('div.vis-tooltip').innerText").startswith(PAYLOADS[1] + "\nboard · ")
    titles = page.js("landscapeMap.edges.get().map(e => e.title)")
    for text in PAYLOADS[1:]:  # each payload is a role and a source document, as text
        assert any(f"({text})\nSource: {text}" in title for title in titles)
    assert page.js("landscapeMap.nodes.getIds().every(id => /^n[0-9]+$/.test(id))")
    assert {"__proto__", "constructor", "hasOwnProperty"} <= page.shown()
    assert page.js("window.pwned") is None
    assert page.js("document.title") == PAYLOADS[1]
    assert page.js("document.querySelectorAll('img:not(#lmap-print):not(.print-map), svg, iframe, object, embed')"
                   ".length") == 0
    assert all(src.startswith("data:image/svg+xml;base64,")  # an image: nothing in it can run
               for src in page.js("[...document.querySelectorAll('img.print-map')].map(i => i.src)"))
    assert page.js("[...document.querySelectorAll('b')].filter(b => b.textContent === 'bold').length") == 0
    links = page.js("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    assert all(link.startswith(("https://", "#")) for link in links)


@pytest.fixture(scope="module")
def large_page(tmp_path_factory):
    """A map of 3,000 entities: beyond the physics limit, so laid out in Python."""
    from landscape.model import Entity, Landscape, Relationship

    boards = [Entity(f"b{n}", f"Board {n}", "board") for n in range(300)]
    posts = [Entity(f"p{n}", f"Post {n}", "person") for n in range(2700)]
    lines = [Relationship(f"b{n}", f"b{n // 4}", "reports_to") for n in range(1, 300)]
    seats = [Relationship(f"p{n}", f"b{(n * 7 + k) % 300}", "member_of") for n in range(2700) for k in (0, 1)]
    path = tmp_path_factory.mktemp("large") / "map.html"
    path.write_text(render_map(Landscape(boards + posts, lines + seats, "large"), date.today()), encoding="utf-8")
    return path


def test_a_large_map_opens_laid_out_and_answers(page, large_page):
    page.open(large_page)
    assert page.status() == "3000 of 3000 shown" and page.js("landscapeMap.stable")
    page.click("#lmap-legend input[data-type=person]")
    assert page.status() == "300 of 3000 shown"
    page.choose("#lmap-layout", "chart")
    at = positions(page)
    assert all(at[f"b{n // 4}"]["y"] < at[f"b{n}"]["y"] for n in range(1, 300))
    page.choose("#lmap-layout", "network")
