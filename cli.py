"""The `landscape` command: a thin layer over the library.

Each command parses its options, calls one library function and formats the
result. Library errors become one clear message and exit status 1.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from landscape.errors import DatasetError, LandscapeError
from landscape.model import NODE_TYPES


def examples(*lines: str) -> str:
    """An `Examples:` block for a command's --help, kept as written."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def fail_clearly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into click errors: one message, exit status 1, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DatasetError as error:
            click.echo(f"{error}\n{next_step(error)}", err=True)
            sys.exit(1)
        except LandscapeError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


def next_step(error: DatasetError) -> str:
    """What to do about a refused dataset: the person at the keyboard fixes it and tries again."""
    where = "cells" if any(problem.cell for problem in error.problems) else "problems"
    return f"Fix the {where} listed above, save the file, then run the same command again."


def parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from landscape.io.hints import date_problem
    from landscape.model import parse_date

    try:
        return parse_date(value, end=True)
    except ValueError as error:
        raise click.BadParameter(date_problem(value, error)) from None


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--store and the Neo4j credentials, shared by every command that reads or writes a store."""
    options = [
        click.option("--store", envvar="LANDSCAPE_STORE", metavar="PATH|URI",
                     help="A folder for the embedded store, or a neo4j:// or bolt:// URI "
                          "[env LANDSCAPE_STORE or NEO4J_URI; default: your data folder]."),
        click.option("--neo4j-user", envvar="NEO4J_USERNAME", metavar="NAME",
                     help="Neo4j user name [env NEO4J_USERNAME]."),
        click.option("--neo4j-password", envvar="NEO4J_PASSWORD", metavar="SECRET",
                     help="Neo4j password [env NEO4J_PASSWORD]; never printed."),
        click.option("--neo4j-database", envvar="NEO4J_DATABASE", metavar="NAME",
                     help="Neo4j database [env NEO4J_DATABASE; default neo4j]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def as_of_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--as-of", "as_of", callback=parse_as_of, metavar="DATE",
                        help="Use the landscape as it stood on DATE (YYYY, YYYY-MM or "
                             "YYYY-MM-DD; default today).")(command)


def force_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--force", is_flag=True,
                        help="Write over an existing workbook or dataset folder (other files are "
                             "always replaced, atomically).")(command)


def say(text: str) -> None:
    """Print a command's result on standard output; a failed write (a full disk, a closed pipe)
    is one clear error, not a traceback."""
    from landscape.files import write_output

    write_output(text + "\n", "-")


def dataset_argument(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("dataset", required=False, metavar="[DATASET]")(command)


def open_landscape(dataset: str | None, store: str | None, neo4j_user: str | None,
                   neo4j_password: str | None, neo4j_database: str | None) -> Any:
    """The landscape of DATASET (a folder, a workbook or a shipped name), else of the store."""
    if dataset:
        from landscape.io.datasets import resolve_dataset
        from landscape.io.validate import load_dataset

        return load_dataset(resolve_dataset(dataset))
    from landscape.io.datasets import shipped_dataset
    from landscape.store import open_store

    with open_store(store, default=shipped_dataset, user=neo4j_user, password=neo4j_password,
                    database=neo4j_database) as opened:
        return opened.read()


class Quiet:
    """A progress bar that shows nothing: for output that is piped or redirected."""

    def __enter__(self) -> Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, steps: int, current_item: str | None = None) -> None:
        return None


@contextmanager
def progress(label: str, steps: int, first: str) -> Iterator[Any]:
    """A bar over a command's `steps` (load, analyse, render...) on standard error when it is a
    terminal, naming the step under way (`first` to begin with); silent when piped. The bar
    erases itself when done, so what the command then prints starts on a clean line: commands
    write their output after the bar, never while it is shown."""
    if not sys.stderr.isatty():
        yield Quiet()
        return
    bar = click.progressbar(length=steps, label=label, file=sys.stderr, show_eta=False,
                            item_show_func=lambda step: step)
    bar.current_item = first
    with bar:
        yield bar
    sys.stderr.write("\x1b[1A\r\x1b[2K")  # up to the finished bar's line, and clear it
    sys.stderr.flush()


def day_or_today(as_of: date | None) -> date:
    return as_of or date.today()


def decisions_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--decisions", "decisions_file", metavar="FILE",
                        type=click.Path(dir_okay=False),
                        help="CSV of decisions taken on findings (kind, entities, decision "
                             "accepted|action, owner, note, review); start one with "
                             "`landscape template --decisions -o decisions.csv`.")(command)


def read_decisions_file(decisions_file: str | None) -> list[dict[str, Any]] | None:
    """The rows of a --decisions file, or None when none was given."""
    if decisions_file is None:
        return None
    from landscape.analysis.decisions import read_decisions

    return read_decisions(decisions_file)


def name_stale_decisions(result: dict[str, Any]) -> None:
    """Say on standard error which decisions no longer match a finding."""
    from landscape.analysis.decisions import stale_lines

    for line in stale_lines(result):
        click.echo(line, err=True)


class Commands(click.Group):
    """The command group, for what fails outside any command: --help or --version written to a
    full disk (click itself handles a closed pipe)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except OSError as error:
            from landscape.files import discard_standard_output

            discard_standard_output()
            click.echo(f"Error: cannot write: {error.strerror or error}", err=True)
            sys.exit(1)


@click.group(cls=Commands,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="landscape")
def main() -> None:
    """Landscape maps a governance and stakeholder landscape: who the boards, agencies,
    voluntary-sector partners and initiatives are, who reports to whom and sits where,
    and where work overlaps, falls into gaps or lacks a communication link.

    DATASET is a folder holding entities.csv and relationships.csv, an .xlsx workbook
    with those two sheets, or the name of a shipped dataset (`london`). Without DATASET a
    command reads the store, which holds the London landscape until you load another.
    """


@main.command(epilog=examples("landscape validate graph_data/london",
                              "landscape validate partnership.xlsx"))
@click.argument("dataset")
@fail_clearly
def validate(dataset: str) -> None:
    """Check DATASET and list every problem as file:line: column: what is wrong."""
    from landscape.io.datasets import resolve_dataset
    from landscape.io.validate import load_dataset

    landscape = load_dataset(resolve_dataset(dataset))
    counts = landscape.counts()
    say(f"{dataset}: valid: {len(landscape)} entities, {counts['relationships']} relationships")


@main.command(epilog=examples("landscape load graph_data/london --replace",
                              "landscape load updates.xlsx",
                              "landscape load graph_data/london --store bolt://localhost:7687"))
@click.argument("dataset")
@click.option("--replace", is_flag=True,
              help="Clear the stored landscape first, instead of merging into it by id.")
@store_options
@fail_clearly
def load(dataset: str, replace: bool, store: str | None, neo4j_user: str | None,
         neo4j_password: str | None, neo4j_database: str | None) -> None:
    """Validate DATASET and write it into the store, all or nothing."""
    from landscape.io.datasets import resolve_dataset
    from landscape.io.validate import load_dataset
    from landscape.store import open_store

    with progress("Loading", 2, "reading") as bar:
        landscape = load_dataset(resolve_dataset(dataset))
        bar.update(1, "writing")
        with open_store(store, user=neo4j_user, password=neo4j_password,
                        database=neo4j_database) as opened:
            summary = opened.write(landscape, replace=replace)
            where = opened.describe()
        bar.update(1, "done")
    verb = "replaced" if summary.replaced else "merged"
    say(f"{where}: {verb}; the store now holds {summary.entities} entities and "
        f"{summary.relationships} relationships")


THRESHOLD_OPTIONS = [
    click.option("--min-shared-members", default=2, show_default=True, type=click.IntRange(1),
                 help="Members two boards must share to count as shared_membership."),
    click.option("--min-remit-jaccard", default=0.5, show_default=True,
                 type=click.FloatRange(0, 1), help="Theme overlap (Jaccard) for shared_remit."),
    click.option("--min-parallel-jaccard", default=0.5, show_default=True,
                 type=click.FloatRange(0, 1),
                 help="Theme overlap (Jaccard) for parallel_initiatives."),
]


def threshold_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(THRESHOLD_OPTIONS):
        command = option(command)
    return command


EVIDENCE_OPTION = click.option(
    "--evidence", "evidence", type=click.Choice(["stated", "inferred", "proposed"]), default="inferred",
    show_default=True, help="The weakest evidence used: stated facts only; stated and inferred; or also what is "
                            "only proposed (a draft terms of reference).")


def evidence_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--evidence and --stale-after: how well known a fact must be to count, and how old a
    finding's newest source may be before it is marked stale."""
    options = [
        EVIDENCE_OPTION,
        click.option("--stale-after", "stale_after", type=click.FloatRange(0), default=2.0, show_default=True,
                     metavar="YEARS",
                     help="Mark a finding stale when its newest source is more than YEARS before the date."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command(epilog=examples("landscape analyse london",
                              "landscape analyse graph_data/london --as-of 2021-03 --format json",
                              "landscape analyse london --over-time --as-of 2024-12 --format csv",
                              "landscape analyse --format xlsx -o findings.xlsx"))
@dataset_argument
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "markdown", "xlsx"]),
              help="Output format [default: table on a terminal, json otherwise].")
@click.option("-o", "--output", default="-", metavar="FILE",
              help="Write to FILE ('-' for standard output, the default).")
@force_option
@threshold_options
@evidence_options
@click.option("--limit", type=click.IntRange(1), metavar="N",
              help="Keep only the strongest N findings of each kind [default: all]; a national "
                   "landscape has millions.")
@click.option("--over-time", is_flag=True,
              help="Count the findings of each kind on every date the landscape changed, up to "
                   "--as-of (yearly when it changed on more than 40 dates): table, csv, json or "
                   "markdown.")
@decisions_option
@store_options
@fail_clearly
def analyse(dataset: str | None, as_of: date | None, fmt: str | None, output: str, force: bool,
            min_shared_members: int, min_remit_jaccard: float, min_parallel_jaccard: float,
            evidence: str, stale_after: float, limit: int | None, over_time: bool, decisions_file: str | None,
            **store: Any) -> None:
    """Find overlaps, gaps and missing communication links, each with the facts it rests on;
    what the sources do not say is listed apart."""
    from landscape.analysis import Thresholds
    from landscape.analysis import analyse as run_analysis
    from landscape.cells import for_excel
    from landscape.files import write_output
    from landscape.output.formats import render

    if fmt is None:
        fmt = "table" if output == "-" and sys.stdout.isatty() else "json"
    if fmt == "xlsx" and output == "-" and sys.stdout.isatty():
        raise click.UsageError("xlsx is binary: write it to a file with -o")
    if over_time and fmt == "xlsx":
        raise click.UsageError("--over-time writes table, csv, json or markdown")
    thresholds = Thresholds(min_shared_members, min_remit_jaccard, min_parallel_jaccard)
    if over_time:
        write_output(counts_over_time(open_landscape(dataset, **store), day_or_today(as_of), thresholds, fmt),
                     output, force=force)
        return
    decisions = read_decisions_file(decisions_file)
    with progress("Analysing", 3, "reading") as bar:
        landscape = open_landscape(dataset, **store)
        bar.update(1, "analysing")
        result = run_analysis(landscape, as_of=day_or_today(as_of), thresholds=thresholds,
                              limit=limit, evidence=evidence, stale_after=stale_after)
        if decisions is not None:
            from landscape.analysis.decisions import apply_decisions

            result = apply_decisions(result, decisions, day_or_today(as_of))
        bar.update(1, "formatting")
        text = render(result, fmt)
        bar.update(1, "done")
    if fmt == "csv" and output != "-":  # a file, for Excel; standard output stays plain for programs
        text = for_excel(str(text))
    write_output(text, output, force=force, workbook=fmt == "xlsx")
    name_stale_decisions(result)
    if output != "-":
        click.echo(f"{len(result['findings'])} findings written to {output}", err=True)


def counts_over_time(landscape: Any, until: date, thresholds: Any, fmt: str) -> str:
    """`landscape analyse --over-time`: the findings counted by kind on each date, as `fmt`."""
    import json

    from landscape.analysis import over_time

    series = over_time.findings_over_time(landscape, until, thresholds)
    if fmt == "json":
        return json.dumps(series, indent=2, ensure_ascii=False) + "\n"
    return {"table": over_time.as_table, "csv": over_time.as_csv, "markdown": over_time.as_markdown}[fmt](series)


def comparison_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--baseline, --with and --since: the earlier state a map or report is compared with."""
    options = [
        click.option("--baseline", metavar="OLD",
                     help="Compare with OLD, another dataset (a folder, a workbook or a shipped name): "
                          "an edited copy's original, or last year's workbook."),
        click.option("--with", "changes", metavar="CHANGES",
                     help="Merge the change set CHANGES (a proposal: rows to add or replace, by id) over "
                          "DATASET, and compare DATASET with and without it."),
        click.option("--since", callback=parse_as_of, metavar="DATE",
                     help="Compare with the landscape as it stood on DATE (DATASET's, or OLD's with "
                          "--baseline) [with --baseline or --with, default: the same date]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def open_compared(dataset: str | None, baseline: str | None, changes: str | None, since: date | None,
                  day: date, store: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The landscape to draw or report (DATASET, with CHANGES merged over it if given), the
    earlier state it is compared with (None when there is none: OLD, or DATASET itself, as of
    `since`, else as of `day`), and DATASET as read (whose history a proposal does not change)."""
    from viz.compare import Baseline

    if since is not None and since > day:
        raise click.UsageError(f"--since {since} is later than --as-of {day}: give the earlier date to --since")
    read = open_landscape(dataset, **store)
    landscape = read
    if changes:
        from landscape.analysis.compare import proposed
        from landscape.io.changes import load_changes
        from landscape.io.datasets import resolve_dataset

        landscape = proposed(read, load_changes(resolve_dataset(changes), read))
    if not (baseline or changes or since):
        return landscape, None, read
    earlier = open_baseline(baseline, read) if baseline else read
    return landscape, Baseline(earlier, since or day), read


def open_baseline(name: str, landscape: Any) -> Any:
    """The dataset --baseline names. One refused is named as the baseline; a change set (rows that
    name entities it does not hold, which `landscape` does) is pointed to --with."""
    from landscape.io.changes import load_changes
    from landscape.io.datasets import resolve_dataset
    from landscape.io.validate import load_dataset

    path = resolve_dataset(name)
    try:
        return load_dataset(path)
    except DatasetError:
        try:
            load_changes(path, landscape)
        except LandscapeError:
            click.echo(f"--baseline {name} is not a dataset that loads:", err=True)
            raise
        raise LandscapeError(f"--baseline {name} is a change set (its rows name entities it does not hold), not "
                             f"a whole landscape: to compare the landscape with and without it, give --with {name}"
                             ) from None
    except LandscapeError as error:
        raise LandscapeError(f"--baseline {error}") from None


def map_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--focus", metavar="ID", help="Centre the map on this entity."),
        click.option("--depth", default=2, show_default=True, type=click.IntRange(1, 10),
                     help="With --focus: how many steps out from it to show."),
        click.option("--layout", type=click.Choice(["network", "chart", "tiered"]), default="network",
                     show_default=True,
                     help="The network of relationships, or the governance chart of boards and agencies "
                          "along reporting lines ('tiered' is another name for 'chart')."),
        click.option("--theme", metavar="ID", help="Show only what relates to this theme."),
        click.option("--title", help="Title shown on the page [default: from the dataset]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command("map", epilog=examples("landscape map -o london-map.html",
                                     "landscape map london --focus lasob --depth 1",
                                     "landscape map graph_data/london --as-of 2021-03 "
                                     "--layout chart",
                                     "landscape map london --layout chart --format pdf -o chart.pdf",
                                     "landscape map london --theme theme-syv --format png -o violence.png",
                                     "landscape map london --as-of 2024-12 --since 2021-02-18",
                                     "landscape map london --as-of 2021-02-18 --with london-proposal-2021",
                                     "landscape map proposal.xlsx --baseline partners.xlsx --format png -o change.png"))
@dataset_argument
@as_of_option
@click.option("-o", "--output", metavar="FILE",
              help="File to write ('-' for standard output) [default: landscape-map.FORMAT].")
@click.option("--format", "fmt", type=click.Choice(["html", "svg", "png", "pdf"]), default=None,
              help="An interactive page, or a static picture for print (PNG at print resolution) "
                   "[default: from the output file's extension, else html].")
@force_option
@map_options
@comparison_options
@store_options
@fail_clearly
def map_command(dataset: str | None, as_of: date | None, output: str | None, fmt: str | None, force: bool,
                focus: str | None, depth: int, layout: str, theme: str | None, title: str | None,
                baseline: str | None, changes: str | None, since: date | None, **store: Any) -> None:
    """Draw an interactive map (one self-contained HTML file that works offline), or a static
    picture of the same view for print. With --baseline, --with or --since, mark what changed:
    bodies and lines added, ended (drawn pale, where they were) and changed, and the findings
    resolved."""
    from landscape.files import write_output
    from viz.map import MapOptions, render_map, render_picture

    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
        fmt = suffix if suffix in ("svg", "png", "pdf") else "html"
    output = output or f"landscape-map.{fmt}"
    if fmt in ("png", "pdf") and output == "-" and sys.stdout.isatty():
        raise click.UsageError(f"{fmt} is binary: write it to a file with -o")
    options = MapOptions(focus=focus, depth=depth, layout=layout, title=title, theme=theme)
    with progress("Drawing", 2, "reading") as bar:
        day = day_or_today(as_of)
        landscape, earlier, _ = open_compared(dataset, baseline, changes, since, day, store)
        bar.update(1, "analysing and drawing")
        page = (render_map(landscape, day, options, earlier) if fmt == "html"
                else render_picture(landscape, day, options, fmt, earlier))
        bar.update(1, "done")
    write_output(page, output, force=force)
    if output != "-":
        click.echo(f"map written to {output}", err=True)


@main.command(epilog=examples("landscape report -o london-report.html",
                              "landscape report graph_data/london --as-of 2024-12 --since 2021-02-18",
                              "landscape report london --as-of 2021-02-18 --with london-proposal-2021",
                              "landscape report proposal.xlsx --baseline partners.xlsx",
                              "landscape report london --format docx --decisions decisions.csv "
                              "-o board-paper.docx"))
@dataset_argument
@as_of_option
@click.option("-o", "--output", metavar="FILE",
              help="File to write ('-' for standard output) [default: landscape-report.html, "
                   "or landscape-report.docx with --format docx].")
@click.option("--format", "fmt", type=click.Choice(["html", "docx"]), default="html", show_default=True,
              help="One self-contained HTML page, or a Word document for board papers.")
@force_option
@click.option("--title", help="Title of the report [default: from the dataset].")
@comparison_options
@decisions_option
@evidence_options
@store_options
@fail_clearly
def report(dataset: str | None, as_of: date | None, output: str | None, fmt: str, force: bool, title: str | None,
           baseline: str | None, changes: str | None, since: date | None, decisions_file: str | None,
           evidence: str, stale_after: float, **store: Any) -> None:
    """Write the executive pack: a summary, the map, the findings, the coverage matrix and the
    findings over time in one file (HTML, or Word with --format docx). With --baseline, --with or
    --since, it says what the change does: the findings resolved, new and persisting, and why."""
    from landscape.files import write_output
    from viz.report import render_docx, render_html, report_view

    output = output or f"landscape-report.{fmt}"
    if fmt == "docx" and output == "-" and sys.stdout.isatty():
        raise click.UsageError("a Word document is binary: write it to a file with -o")
    decisions = read_decisions_file(decisions_file)
    with progress("Reporting", 2, "reading") as bar:
        day = day_or_today(as_of)
        landscape, earlier, read = open_compared(dataset, baseline, changes, since, day, store)
        bar.update(1, "analysing and drawing")
        view = report_view(landscape, day, title=title, baseline=earlier, history=read, decisions=decisions,
                           evidence=evidence, stale_after=stale_after)
        page = render_docx(view) if fmt == "docx" else render_html(view)
        bar.update(1, "done")
    write_output(page, output, force=force)
    name_stale_decisions(view)
    if output != "-":
        click.echo(f"report written to {output}", err=True)


@main.command(epilog=examples("landscape export london --format json -o london.json",
                              "landscape export graph_data/london --format csv -o copy/",
                              "landscape export --format gexf -o landscape.gexf",
                              "landscape export --format cypher -o landscape.cypher  "
                              "# then: cypher-shell -f landscape.cypher"))
@dataset_argument
@click.option("--format", "fmt", required=True,
              type=click.Choice(["json", "csv", "xlsx", "graphml", "gexf", "popolo", "cypher"]),
              help="json, csv (a folder in the interchange format), xlsx (a workbook in the "
                   "interchange format), graphml, gexf (with dates for Gephi's timeline), popolo "
                   "(Popolo JSON: organizations, posts and memberships) or cypher (a script that "
                   "recreates the landscape in an empty Neo4j database).")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="File (for csv: folder) to write; '-' for standard output.")
@force_option
@store_options
@fail_clearly
def export(dataset: str | None, fmt: str, output: str, force: bool, **store: Any) -> None:
    """Export the whole landscape, every date and source included."""
    from landscape.output.export import export as run_export

    if fmt in ("xlsx", "gexf", "graphml") and output == "-" and sys.stdout.isatty():
        raise click.UsageError(f"write {fmt} to a file with -o")
    run_export(open_landscape(dataset, **store), fmt, output, force=force)
    if output != "-":
        click.echo(f"{fmt} written to {output}", err=True)


@main.command(epilog=examples("landscape template -o partnership.xlsx",
                              "landscape template --decisions -o decisions.csv"))
@click.option("-o", "--output", metavar="FILE",
              help="File to write [default: landscape.xlsx, or decisions.csv with --decisions].")
@click.option("--decisions", is_flag=True,
              help="Write an empty decisions CSV for --decisions instead of a dataset workbook.")
@force_option
@fail_clearly
def template(output: str | None, decisions: bool, force: bool) -> None:
    """Write a ready-to-fill workbook: column notes, drop-down lists and date formats.
    Fill it in, then `landscape validate FILE` and `landscape load FILE`. With --decisions,
    write an empty decisions CSV to record what the board decided about findings."""
    from landscape.files import write_output
    from landscape.io.template import template_workbook

    if decisions:
        from landscape.analysis.decisions import decisions_template

        output = output or "decisions.csv"
        if output != "-" and os.path.exists(output) and not force:
            raise click.ClickException(f"{output} already exists: it may hold decisions; give --force to "
                                       "replace it, or choose another name")
        write_output(decisions_template(), output, force=force)
        if output != "-":
            click.echo(f"decisions template written to {output}", err=True)
        return
    output = output or "landscape.xlsx"
    if output == "-" and sys.stdout.isatty():
        raise click.UsageError("the workbook is binary: write it to a file with -o")
    write_output(template_workbook(), output, force=force, workbook=True)
    if output != "-":
        click.echo(f"template written to {output}", err=True)


@main.command(epilog=examples("landscape generate --entities 10000 -o synthetic-10k/",
                              "landscape generate --entities 100000 --relationships 1000000 -o big/"))
@click.option("--entities", type=click.IntRange(10), required=True, help="How many entities.")
@click.option("--relationships", type=click.IntRange(0),
              help="How many relationships to aim for [default: 10 per entity].")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same landscape.")
@click.option("-o", "--output", required=True, metavar="FOLDER", help="Folder to write the dataset into.")
@force_option
@fail_clearly
def generate(entities: int, relationships: int | None, seed: int, output: str, force: bool) -> None:
    """Write a synthetic landscape of any size in the interchange format, for benchmarks."""
    from pathlib import Path

    from landscape.io.generate import generate as make
    from landscape.output.export import write_csv_folder

    landscape = make(entities, relationships, seed)
    write_csv_folder(landscape, Path(output), force=force)
    click.echo(f"{output}: {len(landscape)} entities, {len(landscape.relationships)} relationships", err=True)


@main.command("diff", epilog=examples("landscape diff london --from 2021-03 --to 2024-12",
                                      "landscape diff london --as-of 2021-02-18 --with london-proposal-2021",
                                      "landscape diff today.xlsx --with proposal.xlsx --format markdown",
                                      "landscape diff old-partners/ partners.xlsx --format json",
                                      "landscape diff --from 2023 --to 2024 --format markdown"))
@click.argument("dataset", required=False, metavar="[DATASET]")
@click.argument("other", required=False, metavar="[OTHER]")
@click.option("--with", "changes", metavar="CHANGES",
              help="A change set (a proposal: a folder or workbook of rows to add or replace, which "
                   "may name entities of DATASET) merged over DATASET by id; compares DATASET "
                   "without and with it.")
@click.option("--from", "from_day", callback=parse_as_of, metavar="DATE",
              help="The earlier date (of DATASET).")
@click.option("--to", "to_day", callback=parse_as_of, metavar="DATE",
              help="The later date (of OTHER, or of DATASET again, or of DATASET with CHANGES).")
@click.option("--as-of", "as_of", callback=parse_as_of, metavar="DATE",
              help="One date for both sides, instead of --from and --to [with --with, default "
                   "today; for two datasets, default every fact of each].")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="Output format.")
@click.option("-o", "--output", default="-", metavar="FILE", help="Write to FILE ('-' for standard output).")
@threshold_options
@EVIDENCE_OPTION
@force_option
@store_options
@fail_clearly
def diff_command(dataset: str | None, other: str | None, changes: str | None, from_day: date | None,
                 to_day: date | None, as_of: date | None, fmt: str, output: str, min_shared_members: int,
                 min_remit_jaccard: float, min_parallel_jaccard: float, evidence: str, force: bool,
                 **store: Any) -> None:
    """Show what changed, and what it does to the findings: bodies and initiatives that started,
    ended or were renamed, relationships that began or ended, and the findings resolved, new
    and persisting. Between two dates of one landscape, two datasets, or a landscape and a
    proposal (a change set merged over it with --with)."""
    import json

    from landscape.analysis import Thresholds
    from landscape.analysis.compare import as_markdown, as_text, compare, proposed
    from landscape.files import write_output

    if as_of and (from_day or to_day):
        raise click.UsageError("give --as-of, or --from and --to, not both")
    if changes and other:
        raise click.UsageError("give OTHER or --with CHANGES, not both")
    if other is None and not changes and (as_of or from_day is None or to_day is None):
        raise click.UsageError("give --from and --to, two datasets to compare, or --with CHANGES")
    if changes and as_of is None:  # a proposal is compared with the landscape of today by default
        as_of = date.today() if from_day is None or to_day is None else None
    from_day, to_day = from_day or as_of, to_day or as_of
    if from_day and to_day and from_day > to_day:
        raise click.UsageError(f"--from {from_day} is later than --to {to_day}: give the earlier date first")
    before = open_landscape(dataset, **store)
    if changes:
        from landscape.io.changes import load_changes
        from landscape.io.datasets import resolve_dataset

        after = proposed(before, load_changes(resolve_dataset(changes), before))
    else:
        after = open_landscape(other, **store) if other else before
    thresholds = Thresholds(min_shared_members, min_remit_jaccard, min_parallel_jaccard)
    result = compare(before, after, before_day=from_day, after_day=to_day, thresholds=thresholds, evidence=evidence)
    text = {"table": as_text, "markdown": as_markdown,
            "json": lambda c: json.dumps(c, indent=2, ensure_ascii=False) + "\n"}[fmt](result)
    write_output(text, output, force=force)


@main.command("list", epilog=examples("landscape list london --type board",
                                      "landscape list partners.xlsx"))
@dataset_argument
@click.option("--type", "types", multiple=True, type=click.Choice(NODE_TYPES),
              help="Only entities of this type (repeat for several).")
@store_options
@fail_clearly
def list_command(dataset: str | None, types: tuple[str, ...], **store: Any) -> None:
    """List ids, names and types (every date), to find the id to give --focus or show."""
    landscape = open_landscape(dataset, **store)
    chosen = landscape.of_type(*types) if types else list(landscape.entities.values())
    chosen.sort(key=lambda entity: (NODE_TYPES.index(entity.type), entity.name.casefold(), entity.id))
    width = max((len(entity.id) for entity in chosen), default=2)
    for entity in chosen:
        click.echo(f"{entity.id:<{width}}  {entity.type:<10}  {entity.name}")


@main.command(epilog=examples("landscape show lasob", "landscape show LASOB london --as-of 2021-03",
                              "landscape show \"Safer London\" partners.xlsx --format json"))
@click.argument("query", metavar="ID")
@dataset_argument
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@store_options
@fail_clearly
def show(query: str, dataset: str | None, as_of: date | None, fmt: str, **store: Any) -> None:
    """Show one entity (by id, alias or name): its facts, relationships, sources and the
    findings that name it."""
    import json

    from landscape.analysis.profile import profile, profile_text
    from landscape.find import resolve

    landscape = open_landscape(dataset, **store)
    entity = resolve(landscape, query)
    view = profile(landscape, entity.id, day_or_today(as_of))
    if fmt == "json":
        click.echo(json.dumps(view, indent=2, ensure_ascii=False))
    else:
        click.echo(profile_text(view), nl=False)


if __name__ == "__main__":
    main()
