"""Values computed once for every served process: a pickle per key beside the registry snapshot they derive from.

Each web process keeps its own caches (tepat.lru), so a costly panel (the dashboard's coverage: every program's
rule and the convergence measure, ~4 s of CPU at 100k families) used to be computed by every process: three
times after each registry change, and three times a minute while realisasi rows arrive. `get(snapshot, key,
build)` computes it in one process; the others wait for that process's file and read it.

Files live under `<snapshot>/shared/`, so they go when their snapshot goes (tepat.registry.snapshot's grace
period); within a snapshot, files older than KEEP_SECONDS are removed when a new one is written.
Guarantee: one build per (snapshot, key) across the processes of a server (an `fcntl.flock` per key); a
reader never sees a half-written file (written under a temporary name, then renamed). A build that raises
writes nothing; the next caller builds again. Cost: a stat and an unpickle on a hit.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from tepat.filelock import file_lock
from tepat.secure import replace_private

V = TypeVar("V")
KEEP_SECONDS = 600
SUFFIX = ".pickle"


def get(snapshot, key: Hashable, build: Callable[[], V]) -> V:
    """The value of `key` for `snapshot` (a tepat.registry.snapshot.Snapshot): read, or built once and written."""
    folder = Path(snapshot.path) / "shared"
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    path = folder / f"{name}{SUFFIX}"
    found = _read(path)
    if found is not None:
        return found[0]
    folder.mkdir(exist_ok=True)
    with file_lock(folder / f"{name}.lock"):
        found = _read(path)
        if found is not None:
            return found[0]
        value = build()
        replace_private(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    _prune(folder)
    return value


def _read(path: Path) -> tuple[object] | None:
    try:
        with path.open("rb") as handle:
            return (pickle.load(handle),)
    except FileNotFoundError:
        return None


def _prune(folder: Path) -> None:
    """Values of older keys (e.g. the coverage of an earlier minute) and their lock files."""
    old = time.time() - KEEP_SECONDS
    for entry in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if entry.stat().st_mtime < old:
                entry.unlink()
