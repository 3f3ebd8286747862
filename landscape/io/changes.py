"""Reading a change set: a small dataset meant to be merged over a landscape.

A change set is a dataset in the interchange format (a folder or a workbook) whose rows
may name entities it does not hold itself, as long as the landscape it changes holds them:
a proposal can add one `communicates_with` row, or a new board with its members, without
copying the rest. It is validated as any dataset is, with every problem located in its own
files, except that a reference to an entity of the landscape it changes is not dangling.
"""

from __future__ import annotations

from pathlib import Path

from landscape.errors import Problems
from landscape.io.reader import Table, read_tables
from landscape.io.validate import build_landscape
from landscape.model import Entity, Landscape, cycle_collection_paused


def context_row(entity: Entity, header: list[str]) -> dict[str, str]:
    """An entity of the landscape as a row of the change set's entities table: only its id,
    name and type (what a reference needs), the other columns empty.

    >>> context_row(Entity("lcrb", "LCRB", "board", source="paper"), ["id", "name", "type", "source"])
    {'id': 'lcrb', 'name': 'LCRB', 'type': 'board', 'source': ''}
    """
    known = {"id": entity.id, "name": entity.name, "type": entity.type}
    return {column: known.get(column, "") for column in dict.fromkeys(header) if column}


def with_context(table: Table, landscape: Landscape) -> Table:
    """The entities table of a change set followed by the entities of `landscape` it does not
    hold itself, as rows numbered 0 (they are read from no file, and hold no problem)."""
    own = set(table.column("id"))
    rows = table.rows + [(0, context_row(entity, table.header))
                         for entity_id, entity in landscape.entities.items() if entity_id not in own]
    combined = Table(table.where, table.header)
    combined.problems = Problems(table.problems)
    if table.header and all(column in table.header for column in ("id", "name", "type")):
        combined.set_rows(rows)
    else:  # a header without a required column is reported before any row is read
        combined.set_rows(table.rows)
    return combined


def load_changes(path: str | Path, landscape: Landscape) -> Landscape:
    """Read and validate the change set at `path` against `landscape`: its own entities, and
    its relationships, which may name entities of `landscape`. Raises DatasetError listing
    every problem, each located in the change set's files."""
    with cycle_collection_paused():
        tables = read_tables(path)
        entities = tables["entities"]
        own = list(dict.fromkeys(entities.column("id")))
        name = Path(path).stem if Path(path).suffix else Path(path).resolve().name
        built = build_landscape(with_context(entities, landscape), tables["relationships"], name)
        return Landscape((built.entities[entity_id] for entity_id in own if entity_id in built.entities),
                         built.relationships, name, source_table=built.source_table.values())
