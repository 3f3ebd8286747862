"""Reading datasets as Excel and editors save them: encodings, text values, workbooks."""

from pathlib import Path

import openpyxl
import pytest

from landscape.errors import DatasetError
from landscape.io.reader import decode, parse_csv
from landscape.io.validate import load_dataset

ENTITIES = "id,name,type,source\n007,Children’s Board – London,board,doc\nNA,None,agency,doc\n"
RELATIONSHIPS = "source,target,type\nNA,007,member_of\n"


def write(folder: Path, entities: bytes, relationships: bytes) -> Path:
    folder.mkdir()
    (folder / "entities.csv").write_bytes(entities)
    (folder / "relationships.csv").write_bytes(relationships)
    return folder


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_excel_encodings_load_with_characters_intact(tmp_path, encoding):
    folder = write(tmp_path / encoding, ENTITIES.encode(encoding), RELATIONSHIPS.encode(encoding))
    landscape = load_dataset(folder)
    assert landscape.entities["007"].name == "Children’s Board – London"


def test_values_are_text_as_written(tmp_path):
    landscape = load_dataset(write(tmp_path / "d", ENTITIES.encode(), RELATIONSHIPS.encode()))
    assert set(landscape.entities) == {"007", "NA"}
    assert landscape.entities["NA"].name == "None"


def test_values_are_trimmed_and_unknown_columns_kept(tmp_path):
    folder = write(tmp_path / "d", b"id , name,type,colour\n a , A ,board, blue \n",
                   b"source,target,type\n")
    entity = load_dataset(folder).entities["a"]
    assert (entity.name, entity.get("colour")) == ("A", "blue")


def test_crlf_line_endings_and_quoted_newlines_keep_editor_line_numbers():
    table = parse_csv('id,name,type\r\na,"two\r\nlines",board\r\nb,B,board\r\n', "e.csv")
    assert [line for line, _ in table.rows] == [2, 4]
    assert table.rows[0][1]["name"] == "two\r\nlines"


def test_decode_prefers_utf8_and_falls_back_to_cp1252():
    assert decode("’".encode()) == "’"
    assert decode("’".encode("cp1252")) == "’"


def test_workbook_values_read_as_text(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "entities"
    sheet.append(["id", "name", "type", "start", "source"])
    sheet.append([7, "Seven", "board", None, "doc"])
    sheet.append(["007", "Zero zero seven", "board", "2021-03", "doc"])
    from datetime import datetime
    sheet.append(["x", "Dated", "board", datetime(2021, 3, 18), "doc"])
    relationships = book.create_sheet("relationships")
    relationships.append(["source", "target", "type"])
    relationships.append([7, "007", "communicates_with"])
    hidden = book.create_sheet("notes")
    hidden.sheet_state = "hidden"
    book.save(path)
    landscape = load_dataset(path)
    assert set(landscape.entities) == {"7", "007", "x"}
    assert landscape.entities["x"].start == "2021-03-18"
    assert landscape.relationships[0].source == "7"


def test_workbook_problems_name_the_sheet_and_row(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "entities"
    book.active.append(["id", "name", "type"])
    book.active.append(["a", "A", "boad"])
    book.create_sheet("relationships").append(["source", "target", "type"])
    book.save(path)
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert str(error.value.problems[0]).startswith(f"{path}[entities]:2: type: (cell C2) unknown entity type")


def test_workbook_without_the_sheets_is_refused(tmp_path):
    path = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert {str(p) for p in error.value.problems} == {
        f"{path}[entities]: sheet not found", f"{path}[relationships]: sheet not found"}
