"""Hostile input to the readers: damaged, oversized and deceptive CSV files and workbooks are
refused with one clear line or a located problem each, never a crash, a silent loss or a guess."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cli import main
from landscape.errors import LandscapeError
from landscape.io.validate import load_dataset

COMMAND = [sys.executable, "-c", "import cli; cli.main()"]
ROWS = [["id", "name", "type"], ["a", "A", "board"], ["b", "B", "board"], ["c", "C", "board"]]

NEXT_STEP = "Fix the problems listed above, save the file, then run the same command again."


def refused(runner, *args: str) -> str:
    """Run a command that must fail cleanly; its combined output."""
    result = runner.invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)
    return result.output


def validate_apart(path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """`landscape validate` in a process of its own: a reader that aborts takes only it down."""
    import os

    return subprocess.run([*COMMAND, "validate", str(path)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **environment})


def write_bytes(folder: Path, entities: bytes, relationships: bytes = b"source,target,type\n") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "entities.csv").write_bytes(entities)
    (folder / "relationships.csv").write_bytes(relationships)
    return folder


def hostile_workbook(path: Path, sheet: Callable[[bytes], bytes] = lambda xml: xml,
                     rows: list[list[str]] = ROWS, parts: dict[str, bytes] | None = None) -> Path:
    """A workbook of `rows` made by openpyxl, its entities sheet's XML then edited by `sheet`,
    and any part replaced by `parts` (by member name)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "entities"
    for row in rows:
        book.active.append(row)
    book.create_sheet("relationships").append(["source", "target", "type"])
    buffer = io.BytesIO()
    book.save(buffer)
    replaced = dict(parts or {})
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replaced.pop(info.filename, source.read(info))
            target.writestr(info.filename, sheet(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
        for name, data in replaced.items():
            target.writestr(name, data)
    return path


def with_rows(*rows: bytes) -> Callable[[bytes], bytes]:
    """An edit adding rows (as XML) at the end of a sheet's data."""
    return lambda xml: xml.replace(b"</sheetData>", b"".join(rows) + b"</sheetData>")


def text_cell(reference: str = "", text: str = "x") -> bytes:
    where = f' r="{reference}"' if reference else ""
    return f'<c{where} t="inlineStr"><is><t>{text}</t></is></c>'.encode()


@pytest.mark.parametrize(("entities", "relationships", "message"), [
    (b"id,name,type\na,A,board\nb,\"B", b"source,target,type\n", "entities.csv:3: -: malformed CSV"),
    (b"id,name,type\na,A,board\n", b"source,target,type\na,a", "relationships.csv:2: -: row has 2 values"),
    (b"id,name,type\na,A,board,x,y\n", b"source,target,type\n", "entities.csv:2: -: row has 5 values"),
    (b"", b"source,target,type\n", "entities.csv:1: -: the file is empty"),
    (b"id,name,type\n", b"source,target,type\n", "entities.csv:1: -: no entities"),
    (b"id,name,type,name\na,A,board,B\n", b"source,target,type\n", "entities.csv:1: name: duplicated header"),
    (b"id,name,type\na,A\0,board\n", b"source,target,type\n", "entities.csv:2: -: the file contains a NUL"),
    (b"\0\0\0\0PK\x03\x04binary", b"source,target,type\n", "entities.csv:1: -: the file contains a NUL"),
])
def test_damaged_files_are_refused_with_the_place(runner, tmp_path, entities, relationships, message):
    folder = write_bytes(tmp_path / "data", entities, relationships)
    output = refused(runner, "validate", str(folder))
    assert message in output and "nothing was loaded" in output


def test_unicode_look_alike_ids_are_flagged_as_likely_duplicates(runner, write_dataset):
    folder = write_dataset("caf\u00e9,A,board,,,true\ncafe\u0301,B,board,,,true\n"
                           "lead\u200b,C,agency,,,\nlead,D,agency,,,", entity_header="id,name,type,sector,level,top")
    output = refused(runner, "validate", str(folder))
    where = folder / "entities.csv"
    assert (f"{where}:3: id: id 'cafe\\u0301' looks the same as 'caf\\xe9' at line 2" in output)
    assert f"{where}:4: id: id 'lead\\u200b' looks the same as 'lead' at line 5" not in output
    assert f"{where}:5: id: id 'lead' looks the same as 'lead\\u200b' at line 4" in output


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    """A 200 MB file: refused at once with the limit named; the process never holds it."""
    folder = tmp_path / "huge"
    folder.mkdir()
    (folder / "relationships.csv").write_text("source,target,type\n")
    row = b"x" * 99 + b",Some name that repeats,board\n"
    with open(folder / "entities.csv", "wb") as file:
        file.write(b"id,name,type\n")
        for _ in range(200):
            file.write(row * (1_000_000 // len(row) + 1))
    assert (folder / "entities.csv").stat().st_size > 200_000_000
    # VmHWM is this process's own peak; ru_maxrss would include what it inherited from pytest's fork.
    probe = ("import sys, cli\ntry:\n    cli.main(['validate', sys.argv[1]])\n"
             "except SystemExit as exit:\n    print('status', exit.code)\n"
             "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
             "print('peak', int(hwm.split()[1]) * 1024)")
    result = subprocess.run([sys.executable, "-c", probe, str(folder)], capture_output=True, text=True,
                            timeout=120)
    assert "over the 150 MB limit (set LANDSCAPE_MAX_MB to raise it)" in result.stderr
    assert "Traceback" not in result.stderr
    assert "status 1" in result.stdout
    assert int(result.stdout.split("peak")[1]) < 200_000_000


def test_the_size_limit_is_configurable(monkeypatch, tiny):
    monkeypatch.setenv("LANDSCAPE_MAX_MB", "0.0001")
    with pytest.raises(LandscapeError, match="over the 0.0001 MB limit"):
        load_dataset(tiny)
    monkeypatch.setenv("LANDSCAPE_MAX_MB", "lots")
    with pytest.raises(LandscapeError, match="LANDSCAPE_MAX_MB must be a number"):
        load_dataset(tiny)


def test_workbooks_ignore_hidden_sheets_and_keep_row_numbers(tmp_path):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        old = book.add_worksheet("entities")
        old.write_row(0, 0, ["id", "name", "type"])
        old.write_row(1, 0, ["stale", "Old copy", "board"])
        old.hide()
        sheet = book.add_worksheet("Entities ")
        sheet.write_row(0, 0, ["id", "name", "type", "top"])
        sheet.write_row(2, 0, ["a", "A", "board", "maybe"])
        book.add_worksheet("relationships").write_row(0, 0, ["source", "target", "type"])
        book.worksheets()[2].activate()
    with pytest.raises(LandscapeError) as error:
        load_dataset(path)
    assert str(error.value).splitlines() == [f"{path}[entities]:3: top: (cell D3) 'maybe' is not true or false",
                                             "1 problem found; nothing was loaded"]


def formula_workbook(path: Path) -> Path:
    """A workbook as a script writes it: a formula saved with no calculated value."""
    import openpyxl

    book = openpyxl.Workbook()
    entities = book.active
    entities.title = "entities"
    entities.append(["id", "name", "type"])
    entities.append(["a", "A", "board"])
    entities.append(["b", '=UPPER("b")', "board"])
    book.create_sheet("relationships").append(["source", "target", "type"])
    book.save(path)
    return path


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_formulas_without_values_are_reported(tmp_path, monkeypatch, reader):
    if reader == "openpyxl":
        monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if calamine were missing
    path = formula_workbook(tmp_path / "book.xlsx")
    with pytest.raises(LandscapeError) as error:
        load_dataset(path)
    assert str(error.value).splitlines()[:2] == [  # one message: not "name is empty" too
        f"{path}[entities]:3: name: (cell B3) formula without a value — open and save the workbook in "
        "Excel, or paste values", "1 problem found; nothing was loaded"]


def test_formulas_with_values_are_read(tmp_path):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("entities")
        sheet.write_row(0, 0, ["id", "name", "type"])
        sheet.write_row(1, 0, ["a"])
        sheet.write_formula(1, 1, '=UPPER("a")', None, "A")
        sheet.write(1, 2, "board")
        book.add_worksheet("relationships").write_row(0, 0, ["source", "target", "type"])
    assert load_dataset(path).entities["a"].name == "A"


@pytest.mark.parametrize(("edit", "message"), [
    # calamine allocated the whole rectangle up to the cell: 512 GiB, and the process aborted
    (with_rows(b'<row r="1048576">' + text_cell("XFD1048576") + b"</row>"),
     "[entities]: the sheet spans 1,048,576 rows by 16,384 columns (to XFD1048576): 17,179,869,184 cells, "
     "over the limit of 15,000,000 (delete what is beyond your data, or set LANDSCAPE_MAX_MB to raise it)"),
    (with_rows(b'<row r="5">' + text_cell("XFE5") + b"</row>"),
     "[entities]: the sheet reaches XFE5, past Excel's last cell XFD1048576"),
    (with_rows(b'<row r="1048576">' + text_cell("xfd1048576") + b"</row>"),  # readers take lower case too
     "[entities]: the sheet spans 1,048,576 rows by 16,384 columns (to XFD1048576)"),
    # the same rectangle from cells placed by their order, without `r`: a wide row, then many rows
    (with_rows(b"<row>" + b"<c/>" * 10_000 + text_cell() + b"</row>", b"<row/>" * 2_000,
               b"<row>" + text_cell() + b"</row>"),
     "[entities]: the sheet spans 2,006 rows by 10,001 columns (to NTQ2006): 20,062,006 cells"),
])
def test_a_distant_cell_is_refused_before_a_reader_allocates_the_sheet(tmp_path, edit, message):
    path = hostile_workbook(tmp_path / "far.xlsx", edit)
    assert path.stat().st_size < 20_000
    result = validate_apart(path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{path}{message}")
    assert result.stderr.splitlines()[1:] == ["1 problem found; nothing was loaded", NEXT_STEP]


def test_the_real_extent_is_read_not_the_stored_dimension(tmp_path):
    """A cell far down a sheet that says it ends at C4 still counts: refused with a small limit."""
    path = hostile_workbook(tmp_path / "far.xlsx", with_rows(b'<row r="2000">' + text_cell("AZ2000") + b"</row>"))
    result = validate_apart(path, LANDSCAPE_MAX_MB="0.5")
    assert ("the sheet spans 2,000 rows by 52 columns (to AZ2000): 104,000 cells, over the limit of 50,000"
            in result.stderr)


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_rows_past_the_stored_dimension_are_read(tmp_path, monkeypatch, reader):
    """A sheet whose stored <dimension> says A1:C3 holds a fourth row: all three entities load
    (openpyxl stopped at the dimension). A formula makes the workbook go to openpyxl anyway."""
    if reader == "openpyxl":
        monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if calamine were missing
    rows = [*ROWS[:3], ["c", '=UPPER("c")', "board"]]

    def short_dimension(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3"', xml)
        return re.sub(rb'<c r="B4".*?</c>', b'<c r="B4" t="str"><f>UPPER("c")</f><v>C</v></c>', xml)

    path = hostile_workbook(tmp_path / "book.xlsx", short_dimension, rows)
    with zipfile.ZipFile(path) as book:
        xml = book.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:C3"' in xml and b"<f>" in xml
    landscape = load_dataset(path)
    assert sorted(landscape.entities) == ["a", "b", "c"] and landscape.entities["c"].name == "C"


def test_a_part_that_inflates_past_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """A shared string that inflates a thousandfold: the part's uncompressed size is checked, not
    only the file's. (The limit is made small here to keep the file small.)"""
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + b"x" * 3_000_000 + b"</t></si></sst>")
    path = hostile_workbook(tmp_path / "bomb.xlsx", parts={"xl/sharedStrings.xml": strings})
    assert path.stat().st_size < 50_000
    monkeypatch.setenv("LANDSCAPE_MAX_MB", "1")
    with pytest.raises(LandscapeError) as error:
        load_dataset(path)
    assert str(error.value).splitlines()[0] == (
        f"{path}: the workbook's part xl/sharedStrings.xml is 3 MB uncompressed, over the 1 MB limit for it "
        "(set LANDSCAPE_MAX_MB to raise it)")


def test_a_part_that_lies_about_its_size_is_refused(tmp_path):
    """The zip says 2,000 bytes; the part inflates to 5 MB: the reader stops at the declared size."""
    import struct

    big = b"<t>" + b"x" * 5_000_000 + b"</t>"
    path = hostile_workbook(tmp_path / "lie.xlsx", lambda xml: xml.replace(b"<t>A</t>", big))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 2000)  # the local header's size
    central = data.rfind(info.filename.encode()) - 46  # the name's last copy is in the central directory
    struct.pack_into("<I", data, central + 24, 2000)  # whose size is the one readers use
    path.write_bytes(bytes(data))
    with pytest.raises(LandscapeError, match=r"cannot open workbook: Bad CRC-32"):
        load_dataset(path)


def test_problems_are_listed_up_to_a_thousand_then_counted(runner, tmp_path):
    rows = "".join(f"e{number},E,boad\n" for number in range(2500))
    folder = write_bytes(tmp_path / "data", f"id,name,type\n{rows}".encode())
    lines = refused(runner, "validate", str(folder)).splitlines()
    assert len(lines) == 1003
    assert lines[0].startswith(f"{folder / 'entities.csv'}:2: type: unknown entity type 'boad'")
    assert lines[999].startswith(f"{folder / 'entities.csv'}:1001: type:")
    assert lines[-3:] == ["... and 1,500 more", "2,500 problems found; nothing was loaded", NEXT_STEP]


def test_a_file_mixing_utf8_and_cp1252_is_refused_at_the_line(runner, tmp_path):
    """UTF-8 with one cp1252 byte was read whole as cp1252: "Zoë" became "ZoÃ«" without a word."""
    entities = "id,name,type\nzoe,Zoë,board\n".encode() + b"cafe,Caf\xe9,board\n"
    folder = write_bytes(tmp_path / "data", entities)
    output = refused(runner, "validate", str(folder))
    assert (f"{folder / 'entities.csv'}:3: -: byte 0xE9 ('é' in Windows cp1252) is not UTF-8, but other lines "
            "are: the file mixes two encodings") in output
    write_bytes(folder, "id,name,type\nzoe,Zoë,board\n".encode("cp1252"))
    assert load_dataset(folder).entities["zoe"].name == "Zoë"  # all cp1252: read as cp1252


def test_invisible_characters_are_named_in_messages(runner, tmp_path):
    """A second BOM at the start of a line makes `b` a different id: the message shows why."""
    folder = write_bytes(tmp_path / "data", "id,name,type,top\na,A,board,true\n\ufeffb,B,board,true\n".encode(),
                         b"source,target,type\na,b,communicates_with\nb,a,communicates\xc2\xa0with\n")
    output = refused(runner, "validate", str(folder))
    where = folder / "relationships.csv"
    assert (f"{where}:2: target: unknown entity 'b' (the entity at line 3 is '\\ufeffb' (starts with an "
            "invisible U+FEFF))") in output
    assert (f"{where}:3: type: unknown relationship type 'communicates\\xa0with' (holds an invisible "
            "U+00A0)") in output


def test_a_damaged_cell_is_one_clear_line(tmp_path, monkeypatch):
    """openpyxl raised from inside a sheet (a number cell holding a letter): a traceback."""
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    path = hostile_workbook(tmp_path / "book.xlsx", lambda xml: re.sub(rb'<c r="B2".*?</c>',
                                                                       b'<c r="B2" t="n"><v>C</v></c>', xml))
    with pytest.raises(LandscapeError, match=r"book.xlsx: cannot read workbook: invalid literal for int"):
        load_dataset(path)


@pytest.mark.parametrize("part", [b"<workbook", b"PK\x03\x04",
                                  b'<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>'])
def test_a_damaged_workbook_part_is_one_clear_line(tmp_path, part):
    """A list of sheets that is not XML, or declares entities: refused, or read without them."""
    path = hostile_workbook(tmp_path / "book.xlsx", parts={"xl/workbook.xml": part})
    with pytest.raises(LandscapeError, match=r"book.xlsx(: cannot open workbook: |\[entities\]: sheet not found)"):
        load_dataset(path)


def test_control_characters_are_refused_where_they_are(runner, tmp_path):
    """XML cannot hold them: GraphML and GEXF with one would open in no reader."""
    folder = write_bytes(tmp_path / "data", b'id,name,type,top,description\na,A\x01,board,true,x\n'
                         b'b,B,board,true,"two\x0blines"\n', b"source,target,type,note\na,b,communicates_with,a\x1fb\n")
    output = refused(runner, "validate", str(folder))
    assert (f"{folder / 'entities.csv'}:2: name: 'A\\x01' holds the control character U+0001 at position 2, which "
            "XML exports (GraphML, GEXF, Word) cannot hold: delete it") in output
    assert f"{folder / 'entities.csv'}:3: description: 'two\\x0blines' holds the control character U+000B" in output
    assert f"{folder / 'relationships.csv'}:2: note: 'a\\x1fb' holds the control character U+001F" in output
