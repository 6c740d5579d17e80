"""Spreadsheet imports, read top to bottom as the pipeline runs (no request code here).

1. ``reading``  read a file into sheets of text columns (fastexcel; CSV the same shape)
2. ``locate``   find the header row and the data rows
3. ``headers``  map the header cells to columns, as senders decorate them
4. ``parse``    clean each column and parse each distinct cell once (``cells`` holds the
   parsers, ``columns`` the column definitions)
5.–8. ``importer`` runs the stages of a kind (one module each: ``agencies``, ``teachers``…):
   check and resolve references (``lookups``), compare with what is stored, write in one
   transaction with its change log (``store``)

``results`` holds what an import finds (outcomes, problems, the row table, the result);
``batches`` the life of an uploaded file (store, check, write, cancel, undo), ``progress``
its progress and ``preview`` the words the preview shows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from importers.agencies import AgencyImporter
from importers.alignment import AlignmentImporter
from importers.curricula import CurriculumImporter
from importers.importer import Importer
from importers.locate import find_table
from importers.mous import MouImporter
from importers.parse import Progress
from importers.placements import PlacementImporter
from importers.reading import Limits, ReadError, read_sheets
from importers.results import ImportResult
from importers.scholarships import ScholarshipImporter
from importers.standards import StandardImporter
from importers.teachers import TeacherImporter

KINDS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        AgencyImporter,
        TeacherImporter,
        MouImporter,
        StandardImporter,
        CurriculumImporter,
        AlignmentImporter,
        PlacementImporter,
        ScholarshipImporter,
    )
}


def import_file(
    kind: str,
    content: bytes,
    filename: str,
    session: Session,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    limits: Limits | None = None,
    progress: Progress | None = None,
    previewed: dict[str, Any] | None = None,
    **options: Any,
) -> ImportResult:
    """Read a file and import it as the given kind; ReadError if it cannot be read at all."""
    importer = KINDS[kind](session, progress=progress, **options)
    importer.progress("read", 0, 1)
    sheets = read_sheets(content, filename, limits or Limits())
    importer.progress("read", 1, 1)
    table = find_table(sheets, importer.columns)
    del sheets  # the whole workbook: only the table's rows go on
    return importer.run(
        table, filename, dry_run=dry_run, skip_invalid=skip_invalid, previewed=previewed
    )


__all__ = ["KINDS", "ImportResult", "Limits", "ReadError", "import_file"]
