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
    cells = {}
    for board in boards:
        via = set().union(*(facts.remit[i] for i in facts.overseen[board]))
        row = {}
        for theme in themes:
            row[theme] = DIRECT if theme in facts.remit[board] else (
                VIA_INITIATIVE if theme in via else "")
        cells[board] = row
    return {"boards": [{"id": b, "name": facts.name(b)} for b in boards],
            "themes": [{"id": t, "name": facts.name(t)} for t in themes],
            "cells": cells}
