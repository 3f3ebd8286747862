"""The landscape as Popolo JSON (https://www.popoloproject.com), for open-data tools.

Boards, agencies and VCS organisations become organizations (classified by type,
with `parent_id` from `part_of`); each post's seat on a board becomes a post and
a membership; an organisation's seat becomes a membership with an organization
`member`. Initiatives, themes and the other relationship types have no Popolo
equivalent and are left to the other export formats. Every record cites its sources: those
of the sources table with their URLs and dates; organisations' aliases are `other_names`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from landscape.model import Entity, Landscape

ORGANIZATION_TYPES = ("board", "agency", "vcs")


def popolo(landscape: Landscape) -> dict[str, Any]:
    entities = landscape.entities

    def sources(text: str) -> list[dict[str, str]]:
        return source_links(landscape, text)

    parents = {e.source: e.target for e in landscape.edges("part_of")}
    seats = list(landscape.edges("member_of"))
    boards_of: dict[str, list[str]] = defaultdict(list)
    for seat in seats:
        boards_of[seat.source].append(seat.target)
    organizations = [organization(e, parents.get(e.id), sources(e.source)) for e in entities.values()
                     if e.type in ORGANIZATION_TYPES]
    posts, memberships = [], []
    for number, seat in enumerate(seats, 1):
        member = entities[seat.source]
        record: dict[str, Any] = {"id": f"membership-{number}", "organization_id": seat.target,
                                  "role": seat.role or "member"}
        if member.type == "person":
            post_id = member.id if len(boards_of[member.id]) == 1 else f"{member.id}@{seat.target}"
            posts.append(dated({"id": post_id, "label": member.name, "role": seat.role or "member",
                                "organization_id": seat.target, "sources": sources(member.source)},
                               member.start, member.end))
            record["post_id"] = post_id
        else:
            record["member"] = {"@type": "Organization", "id": member.id}
        memberships.append(dated({**record, "sources": sources(seat.source_doc)}, seat.start, seat.end))
    return {"organizations": organizations, "posts": posts, "memberships": memberships}


def organization(entity: Entity, parent: str | None, cited: list[dict[str, str]]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": entity.id, "name": entity.name, "classification": entity.type,
        "identifiers": [{"identifier": entity.id, "scheme": "landscape"}],
        "sources": cited,
    }
    if entity.aliases:
        record["other_names"] = [{"name": alias} for alias in entity.aliases]
    if parent:
        record["parent_id"] = parent
    if entity.start:
        record["founding_date"] = entity.start
    if entity.end:
        record["dissolution_date"] = entity.end
    for key in ("sector", "level", "description"):
        if entity.get(key):
            record[key] = entity.get(key)
    if entity.get("url").startswith(("http://", "https://")):
        record["links"] = [{"url": entity.get("url")}]
    return record


def dated(record: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    if start:
        record["start_date"] = start
    if end:
        record["end_date"] = end
    return record


def source_links(landscape: Landscape, text: str) -> list[dict[str, str]]:
    """Popolo sources are links: one per `;`-separated citation. A source of the sources table
    gets its URL (else a stable URN from its id), its title and locator as note, and its date;
    a document cited in words gets a stable URN, with the words as note."""
    links = []
    for citation in landscape.citations_in(text):
        cited = landscape.source_table.get(citation.source_id)
        if cited is None:
            links.append(source_link(citation.text))
            continue
        link = {"url": cited.url or f"urn:landscape:source:{cited.id}",
                "note": ", ".join(part for part in (cited.title, citation.locator) if part)}
        if cited.date:
            link["date"] = cited.date
        links.append(link)
    return links


def source_link(source: str) -> dict[str, str]:
    if source.startswith(("http://", "https://")):
        return {"url": source}
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-") or "source"
    return {"url": f"urn:landscape:source:{slug}", "note": source}



