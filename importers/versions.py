"""An import writes what its preview showed, or nothing: the versions the check compared.

The check (a dry run) keeps, for every row matched to a stored record, that record's id and
version (models.VersionMixin) in the preview's document. Confirming runs the import again;
after comparing, each row's record and version must still be the ones previewed. A row whose
record was changed, deleted or created meanwhile refuses the whole write, naming the rows:
the sender checks the file again and sees what it would now do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from importers.reading import ReadError
from importers.results import RowTable
from importers.store import BulkTable

# A refusal names at most this many rows; the rest are counted.
NAMED = 20


class ChangedSincePreview(ReadError):
    """Records the preview showed were changed since: nothing is written."""


def record_versions(session: Session, model: Any, rows: RowTable) -> dict[str, list[Any]]:
    """{row number: [record id, version]} for every row matched to a stored record."""
    if model is None or "version" not in model.__table__.c:
        return {}
    ids = [record_id for record_id in rows.record_id.tolist() if record_id is not None]
    if not ids:
        return {}
    stored = BulkTable(session, model.__table__).fetch(("version",), "id", ids)
    versions = dict(zip(stored["id"].tolist(), stored["version"].tolist(), strict=True))
    found: dict[str, list[Any]] = {}
    for number, record_id in zip(rows.numbers.tolist(), rows.record_id.tolist(), strict=True):
        if record_id is not None:
            found[str(number)] = [record_id, versions.get(record_id)]
    return found


def changed_rows(
    previewed: Mapping[str, Any], current: Mapping[str, Any], rows: RowTable
) -> list[int]:
    """The row numbers whose record is not the one previewed, or not at its version."""
    changed = []
    for number in rows.numbers.tolist():
        before = previewed.get(str(number))
        now = current.get(str(number))
        if (list(before) if before is not None else None) != now:
            changed.append(int(number))
    return changed


def refuse_if_changed(
    previewed: Mapping[str, Any] | None, current: Mapping[str, Any], rows: RowTable
) -> None:
    """Raise ChangedSincePreview naming the rows whose records changed since the preview."""
    if previewed is None:
        return
    changed = changed_rows(previewed, current, rows)
    if not changed:
        return
    named = ", ".join(f"{number:,}" for number in changed[:NAMED])
    more = f" และอีก {len(changed) - NAMED:,} แถว" if len(changed) > NAMED else ""
    raise ChangedSincePreview(
        f"ข้อมูลในระบบของแถวที่ {named}{more} ถูกแก้ไข เพิ่ม หรือลบ หลังจากตรวจสอบไฟล์ "
        "จึงไม่นำเข้าข้อมูลใดๆ กรุณาตรวจสอบไฟล์อีกครั้งเพื่อดูผลตามข้อมูลปัจจุบัน แล้วจึงยืนยัน"
    )
