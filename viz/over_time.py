"""Findings over time as a small chart: an inline SVG with the table of its numbers behind it.

The chart is a fragment of HTML (a `<figure>`) that needs no script and no style sheet: a
step line for each category of finding (overlaps, gaps, missing links), as counted on each
date the landscape changed (`landscape.analysis.over_time`), and under it, in a `<details>`
block, the table of every kind's count. Every text is escaped; the report can include it
as it is.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from landscape.analysis import category

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 16, 28  # margins: axis labels left and below, legend right
COLOURS = {"overlap": "#d95f02", "gap": "#1b9e77", "missing link": "#7570b3"}
LABELS = {"overlap": "Overlaps", "gap": "Gaps", "missing link": "Missing links"}


def by_category(series: dict[str, Any]) -> dict[str, list[int]]:
    """The counts of each category of finding on each date of `series`.

    >>> by_category({"kinds": ["shared_remit", "no_lead"], "dates": [
    ...     {"date": "2021-03-01", "counts": {"shared_remit": 2, "no_lead": 1}}]})
    {'overlap': [2], 'gap': [1], 'missing link': [0]}
    """
    totals: dict[str, list[int]] = {name: [0] * len(series["dates"]) for name in COLOURS}
    for number, row in enumerate(series["dates"]):
        for kind in series["kinds"]:
            totals[category(kind)][number] += row["counts"][kind]
    return totals


def x_positions(days: list[date], end: date, width: float) -> list[float]:
    """Each day's x, in proportion to time from the first day (at 0) to `end` (at `width`).

    >>> x_positions([date(2021, 1, 1), date(2021, 1, 11)], date(2021, 1, 21), 100)
    [0.0, 50.0]
    """
    first, span = days[0].toordinal(), max(end.toordinal() - days[0].toordinal(), 1)
    return [round((day.toordinal() - first) / span * width, 1) for day in days]


def step_path(xs: list[float], ys: list[float], end: float) -> str:
    """An SVG path that holds each value until the next x, and the last one until `end`.

    >>> step_path([0, 10], [5, 2], 20)
    'M0,5 H10 V2 H20'
    """
    path = f"M{xs[0]:g},{ys[0]:g}"
    for x, y in zip(xs[1:], ys[1:]):
        path += f" H{x:g} V{y:g}"
    return path + f" H{end:g}"


def chart_svg(series: dict[str, Any]) -> str:
    """The step chart of `series` (from `findings_over_time`) as an inline SVG element."""
    rows = series["dates"]
    if not rows:
        return ""
    days = [date.fromisoformat(row["date"]) for row in rows]
    end = max(date.fromisoformat(series["until"]), days[-1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    counts = by_category(series)
    top = max(1, *(max(values) for values in counts.values()))
    xs = [LEFT + x for x in x_positions(days, end, plot_w)]

    def y(value: float) -> float:
        return round(TOP + plot_h - value / top * plot_h, 1)

    label = f"Findings of {series['landscape']} by category, {rows[0]['date']} to {series['until']}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{escape(label)}" font-family="sans-serif" font-size="11">',
             f"<title>{escape(label)}</title>",
             f'<line x1="{LEFT}" y1="{y(0)}" x2="{LEFT + plot_w}" y2="{y(0)}" stroke="#888"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{y(0)}" stroke="#888"/>']
    for value in sorted({0, top // 2, top}):
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4}" text-anchor="end">{value}</text>')
    for year in range(days[0].year + (days[0] > date(days[0].year, 1, 1)), end.year + 1):
        x = LEFT + x_positions([days[0], date(year, 1, 1)], end, plot_w)[1]
        parts.append(f'<text x="{x}" y="{HEIGHT - 8}" text-anchor="middle">{year}</text>')
    for number, (name, values) in enumerate(counts.items()):
        colour = COLOURS[name]
        parts.append(f'<path d="{step_path(xs, [y(v) for v in values], LEFT + plot_w)}" fill="none" '
                     f'stroke="{colour}" stroke-width="2"><title>{LABELS[name]}: {values[-1]} '
                     f"on {rows[-1]['date']}</title></path>")
        legend_y = TOP + 14 + number * 18
        parts.append(f'<line x1="{WIDTH - RIGHT + 12}" y1="{legend_y - 4}" x2="{WIDTH - RIGHT + 32}" '
                     f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 38}" y="{legend_y}">{LABELS[name]} ({values[-1]})</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def numbers_table(series: dict[str, Any]) -> str:
    """The counts behind the chart: a row per date, a column per kind, and the total."""
    kinds = series["kinds"]
    head = "".join(f'<th scope="col">{escape(kind)}</th>' for kind in kinds)
    body = "".join(
        f'<tr><th scope="row">{escape(row["date"])}</th>'
        + "".join(f"<td>{row['counts'][kind]}</td>" for kind in kinds) + f"<td>{row['total']}</td></tr>"
        for row in series["dates"])
    return (f'<table><thead><tr><th scope="col">date</th>{head}<th scope="col">total</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


def over_time_figure(series: dict[str, Any]) -> str:
    """The chart and, behind it, its table, as one `<figure>` to put in a page.

    >>> series = {"landscape": "a & b", "until": "2022-01-01", "yearly": False, "kinds": ["no_lead"],
    ...           "dates": [{"date": "2021-01-01", "counts": {"no_lead": 2}, "total": 2}]}
    >>> html = over_time_figure(series)
    >>> html.startswith('<figure class="over-time">') and "a &amp; b" in html and "<script" not in html
    True
    """
    when = "on the first of each year" if series.get("yearly") else "on each date the landscape changed"
    caption = f"Findings of {series['landscape']} {when}, up to {series['until']}"
    return (f'<figure class="over-time">\n<figcaption>{escape(caption)}</figcaption>\n{chart_svg(series)}\n'
            f"<details><summary>The numbers, by kind</summary>\n{numbers_table(series)}\n</details>\n</figure>\n")
