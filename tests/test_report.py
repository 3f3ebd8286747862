"""The executive report: its summary, findings a board member can read, decisions, Word output."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from cli import main
from landscape.analysis.decisions import apply_decisions, read_decisions
from landscape.io.datasets import shipped_dataset
from landscape.io.validate import load_dataset
from tests.test_viz import check_golden
from viz.report import measure, render_docx, render_html, report_view

DAY = date(2024, 12, 31)
SINCE = date(2021, 3, 31)
GENERATED = date(2000, 1, 1)


@pytest.fixture(scope="module")
def london():
    return shipped_dataset()


@pytest.fixture(scope="module")
def london_view(london):
    return report_view(london, DAY, generated=GENERATED, since=SINCE)


@pytest.fixture
def small(write_dataset):
    """A hand-built landscape of four boards, one initiative and two themes."""
    return load_dataset(write_dataset(
        """
        north,North Safeguarding Board,board,,,true,,,,doc,knives;gangs
        south,South Youth Panel,board,,,,,,,doc,knives;gangs
        east,East Forum,board,,,,,,,doc,
        council,Borough Council,agency,local-government,,,,,,doc,
        hub,Knife Crime Hub,initiative,,,,,,,doc,knives
        knives,Knife crime,theme,,,,,,,doc,
        gangs,Gang involvement,theme,,,,,,,doc,
        drift,Missing from education,theme,,,,,,,doc,
        """,
        """
        council,north,member_of,member,,,doc,
        council,south,member_of,member,,,doc,
        south,north,reports_to,,,,doc,
        """))


def test_london_report_view_matches_golden(london_view):
    view = dict(london_view)
    view.pop("map")  # the interactive map's data has its own golden file
    view.pop("picture")  # the governance chart: a map view, tested with the maps
    check_golden("london-report-view.json", view)


def test_the_summary_names_bodies_by_name_and_links_to_findings(london, london_view):
    messages = london_view["summary"]["messages"]
    assert 3 <= len(messages) <= 6
    anchors = {row["anchor"] for section in london_view["sections"] for row in section["rows"]}
    anchors |= {group["id"] for group in london_view["change"]["groups"] if group["count"]}  # the change's own
    anchors |= {"change-answered"} if london_view["change"]["answered"] else set()
    assert messages[0]["kind"] == "change"
    for message in messages:
        assert message["links"] and all(link["anchor"] in anchors for link in message["links"])
    text = " ".join(message["text"] for message in messages)
    assert "Tackling Child Exploitation Support Programme (TCE)" in text
    assert "Leadership in Colour Reference Group" in text
    ids = [i for i in london.entities if "-" in i or i.islower()]
    assert not [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert london_view["summary"]["changes"][0].startswith("Started:")


def test_a_different_landscape_gets_its_own_summary(small, london_view):
    view = report_view(small, DAY, generated=GENERATED)
    text = " ".join(message["text"] for message in view["summary"]["messages"])
    assert "Missing from education" in text  # a concern no board owns
    assert "East Forum" in text  # accountable to no one
    assert text != " ".join(message["text"] for message in london_view["summary"]["messages"])
    assert "London" not in text
    page = render_html(view)
    assert '<section id="summary">' in page and "East Forum" in page.split('<section id="map">')[0]


def test_score_meanings_are_plain():
    assert measure({"kind": "shared_membership", "score": 0.375, "shared": 3}) == "3 of 8 members shared"
    assert measure({"kind": "shared_remit", "score": 0.5, "themes": ["a"]}) == "1 of 2 themes in common"
    assert measure({"kind": "duplicate_oversight", "score": 2.0}) == "overseen by 2 boards"
    assert measure({"kind": "unowned_theme", "score": 1.0}) == "no work on it"
    assert measure({"kind": "missing_link", "score": 3.0, "grounds": ["oversight", "remit"]}) == \
        "overlap weight 3: oversee the same work, cover the same themes"
    assert measure({"kind": "missing_link", "score": 2.0, "grounds": ["oversight"]}) == "1 initiative both oversee"


class Cells(HTMLParser):
    """The text of every cell of the findings tables of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.depth = 0  # inside a findings table
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "findings" in (dict(attrs).get("class") or ""):
            self.depth += 1
        elif tag == "td" and self.depth:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "td" and self.cell is not None:
            self.cells.append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def test_no_raw_id_in_a_findings_table_cell(london, london_view):
    parser = Cells()
    parser.feed(render_html(london_view))
    assert len(parser.cells) > 150  # the findings and what the sources do not say
    found = [(i, cell) for cell in parser.cells for i in london.entities
             if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", cell)]
    assert not found


def test_findings_cite_their_sources_and_sources_are_listed_once(london_view):
    rows = [row for section in london_view["sections"] for row in section["rows"]]
    assert all(row["sources"] for row in rows)
    titles = [source["title"] for source in london_view["sources"]]
    assert len(titles) == len(set(titles)) == 2
    assert "Appendix 3 (Pan-London Boards)" in london_view["sources"][0]["sections"]


def test_evidence_unknowns_and_stale_findings_are_shown_when_the_analysis_gives_them(small, monkeypatch):
    """Per-finding evidence and the top-level unknowns are optional in the analysis result:
    when present, the report shows their sources and dates, marks stale evidence, and lists the
    unknowns apart from the gaps."""
    import viz.report as report

    real = report.analyse

    def with_evidence(*args, **kwargs):
        result = real(*args, **kwargs)
        for found in result["findings"]:
            found.update(evidence=[{"entity": found["entities"][0], "evidence": "stated",
                                    "cites": ["2019-05 Old review, Part 2"]}],
                         last_attested="2019-05-31", stale=True)
        result["unknowns"] = [{"kind": "orphan_board", "entities": ["south"], "aspect": "reporting",
                               "explanation": "The sources do not say whom South Youth Panel reports to."}]
        return result

    monkeypatch.setattr(report, "analyse", with_evidence)
    view = report_view(small, DAY, generated=GENERATED)
    row = view["sections"][0]["rows"][0]
    assert row["stale"] and row["last_attested"] == "2019-05-31"
    assert row["sources"] == [{"title": "2019-05 Old review", "date": "2019-05", "sections": ["Part 2"]}]
    assert view["unknowns"][0]["bodies"] == ["South Youth Panel"]
    assert view["summary"]["unknowns"].startswith("The sources do not say whom South Youth Panel reports to")
    page = render_html(view)
    assert "Stale evidence" in page and "What the sources do not say" in page
    unknowns = page.split('<section id="unknowns">')[1].split("</section>")[0]
    assert "South Youth Panel" in unknowns


DECISIONS = """kind,entities,decision,owner,note,review
orphan_board,east,accepted,Chair of North,A forum by design,2030-01
unowned_theme,drift,action,Borough Council,Ask the education board,
orphan_board,east-old,accepted,Chair,Renamed since,
unowned_theme,drift-x,action,,,
"""


@pytest.fixture
def decisions_file(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text(DECISIONS, encoding="utf-8")
    return path


def test_decisions_matched_accepted_and_stale(small, decisions_file):
    from landscape.analysis import analyse

    result = apply_decisions(analyse(small, as_of=DAY), read_decisions(decisions_file), DAY)
    kinds = {(f["kind"], tuple(f["entities"])): f for f in result["findings"]}
    assert ("orphan_board", ("east",)) not in kinds
    assert result["accepted"][0]["decision"] == {"decision": "accepted", "owner": "Chair of North",
                                                 "note": "A forum by design", "review": "2030-01-31"}
    assert kinds[("unowned_theme", ("drift",))]["decision"]["owner"] == "Borough Council"
    assert [row["entities"] for row in result["stale_decisions"]] == [["east-old"], ["drift-x"]]
    assert result["summary"]["orphan_board"] == sum(f["kind"] == "orphan_board" for f in result["findings"])


def test_an_accepted_decision_past_its_review_returns_to_the_findings(small, decisions_file):
    from landscape.analysis import analyse

    later = date(2030, 2, 1)
    result = apply_decisions(analyse(small, as_of=later), read_decisions(decisions_file), later)
    back = [f for f in result["findings"] if f["kind"] == "orphan_board" and f["entities"] == ["east"]]
    assert back and back[0]["decision"]["expired"] and not result["accepted"]


def test_a_bad_decisions_file_is_refused_with_located_problems(tmp_path):
    from landscape.errors import DatasetError

    path = tmp_path / "bad.csv"
    path.write_text("kind,entities,decision,review\nnope,a,maybe,2024-13\n", encoding="utf-8")
    with pytest.raises(DatasetError) as error:
        read_decisions(path)
    text = str(error.value)
    assert "bad.csv:2: kind:" in text and "bad.csv:2: decision:" in text and "bad.csv:2: review:" in text


def test_analyse_and_report_take_decisions(runner, small, decisions_file, tmp_path):
    import json

    folder = str(tmp_path / "dataset")
    result = runner.invoke(main, ["analyse", folder, "--as-of", "2024-12-31", "--format", "json",
                                  "--decisions", str(decisions_file)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["accepted"]) == 1 and len(data["stale_decisions"]) == 2
    assert "decision no longer matches a finding: orphan_board east-old" in result.stderr
    page = tmp_path / "report.html"
    result = runner.invoke(main, ["report", folder, "--as-of", "2024-12-31", "--decisions", str(decisions_file),
                                  "-o", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    accepted = text.split('id="accepted"')[1].split("</table>")[0]
    assert "A forum by design" in accepted and "Chair of North" in accepted
    assert "Action: Borough Council" in text and "Decisions that no longer match a finding (2)" in text


def test_template_writes_an_empty_decisions_file(runner, tmp_path):
    path = tmp_path / "decisions.csv"
    result = runner.invoke(main, ["template", "--decisions", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == "kind,entities,decision,owner,note,review\n"
    assert read_decisions(path) == []
    result = runner.invoke(main, ["template", "--decisions", "-o", str(path)])
    assert result.exit_code == 1 and "already exists" in result.output


def test_the_word_document_holds_the_headings_tables_and_picture(london_view):
    from docx import Document

    document = Document(io.BytesIO(render_docx(london_view)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Executive summary", "Map", "Coverage: boards by theme", "Findings", "Brokers",
                    "Sources cited", "What changed since 2021-03-31"):
        assert heading in headings
    assert "Boards with the same remit (8)" in headings
    assert "What the sources do not say" in headings
    assert document.paragraphs[0].style.name == "Title"
    assert len(document.tables) >= 6 and all(t.style.name == "Table Grid" for t in document.tables)
    assert len(document.inline_shapes) == 2  # the governance chart, and the findings over time
    findings = next(table for table in document.tables if table.rows[0].cells[-1].text == "Measure")
    cells = [cell.text for cell in findings.rows[1].cells]
    assert cells[0] in ("high", "medium", "low") and "in common" in cells[-1]  # the first kind: the same remit


def test_report_writes_word_from_the_command_line(runner, tiny, tmp_path):
    from docx import Document

    path = tmp_path / "pack.docx"
    result = runner.invoke(main, ["report", str(tiny), "--format", "docx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert Document(str(path)).paragraphs[0].text.endswith("overlaps, gaps and links")


@pytest.mark.browser
def test_the_london_report_prints_on_a_few_a4_pages_summary_first(london_view, tmp_path):
    """Chromium's print to PDF: the summary fills the first page, what the change does the next,
    the map has a landscape page of its own, coverage and the findings over time follow, and the
    long tables follow in an appendix."""
    import shutil
    import subprocess

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium or not shutil.which("pdftotext"):
        pytest.skip("needs chromium and pdftotext")
    page, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    page.write_text(render_html(london_view), encoding="utf-8")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [page.lstrip() for page in text.split("\f")]
    assert "Executive summary" in pages[0] and "What changed since 2021-03-31" in pages[0]
    assert pages[1].startswith("What the change does")
    starts = [page.split("\n", 1)[0].strip() for page in pages]
    map_page = starts.index("Map")
    assert starts[map_page + 1].startswith("Coverage: boards by theme")
    assert "Findings over time" in pages[map_page + 1] + pages[map_page + 2]
    assert any(start.startswith("Appendix") for start in starts[map_page + 2:map_page + 4])
    assert len([p for p in pages if p.strip()]) <= 16


def test_hostile_strings_stay_text_in_word_and_the_picture(tmp_path):
    """Markup and control characters in names reach Word and the map picture as plain text."""
    from docx import Document

    from landscape.model import Entity, Landscape, Relationship
    from viz.picture import svg_picture

    names = ['<b>bold</b> & "quoted"', "tab\tand\x0bvertical\x00nul", "</svg><script>x</script>"]
    landscape = Landscape([Entity(f"b{n}", name, "board") for n, name in enumerate(names)],
                          [Relationship("b1", "b0", "reports_to")])
    view = report_view(landscape, DAY, generated=GENERATED)
    document = Document(io.BytesIO(render_docx(view)))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert '<b>bold</b> & "quoted"' in text and "tab\tandverticalnul" in text
    svg = svg_picture(view["picture"])
    assert "<script>" not in svg and "&lt;/svg&gt;&lt;script&gt;" in svg


def test_an_accepted_finding_is_not_counted_as_resolved(small):
    row = {"kind": "orphan_board", "entities": ["east"], "decision": "accepted", "owner": "", "note": "",
           "review": ""}
    view = report_view(small, DAY, generated=GENERATED, since=date(2020, 1, 1), decisions=[row])
    assert [a["bodies"] for a in view["accepted"]] == [["East Forum"]]
    assert not any("resolved" in line for line in view["summary"]["changes"])


# --- the London report read beside its two sources (graph_data/london/README.md) -------------------

EARLY = date(2021, 3, 1)  # the landscape the 2021 paper found, before the newsletter


@pytest.fixture(scope="module")
def early_view(london):
    return report_view(london, EARLY, generated=GENERATED)


def drawn_facts(map_data: dict) -> set[tuple[str, str, str]]:
    """The relationships a map view draws, as (source id, type, target id)."""
    entity, relations = map_data["nodes"]["entity"], map_data["relations"]
    edges = map_data["edges"]
    return {(entity[a], relations[t]["type"], entity[b]) for a, t, b in zip(edges["from"], edges["type"], edges["to"])}


def test_the_report_map_draws_only_what_the_findings_rest_on(london, london_view):
    """The findings use stated and inferred facts: the map beside them does not draw what the 2021
    paper only proposed (LASOB's line to the LSCP Executive, its seats, its steering of TCE) as if
    in force, next to a finding that no board oversees TCE and a question whom LASOB reports to."""
    known = {(r.source, r.type, r.target) for r in london.relationships if r.evidence != "proposed"}
    for picture in (london_view["map"], london_view["picture"]):
        drawn = drawn_facts(picture)
        assert ("lasob", "oversees", "asil-practice-guide") in drawn  # stated by the newsletter
        assert drawn <= known  # the chair is drawn once, as the newsletter states it (N:19)
        assert {("lasob", "reports_to", "lscp-executive"), ("lasob", "oversees", "tce")} & drawn == set()
        assert "lasob-vcs-seat-1" not in picture["nodes"]["entity"]  # a proposed seat
    unoverseen = [row["bodies"] for section in london_view["sections"] if section["kind"] == "unoverseen_initiative"
                  for row in section["rows"]]
    assert unoverseen == [["Tackling Child Exploitation Support Programme (TCE)"]]
    # Counting proposals, the map draws them as the findings then count them.
    counted = report_view(london, DAY, generated=GENERATED, evidence="proposed")
    assert ("lasob", "reports_to", "lscp-executive") in drawn_facts(counted["map"])


def test_the_map_says_how_well_each_fact_is_known(london_view):
    """Tooltips say when a source only implies a fact: MOPAC is read as leading VESS because it
    commissions it (N:83), which no source states; that it funds VESS is stated (N:101)."""
    data = london_view["map"]
    entity, edges, relations = data["nodes"]["entity"], data["edges"], data["relations"]
    levels = {(entity[a], relations[t]["type"], entity[b]): level
              for a, t, b, level in zip(edges["from"], edges["type"], edges["to"], edges["evidence"])}
    assert levels[("mopac", "leads", "vess")] == "inferred" and levels[("mopac", "funds", "vess")] == "stated"
    assert len(data["nodes"]["evidence"]) == len(entity)


def test_a_report_of_2021_cites_no_source_of_2024(london, early_view):
    """On 2021-03-01 the newsletter of December 2024 did not exist: no finding of that day lists it
    among its sources or is 'last attested' by it, and 'Sources cited' lists the 2021 paper alone,
    though some entities of the 2021 view are cited by both documents."""
    assert any("lasob-2024-12" in (entity.source or "") for entity in london.as_of(EARLY).entities.values())
    rows = [row for section in early_view["sections"] for row in section["rows"]]
    assert rows and all(row["last_attested"] == "2021-02-18" for row in rows)
    assert {source["date"] for row in rows for source in row["sources"]} == {"2021-02-18"}
    assert [source["date"] for source in early_view["sources"]] == ["2021-02-18"]


def test_an_overlap_cites_the_facts_that_make_it_not_every_citation_of_its_bodies(london_view):
    """ALDCS and the Leadership in Colour Reference Group both cover racism on the newsletter's word
    (N:38, N:41-42); the 2021 paper, which cites ALDCS for other things, says nothing of it. The
    Health Violence Reduction Board and the local Violence Reduction Partnerships both cover serious
    youth violence on the 2021 paper's word alone, so that finding is stale in 2024."""
    rows = {tuple(row["bodies"]): row for section in london_view["sections"] for row in section["rows"]}
    remit = rows[("Association of London Directors of Children's Services (ALDCS)",
                  "Leadership in Colour Reference Group")]
    assert [(source["date"], source["sections"]) for source in remit["sources"]] == [
        ("2024-12", ["Updates from LASOB"])]
    apart = rows[("Health Violence Reduction Board", "Local Violence Reduction Partnerships")]
    assert [source["date"] for source in apart["sources"]] == ["2021-02-18"]
    assert apart["last_attested"] == "2021-02-18" and apart["stale"]


def test_the_summary_says_which_of_its_findings_rest_on_stale_evidence(london_view, early_view):
    """In December 2024 the Tackling Child Exploitation programme's lack of an overseer rests on the
    2021 paper alone (P:140; the newsletter does not mention the programme): the summary says so
    rather than carrying it as still true. In March 2021 the same message has nothing to add."""
    texts = {message["kind"]: message["text"] for message in london_view["summary"]["messages"]}
    assert texts["unoverseen_initiative"].endswith(
        "It rests on evidence last attested 2021-02-18, and may no longer hold.")
    assert "5 of these 8 rest on evidence last attested 2021-02-18" in texts["shared_remit"]
    early = {message["kind"]: message["text"] for message in early_view["summary"]["messages"]}
    assert "last attested" not in " ".join(early.values())


def test_the_coverage_matrix_marks_only_the_concerns_no_board_owns(london_view):
    """County lines has no board in its column, but it is part of child criminal exploitation
    (N:115), which the LCRB covers: it is owned, so its column is not marked as a concern no board
    covers. The marked columns are exactly the analysis's unowned themes: in London, none, as every
    concern without an owner is worked on by an initiative whose oversight the sources do not record."""
    matrix = london_view["coverage"]
    column = [matrix["cells"][board["id"]]["theme-county-lines"] for board in matrix["boards"]]
    assert not any(column) and "theme-county-lines" not in london_view["uncovered"]
    unowned = {row["anchor"] for section in london_view["sections"] if section["kind"] == "unowned_theme"
               for row in section["rows"]}
    assert len(london_view["uncovered"]) == len(unowned) == 0
    # whether a board covers these is not known: the sources do not say who oversees the work on them
    assert london_view["owner_unknown"] == ["theme-child-first", "theme-mental-health", "theme-online-extremism",
                                            "theme-transitional-safeguarding", "theme-youth-homelessness"]
    page = render_html(london_view)
    assert "a concern no board covers, even through a broader concern it is part of" in page
    assert "themes at least half of them cover:" in page and "common themes" not in page
