"""Write a sheet the way offices send one: title lines, a blank row, the header row, the
data rows and, if asked for, a totals line ("รวม 240 คน") that the importer must skip."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import xlsxwriter


def write_sheet(
    path: str,
    name: str,
    titles: Sequence[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    total_unit: str | None = None,
) -> None:
    """Write the rows under their titles and headers; total_unit ("คน") adds a totals line."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet(name)
    for number, title in enumerate(titles):
        sheet.write_row(number, 0, [title])
    header_row = len(titles) + 1 if titles else 0
    sheet.write_row(header_row, 0, headers)
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.write_row(header_row + count, 0, row)
    if total_unit is not None:
        sheet.write_row(header_row + count + 1, 0, ["รวม", f"{count} {total_unit}"])
    book.close()
