"""ORM writes of many records without the garbage collector walking the whole process.

Used as a decorator of a kind's write: ``@older_objects_frozen()``.

A write through the ORM makes several objects per record (the record, its state, its
history), and the collector's full passes walk every object the process holds: the app,
its libraries, the parsed file. Below some thousands of records no full pass runs at all,
above it they run again and again, so a file ten times longer cost up to 1.6x as much per
row. Freezing what already exists when the write starts (gc.freeze) leaves the collector
only the write's own objects to walk; they are still collected. The objects go back to the
collector when the last overlapping write ends (imports may run in threads).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_writing = 0


@contextmanager
def older_objects_frozen() -> Iterator[None]:
    """Keep the collector off the objects that exist now until the last such write ends."""
    global _writing
    with _lock:
        if _writing == 0:
            gc.freeze()
        _writing += 1
    try:
        yield
    finally:
        with _lock:
            _writing -= 1
            if _writing == 0:
                gc.unfreeze()
