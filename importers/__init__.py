"""Spreadsheet imports: reading, cleaning, validating and upserting, with no request code."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from importers.agencies import AgencyImporter
from importers.alignment import AlignmentImporter
from importers.columns import find_table
from importers.core import Importer, ImportResult, Progress
from importers.curricula import CurriculumImporter
from importers.gcpause import collector_paused
from importers.mous import MouImporter
from importers.parallel import import_split
from importers.placements import PlacementImporter
from importers.reading import Limits, ReadError, read_sheets
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
    **options: Any,
) -> ImportResult:
    """Read a file and import it as the given kind; ReadError if it cannot be read at all."""
    importer = KINDS[kind](session, progress=progress, **options)
    limits = limits or Limits()
    with collector_paused():
        split = import_split(
            importer, content, filename, limits, dry_run=dry_run, skip_invalid=skip_invalid
        )
        if split is not None:
            return split
        sheets = read_sheets(content, filename, limits)
        table = find_table(sheets, importer.columns)
        return importer.run(table, filename, dry_run=dry_run, skip_invalid=skip_invalid)


__all__ = ["KINDS", "ImportResult", "Limits", "ReadError", "import_file"]
