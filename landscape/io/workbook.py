"""Checks on an .xlsx workbook before a reader opens it.

A workbook is a zip of XML parts, and the readers (calamine, openpyxl) trust what the parts
say. A small file can hold a part that inflates to gigabytes, or one distant cell that makes
a reader allocate the whole rectangle up to it (a cell at XFD1048576 is 17 billion cells).
Both are refused here with one line that says why, before a reader reads a cell.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from landscape.errors import DatasetError, Problem

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # Excel's own limits: XFD1048576 is the last cell
BYTES_PER_CELL = 10  # the cells a sheet may span: LANDSCAPE_MAX_MB / 10, 15 million at the default
SHEET_XML = 10  # a worksheet's XML is about 7 times the size of the same rows as CSV
CHUNK = 1 << 24  # bytes of a worksheet scanned at a time

# Opening tags of rows, cells and formulas, with their attributes, in any namespace prefix.
TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c|f)(?=[\s/>])([^>]*)>")
REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
# Rows and cells as Excel and most tools write them, `<row r="12"` and `<c r="B12"`, are
# found quickly by these; a sheet written otherwise is read tag by tag.
PREFIXED = re.compile(rb":(?:row|c)[\s/>]")  # a tag with a namespace prefix
NOT_PLAIN = re.compile(rb'<(?:row|c)(?! r=")[\s/>]')
ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
CELL_COLUMN = re.compile(rb'<c r="([A-Za-z]+)')  # readers take `b2` for B2
CELL_ROW = re.compile(rb'<c r="[A-Za-z]+([0-9]+)"')
FORMULA_TAGS = (b"<f>", b"<f ", b"<f/")


@dataclass
class Sheet:
    """A worksheet as the workbook lists it, and what a scan of its XML found."""

    name: str
    part: str  # its member in the zip
    visible: bool
    rows: int = 0  # the last row and column that hold a cell (1-based)
    columns: int = 0
    formulas: bool = False

    @property
    def corner(self) -> str:
        return f"{column_letters(self.columns)}{self.rows}"


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def check_workbook(path: Path, limit: int, wanted: tuple[str, ...]) -> dict[str, Sheet]:
    """The visible sheets named like `wanted` (by name trimmed and in lower case), checked:
    refuse the workbook if a part inflates past `limit` bytes (a worksheet past SHEET_XML
    times that), or a wanted sheet reaches past Excel's limits or spans more than
    `limit / BYTES_PER_CELL` cells. Raises DatasetError with one problem, naming the part, or
    the sheet and its farthest cell."""
    try:
        with zipfile.ZipFile(path) as book:
            check_parts(path, book, limit)
            sheets = list_sheets(path)
            found = {sheet.name.strip().lower(): sheet for sheet in sheets
                     if sheet.visible and sheet.name.strip().lower() in wanted}
            for table, sheet in found.items():
                scan(book, sheet)
                check_extent(f"{path}[{table}]", sheet, limit // BYTES_PER_CELL)
            return found
    except DatasetError:
        raise
    except Exception as error:  # zipfile and openpyxl raise many kinds for a damaged file
        raise DatasetError([Problem(str(path), 0, "", f"cannot open workbook: {error}")]) from None


def check_parts(path: Path, book: zipfile.ZipFile, limit: int) -> None:
    """Refuse a part whose uncompressed size is over the limit: a part a reader holds whole
    (shared strings, styles) at the limit, a worksheet (read as a stream, and its cells are
    capped by `check_extent`) at SHEET_XML times it. The size is the one the zip declares:
    both readers stop with an error at a part that inflates past it."""
    for info in book.infolist():
        most = limit * SHEET_XML if "/worksheets/" in info.filename else limit
        if info.file_size > most:
            raise DatasetError([Problem(str(path), 0, "", (
                f"the workbook's part {info.filename} is {megabytes(info.file_size)} uncompressed, over "
                f"the {megabytes(most)} limit for it (set LANDSCAPE_MAX_MB to raise it)"))])


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 10e6 else f"{size / 1e6:.2g} MB"


def list_sheets(path: Path) -> list[Sheet]:
    """The workbook's sheets, their parts and whether they are visible, read by openpyxl from
    the workbook part alone (its parts' sizes are checked first)."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(str(path), read_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_workbook()
        return [Sheet(sheet.name, relation.target, sheet.state in (None, "visible"))
                for sheet, relation in reader.parser.find_sheets()]
    finally:
        reader.archive.close()


def scan(book: zipfile.ZipFile, sheet: Sheet) -> None:
    """Find the sheet's real extent (the stored <dimension> may be wrong: never trusted) and
    whether it holds formulas, reading its XML in chunks, quickly where every row and cell is
    written plainly, else tag by tag."""
    with book.open(sheet.part) as part:
        for text in chunks(part):
            if not plain(text):
                break
            scan_plain(text, sheet)
        else:
            return
    sheet.rows = sheet.columns = 0
    with book.open(sheet.part) as part:
        scan_in_order(chunks(part), sheet)


def chunks(part: IO[bytes]) -> Iterator[bytes]:
    """The part's bytes in chunks cut before a `<`, so that no tag is split between two."""
    rest = b""
    while chunk := part.read(CHUNK):
        text = rest + chunk
        last = text.rfind(b"<")
        if last > 0:
            text, rest = text[:last], text[last:]
        else:
            rest = b""
        yield text
    if rest:
        yield rest


def plain(text: bytes) -> bool:
    """Whether every row and cell tag in the text is written `<row r="..."` or `<c r="..."`."""
    return not PREFIXED.search(text) and not NOT_PLAIN.search(text)


def scan_plain(text: bytes, sheet: Sheet) -> None:
    """The extent where every row and cell says where it is: the highest row number and
    column anywhere (a cell may name a row other than its row's, and readers place it there)."""
    rows = ROW_NUMBER.findall(text) + CELL_ROW.findall(text)
    if rows:
        sheet.rows = max(sheet.rows, max(map(int, set(rows))))
    columns = set(CELL_COLUMN.findall(text))
    if columns:
        sheet.columns = max(sheet.columns, max(map(column_number, columns)))
    sheet.formulas = sheet.formulas or any(tag in text for tag in FORMULA_TAGS)


def scan_in_order(texts: Iterator[bytes], sheet: Sheet) -> None:
    """The extent, tag by tag, where rows or cells may be placed by their order: a row
    without `r` follows the row before, a cell without `r` the cell before."""
    row = column = 0
    for text in texts:
        for match in TAG.finditer(text):
            name, attributes = match.groups()
            if name == b"f":
                sheet.formulas = True
                continue
            reference = REFERENCE.search(attributes)
            letters, number = reference.groups() if reference else (b"", b"")
            if name == b"row":
                row, column = (int(number) if number else row + 1), 0
            else:
                column = column_number(letters) if letters else column + 1
                sheet.rows = max(sheet.rows, int(number) if number else row)
                sheet.columns = max(sheet.columns, column)


def check_extent(where: str, sheet: Sheet, cells: int) -> None:
    """Refuse a sheet past Excel's limits, or spanning more cells than a reader may hold."""
    if sheet.rows > EXCEL_ROWS or sheet.columns > EXCEL_COLUMNS:
        message = (f"the sheet reaches {sheet.corner}, past Excel's last cell "
                   f"{column_letters(EXCEL_COLUMNS)}{EXCEL_ROWS}: is it really a workbook?")
    elif sheet.rows * sheet.columns > cells:
        message = (f"the sheet spans {sheet.rows:,} rows by {sheet.columns:,} columns (to {sheet.corner}): "
                   f"{sheet.rows * sheet.columns:,} cells, over the limit of {cells:,} (delete what is "
                   f"beyond your data, or set LANDSCAPE_MAX_MB to raise it)")
    else:
        return
    raise DatasetError([Problem(where, 0, "", message)])
