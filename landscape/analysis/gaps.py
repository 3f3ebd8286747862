"""Gaps: work nobody steers, concerns nobody owns, bodies accountable to nobody."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from landscape.analysis.facts import Facts
from landscape.analysis.findings import Finding, finding


def unoverseen_initiatives(facts: Facts) -> Iterator[Finding]:
    """Initiatives no board oversees. Scored by how many organisations are involved in
    them, since more unsteered partners is more room for drift."""
    for initiative in facts.initiatives:
        if not facts.overseers[initiative]:
            involved = facts.involved[initiative]
            who = f" although {facts.listed(involved)} " \
                  f"{'is' if len(involved) == 1 else 'are'} involved" if involved else ""
            yield finding(
                "unoverseen_initiative", (initiative,), 1 + len(involved),
                "high" if not facts.leads[initiative] else "medium",
                f"No board oversees {facts.name(initiative)}{who}.")


def unowned_themes(facts: Facts) -> Iterator[Finding]:
    """Themes no board addresses, directly or through an initiative it oversees.
    Scored by how much work addresses the theme without a board behind it."""
    addresses = facts.relation("addresses")  # board or initiative × theme
    boards = facts.codes_of(facts.boards)
    covered = np.zeros(len(facts), dtype=bool)
    covered[addresses[boards].indices] = True
    covered[(facts.relation("oversees")[boards] @ addresses).indices] = True
    addressed_by, initiatives = facts.sets(("addresses",), by="target"), set(facts.initiatives)
    for theme in facts.themes:
        if not covered[facts.code[theme]]:
            work = [entity for entity in addressed_by[theme] if entity in initiatives]
            detail = (f"; {facts.listed(work)} address{'es' if len(work) == 1 else ''} "
                      "it without board oversight") if work else "; nothing in the landscape addresses it"
            yield finding("unowned_theme", (theme,), 1 + len(work), "high",
                          f"No board takes responsibility for {facts.name(theme)}{detail}.")


def orphan_boards(facts: Facts) -> Iterator[Finding]:
    """Boards that report to nothing and are part of nothing, unless marked `top` (a body
    that reports to no one by design). Scored by membership: a larger unaccountable body
    matters more."""
    for board in facts.boards:
        if not facts.parents[board] and not facts.landscape.entities[board].is_top:
            members = len(facts.members[board])
            yield finding("orphan_board", (board,), 1 + members, "medium",
                          f"{facts.name(board)} reports to no other body and is part of none, "
                          "so its accountability line is not recorded.")


def missing_required_members(facts: Facts) -> Iterator[Finding]:
    """Boards whose required sectors include one that none of its members belongs to."""
    entities = facts.landscape.entities
    for board in facts.boards:
        required = entities[board].required_sectors
        if not required:
            continue
        present = {entities[member].sector for member in facts.members[board]}
        for sector in required:
            if sector not in present:
                yield finding("missing_required_member", (board,), 1.0, "high",
                              f"{facts.name(board)} should include the {sector} sector "
                              "but none of its members is from it.", sector=sector)


def no_lead(facts: Facts) -> Iterator[Finding]:
    """Initiatives that nobody leads."""
    for initiative in facts.initiatives:
        if not facts.leads[initiative]:
            boards = facts.overseers[initiative]
            note = (f" ({facts.listed(boards)} "
                    f"oversee{'s' if len(boards) == 1 else ''} it)") if boards else ""
            yield finding("no_lead", (initiative,), 1.0, "medium",
                          f"Nobody is recorded as leading {facts.name(initiative)}{note}.")
