"""Reading a dataset's tables as text, with the line every row came from.

A dataset is a folder holding `entities.csv` and `relationships.csv`, or one
`.xlsx` workbook with sheets `entities` and `relationships`. Every value is read
as text and trimmed: `NA`, `None` and `007` stay as written. CSV files saved by
Excel load whether they are UTF-8 (with or without BOM), UTF-16 or cp1252.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date, datetime, time
from itertools import repeat, zip_longest
from operator import itemgetter
from pathlib import Path
from typing import Any

from landscape.cells import unneutralise
from landscape.errors import DatasetError, LandscapeError, Problem, Problems, shown
from landscape.io.workbook import check_workbook

TABLES = ("entities", "relationships")
OPTIONAL_TABLES = ("sources",)  # read when present: `sources.csv`, or a `sources` sheet
NO_VALUE_MESSAGE = "formula without a value — open and save the workbook in Excel, or paste values"


class FormulaWithoutValue:
    """A workbook cell holding a formula that was never calculated (no cached value), as written
    by scripts and some tools: its value cannot be read, so it is reported, never taken as empty."""
DEFAULT_MAX_MB = 150  # a national landscape of 1M relationships is about 50 MB


def max_bytes() -> int:
    """The largest file read, from `LANDSCAPE_MAX_MB` (default 150): a dataset is read whole
    into memory, so a larger file is refused before it is read rather than exhaust memory."""
    try:
        return int(float(os.environ.get("LANDSCAPE_MAX_MB", DEFAULT_MAX_MB)) * 1_000_000)
    except ValueError:
        raise LandscapeError(f"LANDSCAPE_MAX_MB must be a number of megabytes, not "
                             f"{os.environ['LANDSCAPE_MAX_MB']!r}") from None


def check_size(path: Path) -> None:
    """Refuse a file over the size limit, naming the limit and how to raise it."""
    size, limit = path.stat().st_size, max_bytes()
    if size > limit:
        raise DatasetError([Problem(str(path), 0, "", f"the file is {size / 1e6:.0f} MB, over the "
                                    f"{limit / 1e6:g} MB limit (set LANDSCAPE_MAX_MB to raise it)")])


class Table:
    """One sheet of a dataset: its header and its rows, each with its editor line number.
    Rows are held column by column (`lines`, and `columns` by header name): a national
    landscape has a million rows, and a dict for each cost more than reading the file. `rows`
    gives them as (line, {column: value}) when asked for."""

    def __init__(self, where: str, header: list[str]) -> None:
        self.where = where
        self.header = header
        self.in_workbook = False  # a workbook's sheet: its problems name their cell
        self.lines: list[int] = []
        self.columns: dict[str, list[str]] = {}
        self.problems = Problems()
        self._rows: list[tuple[int, dict[str, str]]] | None = None

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.where, line, column, message))

    def column(self, name: str) -> list[str]:
        """The values of a column, or empty values if the table has no such column."""
        return self.columns[name] if name in self.columns else [""] * len(self.lines)

    @property
    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """Each row as (line, {column: value}), built once when first asked for."""
        if self._rows is None:
            names = list(self.columns)
            values = zip(*self.columns.values()) if names else repeat((), len(self.lines))
            self._rows = list(zip(self.lines, (dict(zip(names, row)) for row in values)))
        return self._rows

    def set_rows(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Hold rows read one by one (every row has every named column)."""
        self._rows = rows
        self.lines = [line for line, _ in rows]
        names = [name for name in dict.fromkeys(self.header) if name]
        self.columns = {name: [row[name] for _, row in rows] for name in names}


def read_tables(path: str | Path) -> dict[str, Table]:
    """Read the entities and relationships tables of the dataset at `path`, and its sources
    table when it has one.

    Problems with the files' shape (encoding, duplicated headers, ragged rows)
    are collected on each table; a missing file raises DatasetError at once.
    """
    path = Path(path)
    if path.is_dir():
        missing = [name for name in TABLES if not (path / f"{name}.csv").is_file()]
        if missing:
            raise DatasetError([Problem(str(path / f"{name}.csv"), 0, "", "file not found")
                                for name in missing])
        return {name: read_csv(path / f"{name}.csv") for name in TABLES + OPTIONAL_TABLES
                if name in TABLES or (path / f"{name}.csv").is_file()}
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return read_workbook(path)
    if not path.exists():
        raise LandscapeError(f"{path}: no such dataset (a folder with entities.csv and "
                             "relationships.csv, or an .xlsx workbook)")
    raise LandscapeError(f"{path}: not a dataset (expected a folder or an .xlsx workbook)")


def decode(data: bytes, where: str = "") -> str:
    """Decode a CSV file as Excel may have saved it: UTF-8 (BOM or not), UTF-16, else cp1252.
    The whole file decides: one that is UTF-8 but for a few bytes mixes two encodings, and is
    refused at the first such line rather than read whole as cp1252 (where "Zoë" in UTF-8 would
    silently become "ZoÃ«")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # bytes that are not UTF-8 become lone surrogates: any other non-ASCII character is UTF-8
        text = data.decode("utf-8", errors="surrogateescape")
        if not UTF8_CHARACTER.search(text):
            return data.decode("cp1252", errors="replace")
        line = data.count(b"\n", 0, error.start) + 1
        raise DatasetError([Problem(where, line, "-", (
            f"byte 0x{data[error.start]:02X} ({data[error.start:error.start + 1].decode('cp1252', 'replace')!r} "
            "in Windows cp1252) is not UTF-8, but other lines are: the file mixes two "
            "encodings (save it again as UTF-8, or fix the characters on this line)"))]) from None


UTF8_CHARACTER = re.compile("[^\x00-\x7f\udc80-\udcff]")


def read_csv(path: Path) -> Table:
    try:
        check_size(path)
        data = path.read_bytes()
    except OSError as error:
        raise DatasetError([Problem(str(path), 0, "", f"cannot read: {error.strerror}")]) from None
    try:
        text = decode(data, str(path))
    except UnicodeDecodeError as error:
        raise DatasetError([Problem(str(path), 0, "", f"cannot decode: {error}")]) from None
    return parse_csv(text, str(path))


def parse_csv(text: str, where: str) -> Table:
    """Parse CSV text into a Table, noting where each record starts."""
    table = Table(where, [])
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        table.problem(line, "-", "the file contains a NUL byte (is it really a CSV file?)")
        text = text.replace("\0", "")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    last_line = 0
    try:
        for record in reader:
            first_line, last_line = last_line + 1, reader.line_num
            if (record and record[0].strip()) or "".join(record).strip():  # some cell has more than spaces
                records.append((first_line, record))
    except csv.Error as error:
        table.problem(last_line + 1, "-", f"malformed CSV: {error}")
    if not records:
        table.problem(1, "-", "the file is empty (expected a header row)")
        return table
    header_line, header = records[0]
    if header_line != 1:
        table.problem(1, "-", "the header must be on line 1")
    fill_table(table, [unneutralise(cell.strip()) for cell in header], records[1:])
    return table


def fill_table(table: Table, header: list[str], records: list[tuple[int, list[str]]]) -> None:
    """Check the header, then turn each record into a dict keyed by column name."""
    table.header = header
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            table.problem(1, name, "duplicated header")
        seen.add(name)
    width = len(header)
    if len(seen) == width and "" not in seen and set(map(len, map(itemgetter(1), records))) <= {width}:
        fill_rectangle(table, header, records)
        return
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in records:
        values = [unneutralise(cell.strip()) for cell in record]
        extra = values[width:]
        if any(extra):
            table.problem(line, "-", f"row has {len(values)} values but the header has {width}")
        if len(values) < width:
            table.problem(line, "-", f"row has {len(values)} values but the header has {width}")
            values += [""] * (width - len(values))
        row: dict[str, str] = {}
        for name, value in zip(header, values):
            if not name:
                if value:
                    table.problem(line, "-", f"value {shown(value)} is in a column with no header")
                continue
            row.setdefault(name, value)
        rows.append((line, row))
    table.set_rows(rows)


def fill_rectangle(table: Table, header: list[str], records: list[tuple[int, list[str]]]) -> None:
    """The common case, column by column: every row as wide as a clean header. Same result as
    the row-by-row path, several times faster on a national landscape's million rows."""
    columns = [list(map(str.strip, column)) for column in zip(*(record for _, record in records))]
    for column in columns:
        # a quick search of the whole column first: quotes are rare
        if "'" in "".join(column) and any(cell[:1] == "'" for cell in column):
            column[:] = map(unneutralise, column)
    table.lines = [line for line, _ in records]
    table.columns = dict(zip(header, columns)) if columns else {name: [] for name in header}


def read_workbook(path: Path) -> dict[str, Table]:
    """Read the visible entities and relationships sheets of an .xlsx workbook, as text.
    python-calamine (Rust) reads them when installed, else openpyxl, which parses the XML with
    defusedxml; either way the file is refused over the size limit, and its parts and sheets
    are checked (`check_workbook`), before a reader opens it."""
    check_size(path)
    checked = check_workbook(path, max_bytes(), TABLES + OPTIONAL_TABLES)
    missing = [name for name in TABLES if name not in checked]
    if missing:
        raise DatasetError([Problem(f"{path}[{name}]", 0, "", "sheet not found") for name in missing])
    sheets = visible_sheets(path, formulas=any(sheet.formulas for sheet in checked.values()))
    tables = {}
    for name in TABLES + tuple(name for name in OPTIONAL_TABLES if name in sheets):
        table = Table(f"{path}[{name}]", [])
        table.in_workbook = True
        rows = [(number, [cell_text(value) for value in values])
                for number, values in enumerate(sheets[name], 1)]
        rows = [(number, values) for number, values in rows if any(values)]
        if not rows or rows[0][0] != 1:
            table.problem(1, "-", "the header must be on row 1")
        if rows:
            fill_table(table, [value.strip() for value in rows[0][1]], rows[1:])
        report_formulas(table, sheets[name])
        tables[name] = table
    return tables


def report_formulas(table: Table, cells: list[list[Any]]) -> None:
    """A problem for each formula cell with no value, named by row number and column header."""
    header = [cell_text(value).strip() for value in cells[0]] if cells else []
    for number, values in enumerate(cells, 1):
        for column, value in enumerate(values):
            if isinstance(value, FormulaWithoutValue):
                name = header[column] if column < len(header) and header[column] else "-"
                table.problem(number, name, NO_VALUE_MESSAGE)


def visible_sheets(path: Path, formulas: bool) -> dict[str, list[list[Any]]]:
    """The cell values of the workbook's visible sheets named like a table, by table name;
    hidden sheets are ignored (they are often old copies). A workbook with formulas is read
    with openpyxl, which can tell a formula never calculated from an empty cell."""
    try:
        from python_calamine import CalamineWorkbook, SheetVisibleEnum
    except ImportError:
        return visible_sheets_openpyxl(path, formulas)
    if formulas:
        return visible_sheets_openpyxl(path, formulas)
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            return {meta.name.strip().lower(): book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                    for meta in book.sheets_metadata
                    if meta.visible == SheetVisibleEnum.Visible
                    and meta.name.strip().lower() in TABLES + OPTIONAL_TABLES}
        finally:
            book.close()
    except Exception as error:  # calamine raises many kinds for a damaged file
        raise DatasetError([Problem(str(path), 0, "", f"cannot open workbook: {error}")]) from None


def visible_sheets_openpyxl(path: Path, formulas: bool) -> dict[str, list[list[Any]]]:
    """As `visible_sheets`, with openpyxl; a formula with no cached value becomes
    `FormulaWithoutValue`, found by reading the workbook a second time for its formulas."""
    values = openpyxl_sheets(path, data_only=True)
    if not formulas:
        return values
    written = openpyxl_sheets(path, data_only=False)
    no_rows: list[Any] = []
    return {name: [[FormulaWithoutValue() if value is None and is_formula(formula) else value
                    for value, formula in zip_longest(row, formula_row)]
                   for row, formula_row in zip_longest(rows, written[name], fillvalue=no_rows)]
            for name, rows in values.items()}


def is_formula(value: Any) -> bool:
    """Whether openpyxl read a formula (text starting with `=`, or an array formula)."""
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__.endswith("Formula")


def openpyxl_sheets(path: Path, data_only: bool) -> dict[str, list[list[Any]]]:
    """The visible table sheets' cells: cached values with `data_only`, else formulas."""
    import openpyxl  # imported here: only workbooks need it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise DatasetError([Problem(str(path), 0, "", f"cannot open workbook: {error}")]) from None
    try:
        sheets = {name.strip().lower(): book[name] for name in book.sheetnames
                  if book[name].sheet_state == "visible" and name.strip().lower() in TABLES + OPTIONAL_TABLES}
        for sheet in sheets.values():
            sheet.reset_dimensions()  # the stored <dimension> may be short of the rows: read them all
        return {name: [list(row) for row in sheet.iter_rows(values_only=True)] for name, sheet in sheets.items()}
    except Exception as error:  # and reading a sheet raises many kinds for a damaged cell
        raise DatasetError([Problem(str(path), 0, "", f"cannot read workbook: {error}")]) from None
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A workbook cell as the text a person typed: whole numbers stay whole, dates stay ISO."""
    if value is None or isinstance(value, FormulaWithoutValue):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


GUIDE_SHEETS = ("guide", "how to fill in")  # the template's guide sheet, by its names old and new
TITLE_ROWS = 50  # how far down the guide sheet a `title` cell is looked for


def dataset_title(path: str | Path) -> str:
    """What a dataset calls itself, or '': a workbook's `title` cell (the cell beside one reading
    `title` on its guide sheet); a folder's `dataset.json` {"title": ...}, else the first `# `
    heading of its README.md."""
    path = Path(path)
    if path.is_dir():
        return folder_title(path)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return workbook_title(path)
    return ""


def folder_title(folder: Path) -> str:
    """The title in a folder's dataset.json, else its README's first heading, else ''."""
    import json

    try:
        if (folder / "dataset.json").is_file():
            data = json.loads(decode((folder / "dataset.json").read_bytes()))
            if isinstance(data, dict) and isinstance(data.get("title"), str) and data["title"].strip():
                return data["title"].strip()
        if (folder / "README.md").is_file():
            for line in decode((folder / "README.md").read_bytes()).splitlines():
                if line.startswith("# ") and line[2:].strip():
                    return line[2:].strip()
    except (OSError, ValueError, DatasetError):
        return ""  # a title is a nicety: an unreadable one leaves the default
    return ""


def workbook_title(path: Path) -> str:
    """The text beside the `title` cell of a workbook's guide sheet, or ''. Read after the
    workbook has been checked (`read_workbook`), so openpyxl opens a file known to be sound."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds; a title is a nicety
        return ""
    try:
        guides = [name for name in book.sheetnames if name.strip().lower() in GUIDE_SHEETS]
        for name in guides:
            for row in book[name].iter_rows(max_row=TITLE_ROWS, values_only=True):
                texts = [cell_text(value).strip() for value in row]
                if "title" in (text.lower() for text in texts):
                    after = texts[[text.lower() for text in texts].index("title") + 1:]
                    return next((text for text in after if text), "")
        return ""
    except Exception:
        return ""
    finally:
        book.close()
