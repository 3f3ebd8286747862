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


Finding = dict[str, Any]
"""One finding in its JSON form, as `landscape analyse --format json` writes it, made by
`finding`. Every finding has these fields, in this order:

- `kind`, `category` (overlap, gap or missing link);
- `entities`: the ids involved, sorted;
- `score`: a number, higher is stronger; `severity`: high, medium or low;
- `explanation`: one plain English sentence;

then the details of its kind: `shared` (shared_membership: members in common), `themes`
(shared_remit, parallel_initiatives: themes both cover), `initiative` and `boards`
(duplicate_oversight), `sector` (missing_required_member), `channel` and `grounds`
(missing_link).

A field every finding will carry, such as the facts it rests on (`evidence`), when they were
last attested (`last_attested`) and whether that is too long ago (`stale`), is a parameter
of `finding`, which every kind calls. What the analysis cannot know (`unknowns`) is not a
finding: it is a list of its own, which each kind returns beside its findings in
`KindFindings`.
"""

CATEGORIES = {kind: category(kind) for kind in KINDS}
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
CHANNEL_RANK = {"none": 0, "unknown": 1, "shared_member": 2}


def finding(kind: str, entities: Iterable[str], score: float, severity: str, explanation: str,
            **details: Any) -> Finding:
    """A finding of `kind` about `entities`, with its score and severity, explained in one
    sentence; `details` are the kind's own fields. Entities are sorted and the score is
    rounded to four places, so that equal findings compare equal.

    >>> finding("no_lead", ["hwb"], 1, "medium", "Nobody is recorded as leading Healthy Weight.")
    {'kind': 'no_lead', 'category': 'gap', 'entities': ['hwb'], 'score': 1.0, 'severity': 'medium', \
'explanation': 'Nobody is recorded as leading Healthy Weight.'}
    """
    return {"kind": kind, "category": CATEGORIES[kind], "entities": sorted(entities),
            "score": round(float(score), 4), "severity": severity, "explanation": explanation,
            **details}


class KindFindings(NamedTuple):
    """The findings of one kind, strongest first (with a limit, only the strongest), each
    written when it is read, and how many the kind has of each severity in all, whatever the
    limit: a national landscape has millions, and only those kept are written. `unknowns` are
    what would have been findings of the kind, had the sources covered the aspect their
    absence rests on (see `landscape.analysis.unknowns`)."""

    findings: Iterator[Finding]
    severities: Counter[str]
    unknowns: Sequence[dict[str, Any]] = ()


def tally(severity: np.ndarray) -> Counter[str]:
    """How many of each severity, from codes that index `SEVERITIES`."""
    counts = np.bincount(severity, minlength=len(SEVERITIES)).tolist()
    return Counter({name: count for name, count in zip(SEVERITIES, counts) if count})


def strongest(keys: Sequence[np.ndarray], limit: int | None = None) -> np.ndarray:
    """The indices that sort the arrays `keys` (most significant first, ties in index order),
    only the first `limit` of them when given.

    >>> strongest((np.array([1, 0, 1, 0]), np.array([5, 7, 4, 6])), limit=3).tolist()
    [3, 1, 2]
    """
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    return np.lexsort(tuple(reversed(keys)))[:limit]


def ranked_findings(severity: np.ndarray, score: np.ndarray, ties: Sequence[np.ndarray],
                    write: Callable[[int], Finding], limit: int | None = None,
                    unknowns: Sequence[dict[str, Any]] = ()) -> KindFindings:
    """The findings of one kind given as arrays, one entry per finding: severity (codes into
    `SEVERITIES`), score (as the finding shows it) and `ties` (the order of their entities,
    most significant first), ranked as `rank_key` orders them. `write(k)` writes the k-th
    finding; only the `limit` kept are written."""
    order = strongest((severity, -np.asarray(score, dtype=np.float64), *ties), limit)
    return KindFindings(map(write, order.tolist()), tally(np.asarray(severity, dtype=np.int64)), unknowns)


def rank_key(found: Finding) -> tuple[Any, ...]:
    """Order within one kind: missing links with no channel first (then those whose channel is
    unknown), then severity, then the highest score, then entity ids."""
    return (CHANNEL_RANK[found.get("channel", "none")], SEVERITY_RANK[found["severity"]],
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
