"""What the change does: a later state of a landscape compared with an earlier one, for the
report's "What the change does" section, its summary and the comparison map.

The earlier state (`Baseline`) is another dataset, the same dataset on an earlier date, or
the same dataset without a change set merged over it. `comparison` lists what changed
(`landscape.analysis.diff`) and what that did to the findings
(`landscape.analysis.compare.explained`); `change_view` turns that into plain data for the
templates (`_change.html.j2`) and the Word document: one line of counts, the findings
resolved and new with the changes that explain them, and the persisting ones that moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from landscape.analysis import analyse
from landscape.analysis.compare import compare_unknowns, counts_line, explained, unknowns_line
from landscape.analysis.diff import diff
from landscape.analysis.findings import KIND_TITLES
from landscape.model import Landscape

# How the comparison map marks a change: an outline (or a faded node) and a line colour.
CHANGE_COLOURS = {"added": "#2ca02c", "ended": "#9aa5b1", "changed": "#d63384", "resolved": "#17becf"}
SHOWN = 50  # findings listed under each heading; the counts line says how many there are
REASONS = 3  # changes named for each finding; `landscape diff` lists them all
CHANNELS = {"shared_member": "a shared member", "none": "none", "unknown": "not recorded"}


@dataclass(frozen=True)
class Baseline:
    """The earlier state a landscape is compared with: `landscape` as it stood on `day` (every
    fact of it, whatever its dates, when `day` is None)."""

    landscape: Landscape
    day: date | None


def comparison(baseline: Baseline, landscape: Landscape, day: date, result: dict[str, Any],
               **analysis: Any) -> dict[str, Any]:
    """What changed from `baseline` to `landscape` on `day`, and what it did to the findings.
    `result` is the later state's analysis (with decisions applied, if any: a finding the board
    accepted is still there, so not resolved); the baseline is analysed with the same `analysis`
    options (evidence, stale_after, limit)."""
    changes = diff(baseline.landscape, landscape, before_day=baseline.day, after_day=day)
    earlier = analyse(baseline.landscape, as_of=baseline.day, **analysis)
    return changes | explained(changes, earlier["findings"], result["findings"] + result.get("accepted", []),
                               result["evidence_level"],
                               (baseline.landscape.as_of(baseline.day), landscape.as_of(day))) | {
        "unknowns": compare_unknowns(earlier["unknowns"], result["unknowns"])}


def side(state: dict[str, Any]) -> str:
    """One side of the comparison in words.

    >>> side({"landscape": "london", "as_of": "2021-02-17"}), side({"landscape": "old", "as_of": None})
    ('london on 2021-02-17', 'old')
    """
    return state["landscape"] + (f" on {state['as_of']}" if state["as_of"] else "")


def sides(result: dict[str, Any], same: bool = False) -> dict[str, str]:
    """The two sides of a comparison in as few words as say them: by date alone when they are
    one landscape (`same`), by name alone (and the date once, under `when`) when they share a
    date, else by name and date.

    >>> earlier, later = {"landscape": "london", "as_of": "2021-02-18"}, {"landscape": "london", "as_of": "2024-12-31"}
    >>> sides({"from": earlier, "to": later}, same=True)
    {'from': '2021-02-18', 'to': '2024-12-31', 'when': ''}
    >>> sides({"from": earlier, "to": {"landscape": "london with proposal", "as_of": "2021-02-18"}})
    {'from': 'london', 'to': 'london with proposal', 'when': 'both as of 2021-02-18'}
    """
    earlier, later = result["from"], result["to"]
    if same:
        return {"from": earlier["as_of"] or earlier["landscape"], "to": later["as_of"] or later["landscape"],
                "when": ""}
    if earlier["as_of"] == later["as_of"] and earlier["as_of"]:
        return {"from": earlier["landscape"], "to": later["landscape"], "when": f"both as of {earlier['as_of']}"}
    return {"from": side(earlier), "to": side(later), "when": ""}


def moves(finding: dict[str, Any]) -> list[str]:
    """How a persisting finding moved, in words.

    >>> moves({"changed": {"severity": {"from": "high", "to": "medium"},
    ...                    "channel": {"from": "none", "to": "shared_member"}}})
    ['severity high → medium', 'informal channel none → a shared member']
    """
    said = []
    for field, move in finding.get("changed", {}).items():
        if field == "channel":
            said.append(f"informal channel {CHANNELS.get(move['from'], move['from'])} → "
                        f"{CHANNELS.get(move['to'], move['to'])}")
        else:
            said.append(f"{field} {move['from']} → {move['to']}")
    return said


def reasons(finding: dict[str, Any]) -> list[str]:
    """The first `REASONS` changes that explain a finding, and how many more there are.

    >>> reasons({"because": ["A", "B", "C", "D", "E"]})
    ['A', 'B', 'C', 'and 2 more changes']
    >>> reasons({"because": []})
    []
    """
    found = finding.get("because", [])
    more = len(found) - REASONS
    return found[:REASONS] + ([f"and {more} more change{'s' if more != 1 else ''}"] if more > 0 else [])


def change_row(finding: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """One finding of the comparison as the section's tables show it."""
    return {"kind": finding["kind"], "title": KIND_TITLES.get(finding["kind"], finding["kind"]),
            "severity": finding["severity"], "explanation": finding["explanation"],
            "bodies": [names.get(i, i) for i in finding["entities"]],
            "reasons": reasons(finding) if "because" in finding else moves(finding)}


GROUPS = [  # the section's tables: anchor, title, short label, what the last column says, which findings
    ("change-resolved", "Findings resolved", "resolved", "Because", "resolved"),
    ("change-new", "New findings", "new", "Because", "new"),
    ("change-moved", "Persisting findings that changed", "changed", "How it moved", "persisting"),
]


def change_view(result: dict[str, Any], names: dict[str, str], same: bool = False,
                limited: bool = False) -> dict[str, Any]:
    """The "What the change does" section as plain data, from a `comparison` (or a
    `landscape.analysis.compare.compare` result); `names` gives bodies their names. `same`
    says both sides are one landscape on two dates (named by their dates alone); `limited`,
    that each side kept only its strongest findings of each kind.

    >>> result = {"from": {"landscape": "a", "as_of": None}, "to": {"landscape": "a with b", "as_of": None},
    ...           "findings_summary": {"resolved": 1, "new": 0, "persisting": 0, "changed": 0},
    ...           "findings": {"resolved": [{"kind": "no_lead", "entities": ["y"], "severity": "medium",
    ...                                      "because": ["X leads Y"], "explanation": "Nobody leads Y."}],
    ...                        "new": [], "persisting": []}}
    >>> view = change_view(result, {"y": "Y"})
    >>> view["counts"], view["groups"][0]["rows"][0]["reasons"], view["groups"][1]["rows"]
    ('Findings: 1 resolved, 0 new, 0 persisting (0 of them changed)', ['X leads Y'], [])
    """
    found = result["findings"]
    chosen = {"resolved": found["resolved"], "new": found["new"],
              "persisting": [finding for finding in found["persisting"] if finding["changed"]]}
    groups = [{"id": anchor, "title": title, "label": label, "why": why, "count": len(chosen[outcome]),
               "rows": [change_row(finding, names) for finding in chosen[outcome][:SHOWN]],
               "more": max(len(chosen[outcome]) - SHOWN, 0)}
              for anchor, title, label, why, outcome in GROUPS]
    summary = result["findings_summary"]
    named = sides(result, same)
    answered = result.get("unknowns", {"answered": [], "raised": []})
    return named | {"since": f"since {named['from']}" if same else f"from {named['from']} to {named['to']}",
            "counts": counts_line(summary), "questions": unknowns_line(answered),
            "answered": [{"explanation": unknown["explanation"]} for unknown in answered["answered"][:SHOWN]],
            "summary": summary, "groups": groups, "steady": summary["persisting"] - summary["changed"],
            "limited": limited}


# --- the comparison map ----------------------------------------------------------------------------

def edge_key(source: str, target: str, kind: str, role: str) -> tuple[str, str, str, str]:
    return source, target, kind, role


def entity_changes(changes: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each entity the change touched, by id: `added`, `ended` or `changed`, with what changed
    in words (for a tooltip).

    >>> marks = entity_changes({"started": [{"id": "a"}], "ended": [{"id": "b"}],
    ...                         "renamed": [{"id": "c", "from": "Old C", "to": "C"}],
    ...                         "changed": [{"id": "c", "attribute": "sector", "from": "", "to": "police"}]})
    >>> marks["a"], marks["b"]
    (('added', 'Added'), ('ended', 'Ended'))
    >>> marks["c"]
    ('changed', 'Changed: renamed from Old C; sector (none) → police')
    """
    marks = {row["id"]: ("added", "Added") for row in changes["started"]}
    marks |= {row["id"]: ("ended", "Ended") for row in changes["ended"]}
    said: dict[str, list[str]] = {}
    for row in changes["renamed"]:
        said.setdefault(row["id"], []).append(f"renamed from {row['from']}")
    for row in changes["changed"]:
        said.setdefault(row["id"], []).append(f"{row['attribute']} {row['from'] or '(none)'} → {row['to'] or '(none)'}")
    return marks | {entity_id: ("changed", "Changed: " + "; ".join(words)) for entity_id, words in said.items()}


def drawn_with_baseline(current: Landscape, earlier: Landscape, changes: dict[str, Any]
                        ) -> tuple[Landscape, dict[str, tuple[str, str]], dict[tuple[str, str, str, str], str]]:
    """What a comparison map draws: `current` (the later state) with the entities and
    relationships of `earlier` that ended, so that they are laid out where they were among
    what remains; and the change of each entity (see `entity_changes`) and relationship
    (`added` or `ended`, by source, target, type and role)."""
    marks = entity_changes(changes)
    ended_ids = {row["id"] for row in changes["ended"]}
    ended_entities = [entity for entity_id, entity in earlier.entities.items() if entity_id in ended_ids]
    kept = set(current.entities) | ended_ids
    removed = {edge_key(row["source"], row["target"], row["type"], row["role"])
               for row in changes["relationships_removed"]}
    ended_edges = [edge for edge in earlier.relationships
                   if edge_key(edge.source, edge.target, edge.type, edge.role) in removed
                   and edge.source in kept and edge.target in kept]
    lines = {edge_key(row["source"], row["target"], row["type"], row["role"]): "added"
             for row in changes["relationships_added"]} | dict.fromkeys(removed, "ended")
    drawn = Landscape([*current.entities.values(), *ended_entities], [*current.relationships, *ended_edges],
                      current.name, source_table=current.source_table.values(), title=current.title)
    return drawn, marks, lines


def comparison_counts(compared: dict[str, Any], node_changes: list[str], line_changes: list[str],
                      same: bool = False) -> dict[str, Any]:
    """The map's line on the change: its two sides, and how many nodes and lines it marks as
    added, ended or changed, and how many findings it resolved and raised.

    >>> counts = comparison_counts({"from": {"landscape": "a", "as_of": None}, "to": {"landscape": "b", "as_of": None},
    ...     "findings_summary": {"resolved": 1, "new": 0}}, ["added", "", "ended"], ["added", "added"])
    >>> counts["added"], counts["ended"], counts["changed"], counts["lines_added"], counts["resolved"]
    (1, 1, 0, 2, 1)
    """
    return sides(compared, same) | {
            "added": node_changes.count("added"), "ended": node_changes.count("ended"),
            "changed": node_changes.count("changed"), "lines_added": line_changes.count("added"),
            "lines_ended": line_changes.count("ended"),
            "resolved": compared["findings_summary"]["resolved"], "new": compared["findings_summary"]["new"],
            "colours": CHANGE_COLOURS}
