"""What a change does to the findings: two states of a landscape, analysed and compared.

The two states are two dates of one dataset, two datasets, or a landscape and a change
set merged over it (a proposal). Findings are those `analyse` gives, matched by `kind`
and `entities` (and `sector`, which tells apart the sectors one board lacks): a finding
only in the earlier state was `resolved`, one only in the later state is `new`, one in
both is `persisting`, and says under `changed` how its severity, score or channel moved.

Everything here reads only the public result of `analyse`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from landscape.analysis import DEFAULT_LEVEL, Thresholds, analyse
from landscape.analysis.diff import diff, heading, markdown_text, sections
from landscape.model import Landscape, evidence_rank

Finding = dict[str, Any]
COMPARED_FIELDS = ("severity", "score", "channel")
OUTCOMES = ("resolved", "new", "persisting")
DEFAULT_THRESHOLDS = Thresholds()


def finding_key(finding: Finding) -> tuple[str, tuple[str, ...], str]:
    """What makes a finding in one state the same finding in another.

    >>> finding_key({"kind": "missing_link", "entities": ["a", "b"], "channel": "none"})
    ('missing_link', ('a', 'b'), '')
    >>> finding_key({"kind": "missing_required_member", "entities": ["a"], "sector": "police"})
    ('missing_required_member', ('a',), 'police')
    """
    return finding["kind"], tuple(finding["entities"]), finding.get("sector", "")


def changed_fields(before: Finding, after: Finding) -> dict[str, dict[str, Any]]:
    """How a persisting finding moved: each of severity, score and channel that differs.

    >>> changed_fields({"severity": "low", "score": 0.5}, {"severity": "high", "score": 0.5})
    {'severity': {'from': 'low', 'to': 'high'}}
    """
    return {field: {"from": before.get(field), "to": after.get(field)}
            for field in COMPARED_FIELDS if before.get(field) != after.get(field)}


def compare_findings(before: list[Finding], after: list[Finding]) -> dict[str, list[Finding]]:
    """The findings `resolved` (only in `before`), `new` (only in `after`) and `persisting`
    (in both, as `after` has them, with `changed`: how they moved; empty when not at all),
    each in the order its analysis gave them.

    >>> old = [{"kind": "no_lead", "entities": ["x"], "severity": "high", "score": 1.0},
    ...        {"kind": "no_lead", "entities": ["y"], "severity": "low", "score": 1.0}]
    >>> new = [{"kind": "no_lead", "entities": ["y"], "severity": "high", "score": 1.0}]
    >>> found = compare_findings(old, new)
    >>> [f["entities"] for f in found["resolved"]], found["new"]
    ([['x']], [])
    >>> found["persisting"][0]["changed"]
    {'severity': {'from': 'low', 'to': 'high'}}
    """
    earlier = {finding_key(finding): finding for finding in before}
    later = {finding_key(finding): finding for finding in after}
    return {
        "resolved": [finding for key, finding in earlier.items() if key not in later],
        "new": [finding for key, finding in later.items() if key not in earlier],
        "persisting": [finding | {"changed": changed_fields(earlier[key], finding)}
                       for key, finding in later.items() if key in earlier],
    }


def unknown_key(unknown: dict[str, Any]) -> tuple[str, tuple[str, ...], str, str]:
    """What makes an unknown in one state the same unknown in another: the finding it would be,
    and the aspect the sources do not cover."""
    return (*finding_key(unknown), unknown.get("aspect", ""))


def compare_unknowns(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """What the sources left open in `before` and no longer in `after` (`answered`: the change
    settles it, as a finding or as none), and what is open only in `after` (`raised`).

    >>> old = [{"kind": "no_lead", "entities": ["x"], "aspect": "lead"}]
    >>> [u["entities"] for u in compare_unknowns(old, [])["answered"]], compare_unknowns(old, old)["raised"]
    ([['x']], [])
    """
    earlier = {unknown_key(unknown) for unknown in before}
    later = {unknown_key(unknown) for unknown in after}
    return {"answered": [unknown for unknown in before if unknown_key(unknown) not in later],
            "raised": [unknown for unknown in after if unknown_key(unknown) not in earlier]}


def unknowns_line(unknowns: dict[str, list[dict[str, Any]]]) -> str:
    """The open questions' outcome in one line.

    >>> unknowns_line({"answered": [{}, {}], "raised": []})
    'Questions the sources left open: 2 answered, 0 raised'
    """
    return f"Questions the sources left open: {len(unknowns['answered'])} answered, {len(unknowns['raised'])} raised"


def findings_summary(found: dict[str, list[Finding]]) -> dict[str, int]:
    """How many findings were resolved, are new and persist, and how many of those changed.

    >>> findings_summary({"resolved": [{}], "new": [], "persisting": [{"changed": {}}]})
    {'resolved': 1, 'new': 0, 'persisting': 1, 'changed': 0}
    """
    counts = {outcome: len(found[outcome]) for outcome in OUTCOMES}
    return counts | {"changed": sum(1 for finding in found["persisting"] if finding["changed"])}


def counted(row: dict[str, Any], evidence: str) -> bool:
    """Whether the analysis, using facts known at least as well as `evidence`, counts a change's
    fact: only such a fact can explain a finding.

    >>> counted({"evidence": "proposed"}, "inferred"), counted({"evidence": "inferred"}, "inferred")
    (False, True)
    """
    return evidence_rank(row.get("evidence") or "stated") <= evidence_rank(evidence)


def because(finding: Finding, changes: dict[str, Any], evidence: str = DEFAULT_LEVEL) -> list[str]:
    """The changes (as `diff` lists them) that explain why a finding was resolved or is new:
    its entities (and the themes an overlap shares) that started or ended, if any; else the
    relationships added or removed that touch the most of them (a link agreed between both
    boards of a missing link, a theme two boards both took on),
    a board's own first (what a board takes on is what closes or opens a governance finding).
    Only facts the analysis counts at `evidence` explain anything: a seat that is only proposed
    does not.

    >>> changes = {"started": [], "ended": [], "relationships_removed": [],
    ...            "relationships_added": [{"source": "a", "target": "b", "sentence": "A communicates with B"},
    ...                                    {"source": "x", "target": "b", "sentence": "X is a member of B"}]}
    >>> because({"entities": ["a", "b"]}, changes)
    ['A communicates with B']
    """
    ids = set(finding["entities"]) | set(finding.get("themes", []))  # what an overlap is about, too
    came_and_went = [f"{row['name']} {verb}" for verb in ("started", "ended") for row in changes[verb]
                     if row["id"] in ids and counted(row, evidence)]
    if came_and_went:
        return came_and_went
    touching = [(len(ids & {row["source"], row["target"]}), row.get("source_type") != "board", sentence)
                for rows, sentence_of in ((changes["relationships_added"], "{}"),
                                          (changes["relationships_removed"], "no longer: {}"))
                for row in rows if counted(row, evidence) for sentence in [sentence_of.format(row["sentence"])]]
    most = max((touched for touched, _, _ in touching), default=0)
    return [sentence for touched, _, sentence in sorted(touching, key=lambda found: found[1])
            if most and touched == most]


def neighbours(states: Iterable[Landscape], ids: set[str]) -> dict[str, set[str]]:
    """The entities one relationship away from each of `ids`, in any of `states`.

    >>> from landscape.model import Relationship
    >>> near = neighbours([Landscape([], [Relationship("a", "b", "leads"), Relationship("c", "a", "funds")])], {"a"})
    >>> sorted(near["a"])
    ['b', 'c']
    """
    near: dict[str, set[str]] = {entity_id: set() for entity_id in ids}
    for state in states:
        for edge in state.relationships:
            if edge.source in near:
                near[edge.source].add(edge.target)
            if edge.target in near:
                near[edge.target].add(edge.source)
    return near


def explained(changes: dict[str, Any], before: list[Finding], after: list[Finding],
              evidence: str = DEFAULT_LEVEL, states: Sequence[Landscape] = ()) -> dict[str, Any]:
    """What `changes` (from `diff`) did to the findings, from `before` to `after` (each as
    `analyse` gives them, at `evidence`): `findings` resolved, new and persisting, the resolved
    and new ones with the changes that explain them (`because`), and `findings_summary`.

    A finding no change touches directly (a concern that gained an owner when a board took on
    an initiative that addresses it) is explained by the changes touching its neighbours in
    either of `states`, the two landscapes compared, as they stood on their days."""
    found = compare_findings(before, after)
    for outcome in ("resolved", "new"):
        found[outcome] = [finding | {"because": because(finding, changes, evidence)} for finding in found[outcome]]
    unexplained = [finding for outcome in ("resolved", "new") for finding in found[outcome] if not finding["because"]]
    if unexplained and states:
        near = neighbours(states, {entity_id for finding in unexplained for entity_id in finding["entities"]})
        for finding in unexplained:
            around = set().union(*(near[entity_id] for entity_id in finding["entities"])) - set(finding["entities"])
            finding["because"] = because({"entities": sorted(around)}, changes, evidence)
    return {"findings_summary": findings_summary(found), "findings": found}


def compare(before: Landscape, after: Landscape, *, before_day: date | None = None,
            after_day: date | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS,
            evidence: str = DEFAULT_LEVEL) -> dict[str, Any]:
    """What changed from `before` (as of `before_day`) to `after` (as of `after_day`): the
    changes `diff` lists, and under `findings` what happened to the findings of each.
    A day of None takes every fact of that landscape, whatever its dates, as `analyse` does."""
    changes = diff(before, after, before_day=before_day, after_day=after_day)
    earlier = analyse(before, as_of=before_day, thresholds=thresholds, evidence=evidence)
    later = analyse(after, as_of=after_day, thresholds=thresholds, evidence=evidence)
    return changes | explained(changes, earlier["findings"], later["findings"], evidence,
                               (before.as_of(before_day), after.as_of(after_day))) | {
        "unknowns": compare_unknowns(earlier["unknowns"], later["unknowns"])}


def proposed(current: Landscape, changes: Landscape) -> Landscape:
    """`current` with a change set merged over it by id, as `landscape load` merges: its
    entities replace those with the same id, and its relationships are added. Raises
    LandscapeError when the result would be inconsistent (a reporting cycle, say)."""
    from landscape.store.base import merge

    merged = merge(current, changes)
    return Landscape(merged.entities.values(), merged.relationships, f"{current.name} with {changes.name}",
                     source_table=merged.source_table.values(), title=current.title)


# --- as text -------------------------------------------------------------------------------------

def counts_line(summary: dict[str, int]) -> str:
    """The findings' outcome in one line.

    >>> counts_line({"resolved": 3, "new": 1, "persisting": 20, "changed": 2})
    'Findings: 3 resolved, 1 new, 20 persisting (2 of them changed)'
    """
    return (f"Findings: {summary['resolved']} resolved, {summary['new']} new, "
            f"{summary['persisting']} persisting ({summary['changed']} of them changed)")


def how_changed(finding: Finding) -> str:
    """A persisting finding's movement in words.

    >>> how_changed({"changed": {"channel": {"from": "none", "to": "shared_member"}}})
    'channel none → shared_member'
    """
    return "; ".join(f"{field} {move['from']} → {move['to']}" for field, move in finding["changed"].items())


def how(finding: Finding) -> str:
    """Why a finding was resolved or is new, or how a persisting one changed, in one line.

    >>> how({"because": ["A ended"]})
    'because: A ended'
    """
    if finding.get("changed"):
        return f"changed: {how_changed(finding)}"
    return "because: " + "; ".join(finding["because"]) if finding.get("because") else ""


FINDING_TITLES = {"resolved": "Findings resolved", "new": "New findings",
                  "persisting": "Findings persisting"}


def finding_sections(found: dict[str, list[Finding]]) -> list[tuple[str, list[Finding]]]:
    """The findings under their titles, empty outcomes left out; persisting findings that
    changed come first."""
    persisting = sorted(found["persisting"], key=lambda finding: not finding["changed"])
    ordered = {"resolved": found["resolved"], "new": found["new"], "persisting": persisting}
    return [(FINDING_TITLES[outcome], rows) for outcome, rows in ordered.items() if rows]


def as_text(result: dict[str, Any], width: int = 100) -> str:
    """The comparison as a readable report for a terminal: the heading, one line of counts,
    then the findings resolved, new and persisting, then what changed in the landscape."""
    lines = [heading(result), counts_line(result["findings_summary"]), unknowns_line(result["unknowns"]), ""]
    for title, found in finding_sections(result["findings"]):
        lines.append(f"{title.upper()} ({len(found)})")
        for finding in found:
            label = f"  {finding['severity']:<6} {finding['kind']:<24} "
            wrapped = textwrap.wrap(finding["explanation"], width - len(label)) or [""]
            lines += [label + wrapped[0], *(" " * len(label) + more for more in wrapped[1:])]
            if finding.get("changed"):
                lines.append(" " * len(label) + f"(changed: {how_changed(finding)})")
            for reason in finding.get("because", [])[:3]:
                lines += [" " * len(label) + line for line in textwrap.wrap(f"because: {reason}", width - len(label))]
        lines.append("")
    if result["unknowns"]["answered"]:
        lines.append(f"QUESTIONS ANSWERED ({len(result['unknowns']['answered'])})")
        lines += [f"  {line}" for unknown in result["unknowns"]["answered"]
                  for line in textwrap.wrap(unknown["explanation"], width - 2)]
        lines.append("")
    for title, rows in sections(result) or [("No changes in the landscape", [])]:
        lines += [f"{title.upper()} ({len(rows)})" if rows else title, *(f"  {row}" for row in rows), ""]
    return "\n".join(lines)


def as_markdown(result: dict[str, Any]) -> str:
    """The comparison in Markdown: the heading, one line of counts, a table for each outcome
    of the findings, then what changed in the landscape."""
    lines = [f"# {heading(result)}", "", counts_line(result["findings_summary"]), "",
             unknowns_line(result["unknowns"]), ""]
    for title, found in finding_sections(result["findings"]):
        lines += [f"## {title} ({len(found)})", "", "| severity | kind | explanation | how |",
                  "|---|---|---|---|"]
        lines += [f"| {finding['severity']} | {finding['kind']} | {markdown_text(finding['explanation'])} | "
                  f"{markdown_text(how(finding))} |" for finding in found]
        lines.append("")
    if result["unknowns"]["answered"]:
        lines += [f"## Questions answered ({len(result['unknowns']['answered'])})", "",
                  *(f"- {markdown_text(unknown['explanation'])}" for unknown in result["unknowns"]["answered"]), ""]
    for title, rows in sections(result) or [("No changes in the landscape", [])]:
        lines += [f"## {title} ({len(rows)})", "", *(f"- {markdown_text(row)}" for row in rows), ""]
    return "\n".join(lines)
