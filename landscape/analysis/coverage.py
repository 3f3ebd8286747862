"""The board × theme coverage matrix: which board takes on which concern, and how.

For example, a board addressing exploitation and overseeing an initiative on
county lines has "direct" under exploitation and "via initiative" under county
lines. A theme column nobody covers is a gap.

A national landscape has about 10,000 boards and 2,000 themes: 20 million cells,
nearly all empty, which written out in full would be a 400 MB JSON file. Above
`DENSE_CELLS` cells the matrix is sparse: each board's row holds only the
themes it covers (and the result says `"sparse": true`). A row reads as the
dense one would: a theme the board does not cover gives "".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from landscape.analysis.facts import Facts
from landscape.analysis.incidence import entries

DIRECT, VIA_INITIATIVE = "direct", "via initiative"
DENSE_CELLS = 1_000_000  # above this many cells, rows hold only the themes a board covers


class SparseRow(dict[str, str]):
    """A row of the sparse matrix: the themes a board covers, and "" for any other theme, so
    code written for the dense matrix (`cells[board][theme]`) reads it unchanged."""

    def __missing__(self, theme: str) -> str:
        return ""


def coverage(facts: Facts, dense_cells: int = DENSE_CELLS) -> dict[str, Any]:
    """For each board and theme: `direct` when the board addresses the theme,
    `via initiative` when only an initiative it oversees does, else empty.
    Themes nobody covers stay as columns, so gaps show as empty columns."""
    boards = sorted(facts.boards, key=lambda board: (facts.name(board), board))
    themes = sorted(facts.themes, key=lambda theme: (facts.name(theme), theme))
    dense = len(boards) * len(themes) <= dense_cells
    cells: dict[str, dict[str, str]] = {}
    for board, row in zip(boards, covered_cells(facts, boards, themes)):
        if dense:
            cells[board] = dict.fromkeys(themes, "")
            cells[board].update(row)
        else:
            cells[board] = SparseRow(row)
    return {"boards": [{"id": b, "name": facts.name(b)} for b in boards],
            "themes": [{"id": t, "name": facts.name(t)} for t in themes],
            "cells": cells} | ({} if dense else {"sparse": True})


def covered_cells(facts: Facts, boards: list[str], themes: list[str]) -> list[Iterator[tuple[str, str]]]:
    """For each of `boards`, the (theme, how) pairs of the `themes` it covers, in the order of
    `themes`, as an iterator to be read once: from the sparse products of the board's remit,
    and of the initiatives it oversees with theirs."""
    addresses = facts.relation("addresses")
    rows, columns = facts.codes_of(boards), facts.codes_of(themes)
    direct = addresses[rows][:, columns]
    through = (facts.relation("oversees")[rows] @ addresses[:, columns]).tocsr()
    cells = (direct + through).tocoo()  # the union of both patterns
    how = np.array([VIA_INITIATIVE, DIRECT], dtype=object)[(entries(direct, cells.row, cells.col) > 0).astype(int)]
    order = np.lexsort((cells.col, cells.row))
    theme_ids = np.asarray(themes, dtype=object)[cells.col[order]].tolist()
    kinds = how[order].tolist()  # the two strings themselves, not a copy of each per cell
    bounds = np.searchsorted(cells.row[order], np.arange(len(boards) + 1)).tolist()
    return [zip(theme_ids[start:stop], kinds[start:stop]) for start, stop in zip(bounds, bounds[1:])]
