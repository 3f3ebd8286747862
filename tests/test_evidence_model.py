"""What a dataset says about how well it is known: the sources table, citations, evidence levels,
unrecorded aspects, aliases, initiative kinds and hierarchies; and time that follows the sources."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cli import main
from landscape.analysis.diff import as_text, diff
from landscape.errors import DatasetError
from landscape.find import did_you_mean, find, resolve
from landscape.io.validate import load_dataset
from landscape.model import Citation, Entity, Landscape, Relationship, Source

LASOB = "London Adolescent Safeguarding Oversight Board"
ENTITIES = f"""\
id,name,type,kind,evidence,not_recorded,aliases,start,end,source,themes
lasob,{LASOB},board,,,members;links,ASOB;LASOB,2021-03,,"asob-2021, Main paper; news-2024",
lcrb,London Crime Reduction Board,board,,,reporting,LCRB,,,"asob-2021, Appendix 3",
exec,LSCP Executive,board,,,,,,,asob-2021,
contest,CONTEST,initiative,strategy,,,,,,"news-2024, Prevent update",
prevent,Prevent,initiative,programme,,,,,,news-2024,theme-online
vess,Violence and Exploitation Support Service,initiative,service,proposed,lead,VESS,,,Minutes of the May 2024 meeting,
theme-cce,Child criminal exploitation,theme,,,,CCE,,,"asob-2021, Appendix 1",
theme-lines,County lines,theme,,,,,,,"news-2024, VESS",
theme-online,Online extremism,theme,,inferred,,,,,news-2024,
"""
RELATIONSHIPS = """\
source,target,type,role,start,end,source_doc,note,evidence
lasob,exec,reports_to,,2021-03,,"asob-2021, Main paper",,
prevent,contest,part_of,,,,"news-2024, Prevent update",,
theme-lines,theme-cce,part_of,,,,"news-2024, VESS",,
vess,lasob,reports_to,,,,news-2024,the newsletter lists it under LASOB's updates,inferred
lasob,lcrb,communicates_with,,,,"asob-2021, Appendix 2; news-2024",,proposed
"""
SOURCES = """\
id,title,date,url,publisher
asob-2021,ASOB proposal to the LSCP Executive,2021-02-18,,London Safeguarding Children Partnership
news-2024,LASOB newsletter,2024-12,https://example.org/lasob-news,LASOB
"""


def write(folder: Path, entities: str = ENTITIES, relationships: str = RELATIONSHIPS,
          sources: str | None = SOURCES) -> Path:
    """A dataset folder; without `sources.csv` when `sources` is None."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "entities.csv").write_text(entities, encoding="utf-8")
    (folder / "relationships.csv").write_text(relationships, encoding="utf-8")
    if sources is not None:
        (folder / "sources.csv").write_text(sources, encoding="utf-8")
    return folder


def evidenced_landscape(tmp_path: Path) -> Landscape:
    """The small evidenced landscape above, read and validated."""
    return load_dataset(write(tmp_path / "evidenced"))


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    return [str(problem) for problem in caught.value.problems]


# -- the data says how well it is known --------------------------------------------------------------

def test_the_evidenced_dataset_loads_with_its_sources_table(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    assert list(landscape.source_table) == ["asob-2021", "news-2024"]
    news = landscape.source_table["news-2024"]
    assert (news.title, news.date, news.url, news.publisher) == (
        "LASOB newsletter", "2024-12", "https://example.org/lasob-news", "LASOB")


def test_a_known_id_with_a_locator_is_parsed_and_long_text_is_kept_as_an_undated_citation(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    lasob = landscape.entities["lasob"]
    assert landscape.citations(lasob) == (Citation("asob-2021, Main paper", "asob-2021", "Main paper"),
                                          Citation("news-2024", "news-2024", ""))
    vess = landscape.entities["vess"]
    assert landscape.citations(vess) == (Citation("Minutes of the May 2024 meeting"),)
    assert landscape.cited_sources(vess) == [] and landscape.last_attested(vess) is None


def test_first_and_last_attested_are_the_earliest_and_latest_cited_sources_partial_dates_as_spans(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    lasob = landscape.entities["lasob"]
    assert landscape.first_attested(lasob) == date(2021, 2, 18)
    assert landscape.last_attested(lasob) == date(2024, 12, 31)  # "2024-12" attests to the end of December
    attested = landscape.attested(lasob)
    assert (attested.first.id, attested.last.id, attested.last.date) == ("asob-2021", "news-2024", "2024-12")
    edge = next(landscape.edges("communicates_with"))
    assert [source.id for source in landscape.cited_sources(edge)] == ["asob-2021", "news-2024"]
    assert landscape.first_attested(landscape.entities["theme-lines"]) == date(2024, 12, 1)


def test_evidence_aspects_aliases_and_kinds_read_from_the_model(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    entities = landscape.entities
    assert entities["lasob"].evidence == "stated"  # the default
    assert entities["vess"].evidence == "proposed" and entities["theme-online"].evidence == "inferred"
    edges = {(edge.source, edge.type): edge for edge in landscape.relationships}
    assert edges["vess", "reports_to"].evidence == "inferred"
    assert edges["lasob", "reports_to"].evidence == "stated"
    assert edges["vess", "reports_to"].note.startswith("the newsletter")
    assert entities["lasob"].not_recorded == {"members", "links"}
    assert not entities["lasob"].is_recorded("members") and entities["lasob"].is_recorded("reporting")
    assert entities["lasob"].aliases == ["ASOB", "LASOB"]
    assert resolve(landscape, "asob") is entities["lasob"]
    assert resolve(landscape, "County lines") is entities["theme-lines"]
    assert find(landscape, "nothing") == []
    assert entities["contest"].kind == "strategy" and not entities["contest"].is_governed
    assert entities["prevent"].is_governed and entities["vess"].is_governed
    assert not entities["lasob"].is_governed  # only initiatives are governed work


def test_hierarchies_are_allowed(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    assert {(e.source, e.type, e.target) for e in landscape.relationships} >= {
        ("prevent", "part_of", "contest"), ("theme-lines", "part_of", "theme-cce"), ("vess", "reports_to", "lasob")}


def test_at_evidence_keeps_facts_known_at_least_that_well(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    stated = landscape.at_evidence("stated")
    assert "vess" not in stated.entities and "theme-online" not in stated.entities
    assert not any(edge.type == "communicates_with" for edge in stated.relationships)
    inferred = landscape.at_evidence("inferred")
    assert "theme-online" in inferred.entities and "vess" not in inferred.entities
    assert landscape.at_evidence("proposed") is landscape
    assert inferred.source_table == landscape.source_table


def test_every_bad_value_is_a_located_problem(tmp_path):
    entities = ENTITIES.replace("ASOB;LASOB,2021-03,,\"asob-2021, Main paper; news-2024\"",
                                "ASOB;LASOB,2021-03,,\"asob-2012, Main paper; news-2024\"")
    entities = entities.replace("board,,,reporting,LCRB", "board,programme,confirmed,reporting;funding,LCRB")
    entities = entities.replace("initiative,strategy,", "initiative,policy,")
    relationships = RELATIONSHIPS.replace(",news-2024,the newsletter", ",newsletter,the newsletter")
    relationships = relationships.replace(",,proposed\n", ",,draft\n")
    sources = SOURCES + "asob-2021,Again,2021,,\nold paper,Old paper,2019-13,,\n,No id,,,\n"
    found = problems_of(write(tmp_path / "bad", entities, relationships, sources))
    where = tmp_path / "bad"
    assert found == [
        f"{where}/entities.csv:2: source: unknown source 'asob-2012' (not an id in the sources table; "
        "did you mean 'asob-2021'?)",
        f"{where}/entities.csv:3: evidence: unknown evidence 'confirmed' (expected one of stated, inferred, "
        "proposed, or empty for stated)",
        f"{where}/entities.csv:3: kind: only initiatives have a kind (this is a board)",
        f"{where}/entities.csv:3: not_recorded: unknown aspect 'funding' (expected one of reporting, members, "
        "links, oversight, lead, separated by ;)",
        f"{where}/entities.csv:5: kind: unknown kind 'policy' (expected one of programme, project, service, "
        "protocol, framework, guidance, dataset, event, strategy, plan, inspection, research, statement, or empty)",
        f"{where}/relationships.csv:5: source_doc: unknown source 'newsletter' (not an id in the sources table)",
        f"{where}/relationships.csv:6: evidence: unknown evidence 'draft' (expected one of stated, inferred, "
        "proposed, or empty for stated)",
        f"{where}/sources.csv:4: id: duplicate source id 'asob-2021' (first at line 2)",
        f"{where}/sources.csv:5: date: '2019-13' has no month 13",
        f"{where}/sources.csv:5: id: source id 'old paper' has spaces: a source id is one word, such as asob-2021",
        f"{where}/sources.csv:6: id: id is empty",
    ]


def test_without_a_sources_table_one_word_citations_are_words(tmp_path):
    landscape = load_dataset(write(tmp_path / "plain", sources=None))
    assert landscape.source_table == {}
    assert landscape.citations(landscape.entities["prevent"]) == (Citation("news-2024"),)
    assert landscape.first_attested(landscape.entities["prevent"]) is None
    empty = load_dataset(write(tmp_path / "empty", sources="id,title,date\n"))  # a header alone is no table
    assert empty.source_table == {}


def test_a_sources_table_missing_a_required_column_is_refused(tmp_path):
    found = problems_of(write(tmp_path / "headless", sources="id,date\nasob-2021,2021\n"))
    assert found == [f"{tmp_path}/headless/sources.csv:1: title: required column is missing"]


def test_a_workbook_sources_sheet_is_read_and_its_problems_located(tmp_path):
    from landscape.output.export import as_xlsx

    path = tmp_path / "book.xlsx"
    path.write_bytes(as_xlsx(evidenced_landscape(tmp_path)))
    book = openpyxl.load_workbook(path)
    book["sources"].append(["later", "Later paper", "2025-02-30"])
    book.save(path)
    assert problems_of(path) == [f"{path}[sources]:4: date: (cell C4) '2025-02-30' is not a real date "
                                 "(day is out of range for month)"]


def test_a_part_of_cycle_among_themes_is_refused(tmp_path):
    relationships = RELATIONSHIPS + "theme-cce,theme-lines,part_of,,,,news-2024,,\n"
    found = problems_of(write(tmp_path / "cycle", relationships=relationships))
    assert any("part_of cycle" in problem for problem in found)


def test_validate_on_the_command_line_lists_the_problems(runner, tmp_path):
    folder = write(tmp_path / "cli", entities=ENTITIES.replace("board,,,reporting", "board,,sure,reporting"))
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "entities.csv:3: evidence: unknown evidence 'sure'" in result.output


# -- time follows the sources ------------------------------------------------------------------------

def test_a_theme_first_attested_in_2024_is_absent_in_2021_and_present_in_2025(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    in_2021, in_2025 = landscape.as_of(date(2021, 3, 1)), landscape.as_of(date(2025, 6, 1))
    assert "theme-lines" not in in_2021.entities and "theme-lines" in in_2025.entities
    assert "theme-cce" in in_2021.entities  # first attested in February 2021
    assert "theme-lines" not in landscape.as_of(date(2024, 11, 30)).entities
    assert "theme-lines" in landscape.as_of(date(2024, 12, 1)).entities  # from the first day of the span
    assert in_2025.source_table == landscape.source_table


def test_a_relationship_with_no_start_counts_from_its_first_source_and_a_stated_start_wins(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    links = {(e.source, e.target) for e in landscape.as_of(date(2021, 6, 1)).edges("communicates_with")}
    assert links == {("lasob", "lcrb")}  # cites the 2021 proposal first
    assert [e.target for e in landscape.as_of(date(2021, 6, 1)).edges("reports_to")] == ["exec"]
    # lasob's stated start (2021-03) holds, though it also cites the 2024 newsletter
    assert "lasob" in landscape.as_of(date(2021, 3, 1)).entities


def test_a_fact_with_no_end_stays_in_force_after_it_was_last_attested(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    later = landscape.as_of(date(2030, 1, 1))
    assert "lcrb" in later.entities  # last attested in 2021


def test_a_landscape_built_by_hand_follows_its_sources_too():
    landscape = Landscape([Entity("a", "A", "board", source="s1"), Entity("b", "B", "board", source="s2")],
                          [Relationship("a", "b", "communicates_with", source_doc="s2, p. 4")],
                          source_table=[Source("s1", "One", "2020"), Source("s2", "Two", "2023-05")])
    assert set(landscape.as_of(date(2022, 1, 1)).entities) == {"a"}
    assert landscape.as_of(date(2023, 5, 2)).relationships == landscape.relationships
    assert landscape.as_of(date(2023, 4, 30)).relationships == []


def test_diff_says_first_recorded_for_a_first_mention_and_started_for_a_stated_start(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    changes = diff(landscape, landscape, before_day=date(2021, 1, 1), after_day=date(2025, 1, 1))
    started = {row["id"]: row for row in changes["started"]}
    assert started["theme-lines"]["first_recorded"] == {"source": "news-2024", "title": "LASOB newsletter",
                                                         "date": "2024-12"}
    assert "first_recorded" not in started["lasob"]
    text = as_text(changes)
    assert "County lines (theme): first recorded in LASOB newsletter (2024-12)" in text
    assert f"\n  {LASOB} (board)\n" in text  # a stated start: "Started" says it
    assert "Child criminal exploitation (theme): first recorded in ASOB proposal to the LSCP Executive " \
           "(2021-02-18)" in text
    assert "Prevent is part of CONTEST: first recorded in LASOB newsletter (2024-12)" in text
    assert "vess" not in started  # it cites no dated source: undated, it was there all along
    # compared with a landscape without it, it started, with neither a start nor a first mention to say,
    # and only proposed (so the analysis leaves it out, and the diff says so)
    without = Landscape([e for e in landscape.entities.values() if e.id != "vess"],
                        [e for e in landscape.relationships if "vess" not in (e.source, e.target)])
    started_text = as_text(diff(without, landscape))
    assert "  Violence and Exploitation Support Service (initiative) (only proposed)\n" in started_text


def test_diff_between_2021_and_2024_leaves_2024_mentions_out_of_2021(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    changes = diff(landscape, landscape, before_day=date(2021, 3, 1), after_day=date(2024, 12, 31))
    assert {row["id"] for row in changes["started"]} == {"contest", "prevent", "theme-lines", "theme-online"}


def test_did_you_mean_suggestions_match_aliases(tmp_path):
    landscape = evidenced_landscape(tmp_path)
    assert resolve(landscape, "LASOB").id == "lasob"
    assert did_you_mean(landscape, "VES").startswith("; did you mean vess")
    assert did_you_mean(landscape, "zzzzzz") == ""


def test_the_template_has_the_new_columns_and_a_sources_sheet_and_loads_when_filled_in(runner, tmp_path):
    path = tmp_path / "partnership.xlsx"
    assert runner.invoke(main, ["template", "-o", str(path)]).exit_code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["entities", "relationships", "sources"]
    headers = {name: [cell.value for cell in book[name][1]] for name in ("entities", "relationships", "sources")}
    assert {"aliases", "kind", "evidence", "not_recorded"} <= set(headers["entities"])
    assert "evidence" in headers["relationships"]
    assert headers["sources"] == ["id", "title", "date", "url", "publisher"]
    assert len(book["entities"].data_validations.dataValidation) == 6  # type, sector, level, top, kind, evidence

    def row(sheet: str, **values: str) -> list[str | None]:
        return [values.get(header) for header in headers[sheet]]

    book["entities"].append(row("entities", id="b", name="Board", type="board", source="paper, p. 2",
                                not_recorded="reporting"))
    book["entities"].append(row("entities", id="i", name="Plan", type="initiative", kind="plan",
                                evidence="proposed", source="paper"))
    book["relationships"].append(row("relationships", source="i", target="b", type="reports_to",
                                     source_doc="paper", evidence="inferred"))
    book["sources"].append(row("sources", id="paper", title="The paper", date="2024-12"))
    book.save(path)
    landscape = load_dataset(path)
    assert landscape.first_attested(landscape.entities["b"]) == date(2024, 12, 1)
    assert landscape.entities["i"].kind == "plan" and landscape.relationships[0].evidence == "inferred"


def test_a_synthetic_landscape_with_evidence_is_a_valid_dataset_and_its_views_follow_its_sources(tmp_path):
    from landscape.io.generate import generate, with_evidence
    from landscape.output.export import write_csv_folder

    landscape = with_evidence(generate(300, seed=3), seed=3)
    write_csv_folder(landscape, tmp_path / "synthetic")
    read = load_dataset(tmp_path / "synthetic")
    assert len(read.source_table) == 40 and len(read.entities) == len(landscape.entities)
    assert {entity.evidence for entity in read.entities.values()} == {"stated", "inferred", "proposed"}
    early = read.as_of(date(2006, 1, 1))
    assert all(entity.start or read.first_attested(entity) <= date(2006, 1, 1) for entity in early.entities.values())
    assert all(edge.start or read.first_attested(edge) <= date(2006, 1, 1) for edge in early.relationships)
    assert len(early.entities) < len(read.as_of(date(2025, 1, 1)).entities)


def test_diff_of_two_datasets_reports_a_change_of_evidence_or_kind(tmp_path):
    before = evidenced_landscape(tmp_path)
    after = load_dataset(write(tmp_path / "after", ENTITIES.replace("service,proposed,lead", "service,,lead")
                               .replace("initiative,strategy,", "initiative,plan,")))
    changes = {(c["id"], c["attribute"]): (c["from"], c["to"]) for c in diff(before, after)["changed"]}
    assert changes == {("vess", "evidence"): ("proposed", "stated"), ("contest", "kind"): ("strategy", "plan")}
