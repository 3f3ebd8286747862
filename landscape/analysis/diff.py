"""What changed between two states of a landscape: two dates of one dataset, or two datasets.

Entities are matched by id: one present only in the later state started, one
present only in the earlier state ended, and one whose name differs was renamed
(or, within one dataset, a started entity whose `replaces` column names an
ended one). Relationships are matched by source, target, type and role. A started fact
whose start is not stated but is only its first mention in the sources says so: "first
recorded in <source title> (<date>)"; one that a source only proposes (evidence `proposed`,
such as a seat in a draft terms of reference) says "only proposed".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from landscape.model import EDGE_VERBS, TYPE_LABELS, Entity, Fact, Landscape, Relationship

COMPARED_ATTRIBUTES = ("sector", "level", "required_sectors", "top", "kind", "evidence", "not_recorded")


def diff(before: Landscape, after: Landscape, *, before_day: date | None = None,
         after_day: date | None = None) -> dict[str, Any]:
    """The changes from `before` (as of `before_day`) to `after` (as of `after_day`)."""
    old, new = before.as_of(before_day), after.as_of(after_day)
    started = [e for i, e in new.entities.items() if i not in old.entities]
    ended = [e for i, e in old.entities.items() if i not in new.entities]
    renamed = [{"id": i, "type": e.type, "from": old.entities[i].name, "to": e.name}
               for i, e in new.entities.items() if i in old.entities and old.entities[i].name != e.name]
    replaced = {e.get("replaces"): e for e in started if e.get("replaces") in old.entities}
    for old_id, successor in replaced.items():
        renamed.append({"id": successor.id, "type": successor.type, "replaces": old_id,
                        "from": old.entities[old_id].name, "to": successor.name})
    started = [e for e in started if e.get("replaces") not in replaced]
    ended = [e for e in ended if e.id not in replaced]
    changed = [
        {"id": i, "name": e.name, "attribute": key, "from": attribute(old.entities[i], key), "to": attribute(e, key)}
        for i, e in new.entities.items() if i in old.entities
        for key in COMPARED_ATTRIBUTES if attribute(old.entities[i], key) != attribute(e, key)
    ]
    old_edges = {edge_key(e): e for e in old.relationships}
    new_edges = {edge_key(e): e for e in new.relationships}
    added = [first_recorded(sentence(e, new), e, new) for k, e in new_edges.items() if k not in old_edges]
    removed = [sentence(e, old) for k, e in old_edges.items() if k not in new_edges]
    return {
        "from": {"landscape": before.name, "as_of": before_day.isoformat() if before_day else None},
        "to": {"landscape": after.name, "as_of": after_day.isoformat() if after_day else None},
        "summary": {"started": len(started), "ended": len(ended), "renamed": len(renamed),
                    "changed": len(changed), "relationships_added": len(added),
                    "relationships_removed": len(removed)},
        "started": [first_recorded(entity_row(e), e, new) for e in sorted(started, key=type_then_name)],
        "ended": [entity_row(e) for e in sorted(ended, key=type_then_name)],
        "renamed": renamed,
        "changed": changed,
        "relationships_added": sorted(added, key=lambda row: (row["type"], row["sentence"])),
        "relationships_removed": sorted(removed, key=lambda row: (row["type"], row["sentence"])),
    }


def attribute(entity: Entity, key: str) -> str:
    """An attribute as compared: `evidence` as its level, so that empty and `stated` are the same
    (a proposed board that came into force changes from `proposed` to `stated`)."""
    return entity.evidence if key == "evidence" else entity.get(key)


def edge_key(edge: Relationship) -> tuple[str, str, str, str]:
    return edge.source, edge.target, edge.type, edge.role


def type_then_name(entity: Any) -> tuple[int, str]:
    return list(TYPE_LABELS).index(entity.type), entity.name


def entity_row(entity: Any) -> dict[str, str]:
    return {"id": entity.id, "name": entity.name, "type": entity.type, "start": entity.start,
            "end": entity.end, "source": entity.source, "evidence": entity.evidence}


def first_recorded(row: dict[str, Any], fact: Fact, landscape: Landscape) -> dict[str, Any]:
    """`row` with `first_recorded` (the earliest dated source it cites: id, title, date) when the
    fact has no stated `start`, so that its start is only its first mention in the sources."""
    if landscape.is_first_mention(fact):
        first = landscape.attested(fact).first
        assert first is not None
        row["first_recorded"] = {"source": first.id, "title": first.title, "date": first.date}
    return row


def since(row: dict[str, Any]) -> str:
    """"first recorded in <source title> (<date>)" for a started fact whose start is only its first
    mention; empty for one with a stated start, which its section ("Started") already says."""
    if "first_recorded" in row:
        return f"first recorded in {row['first_recorded']['title']} ({row['first_recorded']['date']})"
    return ""


def sentence(edge: Relationship, landscape: Landscape) -> dict[str, str]:
    role = f" (as {edge.role})" if edge.role and edge.role != "member" else ""
    source = landscape.entities.get(edge.source)
    return {"source": edge.source, "target": edge.target, "type": edge.type, "role": edge.role,
            "source_type": source.type if source else "",
            "sentence": f"{landscape.name_of(edge.source)} {EDGE_VERBS[edge.type]} "
                        f"{landscape.name_of(edge.target)}{role}",
            "start": edge.start, "source_doc": edge.source_doc, "evidence": edge.evidence}


def how_known(line: str, row: dict[str, Any]) -> str:
    """A change's line, saying so when the fact is only proposed (not shown to be in force).

    >>> how_known("LASOB reports to LSCP Executive", {"evidence": "proposed"})
    'LASOB reports to LSCP Executive (only proposed)'
    >>> how_known("LASOB reports to LSCP Executive", {"evidence": "stated"})
    'LASOB reports to LSCP Executive'
    """
    return f"{line} (only proposed)" if row.get("evidence") == "proposed" else line


def sections(changes: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The changes as titled lists of plain sentences, empty sections left out."""
    def entity_line(row: dict[str, str]) -> str:
        return how_known(f"{row['name']} ({TYPE_LABELS[row['type']][0]})", row)

    def dated(line: str, row: dict[str, Any]) -> str:
        return f"{line}: {since(row)}" if since(row) else line

    found = [
        ("Started", [dated(entity_line(e), e) for e in changes["started"]]),
        ("Ended", [entity_line(e) for e in changes["ended"]]),
        ("Renamed", [f"{r['from']} → {r['to']}" for r in changes["renamed"]]),
        ("Changed", [f"{c['name']}: {c['attribute']} {c['from'] or '(none)'} → {c['to'] or '(none)'}"
                     for c in changes["changed"]]),
        ("New relationships", [dated(how_known(r["sentence"], r), r) for r in changes["relationships_added"]]),
        ("Relationships ended", [how_known(r["sentence"], r) for r in changes["relationships_removed"]]),
    ]
    return [(title, rows) for title, rows in found if rows]


def heading(changes: dict[str, Any]) -> str:
    def when(side: dict[str, Any]) -> str:
        return side["landscape"] + (f" on {side['as_of']}" if side["as_of"] else "")

    return f"Changes from {when(changes['from'])} to {when(changes['to'])}"


def as_text(changes: dict[str, Any]) -> str:
    """The changes as a readable report for a terminal."""
    lines = [heading(changes), ""]
    for title, rows in sections(changes) or [("No changes", [])]:
        lines += [f"{title.upper()} ({len(rows)})" if rows else title, *(f"  {row}" for row in rows), ""]
    return "\n".join(lines)


def as_markdown(changes: dict[str, Any]) -> str:
    lines = [f"# {heading(changes)}", ""]
    for title, rows in sections(changes) or [("No changes", [])]:
        lines += [f"## {title} ({len(rows)})", "", *(f"- {markdown_text(row)}" for row in rows), ""]
    return "\n".join(lines)


def markdown_text(text: str) -> str:
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text
