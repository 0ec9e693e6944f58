"""One exclusive `fcntl.flock` on a file, shared by every process and thread of a server (the snapshot build,
values computed once for all processes)."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def file_lock(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """Yields True while this caller holds the lock on `path` (created if missing); False when `wait` is off and
    another holder has it. flock locks belong to the open file, so threads of one process exclude each other too."""
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
