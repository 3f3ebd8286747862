"""Synthetic landscapes of any size, shaped like real ones, for benchmarks and load tests.

Boards form reporting trees (each reports to an earlier board, so no cycles)
and are grouped into areas of about `AREA_BOARDS` boards, as England's
safeguarding partnerships are. Most memberships are local: within an area a few
organisations (the council, the police, health) sit on most boards, the rest on
one or two. A tenth are national bodies sitting on boards anywhere, evenly, so no
organisation sits on every board in the country. Initiatives are overseen, led, delivered and funded, and boards and
initiatives address a small set of themes. About a fifth of all facts carry dates.
The same seed always gives the same landscape.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from landscape.model import INITIATIVE_KINDS, MEMBER_ROLES, Entity, Landscape, Relationship, Source

SHARES = {"board": 0.10, "agency": 0.15, "vcs": 0.15, "initiative": 0.25, "person": 0.33, "theme": 0.02}
SECTORS = ("local-government", "police", "health", "justice", "central-government", "mayoral",
           "education", "vcs", "research")
LEVELS = ("national", "regional", "sub-regional", "local")
AREA_BOARDS = 60  # boards per area (a local partnership and its sub-groups)
NATIONAL_SHARE = 0.1  # the share of memberships held by national bodies
# How the relationships are shared out among the types (the rest are memberships).
EDGE_SHARES = {"reports_to": 0.04, "part_of": 0.02, "oversees": 0.08, "leads": 0.06, "delivers": 0.08,
               "funds": 0.04, "supports": 0.02, "communicates_with": 0.02, "addresses": 0.14}


def generate(entities: int, relationships: int | None = None, seed: int = 1) -> Landscape:
    """A landscape of about `entities` entities and `relationships` relationships (default 10 each)."""
    rng = random.Random(seed)
    relationships = 10 * entities if relationships is None else relationships
    counts = {t: max(2, int(entities * share)) for t, share in SHARES.items()}
    ids = {t: [f"{t[0]}{n}" for n in range(count)] for t, count in counts.items()}
    nodes = [entity(rng, t, i, n) for t, group in ids.items() for n, i in enumerate(group)]
    edges = list(edges_for(rng, ids, relationships))
    return Landscape(nodes, edges, f"synthetic-{entities}")


def dates(rng: random.Random) -> tuple[str, str]:
    if rng.random() > 0.2:
        return "", ""
    start = rng.randint(2005, 2024)
    end = f"{rng.randint(start, 2030)}-{rng.randint(1, 12):02d}" if rng.random() < 0.3 else ""
    return str(start), end


def entity(rng: random.Random, node_type: str, entity_id: str, number: int) -> Entity:
    start, end = dates(rng)
    attrs = {"sector": rng.choice(SECTORS), "level": rng.choice(LEVELS)} if node_type != "theme" else {}
    if node_type == "board" and number % 5 == 0:
        attrs["required_sectors"] = ";".join(rng.sample(SECTORS[:4], 2))
    if node_type == "board" and number < 3:
        attrs["top"] = "true"
    return Entity(entity_id, f"{node_type.title()} {number}", node_type, start, end,
                  f"Synthetic register, section {number % 50}", attrs)


def skewed(rng: random.Random, group: list[str]) -> str:
    """Pick from `group` with a long tail: low numbers are chosen far more often."""
    return group[min(int(rng.paretovariate(1.2)) - 1, len(group) - 1)] if rng.random() < 0.3 \
        else rng.choice(group)


def membership(rng: random.Random, members: list[str], boards: list[str]) -> tuple[str, str]:
    """A (member, board) pair: a national body on any board, or a local one on a board of its area."""
    national = max(1, len(members) // 100)
    if rng.random() < NATIONAL_SHARE:
        return rng.choice(members[:national]), rng.choice(boards)
    areas = max(1, len(boards) // AREA_BOARDS)
    area = rng.randrange(areas)
    local = members[national + area::areas] or members
    return skewed(rng, local), rng.choice(boards[area::areas])


def edges_for(rng: random.Random, ids: dict[str, list[str]], total: int) -> Iterator[Relationship]:
    boards, initiatives, themes = ids["board"], ids["initiative"], ids["theme"]
    organisations = ids["agency"] + ids["vcs"]
    members = ids["person"] + organisations
    plan = {t: int(total * share) for t, share in EDGE_SHARES.items()}
    plan["member_of"] = total - sum(plan.values())
    seen: set[tuple[str, str, str]] = set()

    def edge(source: str, target: str, edge_type: str, role: str = "") -> Iterator[Relationship]:
        if source != target and (source, target, edge_type) not in seen:
            seen.add((source, target, edge_type))
            start, end = dates(rng)
            yield Relationship(source, target, edge_type, start, end, "Synthetic register", role)

    def lower_board() -> tuple[str, str]:
        """A board and one with a lower number: chains of these can never form a cycle."""
        number = rng.randrange(1, len(boards))
        return boards[number], boards[rng.randrange(number)]

    for n, board in enumerate(boards[3:], 3):  # the first three are top boards
        yield from edge(board, boards[rng.randrange(n)], "reports_to")
    makers = {
        "part_of": lower_board,
        "oversees": lambda: (rng.choice(boards), rng.choice(initiatives)),
        "leads": lambda: (rng.choice(organisations), rng.choice(initiatives)),
        "delivers": lambda: (rng.choice(organisations), rng.choice(initiatives)),
        "funds": lambda: (rng.choice(ids["agency"]), rng.choice(initiatives)),
        "supports": lambda: (rng.choice(ids["agency"]), rng.choice(boards)),
        "communicates_with": lambda: (rng.choice(boards), rng.choice(boards)),
        "addresses": lambda: (rng.choice(boards + initiatives), skewed(rng, themes)),
        "member_of": lambda: membership(rng, members, boards),
    }
    for edge_type, count in plan.items():
        if edge_type == "reports_to":
            continue
        made = attempts = 0
        while made < count and attempts < 3 * count:  # repeats are skipped, so try again
            attempts += 1
            source, target = makers[edge_type]()
            role = rng.choice(MEMBER_ROLES) if edge_type == "member_of" and rng.random() < 0.1 else ""
            for relationship in edge(source, target, edge_type, role):
                made += 1
                yield relationship





SOURCE_COUNT = 40  # documents in a synthetic sources table


def with_evidence(landscape: Landscape, seed: int = 1) -> Landscape:
    """`landscape` with what is known and how well, as a real dataset records it: a sources table
    of dated documents that every fact cites by id and section, a tenth of the facts inferred and
    a twentieth proposed, initiatives of every kind, and a tenth of the boards and initiatives with
    aspects not recorded. For benchmarks of the evidence a finding rests on; the landscape given
    is left as it is (its facts are copied)."""
    rng = random.Random(seed)
    sources = [Source(f"src-{n}", f"Synthetic report {n}", f"{2005 + n % 20}" + ("-06" if n % 3 else ""))
               for n in range(SOURCE_COUNT)]

    def cited() -> str:
        return f"src-{rng.randrange(SOURCE_COUNT)}, section {rng.randrange(50)}"

    def evidence() -> dict[str, str]:
        draw = rng.random()
        return {"evidence": "proposed"} if draw < 0.05 else {"evidence": "inferred"} if draw < 0.15 else {}

    def known(entity: Entity) -> Entity:
        attrs = {**entity.attrs, **evidence()}
        if entity.type == "initiative":
            attrs["kind"] = rng.choice(INITIATIVE_KINDS)
        aspects = {"board": ("reporting", "members", "links"), "initiative": ("oversight", "lead")}.get(entity.type)
        if aspects and rng.random() < 0.1:
            attrs["not_recorded"] = rng.choice(aspects)
        return Entity(entity.id, entity.name, entity.type, entity.start, entity.end, cited(), attrs)

    entities = [known(entity) for entity in landscape.entities.values()]
    relationships = [Relationship(edge.source, edge.target, edge.type, edge.start, edge.end, cited(), edge.role,
                                  {**edge.attrs, **evidence()}) for edge in landscape.relationships]
    return Landscape(entities, relationships, landscape.name, source_table=sources)
