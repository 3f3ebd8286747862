"""Validation messages an Excel user acts on: the cell, what was likely meant, one error per
mistake, dates in words, and a CSV re-saved by Excel said so once."""

import openpyxl
import pytest

from landscape.errors import DatasetError
from landscape.io.hints import intended_date, not_a_date
from landscape.io.validate import load_dataset


def problems(path) -> list[str]:
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    return [str(problem) for problem in error.value.problems]


def test_a_type_typo_is_one_error_with_a_suggestion(write_dataset):
    folder = write_dataset("""
        b,Board,board,,,,,,,doc,
        a,Agency,agnecy,,,,,,,doc,
        """, """
        a,b,member_of,member,,,doc,
        """)
    assert problems(folder) == [
        f"{folder / 'entities.csv'}:3: type: unknown entity type 'agnecy' (expected one of board, agency, vcs, "
        "initiative, person, theme); did you mean 'agency'?"]


def test_a_relationship_type_typo_is_suggested(write_dataset):
    folder = write_dataset("b,Board,board,,,,,,,doc,\nc,Other,board,,,,,,,doc,", "b,c,report_to,,,,doc,")
    assert problems(folder)[0].endswith("did you mean 'reports_to'?")


def test_a_dangling_id_suggests_ids_aliases_and_names(write_dataset):
    folder = write_dataset("""
        lasob,London Adolescent Safeguarding Oversight Board,board,,,true,,,,doc,
        met,Metropolitan Police,agency,,,,,,,doc,
        """, """
        mett,lasob,member_of,,,,doc,
        met,LASOB,member_of,,,,doc,
        Metropolitan Police,lasob,member_of,,,,doc,
        """, entity_header="id,name,type,sector,level,top,required_sectors,start,end,source,aliases")
    r = folder / "relationships.csv"
    assert problems(folder) == [
        f"{r}:2: source: unknown entity 'mett'; did you mean met (Metropolitan Police)?",
        f"{r}:3: target: unknown entity 'LASOB'; did you mean lasob (London Adolescent Safeguarding "
        "Oversight Board)?",
        f"{r}:4: source: unknown entity 'Metropolitan Police'; did you mean met (Metropolitan Police)?"]


def test_a_sector_typo_is_suggested_but_a_new_sector_is_welcome(write_dataset):
    folder = write_dataset("""
        a,A,agency,polcie,,,,,,doc,
        b,B,agency,housing,,,,,,doc,
        c,C,board,,,,health;eductaion,,,doc,
        """)
    e = folder / "entities.csv"
    assert problems(folder) == [
        f"{e}:2: sector: unknown sector 'polcie' (used nowhere else); did you mean 'police'?",
        f"{e}:4: required_sectors: unknown sector 'eductaion' (used nowhere else); did you mean 'education'?"]


def test_a_knock_on_error_is_not_made_and_articles_are_right(write_dataset):
    folder = write_dataset("""
        b,Board,board,,,,,,,doc,
        i,Initiative,initiative,,,,,,,doc,
        """, "i,b,member_of,,,,doc,")
    assert problems(folder) == [f"{folder / 'relationships.csv'}:2: type: member_of cannot go from an initiative "
                                "to a board (allowed: agency → board, person → board, vcs → board)"]


@pytest.mark.parametrize(("written", "meant"), [
    ("31/03/2025", "2025-03-31"), ("31.3.25", "2025-03-31"), ("2025/03/31", "2025-03-31"),
    ("2025/03", "2025-03"), ("Mar-21", "2021-03"), ("21-Mar-2021", "2021-03-21"), ("05/05/2025", "2025-05-05")])
def test_a_date_in_another_form_is_given_in_iso(written, meant):
    assert intended_date(written) == (meant, "")
    assert not_a_date(written) == f"{written!r} is not a date like 2025-03-31, 2025-03 or 2025; did you mean {meant}?"


def test_an_ambiguous_date_says_so():
    assert not_a_date("03/04/2025") == ("'03/04/2025' is not a date like 2025-03-31, 2025-03 or 2025 (it could be "
                                        "3 April or 4 March: write 2025-04-03 or 2025-03-04)")
    assert not_a_date("soon") == "'soon' is not a date like 2025-03-31, 2025-03 or 2025"


def test_a_csv_resaved_by_excel_is_said_once(write_dataset):
    rows = "\n".join(f"b{n},Board {n},board,,,,,Mar-21,,doc," for n in range(5))
    folder = write_dataset(rows)
    found = problems(folder)
    assert found[0] == (f"{folder / 'entities.csv'}: this file looks re-saved by Excel, which rewrote 5 values such "
                        "as 'Mar-21' (dates and long numbers): open the original file instead, or in Excel format "
                        "the date columns as Text, type dates as 2021-03 or 2021-03-31, and save as 'CSV UTF-8'")
    assert len(found) == 6 and sum("re-saved by Excel" in problem for problem in found) == 1
    assert found[1].endswith("'Mar-21' is not a date like 2025-03-31, 2025-03 or 2025; did you mean 2021-03?")


def test_a_workbook_problem_names_its_cell(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "entities"
    book.active.append(["id", "name", "type", "start"])
    book.active.append(["a", "A", "board", "31/03/2025"])
    book.create_sheet("relationships").append(["source", "target", "type"])
    book.save(path)
    assert problems(path) == [f"{path}[entities]:2: start: (cell D2) '31/03/2025' is not a date like 2025-03-31, "
                              "2025-03 or 2025; did you mean 2025-03-31?"]


def test_a_role_typo_is_suggested(write_dataset):
    folder = write_dataset("b,Board,board,,,true,,,,doc,\na,Agency,agency,,,,,,,doc,", "a,b,member_of,chiar,,,doc,")
    assert problems(folder)[0].endswith("did you mean 'chair'?")
