"""Findings over time as a small chart: an inline SVG with the table of its numbers behind it.

`over_time_view` turns the counts of `landscape.analysis.over_time.findings_over_time` into
plain data: a step line for each category of finding (overlaps, gaps, missing links), in
the chart's own coordinates, its axes and legend, and the table of every kind's count on
each date. The report's templates draw it (`_over_time.html.j2`, through `over_time.svg.j2`)
with autoescape on, as a `<figure>` that needs no script; the Word document draws the same
SVG as a picture (`chart_png`) above a table of the counts by category.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from landscape.analysis import category
from landscape.analysis.findings import KIND_TITLES

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


def year_ticks(first: date, end: date, width: float) -> list[dict[str, Any]]:
    """A label at the first of each year after `first` up to `end`, placed along `width`.

    >>> year_ticks(date(2021, 3, 1), date(2023, 3, 1), 100)
    [{'x': 41.9, 'label': '2022'}, {'x': 91.9, 'label': '2023'}]
    """
    years = range(first.year + (first > date(first.year, 1, 1)), end.year + 1)
    return [{"x": x_positions([first, date(year, 1, 1)], end, width)[1], "label": str(year)} for year in years]


def chart(series: dict[str, Any]) -> dict[str, Any]:
    """The step chart of `series` as plain data in the SVG's coordinates: the plot's corners,
    the ticks of both axes, and a line per category with its legend entry."""
    rows = series["dates"]
    days = [date.fromisoformat(row["date"]) for row in rows]
    end = max(date.fromisoformat(series["until"]), days[-1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    counts = by_category(series)
    top = max(1, *(max(values) for values in counts.values()))
    xs = [LEFT + x for x in x_positions(days, end, plot_w)]

    def y(value: float) -> float:
        return round(TOP + plot_h - value / top * plot_h, 1)

    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": LEFT + plot_w, "top": TOP, "bottom": y(0),
        "label": f"Findings of {series['landscape']} by category, {rows[0]['date']} to {series['until']}",
        "y_ticks": [{"y": y(value), "label": str(value)} for value in sorted({0, top // 2, top})],
        "x_ticks": [tick | {"x": LEFT + tick["x"]} for tick in year_ticks(days[0], end, plot_w)],
        "lines": [{"label": LABELS[name], "colour": COLOURS[name], "last": values[-1],
                   "path": step_path(xs, [y(v) for v in values], LEFT + plot_w),
                   "legend_y": TOP + 14 + number * 18}
                  for number, (name, values) in enumerate(counts.items())],
        "last_date": rows[-1]["date"],
        "legend_x": WIDTH - RIGHT + 12,
    }


def over_time_view(series: dict[str, Any]) -> dict[str, Any] | None:
    """The chart and its tables for the report, or None when the landscape never changed up
    to the date (no dates to count on).

    >>> view = over_time_view({"landscape": "a & b", "until": "2022-01-01", "yearly": False,
    ...     "kinds": ["no_lead"], "dates": [{"date": "2021-01-01", "counts": {"no_lead": 2}, "total": 2}]})
    >>> view["caption"]
    'Findings of a & b on each date the landscape changed, up to 2022-01-01'
    >>> view["rows"][0], view["by_category"][0]["counts"]
    ({'date': '2021-01-01', 'counts': [2], 'total': 2}, [0, 2, 0])
    """
    if not series["dates"]:
        return None
    when = "on the first of each year" if series.get("yearly") else "on each date the landscape changed"
    kinds, categories = series["kinds"], by_category(series)
    return {
        "caption": f"Findings of {series['landscape']} {when}, up to {series['until']}",
        "chart": chart(series),
        "kinds": [KIND_TITLES.get(kind, kind) for kind in kinds],
        "rows": [{"date": row["date"], "counts": [row["counts"][kind] for kind in kinds], "total": row["total"]}
                 for row in series["dates"]],
        "categories": list(LABELS.values()),
        "by_category": [{"date": row["date"], "counts": [values[number] for values in categories.values()],
                         "total": row["total"]} for number, row in enumerate(series["dates"])],
    }


def chart_svg(chart_data: dict[str, Any]) -> str:
    """The chart as a standalone SVG document (what the page shows inline)."""
    from viz.render import environment

    return environment().get_template("over_time.svg.j2").render(chart=chart_data)


def chart_png(chart_data: dict[str, Any]) -> bytes | None:
    """The chart as a PNG for the Word document, or None without the cairo library."""
    from landscape.errors import LandscapeError
    from viz.picture import png_picture

    try:
        return png_picture(chart_svg(chart_data), width=1600)
    except LandscapeError:
        return None
