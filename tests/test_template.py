"""The ready-to-fill workbook: what a council officer fills in loads unchanged."""

from datetime import datetime

import openpyxl

from cli import main
from landscape.io.validate import load_dataset


def test_template_has_notes_drop_downs_and_loads_when_filled_in(runner, tmp_path):
    path = tmp_path / "partnership.xlsx"
    result = runner.invoke(main, ["template", "-o", str(path)])
    assert result.exit_code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["entities", "relationships"]
    assert book["lists"].sheet_state == "hidden"
    entities = book["entities"]
    assert [cell.value for cell in entities[1]][:3] == ["id", "name", "type"]
    assert entities["A1"].comment is not None and "unique" in entities["A1"].comment.text
    formulas = {v.formula1 for v in entities.data_validations.dataValidation}
    assert "lists!$A$1:$A$6" in formulas  # entity types

    entities.append(["007", "Children’s Partnership – Executive", "board", "multi-agency", "regional", "",
                     "", "true", "", datetime(2021, 3, 18), None, "Terms of reference", "t1"])
    entities.append(["board-2", "Exploitation Group", "board", "police", "local", "", "", "", "",
                     "2022", None, "Minutes, May 2022", "t1"])
    entities.append(["t1", "Child exploitation", "theme", None, None, None, None, None, None, None, None,
                     "Minutes"])
    book["relationships"].append(["board-2", "007", "reports_to", None, "2022-05", None, "Minutes"])
    book.save(path)

    landscape = load_dataset(path)
    assert landscape.entities["007"].name == "Children’s Partnership – Executive"
    assert landscape.entities["007"].start == "2021-03-18"
    assert landscape.entities["board-2"].start == "2022"
    assert {(e.source, e.type, e.target) for e in landscape.relationships} == {
        ("board-2", "reports_to", "007"), ("007", "addresses", "t1"), ("board-2", "addresses", "t1")}
