"""One entity as a reader asks about it: its facts, its relationships, the sources that say
so, and the findings that name it (`landscape show ID`).

>>> from datetime import date
>>> from landscape.model import Entity, Landscape, Relationship
>>> boards = [Entity("a", "Board A", "board"), Entity("b", "Board B", "board")]
>>> small = Landscape(boards, [Relationship("a", "b", "reports_to", source_doc="ToR")])
>>> [line["sentence"] for line in profile(small, "a", date(2024, 1, 1))["relationships"]]
['Board A reports to Board B']
"""

from __future__ import annotations

from datetime import date
from typing import Any

from landscape.model import EDGE_VERBS, TYPE_LABELS, Landscape, split_list


def profile(landscape: Landscape, entity_id: str, day: date) -> dict[str, Any]:
    """What the landscape records about `entity_id` (every date), and the findings naming it in
    the landscape as it stood on `day`. The id must exist (see `landscape.find.resolve`)."""
    from landscape.analysis import analyse

    entity = landscape.entities[entity_id]
    facts = {"id": entity.id, "name": entity.name, "type": TYPE_LABELS[entity.type][0],
             "start": entity.start, "end": entity.end, "source": entity.source, **entity.attrs}
    lines = []
    for edge in landscape.relationships:
        if entity_id not in (edge.source, edge.target):
            continue
        other = edge.target if edge.source == entity_id else edge.source
        role = f" ({edge.role})" if edge.role else ""
        lines.append({
            "sentence": f"{landscape.name_of(edge.source)} {EDGE_VERBS[edge.type]} "
                        f"{landscape.name_of(edge.target)}{role}",
            "type": edge.type, "other": other, "start": edge.start, "end": edge.end,
            "source": edge.source_doc,
        })
    lines.sort(key=lambda line: (line["type"], line["sentence"].casefold()))
    cited = [entity.source, *(line["source"] for line in lines)]
    findings = [finding for finding in analyse(landscape, as_of=day)["findings"]
                if entity_id in finding["entities"]]
    return {
        "entity": {key: value for key, value in facts.items() if value},
        "relationships": lines,
        "sources": sorted({part for text in cited for part in split_list(text)}),
        "as_of": day.isoformat(),
        "findings": findings,
    }


def profile_text(view: dict[str, Any]) -> str:
    """`profile`'s result as plain text for a terminal."""
    entity = view["entity"]
    out = [f"{entity['name']} ({entity['id']}, {entity['type']})", ""]
    out += [f"  {key}: {value}" for key, value in entity.items() if key not in {"id", "name", "type"}]
    out += ["", f"Relationships ({len(view['relationships'])}):"]
    for line in view["relationships"]:
        dates = " to ".join(filter(None, (line["start"], line["end"])))
        note = "; ".join(filter(None, (dates, line["source"])))
        out.append(f"  {line['sentence']}" + (f"  [{note}]" if note else ""))
    out += ["", f"Sources ({len(view['sources'])}):"]
    out += [f"  {source}" for source in view["sources"]]
    out += ["", f"Findings naming it, as of {view['as_of']} ({len(view['findings'])}):"]
    out += [f"  [{finding['severity']}] {finding['explanation']}" for finding in view["findings"]]
    return "\n".join(out) + "\n"
