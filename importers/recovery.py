"""Imports left unfinished by a process that died (a server restart): tell them, mark them failed.

A batch that is being checked or written records its worker, "host:pid:start", the start
being the process's start time in clock ticks since boot (from /proc), so that a new
process given the same pid is not taken for the old one. A worker on this host is alive
while its pid runs with that start time; one on another host cannot be seen from here and
is taken to be alive. A batch whose worker is dead (or was never recorded) is marked
failed: its write ran in one transaction, which died with the process, so nothing of it
was written, and its kept file can be checked again.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import ImportBatch, ImportStatus
from thai.dates import bangkok_now

# The statuses in which a process is at work on the batch (importers.service.RUNNING).
RUNNING = (ImportStatus.CHECKING.value, ImportStatus.WRITING.value)
# The column holds 128 characters; a pid and a start time take at most 40.
HOST_LENGTH = 80
RESTARTED = {
    ImportStatus.CHECKING.value: (
        "ระบบเริ่มทำงานใหม่ระหว่างตรวจไฟล์ การตรวจจึงไม่เสร็จ ไม่ได้บันทึกข้อมูลใดๆ ไฟล์ยังเก็บไว้ ตรวจใหม่ได้"
    ),
    ImportStatus.WRITING.value: (
        "ระบบเริ่มทำงานใหม่ระหว่างบันทึกข้อมูล การบันทึกถูกยกเลิกทั้งหมด ไม่ได้บันทึกข้อมูลใดๆ ไฟล์ยังเก็บไว้ ตรวจใหม่ได้"
    ),
}


def host_name() -> str:
    return socket.gethostname()[:HOST_LENGTH]


def start_time(pid: int) -> str | None:
    """The process's start time (clock ticks since boot); None if it is not running.

    "" where /proc is not there to say (the pid alone is then compared). A zombie (ended,
    not yet reaped by its parent) counts as not running.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            stat = stream.read().decode("ascii", "replace")
    except FileNotFoundError:
        return None if os.path.isdir("/proc/self") else ""
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may hold spaces or ")".
    fields = stat[stat.rfind(")") + 2 :].split()
    state, start = fields[0], fields[19]
    return None if state in ("Z", "X") else start


def worker_id() -> str:
    """This process, as "host:pid:start"; recorded on the batches it works on."""
    pid = os.getpid()
    # Looked up once per process (a forked child has a pid, and so an id, of its own).
    if _worker[0] != pid:
        _worker[:] = [pid, f"{host_name()}:{pid}:{start_time(pid) or ''}"]
    return _worker[1]


_worker: list = [None, ""]


def is_alive(worker: str | None) -> bool:
    """Whether the worker may still be at work: on this host, whether its process runs."""
    if not worker:
        return False
    host, pid_text, start = split_worker(worker)
    if host != host_name():
        return True
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return start == (start_time(pid) or "")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    except OSError:
        return False
    now = start_time(pid)
    return now is not None and (not now or not start or now == start)


def split_worker(worker: str) -> tuple[str, str, str]:
    """host, pid, start (a host name has no ":", but split from the right all the same)."""
    host, _, rest = worker.rpartition(":")
    host, _, pid = host.rpartition(":")
    return host, pid, rest


def recover_stale(session: Session, batch_ids: Iterable[int] | None = None) -> list[int]:
    """Mark each running batch whose worker is dead failed; return their ids.

    With batch_ids, look only at those (a page polling one batch asks about that one).
    """
    query = select(ImportBatch.id, ImportBatch.status, ImportBatch.worker).where(
        ImportBatch.status.in_(RUNNING)
    )
    if batch_ids is not None:
        query = query.where(ImportBatch.id.in_(list(batch_ids)))
    stale = [
        (batch_id, status, worker)
        for batch_id, status, worker in session.execute(query)
        if not is_alive(worker)
    ]
    recovered = []
    for batch_id, status, worker in stale:
        # Only if it is still as seen: a batch taken up again meanwhile is left alone.
        result = session.execute(
            update(ImportBatch)
            .where(
                ImportBatch.id == batch_id,
                ImportBatch.status == status,
                (ImportBatch.worker == worker) if worker else ImportBatch.worker.is_(None),
            )
            .values(
                status=ImportStatus.FAILED.value,
                stage="done",
                progress=100,
                message=RESTARTED[status],
                worker=None,
                finished_at=bangkok_now(),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            recovered.append(batch_id)
    if stale:
        session.commit()
    return recovered
