"""Decisions a board has taken on findings: accepted by design, or an action with an owner.

A decisions file is a CSV with the columns `kind`, `entities` (`;`-separated ids),
`decision` (`accepted` or `action`), `owner`, `note` and `review` (a date). `apply_decisions`
takes an analysis result and returns a new one in which

- each finding that a row matches (same kind, same entities) carries a `decision` object;
- an `accepted` finding whose review date is after the analysis date, or has none, leaves
  `findings` for the top-level list `accepted` (a passed review date brings it back, its
  decision marked `expired`);
- rows that match no finding are listed under `stale_decisions`.

Reading the file and applying it are separate, so the rule itself is a pure function of
plain data.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from landscape.errors import DatasetError, LandscapeError, Problem

COLUMNS = ("kind", "entities", "decision", "owner", "note", "review")
REQUIRED = ("kind", "entities", "decision")
DECISIONS = ("accepted", "action")

Decision = dict[str, Any]


def decisions_template() -> str:
    """An empty decisions CSV: the header row, ready to fill in."""
    return ",".join(COLUMNS) + "\n"


def read_decisions(path: str | Path) -> list[Decision]:
    """The rows of a decisions CSV as plain dicts (`entities` a sorted list, `review` ISO text
    or empty), with the line each came from. Every problem is reported at once, located as an
    editor shows it."""
    from landscape.analysis import KINDS
    from landscape.model import parse_date

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise LandscapeError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise LandscapeError(f"{path}: is not UTF-8 text (save it as CSV UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise DatasetError([Problem(str(path), 1, name, "required column is missing") for name in missing])
    reader.fieldnames = header
    rows, problems = [], []
    for line, raw in enumerate(reader, start=2):
        row = {name: (raw.get(name) or "").strip() for name in COLUMNS}
        if not any(row.values()):
            continue
        if row["kind"] not in KINDS:
            problems.append(Problem(str(path), line, "kind", f"unknown kind {row['kind']!r}"))
        if row["decision"] not in DECISIONS:
            problems.append(Problem(str(path), line, "decision",
                                    f"{row['decision']!r} is not one of {', '.join(DECISIONS)}"))
        entities = sorted(part.strip() for part in row["entities"].split(";") if part.strip())
        if not entities:
            problems.append(Problem(str(path), line, "entities", "no entity ids given"))
        if row["review"]:
            try:
                row["review"] = parse_date(row["review"], end=True).isoformat()
            except ValueError as error:
                problems.append(Problem(str(path), line, "review", str(error)))
        rows.append({**row, "entities": entities, "line": line})
    if problems:
        raise DatasetError(problems)
    return rows


def apply_decisions(result: dict[str, Any], decisions: list[Decision], day: date | None = None) -> dict[str, Any]:
    """The analysis `result` with `decisions` applied (see the module's description). `day` is
    the analysis date (default: the result's `as_of`, else today). The counts by kind and
    severity leave out the accepted findings. The result given is not changed.

    >>> found = {"kind": "orphan_board", "entities": ["b"], "severity": "medium"}
    >>> result = {"as_of": "2024-12-31", "findings": [found], "summary": {"orphan_board": 1},
    ...           "severities": {"medium": 1}}
    >>> row = {"kind": "orphan_board", "entities": ["b"], "decision": "accepted", "owner": "Chair",
    ...        "note": "by design", "review": "2025-06-30"}
    >>> decided = apply_decisions(result, [row])
    >>> decided["findings"], decided["accepted"][0]["decision"]["owner"], decided["summary"]
    ([], 'Chair', {'orphan_board': 0})
    """
    if day is None:
        day = date.fromisoformat(result["as_of"]) if result.get("as_of") else date.today()
    by_key = {(row["kind"], tuple(row["entities"])): row for row in decisions}
    used: set[tuple[str, tuple[str, ...]]] = set()
    kept, accepted = [], []
    summary = dict(result.get("summary", {}))
    severities = dict(result.get("severities", {}))
    for found in result["findings"]:
        key = (found["kind"], tuple(found["entities"]))
        row = by_key.get(key)
        if row is None:
            kept.append(found)
            continue
        used.add(key)
        decision = decision_object(row)
        standing = row["decision"] == "accepted" and (not row["review"] or row["review"] > day.isoformat())
        if row["decision"] == "accepted" and not standing:
            decision["expired"] = True
        decided = {**found, "decision": decision}
        if standing:
            accepted.append(decided)
            summary[found["kind"]] = summary.get(found["kind"], 1) - 1
            severities[found["severity"]] = severities.get(found["severity"], 1) - 1
        else:
            kept.append(decided)
    stale = [decision_object(row) | {"kind": row["kind"], "entities": row["entities"]}
             for key, row in by_key.items() if key not in used]
    changed: dict[str, Any] = {"findings": kept, "accepted": accepted, "stale_decisions": stale}
    if "summary" in result:
        changed["summary"] = summary
    if "severities" in result:
        changed["severities"] = severities
    return {**result, **changed}


def decision_object(row: Decision) -> Decision:
    """The fields of a decision as a finding carries them."""
    return {"decision": row["decision"], "owner": row.get("owner", ""), "note": row.get("note", ""),
            "review": row.get("review", "")}


def stale_lines(result: dict[str, Any]) -> list[str]:
    """One line for each decision that matches no finding, for the terminal."""
    return [f"decision no longer matches a finding: {row['kind']} {';'.join(row['entities'])}"
            f" ({row['decision']}{', ' + row['owner'] if row['owner'] else ''})"
            for row in result.get("stale_decisions", [])]
