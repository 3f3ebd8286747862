"""The facts every analysis reads, gathered once from a landscape.

Every entity id has an integer code, given once by the landscape's `Columns`: its
place in sorted order, so comparing codes compares ids. Each relationship type
becomes a sparse 0/1 matrix (source × target) built straight from the code arrays, which the
analyses multiply to find overlapping pairs without hashing a string again.
The same relations as sets of ids (`members`, `remit`...) are derived from the
matrices when first asked for, to write the sentences of the findings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from scipy import sparse

from landscape.analysis.findings import listing
from landscape.analysis.incidence import incidence_matrix
from landscape.model import Columns, Landscape

T = TypeVar("T")

INVOLVING = ("leads", "delivers", "funds")  # the relationships that involve an organisation in work
PARENT = ("reports_to", "part_of")  # the relationships that place a body under another
FORMAL = ("communicates_with", "reports_to", "part_of")  # the agreed links between bodies


@dataclass
class Facts:
    """A landscape's entities as codes (`ids[code]` is the id) and its relationships as sparse
    matrices by type, with the sets and names the sentences of the findings need."""

    landscape: Landscape
    columns: Columns  # the landscape's relationships as codes: `ids[code]` is the id
    boards: list[str] = field(default_factory=list)  # ids of each kind, in the landscape's order
    initiatives: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    names_by_id: dict[str, str] = field(default_factory=dict)
    computed: dict[Any, Any] = field(default_factory=dict)
    locks: dict[Any, threading.Lock] = field(default_factory=dict, repr=False)  # one per key of `once`
    locks_guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

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

    def codes_of_type(self, kind: str) -> np.ndarray:
        """The codes of the boards, initiatives or themes (`kind` is the type), sorted: in id order."""
        lists = {"board": self.boards, "initiative": self.initiatives, "theme": self.themes}
        return self.once(("codes", kind), lambda: np.unique(self.codes_of(lists[kind])))

    def mask(self, ids: Collection[str]) -> np.ndarray:
        """A boolean per code: whether its id is one of `ids` (ids not in the landscape are ignored)."""
        held = np.zeros(len(self.ids), dtype=bool)
        code = self.code
        held[[code[entity_id] for entity_id in ids if entity_id in code]] = True
        return held

    def relation(self, *types: str) -> sparse.csr_matrix:
        """The 0/1 source × target matrix of the relationships of `types` (computed once each)."""
        def compute() -> sparse.csr_matrix:
            columns = self.columns
            keep = np.isin(columns.types, [n for n, name in enumerate(columns.type_names) if name in types])
            size = len(columns.ids)
            return incidence_matrix(columns.sources[keep], columns.targets[keep], (size, size))

        return self.once(("relation", *types), compute)

    def by_target(self, *types: str) -> sparse.csr_matrix:
        """The relation of `types` turned round: target × source (computed once each)."""
        return self.once(("by target", *types), lambda: self.relation(*types).T.tocsr())

    def degree(self, *types: str, by: str) -> np.ndarray:
        """How many entities each entity (by code) is related to by relationships of `types`:
        as their source (`by="source"`, counting its targets) or as their target."""
        matrix = self.relation(*types)
        if by == "source":
            return np.diff(matrix.indptr)
        return np.bincount(matrix.indices, minlength=matrix.shape[1])

    def sets(self, types: tuple[str, ...], by: str) -> dict[str, set[str]]:
        """The relation as sets of ids: targets by source (`by="source"`) or sources by target."""
        def compute() -> dict[str, set[str]]:
            matrix = self.relation(*types) if by == "source" else self.by_target(*types)
            return RowSets(matrix, self.ids, self.code)

        return self.once(("sets", by, *types), compute)

    @property
    def members(self) -> dict[str, set[str]]:
        """Members of each board."""
        return self.sets(("member_of",), by="target")

    @property
    def remit(self) -> dict[str, set[str]]:
        """Themes each board or initiative addresses."""
        return self.sets(("addresses",), by="source")

    @property
    def overseers(self) -> dict[str, set[str]]:
        """Boards overseeing each initiative."""
        return self.sets(("oversees",), by="target")

    @property
    def overseen(self) -> dict[str, set[str]]:
        """Initiatives each board oversees."""
        return self.sets(("oversees",), by="source")

    @property
    def leads(self) -> dict[str, set[str]]:
        """Who leads each initiative."""
        return self.sets(("leads",), by="target")

    @property
    def involved(self) -> dict[str, set[str]]:
        """Who leads, delivers or funds each initiative."""
        return self.sets(INVOLVING, by="target")

    @property
    def parents(self) -> dict[str, set[str]]:
        """What each body reports to or is part of."""
        return self.sets(PARENT, by="source")

    def name(self, entity_id: str) -> str:
        return self.names_by_id.get(entity_id, entity_id)

    def names(self, ids: Collection[str]) -> list[str]:
        """The names of `ids`, sorted (findings name millions of sets, so `dict.get` is mapped
        over them directly rather than through `name`)."""
        return sorted(map(self.names_by_id.get, ids, ids))

    def listed(self, ids: Collection[str], limit: int = 4) -> str:
        """The names of `ids` as English, in name order (see `listing`)."""
        return listing(self.names(ids), limit)

    def once(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()`, run once per landscape: several analyses share the same pairs, and may
        ask from several threads at once (see `analyse`). Each key has its own lock, so one
        thread computing some pairs does not hold up another computing others; a computation
        may ask for other keys, never its own (they depend on each other without cycles, so
        none waits for a lock held by a thread waiting for its own)."""
        if key not in self.computed:
            with self.locks_guard:
                lock = self.locks.setdefault(key, threading.Lock())
            with lock:
                if key not in self.computed:
                    self.computed[key] = compute()
        return self.computed[key]  # type: ignore[no-any-return]

    def board_covers(self, board: str) -> set[str]:
        """Themes a board addresses directly or through an initiative it oversees."""
        covered = set(self.remit.get(board, ()))
        for initiative in self.overseen.get(board, ()):
            covered |= self.remit.get(initiative, set())
        return covered


class RowSets(dict[str, set[str]]):
    """A 0/1 matrix as the set of its columns' ids for each row, by the row's id, each made
    when first asked for: a national landscape has a hundred thousand rows, and a limited
    analysis reads a few thousand. An id with nothing (or unknown) gives an empty set, and
    `get` gives `default` for it; `in`, `len` and iteration see only the rows read so far."""

    def __init__(self, matrix: sparse.csr_matrix, ids: np.ndarray, code: dict[str, int]) -> None:
        super().__init__()
        self.matrix, self.ids, self.code = matrix, ids, code

    def __missing__(self, key: str) -> set[str]:
        row = self.code.get(key)
        found = set() if row is None else set(
            self.ids[self.matrix.indices[self.matrix.indptr[row]:self.matrix.indptr[row + 1]]].tolist())
        self[key] = found
        return found

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[key] or default


def gather(landscape: Landscape) -> Facts:
    """Code a landscape's entities and index its relationships by type."""
    facts = Facts(landscape, landscape.columns)
    by_type: dict[str, list[str]] = {"board": facts.boards, "initiative": facts.initiatives,
                                     "theme": facts.themes}
    for entity in landscape.entities.values():
        facts.names_by_id[entity.id] = entity.name
        if entity.type in by_type:
            by_type[entity.type].append(entity.id)
    return facts
