"""Gaps: work nobody steers, concerns nobody owns, bodies accountable to nobody.

Each gap is an entity lacking a relationship it should have: an initiative no
board `oversees`, a theme no board `addresses` (itself or through an initiative
it oversees), a board that `reports_to` nothing and is `part_of` nothing, a board
without a member from a required sector, an initiative nobody `leads`. Each is
found from the degrees of entity codes in a relation, as arrays; only the
findings reported are written as sentences. For example, initiative "Healthy
Weight" with a lead and no overseer gives one `unoverseen_initiative` finding of
medium severity (high when nobody leads it either).

Hierarchies count: an initiative is overseen and led when an initiative it is `part_of`
is, and a theme is owned when a broader theme it is `part_of` is. Initiatives that are
context (a national strategy, an inspection: see `Entity.is_governed`) are nobody's to
oversee or lead. A gap whose entity lists the aspect it rests on in `not_recorded` is an
unknown, not a finding (see `landscape.analysis.unknowns`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from landscape.analysis.facts import INVOLVING, PARENT, Facts
from landscape.analysis.findings import SEVERITIES, Finding, KindFindings, finding, ranked_findings
from landscape.analysis.unknowns import unknown_of

HIGH, MEDIUM = SEVERITIES.index("high"), SEVERITIES.index("medium")


def unoverseen_initiatives(facts: Facts, limit: int | None = None, naming: np.ndarray | None = None) -> KindFindings:
    """Initiatives no board oversees. Scored by how many organisations are involved in
    them, since more unsteered partners is more room for drift; high when nobody leads them.
    With `naming` (a boolean per entity code), only those it marks."""
    initiatives = governed_initiatives(facts, naming)
    initiatives = initiatives[~facts.overseen_initiatives[initiatives]]
    initiatives, silent = split_silent(facts, initiatives, "oversight")
    partners = facts.degree(*INVOLVING, by="target")[initiatives]
    severity = np.where(facts.inherited(facts.degree("leads", by="target") > 0)[initiatives], MEDIUM, HIGH)

    def write(k: int) -> Finding:
        initiative = facts.ids[initiatives[k]]
        involved = facts.involved[initiative]
        who = f" although {facts.listed(involved)} " \
              f"{'is' if len(involved) == 1 else 'are'} involved" if involved else ""
        return finding("unoverseen_initiative", (initiative,), 1 + len(involved), SEVERITIES[severity[k]],
                       f"No board oversees {facts.name(initiative)}{who}.")

    return ranked_findings(severity, 1 + partners, (initiatives,), write, limit,
                           unknowns(facts, "unoverseen_initiative", silent))


def unowned_themes(facts: Facts, limit: int | None = None, naming: np.ndarray | None = None) -> KindFindings:
    """Themes no board addresses, directly or through an initiative it oversees. Scored by
    how much work addresses the theme without a board behind it. A theme that an initiative
    of unrecorded oversight works on (`Facts.oversight_unknown`) may be owned through it: an
    unknown, which names that initiative.

    >>> from landscape.analysis.facts import gather
    >>> from landscape.model import Entity, Landscape, Relationship
    >>> small = Landscape([Entity("cl", "county lines", "theme"), Entity("p", "Panel", "initiative")],
    ...                   [Relationship("p", "cl", "addresses")])
    >>> [found["explanation"] for found in unowned_themes(gather(small)).findings]
    ['No board takes responsibility for county lines; Panel addresses it without board oversight.']
    """
    addresses = facts.relation("addresses")  # board or initiative × theme
    boards = facts.codes_of_type("board")
    owners = np.union1d(boards, np.flatnonzero(facts.overseen_initiatives))
    covered = np.zeros(len(facts), dtype=bool)
    covered[addresses[owners].indices] = True
    perhaps = np.zeros(len(facts), dtype=bool)
    perhaps[addresses[np.flatnonzero(facts.oversight_unknown)].indices] = True
    themes = only_named(facts.codes_of_type("theme"), naming)
    themes = themes[~facts.inherited(covered)[themes]]
    perhaps_owned = facts.inherited(perhaps)[themes]
    silent, themes = themes[perhaps_owned], themes[~perhaps_owned]
    by_initiatives = addresses[facts.codes_of_type("initiative")]
    initiatives_on = np.bincount(by_initiatives.indices, minlength=len(facts))[themes]
    addressed_by, governed, initiatives = facts.addressed_by, facts.governed, set(facts.initiatives)

    def write(k: int) -> Finding:
        theme = facts.ids[themes[k]]
        on_it = [entity for entity in addressed_by[theme] if entity in initiatives]
        work = [entity for entity in on_it if governed[facts.code[entity]]]
        context = [entity for entity in on_it if not governed[facts.code[entity]]]
        if work:
            detail = f"; {facts.listed(work)} address{'es' if len(work) == 1 else ''} it without board oversight"
            detail += f", and {facts.listed(context)} as national context" if context else ""
        elif context:
            detail = (f"; only {facts.listed(context)} address{'es' if len(context) == 1 else ''} it, "
                      "as national context no board is expected to oversee")
        else:
            detail = "; nothing in the landscape addresses it"
        return finding("unowned_theme", (theme,), 1 + len(on_it), "high",
                       f"No board takes responsibility for {facts.name(theme)}{detail}.")

    unknown = oversight_unknowns(facts, "unowned_theme", silent, [perhaps_through(facts, theme) for theme in silent])
    return ranked_findings(np.full(len(themes), HIGH), 1 + initiatives_on, (themes,), write, limit, unknown)


def perhaps_through(facts: Facts, theme: int) -> list[str]:
    """The initiatives of unrecorded oversight that work on `theme` or a broader theme it is part of."""
    themes = [theme, *facts.ancestors[theme].indices.tolist()]
    working = facts.by_target("addresses")[themes].indices
    return sorted(facts.ids[np.unique(working[facts.oversight_unknown[working]])].tolist())


def orphan_boards(facts: Facts, limit: int | None = None, naming: np.ndarray | None = None) -> KindFindings:
    """Boards that report to nothing and are part of nothing, unless marked `top` (a body
    that reports to no one by design). Scored by membership: a larger unaccountable body
    matters more."""
    boards = only_named(facts.codes_of_type("board"), naming)
    boards = boards[facts.degree(*PARENT, by="source")[boards] == 0]
    entities = facts.landscape.entities
    boards = boards[[not entities[facts.ids[board]].is_top for board in boards.tolist()]]
    boards, silent = split_silent(facts, boards, "reporting")
    members = facts.degree("member_of", by="target")[boards]

    def write(k: int) -> Finding:
        board = facts.ids[boards[k]]
        return finding("orphan_board", (board,), 1 + members[k], "medium",
                       f"{facts.name(board)} reports to no other body and is part of none, "
                       "so its accountability line is not recorded.")

    return ranked_findings(np.full(len(boards), MEDIUM), 1 + members, (boards,), write, limit,
                           unknowns(facts, "orphan_board", silent))


def missing_required_members(facts: Facts, limit: int | None = None, naming: np.ndarray | None = None) -> KindFindings:
    """Boards whose required sectors include one that none of its members belongs to: one
    finding per such sector, boards in id order and each board's sectors in its own order."""
    entities, ids = facts.landscape.entities, facts.ids
    sector_of = np.array([entities[entity_id].sector if entity_id in entities else "" for entity_id in ids.tolist()],
                         dtype=object)
    members_of = facts.by_target("member_of")  # board × member
    boards, sectors = [], []  # each (board, sector it lacks)
    silent: list[dict[str, Any]] = []  # the same, for boards whose members are not recorded
    for board in only_named(facts.codes_of_type("board"), naming).tolist():
        required = entities[ids[board]].required_sectors
        if not required:
            continue
        present = set(sector_of[members_of.indices[members_of.indptr[board]:members_of.indptr[board + 1]]].tolist())
        lacking = [sector for sector in required if sector not in present]
        if not entities[ids[board]].is_recorded("members"):
            silent += [unknown_of({"kind": "missing_required_member", "entities": [ids[board]], "sector": sector},
                                  facts.landscape) for sector in lacking]
            continue
        boards += [board] * len(lacking)
        sectors += lacking

    def write(k: int) -> Finding:
        board, sector = ids[boards[k]], sectors[k]
        return finding("missing_required_member", (board,), 1.0, "high",
                       f"{facts.name(board)} should include the {sector} sector "
                       "but none of its members is from it.", sector=sector)

    # all score the same: they stay in the order found
    return ranked_findings(np.full(len(boards), HIGH), np.ones(len(boards)), (np.arange(len(boards)),), write, limit,
                           silent)


def no_lead(facts: Facts, limit: int | None = None, naming: np.ndarray | None = None) -> KindFindings:
    """Initiatives that nobody leads."""
    initiatives = governed_initiatives(facts, naming)
    initiatives = initiatives[~facts.inherited(facts.degree("leads", by="target") > 0)[initiatives]]
    initiatives, silent = split_silent(facts, initiatives, "lead")

    def write(k: int) -> Finding:
        initiative = facts.ids[initiatives[k]]
        boards = facts.overseers[initiative]
        note = (f" ({facts.listed(boards)} "
                f"oversee{'s' if len(boards) == 1 else ''} it)") if boards else ""
        return finding("no_lead", (initiative,), 1.0, "medium",
                       f"Nobody is recorded as leading {facts.name(initiative)}{note}.")

    return ranked_findings(np.full(len(initiatives), MEDIUM), np.ones(len(initiatives)), (initiatives,), write,
                           limit, unknowns(facts, "no_lead", silent))


def only_named(codes: np.ndarray, naming: np.ndarray | None) -> np.ndarray:
    """The entity codes `naming` marks (all of them without it)."""
    return codes if naming is None else codes[naming[codes]]


def governed_initiatives(facts: Facts, naming: np.ndarray | None) -> np.ndarray:
    """The codes of the initiatives a partnership is expected to oversee and lead (`naming`
    marks those to keep, when given)."""
    initiatives = only_named(facts.codes_of_type("initiative"), naming)
    return initiatives[facts.governed[initiatives]]


def split_silent(facts: Facts, codes: np.ndarray, aspect: str) -> tuple[np.ndarray, np.ndarray]:
    """`codes` split in two: those whose `aspect` the sources cover (gaps), and those listing it
    in `not_recorded` (unknowns)."""
    silent = facts.silent(aspect)[codes]
    return codes[~silent], codes[silent]


def oversight_unknowns(facts: Facts, kind: str, codes: np.ndarray, about: list[list[str]]) -> list[dict[str, Any]]:
    """The unknowns of `kind`, one per entity code, each naming the initiatives whose unrecorded
    oversight it rests on."""
    return [unknown_of({"kind": kind, "entities": [entity_id]}, facts.landscape, about=initiatives)
            for entity_id, initiatives in zip(facts.ids[codes].tolist(), about)]


def unknowns(facts: Facts, kind: str, codes: np.ndarray) -> list[dict[str, Any]]:
    """The unknowns of `kind`, one per entity code, in id order."""
    return [unknown_of({"kind": kind, "entities": [entity_id]}, facts.landscape)
            for entity_id in facts.ids[codes].tolist()]

