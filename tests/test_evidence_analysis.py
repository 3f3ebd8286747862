"""Findings rest on evidence: what each rests on, how old it is, what the sources do not say,
hierarchies and kinds of initiative, and the evidence level an analysis uses."""

from __future__ import annotations

import json
from datetime import date

from cli import main
from landscape.analysis import analyse
from landscape.io.validate import load_dataset

HEADER = "id,name,type,sector,required_sectors,kind,not_recorded,evidence,source"
EDGES = "source,target,type,role,evidence,source_doc"
DAY = date(2024, 12, 31)


def run(write_dataset, entities: str, relationships: str = "", sources: str = "", **options):
    folder = write_dataset(entities, relationships, entity_header=HEADER, relationship_header=EDGES)
    if sources:
        (folder / "sources.csv").write_text("id,title,date\n" + sources + "\n", encoding="utf-8")
    return analyse(load_dataset(folder), as_of=options.pop("as_of", DAY), **options)


def of_kind(result, kind: str, key: str = "findings") -> list[dict]:
    return [item for item in result[key] if item["kind"] == kind]


def test_an_orphan_board_whose_reporting_is_not_recorded_is_an_unknown_not_a_finding(write_dataset):
    boards = "quiet,Quiet Board,board,,,,reporting,,\nloud,Loud Board,board,,,,,,"
    result = run(write_dataset, boards)
    assert [f["entities"] for f in of_kind(result, "orphan_board")] == [["loud"]]  # recorded: still a finding
    [unknown] = of_kind(result, "orphan_board", "unknowns")
    assert unknown["entities"] == ["quiet"] and unknown["aspect"] == "reporting"
    assert "do not say whom Quiet Board reports to" in unknown["explanation"]
    assert result["summary"]["orphan_board"] == 1


def test_each_gap_resting_on_silence_goes_to_unknowns(write_dataset):
    entities = """\
        b,Board,board,,police,,members;links,,
        c,Other Board,board,,,,,,
        t,Theme,theme,,,,,,
        i,Initiative,initiative,,,programme,oversight;lead,,"""
    relationships = "b,c,reports_to,,,\nb,t,addresses,,,\nc,t,addresses,,,"
    result = run(write_dataset, entities, relationships)
    unknowns = {(u["kind"], tuple(u["entities"]), u["aspect"]) for u in result["unknowns"]}
    assert unknowns == {("missing_required_member", ("b",), "members"), ("unoverseen_initiative", ("i",), "oversight"),
                        ("no_lead", ("i",), "lead")}
    assert not of_kind(result, "missing_required_member") and not of_kind(result, "no_lead")
    # b reports to c: a formal link, so no missing link and no unknown about their links either
    assert not of_kind(result, "missing_link") and not of_kind(result, "missing_link", "unknowns")


def test_a_missing_link_needs_both_boards_links_recorded_and_says_when_a_channel_is_unknown(write_dataset):
    entities = """\
        a,Board A,board,,,,members,,
        b,Board B,board,,,,,,
        c,Board C,board,,,,links,,
        t,Theme,theme,,,,,,"""
    relationships = "a,t,addresses,,,\nb,t,addresses,,,\nc,t,addresses,,,"
    result = run(write_dataset, entities, relationships)
    [link] = of_kind(result, "missing_link")
    assert link["entities"] == ["a", "b"] and link["channel"] == "unknown" and link["severity"] == "medium"
    assert "whether they share a member is not recorded" in link["explanation"]
    assert {tuple(u["entities"]) for u in of_kind(result, "missing_link", "unknowns")} == {("a", "c"), ("b", "c")}


def test_missing_links_rank_none_then_unknown_then_shared_member(write_dataset):
    entities = """\
        a,A,board,,,,members,,
        b,B,board,,,,,,
        c,C,board,,,,,,
        d,D,board,,,,,,
        m,M,agency,,,,,,
        t,Theme,theme,,,,,,"""
    relationships = "\n".join([f"{x},t,addresses,,," for x in "abcd"]
                              + ["m,c,member_of,member,,", "m,d,member_of,member,,"])
    result = run(write_dataset, entities, relationships)
    channels = [f["channel"] for f in of_kind(result, "missing_link")]
    assert channels == sorted(channels, key=["none", "unknown", "shared_member"].index)
    assert set(channels) == {"none", "unknown", "shared_member"}


def test_a_proposed_fact_counts_only_with_evidence_proposed(write_dataset):
    entities = "b,Board,board,,,,,,\nparent,Parent,board,,,,,,"
    relationships = "b,parent,reports_to,,proposed,\nparent,b,communicates_with,,,"
    for level in ("stated", "inferred"):
        assert ["b"] in [f["entities"] for f in of_kind(run(write_dataset, entities, relationships, evidence=level),
                                                       "orphan_board")]
    assert ["b"] not in [f["entities"] for f in of_kind(run(write_dataset, entities, relationships,
                                                            evidence="proposed"), "orphan_board")]


def test_an_inferred_fact_is_left_out_with_evidence_stated(write_dataset):
    entities = "b,Board,board,,,,,,\nparent,Parent,board,,,,,,"
    relationships = "b,parent,reports_to,,inferred,"
    assert ["b"] not in [f["entities"] for f in of_kind(run(write_dataset, entities, relationships), "orphan_board")]
    assert ["b"] in [f["entities"] for f in of_kind(run(write_dataset, entities, relationships, evidence="stated"),
                                                   "orphan_board")]


def test_findings_carry_their_evidence_and_go_stale_at_exactly_the_age_given(write_dataset):
    entities = "b,Board,board,,,,,,paper; old-note"
    sources = "paper,The paper,2021-02-18\nold-note,A note,2020"
    result = run(write_dataset, entities, sources=sources, as_of=date(2023, 2, 18))
    [orphan] = of_kind(result, "orphan_board")
    assert orphan["evidence"] == [{"entity": "b", "evidence": "stated", "cites": ["paper", "old-note"]}]
    assert orphan["last_attested"] == "2021-02-18" and orphan["stale"] is False
    later = run(write_dataset, entities, sources=sources, as_of=date(2023, 2, 19))
    assert of_kind(later, "orphan_board")[0]["stale"] is True
    longer = run(write_dataset, entities, sources=sources, as_of=date(2023, 2, 19), stale_after=3)
    assert of_kind(longer, "orphan_board")[0]["stale"] is False


def test_a_source_dated_after_the_day_analysed_attests_nothing_on_it(write_dataset):
    entities = "b,Board,board,,,,,,paper; newsletter"
    sources = "paper,The paper,2021-02-18\nnewsletter,The newsletter,2024-12"
    [early] = of_kind(run(write_dataset, entities, sources=sources, as_of=date(2023, 6, 1)), "orphan_board")
    assert early["last_attested"] == "2021-02-18" and early["stale"] is True  # the newsletter did not exist yet
    assert early["evidence"][0]["cites"] == ["paper", "newsletter"]  # the citations stay as written
    [late] = of_kind(run(write_dataset, entities, sources=sources, as_of=date(2025, 1, 1)), "orphan_board")
    assert late["last_attested"] == "2024-12" and late["stale"] is False


def test_an_overlap_rests_on_the_relationships_that_make_it(write_dataset):
    entities = "a,A,board,,,,,,\nb,B,board,,,,,,\nt,Theme,theme,,,,,,\nu,Other,theme,,,,,,"
    relationships = "a,t,addresses,,,minutes\nb,t,addresses,,inferred,\nb,u,addresses,,,"
    [remit] = of_kind(run(write_dataset, entities, relationships), "shared_remit")
    facts = remit["evidence"]
    assert {"entity": "a", "evidence": "stated", "cites": []} in facts
    assert {"source": "a", "target": "t", "type": "addresses", "evidence": "stated", "cites": ["minutes"]} in facts
    assert {"source": "b", "target": "t", "type": "addresses", "evidence": "inferred", "cites": []} in facts
    assert not any(fact.get("target") == "u" for fact in facts)  # not a theme they share
    assert remit["last_attested"] is None and remit["stale"] is False  # nothing dated


def test_hierarchies_close_gaps_and_parts_are_not_parallel(write_dataset):
    entities = """\
        board,Board,board,,,,,,
        lead,Lead,agency,,,,,,
        lead2,Lead Two,agency,,,,,,
        broad,Broad theme,theme,,,,,,
        narrow,Narrow theme,theme,,,,,,
        contest,CONTEST,initiative,,,programme,,,
        prevent,Prevent,initiative,,,,,,
        so15,SO15 guide,initiative,,,guidance,,,
        plan,National plan,initiative,,,plan,,,"""
    relationships = """\
        board,contest,oversees,,,
        board,broad,addresses,,,
        narrow,broad,part_of,,,
        prevent,contest,part_of,,,
        so15,prevent,part_of,,,
        lead,contest,leads,,,
        lead2,prevent,leads,,,
        lead,so15,leads,,,
        contest,narrow,addresses,,,
        prevent,narrow,addresses,,,
        so15,narrow,addresses,,,
        plan,narrow,addresses,,,"""
    result = run(write_dataset, entities, relationships)
    assert not of_kind(result, "unowned_theme")  # narrow is part of broad, which the board owns
    assert not of_kind(result, "unoverseen_initiative")  # prevent and so15 sit under contest; the plan is context
    assert not of_kind(result, "no_lead")  # the plan is context: nobody's to lead
    assert not of_kind(result, "parallel_initiatives")  # each is part of another


def test_an_initiative_reporting_to_a_board_is_overseen_by_it(write_dataset):
    entities = "board,Board,board,,,,,,\nother,Other,board,,,,,,\nwork,Work,initiative,,,,,,"
    result = run(write_dataset, entities, "work,board,reports_to,,,\nother,work,oversees,,,")
    assert not of_kind(result, "unoverseen_initiative")
    [duplicate] = of_kind(result, "duplicate_oversight")
    assert duplicate["entities"] == ["board", "other", "work"]
    assert {"source": "work", "target": "board", "type": "reports_to", "evidence": "stated", "cites": []} in \
        duplicate["evidence"]


def test_a_concern_whose_work_has_unrecorded_oversight_is_an_unknown_naming_that_work(write_dataset):
    entities = """\
        quiet,Quiet service,initiative,,,service,oversight,,
        loud,Loud service,initiative,,,service,,,
        narrow,Narrow theme,theme,,,,,,
        broad,Broad theme,theme,,,,,,
        other,Other theme,theme,,,,,,"""
    relationships = "narrow,broad,part_of,,,\nquiet,broad,addresses,,,\nloud,other,addresses,,,"
    result = run(write_dataset, entities, relationships)
    # the quiet service may be overseen, and with it the broad theme and the narrow theme within it
    assert {(u["entities"][0], tuple(u["about"])) for u in of_kind(result, "unowned_theme", "unknowns")} == {
        ("broad", ("quiet",)), ("narrow", ("quiet",))}
    assert "oversees Quiet service, so whether any board takes responsibility for Broad theme" in \
        of_kind(result, "unowned_theme", "unknowns")[0]["explanation"]
    # the loud service's oversight is recorded (as none): its concern is a finding still
    assert [f["entities"] for f in of_kind(result, "unowned_theme")] == [["other"]]


def test_a_concern_is_owned_through_work_overseen_as_part_of_a_programme(write_dataset):
    entities = """\
        board,Board,board,,,,,,
        programme,Programme,initiative,,,programme,,,
        part,Part,initiative,,,project,,,
        theme,Theme,theme,,,,,,"""
    relationships = "board,programme,oversees,,,\npart,programme,part_of,,,\npart,theme,addresses,,,"
    assert not of_kind(run(write_dataset, entities, relationships), "unowned_theme")


def test_a_concern_worked_on_only_as_national_context_says_so(write_dataset):
    entities = "plan,National plan,initiative,,,plan,,,\ntheme,Theme,theme,,,,,,"
    [found] = of_kind(run(write_dataset, entities, "plan,theme,addresses,,,"), "unowned_theme")
    assert found["explanation"] == ("No board takes responsibility for Theme; only National plan addresses it, "
                                    "as national context no board is expected to oversee.")


def test_parallel_work_of_unrecorded_oversight_is_an_unknown(write_dataset):
    entities = """\
        lead,Lead,agency,,,,,,
        lead2,Lead Two,agency,,,,,,
        lead3,Lead Three,agency,,,,,,
        a,Work A,initiative,,,project,oversight,,
        b,Work B,initiative,,,project,,,
        c,Work C,initiative,,,project,,,
        theme,Theme,theme,,,,,,"""
    relationships = """\
        lead,a,leads,,,
        lead2,b,leads,,,
        lead3,c,leads,,,
        a,theme,addresses,,,
        b,theme,addresses,,,
        c,theme,addresses,,,"""
    result = run(write_dataset, entities, relationships)
    assert [f["entities"] for f in of_kind(result, "parallel_initiatives")] == [["b", "c"]]  # both recorded
    unknowns = of_kind(result, "parallel_initiatives", "unknowns")
    assert [(u["entities"], u["about"]) for u in unknowns] == [(["a", "b"], ["a"]), (["a", "c"], ["a"])]
    assert unknowns[0]["explanation"] == ("The sources do not say which board, if any, oversees Work A, so whether "
                                          "one board oversees both Work A and Work B.")


def test_a_board_and_its_sub_group_share_remit_and_members_by_design(write_dataset):
    entities = """\
        parent,Parent Board,board,,,,,,
        sub,Sub-group,board,,,,,,
        sibling,Sibling Sub-group,board,,,,,,
        police,Police,agency,police,,,,,
        council,Council,agency,local-government,,,,,
        theme,Theme,theme,,,,,,"""
    relationships = "\n".join(
        [f"{board},parent,part_of,,," for board in ("sub", "sibling")]
        + [f"{board},theme,addresses,,," for board in ("parent", "sub", "sibling")]
        + [f"{member},{board},member_of,,," for member in ("police", "council")
           for board in ("parent", "sub", "sibling")])
    result = run(write_dataset, entities, relationships)
    # only the two sub-groups of one board, which may duplicate each other's work, are an overlap
    assert [f["entities"] for f in of_kind(result, "shared_remit")] == [["sibling", "sub"]]
    assert [f["entities"] for f in of_kind(result, "shared_membership")] == [["sibling", "sub"]]
    assert of_kind(result, "shared_remit")[0]["explanation"].endswith("(100% of the themes recorded for either).")


def test_the_command_line_takes_evidence_and_stale_after(runner, write_dataset):
    folder = write_dataset("b,Board,board,,,,,,paper", entity_header=HEADER, relationship_header=EDGES)
    (folder / "sources.csv").write_text("id,title,date\npaper,The paper,2020-01-01\n", encoding="utf-8")
    result = runner.invoke(main, ["analyse", str(folder), "--as-of", "2024-12", "--format", "json",
                                  "--evidence", "stated", "--stale-after", "10"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["evidence_level"] == "stated" and data["findings"][0]["stale"] is False
    table = runner.invoke(main, ["analyse", str(folder), "--as-of", "2024-12", "--format", "table"]).output
    assert "Sources: paper; last attested 2020-01-01 (stale)" in table
    refused = runner.invoke(main, ["analyse", str(folder), "--evidence", "rumour"])
    assert refused.exit_code == 2


def test_the_relationships_to_shared_neighbours_are_those_the_definition_lists():
    """`shared_neighbours` reads each body's neighbours once; what it lists, in what order, is
    what filtering the relationships touching the bodies gives (`held_by_two`), on a generated
    landscape's findings and on a body that is its own member (a landscape built by hand)."""
    from landscape.analysis import findings, gather
    from landscape.analysis.evidence import MEMBERSHIP, OVERSIGHT, REMIT, Touching, held_by_two, shared_neighbours
    from landscape.io.generate import generate
    from landscape.model import Entity, Landscape, Relationship

    generated = generate(1500, seed=4).as_of(date(2025, 1, 1))
    looped = Landscape([Entity("a", "A", "board"), Entity("b", "B", "board"), Entity("m", "M", "agency")],
                       [Relationship("a", "a", "member_of"), Relationship("a", "b", "member_of"),
                        Relationship("m", "a", "member_of"), Relationship("m", "b", "member_of")])
    for landscape in (generated, looped):
        touching = Touching(landscape)
        pairs = [found["entities"] for found in findings(gather(landscape))[0] if len(found["entities"]) == 2]
        assert pairs
        for ids in pairs:
            for types, inward in ((MEMBERSHIP, True), (REMIT, False), (REMIT + OVERSIGHT, False)):
                assert (shared_neighbours(touching, ids, types, inward)
                        == held_by_two(touching.of(ids, types), set(ids), inward))
    assert shared_neighbours(Touching(looped), ["a", "b"], MEMBERSHIP, inward=True) == looped.relationships
