"""The board × theme coverage matrix: which board takes on which concern, and how."""

from __future__ import annotations

from typing import Any

from landscape.analysis.facts import Facts

DIRECT, VIA_INITIATIVE = "direct", "via initiative"


def coverage(facts: Facts) -> dict[str, Any]:
    """For each board and theme: `direct` when the board addresses the theme,
    `via initiative` when only an initiative it oversees does, else empty.
    Themes nobody covers stay as columns, so gaps show as empty columns."""
    boards = sorted(facts.boards, key=facts.name)
    themes = sorted(facts.themes, key=facts.name)
    cells = {board: coverage_row(facts, board, themes) for board in boards}
    return {"boards": [{"id": b, "name": facts.name(b)} for b in boards],
            "themes": [{"id": t, "name": facts.name(t)} for t in themes],
            "cells": cells}


def coverage_row(facts: Facts, board: str, themes: list[str]) -> dict[str, str]:
    """One board's row: every theme, empty unless the board covers it (a board covers a few
    themes, so only those are looked at)."""
    row = dict.fromkeys(themes, "")
    for initiative in facts.overseen[board]:
        row.update((theme, VIA_INITIATIVE) for theme in facts.remit[initiative] if theme in row)
    row.update((theme, DIRECT) for theme in facts.remit[board] if theme in row)
    return row
