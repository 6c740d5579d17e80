"""The samples as senders' programs re-save them give the samples' own outcome.

tests/data/variants/ holds each sample converted by LibreOffice (.xls, .ods, .csv, .xlsx),
rewritten with real date cells holding the BE year (as typed in a Thai locale) or the CE
year, and with decorated headers; make_variants.py there regenerates them. Each must give
exactly the manifest's outcome, and its dates must be the sample's dates, not 543 years off.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from importers import import_file
from models import db

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"
VARIANTS = DATA / "variants"
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))

KINDS = {
    "teachers_roster.xlsx": "teachers",
    "mous.xlsx": "mous",
    "scholarships.xlsx": "scholarships",
    "placements_form.csv": "placements",
}
# What each kind needs in the database first (each with its bad row skipped).
NEEDS = {
    "teachers": ("agencies.xlsx",),
    "mous": ("agencies.xlsx",),
    "scholarships": ("agencies.xlsx",),
    "placements": ("agencies.xlsx", "teachers_roster.xlsx", "standards_tpqi.xlsx"),
}
NEEDED_KIND = {
    "agencies.xlsx": "agencies",
    "teachers_roster.xlsx": "teachers",
    "standards_tpqi.xlsx": "standards",
}
# The fields holding dates, per kind: they must come out as the sample's.
DATE_FIELDS = {
    "teachers": ("birth_date",),
    "mous": ("signed_on", "expires_on"),
    "scholarships": ("start_year",),
    "placements": ("applied_at", "planned_start", "planned_end"),
}


def variants_of(sample: str, *suffixes: str) -> list[str]:
    stem = sample.rsplit(".", 1)[0]
    return sorted(
        path.name
        for path in VARIANTS.glob(f"{stem}.*")
        if path.suffix != ".py" and (not suffixes or path.name.split(".")[1] in suffixes)
    )


def cases(*suffixes: str) -> list[pytest.param]:
    return [
        pytest.param(sample, variant, id=variant)
        for sample in KINDS
        for variant in variants_of(sample, *suffixes)
    ]


ALL = cases()
CONVERTED = cases("lo")
DATE_CELLS = cases("be_dates", "ce_dates")
DECORATED = cases("decorated")


def test_every_sample_has_its_variants() -> None:
    for sample in KINDS:
        names = variants_of(sample)
        stem, ext = sample.rsplit(".", 1)
        converted = {"xls", "ods", "xlsx"} if ext == "csv" else {"xls", "ods", "csv"}
        assert {f"{stem}.lo.{fmt}" for fmt in converted} <= set(names), sample
        assert f"{stem}.decorated.xlsx" in names
        if sample != "scholarships.xlsx":  # it has no dates
            assert {f"{stem}.be_dates.xlsx", f"{stem}.ce_dates.xlsx"} <= set(names)
    for path in VARIANTS.iterdir():
        assert path.stat().st_size < 100 * 1024, path.name


def kind_of(variant: str) -> str:
    stem = variant.split(".")[0]
    return next(kind for sample, kind in KINDS.items() if sample.split(".")[0] == stem)


@pytest.fixture
def loaded(app, reference, variant):
    """The reference data plus the samples the variant's kind refers to (bad rows skipped)."""
    with app.app_context():
        for name in NEEDS[kind_of(variant)]:
            content = (SAMPLES / name).read_bytes()
            assert import_file(NEEDED_KIND[name], content, name, db.session, skip_invalid=True)
    return app


def run(kind: str, path: Path):
    options = {"round": MANIFEST["placements_form.csv"]["round_fiscal_year"]}
    return import_file(
        kind,
        path.read_bytes(),
        path.name,
        db.session,
        dry_run=True,
        **(options if kind == "placements" else {}),
    )


def assert_manifest_outcome(sample: str, result, original) -> None:
    expected = MANIFEST[sample]
    assert len(result.rows) == expected["data_rows"]
    assert sorted({problem.row for problem in result.problems}) == expected["rejected_rows"]
    assert result.counts == original.counts
    assert result.count("rejected") == len(expected["rejected_rows"])
    if "valid" in expected:
        assert result.count("new") == expected["valid"]
    if "late" in expected:
        assert result.extra["late"] == expected["late"]
    assert not result.written


def dates_by_row(result, kind: str) -> dict[int, tuple]:
    return {
        row.number: tuple(row.values.get(name) for name in DATE_FIELDS[kind]) for row in result.rows
    }


def check_variant(sample: str, variant: str) -> None:
    kind = KINDS[sample]
    original = run(kind, SAMPLES / sample)
    result = run(kind, VARIANTS / variant)
    assert_manifest_outcome(sample, result, original)
    # Every column found as in the sample: none dropped as unknown, none unmatched.
    assert sorted(result.headers) == sorted(original.headers)
    assert result.unknown_columns == original.unknown_columns
    assert dates_by_row(result, kind) == dates_by_row(original, kind)


@pytest.mark.parametrize(("sample", "variant"), CONVERTED)
def test_a_libreoffice_conversion_gives_the_sample_outcome(loaded, sample, variant):
    with loaded.app_context():
        check_variant(sample, variant)


@pytest.mark.parametrize(("sample", "variant"), DATE_CELLS)
def test_real_date_cells_give_the_sample_outcome_and_dates(loaded, sample, variant):
    with loaded.app_context():
        check_variant(sample, variant)


@pytest.mark.parametrize(("sample", "variant"), DECORATED)
def test_decorated_headers_and_be_date_cells_give_the_sample_outcome(loaded, sample, variant):
    # Decorated headers ("เลขประจำตัวประชาชน (13 หลัก)*", "วันเกิด\n(วว/ดด/ปปปป)") must be
    # matched to their columns; the dates are BE date cells.
    with loaded.app_context():
        check_variant(sample, variant)


# ------------------------------------------------- the dates themselves, not 543 years off


@pytest.mark.parametrize(
    "variant",
    [
        "teachers_roster.be_dates.xlsx",
        "teachers_roster.ce_dates.xlsx",
        "teachers_roster.lo.xls",
        "teachers_roster.lo.ods",
        "teachers_roster.lo.csv",
    ],
)
def test_teachers_birth_dates_are_the_manifest_ones(loaded, variant):
    expected = MANIFEST["teachers_roster.xlsx"]["expect"]
    with loaded.app_context():
        result = run("teachers", VARIANTS / variant)
    births = {
        row.values["national_id"]: row.values.get("birth_date") for row in result.rows if row.ok
    }
    for national_id, values in expected.items():
        assert births[national_id].isoformat() == values["birth_date"], national_id
    assert all(d is None or 1940 <= d.year <= 2010 for d in births.values())


@pytest.mark.parametrize("variant", ["teachers_roster.be_dates.xlsx"])
def test_a_be_date_cell_of_2528_is_1985(loaded, variant):
    """A cell typed 24/01/2528 in a Thai locale holds a date of year 2528: CE 1985."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(VARIANTS / variant))
    rows = book.get_sheet_by_index(0).to_python()
    cells = [cell for row in rows for cell in row if isinstance(cell, dt.date)]
    assert cells and all(cell.year >= 2400 for cell in cells)  # really BE years in the file
    cells_1985 = [cell for cell in cells if cell.year == 2528]
    assert cells_1985
    with loaded.app_context():
        result = run("teachers", VARIANTS / variant)
    births = [row.values.get("birth_date") for row in result.rows]
    assert sum(1 for d in births if d is not None and d.year == 1985) == len(cells_1985)
    assert not any(d is not None and d.year >= 2400 for d in births)


@pytest.mark.parametrize(
    "variant",
    [
        "placements_form.be_dates.xlsx",
        "placements_form.ce_dates.xlsx",
        "placements_form.decorated.xlsx",
        "placements_form.lo.xlsx",
        "placements_form.lo.xls",
        "placements_form.lo.ods",
    ],
)
def test_placement_dates_are_the_forms(loaded, variant):
    with loaded.app_context():
        result = run("placements", VARIANTS / variant)
    first = next(row for row in result.rows if row.number == 2)
    assert first.values.get("planned_start") == dt.date(2025, 3, 8)
    assert first.values.get("planned_end") == dt.date(2025, 4, 11)
    assert first.values.get("applied_at") == dt.datetime(2025, 2, 26, 20, 59, 59)
    assert [row.number for row in result.rows if row.flags.get("late")] == [7, 19]
