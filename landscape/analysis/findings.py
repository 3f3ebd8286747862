"""A finding: one overlap, gap or missing link, explained in a sentence a board member understands."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

OVERLAP_KINDS = ("shared_membership", "shared_remit", "duplicate_oversight", "parallel_initiatives")
GAP_KINDS = ("unoverseen_initiative", "unowned_theme", "orphan_board", "missing_required_member",
             "no_lead")
LINK_KINDS = ("missing_link",)
KINDS = OVERLAP_KINDS + GAP_KINDS + LINK_KINDS
SEVERITIES = ("high", "medium", "low")
KIND_TITLES = {
    "shared_membership": "Boards with the same members",
    "shared_remit": "Boards with the same remit",
    "duplicate_oversight": "Initiatives overseen more than once",
    "parallel_initiatives": "Initiatives doing the same work apart",
    "unoverseen_initiative": "Initiatives no board oversees",
    "unowned_theme": "Concerns no board owns",
    "orphan_board": "Boards accountable to no one",
    "missing_required_member": "Boards missing a required sector",
    "no_lead": "Initiatives with no lead",
    "missing_link": "Boards that should be talking",
}


def category(kind: str) -> str:
    if kind in OVERLAP_KINDS:
        return "overlap"
    return "gap" if kind in GAP_KINDS else "missing link"


Finding = dict[str, Any]  # one finding in its JSON form: the contract's fields, then extras
CATEGORIES = {kind: category(kind) for kind in KINDS}
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def finding(kind: str, entities: Iterable[str], score: float, severity: str, explanation: str,
            **extra: Any) -> Finding:
    """A finding built straight into its JSON form: national landscapes have millions of them,
    so there is no intermediate object. Entities are sorted and the score rounded here."""
    return {"kind": kind, "category": CATEGORIES[kind], "entities": sorted(entities),
            "score": round(float(score), 4), "severity": severity, "explanation": explanation,
            **extra}


class Ranked(NamedTuple):
    """The findings of a kind, strongest first (with a limit, only the strongest), their
    sentences written as they are read; and how many the kind has of each severity in all,
    counted as arrays before a sentence is written."""

    findings: Iterator[Finding]
    severities: Counter[str]


def tally(severity: np.ndarray) -> Counter[str]:
    """How many of each severity, from codes that index `SEVERITIES`."""
    counts = np.bincount(severity, minlength=len(SEVERITIES)).tolist()
    return Counter({name: count for name, count in zip(SEVERITIES, counts) if count})


def ranked_findings(severity: np.ndarray, score: np.ndarray, ties: Sequence[np.ndarray],
                    write: Callable[[int], Finding], limit: int | None = None) -> Ranked:
    """Findings of one kind given as arrays, one entry each: severity (codes indexing
    `SEVERITIES`), score (as the finding shows it) and `ties` (most significant first: the
    order of their entities), ranked as `rank_key` orders them. `write(k)` writes the k-th
    finding: only the `limit` kept are written."""
    order = first_in_order((severity, -np.asarray(score, dtype=np.float64), *ties), limit)
    return Ranked(map(write, order.tolist()), tally(np.asarray(severity, dtype=np.int64)))


def first_in_order(keys: Sequence[np.ndarray], limit: int | None = None) -> np.ndarray:
    """The indices that sort the arrays `keys` (most significant first; ties in index order, as
    `np.lexsort` breaks them), or only the first `limit` of them. Those are found by
    partitioning, key by key, before the few are sorted: a national landscape has millions of
    candidate findings, and a limited analysis keeps a thousand of each kind. Keys hold no NaN
    (scores are counts and ratios)."""
    chosen = np.arange(len(keys[0]))
    if limit is not None and limit <= 0:
        return chosen[:0]
    if limit is not None and limit < len(chosen):
        certain, need = [], limit
        for key in keys:  # the entries before the `need`-th on this key are in; its ties go on
            if len(chosen) <= need:
                break
            values = key[chosen]
            cut = np.partition(values, need - 1)[need - 1]
            certain.append(chosen[values < cut])
            need -= len(certain[-1])
            chosen = chosen[values == cut]
        chosen = np.sort(np.concatenate([*certain, chosen]))
    return chosen[np.lexsort([key[chosen] for key in reversed(keys)])][:limit]


def rank_key(found: Finding) -> tuple[Any, ...]:
    """Order within one kind: missing links with no channel first, then severity, then the
    highest score, then entity ids."""
    return (found.get("channel", "none") != "none", SEVERITY_RANK[found["severity"]],
            -found["score"], found["entities"])


def listing(names: list[str], limit: int = 4, total: int | None = None) -> str:
    """Names as English: "A", "A and B", "A, B and C", "A, B, C and 2 others". `total` is how
    many there are, when only the first few `names` are given."""
    names = list(names)
    total = len(names) if total is None else total
    if total > limit:
        names = names[:limit - 1] + [f"{total - limit + 1} others"]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def percent(fraction: float) -> str:
    return f"{round(fraction * 100)}%"
