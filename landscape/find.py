"""Finding entities by the names people use: ids, aliases (ASOB, LASOB) and names.

People type what they know: an abbreviation, part of a name, an id with the wrong case.
`find` ranks every entity a query could mean; `resolve` picks the one it must mean or says
what it might have meant.

>>> from landscape.model import Entity, Landscape
>>> board = Entity("lasob", "London Adolescent Safeguarding Oversight Board", "board",
...                attrs={"aliases": "ASOB;LASOB"})
>>> london = Landscape([board], [])
>>> resolve(london, "LASOB").id
'lasob'
"""

from __future__ import annotations

import difflib
import unicodedata

from landscape.errors import LandscapeError
from landscape.model import Entity, Landscape

# How well a query matches, best first: the rank of each kind of match.
EXACT_ID, EXACT_ALIAS, EXACT_NAME, FOLDED_ID, CONTAINS = range(5)


def folded(text: str) -> str:
    """`text` for comparison: case, accents and runs of spaces ignored."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.casefold().split())


def match_rank(entity: Entity, query: str) -> int | None:
    """How well `query` names `entity` (a rank above, lower is better), or None."""
    if query == entity.id:
        return EXACT_ID
    wanted = folded(query)
    if not wanted:
        return None
    if any(folded(alias) == wanted for alias in entity.aliases):
        return EXACT_ALIAS
    if folded(entity.name) == wanted:
        return EXACT_NAME
    if folded(entity.id) == wanted:
        return FOLDED_ID
    if any(wanted in folded(text) for text in (entity.name, entity.id, *entity.aliases)):
        return CONTAINS
    return None


def find(landscape: Landscape, query: str) -> list[Entity]:
    """The entities `query` may mean, best first: exact id, exact alias, exact name, the id in
    another case, then those whose name, id or alias contains it (ties by name, then id)."""
    ranked = []
    for entity in landscape.entities.values():
        rank = match_rank(entity, query)
        if rank is not None:
            ranked.append((rank, entity.name.casefold(), entity.id, entity))
    return [entry[-1] for entry in sorted(ranked, key=lambda entry: entry[:3])]


def resolve(landscape: Landscape, query: str, *, what: str = "entity") -> Entity:
    """The one entity `query` means. An exact id, alias or name wins; otherwise a single
    entity containing the query; otherwise LandscapeError naming the likeliest candidates."""
    matches = find(landscape, query)
    if matches:
        best = match_rank(matches[0], query)
        if best is not None and best < CONTAINS or len(matches) == 1:
            return matches[0]
        listed = "; ".join(f"{entity.id} ({entity.name})" for entity in matches[:5])
        more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
        raise LandscapeError(f"{query!r} could mean several: {listed}{more}; give the id")
    raise LandscapeError(f"no {what} {query!r}{did_you_mean(landscape, query)}")


def did_you_mean(landscape: Landscape, query: str) -> str:
    """'; did you mean ...?' naming the ids whose id, name or alias is close to `query`, or ''."""
    by_text: dict[str, str] = {}
    for entity in landscape.entities.values():
        for text in (entity.id, entity.name, *entity.aliases):
            by_text.setdefault(folded(text), entity.id)
    close = difflib.get_close_matches(folded(query), list(by_text), n=3, cutoff=0.6)
    ids = list(dict.fromkeys(by_text[text] for text in close))
    if not ids:
        return ""
    return "; did you mean " + ", ".join(f"{i} ({landscape.name_of(i)})" for i in ids) + "?"
