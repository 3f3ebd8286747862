"""The shipped London dataset against its two source documents.

Every fact below names the seed file and line that states it
("<seed file name>:<line number>", the numbering `grep -n` shows). One test checks
the fact against the dataset; another reads the seed at that line and checks it
still says so, so the citations cannot drift. The two documents ship with the dataset, in
graph_data/london/sources/.

The diff tests check that comparing 2021-03 with 2024-12 reports what the
newsletter reports, and nothing more; the CLI tests drive `landscape diff`.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from landscape.analysis.diff import diff
from landscape.io.datasets import shipped_path
from landscape.io.validate import load_dataset
from landscape.model import Landscape, is_current, parse_date, split_list

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "graph_data" / "london" / "sources"
PROPOSAL = "2021-02-asob-proposal-lscp-executive.txt"
NEWSLETTER = "2024-12-adolescent-safeguarding-newsletter.txt"
P, N = PROPOSAL, NEWSLETTER

# How each document is cited in the dataset's `source` / `source_doc` columns.
PROPOSAL_DOC = "2021-02 ASOB proposal to LSCP Executive"
NEWSLETTER_DOC = "2024-12 LASOB newsletter"
# The fixed set of section labels (graph_data/london/README.md, "Provenance").
SECTIONS = {
    PROPOSAL_DOC: {
        "Main paper", "Appendix 1 (Adolescent Safeguarding in London in 2021)",
        "Appendix 2 (Draft Terms of Reference)", "Appendix 3 (Pan-London Boards)",
        "Appendix 3 (Local Boards and Resources)", "Appendix 3 (Central Govt / National bodies)",
        "Appendix 3 (VCS)",
    },
    NEWSLETTER_DOC: {
        "Chair's introduction", "Updates from LASOB", "ASIL Practice Guide", "London Young People Study",
        "Violence and Exploitation Support Service", "Youth Justice Inspection",
        "Counter Terrorism Police Prevent update", "In the news (Serious Youth Violence JTAI)",
        "MACE Review and Implementation", "VRU Trauma-Informed Practice project", "Get in touch",
    },
}


@pytest.fixture(scope="module")
def london() -> Landscape:
    path = shipped_path("london")
    assert path is not None, "the london dataset is not shipped"
    return load_dataset(path)


def aliases(entity) -> list[str]:
    return split_list(entity.get("aliases"))


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, plain single spaces: how key words are matched."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


# --- checks a fact can make --------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    """An entity exists with this type, and these attributes where given."""

    id: str
    type: str
    sector: str | None = None
    level: str | None = None
    start: str | None = None
    end: str | None = None
    top: bool | None = None
    name: str | None = None  # a part of its name
    alias: str | None = None  # one of its aliases

    def verify(self, landscape: Landscape) -> None:
        entity = landscape.entities.get(self.id)
        assert entity is not None, f"no entity {self.id!r}"
        assert entity.type == self.type, f"{self.id} is a {entity.type}, not a {self.type}"
        for attribute in ("sector", "level", "start", "end"):
            expected = getattr(self, attribute)
            actual = getattr(entity, attribute) if attribute in ("start", "end") else entity.get(attribute)
            if expected is not None:
                assert actual == expected, f"{self.id}: {attribute} is {actual!r}, expected {expected!r}"
        if self.top is not None:
            assert entity.is_top is self.top, f"{self.id}: top is {entity.is_top}"
        if self.name is not None:
            assert self.name in entity.name, f"{self.id}: name {entity.name!r} lacks {self.name!r}"
        if self.alias is not None:
            assert self.alias in aliases(entity), f"{self.id}: {self.alias!r} not in aliases {aliases(entity)}"

    def __str__(self) -> str:
        article = "an" if self.type[0] in "aeiou" else "a"
        return f"{self.id} is {article} {self.type}"


@dataclass(frozen=True)
class Edge:
    """A relationship exists, with this role and these dates where given."""

    source: str
    type: str
    target: str
    role: str | None = None
    start: str | None = None
    end: str | None = None

    def verify(self, landscape: Landscape) -> None:
        for end_id in (self.source, self.target):
            assert end_id in landscape.entities, f"no entity {end_id!r}"
        pairs = {(self.source, self.target)}
        if self.type == "communicates_with":
            pairs.add((self.target, self.source))
        candidates = [e for e in landscape.edges(self.type) if (e.source, e.target) in pairs]
        assert candidates, f"no {self.type} relationship from {self.source} to {self.target}"
        matching = [
            e for e in candidates
            if (self.role is None or e.role == self.role)
            and (self.start is None or e.start == self.start)
            and (self.end is None or e.end == self.end)
        ]
        found = [(e.role, e.start, e.end) for e in candidates]
        assert matching, (f"{self.source} {self.type} {self.target}: expected role={self.role!r} "
                          f"start={self.start!r} end={self.end!r}; found (role, start, end) {found}")

    def __str__(self) -> str:
        return f"{self.source} {self.type} {self.target}"


@dataclass(frozen=True)
class Fact:
    cite: str  # "<seed file name>:<line number>"
    words: tuple[str, ...]  # key words the cited line states (matched case-insensitively)
    check: Node | Edge

    @property
    def seed(self) -> str:
        return self.cite.rsplit(":", 1)[0]

    @property
    def line(self) -> int:
        return int(self.cite.rsplit(":", 1)[1])


def fact(seed: str, line: int, words: str | tuple[str, ...], check: Node | Edge) -> Fact:
    return Fact(f"{seed}:{line}", (words,) if isinstance(words, str) else words, check)


FACTS = [
    # --- 2021-02 proposal: main paper -----------------------------------------------------------
    fact(P, 5, ("oversight board reporting to", "executive"), Edge("lasob", "reports_to", "lscp-executive")),
    fact(P, 7, "accountability for safeguarding rests with local partnerships",
         Node("local-safeguarding-children-partnerships", "board", level="local", top=True)),
    fact(P, 9, "over-arching governance body in London",
         Node("lscp-executive", "board", level="regional", top=True)),
    fact(P, 17, ("first chair", "ALDCS policy lead for adolescent safeguarding"),
         Edge("aldcs-adolescent-safeguarding-lead", "member_of", "lasob", role="chair")),
    fact(P, 17, "Adolescent Safeguarding Oversight Board (ASOB)", Node("lasob", "board", alias="ASOB")),
    # --- Appendix 1: adolescent safeguarding in London in 2021 ----------------------------------
    fact(P, 31, ("London Child Exploitation Protocol", "launched in March 2021"),
         Node("london-child-exploitation-protocol", "initiative", level="regional", start="2021-03")),
    fact(P, 31, "MPS-led", Edge("met-police", "leads", "london-child-exploitation-protocol")),
    fact(P, 31, "expand the existing Pan-London CSE Protocol",
         Node("pan-london-cse-protocol", "initiative", end="2021-03")),
    fact(P, 31, "child criminal exploitation",
         Edge("london-child-exploitation-protocol", "addresses", "theme-cce")),
    fact(P, 32, ("ASPF", "2019", "ALDCS adolescent safeguarding priority programme"),
         Node("aspf", "initiative", start="2019")),
    fact(P, 32, "ALDCS", Edge("aldcs", "leads", "aspf")),
    fact(P, 33, "sponsored by the Department for Education", Edge("dfe", "funds", "tce")),
    fact(P, 33, "steering group for the TCE programme", Edge("lasob", "oversees", "tce")),
    fact(P, 34, ("Youth Justice Disproportionality Action Plan", "launched in February 2021"),
         Node("yj-disproportionality-action-plan", "initiative", start="2021-02")),
    fact(P, 34, "action plan and a working group", Edge("lcrb-working-group", "part_of", "lcrb")),
    fact(P, 34, "racial disparities", Edge("lcrb", "addresses", "theme-racial-disproportionality")),
    fact(P, 36, ("working group of London's leads for social care", "Editorial Board"),
         Edge("cp-procedures-working-group", "reports_to", "cp-procedures-editorial-board")),
    fact(P, 36, "gang involvement", Edge("cp-procedures-efh-review", "addresses", "theme-gangs")),
    fact(P, 37, ("pathfinder projects", "2021"), Edge("yjb", "leads", "yjb-child-first-pathfinders", start="2021")),
    fact(P, 39, "VRU funding", Edge("vru", "funds", "contextual-safeguarding-scale-up")),
    fact(P, 39, "University of Bedfordshire", Edge("univ-bedfordshire", "leads", "contextual-safeguarding-scale-up")),
    fact(P, 40, "MOPAC led", Edge("mopac", "leads", "reducing-criminalisation-protocol")),
    fact(P, 40, "launched by the London Crime Reduction Board",
         Edge("lcrb", "oversees", "reducing-criminalisation-protocol")),
    fact(P, 40, "trauma", Edge("reducing-criminalisation-protocol", "addresses", "theme-trauma-informed-practice")),
    fact(P, 41, ("MOPAC-led", "transitional hub", "this year"),
         Edge("mopac", "leads", "transitional-hub-pilot", start="2021")),
    # --- Appendix 2: draft terms of reference ---------------------------------------------------
    fact(P, 48, "report to the London Safeguarding Children's Partnership (LSCP) Executive",
         Edge("lasob", "reports_to", "lscp-executive")),
    fact(P, 53, "multi-agency adolescent practice framework",
         Node("aspf", "initiative", alias="multi-agency adolescent practice framework")),
    fact(P, 54, "shared adolescent safeguarding data-set",
         Edge("lasob", "oversees", "adolescent-safeguarding-dataset")),
    fact(P, 55, "Oversight of the Tackling Child Exploitation Support Programme", Edge("lasob", "oversees", "tce")),
    fact(P, 56, "crime reduction structures", Edge("lasob", "communicates_with", "lcrb")),
    fact(P, 60, ("director of children's services x 2", "policy lead for adolescent safeguarding"),
         Edge("lasob-second-dcs", "member_of", "lasob", role="member")),
    fact(P, 60, "director of children's services", Node("lasob-second-dcs", "person", sector="local-government")),
    fact(P, 61, "Metropolitan Police",
         Edge("met-police-safeguarding-exploitation-lead", "member_of", "lasob", role="member")),
    fact(P, 61, "Metropolitan Police", Node("met-police-safeguarding-exploitation-lead", "person", sector="police")),
    fact(P, 62, ("Chief nurse", "CCGs"), Edge("ccg-chief-nurse", "member_of", "lasob", role="member")),
    fact(P, 62, "Chief nurse", Node("ccg-chief-nurse", "person", sector="health")),
    fact(P, 63, "NHS England Health and Justice London Lead",
         Edge("nhse-health-justice-london-lead", "member_of", "lasob", role="member")),
    fact(P, 64, "MOPAC young people's lead", Edge("mopac-young-peoples-lead", "member_of", "lasob", role="member")),
    fact(P, 64, "MOPAC", Node("mopac-young-peoples-lead", "person", sector="mayoral")),
    fact(P, 65, "Voluntary and community sector x 2", Edge("lasob-vcs-seat-1", "member_of", "lasob", role="member")),
    fact(P, 65, "Voluntary and community sector x 2", Edge("lasob-vcs-seat-2", "member_of", "lasob", role="member")),
    fact(P, 65, "Voluntary and community sector", Node("lasob-vcs-seat-2", "person", sector="vcs")),
    fact(P, 69, "programme lead for the Tackling Child Exploitation Support Programme",
         Edge("tce-programme-lead", "member_of", "lasob", role="attendee")),
    fact(P, 69, ("Secretariat support", "London Innovation and Improvement Alliance"),
         Edge("liia", "member_of", "lasob", role="secretariat")),
    fact(P, 69, "statutory safeguarding partners",
         Edge("lasob-support-officer-police", "member_of", "lasob", role="attendee")),
    # --- Appendix 3: initial scoping ------------------------------------------------------------
    fact(P, 79, "LSCP exec and board", Node("lscp-board", "board", level="regional")),
    fact(P, 79, "LSCP exec and board", Edge("lscp-board", "part_of", "lscp-executive")),
    fact(P, 80, "CP Procedures group",
         Node("cp-procedures-editorial-board", "board", level="regional", alias="CP Procedures group")),
    fact(P, 81, "CP managers network", Node("cp-managers-network", "board", level="regional")),
    fact(P, 82, "MASH Managers Network", Node("mash-managers-network", "board", level="regional")),
    fact(P, 86, "ALDCS and adolescent safeguarding work group",
         Edge("aldcs-adolescent-safeguarding-work-group", "part_of", "aldcs")),
    fact(P, 87, "London Heads of Community Safety",
         Node("london-heads-of-community-safety", "board", level="regional")),
    fact(P, 88, "Youth Justice Service Strategic Leads", Node("yjs-strategic-leads", "board", level="regional")),
    fact(P, 91, "London Crime Reduction Board", Node("lcrb", "board", level="regional")),
    fact(P, 92, "London Criminal Justice Board", Node("lcjb", "board", level="regional")),
    fact(P, 93, "MOPAC", Node("mopac", "agency", sector="mayoral", level="regional")),
    fact(P, 94, "VRU", Edge("vru-boards", "reports_to", "vru")),
    fact(P, 95, "GLA", Edge("gla-cyp-board", "reports_to", "gla")),
    fact(P, 96, "Young People's sub-group", Edge("recovery-board-yp-subgroup", "part_of", "recovery-board")),
    fact(P, 97, "London MAPPA Strategic Board", Node("mappa-strategic-board", "board", level="regional")),
    fact(P, 100, "London NHS Board", Node("london-nhs-board", "board", sector="health", level="regional")),
    fact(P, 101, "Violence Reduction Board",
         Node("health-violence-reduction-board", "board", sector="health", level="regional")),
    fact(P, 106, "Safeguarding Children Partnership",
         Node("local-safeguarding-children-partnerships", "board", level="local")),
    fact(P, 107, "Violence Reduction Partnerships", Node("violence-reduction-partnerships", "board", level="local")),
    fact(P, 108, "Community Safety Partnerships", Node("community-safety-partnerships", "board", level="local")),
    fact(P, 109, "Integrated Care Partnerships (Health)",
         Node("integrated-care-partnerships", "board", sector="health", level="local")),
    fact(P, 109, "sub-regional IC Systems Boards",
         Node("integrated-care-system-boards", "board", sector="health", level="sub-regional")),
    fact(P, 110, "Youth Justice Management Boards", Node("youth-justice-management-boards", "board", level="local")),
    fact(P, 113, "Safer schools officers", Node("safer-schools-officers", "agency", level="local")),
    fact(P, 114, "Youth problem solvers", Node("youth-problem-solvers", "agency", level="local")),
    fact(P, 120, "MoJ", Node("moj", "agency", sector="central-government", level="national")),
    fact(P, 121, "Home Office", Node("home-office", "agency", sector="central-government", level="national")),
    fact(P, 122, "DHSC", Node("dhsc", "agency", sector="central-government", level="national")),
    fact(P, 123, "National Probation Service", Node("nps", "agency", level="national")),
    fact(P, 124, "DfE REACT teams", Edge("dfe-react-teams", "part_of", "dfe")),
    fact(P, 125, "YJB", Node("yjb", "agency", level="national")),
    fact(P, 125, "London YOS HoS group", Edge("london-yos-hos-group", "reports_to", "yjb")),
    fact(P, 126, "HMCTS", Node("hmcts", "agency", level="national")),
    fact(P, 127, "Victim Support", Node("victim-support", "vcs", level="national")),
    fact(P, 130, "Rescue and Response", Node("rescue-and-response", "vcs", sector="vcs")),
    fact(P, 131, "St Giles", Node("st-giles-trust", "vcs", sector="vcs", alias="St Giles")),
    fact(P, 132, "Children's Society",
         Node("childrens-society", "vcs", sector="vcs", name="The Children's Society", alias="Children's Society")),
    fact(P, 133, "Barbados", Node("barnardos", "vcs", sector="vcs", name="Barnardo's", alias="Barbados")),
    fact(P, 134, "Redthread", Node("redthread", "vcs", sector="vcs")),
    fact(P, 135, "Abianda", Node("abianda", "vcs", sector="vcs")),
    fact(P, 136, "Safer London", Node("safer-london", "vcs", sector="vcs")),
    fact(P, 137, "Spark2life", Node("spark2life", "vcs", sector="vcs", alias="Spark2life")),
    fact(P, 138, "Street Doctors", Node("streetdoctors", "vcs", sector="vcs", alias="Street Doctors")),
    # --- 2024-12 newsletter -------------------------------------------------------------------
    fact(N, 9, ("Oversight Board meeting", "racism and disproportionality"),
         Edge("lasob", "addresses", "theme-racial-disproportionality")),
    fact(N, 11, "strong anti-racist commitment",
         Edge("aldcs-adolescent-safeguarding-programme", "addresses", "theme-racial-disproportionality")),
    fact(N, 19, ("ALDCS Adolescent Safeguarding policy lead", "chair of the London Adolescent Safeguarding"),
         Edge("aldcs-adolescent-safeguarding-lead", "member_of", "lasob", role="chair")),
    fact(N, 19, "chair of the ALDCS", Edge("aldcs-chair", "member_of", "aldcs", role="chair")),
    fact(N, 34, ("November LASOB meeting", "racism and disproportionality"),
         Node("lasob", "board", alias="LASOB")),
    fact(N, 36, ("extended Leadership in Colour programme", "racial"),
         Edge("leadership-in-colour", "addresses", "theme-racial-disproportionality")),
    fact(N, 38, "ALDCS committing", Edge("aldcs", "leads", "leadership-in-colour")),
    fact(N, 42, "Leadership in Colour Reference Group",
         Edge("leadership-in-colour-reference-group", "communicates_with", "aldcs-adolescent-safeguarding-work-group")),
    fact(N, 43, "Lambeth", Edge("lambeth", "leads", "borough-anti-racist-practice")),
    fact(N, 43, "Merton", Edge("merton", "leads", "borough-anti-racist-practice")),
    fact(N, 43, "Haringey", Edge("haringey", "leads", "borough-anti-racist-practice")),
    fact(N, 43, "Lewisham", Edge("lewisham", "leads", "borough-anti-racist-practice")),
    fact(N, 44, ("presented the Adolescent Safeguarding Data Dashboard", "members"),
         Edge("liia-strategic-lead", "member_of", "lasob", role="attendee")),
    fact(N, 48, ("the Difference", "lost learning"), Edge("the-difference", "leads", "lost-learning-collaboration")),
    fact(N, 49, ("rapid reviews", "published by the London Safeguarding Children's Partnership"),
         Edge("lscp-executive", "leads", "rapid-reviews-analysis")),
    fact(N, 57, "Adolescent Safeguarding in London (ASIL) Practice Guide",
         Node("asil-practice-guide", "initiative", alias="ASIL")),
    fact(N, 59, ("commissioned by", "London Safeguarding Children Partnership"),
         Edge("lscp-executive", "leads", "asil-practice-guide")),
    fact(N, 59, "Association of London Directors of Children's Services",
         Edge("aldcs", "leads", "asil-practice-guide")),
    fact(N, 59, "developed by a project team at", Edge("liia", "delivers", "asil-practice-guide")),
    fact(N, 59, "overseen by the London Adolescent Safeguarding Oversight Board",
         Edge("lasob", "oversees", "asil-practice-guide")),
    fact(N, 61, "ASIL2 project is underway", Node("asil2", "initiative", end="")),
    fact(N, 71, ("1273", "London Young People Study"), Node("london-young-people-study", "initiative")),
    fact(N, 79, "Your Choice Programme - LIIA", Edge("liia", "leads", "your-choice")),
    fact(N, 83, ("Violence and Exploitation Support Service was launched in June"),
         Node("vess", "initiative", level="regional", start="2024-06")),
    fact(N, 83, "delivered by an Alliance of voluntary sector organisations", Edge("vess-alliance", "leads", "vess")),
    fact(N, 83, "Alliance of voluntary sector organisations", Node("vess-alliance", "board", sector="vcs")),
    fact(N, 83, "LIIA has been commissioned as the local authority partner",
         Edge("liia", "supports", "vess-alliance")),
    fact(N, 83, "LIIA has been commissioned as the local authority partner", Edge("liia", "delivers", "vess")),
    fact(N, 84, "VESS Local Authority Coordination team", Edge("vess-la-coordination-team", "part_of", "liia")),
    fact(N, 93, "Safer London", Edge("safer-london", "delivers", "vess", start="2024-06")),
    fact(N, 93, "Safer London", Edge("safer-london", "member_of", "vess-alliance", role="member")),
    fact(N, 93, "trauma informed", Edge("vess", "addresses", "theme-trauma-informed-practice")),
    fact(N, 93, "Front Door referral and screening team", Edge("safer-london", "leads", "safer-london-front-door")),
    fact(N, 95, "St Giles' Trust", Edge("st-giles-trust", "delivers", "vess", start="2024-06")),
    fact(N, 95, "St Giles' Trust", Edge("st-giles-trust", "member_of", "vess-alliance", role="member")),
    fact(N, 95, "County Lines", Edge("vess", "addresses", "theme-county-lines")),
    fact(N, 97, "New Horizon Youth Centre", Edge("new-horizon-youth-centre", "delivers", "vess", start="2024-06")),
    fact(N, 97, "New Horizon Youth Centre",
         Edge("new-horizon-youth-centre", "member_of", "vess-alliance", role="member")),
    fact(N, 97, "youth homelessness", Edge("vess", "addresses", "theme-youth-homelessness")),
    fact(N, 99, "Anna Freud", Edge("anna-freud", "delivers", "vess", start="2024-06")),
    fact(N, 99, "Anna Freud", Edge("anna-freud", "member_of", "vess-alliance", role="member")),
    fact(N, 99, "AMBIT", Edge("anna-freud", "leads", "ambit")),
    fact(N, 99, "mental health charity", Edge("vess", "addresses", "theme-mental-health")),
    fact(N, 101, ("Mayor's Office for Policing and Crime", "over three years (2024/5-2026/7)"),
         Edge("mopac", "funds", "vess", start="2024-04", end="2027-03")),
    fact(N, 107, "Safer London Front Door", Node("safer-london-front-door", "initiative")),
    fact(N, 115, ("Rescue element", "operated by St Giles Trust"), Edge("st-giles-trust", "leads", "vess-rescue")),
    fact(N, 115, "County Lines", Edge("vess-rescue", "addresses", "theme-county-lines")),
    fact(N, 119, ("HMI Probation", "commence in April 2025"),
         Edge("hmi-probation", "leads", "hmip-yj-inspection-framework")),
    fact(N, 119, "commence in April 2025", Node("hmip-yj-inspection-framework", "initiative", start="2025-04")),
    fact(N, 131, ("Youth Justice services", "Prevent"), Edge("youth-justice-services", "delivers", "prevent")),
    fact(N, 131, ("Children's Services", "Prevent"), Edge("la-childrens-services", "delivers", "prevent")),
    fact(N, 133, "CONTEST strategy", Node("contest", "initiative", start="")),
    fact(N, 133, "delivered locally through the statutory partners",
         Edge("london-local-authorities", "delivers", "prevent")),
    fact(N, 135, ("Police Prevent teams", "4 clusters"), Node("ct-police-london", "agency", sector="police")),
    fact(N, 137, "online extremism", Edge("five-eyes-online-extremism-call", "addresses", "theme-online-extremism")),
    fact(N, 137, "Counter Terrorism Policing",
         Edge("counter-terrorism-policing", "leads", "five-eyes-online-extremism-call")),
    fact(N, 137, "terrorism offending", Edge("prevent", "addresses", "theme-online-extremism")),
    fact(N, 141, ("Young People and Violent Extremism", "radicalisation"),
         Edge("young-people-violent-extremism-report", "addresses", "theme-online-extremism")),
    fact(N, 145, "SO15 Proscribed Groups", Node("so15-signs-symbols-guide", "initiative")),
    fact(N, 159, ("Joint Targeted Area Inspection", "published in November"),
         Node("jtai-serious-youth-violence", "initiative", start="2024-11")),
    fact(N, 159, "Serious Youth Violence", Edge("jtai-serious-youth-violence", "addresses", "theme-syv")),
    fact(N, 162, "carrying knives", Edge("jtai-serious-youth-violence", "addresses", "theme-knife-carrying")),
    fact(N, 163, "special educational needs", Edge("jtai-serious-youth-violence", "addresses", "theme-send")),
    fact(N, 170, "Safer London's qualitative research", Edge("safer-london", "leads", "who-cares-research")),
    fact(N, 174, ("Septembers London MACE chairs Network meeting", "London Child Exploitation Protocol"),
         Node("mace-chairs-network", "board", level="regional", start="2024-09")),
    fact(N, 174, "revision to the London Child Exploitation Protocol",
         Edge("mace-chairs-network", "oversees", "cep-fifth-edition")),
    fact(N, 174, "meeting led by", Edge("mace-network-lead", "member_of", "mace-chairs-network", role="chair")),
    fact(N, 176, "fifth edition of the protocol", Node("cep-fifth-edition", "initiative", start="2024-09")),
    fact(N, 178, "violence and exploitation in all its forms",
         Edge("cep-fifth-edition", "addresses", "theme-child-exploitation")),
    fact(N, 182, "victim-blaming", Edge("victim-blaming-language-guide", "addresses", "theme-victim-blaming-language")),
    fact(N, 190, "Trauma-Informed Practice project", Edge("vru", "leads", "vru-trauma-informed-practice")),
    fact(N, 190, "trauma-informed",
         Edge("vru-trauma-informed-practice", "addresses", "theme-trauma-informed-practice")),
    fact(N, 196, "setting up Champions Group", Node("vru-trauma-champions-group", "board")),
    fact(N, 202, "Trauma-Informed London Survey", Edge("vru", "leads", "trauma-informed-london-survey")),
    fact(N, 208, "open until 10th January 2025", Node("trauma-informed-london-survey", "initiative", end="2025-01-10")),
]


def fact_id(item: Fact) -> str:
    return f"{item.cite} {item.check}"


# --- 1. the dataset is valid, sourced and free of contact details --------------------------------

def test_the_dataset_validates(london):
    assert len(london) > 100
    assert london.counts()["relationships"] > 100


def test_every_entity_and_relationship_has_a_source(london):
    assert [e.id for e in london.entities.values() if not e.source.strip()] == []
    assert [(r.source, r.type, r.target) for r in london.relationships if not r.source_doc.strip()] == []


def test_every_source_cites_one_of_the_two_documents_by_a_known_section(london):
    cited = [(e.id, e.source) for e in london.entities.values()]
    cited += [(f"{r.source} {r.type} {r.target}", r.source_doc) for r in london.relationships]
    wrong = []
    for where, source in cited:
        for part in source.split("; "):
            document, _, section = part.partition(", ")
            if section not in SECTIONS.get(document, ()):
                wrong.append((where, part))
    assert wrong == []


def test_every_csv_row_has_a_source_cell():
    folder = shipped_path("london")
    assert folder is not None
    for file, column in (("entities.csv", "source"), ("relationships.csv", "source_doc")):
        with open(folder / file, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, file
        assert [line for line, row in enumerate(rows, start=2) if not (row.get(column) or "").strip()] == [], file


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+44\s?(?:\(0\)\s?)?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
# The seeds' contact details, some printed without their '@' (e.g. "Mei.Hoelondoncouncils.gov.uk").
CONTACT_DOMAINS = ("londoncouncils.gov.uk", "saferlondon.org.uk")
NAMED_PEOPLE = ("Florence Kroll", "Kroll", "Ben Byrne", "Byrne", "Jeanne King", "Mei Ho", "Edward Miles")


@pytest.mark.parametrize("file", ["entities.csv", "relationships.csv"])
def test_no_contact_details_anywhere(file):
    folder = shipped_path("london")
    assert folder is not None
    text = (folder / file).read_text(encoding="utf-8")
    assert EMAIL.findall(text) == []
    assert [m.group(0) for m in PHONE.finditer(text)] == []
    assert [domain for domain in CONTACT_DOMAINS if domain in text.lower()] == []
    assert "3911" not in text  # the newsletter's phone number, in any spacing
    # Posts, not people: the named individuals of the documents stay out of the data.
    assert [name for name in NAMED_PEOPLE if re.search(rf"\b{name}\b", text)] == []


def test_the_contact_detail_patterns_do_catch_the_seeds_details():
    """The patterns above are not vacuous: they find what the seeds hold."""
    assert EMAIL.findall("contact ben.byrne@londoncouncils.gov.uk ") == ["ben.byrne@londoncouncils.gov.uk"]
    assert PHONE.search("can be contacted via 020 3911 9391.")
    assert not PHONE.search("2024-06,2027-03,2025-01-10,1273")


def test_the_readme_counts_match_the_dataset(london):
    folder = shipped_path("london")
    assert folder is not None
    readme = (folder / "README.md").read_text(encoding="utf-8")
    match = re.search(r"(\d+) entities and (\d+) rows in `relationships.csv`. The `themes` column adds\s+"
                      r"(\d+) `addresses` edges, which makes (\d+) relationships", readme)
    assert match, "README no longer states the counts"
    entities, rows, themed, total = map(int, match.groups())
    with open(folder / "relationships.csv", encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == rows
    assert len(london) == entities
    assert len(london.relationships) == total == rows + themed


# --- 2. facts from the documents --------------------------------------------------------------

def test_there_are_at_least_35_facts_from_both_documents():
    assert len(FACTS) >= 35
    assert {item.seed for item in FACTS} == {PROPOSAL, NEWSLETTER}
    assert len({(item.cite, str(item.check)) for item in FACTS}) == len(FACTS), "a fact is listed twice"


@pytest.mark.parametrize("item", FACTS, ids=fact_id)
def test_fact_is_in_the_dataset(london, item):
    item.check.verify(london)


@pytest.fixture(scope="module")
def seed_lines() -> dict[str, list[str]]:
    """Each source document's lines, numbered as grep -n does (a missing document fails)."""
    return {name: (SEEDS / name).read_text(encoding="utf-8").split("\n") for name in (PROPOSAL, NEWSLETTER)}


@pytest.mark.parametrize("item", FACTS, ids=fact_id)
def test_cited_line_states_the_fact(seed_lines, item):
    lines = seed_lines[item.seed]
    assert 1 <= item.line <= len(lines), f"{item.cite}: the file has {len(lines)} lines"
    text = normalise(lines[item.line - 1])
    missing = [word for word in item.words if normalise(word) not in text]
    assert missing == [], f"{item.cite} reads {lines[item.line - 1].strip()[:200]!r}"


def test_barbados_is_corrected_to_barnardos(london):
    assert [e.id for e in london.entities.values() if "barbados" in e.name.lower()] == []
    assert london.entities["barnardos"].name == "Barnardo's"
    assert "Barbados" in aliases(london.entities["barnardos"])
    assert "error" in london.entities["barnardos"].get("note").lower()


def test_st_giles_trust_is_one_node(london):
    mentions = [e.id for e in london.entities.values()
                if any("st giles" in normalise(text) for text in [e.name, *aliases(e)])]
    assert mentions == ["st-giles-trust"]
    st_giles = london.entities["st-giles-trust"]
    assert {"St Giles", "St Giles' Trust"} <= set(aliases(st_giles))
    assert PROPOSAL_DOC in st_giles.source and NEWSLETTER_DOC in st_giles.source
    # Both documents' facts hang on the one node.
    assert {(r.type, r.target) for r in london.relationships if r.source == "st-giles-trust"} >= {
        ("member_of", "vess-alliance"), ("delivers", "vess"), ("leads", "vess-rescue")}


def test_the_draft_terms_of_reference_membership_matches_required_sectors(london):
    """Appendix 2's seats cover exactly the board's required sectors, with one chair."""
    seats = [r for r in london.edges("member_of") if r.target == "lasob" and r.start == "2021-03"]
    chairs = [r.source for r in seats if r.role == "chair"]
    assert chairs == ["aldcs-adolescent-safeguarding-lead"]
    voting = {r.source for r in seats if r.role in ("chair", "member")}
    assert len(voting) == 8  # DCS x2, police, chief nurse, NHSE, MOPAC, VCS x2
    sectors = {london.entities[member].sector for member in voting}
    assert sectors == set(london.entities["lasob"].required_sectors)


def test_the_pan_london_cse_protocol_ends_when_its_successor_starts(london):
    old = london.entities["pan-london-cse-protocol"]
    new = london.entities["london-child-exploitation-protocol"]
    assert old.end == new.start == "2021-03"
    assert "supersedes the pan-london cse protocol" in new.get("note").lower()


# --- 3. what changed from 2021-03 to 2024-12 ------------------------------------------------------

BEFORE, AFTER = date(2021, 3, 31), date(2024, 12, 31)


@pytest.fixture(scope="module")
def changes(london):
    return diff(london, london, before_day=BEFORE, after_day=AFTER)


STARTED_BY_2024 = [
    (f"{N}:83", "vess"),
    (f"{N}:83", "vess-alliance"),
    (f"{N}:57", "asil-practice-guide"),
    (f"{N}:61", "asil2"),
    (f"{N}:36", "leadership-in-colour"),
    (f"{N}:190", "vru-trauma-informed-practice"),
    (f"{N}:71", "london-young-people-study"),
    (f"{N}:79", "your-choice"),
    (f"{N}:174", "mace-chairs-network"),
    (f"{N}:176", "cep-fifth-edition"),
    (f"{N}:159", "jtai-serious-youth-violence"),
]


@pytest.mark.parametrize(("cite", "entity_id"), STARTED_BY_2024, ids=[f"{c} {i}" for c, i in STARTED_BY_2024])
def test_diff_reports_what_the_newsletter_started(changes, cite, entity_id):
    assert entity_id in {row["id"] for row in changes["started"]}


def added(changes) -> set[tuple[str, str, str, str]]:
    return {(r["source"], r["type"], r["target"], r["role"]) for r in changes["relationships_added"]}


@pytest.mark.parametrize("member", ["safer-london", "st-giles-trust", "new-horizon-youth-centre", "anna-freud"])
def test_diff_reports_the_alliance_delivering_vess(changes, member):
    assert (member, "delivers", "vess", "") in added(changes)
    assert (member, "member_of", "vess-alliance", "member") in added(changes)


def test_diff_reports_mopac_funding_vess(changes):
    assert ("mopac", "funds", "vess", "") in added(changes)
    assert ("vess-alliance", "leads", "vess", "") in added(changes)
    assert ("lasob", "oversees", "asil-practice-guide", "") in added(changes)


def test_diff_reports_the_cse_protocol_ended_and_its_successor_continuing(changes):
    assert [row["id"] for row in changes["ended"]] == ["pan-london-cse-protocol"]
    assert ("pan-london-cse-protocol", "addresses", "theme-cse", "") in {
        (r["source"], r["type"], r["target"], r["role"]) for r in changes["relationships_removed"]}
    for side in ("started", "ended"):
        assert "london-child-exploitation-protocol" not in {row["id"] for row in changes[side]}
    assert changes["renamed"] == [] and changes["changed"] == []


def test_diff_reports_nothing_present_in_both_years_as_started(london, changes):
    started = {row["id"] for row in changes["started"]}
    ended = {row["id"] for row in changes["ended"]}
    # Judged from the raw dates, not through Landscape.as_of.
    in_both = {e.id for e in london.entities.values()
               if is_current(e.start, e.end, BEFORE) and is_current(e.start, e.end, AFTER)}
    assert started & in_both == set()
    assert ended & in_both == set()
    for entity_id in started:
        entity = london.entities[entity_id]
        assert entity.start and parse_date(entity.start) > BEFORE, entity_id
        assert NEWSLETTER_DOC in entity.source, f"{entity_id} started, but the newsletter is not its source"
    # Everything the 2021 paper already names and the newsletter mentions again continues.
    named_in_both = {e.id for e in london.entities.values()
                     if PROPOSAL_DOC in e.source and NEWSLETTER_DOC in e.source}
    assert {"lasob", "lscp-executive", "liia", "mopac", "vru", "st-giles-trust", "safer-london",
            "london-child-exploitation-protocol"} <= named_in_both
    assert named_in_both & (started | ended) == set()
    # A relationship reported as new is one the newsletter states.
    assert [r["sentence"] for r in changes["relationships_added"] if NEWSLETTER_DOC not in r["source_doc"]] == []


def test_diff_counts_add_up(changes):
    summary = changes["summary"]
    for key in ("started", "ended", "renamed", "changed", "relationships_added", "relationships_removed"):
        assert summary[key] == len(changes[key])
    assert changes["from"] == {"landscape": "london", "as_of": "2021-03-31"}
    assert changes["to"] == {"landscape": "london", "as_of": "2024-12-31"}


# --- the `landscape diff` command ---------------------------------------------------------------

VESS_NAME = "London Violence and Exploitation Support Service (VESS)"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_diff_table():
    result = run("diff", "london", "--from", "2021-03", "--to", "2024-12")
    assert result.exit_code == 0, result.output
    assert "Changes from london on 2021-03-31 to london on 2024-12-31" in result.output
    assert "STARTED" in result.output
    assert VESS_NAME in result.output
    assert "ENDED (1)" in result.output and "Pan-London CSE Protocol" in result.output


def test_cli_diff_json():
    result = run("diff", "london", "--from", "2021-03", "--to", "2024-12", "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    for key in ("started", "ended", "relationships_added", "relationships_removed"):
        assert changes["summary"][key] > 0, key
    assert "vess" in {row["id"] for row in changes["started"]}
    assert changes["from"]["as_of"] == "2021-03-31" and changes["to"]["as_of"] == "2024-12-31"


def test_cli_diff_markdown():
    result = run("diff", "london", "--from", "2021-03", "--to", "2024-12", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Changes from london on 2021-03-31 to london on 2024-12-31\n")
    assert "\n## Started (" in result.output and "\n## Ended (1)" in result.output
    assert f"\n- {VESS_NAME} (initiative)\n" in result.output


def write_dataset(folder: Path, entities: list[str], relationships: list[str]) -> Path:
    folder.mkdir()
    (folder / "entities.csv").write_text(
        "\n".join(["id,name,type,start,end,source", *entities]) + "\n", encoding="utf-8")
    (folder / "relationships.csv").write_text(
        "\n".join(["source,target,type,role,start,end,source_doc", *relationships]) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def two_datasets(tmp_path):
    before = write_dataset(tmp_path / "before", [
        "exec,LSCP Executive,board,,,paper",
        "asob,Adolescent Safeguarding Oversight Board,board,,,paper",
        "cse,Pan-London CSE Protocol,initiative,,,paper",
    ], [
        "asob,exec,reports_to,,,,paper",
        "asob,cse,oversees,,,,paper",
    ])
    after = write_dataset(tmp_path / "after", [
        "exec,LSCP Executive,board,,,newsletter",
        "asob,London Adolescent Safeguarding Oversight Board (LASOB),board,,,newsletter",
        "vess,Violence and Exploitation Support Service,initiative,2024-06,,newsletter",
    ], [
        "asob,exec,reports_to,,,,newsletter",
        "asob,vess,oversees,,,,newsletter",
    ])
    return before, after


def test_cli_diff_two_datasets_json(two_datasets):
    before, after = two_datasets
    result = run("diff", str(before), str(after), "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    assert changes["renamed"] == [{"id": "asob", "type": "board", "from": "Adolescent Safeguarding Oversight Board",
                                   "to": "London Adolescent Safeguarding Oversight Board (LASOB)"}]
    assert [row["id"] for row in changes["ended"]] == ["cse"]
    assert [row["id"] for row in changes["started"]] == ["vess"]
    assert [(r["source"], r["type"], r["target"]) for r in changes["relationships_added"]] == [
        ("asob", "oversees", "vess")]
    assert [(r["source"], r["type"], r["target"]) for r in changes["relationships_removed"]] == [
        ("asob", "oversees", "cse")]
    assert changes["summary"] == {"started": 1, "ended": 1, "renamed": 1, "changed": 0,
                                  "relationships_added": 1, "relationships_removed": 1}
    assert changes["from"]["landscape"] == "before" and changes["to"]["landscape"] == "after"


def test_cli_diff_two_datasets_table(two_datasets):
    before, after = two_datasets
    result = run("diff", str(before), str(after))
    assert result.exit_code == 0, result.output
    assert "RENAMED (1)" in result.output
    assert "Adolescent Safeguarding Oversight Board → London Adolescent Safeguarding Oversight Board (LASOB)" \
        in result.output
    assert "ENDED (1)" in result.output and "Pan-London CSE Protocol (initiative)" in result.output
    assert "STARTED (1)" in result.output and "Violence and Exploitation Support Service (initiative)" \
        in result.output


@pytest.mark.parametrize("dates", [[], ["--from", "2021-03"], ["--to", "2024-12"]],
                         ids=["no dates", "only --from", "only --to"])
def test_cli_diff_one_dataset_without_both_dates_is_a_usage_error(dates):
    result = run("diff", "london", *dates)
    assert result.exit_code == 2
    assert "Usage:" in result.output
    assert "give --from and --to" in result.output
    assert "Traceback" not in result.output
