"""The `import` command: exit codes, the JSON contract and the Thai summary."""

from __future__ import annotations

import json

import click._termui_impl
import pytest
from helpers import MIGRATIONS_ENV_WARNING, SAMPLES, count
from sqlalchemy import inspect

import importers.cli
from importers import KINDS
from models import Placement, Teacher, db

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
ROSTER = str(SAMPLES / "teachers_roster.xlsx")
CONTRACT_KINDS = (
    "agencies mous standards curricula alignment teachers placements scholarships".split()
)
RESULT_KEYS = {"kind", "file", "rows", "created", "updated", "unchanged", "rejected", "written"}
ERROR_KEYS = {"kind", "file", "error", "written"}
NID_HEADER = "เลขประจำตัวประชาชน"


def run(runner, *args):
    return runner.invoke(args=["import", *map(str, args)])


def result_json(result):
    """Parse stdout, which must hold one JSON object and nothing else."""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.output
    return json.loads(lines[0])


@pytest.fixture
def agencies(runner, reference):
    """Import the sample agencies through the command, as staff would before teachers."""
    result = run(runner, "agencies", SAMPLES / "agencies.xlsx", "--skip-invalid", "--json")
    assert result.exit_code == 0, result.output
    assert result_json(result)["written"] is True


# --------------------------------------------------------------------------- JSON contract


def test_rejected_rows_write_nothing_and_exit_1(app, runner, agencies):
    result = run(runner, "teachers", ROSTER, "--json")
    assert result.exit_code == 1, result.output
    data = result_json(result)
    assert set(data) == RESULT_KEYS
    expected = MANIFEST["teachers_roster.xlsx"]
    assert data["kind"] == "teachers"
    assert data["file"] == ROSTER
    assert data["rows"] == expected["data_rows"] == 240
    assert (data["created"], data["updated"], data["unchanged"]) == (236, 0, 0)
    assert [p["row"] for p in data["rejected"]] == expected["rejected_rows"] == [121, 149, 227, 242]
    for problem in data["rejected"]:
        assert set(problem) == {"row", "column", "message"}
        assert problem["column"] == NID_HEADER
    assert "เลขประจำตัวประชาชนไม่ถูกต้อง" in data["rejected"][0]["message"]
    assert "ซ้ำกับแถวที่" in data["rejected"][-1]["message"]
    assert data["written"] is False
    assert count(app, Teacher) == 0


def test_json_keeps_thai_as_written(runner, agencies):
    result = run(runner, "teachers", ROSTER, "--json")
    assert NID_HEADER in result.stdout
    assert "\\u0e" not in result.stdout


def test_skip_invalid_writes_the_valid_rows_and_exits_0(app, runner, agencies):
    result = run(runner, "teachers", ROSTER, "--skip-invalid", "--json")
    assert result.exit_code == 0, result.output
    data = result_json(result)
    assert (data["created"], data["written"]) == (236, True)
    assert [p["row"] for p in data["rejected"]] == [121, 149, 227, 242]
    assert count(app, Teacher) == 236
    nid, expect = next(iter(MANIFEST["teachers_roster.xlsx"]["expect"].items()))
    with app.app_context():
        teacher = db.session.query(Teacher).filter_by(national_id=nid).one()
        assert (teacher.first_name, teacher.last_name) == (
            expect["first_name"],
            expect["last_name"],
        )
        assert teacher.college.name_th == expect["college"]
        assert teacher.birth_date.isoformat() == expect["birth_date"]


def test_importing_again_changes_nothing(app, runner, agencies):
    run(runner, "teachers", ROSTER, "--skip-invalid")
    result = run(runner, "teachers", ROSTER, "--skip-invalid", "--json")
    assert result.exit_code == 0, result.output
    data = result_json(result)
    assert (data["created"], data["updated"], data["unchanged"]) == (0, 0, 236)
    assert count(app, Teacher) == 236


def test_dry_run_never_writes(app, runner, agencies):
    before = count(app, Teacher)
    would_write = run(runner, "teachers", ROSTER, "--dry-run", "--skip-invalid", "--json")
    assert would_write.exit_code == 0, would_write.output
    assert result_json(would_write)["created"] == 236
    would_not = run(runner, "teachers", ROSTER, "--dry-run", "--json")
    assert would_not.exit_code == 1
    assert result_json(would_not)["written"] is False
    assert count(app, Teacher) == before == 0


def test_a_clean_file_is_written_without_skip_invalid(app, runner, agencies):
    result = run(runner, "teachers", SAMPLES / "formula_injection.xlsx", "--json")
    assert result.exit_code == 0, result.output
    data = result_json(result)
    assert (data["rows"], data["created"], data["rejected"], data["written"]) == (5, 5, [], True)
    assert count(app, Teacher) == 5


def test_placements_report_late_applications(app, runner, agencies):
    for kind, sample in (("teachers", ROSTER), ("standards", SAMPLES / "standards_tpqi.xlsx")):
        assert run(runner, kind, sample, "--skip-invalid").exit_code == 0
    sample = SAMPLES / "placements_form.csv"
    expected = MANIFEST["placements_form.csv"]
    result = run(runner, "placements", sample, "--round", expected["round_fiscal_year"], "--json")
    assert result.exit_code == 1, result.output
    data = result_json(result)
    assert set(data) == RESULT_KEYS | {"late"}
    assert data["rows"] == expected["data_rows"]
    assert sorted({p["row"] for p in data["rejected"]}) == expected["rejected_rows"]
    assert count(app, Placement) == 0
    result = run(
        runner,
        "placements",
        sample,
        "--round",
        expected["round_fiscal_year"],
        "--skip-invalid",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = result_json(result)
    assert data["late"] == expected["late"]
    assert count(app, Placement) == data["created"] == expected["data_rows"] - 1


# --------------------------------------------------------------------------- exit 2


def test_unknown_kind_is_a_usage_error(app, runner, reference):
    result = run(runner, "teacher", ROSTER, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert '"teacher"' in result.stderr
    for kind in KINDS:
        assert kind in result.stderr
    assert count(app, Teacher) == 0


def test_missing_file_exits_2_with_a_json_error(runner, reference, tmp_path):
    missing = tmp_path / "roster.xlsx"
    result = run(runner, "teachers", missing, "--json")
    assert result.exit_code == 2
    data = result_json(result)
    assert set(data) == ERROR_KEYS
    assert data == {
        "kind": "teachers",
        "file": str(missing),
        "error": f"ไม่พบไฟล์ {missing}",
        "written": False,
    }


def test_an_unreadable_file_exits_2(runner, reference):
    result = run(runner, "teachers", SAMPLES / "not_a_workbook.xlsx")
    assert result.exit_code == 2
    assert "ไม่ใช่ไฟล์ตารางข้อมูล" in result.stdout
    assert "ไม่ได้บันทึกข้อมูลใดๆ" in result.stdout


def test_the_file_limit_comes_from_the_config(app, runner, reference):
    app.config["IMPORT_MAX_BYTES"] = 1024
    result = run(runner, "teachers", ROSTER, "--json")
    assert result.exit_code == 2
    assert "เกินขนาดที่รับได้ (1.0 KB)" in result_json(result)["error"]


def test_placements_need_a_known_round(app, runner, reference):
    sample = SAMPLES / "placements_form.csv"
    missing = run(runner, "placements", sample, "--json")
    assert missing.exit_code == 2
    assert "--round" in missing.stderr
    unknown = run(runner, "placements", sample, "--round", "2599", "--json")
    assert unknown.exit_code == 2
    assert "2599" in result_json(unknown)["error"]
    not_a_year = run(runner, "placements", sample, "--round", "next")
    assert not_a_year.exit_code == 2
    assert count(app, Placement) == 0


def test_round_is_only_for_placements(runner, reference):
    result = run(runner, "teachers", ROSTER, "--round", "2568")
    assert result.exit_code == 2
    assert "--round" in result.stderr


# --------------------------------------------------------------------------- summary


def test_summary_lists_counts_problems_and_how_to_write(runner, agencies):
    result = run(runner, "teachers", ROSTER)
    assert result.exit_code == 1
    out = result.stdout
    assert "240 แถว" in out
    assert "เพิ่มใหม่: 236 แถว" in out
    assert "ไม่ผ่านการตรวจ: 4 แถว" in out
    for row in (121, 149, 227, 242):
        assert f'แถว {row} คอลัมน์ "{NID_HEADER}": ' in out
    last = out.splitlines()[-1]
    assert "ไม่ได้บันทึก" in last
    assert "--skip-invalid" in last
    assert "\r" not in out  # no progress bar when the output is not a terminal


def test_summary_says_when_it_was_written(runner, agencies):
    written = run(runner, "teachers", ROSTER, "--skip-invalid")
    assert written.stdout.splitlines()[-1] == "บันทึกข้อมูลเรียบร้อย (ข้ามแถวที่ไม่ผ่าน 4 แถว)"
    dry = run(runner, "teachers", ROSTER, "--skip-invalid", "--dry-run")
    assert "ยังไม่ได้บันทึก" in dry.stdout.splitlines()[-1]


def test_summary_cuts_a_long_list_of_problems(runner, reference):
    # Without the agencies every row names an unknown college.
    data = result_json(run(runner, "teachers", ROSTER, "--json"))
    result = run(runner, "teachers", ROSTER)
    lines = result.stdout.splitlines()
    shown = [line for line in lines if line.startswith("  แถว ")]
    assert len(shown) == importers.cli.MAX_PROBLEMS
    hidden = len(data["rejected"]) - importers.cli.MAX_PROBLEMS
    assert f"  …และอีก {hidden:,} รายการ" in lines
    assert "--skip-invalid" in lines[-1]


def test_summary_does_not_offer_skip_invalid_when_no_row_is_valid(runner, reference):
    # The colleges of this file are not in the reference data.
    result = run(runner, "teachers", SAMPLES / "formula_injection.xlsx")
    assert result.exit_code == 1
    assert "ไม่ผ่านการตรวจ: 5 แถว" in result.stdout
    last = result.stdout.splitlines()[-1]
    assert last == "ไม่ได้บันทึกข้อมูลใดๆ เพราะไม่มีแถวที่ถูกต้อง: แก้ไขไฟล์แล้วนำเข้าใหม่"


def test_progress_shows_on_a_terminal_only(runner, agencies, monkeypatch):
    monkeypatch.setattr(importers.cli, "is_terminal", lambda: True)
    # Click draws its progress bar only on a terminal; the test runner's output is none.
    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)
    result = run(runner, "teachers", ROSTER, "--dry-run")
    assert "\r" in result.stdout
    assert "ตรวจข้อมูล  [" in result.stdout
    as_json = run(runner, "teachers", ROSTER, "--dry-run", "--json")
    assert "\r" not in as_json.stdout
    assert result_json(as_json)["rows"] == 240


def test_help_lists_the_kinds(runner):
    result = run(runner, "--help")
    assert result.exit_code == 0
    assert set(KINDS) <= set(CONTRACT_KINDS)
    for kind, importer in KINDS.items():
        assert kind in result.stdout
        # The help is in English, and so are the kinds' names in it.
        assert str(importer.label) in result.stdout


# --------------------------------------------------------------------------- database


@MIGRATIONS_ENV_WARNING
def test_it_migrates_a_fresh_database_first(empty_app):
    runner = empty_app.test_cli_runner()
    result = run(runner, "teachers", ROSTER, "--json")
    assert result.exit_code == 1, result.output
    assert result_json(result)["rows"] == 240
    with empty_app.app_context():
        tables = inspect(db.engine).get_table_names()
    assert {"alembic_version", "teacher", "agency"} <= set(tables)
    assert count(empty_app, Teacher) == 0
