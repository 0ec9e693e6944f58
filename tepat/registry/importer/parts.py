"""The shaped families and members of an import, chunk by chunk, kept out of memory until they are written.

`prepare` adds each checked chunk's shaped frames; `load.write` reads them back one chunk at a time. A file
checked at once is one part kept in memory; the parts of a chunked file are spilled to Arrow IPC files
(lz4) in a private temporary directory, removed by `close()` (or when the object is collected; one left by a
killed process is removed by the next import that spills).
Guarantee: the parts come back in the order they were added, exactly as shaped.
Cost: one write and one read of each spilled chunk; memory ~ one chunk's frames.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl

KINDS = ("families", "members")
PREFIX = "tepat-import-"  # then the importing process's id: a directory left by a killed import is removed later


class Parts:
    """The shaped frames of an import, as (families, members) pairs."""

    def __init__(self, spill: bool) -> None:
        if spill:
            remove_stale()
        self._dir = tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-") if spill else None
        self._parts: list[tuple[pl.DataFrame | Path, ...]] = []
        self.heights = dict.fromkeys(KINDS, 0)

    def add(self, families: pl.DataFrame, members: pl.DataFrame) -> None:
        """Keep one chunk's frames (spilled to disk when this import spills). A frame with no columns stays in memory."""
        for kind, frame in zip(KINDS, (families, members)):
            self.heights[kind] += frame.height
        self._parts.append(tuple(self._kept(kind, frame) for kind, frame in zip(KINDS, (families, members))))

    def _kept(self, kind: str, frame: pl.DataFrame) -> pl.DataFrame | Path:
        if self._dir is None or frame.width == 0:
            return frame
        path = Path(self._dir.name) / f"{len(self._parts)}-{kind}.arrow"
        frame.write_ipc(path, compression="lz4")
        return path

    def __iter__(self) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
        for families, members in self._parts:
            yield _read(families), _read(members)

    def __len__(self) -> int:
        return len(self._parts)

    def column(self, kind: str, columns: Sequence[str]) -> pl.DataFrame:
        """`columns` of every part of one kind, in order. Cost: reads only those columns."""
        index = KINDS.index(kind)
        frames = [_read(part[index], columns) for part in self._parts]
        frames = [frame.select(columns) for frame in frames if frame.width]
        return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()

    def close(self) -> None:
        """Remove the spilled files (the parts cannot be read afterwards)."""
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
