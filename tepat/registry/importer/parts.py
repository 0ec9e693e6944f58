"""The shaped families and members of an import, chunk by chunk, kept out of memory until they are written.

`prepare` adds each checked chunk's shaped frames; `load.write` reads them back one chunk at a time. A file
checked at once is one part kept in memory; the parts of a chunked file are spilled to Arrow IPC files
(lz4) in a private temporary directory, removed by `close()` (or when the object is collected; one left by a
killed process is removed by the next import that spills).

The parts are a stream between two threads: the checking thread adds them while the writing thread reads the
ones already there (iteration waits for the next part, and ends when `finish()` is called; it raises the
checking's error when that failed). `close()` stops the checking at its next part.
Guarantee: the parts come back in the order they were added, exactly as shaped.
Cost: one write and one read of each spilled chunk; memory ~ one chunk's frames.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import polars as pl

KINDS = ("families", "members")
PREFIX = "tepat-import-"  # then the importing process's id: a directory left by a killed import is removed later


class Closed(Exception):
    """The parts were closed while still being added to (the writing stopped): the checking stops too."""


class Parts:
    """The shaped frames of an import, as (families, members) pairs. `expected`: how many parts will come."""

    def __init__(self, spill: bool, expected: int = 1) -> None:
        if spill:
            remove_stale()
        self._dir = tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-") if spill else None
        self._parts: list[tuple[pl.DataFrame | Path, ...]] = []
        self._changed = threading.Condition()
        self._done, self._error, self._closed, self._result = True, None, False, None
        self._producer: threading.Thread | None = None
        self.expected = expected
        self.heights = dict.fromkeys(KINDS, 0)

    def produce(self, fill: Callable[[Parts], object]) -> None:
        """Run `fill(self)` in a thread of its own, which adds the parts while others are read: iteration waits
        for the next part until `fill` returns, and raises what `fill` raised; `result()` is what it returned."""
        self._done = False
        self._producer = threading.Thread(target=self._fill, args=(fill,), name="import-checks", daemon=True)
        self._producer.start()

    def _fill(self, fill: Callable[[Parts], object]) -> None:
        result, error = None, None
        try:
            result = fill(self)
        except BaseException as problem:  # handed to the reading thread, which raises it
            error = problem
        with self._changed:
            self._done, self._result, self._error = True, result, error
            self._changed.notify_all()

    def add(self, families: pl.DataFrame, members: pl.DataFrame) -> None:
        """Keep one chunk's frames (spilled to disk when this import spills). A frame with no columns stays in memory.
        Raises Closed once the parts are closed."""
        if self._closed:
            raise Closed
        kept = tuple(self._kept(kind, frame) for kind, frame in zip(KINDS, (families, members)))
        with self._changed:
            for kind, frame in zip(KINDS, (families, members)):
                self.heights[kind] += frame.height
            self._parts.append(kept)
            self._changed.notify_all()

    def wait(self) -> None:
        """Wait until every part has been added; raises what the thread adding them raised."""
        with self._changed:
            self._changed.wait_for(lambda: self._done)
        if self._error is not None:
            raise self._error

    def result(self) -> object:
        """What the thread adding the parts returned, once it has: raises what it raised."""
        self.wait()
        return self._result

    def _next(self, index: int) -> tuple[pl.DataFrame | Path, ...] | None:
        """Part `index` once it is there; None after the last part."""
        with self._changed:
            self._changed.wait_for(lambda: index < len(self._parts) or self._done)
            if index < len(self._parts):
                return self._parts[index]
        self.wait()
        return None

    def _kept(self, kind: str, frame: pl.DataFrame) -> pl.DataFrame | Path:
        if self._dir is None or frame.width == 0:
            return frame
        path = Path(self._dir.name) / f"{len(self._parts)}-{kind}.arrow"
        frame.write_ipc(path, compression="lz4")
        return path

    def __iter__(self) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
        index = 0
        while (part := self._next(index)) is not None:
            yield _read(part[0]), _read(part[1])
            index += 1

    def __len__(self) -> int:
        """The parts there will be (known before they are all added, for the progress shown)."""
        return len(self._parts) if self._done else self.expected

    def column(self, kind: str, columns: Sequence[str]) -> pl.DataFrame:
        """`columns` of every part of one kind, in order, once all are added. Cost: reads only those columns."""
        self.wait()
        index = KINDS.index(kind)
        frames = [_read(part[index], columns) for part in self._parts]
        frames = [frame.select(columns) for frame in frames if frame.width]
        return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()

    def close(self) -> None:
        """Stop the checking at its next part, wait for it to stop, and remove the spilled files (the parts
        cannot be read afterwards)."""
        self._closed = True
        if self._producer is not None:
            self._producer.join()
        if self._dir is not None:
            self._dir.cleanup()


def remove_stale() -> None:
    """Remove the spill directories of imports whose process is gone (killed: nothing ran its cleanup).
    Cost: one listing of the temporary directory. Linux (/proc) only; elsewhere nothing is removed."""
    if not Path("/proc/self").exists():
        return
    for path in Path(tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = path.name[len(PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists() and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _read(part: pl.DataFrame | Path, columns: Sequence[str] | None = None) -> pl.DataFrame:
    if isinstance(part, pl.DataFrame):
        return part
    return pl.read_ipc(part, columns=list(columns) if columns else None)
