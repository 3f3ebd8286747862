"""Errors the library raises; the command line turns each into one clear message."""

from __future__ import annotations

from dataclasses import dataclass


class LandscapeError(Exception):
    """A failure the user can act on (bad input, unreachable store, locked store)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a dataset, located as an editor shows it."""

    where: str  # "entities.csv" or "book.xlsx[entities]"
    line: int  # 1 is the header; 0 when the problem is with the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return f"{self.where}: {self.message}"
        return f"{self.where}:{self.line}: {self.column}: {self.message}"


class DatasetError(LandscapeError):
    """A dataset was refused; `problems` lists every reason, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{lines}\n{count} problem{'s' if count != 1 else ''} found; "
                         "nothing was loaded")
