"""Counters shared by every process of a server: a small file per counter, incremented under `fcntl.flock`.

The API's per-token rate limit counts here: Django's default local-memory cache counted per process, so a
server of N processes let a token through N times its limit. Guarantee: concurrent increments from any
number of processes and threads are all counted. Cost: an open, a lock, a read and a write (~20 µs).
Not for several machines: they would need a shared cache server.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


def increment(folder: Path, name: str) -> int:
    """Add one to counter `name` under `folder` (created if missing); returns the new value."""
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        count = int(os.pread(descriptor, 32, 0) or b"0") + 1
        os.pwrite(descriptor, str(count).encode(), 0)  # the value only grows: a longer number covers a shorter one
    finally:
        os.close(descriptor)  # releases the lock
    return count


def remove_other_windows(folder: Path, window: str) -> None:
    """Remove the counters whose name does not end with `-<window>` (e.g. those of earlier minutes)."""
    for entry in folder.iterdir():
        if not entry.name.endswith(f"-{window}"):
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
