"""What the sources do not say: findings that would rest on silence.

A gap is a finding only when the sources cover the aspect whose absence makes it. "No board
oversees X" is a governance gap when the sources record X's oversight and name none; when
they never speak of it (X lists `oversight` in `not_recorded`), it is a question to put to
X's owners, not a finding. Each kind below rests on the absence of one aspect:

- `orphan_board`: the board's `reporting` line;
- `unoverseen_initiative`: the initiative's `oversight`;
- `no_lead`: the initiative's `lead`;
- `missing_required_member`: the board's `members`;
- `missing_link`: the `links` of either board;
- `unowned_theme`: the `oversight` of an initiative working on the concern, and
  `parallel_initiatives`: the `oversight` of either initiative ("no board oversees both").
  These two rest on another body's silence, which the unknown names under `about`.

>>> from landscape.model import Entity, Landscape
>>> board = Entity("lcrb", "London Crime Reduction Board", "board", attrs={"not_recorded": "reporting"})
>>> small = Landscape([board], [])
>>> unknown_of({"kind": "orphan_board", "entities": ["lcrb"]}, small)["explanation"]
'The sources do not say whom London Crime Reduction Board reports to, or whether it is part of a larger body.'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from landscape.analysis.findings import listing
from landscape.model import Landscape

Finding = dict[str, Any]

ASPECT_OF_KIND = {
    "orphan_board": "reporting",
    "unoverseen_initiative": "oversight",
    "no_lead": "lead",
    "missing_required_member": "members",
    "missing_link": "links",
    "unowned_theme": "oversight",
    "parallel_initiatives": "oversight",
}

QUESTIONS = {
    "reporting": "whom {0} reports to, or whether it is part of a larger body",
    "oversight": "which board, if any, oversees {0}",
    "lead": "who leads {0}",
    "members": "who sits on {0}, so whether it has a member from {sector}",
    "links": "whether {0} and {1} have an agreed link",
}

# What the answer would settle, for the unknowns that rest on another body's silence
SETTLES = {
    "unowned_theme": "whether any board takes responsibility for {0}",
    "parallel_initiatives": "whether one board oversees both {0} and {1}",
}


def silent_aspect(finding: Finding, landscape: Landscape) -> str | None:
    """The aspect whose absence `finding` would rest on, when one of its bodies lists it in
    `not_recorded` (so the absence is unknown, not recorded as none); else None."""
    aspect = ASPECT_OF_KIND.get(finding["kind"])
    if aspect is None:
        return None
    bodies = [landscape.entities[i] for i in finding["entities"] if i in landscape.entities]
    return aspect if any(not body.is_recorded(aspect) for body in bodies) else None


def unknown_of(finding: Finding, landscape: Landscape, about: Sequence[str] = ()) -> dict[str, Any]:
    """`finding` as an unknown: its `kind` (the finding it would have been), `entities`, the
    `aspect` the sources do not cover and an `explanation` phrased as the question to ask.
    When the silence is another body's (`about`: the initiatives whose oversight is not
    recorded, for a concern or a pair of initiatives), the question is about them, and the
    unknown lists them under `about`.

    >>> from landscape.model import Entity
    >>> vess = Entity("vess", "VESS", "initiative", attrs={"not_recorded": "oversight"})
    >>> small = Landscape([vess, Entity("cl", "CL", "theme")], [])
    >>> print(unknown_of({"kind": "unowned_theme", "entities": ["cl"]}, small, about=["vess"])["explanation"])
    The sources do not say which board, if any, oversees VESS, so whether any board takes responsibility for CL.
    """
    aspect = silent_aspect(finding, landscape) or ASPECT_OF_KIND[finding["kind"]]
    names = [landscape.name_of(i) for i in finding["entities"]]
    if about:
        settles = "whether one board oversees both" if set(about) == set(finding["entities"]) else \
            SETTLES[finding["kind"]].format(*names)
        question = QUESTIONS[aspect].format(listing([landscape.name_of(i) for i in about])) + ", so " + settles
    else:
        question = QUESTIONS[aspect].format(*names, sector=finding.get("sector", "every sector it requires"))
    return {"kind": finding["kind"], "entities": finding["entities"], "aspect": aspect,
            "explanation": f"The sources do not say {question}."} | (
        {"sector": finding["sector"]} if "sector" in finding else {}) | ({"about": sorted(about)} if about else {})


def asked(unknown: dict[str, Any]) -> list[list[str]]:
    """Whom an unknown's question goes to: each body of `about`, whose silence it rests on, on
    its own; else its entities together (a board, or a pair of boards).

    >>> asked({"entities": ["cl"], "about": ["vess", "prevent"]}), asked({"entities": ["a", "b"]})
    ([['vess'], ['prevent']], [['a', 'b']])
    """
    return [[body] for body in unknown["about"]] if unknown.get("about") else [unknown["entities"]]


def channel_unknown(finding: Finding, landscape: Landscape) -> bool:
    """Whether a missing link with no shared member may still have one: either board's members
    are not recorded, so whether they share one is unknown."""
    return (finding["kind"] == "missing_link" and finding.get("channel") == "none"
            and any(not landscape.entities[i].is_recorded("members") for i in finding["entities"]
                    if i in landscape.entities))
