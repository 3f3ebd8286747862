"""The facts every analysis reads, gathered once from a landscape.

Every entity id has an integer code, given by the landscape's `Columns`: its place
in sorted order, so comparing codes compares ids. Each relationship type becomes a
sparse 0/1 matrix, source × target, built straight from the code arrays; the
analyses multiply these to find overlapping pairs. The same relations as sets of
ids (`members`, `remit`, ...) write the sentences of the findings.

For example, in a landscape where agency ``police`` is a member of board ``lasob``:

>>> from landscape.model import Entity, Landscape, Relationship
>>> facts = gather(Landscape([Entity("police", "Police", "agency"), Entity("lasob", "LASOB", "board")],
...                          [Relationship("police", "lasob", "member_of")]))
>>> int(facts.relation("member_of")[facts.code["police"], facts.code["lasob"]])
1
>>> facts.members["lasob"]
{'police'}
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse

from landscape.analysis.findings import listing
from landscape.analysis.incidence import incidence_matrix
from landscape.model import Columns, Landscape, Relationship

INVOLVING = ("leads", "delivers", "funds")  # the relationships that involve an organisation in work
PARENT = ("reports_to", "part_of")  # the relationships that place a body under another
FORMAL = ("communicates_with", "reports_to", "part_of")  # the agreed links between bodies


class Facts:
    """A landscape's entities as codes (`ids[code]` is the id) and its relationships as sparse
    matrices by type, with the sets and names the sentences of the findings need. Each matrix
    and set is made when first asked for and kept: several analyses read the same ones."""

    def __init__(self, landscape: Landscape) -> None:
        self.landscape = landscape
        self.columns: Columns = landscape.columns
        self.names_by_id = {entity.id: entity.name for entity in landscape.entities.values()}
        of_type: dict[str, list[str]] = {"board": [], "initiative": [], "theme": []}
        for entity in landscape.entities.values():
            if entity.type in of_type:
                of_type[entity.type].append(entity.id)
        # ids of each type in the landscape's order
        self.boards, self.initiatives, self.themes = of_type["board"], of_type["initiative"], of_type["theme"]
        self._relations: dict[tuple[str, ...], sparse.csr_matrix] = {}
        self._reversed: dict[tuple[str, ...], sparse.csr_matrix] = {}

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def ids(self) -> np.ndarray:
        """Entity ids (and ids that relationships name without an entity), sorted."""
        return self.columns.ids

    @property
    def code(self) -> dict[str, int]:
        return self.columns.code

    def codes_of(self, ids: Collection[str]) -> np.ndarray:
        code = self.code
        return np.array([code[entity_id] for entity_id in ids], dtype=np.int64)

    @cached_property
    def codes_by_type(self) -> dict[str, np.ndarray]:
        """The codes of the boards, initiatives and themes, each sorted (so in id order)."""
        return {"board": np.unique(self.codes_of(self.boards)),
                "initiative": np.unique(self.codes_of(self.initiatives)),
                "theme": np.unique(self.codes_of(self.themes))}

    def codes_of_type(self, kind: str) -> np.ndarray:
        """The codes of the entities of type `kind` (board, initiative or theme), in id order."""
        return self.codes_by_type[kind]

    def mask(self, ids: Collection[str]) -> np.ndarray:
        """A boolean per code: whether its id is one of `ids` (ids not in the landscape are ignored)."""
        marked = np.zeros(len(self.ids), dtype=bool)
        code = self.code
        marked[[code[entity_id] for entity_id in ids if entity_id in code]] = True
        return marked

    def relation(self, *types: str) -> sparse.csr_matrix:
        """The 0/1 source × target matrix of the relationships of `types`."""
        if types not in self._relations:
            columns = self.columns
            keep = np.isin(columns.types, [n for n, name in enumerate(columns.type_names) if name in types])
            size = len(columns.ids)
            self._relations[types] = incidence_matrix(columns.sources[keep], columns.targets[keep], (size, size))
        return self._relations[types]

    def by_target(self, *types: str) -> sparse.csr_matrix:
        """The relation of `types` turned round: target × source."""
        if types not in self._reversed:
            self._reversed[types] = self.relation(*types).T.tocsr()
        return self._reversed[types]

    def degree(self, *types: str, by: str) -> np.ndarray:
        """How many entities each entity (by code) is related to by relationships of `types`:
        as their source (`by="source"`, counting its targets) or as their target."""
        matrix = self.relation(*types)
        if by == "source":
            return np.diff(matrix.indptr)
        return np.bincount(matrix.indices, minlength=matrix.shape[1])

    def sets(self, types: tuple[str, ...], by: str) -> RelatedIds:
        """The relation as sets of ids: targets by source (`by="source"`) or sources by target."""
        matrix = self.relation(*types) if by == "source" else self.by_target(*types)
        return RelatedIds(matrix, self.ids, self.code)

    @cached_property
    def members(self) -> RelatedIds:
        """Members of each board."""
        return self.sets(("member_of",), by="target")

    @cached_property
    def remit(self) -> RelatedIds:
        """Themes each board or initiative addresses."""
        return self.sets(("addresses",), by="source")

    @cached_property
    def addressed_by(self) -> RelatedIds:
        """Boards and initiatives addressing each theme."""
        return self.sets(("addresses",), by="target")

    @cached_property
    def overseers(self) -> RelatedIds:
        """Boards overseeing each initiative."""
        return self.sets(("oversees",), by="target")

    @cached_property
    def overseen(self) -> RelatedIds:
        """Initiatives each board oversees."""
        return self.sets(("oversees",), by="source")

    @cached_property
    def leads(self) -> RelatedIds:
        """Who leads each initiative."""
        return self.sets(("leads",), by="target")

    @cached_property
    def involved(self) -> RelatedIds:
        """Who leads, delivers or funds each initiative."""
        return self.sets(INVOLVING, by="target")

    def name(self, entity_id: str) -> str:
        return self.names_by_id.get(entity_id, entity_id)

    def names(self, ids: Collection[str]) -> list[str]:
        """The names of `ids`, sorted."""
        return sorted(map(self.names_by_id.get, ids, ids))

    def listed(self, ids: Collection[str], limit: int = 4) -> str:
        """The names of `ids` as English, in name order (see `listing`)."""
        return listing(self.names(ids), limit)

    def silent(self, aspect: str) -> np.ndarray:
        """A boolean per code: whether the entity lists `aspect` in `not_recorded` (the sources
        do not cover it, so its absence is unknown rather than none)."""
        silent = np.zeros(len(self.ids), dtype=bool)
        silent[[self.code[entity_id] for entity_id, aspects in self.not_recorded.items() if aspect in aspects]] = True
        return silent

    @cached_property
    def not_recorded(self) -> dict[str, frozenset[str]]:
        """The aspects each entity that lists any in `not_recorded` does not cover, by id."""
        return {entity.id: entity.not_recorded for entity in self.landscape.entities.values()
                if entity.attrs.get("not_recorded")}

    @cached_property
    def governed(self) -> np.ndarray:
        """A boolean per code: whether the entity is an initiative a partnership is expected to
        oversee and lead (not context such as a national strategy or an inspection)."""
        governed = np.zeros(len(self.ids), dtype=bool)
        entities = self.landscape.entities
        governed[[self.code[i] for i in self.initiatives if entities[i].is_governed]] = True
        return governed

    @cached_property
    def overseen_initiatives(self) -> np.ndarray:
        """A boolean per code: whether a board oversees the initiative, or an initiative it is
        `part_of`."""
        by_boards = self.relation("oversees")[self.codes_of_type("board")]
        return self.inherited(np.bincount(by_boards.indices, minlength=len(self.ids)) > 0)

    @cached_property
    def oversight_unknown(self) -> np.ndarray:
        """A boolean per code: a governed initiative that no board is recorded as overseeing
        and whose oversight the sources do not cover (`not_recorded: oversight`). Whatever
        rests on who oversees it (a concern it works on owned, two pieces of work under one
        board) is unknown too."""
        return self.governed & ~self.overseen_initiatives & self.silent("oversight")

    @cached_property
    def ancestors(self) -> sparse.csr_matrix:
        """Entity × every entity it is `part_of`, directly or through others (an initiative
        part of a programme part of a strategy is part of both). Each round takes one step
        further from the pairs the last round found only (semi-naive evaluation)."""
        step = self.relation("part_of")
        reach = newest = step
        while newest.nnz:
            further = newest @ step
            further.data[:] = 1
            newest = further - further.multiply(reach)  # the pairs not reached before
            newest.eliminate_zeros()
            reach = reach + newest
        return reach

    def inherited(self, held: np.ndarray) -> np.ndarray:
        """A boolean per code: `held` by the entity or by anything it is `part_of` (a theme is
        owned when a broader theme is; an initiative is overseen when the programme it is part
        of is)."""
        return held | (self.ancestors @ held.astype(np.int64) > 0)

    def board_covers(self, board: str) -> set[str]:
        """Themes a board addresses directly or through an initiative it oversees."""
        covered = set(self.remit[board])
        for initiative in self.overseen[board]:
            covered |= self.remit[initiative]
        return covered


class RelatedIds(dict[str, set[str]]):
    """A 0/1 matrix read as a mapping: a row's id to the set of its columns' ids. Each set is
    made when first read, because a national landscape has a hundred thousand rows and a
    limited analysis reads a few thousand. An id with nothing related (or unknown) gives an
    empty set; `in`, `len` and iteration see only the rows read so far."""

    def __init__(self, matrix: sparse.csr_matrix, ids: np.ndarray, code: dict[str, int]) -> None:
        super().__init__()
        self.matrix, self.ids, self.code = matrix, ids, code

    def __missing__(self, key: str) -> set[str]:
        row = self.code.get(key)
        related = set() if row is None else set(
            self.ids[self.matrix.indices[self.matrix.indptr[row]:self.matrix.indptr[row + 1]]].tolist())
        self[key] = related
        return related

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[key] or default


def gather(landscape: Landscape) -> Facts:
    """Code a landscape's entities and index its relationships by type. An initiative that
    `reports_to` a board is overseen by it: the analysis reads that line as the board's
    `oversees`."""
    return Facts(oversight_as_written(landscape))


def oversight_as_written(landscape: Landscape) -> Landscape:
    """`landscape` with each initiative's `reports_to` a board turned into the board's
    `oversees` of the initiative (the same landscape when there is none)."""
    entities = landscape.entities

    def reports_up(edge: Relationship) -> bool:
        source = entities.get(edge.source)
        return edge.type == "reports_to" and source is not None and source.type == "initiative"

    columns = landscape.columns  # the reporting lines found as an array: a million relationships
    reporting = np.flatnonzero(columns.types == columns.type_names.index("reports_to")).tolist()
    if not any(reports_up(landscape.relationships[k]) for k in reporting):
        return landscape
    turned = [Relationship(edge.target, edge.source, "oversees", edge.start, edge.end, edge.source_doc,
                           edge.role, edge.attrs) if reports_up(edge) else edge
              for edge in landscape.relationships]
    return Landscape(entities.values(), turned, landscape.name, source_table=landscape.source_table.values())
