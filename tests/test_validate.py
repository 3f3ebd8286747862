"""The bad-input suite: every validation rule, each problem located exactly."""

import pytest

from landscape.errors import DatasetError
from landscape.io.validate import load_dataset


def problems(path) -> list[str]:
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    return [str(problem) for problem in error.value.problems]


def test_every_planted_problem_is_listed_with_its_line(write_dataset):
    folder = write_dataset("""
        a,Board A,board,,,,,,,doc,
        b,Board B,boad,,,,,,,doc,
        a,Again,board,,,,,,,doc,
        c,Board C,board,,,,,2021-02-30,,doc,
        d,Board D,board,,,,,2022,2021,doc,
        e,,board,,,,,,,doc,
        t,A theme,theme,,,,,,,doc,
        i,Initiative,initiative,,,maybe,,,,doc,nope;a
        """, """
        a,zz,reports_to,,,,doc,
        a,t,reports_to,,,,doc,
        a,c,reports_to,,,,doc,
        c,a,reports_to,,,,doc,
        a,c,knows,,,,doc,
        a,c,communicates_with,,2021-13,,doc,
        a,c,communicates_with,,,,doc,
        a,c,communicates_with,,,,doc,
        i,a,member_of,boss,,,doc,
        a,a,communicates_with,,,,doc,
        """)
    e, r = folder / "entities.csv", folder / "relationships.csv"
    assert problems(folder) == [
        f"{e}:3: type: unknown entity type 'boad' (expected one of board, agency, vcs, initiative, person, theme); "
        "did you mean 'board'?",
        f"{e}:4: id: duplicate id 'a' (first at line 2)",
        f"{e}:5: start: '2021-02-30' is not a real date (day is out of range for month)",
        f"{e}:6: end: end 2021 is before start 2022",
        f"{e}:7: name: name is empty",
        f"{e}:9: themes: 'a' is a board, not a theme",
        f"{e}:9: themes: unknown theme 'nope'",
        f"{e}:9: top: 'maybe' is not true or false",
        f"{r}:2: target: unknown entity 'zz'",
        f"{r}:3: type: reports_to cannot go from a board to a theme (allowed: board → agency, board → board, "
        "initiative → board)",
        f"{r}:4: target: reports_to cycle: a → c → a",
        f"{r}:6: type: unknown relationship type 'knows' (expected one of reports_to, part_of, member_of, "
        "oversees, leads, delivers, funds, supports, communicates_with, addresses)",
        f"{r}:7: start: '2021-13' has no month 13",
        f"{r}:9: -: repeats the relationship at line 8",
        f"{r}:10: role: unknown role 'boss' (expected one of chair, vice-chair, member, secretariat, attendee)",
        f"{r}:10: type: member_of cannot go from an initiative to a board "
        "(allowed: agency → board, person → board, vcs → board)",
        f"{r}:11: target: 'a' cannot have a communicates_with relationship with itself",
    ]


def test_missing_required_columns_and_duplicated_headers(write_dataset):
    folder = write_dataset("a,A,board", "a,x", entity_header="id,name,name",
                           relationship_header="source,type")
    e, r = folder / "entities.csv", folder / "relationships.csv"
    assert problems(folder) == [
        f"{e}:1: name: duplicated header",
        f"{e}:1: type: required column is missing",
        f"{r}:1: target: required column is missing",
    ]


def test_ragged_rows_and_stray_values(write_dataset):
    folder = write_dataset("a,A,board,,,,,,,doc,,extra\nb,B", entity_header="id,name,type,sector,level,top,"
                           "required_sectors,start,end,source,themes")
    e = folder / "entities.csv"
    assert problems(folder) == [
        f"{e}:2: -: row has 12 values but the header has 11",
        f"{e}:3: -: row has 2 values but the header has 11",
        f"{e}:3: type: unknown entity type '' (expected one of board, agency, vcs, initiative, person, theme)",
    ]


def test_part_of_cycles_longer_than_two_are_found(write_dataset):
    folder = write_dataset("a,A,board,,,,,,,doc,\nb,B,board,,,,,,,doc,\nc,C,board,,,,,,,doc,",
                           "b,c,part_of,,,,doc,\na,b,part_of,,,,doc,\nc,a,part_of,,,,doc,")
    [problem] = problems(folder)
    assert problem.startswith(f"{folder / 'relationships.csv'}:2: target: part_of cycle: ")
    assert set(problem.split(": ")[-1].split(" → ")) == {"a", "b", "c"}


def test_empty_and_binary_files(write_dataset, tmp_path):
    folder = write_dataset("a,A,board,,,,,,,doc,")
    (folder / "relationships.csv").write_bytes(b"")
    (folder / "entities.csv").write_bytes(b"id,name,type\na,A\0,board\n")
    assert problems(folder) == [
        f"{folder / 'entities.csv'}:2: -: the file contains a NUL byte (is it really a CSV file?)",
        f"{folder / 'relationships.csv'}:1: -: the file is empty (expected a header row)",
    ]


def test_missing_files_are_named(tmp_path):
    (tmp_path / "entities.csv").write_text("id,name,type\n")
    assert problems(tmp_path) == [f"{tmp_path / 'relationships.csv'}: file not found"]


def test_a_valid_dataset_loads_with_themes_as_addresses_edges(tiny):
    landscape = load_dataset(tiny)
    addresses = {(e.source, e.target) for e in landscape.edges("addresses")}
    assert ("oversight", "cce") in addresses and ("pilot", "transitional") in addresses
    assert landscape.name == "tiny"


@pytest.mark.parametrize("dataset", ["london", "synthetic"])
def test_a_dataset_comes_with_its_relationships_as_columns(dataset, tmp_path):
    """Validation codes the rows as it checks them, and hands those columns on (the analysis
    reads them): they are exactly the columns made from the relationships it built."""
    from landscape.io.datasets import resolve_dataset
    from landscape.io.generate import generate
    from landscape.model import Columns
    from landscape.output.export import write_csv_folder

    if dataset == "synthetic":
        write_csv_folder(generate(300, seed=2), tmp_path / "synthetic")
        path = tmp_path / "synthetic"
    else:
        path = resolve_dataset("london")
    landscape = load_dataset(path)
    given = landscape._columns
    made = Columns.of(landscape.entities, landscape.relationships)
    assert given is not None and given.type_names == made.type_names
    for name in ("ids", "sources", "targets", "types", "starts", "ends"):
        assert list(getattr(given, name)) == list(getattr(made, name)), name
