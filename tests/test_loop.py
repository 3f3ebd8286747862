"""The strategic lead's loop: template, fill in, validate, fix, report; and what it touches on
the way (the template's teaching, titles, finding by alias, outputs Excel opens well)."""

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cli import main
from landscape.io.template import EXAMPLE_ENTITIES, EXAMPLE_RELATIONSHIPS, EXAMPLE_SOURCES, template_workbook
from landscape.io.validate import load_dataset
from viz.map import MapOptions, map_view
from viz.report import report_view

LONDON = Path(__file__).resolve().parent.parent / "graph_data" / "london"


@pytest.fixture(scope="module")
def london():
    return load_dataset(LONDON)


NEXT_STEP = "Fix the cells listed above, save the file, then run the same command again."


def fill(path, entities, relationships, title="Riverside partnership landscape"):
    """Fill the template at `path` as a user would in Excel: rows under the headers, a title."""
    book = openpyxl.load_workbook(path)
    for name, rows in (("entities", entities), ("relationships", relationships)):
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        for number, row in enumerate(rows, 2):
            for column, value in row.items():
                sheet.cell(number, header.index(column) + 1, value)
    book["guide"]["B1"] = title
    book.save(path)


ENTITIES = [
    {"id": "rsp", "name": "Riverside Safeguarding Partnership", "type": "board", "top": "true",
     "aliases": "RSP"},
    {"id": "council", "name": "Riverside Council", "type": "agency", "sector": "local-government"},
    {"id": "police", "name": "Riverside Police", "type": "agnecy", "sector": "police"},
    {"id": "mentors", "name": "Riverside Mentors", "type": "initiative", "start": "31/03/2025"},
]
RELATIONSHIPS = [
    {"source": "council", "target": "rsp", "type": "member_of", "role": "chair"},
    {"source": "police", "target": "rsp", "type": "member_of"},
    {"source": "rsp", "target": "mentor", "type": "oversees"},
    {"source": "council", "target": "mentors", "type": "leads"},
]


def test_a_user_fills_the_template_with_three_mistakes_fixes_them_and_gets_a_report(tmp_path):
    runner = CliRunner()
    book = tmp_path / "partners.xlsx"
    assert runner.invoke(main, ["template", "-o", str(book)]).exit_code == 0
    fill(book, ENTITIES, RELATIONSHIPS)
    report = tmp_path / "report.html"
    result = runner.invoke(main, ["report", str(book), "-o", str(report)])
    assert result.exit_code == 1 and not report.exists()
    e, r = f"{book}[entities]", f"{book}[relationships]"
    assert result.output.splitlines() == [
        f"{e}:4: type: (cell C4) unknown entity type 'agnecy' (expected one of board, agency, vcs, initiative, "
        "person, theme); did you mean 'agency'?",
        f"{e}:5: start: (cell J5) '31/03/2025' is not a date like 2025-03-31, 2025-03 or 2025; "
        "did you mean 2025-03-31?",
        f"{r}:4: target: (cell B4) unknown entity 'mentor'; did you mean mentors (Riverside Mentors)?",
        "3 problems found; nothing was loaded",
        NEXT_STEP,
    ]
    ENTITIES[2]["type"], ENTITIES[3]["start"], RELATIONSHIPS[2]["target"] = "agency", "2025-03-31", "mentors"
    fill(book, ENTITIES, RELATIONSHIPS)
    assert runner.invoke(main, ["validate", str(book)]).exit_code == 0
    result = runner.invoke(main, ["report", str(book), "-o", str(report), "--as-of", "2025-06"])
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert "<title>Riverside partnership landscape: overlaps, gaps and links</title>" in page
    assert "Riverside Mentors" in page


def test_the_example_sheet_is_a_valid_fictional_partnership(tmp_path, write_dataset):
    folder = tmp_path / "example"
    folder.mkdir()
    for name, rows in (("entities", EXAMPLE_ENTITIES), ("relationships", EXAMPLE_RELATIONSHIPS),
                       ("sources", EXAMPLE_SOURCES)):
        text = "\n".join(",".join(f'"{value}"' for value in row) for row in rows)
        (folder / f"{name}.csv").write_text(text + "\n", encoding="utf-8")
    landscape = load_dataset(folder)
    assert len(landscape.entities) == len(EXAMPLE_ENTITIES) - 1
    assert all("fictional" in entity.name for entity in landscape.entities.values() if entity.type != "theme")


def test_the_template_offers_the_ids_entered_and_a_title_cell(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook())
    book = openpyxl.load_workbook(path)
    assert {"entities", "relationships", "sources", "guide", "example"} <= set(book.sheetnames)
    validations = book["relationships"].data_validations.dataValidation
    rules = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in validations}
    assert rules["A2"] == rules["B2"] == "entities!$A$2:$A$5001"
    assert book["guide"]["A1"].value == "title"
    header = [cell.value for cell in book["entities"][1]]
    assert {"aliases", "kind", "evidence", "not_recorded"} <= set(header)
    assert all(book["entities"].cell(1, column + 1).comment for column in range(len(header)))
    assert "fictional" in book["example"]["A1"].value


def test_titles_come_from_the_dataset_not_its_folder(write_dataset, tmp_path):
    folder = write_dataset("a,Board A,board,,,true,,,,doc,", name="mine-fixed")
    assert load_dataset(folder).title == ""
    assert map_view(load_dataset(folder), date(2025, 1, 1))["title"] == "Governance landscape"
    (folder / "README.md").write_text("Notes\n\n# Our partnership landscape\n", encoding="utf-8")
    assert load_dataset(folder).title == "Our partnership landscape"
    (folder / "dataset.json").write_text(json.dumps({"title": "Mine, fixed"}), encoding="utf-8")
    landscape = load_dataset(folder)
    assert landscape.title == "Mine, fixed"
    assert map_view(landscape, date(2025, 1, 1))["title"] == "Mine, fixed"
    assert report_view(landscape, date(2025, 1, 1))["title"] == "Mine, fixed: overlaps, gaps and links"
    assert load_dataset(LONDON).title == "London adolescent safeguarding landscape"


def test_focus_takes_an_alias_or_a_name(london):
    day = date(2024, 12, 31)
    assert map_view(london, day, MapOptions(focus="LASOB", depth=1))["focus"] is not None
    by_name = map_view(london, day, MapOptions(focus="London Adolescent Safeguarding Oversight Board", depth=1))
    assert by_name["nodes"]["entity"][by_name["focus"]] == "lasob"


def test_an_unknown_focus_hints_at_a_date_only_when_the_entity_is_there_on_another(london):
    with pytest.raises(Exception, match=r"^--focus: no entity 'nobody'$"):
        map_view(london, date(2024, 12, 31), MapOptions(focus="nobody"))
    with pytest.raises(Exception, match=r"not in the landscape on 2021-02-01, only on other dates"):
        map_view(london, date(2021, 2, 1), MapOptions(focus="LASOB"))


def test_the_findings_workbook_is_ready_to_read(tiny, tmp_path):
    path = tmp_path / "findings.xlsx"
    assert CliRunner().invoke(main, ["analyse", str(tiny), "--format", "xlsx", "-o", str(path)]).exit_code == 0
    sheet = openpyxl.load_workbook(path)["findings"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet.column_dimensions["F"].width > 50
    assert all("_" not in (sheet.cell(row, 1).value or "") for row in range(2, sheet.max_row + 1))


def test_csv_files_start_with_a_byte_order_mark_and_read_back_the_same(london, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["export", "london", "--format", "csv", "-o", str(tmp_path / "csv")]).exit_code == 0
    assert (tmp_path / "csv" / "entities.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")
    again = load_dataset(tmp_path / "csv")
    assert again.entities == london.entities and again.relationships == london.relationships
    assert again.title == london.title  # kept in the folder's dataset.json
    assert runner.invoke(main, ["export", "london", "--format", "xlsx", "-o", str(tmp_path / "c.xlsx")]).exit_code == 0
    assert load_dataset(tmp_path / "c.xlsx").title == london.title  # kept in the guide sheet
    findings = tmp_path / "findings.csv"
    assert runner.invoke(main, ["analyse", "london", "--format", "csv", "-o", str(findings)]).exit_code == 0
    assert findings.read_bytes().startswith(b"\xef\xbb\xbfkind,")
    plain = runner.invoke(main, ["analyse", "london", "--format", "csv"]).output
    assert plain.startswith("kind,")


def test_a_day_first_as_of_date_is_given_in_iso(tiny):
    result = CliRunner().invoke(main, ["analyse", str(tiny), "--as-of", "31/03/2024"])
    assert result.exit_code == 2 and "did you mean 2024-03-31?" in result.output
