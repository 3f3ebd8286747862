"""Errors the library raises; the command line turns each into one clear message."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field


class LandscapeError(Exception):
    """A failure the user can act on (bad input, unreachable store, locked store)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a dataset, located as an editor shows it."""

    where: str  # "entities.csv" or "book.xlsx[entities]"
    line: int  # 1 is the header; 0 when the problem is with the file as a whole
    column: str
    message: str
    cell: str = field(default="", compare=False)  # a workbook's cell, such as C7: what an Excel user looks for

    def __str__(self) -> str:
        if not self.line:
            return f"{self.where}: {self.message}"
        cell = f"(cell {self.cell}) " if self.cell else ""
        return f"{self.where}:{self.line}: {self.column}: {cell}{self.message}"


def is_invisible(character: str) -> bool:
    """A control or format character (BOM, zero-width space, direction marks) or a space other
    than the plain one: invisible, or indistinguishable from a space, in a spreadsheet."""
    category = unicodedata.category(character)
    return category in ("Cc", "Cf", "Zl", "Zp") or (category == "Zs" and character != " ")


def shown(value: str) -> str:
    """A value quoted for a message, naming the invisible characters in it: without them, two
    values that look the same differ for no visible reason. `'\\ufeffb' (starts with an
    invisible U+FEFF)`."""
    quoted = repr(value)  # escapes what cannot be printed
    hidden = dict.fromkeys(f"U+{ord(character):04X}" for character in value if is_invisible(character))
    if not hidden:
        return quoted
    where = "starts with" if is_invisible(value[0]) else "ends with" if is_invisible(value[-1]) else "holds"
    return f"{quoted} ({where} {'an ' if len(hidden) == 1 else ''}invisible {', '.join(hidden)})"


MAX_PROBLEMS = 1000  # listed; past these, a dataset's problems are counted


class Problems(list[Problem]):
    """The problems found in a dataset, keeping only the first MAX_PROBLEMS in file order and
    counting the rest in `more`: a file of a million bad rows must not make a million messages."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        super().__init__()
        self.more = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        super().append(problem)
        if len(self) >= 2 * MAX_PROBLEMS:  # keep the first ones from time to time, not at each
            self.keep_first()

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)
        self.more += getattr(problems, "more", 0)

    def __iadd__(self, problems: Iterable[Problem]) -> Problems:  # type: ignore[override,misc]
        self.extend(problems)
        return self

    def keep_first(self) -> None:
        self.sort()
        self.more += max(0, len(self) - MAX_PROBLEMS)
        del self[MAX_PROBLEMS:]


class DatasetError(LandscapeError):
    """A dataset was refused; `problems` lists the reasons in file order (the first
    MAX_PROBLEMS of them; `more` counts the rest)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        kept = Problems(problems)
        kept.keep_first()
        self.problems, self.more = list(kept), kept.more
        count = len(self.problems) + self.more
        lines = [str(problem) for problem in self.problems]
        if self.more:
            lines.append(f"... and {self.more:,} more")
        super().__init__("\n".join(lines) + f"\n{count:,} problem{'s' if count != 1 else ''} found; "
                         "nothing was loaded")


# Wording every message shares

def suggestion(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """'; did you mean 'x'?' naming the choice closest to `value` (case ignored), or ''.

    >>> suggestion("agnecy", ["board", "agency", "vcs"])
    "; did you mean 'agency'?"
    """
    by_folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(value.casefold(), list(by_folded), n=1, cutoff=cutoff)
    return f"; did you mean {by_folded[close[0]]!r}?" if close else ""


def with_article(word: str) -> str:
    """`word` after 'a' or 'an', as it is said: an agency, a board, a VCS organisation.

    >>> with_article("agency"), with_article("VCS organisation")
    ('an agency', 'a VCS organisation')
    """
    return ("an " if word[:1].lower() in "aeio" else "a ") + word
