"""The command line through click's CliRunner: exit status, messages and outputs."""

import json

import pytest

from cli import main


def test_every_command_has_help_with_examples(runner):
    for command in ("validate", "load", "analyse", "map", "report", "export"):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.output


def test_validate_reports_a_valid_dataset(runner, tiny):
    result = runner.invoke(main, ["validate", str(tiny)])
    assert result.exit_code == 0
    assert result.output == f"{tiny}: valid: 14 entities, 19 relationships\n"


def test_validate_lists_every_problem_and_exits_1_without_traceback(runner, write_dataset):
    folder = write_dataset("a,A,boad,,,,,,,doc,\na,B,board,,,,,,,doc,", "a,zz,reports_to,,,,doc,")
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert f"{folder / 'entities.csv'}:2: type: unknown entity type 'boad'" in result.output
    assert f"{folder / 'entities.csv'}:3: id: duplicate id 'a' (first at line 2)" in result.output
    assert f"{folder / 'relationships.csv'}:2: target: unknown entity 'zz'" in result.output
    assert "3 problems found; nothing was loaded" in result.output
    assert "Traceback" not in result.output


def test_a_missing_dataset_is_one_clear_line(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'nowhere'}: no such dataset (a folder with entities.csv " \
                            "and relationships.csv, or an .xlsx workbook)\n"


def test_load_then_commands_without_dataset_read_the_store(runner, tiny, store_folder):
    result = runner.invoke(main, ["load", str(tiny), "--replace"])
    assert result.exit_code == 0, result.output
    assert "replaced; the store now holds 14 entities and 19 relationships" in result.output
    result = runner.invoke(main, ["analyse", "--format", "json", "--as-of", "2022-01-01"])
    assert result.exit_code == 0
    assert json.loads(result.output)["landscape"] == "tiny"


def test_a_failed_load_leaves_the_store_untouched(runner, tiny, store_folder, write_dataset):
    runner.invoke(main, ["load", str(tiny)])
    before = (store_folder / "landscape.json").read_bytes()
    bad = write_dataset("x,X,board,,,,,,,doc,", "x,nobody,reports_to,,,,doc,")
    result = runner.invoke(main, ["load", str(bad), "--replace"])
    assert result.exit_code == 1
    assert "unknown entity 'nobody'" in result.output
    assert (store_folder / "landscape.json").read_bytes() == before


def test_analyse_json_follows_the_contract(runner, tiny):
    result = runner.invoke(main, ["analyse", str(tiny), "--format", "json", "--as-of", "2022-01"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["as_of"] == "2022-01-31"
    assert {f["kind"] for f in data["findings"]} >= {"shared_remit", "missing_link", "orphan_board"}
    assert set(data) >= {"findings", "brokers", "clusters", "coverage"}


def test_analyse_thresholds_are_options(runner, tiny):
    result = runner.invoke(main, ["analyse", str(tiny), "--format", "json", "--min-remit-jaccard", "1.0",
                                  "--min-shared-members", "3"])
    data = json.loads(result.output)
    assert data["thresholds"]["min_shared_members"] == 3
    assert not [f for f in data["findings"] if f["kind"] == "shared_membership"]


@pytest.mark.parametrize(("fmt", "start"), [("csv", "kind,category,severity"), ("markdown", "# Landscape tiny"),
                                           ("table", "Landscape tiny")])
def test_analyse_text_formats(runner, tiny, fmt, start):
    result = runner.invoke(main, ["analyse", str(tiny), "--format", fmt])
    assert result.exit_code == 0
    assert result.output.startswith(start)


def test_analyse_writes_xlsx_to_a_file(runner, tiny, tmp_path):
    import openpyxl

    path = tmp_path / "findings.xlsx"
    result = runner.invoke(main, ["analyse", str(tiny), "--format", "xlsx", "-o", str(path)])
    assert result.exit_code == 0
    assert openpyxl.load_workbook(path).sheetnames == ["findings", "unknowns", "brokers", "coverage"]


def test_bad_dates_and_unknown_focus_are_clear_errors(runner, tiny, tmp_path):
    result = runner.invoke(main, ["analyse", str(tiny), "--as-of", "2021-02-30"])
    assert result.exit_code == 2 and "is not a real date" in result.output
    result = runner.invoke(main, ["map", str(tiny), "--focus", "oversigt", "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 1
    assert "no entity 'oversigt'" in result.output and "did you mean oversight" in result.output
    assert not (tmp_path / "m.html").exists()


def test_map_and_report_write_files(runner, tiny, tmp_path):
    for command in ("map", "report"):
        path = tmp_path / f"{command}.html"
        result = runner.invoke(main, [command, str(tiny), "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_map_to_standard_output(runner, tiny):
    result = runner.invoke(main, ["map", str(tiny), "-o", "-"])
    assert result.exit_code == 0 and result.output.startswith("<!DOCTYPE html>")


def test_export_json_and_csv(runner, tiny, tmp_path):
    result = runner.invoke(main, ["export", str(tiny), "--format", "json"])
    assert json.loads(result.output)["format"] == "landscape/1"
    result = runner.invoke(main, ["export", str(tiny), "--format", "csv", "-o", str(tmp_path / "copy")])
    assert result.exit_code == 0
    assert runner.invoke(main, ["validate", str(tmp_path / "copy")]).exit_code == 0
    result = runner.invoke(main, ["export", str(tiny), "--format", "csv", "-o", "-"])
    assert result.exit_code == 1 and "give a folder" in result.output


def test_report_with_since_has_a_section_on_what_changed(runner, tmp_path):
    path = tmp_path / "report.html"
    result = runner.invoke(main, ["report", "london", "--as-of", "2024-12", "--since", "2021-03", "-o", str(path)])
    assert result.exit_code == 0, result.output
    page = path.read_text(encoding="utf-8")
    assert "What changed from 2021-03-31 to 2024-12-31" in page
    assert "Pan-London CSE Protocol (initiative)" in page
