"""Validation: a dataset is accepted whole or refused with every problem listed.

Each problem is located as `file:line: column: what is wrong`. Checks: required
columns, known types, unique ids, references that resolve, relationship types
allowed between their endpoints' types, real dates with `end` not before
`start`, membership roles, and no cycle of `reports_to` or `part_of`; and (in
landscape.io.evidence) the sources table, citations, evidence levels, `not_recorded`
aspects and initiative kinds.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date
from itertools import repeat
from pathlib import Path

import numpy as np

from landscape.cells import NOT_IN_XML
from landscape.errors import DatasetError, Problem, Problems, is_invisible, shown, suggestion, with_article
from landscape.find import CONTAINS, did_you_mean, find, match_rank
from landscape.io import evidence, hints
from landscape.io.reader import NO_VALUE_MESSAGE, Table, dataset_title, read_tables
from landscape.model import (
    EDGE_ENDPOINTS,
    EDGE_TYPES,
    MEMBER_ROLES,
    NO_DATE,
    NODE_TYPES,
    TYPE_LABELS,
    Columns,
    Entity,
    Landscape,
    Relationship,
    cycle_collection_paused,
    day_numbers,
    parse_date,
    split_list,
)

REQUIRED = {"entities": ("id", "name", "type"), "relationships": ("source", "target", "type")}
ENTITY_FIELDS = {"id", "name", "type", "start", "end", "source"}
RELATIONSHIP_FIELDS = {"source", "target", "type", "start", "end", "source_doc", "role"}
TRUE_FALSE = {"", "true", "false", "yes", "no", "y", "n", "1", "0"}


def load_dataset(path: str | Path) -> Landscape:
    """Read and validate the dataset at `path`; raise DatasetError listing every problem."""
    with cycle_collection_paused():
        tables = read_tables(path)
        name = Path(path).stem if Path(path).suffix else Path(path).resolve().name
        landscape = build_landscape(tables["entities"], tables["relationships"], name, tables.get("sources"))
        landscape.title = dataset_title(path)
        return landscape


def build_landscape(entities: Table, relationships: Table, name: str, sources: Table | None = None) -> Landscape:
    """The landscape of these tables (and sources table, if any), or DatasetError with every problem."""
    problems = Problems(entities.problems)
    problems += relationships.problems
    for table, key in ((entities, "entities"), (relationships, "relationships")):
        for column in REQUIRED[key]:
            if table.header and column not in table.header:
                problems.append(Problem(table.where, 1, column, "required column is missing"))
    if sources is not None:
        problems += sources.problems + evidence.source_header_problems(sources)
    tables = [entities, relationships] + ([sources] if sources is not None else [])
    if any(p.line <= 1 for p in problems):
        refuse(problems, tables)  # rows cannot be read against a broken header

    problems += not_in_xml(entities) + not_in_xml(relationships)
    if not entities.rows and not problems:
        problems.append(Problem(entities.where, 1, "-", "no entities: the file has a header but no rows"))
    source_table = evidence.read_sources(sources, problems) if sources is not None else []
    # With a sources table, a citation that starts with one word must name one of its sources. A
    # table with no rows (the template's sheet, left empty) is no table: citations stay words.
    source_ids = {source.id for source in source_table} if sources is not None and sources.lines else None
    evidence.check_entities(entities, source_ids, problems)
    evidence.check_relationships(relationships, source_ids, problems)
    nodes, lines = read_entities(entities, problems)
    problems += look_alikes(entities, lines)
    known = LookAlikes(lines, nodes)
    edges, columns = read_relationships(relationships, nodes, problems, known)
    addressed = theme_edges(entities, nodes, lines, problems)
    problems += cycles(relationships, edges + addressed)
    problems += unknown_sectors(entities)
    if problems:
        refuse(problems, tables)
    themes = [edge for edge, _ in addressed]
    # with no problem every row made a relationship, in order: the rows' columns are theirs
    assert len(edges) == len(relationships.lines)
    return Landscape(nodes.values(), [edge for edge, _ in edges] + themes, name, columns.extended(themes),
                     source_table)


def refuse(problems: Problems, tables: list[Table]) -> None:
    """Raise DatasetError with the problems, a workbook's naming their cell, and a CSV file that
    looks re-saved by Excel said so once, before its problems."""
    headers = {table.where: table.header for table in tables if table.in_workbook}
    located = Problems(hints.with_cells(without_knock_ons(problems), headers))
    located.more = problems.more
    for table in tables:
        resaved = None if table.in_workbook else hints.excel_resaved(table.where, table.columns)
        if resaved is not None:
            located.append(resaved)
    raise DatasetError(located)


def without_knock_ons(problems: list[Problem]) -> list[Problem]:
    """The problems but those a formula with no value causes in its own cell (it reads as empty):
    one mistake, one message."""
    formulas = {(p.where, p.line, p.column) for p in problems if p.message == NO_VALUE_MESSAGE}
    if not formulas:
        return problems
    return [p for p in problems if p.message == NO_VALUE_MESSAGE or (p.where, p.line, p.column) not in formulas]


def not_in_xml(table: Table) -> list[Problem]:
    """Values (and headers) holding a character XML cannot hold, such as a vertical tab pasted
    from a word processor: the GraphML, GEXF and Word exports could not carry them. One search
    of each whole column; lines are looked for only where it finds one."""
    problems = []
    columns = [(1, "-", table.header)] + [(0, name, values) for name, values in table.columns.items()]
    for line, column, values in columns:
        if not NOT_IN_XML.search("\n".join(values)):
            continue
        for number, value in enumerate(values):
            found = NOT_IN_XML.search(value)
            if found:
                what = repr(value) if len(value) <= 40 else "the value"
                problems.append(Problem(table.where, line or table.lines[number], column, (
                    f"{what} holds the control character U+{ord(found.group()):04X} at position "
                    f"{found.start() + 1}, which XML exports (GraphML, GEXF, Word) cannot hold: delete it")))
    return problems


def read_entities(table: Table, problems: list[Problem]) -> tuple[dict[str, Entity], dict[str, int]]:
    nodes: dict[str, Entity] = {}
    lines: dict[str, int] = {}
    extra = [column for column in table.header if column and column not in ENTITY_FIELDS]
    for line, row in table.rows:
        found = Found(table.where, line, problems)
        entity_id, node_type = row["id"], row["type"]
        if not entity_id:
            found("id", "id is empty")
        elif entity_id in lines:
            found("id", f"duplicate id {shown(entity_id)} (first at line {lines[entity_id]})")
        if not row["name"]:
            found("name", "name is empty")
        if node_type not in NODE_TYPES:
            found("type", f"unknown entity type {shown(node_type)} (expected one of "
                          f"{', '.join(NODE_TYPES)}){suggestion(node_type, NODE_TYPES)}")
        if row.get("top", "").lower() not in TRUE_FALSE:
            found("top", f"{shown(row['top'])} is not true or false")
        start, end = row.get("start", ""), row.get("end", "")
        if start or end:
            check_dates(row, found)
        if entity_id and entity_id not in lines:
            lines[entity_id] = line
            nodes[entity_id] = Entity(entity_id, row["name"], node_type, start, end,
                                      row.get("source", ""), {key: row[key] for key in extra})
    return nodes, lines


INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))


def look_alikes(table: Table, lines: dict[str, int]) -> list[Problem]:
    """Ids that differ only in Unicode form (é typed as one character or as e + accent) or in
    invisible characters look identical in a spreadsheet: almost certainly the same entity twice."""
    problems = []
    first: dict[str, str] = {}
    for entity_id, line in lines.items():
        other = first.setdefault(visible_key(entity_id), entity_id)
        if other != entity_id:
            problems.append(Problem(table.where, line, "id", f"id {ascii(entity_id)} looks the same as "
                                    f"{ascii(other)} at line {lines[other]} (they differ only in Unicode "
                                    "form or invisible characters): likely a duplicate"))
    return problems


def visible_key(text: str) -> str:
    """The text as it looks: in one Unicode form, without invisible characters."""
    return text if text.isascii() and text.isprintable() else (
        "".join(character for character in unicodedata.normalize("NFKC", text).translate(INVISIBLE)
                if not is_invisible(character)).strip())


SUGGESTED_REFERENCES = 100  # unknown references that get a "did you mean"


class LookAlikes:
    """Ids by how they look, to say which id an unknown reference was likely meant to be; made
    when first asked (only a dataset with unknown references needs it)."""

    def __init__(self, lines: dict[str, int], nodes: dict[str, Entity] | None = None) -> None:
        self.lines = lines
        self.ids: dict[str, str] | None = None
        self.nodes = nodes or {}  # the entities, to say which one an unknown reference meant
        self.known: Landscape | None = None
        self.suggested = 0

    def note(self, reference: str) -> str:
        """` (the entity at line N is 'x')` when an id looks the same as `reference`, else ``."""
        if self.ids is None:
            self.ids = {}
            for entity_id in self.lines:
                self.ids.setdefault(visible_key(entity_id), entity_id)
        other = self.ids.get(visible_key(reference))
        if other is None or other == reference:
            return ""
        return f" (the entity at line {self.lines[other]} is {shown(other)})"

    def meant(self, reference: str) -> str:
        """'; did you mean ...?' naming the entities whose id, alias or name `reference` is or is
        close to (ranked as `landscape.find` ranks them), or ''."""
        # Each suggestion searches every id, name and alias: a file of thousands of unknown ids
        # (the wrong file, most likely) gets them for its first few only.
        self.suggested += 1
        if self.suggested > SUGGESTED_REFERENCES:
            return ""
        if self.known is None:
            self.known = Landscape(self.nodes.values(), [])
        known = self.known
        exact = [entity for entity in find(known, reference)
                 if (match_rank(entity, reference) or CONTAINS) < CONTAINS]
        if exact:
            return "; did you mean " + ", ".join(f"{entity.id} ({entity.name})" for entity in exact[:3]) + "?"
        return did_you_mean(known, reference)


def with_label(node_type: str) -> str:
    """A type as people read it, after 'a' or 'an': an agency, a VCS organisation."""
    return with_article(TYPE_LABELS.get(node_type, (node_type,))[0])


def unknown_sectors(table: Table) -> list[Problem]:
    """A sector (or required sector) that is in neither the known list nor used on another row,
    and close to one that is, is a typo: say which was meant. Other new sectors are welcome."""
    from landscape.io.template import SECTORS  # the known list the template offers

    cells = [(line, column, sector) for column in ("sector", "required_sectors")
             for line, text in zip(table.lines, table.column(column)) if text for sector in split_list(text)]
    uses = Counter(sector for _, _, sector in cells)
    known = set(SECTORS) | {sector for sector, count in uses.items() if count > 1}
    if known >= uses.keys():
        return []  # nearly always: every sector is known or used more than once
    problems = []
    for line, column, sector in cells:
        if sector not in known:
            hint = suggestion(sector, sorted(known - {sector}), cutoff=0.75)
            if hint:
                problems.append(Problem(table.where, line, column, f"unknown sector {shown(sector)} "
                                        f"(used nowhere else){hint}"))
    return problems


class Found:
    """Records problems found on one line of a table."""

    __slots__ = ("where", "line", "problems")

    def __init__(self, where: str, line: int, problems: list[Problem]) -> None:
        self.where, self.line, self.problems = where, line, problems

    def __call__(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.where, self.line, column, message))


def read_relationships(table: Table, nodes: dict[str, Entity], problems: list[Problem],
                       alike: LookAlikes | None = None) -> tuple[list[tuple[Relationship, int]], Columns]:
    """Check every relationship and make the good ones; and the table's rows as `Columns` (the
    relationships' columns when every row is good). Column by column, as arrays, rows are first
    sorted into those that pass every check at a glance (nearly all) and the rest, which are
    checked one by one to say what is wrong with them, in line order."""
    edges: list[tuple[Relationship, int]] = []
    extra = [column for column in table.header if column and column not in RELATIONSHIP_FIELDS]
    types = {entity_id: entity.type for entity_id, entity in nodes.items()}
    lines = table.lines
    source, target, edge_type, role, start, end, source_doc = (
        table.column(name) for name in ("source", "target", "type", "role", "start", "end", "source_doc"))
    columns = coded(table, nodes)
    # the quick tests (`check_relationship` and `check_dates` say what is wrong)
    good_ends = good_endpoints(columns, nodes, role)
    clean = (good_ends & (columns.starts != NO_DATE) & (columns.ends != NO_DATE)
             & (columns.ends >= columns.starts)).tolist()
    repeated = repeats(columns, [source, target, edge_type, role, start, end], lines)
    for number in repeated:
        clean[number] = False
    extras = zip(*(table.columns[column] for column in extra)) if extra else repeat(())
    rows = zip(lines, clean, extras, source, target, edge_type, start, end, source_doc, role)
    for number, (line, ok, values, s, t, kind, a, b, doc, r) in enumerate(rows):
        if ok:
            edges.append((Relationship(s, t, kind, a, b, doc, r, dict(zip(extra, values))), line))
            continue
        row = {name: column[number] for name, column in table.columns.items()}
        found = Found(table.where, line, problems)
        ok = bool(good_ends[number]) or check_relationship(row, types, found, alike or LookAlikes({}))
        if row.get("start") or row.get("end"):
            ok = check_dates(row, found) and ok
        if number in repeated:
            found("-", f"repeats the relationship at line {repeated[number]}")
            ok = False
        if ok:
            edges.append((Relationship(row["source"], row["target"], row["type"], row.get("start", ""),
                                       row.get("end", ""), row.get("source_doc", ""), row.get("role", ""),
                                       {key: row[key] for key in extra}), line))
    return edges, columns


NODE_TYPE_CODES = {node_type: number for number, node_type in enumerate(NODE_TYPES)}
EDGE_TYPE_CODES = {edge_type: number for number, edge_type in enumerate(EDGE_TYPES)}


def allowed_ends() -> np.ndarray:
    """`EDGE_ENDPOINTS` as a lookup array: [type, source's type, target's type] is whether the
    relationship is allowed. The last place on each axis stands for an unknown type or id
    (coded -1), and allows nothing."""
    allowed = np.zeros((len(EDGE_TYPES) + 1, len(NODE_TYPES) + 1, len(NODE_TYPES) + 1), dtype=bool)
    for kind, pairs in EDGE_ENDPOINTS.items():
        for source_type, target_type in pairs:
            allowed[EDGE_TYPE_CODES[kind], NODE_TYPE_CODES[source_type], NODE_TYPE_CODES[target_type]] = True
    return allowed


ALLOWED_ENDS = allowed_ends()


def coded(table: Table, nodes: dict[str, Entity]) -> Columns:
    """A relationships table as `Columns` among the entities (an unknown id or type is coded -1)."""
    ids = sorted(nodes)
    code = {entity_id: number for number, entity_id in enumerate(ids)}
    return Columns(np.array(ids, dtype=object), codes(table.column("source"), code),
                   codes(table.column("target"), code), codes(table.column("type"), EDGE_TYPE_CODES),
                   day_numbers(table.column("start")), day_numbers(table.column("end"), end=True))


def codes(texts: list[str], numbered: dict[str, int]) -> np.ndarray:
    """Each text's number in `numbered`, or -1."""
    return np.fromiter(map(numbered.get, texts, repeat(-1)), dtype=np.int64, count=len(texts))


def good_endpoints(columns: Columns, nodes: dict[str, Entity], role: list[str]) -> np.ndarray:
    """Whether each row passes `check_relationship`: known ends, of types its type allows, not
    the same, and a known role if a membership's role is given."""
    node_types = np.array([NODE_TYPE_CODES.get(nodes[entity_id].type, -1) for entity_id in columns.ids.tolist()]
                          + [-1], dtype=np.int64)  # an unknown id (code -1) takes the last place
    good_role = {text: not text or text in MEMBER_ROLES for text in set(role)}
    return (ALLOWED_ENDS[columns.types, node_types[columns.sources], node_types[columns.targets]]
            & (columns.sources != columns.targets)
            & (np.array([good_role[text] for text in role], dtype=bool)
               | (columns.types != EDGE_TYPE_CODES["member_of"])))


def repeats(columns: Columns, texts: list[list[str]], lines: list[int]) -> dict[int, int]:
    """For each row (by number) that repeats an earlier row in `texts` (its columns), the
    earlier one's line. A repeat has the same ends and type, so most tables are cleared at a
    glance by their codes (unknown ids are all coded -1: texts tell those rows apart)."""
    width = len(columns.ids) + 1
    keys = ((columns.sources + 1) * width + columns.targets + 1) * (len(EDGE_TYPES) + 1) + columns.types + 1
    keys.sort()
    if not (keys[1:] == keys[:-1]).any():
        return {}
    first: dict[tuple[str, ...], int] = {}
    found = {}
    for number, key in enumerate(zip(*texts)):
        if key in first:
            found[number] = first[key]
        else:
            first[key] = lines[number]
    return found


def check_relationship(row: dict[str, str], types: dict[str, str], found: Found, alike: LookAlikes) -> bool:
    """Check a relationship's endpoints, type and role; whether it may be kept."""
    source, target, edge_type, role = row["source"], row["target"], row["type"], row.get("role", "")
    ok = True
    for column, ref in (("source", source), ("target", target)):
        if not ref:
            found(column, f"{column} is empty")
            ok = False
        elif ref not in types:
            found(column, f"unknown entity {shown(ref)}{alike.note(ref) or alike.meant(ref)}")
            ok = False
    if edge_type not in EDGE_ENDPOINTS:
        found("type", f"unknown relationship type {shown(edge_type)} (expected one of "
                      f"{', '.join(EDGE_ENDPOINTS)}){suggestion(edge_type, EDGE_ENDPOINTS)}")
        ok = False
    elif ok and not {types[source], types[target]} <= set(NODE_TYPES):
        ok = False  # an end of unknown type: its own row says so, once
    elif ok:
        pair = (types[source], types[target])
        if pair not in EDGE_ENDPOINTS[edge_type]:
            allowed = ", ".join(f"{a} → {b}" for a, b in sorted(EDGE_ENDPOINTS[edge_type]))
            found("type", f"{edge_type} cannot go from {with_label(pair[0])} to {with_label(pair[1])} "
                          f"(allowed: {allowed})")
            ok = False
    if ok and source == target:
        found("target", f"{shown(source)} cannot have a {edge_type} relationship with itself")
        ok = False
    if role and edge_type == "member_of" and role not in MEMBER_ROLES:
        found("role", f"unknown role {shown(role)} (expected one of {', '.join(MEMBER_ROLES)})"
                      f"{suggestion(role, MEMBER_ROLES)}")
    return ok


def theme_edges(table: Table, nodes: dict[str, Entity], lines: dict[str, int],
                problems: list[Problem]) -> list[tuple[Relationship, int]]:
    """Expand the `themes` column into `addresses` relationships."""
    edges = []
    alike = LookAlikes(lines, nodes)
    for entity_id, entity in nodes.items():
        if not entity.attrs.get("themes"):
            continue
        line = lines[entity_id]
        for theme in split_list(entity.get("themes")):
            if theme not in nodes:
                problems.append(Problem(table.where, line, "themes",
                                        f"unknown theme {shown(theme)}{alike.note(theme) or alike.meant(theme)}"))
            elif nodes[theme].type not in NODE_TYPES or entity.type not in NODE_TYPES:
                continue  # an unknown type: its own row says so, once
            elif nodes[theme].type != "theme":
                problems.append(Problem(table.where, line, "themes",
                                        f"{shown(theme)} is {with_label(nodes[theme].type)}, not a theme"))
            elif entity.type not in ("board", "initiative"):
                problems.append(Problem(table.where, line, "themes",
                                        f"{with_label(entity.type)} cannot address themes "
                                        "(only boards and initiatives)"))
            else:
                edges.append((Relationship(entity_id, theme, "addresses", entity.start,
                                           entity.end, entity.source), line))
    return edges


@functools.lru_cache(maxsize=4096)
def cached_date(text: str, end: bool) -> date | str:
    """`parse_date`, remembered: a national dataset repeats a few thousand dates a million times.
    Gives the error message instead of raising, so failures are cached too."""
    try:
        return parse_date(text, end=end)
    except ValueError as error:
        return hints.date_problem(text, error)


def check_dates(row: dict[str, str], problem: Callable[[str, str], None]) -> bool:
    """Check `start` and `end` are real dates and `end` is not before `start`."""
    parsed = {}
    for column in ("start", "end"):
        text = row.get(column, "")
        if text:
            value = cached_date(text, column == "end")
            if isinstance(value, str):
                problem(column, value)
            else:
                parsed[column] = value
    if len(parsed) == 2 and parsed["end"] < parsed["start"]:
        problem("end", f"end {row['end']} is before start {row['start']}")
    return len(parsed) == bool(row.get("start")) + bool(row.get("end"))


def cycles(table: Table, edges: list[tuple[Relationship, int]]) -> list[Problem]:
    """A body cannot, through a chain of `reports_to` (or `part_of`), report to itself. Whether a
    chain loops is asked of igraph, which the analysis loads anyway; networkx, which would add a
    fifth of a second to every command, is loaded only to name the loops."""
    problems = []
    for edge_type in ("reports_to", "part_of"):
        chain = [(edge, line) for edge, line in edges if edge.type == edge_type]
        if not loops([(edge.source, edge.target) for edge, _ in chain]):
            continue
        import networkx as nx

        graph = nx.DiGraph()
        for edge, line in chain:
            graph.add_edge(edge.source, edge.target, line=line)
        for component in nx.strongly_connected_components(graph):
            if len(component) < 2:
                continue
            # start from the component's first body in line order: a set's order depends on
            # the hash seed, and the cycle named must not
            first = next(node for node in graph if node in component)
            cycle = nx.find_cycle(graph.subgraph(component), source=first)
            line = min(graph.edges[u, v]["line"] for u, v in cycle)
            path = " → ".join([cycle[0][0]] + [v for _, v in cycle])
            problems.append(Problem(table.where, line, "target", f"{edge_type} cycle: {path}"))
    return problems


def loops(pairs: list[tuple[str, str]]) -> bool:
    """Whether the directed lines `pairs` (from, to) hold a loop longer than one line (a line
    from a body to itself is not one: another check names it).

    >>> loops([("a", "b"), ("b", "c"), ("c", "a")]), loops([("a", "b"), ("a", "c"), ("b", "b")])
    (True, False)
    """
    import igraph as ig

    numbers: dict[str, int] = {}
    lines = [(numbers.setdefault(a, len(numbers)), numbers.setdefault(b, len(numbers))) for a, b in pairs if a != b]
    return not ig.Graph(n=len(numbers), edges=lines, directed=True).is_dag()

