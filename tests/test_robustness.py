"""Hostile datasets: every case ends in a clear message and a non-zero status, never a traceback.
Writes and stores under faults are in test_robustness_files.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from landscape.errors import LandscapeError
from landscape.io.validate import load_dataset

COMMAND = [sys.executable, "-c", "import cli; cli.main()"]


def refused(runner, *args: str) -> str:
    """Run a command that must fail cleanly; its combined output."""
    result = runner.invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)
    return result.output


def write_bytes(folder: Path, entities: bytes, relationships: bytes = b"source,target,type\n") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "entities.csv").write_bytes(entities)
    (folder / "relationships.csv").write_bytes(relationships)
    return folder


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


def test_exports_neutralise_formulas(runner, write_dataset, tmp_path):
    import openpyxl

    folder = write_dataset('evil,"=HYPERLINK(""http://x"",""y"")",board,,,true\n'
                           "plain,@SUM(A1),board,,,true", entity_header="id,name,type,sector,level,top")
    assert runner.invoke(main, ["export", str(folder), "--format", "csv", "-o", str(tmp_path / "out")]).exit_code == 0
    text = (tmp_path / "out" / "entities.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert runner.invoke(main, ["export", str(folder), "--format", "xlsx", "-o", str(tmp_path / "o.xlsx")]
                         ).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "o.xlsx")
    cells = [cell for row in book["entities"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells) and not any(cell.hyperlink for cell in cells)
    assert load_dataset(tmp_path / "out").entities["evil"].name == '=HYPERLINK("http://x","y")'


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
    assert str(error.value).splitlines() == [f"{path}[entities]:3: top: 'maybe' is not true or false",
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
    assert (f"{path}[entities]:3: name: formula without a value — open and save the workbook in "
            "Excel, or paste values") in str(error.value).splitlines()


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
