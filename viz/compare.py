"""What the change does: the findings a comparison resolved, raised and kept, as an HTML section.

A fragment for the executive report (`<section id="change">`), from the result of
`landscape.analysis.compare.compare`: one line of counts, then the findings resolved and
new, each with the changes that explain it, and the persisting findings whose severity,
score or channel moved. It needs no script or style sheet, and every text is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from landscape.analysis.compare import counts_line, how_changed

SHOWN = 50  # findings listed under each heading; the counts line says how many there are


def side(state: dict[str, Any]) -> str:
    """One side of the comparison in words.

    >>> side({"landscape": "london", "as_of": "2021-02-17"})
    'london on 2021-02-17'
    """
    return state["landscape"] + (f" on {state['as_of']}" if state["as_of"] else "")


def finding_item(finding: dict[str, Any]) -> str:
    """One finding as a list item: its explanation, then why (or how it changed)."""
    notes = [f"because {reason}" for reason in finding.get("because", [])]
    if finding.get("changed"):
        notes.append(f"changed: {how_changed(finding)}")
    why = "".join(f"<br><small>{escape(note)}</small>" for note in notes)
    return (f'<li data-kind="{escape(finding["kind"])}"><strong>{escape(finding["severity"])}</strong> '
            f"{escape(finding['explanation'])}{why}</li>")


def finding_list(title: str, found: list[dict[str, Any]]) -> str:
    """A heading and the first `SHOWN` findings under it (nothing when there are none)."""
    if not found:
        return ""
    more = f"<p>and {len(found) - SHOWN} more</p>" if len(found) > SHOWN else ""
    items = "\n".join(finding_item(finding) for finding in found[:SHOWN])
    return f"<h3>{escape(title)} ({len(found)})</h3>\n<ul>\n{items}\n</ul>{more}\n"


def change_section(result: dict[str, Any]) -> str:
    """The "What the change does" section of a comparison.

    >>> result = {"from": {"landscape": "a", "as_of": None}, "to": {"landscape": "a with <b>", "as_of": None},
    ...           "findings_summary": {"resolved": 1, "new": 0, "persisting": 0, "changed": 0},
    ...           "findings": {"resolved": [{"kind": "no_lead", "severity": "medium", "because": ["X leads Y"],
    ...                                      "explanation": "Nobody leads Y."}], "new": [], "persisting": []}}
    >>> html = change_section(result)
    >>> "a with &lt;b&gt;" in html and "because X leads Y" in html and "<script" not in html
    True
    """
    found = result["findings"]
    moved = [finding for finding in found["persisting"] if finding["changed"]]
    return (f'<section id="change">\n<h2>What the change does</h2>\n'
            f"<p>From {escape(side(result['from']))} to {escape(side(result['to']))}. "
            f"{escape(counts_line(result['findings_summary']))}.</p>\n"
            + finding_list("Findings resolved", found["resolved"])
            + finding_list("New findings", found["new"])
            + finding_list("Persisting findings that changed", moved)
            + "</section>\n")
