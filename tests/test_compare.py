"""Comparing findings: what a change (a proposal, or the passing years) resolves and raises.

Each way a finding is resolved or appears is shown on a small landscape built by hand: a
link agreed, a board created, an initiative given a lead, a body closed; a new board with
no reporting line, and a second board overseeing the same initiative. Then change sets
(`landscape diff DATASET --with CHANGES`), and London's 2021 proposal, whose README
paragraph is checked against the tool's output.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from landscape.analysis.compare import compare, proposed
from landscape.errors import DatasetError, LandscapeError
from landscape.io.changes import load_changes
from landscape.model import Entity, Landscape, Relationship

ROOT = Path(__file__).parent.parent


def entity(entity_id: str, kind: str, start: str = "", end: str = "", **attrs: str) -> Entity:
    return Entity(entity_id, entity_id.capitalize(), kind, start, end, "test", attrs)


def edge(source: str, kind: str, target: str, start: str = "", end: str = "", role: str = "") -> Relationship:
    return Relationship(source, target, kind, start, end, "test", role)


def keys(findings: list[dict]) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((finding["kind"], tuple(finding["entities"])) for finding in findings)


# A top board, two boards under it on the same theme (a missing link between them), and an
# initiative on that theme that a council leads and nobody oversees.
BASE_ENTITIES = [
    entity("exec", "board", top="true"), entity("north", "board"), entity("south", "board"),
    entity("council", "agency"), entity("plan", "initiative"), entity("cce", "theme"),
]
BASE_EDGES = [
    edge("north", "reports_to", "exec"), edge("south", "reports_to", "exec"),
    edge("north", "addresses", "cce"), edge("south", "addresses", "cce"),
    edge("council", "leads", "plan"), edge("plan", "addresses", "cce"),
]


def base(*more: Entity | Relationship, name: str = "base") -> Landscape:
    extra_entities = [fact for fact in more if isinstance(fact, Entity)]
    extra_edges = [fact for fact in more if isinstance(fact, Relationship)]
    entities = {e.id: e for e in BASE_ENTITIES + extra_entities}
    return Landscape(entities.values(), BASE_EDGES + extra_edges, name)


def test_the_base_has_the_findings_the_tests_resolve():
    found = compare(base(), base())["findings"]
    assert keys(found["persisting"]) == [("missing_link", ("north", "south")),
                                         ("shared_remit", ("north", "south")),
                                         ("unoverseen_initiative", ("plan",))]
    assert found["resolved"] == found["new"] == []
    assert all(finding["changed"] == {} for finding in found["persisting"])


def test_a_link_agreed_resolves_the_missing_link():
    result = compare(base(), base(edge("north", "communicates_with", "south")))
    assert keys(result["findings"]["resolved"]) == [("missing_link", ("north", "south"))]
    assert result["findings"]["new"] == []
    assert result["findings"]["resolved"][0]["because"] == ["North communicates with South"]
    assert result["findings_summary"] == {"resolved": 1, "new": 0, "persisting": 2, "changed": 0}


def test_a_board_created_to_oversee_an_initiative_resolves_its_gap():
    result = compare(base(), base(entity("hub", "board"), edge("hub", "reports_to", "exec"),
                                  edge("hub", "oversees", "plan")))
    assert keys(result["findings"]["resolved"]) == [("unoverseen_initiative", ("plan",))]
    assert result["findings"]["new"] == []
    assert result["findings"]["resolved"][0]["because"] == ["Hub oversees Plan"]


def test_an_initiative_given_a_lead_resolves_no_lead():
    before = base(entity("pilot", "initiative"), edge("north", "oversees", "pilot"))
    after = base(entity("pilot", "initiative"), edge("north", "oversees", "pilot"),
                 edge("council", "leads", "pilot"))
    result = compare(before, after)
    assert keys(result["findings"]["resolved"]) == [("no_lead", ("pilot",))]
    assert result["findings"]["new"] == []


def test_a_body_closed_resolves_its_findings_between_two_dates():
    history = base(entity("lonely", "board", end="2022-06"))
    result = compare(history, history, before_day=date(2022, 1, 1), after_day=date(2023, 1, 1))
    assert keys(result["findings"]["resolved"]) == [("orphan_board", ("lonely",))]
    assert result["findings"]["resolved"][0]["because"] == ["Lonely ended"]
    assert [row["id"] for row in result["ended"]] == ["lonely"]


def test_a_new_board_with_no_reporting_line_and_a_second_overseer_raise_findings():
    before = base(edge("north", "oversees", "plan"))
    after = base(edge("north", "oversees", "plan"), entity("rival", "board"), edge("rival", "oversees", "plan"))
    result = compare(before, after)
    assert keys(result["findings"]["new"]) == [
        ("duplicate_oversight", ("north", "plan", "rival")),
        ("missing_link", ("north", "rival")),
        ("orphan_board", ("rival",)),
    ]
    assert result["findings"]["resolved"] == []
    assert all(finding["because"] == ["Rival started"] for finding in result["findings"]["new"])


def test_a_persisting_finding_says_how_it_changed():
    after = base(entity("nurse", "person"), edge("nurse", "member_of", "north"), edge("nurse", "member_of", "south"))
    result = compare(base(), after)
    link = next(f for f in result["findings"]["persisting"] if f["kind"] == "missing_link")
    assert link["changed"]["channel"] == {"from": "none", "to": "shared_member"}
    assert link["changed"]["severity"] == {"from": "high", "to": "medium"}
    assert result["findings_summary"]["changed"] == 1
    assert result["findings"]["resolved"] == result["findings"]["new"] == []


# --- change sets: `landscape diff DATASET --with CHANGES` ------------------------------------------

ENTITIES = """\
exec,Executive,board,,,true,,,,doc,
north,North Board,board,,,,,,,doc,cce
south,South Board,board,,,,,,,doc,cce
council,Council,agency,,,,,,,doc,
plan,Plan,initiative,,,,,,,doc,cce
cce,Exploitation,theme,,,,,,,doc,
"""
RELATIONSHIPS = """\
north,exec,reports_to,,,,doc,
south,exec,reports_to,,,,doc,
council,plan,leads,,,,doc,
"""


@pytest.fixture
def today(write_dataset) -> Path:
    return write_dataset(ENTITIES, RELATIONSHIPS, name="today")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_change_set_that_only_adds_a_link_resolves_exactly_that_missing_link(today, write_dataset):
    link = write_dataset("", "north,south,communicates_with,,,,agreed at the March meeting,", name="link")
    result = run("diff", str(today), "--with", str(link), "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    assert keys(changes["findings"]["resolved"]) == [("missing_link", ("north", "south"))]
    assert changes["findings"]["new"] == []
    assert {f["kind"] for f in changes["findings"]["persisting"]} == {"shared_remit", "unoverseen_initiative"}
    assert changes["summary"]["relationships_added"] == 1
    assert changes["started"] == changes["ended"] == []
    assert changes["to"]["landscape"] == "today with link"
    assert changes["from"]["as_of"] == changes["to"]["as_of"] == date.today().isoformat()


def test_a_change_set_replaces_entities_by_id_and_may_add_its_own(today, write_dataset):
    board = write_dataset("hub,Hub Board,board,,,,,,,proposal,\nnorth,North Board (renamed),board,,,,,,,proposal,cce",
                          "hub,exec,reports_to,,,,proposal,\nhub,plan,oversees,,,,proposal,", name="board")
    changes = load_changes(board, load_dataset(today))
    assert sorted(changes.entities) == ["hub", "north"]
    merged = proposed(load_dataset(today), changes)
    assert merged.entities["north"].name == "North Board (renamed)" and len(merged) == 7
    result = compare(load_dataset(today), merged)
    assert keys(result["findings"]["resolved"]) == [("unoverseen_initiative", ("plan",))]
    assert [row["to"] for row in result["renamed"]] == ["North Board (renamed)"]


def load_dataset(path: Path) -> Landscape:
    from landscape.io.validate import load_dataset as load

    return load(path)


def test_a_change_set_naming_an_unknown_entity_is_refused_where_it_is_wrong(today, write_dataset):
    bad = write_dataset("", "north,nowhere,communicates_with,,,,doc,", name="bad")
    with pytest.raises(DatasetError) as error:
        load_changes(bad, load_dataset(today))
    assert "bad/relationships.csv:2: target: unknown entity 'nowhere'" in str(error.value)
    result = run("diff", str(today), "--with", str(bad))
    assert result.exit_code == 1 and "unknown entity 'nowhere'" in result.output


def test_a_change_set_that_would_close_a_reporting_cycle_is_refused(today, write_dataset):
    cycle = write_dataset("", "exec,north,reports_to,,,,doc,", name="cycle")
    with pytest.raises(LandscapeError, match="reports_to cycle among exec, north"):
        proposed(load_dataset(today), load_changes(cycle, load_dataset(today)))
    result = run("diff", str(today), "--with", str(cycle))
    assert result.exit_code == 1 and "cycle" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2024", "--to", "2021"], "later than --to"),
    (["--as-of", "2021", "--from", "2020"], "not both"),
], ids=["dates reversed", "--as-of with --from"])
def test_diff_with_changes_refuses_bad_dates(today, write_dataset, args, message):
    link = write_dataset("", "north,south,communicates_with,,,,doc,", name="link")
    result = run("diff", str(today), "--with", str(link), *args)
    assert result.exit_code == 2 and message in result.output


def test_diff_of_one_dataset_with_only_as_of_is_a_usage_error(today):
    result = run("diff", str(today), "--as-of", "2021")
    assert result.exit_code == 2 and "give --from and --to" in result.output


def test_table_and_markdown_open_with_one_line_of_counts(today, write_dataset):
    link = write_dataset("", "north,south,communicates_with,,,,doc,", name="link")
    table = run("diff", str(today), "--with", str(link)).output.splitlines()
    assert table[1] == "Findings: 1 resolved, 0 new, 2 persisting (0 of them changed)"
    assert "FINDINGS RESOLVED (1)" in table and "FINDINGS PERSISTING (2)" in table
    assert any("because: North Board communicates with South Board" in line for line in table)
    markdown = run("diff", str(today), "--with", str(link), "--format", "markdown").output.splitlines()
    assert markdown[0].startswith("# Changes from today on ")
    assert markdown[2] == "Findings: 1 resolved, 0 new, 2 persisting (0 of them changed)"
    assert "## Findings resolved (1)" in markdown


# --- London: what creating the board was expected to close ------------------------------------------

@pytest.fixture(scope="module")
def london_proposal() -> dict:
    result = run("diff", "london", "--as-of", "2021-02-18", "--with", "london-proposal-2021", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def readme_section() -> str:
    """The README's section on comparing architectures, as one line."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Comparing architectures")
    return " ".join(text[start:text.index("\n## ", start + 1)].split())


def test_london_proposal_runs_closes_a_gap_and_answers_what_the_paper_left_open(london_proposal):
    found = london_proposal["findings"]
    assert keys(found["resolved"]) == [("unoverseen_initiative", ("tce",))]
    # the paper does not record who oversees the protocol that addresses these concerns: the board would
    answered = london_proposal["unknowns"]["answered"]
    assert [(u["kind"], u["entities"]) for u in answered if u["kind"] == "unowned_theme"] == [
        ("unowned_theme", ["theme-child-first"]), ("unowned_theme", ["theme-trauma-informed-practice"])]
    # The board would oversee two pieces of work another board already oversees: the CP procedures
    # review (the Editorial Board) and the LCRB's own action plan.
    assert keys(found["new"]) == [
        ("duplicate_oversight", ("cp-procedures-editorial-board", "cp-procedures-efh-review", "lasob")),
        ("duplicate_oversight", ("lasob", "lcrb", "lcrb-cce-syv-join-up")),
        ("shared_remit", ("lasob", "lcrb-working-group")), ("shared_remit", ("lasob", "vru-boards")),
    ]
    assert london_proposal["findings_summary"] == {"resolved": 1, "new": 4, "persisting": 5, "changed": 0}
    assert len(answered) == 4
    assert london_proposal["summary"]["relationships_added"] == 30
    # the board and its shared dataset start; six seats are new, the others the dataset already holds
    started = [row["type"] for row in london_proposal["started"]]
    assert started.count("board") == 1 and started.count("initiative") == 1 and started.count("person") == 6


def test_london_readme_paragraph_is_true_of_the_output(london_proposal):
    section = readme_section()
    summary = london_proposal["findings_summary"]
    assert (f"{summary['resolved']} finding resolved, {summary['new']} new and {summary['persisting']} "
            f"persisting, and answers {len(london_proposal['unknowns']['answered'])} questions") in section
    text = json.dumps([london_proposal["findings"], london_proposal["unknowns"]])
    for name in ("Tackling Child Exploitation Support Programme", "Child-first responses",
                 "Trauma-informed practice", "LCRB working group", "London VRU sub-groups and boards",
                 "Review of the London Child Protection Procedures on extra-familial harm"):
        assert name in text, name
    for words in ("Tackling Child Exploitation Support Programme gains an overseer",
                  "child-first responses and trauma-informed practice, which the protocol addresses, gain an owner",
                  "the London Child Protection Procedures on extra-familial harm beside the Editorial Board",
                  "the LCRB's action plan on joining up responses to child criminal exploitation and serious youth "
                  "violence beside the LCRB itself",
                  "LCRB working group and the London VRU sub-groups and boards"):
        assert words in section, words


def test_london_2021_to_2024_paragraph_is_true_of_the_output():
    result = run("diff", "london", "--from", "2021-02-18", "--to", "2024-12", "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    section = readme_section()
    summary = changes["findings_summary"]
    assert (f"the findings are {summary['resolved']} resolved, {summary['new']} new and "
            f"{summary['persisting']} persisting") in section
    assert changes["findings"]["resolved"] == []
    new = changes["findings"]["new"]
    assert {f["kind"] for f in new} == {"shared_remit"} and all(
        "theme-racial-disproportionality" in f["themes"] for f in new)
    assert "every new finding is a shared remit on racism and racial disproportionality" in section
    persisting = changes["findings"]["persisting"]
    assert len(persisting) == 6 and all(f["stale"] for f in persisting) and "on 2021 evidence alone" in section


# --- findings over time ------------------------------------------------------------------------------

def history() -> Landscape:
    """The base landscape, in which a board starts in 2022 to oversee the plan and a lonely
    network, accountable to no one, closes in June 2023."""
    return base(entity("hub", "board", start="2022"), edge("hub", "reports_to", "exec", start="2022"),
                edge("hub", "oversees", "plan", start="2022"), entity("lonely", "board", end="2023-06"))


def test_findings_are_counted_on_each_date_the_landscape_changed():
    from landscape.analysis.over_time import findings_over_time

    series = findings_over_time(history(), until=date(2030, 1, 1))
    assert [row["date"] for row in series["dates"]] == ["2022-01-01", "2023-07-01"]
    assert [row["counts"]["unoverseen_initiative"] for row in series["dates"]] == [0, 0]
    assert [row["counts"]["orphan_board"] for row in series["dates"]] == [1, 0]
    assert series["yearly"] is False and series["kinds"][0] == "shared_membership"
    assert all(row["total"] == sum(row["counts"].values()) for row in series["dates"])
    until_2022 = findings_over_time(history(), until=date(2022, 12, 31))
    assert [row["date"] for row in until_2022["dates"]] == ["2022-01-01"]


def test_findings_over_time_are_yearly_when_the_landscape_changed_often():
    from landscape.analysis.over_time import findings_over_time

    series = findings_over_time(history(), until=date(2024, 3, 1), most=1)
    assert series["yearly"] is True
    assert [row["date"] for row in series["dates"]] == ["2022-01-01", "2023-01-01", "2024-01-01"]
    assert [row["counts"]["orphan_board"] for row in series["dates"]] == [1, 1, 0]


def test_analyse_over_time_writes_csv_and_json():
    csv_text = run("analyse", "london", "--over-time", "--as-of", "2024-12", "--format", "csv").output
    lines = csv_text.splitlines()
    assert lines[0].startswith("date,shared_membership,shared_remit,") and lines[0].endswith(",missing_link,total")
    assert lines[-1].split(",")[0] == "2024-12-01"
    assert "2021-03-01" in {line.split(",")[0] for line in lines[1:]}
    series = json.loads(run("analyse", "london", "--over-time", "--as-of", "2024-12", "--format", "json").output)
    last = series["dates"][-1]
    assert last["date"] == "2024-12-01"
    now = json.loads(run("analyse", "london", "--as-of", "2024-12-01", "--format", "json").output)
    assert last["counts"] == now["summary"]
    refused = run("analyse", "london", "--over-time", "--format", "xlsx", "-o", "x.xlsx")
    assert refused.exit_code == 2


def test_the_over_time_chart_is_an_svg_with_its_table_and_no_script():
    from landscape.analysis.over_time import findings_over_time
    from viz.over_time import over_time_view
    from viz.render import environment

    series = findings_over_time(history(), until=date(2030, 1, 1))
    series["landscape"] = "<North & South>"
    html = environment().get_template("_over_time.html.j2").render(over_time=over_time_view(series))
    assert html.lstrip().startswith('<figure class="over-time">')
    assert "<svg" in html and "<table" in html and "<script" not in html.lower()
    assert "&lt;North &amp; South&gt;" in html and "<North" not in html
    assert html.count("<path ") == 3  # overlaps, gaps, missing links
    assert html.count('<th scope="row">') == len(series["dates"]) == 2
    assert "Boards accountable to no one" in html  # the table's columns are the kinds' titles


def test_the_over_time_chart_steps_where_the_counts_change():
    from landscape.analysis.over_time import findings_over_time
    from viz.over_time import over_time_view

    view = over_time_view(findings_over_time(history(), until=date(2030, 1, 1)))
    chart = view["chart"]
    gaps = next(line for line in chart["lines"] if line["label"] == "Gaps")
    # one gap (the lonely network) until it closes in mid-2023, then none: a step down to the axis
    assert gaps["path"].count(" V") == 1 and gaps["path"].endswith(f"V{chart['bottom']:g} H{chart['right']}")
    assert [tick["label"] for tick in chart["x_ticks"]] == [str(year) for year in range(2022, 2031)]
    assert [row["counts"] for row in view["by_category"]] == [[1, 1, 1], [1, 0, 1]]


def test_the_over_time_chart_counts_on_the_day_a_source_first_records_facts():
    """London's facts with no start begin on their source's date: the paper of 18 February 2021."""
    series = json.loads(run("analyse", "london", "--over-time", "--as-of", "2021-12", "--format", "json").output)
    on_the_day = next(row for row in series["dates"] if row["date"] == "2021-02-18")
    analysed = json.loads(run("analyse", "london", "--as-of", "2021-02-18", "--format", "json").output)
    assert on_the_day["counts"] == analysed["summary"] and on_the_day["total"] > 0
