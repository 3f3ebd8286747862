"""Findings over time: how many findings of each kind the landscape had at each date it changed.

A landscape changes on the day a fact starts (or, for a fact with no `start`, the day it was
first attested: see `Landscape.as_of`) and on the day after one ends. Each of those
days (up to the analysis date) is analysed with `analyse`, and only its counts by kind are
kept. A landscape that changes on more than a few dozen days is counted on the first of
each year of its dated span instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from landscape.analysis import DEFAULT_LEVEL, Thresholds, analyse
from landscape.analysis.diff import markdown_text
from landscape.model import Fact, Landscape, parse_date

MOST_DAYS = 40
DEFAULT_THRESHOLDS = Thresholds()


def change_days(dates: Iterable[tuple[str, str]]) -> list[date]:
    """The days a landscape with facts dated `(start, end)` changes: each start, and the day
    after each end (partial dates as spans: an end of `2021-03` ends with March), in order.

    >>> change_days([("2021-03", ""), ("", "2021-03"), ("2021-03-01", "2022")])
    [datetime.date(2021, 3, 1), datetime.date(2021, 4, 1), datetime.date(2023, 1, 1)]
    """
    days = set()
    for start, end in dates:
        if start:
            days.add(parse_date(start))
        if end:
            days.add(parse_date(end, end=True) + timedelta(days=1))
    return sorted(days)


def fact_dates(landscape: Landscape) -> list[tuple[str, str]]:
    """The `(start, end)` of every entity and relationship, a fact with no `start` starting on
    the day it was first attested (when it cites a dated source), as `Landscape.as_of` has it.

    >>> from landscape.model import Entity, Source
    >>> cited = Landscape([Entity("b", "B", "board", source="paper")], [],
    ...                   source_table=[Source("paper", "The paper", "2021-02-18")])
    >>> fact_dates(cited)
    [('2021-02-18', '')]
    """
    def start(fact: Fact) -> str:
        first = None if fact.start else landscape.first_attested(fact)
        return first.isoformat() if first else fact.start

    facts: list[Fact] = [*landscape.entities.values(), *landscape.relationships]
    return [(start(fact), fact.end) for fact in facts]


def timeline(days: list[date], until: date, most: int = MOST_DAYS) -> list[date]:
    """The days to count findings on: the change `days` up to `until`, or, when there are
    more than `most`, the first of each year from the first change to `until`.

    >>> timeline([date(2021, 3, 1), date(2024, 6, 1), date(2027, 4, 1)], date(2025, 1, 1))
    [datetime.date(2021, 3, 1), datetime.date(2024, 6, 1)]
    >>> timeline([date(2021, 3, 1), date(2021, 5, 1), date(2023, 2, 1)], date(2023, 6, 1), most=2)
    [datetime.date(2021, 1, 1), datetime.date(2022, 1, 1), datetime.date(2023, 1, 1)]
    """
    chosen = [day for day in days if day <= until]
    if len(chosen) <= most:
        return chosen
    return [date(year, 1, 1) for year in range(chosen[0].year, until.year + 1)]


def counts_on(landscape: Landscape, day: date, thresholds: Thresholds = DEFAULT_THRESHOLDS,
              evidence: str = DEFAULT_LEVEL) -> dict[str, Any]:
    """How many findings of each kind `analyse` gives for `landscape` on `day`, and in all.
    Only the strongest finding of each kind is written: the counts are of every finding."""
    summary = analyse(landscape, as_of=day, thresholds=thresholds, limit=1, evidence=evidence)["summary"]
    return {"date": day.isoformat(), "counts": summary, "total": sum(summary.values())}


def findings_over_time(landscape: Landscape, until: date, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                       most: int = MOST_DAYS, evidence: str = DEFAULT_LEVEL) -> dict[str, Any]:
    """The findings of `landscape` counted by kind on each day it changed, up to `until` (or
    yearly, when it changed on more than `most` days), using facts known at least as well as
    `evidence`."""
    changes = change_days(fact_dates(landscape))
    rows = [counts_on(landscape, day, thresholds, evidence) for day in timeline(changes, until, most)]
    kinds = list(rows[0]["counts"]) if rows else list(analyse(Landscape([], []))["summary"])
    return {"landscape": landscape.name, "until": until.isoformat(),
            "yearly": sum(1 for day in changes if day <= until) > most, "kinds": kinds, "dates": rows}


def as_csv(series: dict[str, Any]) -> str:
    """One row per date: the date, the count of each kind, and the total.

    >>> print(as_csv({"kinds": ["no_lead"], "dates": [{"date": "2021-03-01", "counts": {"no_lead": 2}, "total": 2}]}))
    date,no_lead,total
    2021-03-01,2,2
    <BLANKLINE>
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", *series["kinds"], "total"])
    for row in series["dates"]:
        writer.writerow([row["date"], *(row["counts"][kind] for kind in series["kinds"]), row["total"]])
    return buffer.getvalue()


def as_table(series: dict[str, Any]) -> str:
    """The counts as aligned columns for a terminal, one line per date."""
    kinds = series["kinds"]
    widths = [max(len(kind), 3) for kind in kinds]
    lines = [f"Findings of {series['landscape']} by kind, on each date it changed up to {series['until']}"
             + (" (yearly)" if series["yearly"] else ""), "",
             "  ".join(["date      ", *(kind.rjust(width) for kind, width in zip(kinds, widths)), "total"])]
    for row in series["dates"]:
        lines.append("  ".join([row["date"], *(str(row["counts"][kind]).rjust(width)
                                               for kind, width in zip(kinds, widths)),
                                str(row["total"]).rjust(5)]))
    return "\n".join(lines) + "\n"


def as_markdown(series: dict[str, Any]) -> str:
    """The counts as a Markdown table."""
    kinds = series["kinds"]
    lines = [f"# Findings of {markdown_text(series['landscape'])} over time", "",
             "| date | " + " | ".join(kinds) + " | total |", "|---" * (len(kinds) + 2) + "|"]
    lines += [f"| {row['date']} | " + " | ".join(str(row["counts"][kind]) for kind in kinds) + f" | {row['total']} |"
              for row in series["dates"]]
    return "\n".join(lines) + "\n"
