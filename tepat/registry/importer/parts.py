"""The shaped families and members of an import, chunk by chunk, kept out of memory until they are written.

`prepare` adds each checked chunk's shaped frames; `load.write` reads them back one chunk at a time. A file
checked at once is one part kept in memory; the parts of a chunked file are spilled to Arrow IPC files
(lz4) in a private temporary directory, removed by `close()` (or when the object is collected).
Guarantee: the parts come back in the order they were added, exactly as shaped.
Cost: one write and one read of each spilled chunk; memory ~ one chunk's frames.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl

KINDS = ("families", "members")


class Parts:
    """The shaped frames of an import, as (families, members) pairs."""

    def __init__(self, spill: bool) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="tepat-import-") if spill else None
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


def _read(part: pl.DataFrame | Path, columns: Sequence[str] | None = None) -> pl.DataFrame:
    if isinstance(part, pl.DataFrame):
        return part
    return pl.read_ipc(part, columns=list(columns) if columns else None)
