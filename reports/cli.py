"""The `report` command: print a report to a PDF or XLSX file, for scheduled use.

flask --app app report NAME [--fiscal-year N] [--academic-year N] [--format pdf|xlsx]
      [filters...] -o FILE

Exit 0 when the file was written, 2 with a Thai message for an unknown report, an unknown
or unusable filter, or a file that cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from models import db
from reports import FORMATS, LANGUAGES, REPORTS, FilterError, Viewer, build_report, render

USAGE_ERROR = 2


def option_name(filter_name: str) -> str:
    return "--" + filter_name.replace("_", "-")


def all_filters() -> dict[str, str]:
    """Every filter any report has: {name: Thai label}."""
    found: dict[str, str] = {}
    for definition in REPORTS.values():
        for filter_ in definition.filters:
            found.setdefault(filter_.name, str(filter_.label))
    return found


class ReportCommand(click.Command):
    """A command whose help lists the reports and the filters each one takes."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        with formatter.section("NAME"):
            formatter.write_dl(
                [
                    (
                        name,
                        f"{definition.title} ["
                        + ", ".join(
                            option_name(f.name) + ("*" if f.required else "")
                            for f in definition.filters
                        )
                        + "]",
                    )
                    for name, definition in REPORTS.items()
                ]
            )


def fail(message: str) -> None:
    click.echo(f"ผิดพลาด: {message}", err=True)
    sys.exit(USAGE_ERROR)


def filter_options(command):
    for name, label in reversed(list(all_filters().items())):
        command = click.option(option_name(name), name, default=None, help=label)(command)
    return command


@click.command("report", cls=ReportCommand)
@click.argument("name", metavar="NAME")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The file to write.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default=None, help="pdf (default) or xlsx."
)
@click.option("--thai-digits", is_flag=True, help="Print Thai digits (๑๒๓) in the PDF.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default="th",
    help="The printout's language: th (default) or en (English words, CE dates).",
)
@click.option(
    "--show-national-ids", is_flag=True, help="Print national IDs in full (teacher record)."
)
@filter_options
@with_appcontext
def report_command(
    name: str,
    output: Path | None,
    fmt: str | None,
    thai_digits: bool,
    language: str,
    show_national_ids: bool,
    **given: str | None,
) -> None:
    """Print report NAME with its filters to a PDF or XLSX file (-o FILE)."""
    definition = REPORTS.get(name)
    if definition is None:
        fail(f'ไม่มีรายงานชื่อ "{name}" (มี {", ".join(REPORTS)})')
    own = {filter_.name for filter_ in definition.filters}
    stray = [
        option_name(key) for key, value in given.items() if value is not None and key not in own
    ]
    if stray:
        takes = ", ".join(option_name(f.name) for f in definition.filters) or "ไม่มี"
        fail(f"รายงาน {name} ไม่มีตัวกรอง {', '.join(stray)} (ตัวกรองของรายงานนี้: {takes})")
    if output is None:
        fail("ไม่ได้ระบุไฟล์ที่จะบันทึก ให้ใช้ -o ชื่อไฟล์ เช่น -o รายงาน.pdf")
    fmt = fmt or (
        output.suffix.lower().lstrip(".") if output.suffix.lower() in (".pdf", ".xlsx") else "pdf"
    )
    try:
        with force_locale(language):
            viewer = Viewer(sees_personal_data=show_national_ids)
            report = build_report(db.session, name, given, viewer)
            content = render(report, fmt, thai_digits=thai_digits)
    except FilterError as error:
        fail(str(error))
    try:
        output.write_bytes(content)
    except OSError as error:
        fail(f"บันทึกไฟล์ {output} ไม่ได้: {error.strerror}")
    click.echo(f"บันทึก {definition.title} ({fmt.upper()}) ลงไฟล์ {output} แล้ว")
