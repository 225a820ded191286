"""One writer at a time: an exclusive ``fcntl`` lock on ``<history>.lock``.

DuckDB itself refuses a second read-write process with a cryptic "Could not set lock
on file"; this lock comes first so the second run waits a little and then says, in a
sentence, who holds the history.
"""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from trafficlib.errors import TrafficDataError

__all__ = ["history_lock", "LockBusy"]


class LockBusy(TrafficDataError):
    """Another watch run holds the history's lock for longer than we waited."""


@contextmanager
def history_lock(history: Path, wait: float = 30.0, poll: float = 0.2):
    """Hold the exclusive lock of ``history`` (the file ``<history>.lock``, created if
    needed, never deleted: deleting it would let two runs lock two different files)
    for the duration of the ``with`` block. Waits up to ``wait`` seconds, then raises
    :class:`LockBusy` naming the holder's pid. Released when the process dies, even
    killed (the kernel drops ``fcntl`` locks with the file descriptor)."""
    path = Path(str(history) + ".lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                    raise LockBusy(f"another watch run (pid {holder}) is writing this history; "
                                   f"waited {wait:g} s", file=history,
                                   hint="try again when it ends, or give --wait more seconds") from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the lock
