"""Finding entities by the names people use, and the `list` and `show` commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from landscape.errors import LandscapeError
from landscape.find import find, resolve
from landscape.model import Entity, Landscape, Relationship


@pytest.fixture()
def small() -> Landscape:
    return Landscape([
        Entity("lasob", "London Adolescent Safeguarding Oversight Board", "board",
               attrs={"aliases": "ASOB;LASOB"}),
        Entity("lasob-lead", "LASOB lead officer", "person"),
        Entity("vru", "Violence Reduction Unit", "agency", attrs={"aliases": "VRU"}),
        Entity("vrp", "Violence Reduction Partnership", "board"),
    ], [Relationship("vru", "lasob", "member_of", role="member", source_doc="ToR")])


def test_ranked_exact_id_then_alias_then_name_then_contains(small):
    assert [e.id for e in find(small, "LASOB")] == ["lasob", "lasob-lead"]
    assert find(small, "lasob")[0].id == "lasob"  # the exact id beats the post whose name holds it
    assert find(small, "london adolescent safeguarding oversight board")[0].id == "lasob"


def test_resolve_by_alias_name_and_unique_part(small):
    assert resolve(small, "ASOB").id == "lasob"
    assert resolve(small, "  London  Adolescent Safeguarding Oversight Board ").id == "lasob"
    assert resolve(small, "Reduction Unit").id == "vru"


def test_resolve_refuses_an_ambiguous_part_naming_the_candidates(small):
    with pytest.raises(LandscapeError, match="could mean several: vrp .*vru"):
        resolve(small, "Violence Reduction")


def test_resolve_suggests_close_ids_names_and_aliases(small):
    with pytest.raises(LandscapeError, match=r"no entity 'lasb'; did you mean lasob"):
        resolve(small, "lasb")
    with pytest.raises(LandscapeError, match=r"did you mean vru \(Violence Reduction Unit\)"):
        resolve(small, "VUR")


def test_list_command_by_type():
    result = CliRunner().invoke(main, ["list", "london", "--type", "board"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.startswith("lasob ") and "London Adolescent Safeguarding Oversight Board" in line
               for line in lines)
    assert all("  board  " in line for line in lines)


def test_show_command_finds_an_alias_and_lists_relationships_sources_and_findings():
    result = CliRunner().invoke(main, ["show", "LASOB", "london", "--as-of", "2024-12", "--format", "json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    assert view["entity"]["id"] == "lasob"
    assert any(line["type"] == "member_of" for line in view["relationships"])
    assert view["sources"] and all(";" not in source for source in view["sources"])
    assert view["findings"] and all("lasob" in finding["entities"] for finding in view["findings"])
    text = CliRunner().invoke(main, ["show", "lasob", "london", "--as-of", "2024-12"]).output
    assert text.startswith("London Adolescent Safeguarding Oversight Board (lasob, board)")
    assert "Findings naming it, as of 2024-12-31" in text


def test_show_unknown_id_suggests_and_exits_1():
    result = CliRunner().invoke(main, ["show", "lasb", "london"])
    assert result.exit_code == 1
    assert "did you mean lasob" in result.output


def test_diff_refuses_dates_in_the_wrong_order():
    result = CliRunner().invoke(main, ["diff", "london", "--from", "2024-12", "--to", "2021-03"])
    assert result.exit_code == 2
    assert "later than --to" in result.output
