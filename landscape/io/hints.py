"""What a validation message suggests: the cell to look at, what was likely meant, and the
date a person wrote in another form, said as an Excel user would act on it.

>>> cell_name(["id", "name", "type"], "type", 7)
'C7'
>>> not_a_date("31/03/2025")
"'31/03/2025' is not a date like 2025-03-31, 2025-03 or 2025; did you mean 2025-03-31?"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from landscape.errors import Problem

DATE_FORMS = "a date like 2025-03-31, 2025-03 or 2025"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
# Day, month and year separated by / . or - (31/03/2025, 31.03.25), and year, month, day by / or . (2025/03/31)
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
YEAR_MONTH_DAY = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$")
# How Excel shows a date when it saves a CSV: Mar-21, 21-Mar, 21-Mar-21, March 2021
EXCEL_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})[- ](\d{2}|\d{4})$")
EXCEL_DAY_MONTH = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3,9})(?:[- ](\d{2}|\d{4}))?$")
# How Excel shows a long number it re-saved: 1.23457E+11
EXCEL_NUMBER = re.compile(r"^-?\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)


def column_letter(position: int) -> str:
    """The spreadsheet letter of a column counted from 0: 0 is A, 26 is AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_name(header: list[str], column: str, line: int) -> str:
    """The cell (`C7`) of `column` on row `line`, or '' when the column is not in the header."""
    if line < 1 or column not in header:
        return ""
    return f"{column_letter(header.index(column))}{line}"


def with_cells(problems: Iterable[Problem], headers: dict[str, list[str]]) -> list[Problem]:
    """The problems, those of a workbook's sheets (`headers` by where) naming their cell."""
    located = []
    for problem in problems:
        header = headers.get(problem.where)
        cell = cell_name(header, problem.column, problem.line) if header is not None else ""
        located.append(Problem(problem.where, problem.line, problem.column, problem.message, cell)
                       if cell else problem)
    return located


def iso(year: int, month: int, day: int | None = None) -> str:
    """The ISO form of a date, or '' when it is no real date."""
    try:
        when = date(year, month, day or 1)
    except ValueError:
        return ""
    return when.isoformat() if day else when.isoformat()[:7]


def full_year(text: str) -> int:
    """A year written with two digits or four (21 is 2021)."""
    return int(text) + 2000 if len(text) == 2 else int(text)


def month_number(text: str) -> int | None:
    """The month a name or its first three letters stand for (Mar, march), or None."""
    folded = text.casefold()
    if folded[:3] in MONTHS and (len(folded) == 3 or MONTH_NAMES[MONTHS.index(folded[:3])].casefold() == folded):
        return MONTHS.index(folded[:3]) + 1
    return None


def intended_date(text: str) -> tuple[str, str]:
    """The ISO date `text` was meant to be and '', or '' and why it cannot be told (both
    empty when it looks like no date at all)."""
    found = DAY_MONTH_YEAR.match(text)
    if found:
        first, second, year = int(found[1]), int(found[2]), full_year(found[3])
        day_first, month_first = iso(year, second, first), iso(year, first, second)
        if day_first and month_first and first != second:
            return "", (f"it could be {first} {MONTH_NAMES[second - 1]} or {second} {MONTH_NAMES[first - 1]}"
                        f": write {day_first} or {month_first}")
        return day_first or month_first, ""
    found = YEAR_MONTH_DAY.match(text)
    if found:
        day = int(found[3]) if found[3] else None
        return iso(int(found[1]), int(found[2]), day), ""
    found = EXCEL_MONTH_YEAR.match(text)
    if found and month_number(found[1]):
        return iso(full_year(found[2]), month_number(found[1]) or 1), ""
    found = EXCEL_DAY_MONTH.match(text)
    if found and month_number(found[2]) and found[3]:
        return iso(full_year(found[3]), month_number(found[2]) or 1, int(found[1])), ""
    return "", ""


def not_a_date(text: str) -> str:
    """Why `text` is no date, in words, with the ISO form when the intended date is clear."""
    meant, doubt = intended_date(text)
    hint = f"; did you mean {meant}?" if meant else f" ({doubt})" if doubt else ""
    return f"{text!r} is not {DATE_FORMS}{hint}"


def date_problem(text: str, error: ValueError) -> str:
    """What is wrong with a date that did not parse: a date in another form says what form is
    wanted; one in the right form that is no real day (2025-02-30) keeps the reason."""
    return str(error) if text[:4].isdigit() and text[4:5] == "-" else not_a_date(text)


def looks_saved_by_excel(text: str) -> bool:
    """Whether a cell holds what Excel writes when it re-saves a CSV: a date shown as Mar-21 or
    21-Mar, or a long number shown as 1.23457E+11."""
    if EXCEL_NUMBER.match(text):
        return True
    found = EXCEL_MONTH_YEAR.match(text) or EXCEL_DAY_MONTH.match(text)
    if found is None:
        return False
    return any(month_number(part) for part in found.groups() if part and part.isalpha())


EXCEL_MESSAGE = (
    "this file looks re-saved by Excel, which rewrote {count} value{s} such as {example} "
    "(dates and long numbers): open the original file instead, or in Excel format the date "
    "columns as Text, type dates as 2021-03 or 2021-03-31, and save as 'CSV UTF-8'")


DATE_COLUMNS = ("start", "end", "date", "review")


def excel_resaved(where: str, columns: dict[str, list[str]]) -> Problem | None:
    """One problem for the whole file when its date columns hold dates as Excel shows them, or
    its cells long numbers as Excel shows them; else None."""
    rewritten = [value for name, values in columns.items()
                 if name in DATE_COLUMNS or "E+" in "".join(values).upper()  # a quick look first: most have none
                 for value in values
                 if value and (looks_saved_by_excel(value) if name in DATE_COLUMNS else EXCEL_NUMBER.match(value))]
    if not rewritten:
        return None
    count = len(rewritten)
    return Problem(where, 0, "", EXCEL_MESSAGE.format(count=count, s="s" if count != 1 else "",
                                                      example=repr(rewritten[0])))
