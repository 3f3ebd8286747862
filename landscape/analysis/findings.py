"""A finding: one overlap, gap or missing link, explained in a sentence a board member understands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class Finding:
    kind: str
    entities: tuple[str, ...]
    score: float
    severity: str
    explanation: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "entities", tuple(sorted(self.entities)))
        object.__setattr__(self, "score", round(float(self.score), 4))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "category": category(self.kind), "entities": list(self.entities),
                "score": self.score, "severity": self.severity,
                "explanation": self.explanation, **self.extra}

    def sort_key(self) -> tuple[Any, ...]:
        channel_rank = 0 if self.extra.get("channel", "none") == "none" else 1
        return (KINDS.index(self.kind), channel_rank, SEVERITIES.index(self.severity),
                -self.score, self.entities)


def grade(score: float, high: float, medium: float) -> str:
    """`high` at or above `high`, `medium` at or above `medium`, else `low`."""
    return "high" if score >= high else "medium" if score >= medium else "low"


def listing(names: list[str], limit: int = 4) -> str:
    """Names as English: "A", "A and B", "A, B and C", "A, B, C and 2 others"."""
    names = list(names)
    if len(names) > limit:
        names = names[:limit - 1] + [f"{len(names) - limit + 1} others"]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def percent(fraction: float) -> str:
    return f"{round(fraction * 100)}%"
