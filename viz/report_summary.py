"""The executive summary: a handful of key messages written from the findings.

Every sentence is generated from the analysis of the landscape at hand (the bodies it
names, the counts it gives), so a different landscape gets its own summary. Each message
says what was found, names the bodies, says why it matters, and points to the findings it
rests on (by their anchors in the report).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from landscape.analysis.findings import KIND_TITLES, listing
from landscape.analysis.unknowns import asked
from landscape.model import TYPE_LABELS

MESSAGES = 6  # key messages at most: the summary fits one printed page
NAMED = 3  # bodies named in one message at most

WHY = {
    "unowned_theme": "Without an owner no board is accountable for progress on these concerns.",
    "missing_link": "Boards working on the same things with no agreed link risk conflicting decisions "
                    "and missed hand-overs.",
    "parallel_initiatives": "The same work done apart costs twice, and nobody is placed to join it up.",
    "duplicate_oversight": "When two boards oversee one piece of work it is unclear who has the final say.",
    "unoverseen_initiative": "Work no board steers can drift, and what it learns reaches no one accountable.",
    "orphan_board": "Nobody can check or escalate the work of a board that is accountable to no one.",
    "missing_required_member": "A board without a sector it needs cannot commit that sector to its decisions.",
    "no_lead": "Work that nobody leads tends not to get done.",
    "shared_remit": "Boards with the same remit may duplicate effort, or each assume the other is acting.",
    "shared_membership": "The same people on several boards stretch their time and blur where decisions "
                         "are taken.",
}
ORDER = ("unowned_theme", "missing_link", "parallel_initiatives", "duplicate_oversight", "missing_required_member",
         "unoverseen_initiative", "orphan_board", "shared_remit", "no_lead", "shared_membership")


def key_messages(rows_by_kind: dict[str, list[dict[str, Any]]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Up to `MESSAGES` messages, the most important kinds first: each a dict with `kind`,
    `headline`, `text` (naming bodies by name), `why`, and `links` to finding anchors.
    `rows_by_kind` holds each kind's finding rows (strongest first) as the report shows them:
    the finding under `finding` and its anchor under `anchor`."""
    messages = []
    for kind in ORDER:
        rows = rows_by_kind.get(kind) or []
        if not rows:
            continue
        found = [row["finding"] for row in rows]
        text = WRITERS[kind](found, lambda i: names.get(i, i)) + stale_note(found)
        messages.append({"kind": kind, "headline": headline(kind, len(rows)), "text": text, "why": WHY[kind],
                         "links": [{"anchor": row["anchor"], "label": str(n)} for n, row in
                                   enumerate(rows[:NAMED], start=1)],
                         "all": f"kind-{kind}", "count": len(rows)})
    return messages[:MESSAGES]


def stale_note(findings: list[dict[str, Any]]) -> str:
    """A sentence saying how many of a message's findings rest on stale evidence, and how old,
    so the summary does not carry old findings as if still true; empty when none does.

    >>> stale_note([{"stale": True, "last_attested": "2021-02-18"}, {"stale": False}])
    ' 1 of these 2 rests on evidence last attested 2021-02-18, and may no longer hold.'
    >>> stale_note([{"stale": True, "last_attested": "2021-02-18"}])
    ' It rests on evidence last attested 2021-02-18, and may no longer hold.'
    """
    stale = [found for found in findings if found.get("stale")]
    if not stale:
        return ""
    dates = sorted({found["last_attested"] for found in stale if found.get("last_attested")})
    when = f" last attested {dates[0]}" if len(dates) == 1 else (
        f" last attested between {dates[0]} and {dates[-1]}" if dates else "")
    if len(findings) == 1:
        subject = "It rests"
    elif len(stale) == len(findings):
        subject = f"All {len(findings)} rest"
    else:
        subject = f"{len(stale)} of these {len(findings)} rest{'s' if len(stale) == 1 else ''}"
    return f" {subject} on evidence{when}, and may no longer hold."


def headline(kind: str, count: int) -> str:
    """The message's heading: the kind's title and how many there are."""
    return f"{KIND_TITLES[kind]} ({count})"


Name = Callable[[str], str]


def names_of(ids: list[str], name: Name, total: int | None = None) -> str:
    """Ids as names in English ("A, B and 3 others")."""
    return listing([name(i) for i in ids], limit=NAMED + 1, total=total)


def first_entities(findings: list[dict[str, Any]]) -> list[str]:
    """The first entity of each single-entity finding, in order."""
    return [found["entities"][0] for found in findings]


def unowned(findings: list[dict[str, Any]], name: Name) -> str:
    count = len(findings)
    themes = names_of(first_entities(findings)[:NAMED], name, total=count)
    return f"No board takes responsibility for {themes}."


def pair_names(found: dict[str, Any], name: Name) -> str:
    return " and ".join(name(i) for i in found["entities"][:2])


def missing_links(findings: list[dict[str, Any]], name: Name) -> str:
    none = [found for found in findings if found.get("channel") == "none"]
    lead = none or findings
    pairs = listing([" with ".join(name(i) for i in found["entities"][:2]) for found in lead[:2]])
    count = len(lead)
    many = count != 1
    text = (f"{count} pair{'s' if many else ''} of boards that overlap {'have' if many else 'has'} no agreed link"
            f"{' and no member in common' if none else ''}{', among them' if count > 2 else ':'} {pairs}.")
    rest = len(findings) - len(none)
    if none and rest:
        ending = "" if rest != 1 else "s"
        text += f" {rest} more overlap{ending} with no agreed link but share{ending} a member."
    return text


def parallel(findings: list[dict[str, Any]], name: Name) -> str:
    found = findings[0]
    more = f" {pairs(len(findings) - 1, 'of initiatives', 'does', 'do')} the same." if len(findings) > 1 else ""
    themes = themes_of(found, name)
    return (f"{pair_names(found, name)} work on {themes} with no board overseeing both." + more)


def pairs(count: int, of: str, one: str, many: str) -> str:
    """"N more pairs ... do", agreeing in number.

    >>> pairs(1, "of boards", "shares", "share"), pairs(3, "of boards", "shares", "share")
    ('1 more pair of boards shares', '3 more pairs of boards share')
    """
    return f"{count} more pair{'' if count == 1 else 's'} {of} {one if count == 1 else many}"


def themes_of(found: dict[str, Any], name: Name) -> str:
    themes = found.get("themes") or []
    return names_of(themes[:NAMED], name, total=len(themes)) if themes else "the same concerns"


def duplicate(findings: list[dict[str, Any]], name: Name) -> str:
    parts = []
    for found in findings[:2]:
        initiative = found.get("initiative") or found["entities"][0]
        boards = found.get("boards") or [i for i in found["entities"] if i != initiative]
        parts.append(f"{name(initiative)} is overseen by {names_of(boards, name)}")
    more = f" ({len(findings) - 2} more)" if len(findings) > 2 else ""
    return "; ".join(parts) + more + "."


def required(findings: list[dict[str, Any]], name: Name) -> str:
    parts = [f"{name(found['entities'][0])} has no member from the {found.get('sector', 'required')} sector"
             for found in findings[:NAMED]]
    more = f" ({len(findings) - NAMED} more)" if len(findings) > NAMED else ""
    return "; ".join(parts) + more + "."


def unoverseen(findings: list[dict[str, Any]], name: Name) -> str:
    count = len(findings)
    unled = sum(1 for found in findings if found["severity"] == "high")
    led = (" and no lead either" if unled == count else f", {unled} of them with no lead either") if unled else ""
    return (f"{count} initiative{'s' if count != 1 else ''} {'has' if count == 1 else 'have'} no board overseeing "
            f"{'it' if count == 1 else 'them'}{led}: {names_of(first_entities(findings)[:NAMED], name, total=count)}.")


def orphans(findings: list[dict[str, Any]], name: Name) -> str:
    count = len(findings)
    verb = "reports" if count == 1 else "report"
    return (f"{names_of(first_entities(findings)[:NAMED], name, total=count)} {verb} to no other body "
            "and are part of none." if count != 1 else
            f"{name(findings[0]['entities'][0])} reports to no other body and is part of none.")


def remit(findings: list[dict[str, Any]], name: Name) -> str:
    found = findings[0]
    more = f" {pairs(len(findings) - 1, 'of boards', 'shares', 'share')} a remit." if len(findings) > 1 else ""
    return f"{pair_names(found, name)} both cover {themes_of(found, name)}.{more}"


def no_lead(findings: list[dict[str, Any]], name: Name) -> str:
    count = len(findings)
    return (f"Nobody is recorded as leading {names_of(first_entities(findings)[:NAMED], name, total=count)}.")


def membership(findings: list[dict[str, Any]], name: Name) -> str:
    found = findings[0]
    more = f" {pairs(len(findings) - 1, 'of boards', 'shares', 'share')} members." if len(findings) > 1 else ""
    return f"{pair_names(found, name)} share {found.get('shared', 'several')} members.{more}"


WRITERS: dict[str, Callable[[list[dict[str, Any]], Name], str]] = {
    "unowned_theme": unowned, "missing_link": missing_links, "parallel_initiatives": parallel,
    "duplicate_oversight": duplicate, "missing_required_member": required, "unoverseen_initiative": unoverseen,
    "orphan_board": orphans, "shared_remit": remit, "no_lead": no_lead, "shared_membership": membership,
}


def change_lines(changes: dict[str, Any] | None) -> list[str]:
    """What changed in the landscape, in a few sentences: bodies and initiatives that started
    or ended, and names that changed (what that did to the findings is `change_message`'s)."""
    if not changes:
        return []
    lines = []
    for key in ("started", "ended"):
        rows = changes[key]
        if rows:
            lines.append(f"{key.capitalize()}: {by_type(rows)}, for example "
                         f"{listing([row['name'] for row in rows[:NAMED]])}.")
    if changes["renamed"]:
        lines.append("Renamed: " + "; ".join(f"{row['from']} became {row['to']}"
                                             for row in changes["renamed"][:NAMED]) + ".")
    if changes["summary"]["relationships_added"] or changes["summary"]["relationships_removed"]:
        lines.append(f"Relationships: {changes['summary']['relationships_added']} began and "
                     f"{changes['summary']['relationships_removed']} ended.")
    return lines or ["Nothing changed between these dates."]


def examples(findings: list[dict[str, Any]], name: Name) -> str:
    """The first two findings in a few words each: their kind and the bodies they name.

    >>> examples([{"kind": "no_lead", "entities": ["x"]}], str.upper)
    'initiatives with no lead: X'
    """
    return "; ".join(f"{KIND_TITLES[found['kind']].lower()}: {names_of(found['entities'][:2], name)}"
                     for found in findings[:2])


def change_message(change: dict[str, Any], compared: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The summary's key message about the change (from `viz.compare.change_view` and the
    comparison it was made from): how many findings it resolved and raised, naming the first
    ones, and how many persist; linked to its tables in the "What the change does" section."""
    def name(entity_id: str) -> str:
        return names.get(entity_id, entity_id)

    counts, found = change["summary"], compared["findings"]
    parts = []
    for key, one, many in (("resolved", "finding resolved", "findings resolved"),
                           ("new", "new finding", "new findings")):
        part = plural(counts[key], one, many)
        parts.append(part + (f" ({examples(found[key], name)})" if found[key] else ""))
    changed = "none" if not counts["changed"] else str(counts["changed"])
    when = f" ({change['when']})" if change["when"] else ""
    text = (f"From {change['from']} to {change['to']}{when}: {parts[0]}, {parts[1]}, and "
            f"{plural(counts['persisting'], 'finding', 'findings')} persisting, {changed} of them changed.")
    answered = len(compared.get("unknowns", {}).get("answered", []))
    if answered:
        text += f" It answers {plural(answered, 'question', 'questions')} the sources left open."
    links = [{"anchor": group["id"], "label": group["label"]} for group in change["groups"] if group["count"]]
    if answered:
        links.append({"anchor": "change-answered", "label": "answered"})
    return {"kind": "change", "headline": f"What the change does ({counts['resolved']} resolved, {counts['new']} new)",
            "text": text, "why": "", "links": links or [{"anchor": "change", "label": "the comparison"}],
            "all": "change", "count": 0}


def by_type(rows: list[dict[str, Any]]) -> str:
    """How many entities of each type, most first: "4 boards, 2 initiatives and 1 theme"."""
    counts = Counter(row["type"] for row in rows)
    return listing([plural(n, *TYPE_LABELS[t]) for t, n in counts.most_common()], limit=len(counts))


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


UNKNOWN_PHRASES = {"reporting": "whom {} reports to", "members": "who sits on {}",
                   "links": "how {} links to other boards", "oversight": "who oversees {}", "lead": "who leads {}"}


def aspect_rank(aspect: str) -> int:
    """Accountability lines first: the order in which the summary and the report ask what the
    sources do not say."""
    return list(UNKNOWN_PHRASES).index(aspect) if aspect in UNKNOWN_PHRASES else len(UNKNOWN_PHRASES)


def unknowns_line(unknowns: list[dict[str, Any]], name: Name) -> str:
    """What the sources do not say, in one sentence naming the first few bodies; empty when
    they say everything the analysis asks."""
    if not unknowns:
        return ""
    ordered = sorted(unknowns, key=lambda item: aspect_rank(item.get("aspect", "")))
    phrases = list(dict.fromkeys(UNKNOWN_PHRASES.get(item.get("aspect", ""), "{}: " + item.get("aspect", "")).format(
        " and ".join(name(i) for i in ids)) for item in ordered for ids in asked(item)))
    count = len(phrases)
    return (f"The sources do not say {listing(phrases[:NAMED], NAMED + 1, count)}: "
            f"{'this is' if count == 1 else 'these are'} not counted as gaps.")
