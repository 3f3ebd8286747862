"""Safe cells: text a spreadsheet would run as a formula is neutralised on the way out and
restored on the way back in; workbooks are written with every cell a value, and text reaches
the file exactly as written; characters XML cannot hold are found before any XML is written."""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Characters XML 1.0 cannot hold: controls other than tab, newline and carriage return, lone
# surrogates and the two non-characters. A file holding one is refused by every XML reader.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# XlsxWriter escapes text that reads as one of Excel's escapes (`_x0041_` is "A") by escaping
# its underscore, but its pattern consumes the closing underscore and so misses an escape that
# starts there: `_x005F_x0041_` came back as `_x005FA`. Looking ahead instead finds them all.
ESCAPE_LIKE = re.compile("(_)(?=x[0-9a-fA-F]{4}_)")


# Excel takes a CSV file without a byte-order mark for the computer's local code page, and shows
# "–" and accents garbled: a file written for people to open starts with one. Every reader strips it.
BOM = "\ufeff"


def for_excel(text: str) -> str:
    """CSV text as Excel reads it right: starting with a byte-order mark."""
    return text if text.startswith(BOM) else BOM + text


def spreadsheet_safe(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula by prefixing a quote (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo `spreadsheet_safe` on text read back in."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def new_workbook(buffer: Any) -> Any:
    """An XlsxWriter workbook in memory that writes text as text: never a formula, a link or
    a number. Write text into it with `write_text`."""
    import xlsxwriter  # only workbooks need it
    from xlsxwriter import xmlwriter

    xmlwriter.re_control_chars_1 = ESCAPE_LIKE  # the same replacement, `_x005F` before each
    return xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})


def write_text(sheet: Any, row: int, column: int, text: str, cell_format: Any = None) -> None:
    """Write text into a cell as written. XlsxWriter takes text of the form `<r>...</r>` for
    rich text it made and writes it unescaped (the workbook could not be opened): such text is
    written as a rich string of plain pieces instead, which reads back as the same text."""
    if text.startswith("<r>") and text.endswith("</r>"):
        sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:], *(
            [cell_format] if cell_format is not None else []))
    else:
        sheet.write_string(row, column, text, cell_format)


def write_row(sheet: Any, row: int, values: list[Any], cell_format: Any = None) -> None:
    """Write values into a row: text with `write_text`, numbers and booleans as they are."""
    for column, value in enumerate(values):
        if isinstance(value, str):
            write_text(sheet, row, column, value, cell_format)
        else:
            sheet.write(row, column, value, cell_format)
