"""Pause Python's cyclic garbage collector while a large file is imported.

A 100,000-row import makes millions of small objects (cells, row dicts) and none of them
form cycles, so reference counting frees them all; the collector's repeated full passes
over them only cost time (about a second of a 100,000-row roster). The collector is
paused for the import and started again afterwards, also when imports overlap in threads.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the collector until the last overlapping pause ends, then restore it."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
