"""Validation of what a dataset says about how well it is known.

The sources table (`sources.csv`, or a `sources` sheet): every source has a unique one-word
id, a title and a real (possibly partial) ISO 8601 date or none. Entities and relationships:
`evidence` is one of EVIDENCE_LEVELS, an entity's `not_recorded` lists only ASPECTS, an
initiative's `kind` is one of INITIATIVE_KINDS (and only initiatives have one), and when the
dataset has a sources table every citation that starts with one word names a source in it.

Columns are checked a distinct value at a time (a national landscape repeats a few thousand
values a million times), and each problem is located as ever: `file:line: column: what`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from landscape.errors import Problem, suggestion
from landscape.io.hints import date_problem
from landscape.io.reader import Table
from landscape.model import (
    ASPECTS,
    EVIDENCE_LEVELS,
    INITIATIVE_KINDS,
    Source,
    citation_parts,
    is_source_id,
    parse_date,
    split_list,
)

SOURCE_REQUIRED = ("id", "title", "date")
SOURCE_FIELDS = frozenset(("id", "title", "date", "url", "publisher"))


def source_header_problems(table: Table) -> list[Problem]:
    """The sources table's missing required columns (its rows cannot be read without them)."""
    return [Problem(table.where, 1, column, "required column is missing")
            for column in SOURCE_REQUIRED if table.header and column not in table.header]


def read_sources(table: Table, problems: list[Problem]) -> list[Source]:
    """The sources of the sources table; a problem for each empty, repeated or spaced id, empty
    title and date that is no date."""
    sources: list[Source] = []
    first: dict[str, int] = {}
    extra = [column for column in table.header if column and column not in SOURCE_FIELDS]
    for line, row in table.rows:
        def found(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(table.where, line, column, message))

        source_id, title, when = row["id"], row["title"], row["date"]
        if not source_id:
            found("id", "id is empty")
        elif not is_source_id(source_id):
            found("id", f"source id {source_id!r} has spaces: a source id is one word, such as asob-2021")
        elif source_id in first:
            found("id", f"duplicate source id {source_id!r} (first at line {first[source_id]})")
        if not title:
            found("title", "title is empty")
        if when:
            try:
                parse_date(when)
            except ValueError as error:
                found("date", date_problem(when, error))
        if source_id and source_id not in first:
            first[source_id] = line
            sources.append(Source(source_id, title, when, row.get("url", ""), row.get("publisher", ""),
                                  {key: row[key] for key in extra}))
    return sources


def check_entities(table: Table, source_ids: Collection[str] | None, problems: list[Problem]) -> None:
    """Check the entities' `evidence`, `not_recorded`, `kind` and citations (`source`)."""
    check_column(table, "evidence", evidence_problem, problems)
    check_column(table, "not_recorded", aspects_problem, problems)
    if "kind" in table.columns:
        kinds = [f"{kind}\0{entity_type}" for kind, entity_type in zip(table.column("kind"), table.column("type"))]
        check_values(table, "kind", kinds, kind_problem, problems)
    if source_ids is not None:
        check_column(table, "source", citations_check(source_ids), problems)


def check_relationships(table: Table, source_ids: Collection[str] | None, problems: list[Problem]) -> None:
    """Check the relationships' `evidence` and citations (`source_doc`)."""
    check_column(table, "evidence", evidence_problem, problems)
    if source_ids is not None:
        check_column(table, "source_doc", citations_check(source_ids), problems)


def check_column(table: Table, column: str, problem: Callable[[str], str | None], problems: list[Problem]) -> None:
    """A problem for each row whose value in `column` `problem` finds wrong (if the table has it)."""
    if column in table.columns:
        check_values(table, column, table.columns[column], problem, problems)


def check_values(table: Table, column: str, values: list[str], problem: Callable[[str], str | None],
                 problems: list[Problem]) -> None:
    """`problem` of each distinct value once; then a located problem for each row with a bad one."""
    verdicts = {value: problem(value) for value in set(values)}
    if not any(verdicts.values()):
        return
    for line, value in zip(table.lines, values):
        message = verdicts[value]
        if message:
            problems.append(Problem(table.where, line, column, message))


def evidence_problem(level: str) -> str | None:
    if level and level not in EVIDENCE_LEVELS:
        return f"unknown evidence {level!r} (expected one of {', '.join(EVIDENCE_LEVELS)}, or empty for stated)"
    return None


def aspects_problem(text: str) -> str | None:
    unknown = [aspect for aspect in split_list(text) if aspect not in ASPECTS]
    if unknown:
        return (f"unknown aspect{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
                f"(expected one of {', '.join(ASPECTS)}, separated by ;)")
    return None


def kind_problem(kind_and_type: str) -> str | None:
    kind, _, entity_type = kind_and_type.partition("\0")
    if not kind:
        return None
    if kind not in INITIATIVE_KINDS:
        return f"unknown kind {kind!r} (expected one of {', '.join(INITIATIVE_KINDS)}, or empty)"
    if entity_type != "initiative":
        return f"only initiatives have a kind (this is a {entity_type})"
    return None


def citations_check(source_ids: Collection[str]) -> Callable[[str], str | None]:
    """A check of a citations cell: each citation whose first part is one word must name a source."""
    def problem(text: str) -> str | None:
        unknown = [head for _, head, _ in citation_parts(text) if is_source_id(head) and head not in source_ids]
        return "; ".join(unknown_source(head, source_ids) for head in unknown) or None

    return problem


def unknown_source(source_id: str, source_ids: Collection[str]) -> str:
    """Say that `source_id` is in no row of the sources table, suggesting a near one."""
    return f"unknown source {source_id!r} (not an id in the sources table{suggestion(source_id, source_ids)})"
