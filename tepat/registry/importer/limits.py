"""Size and shape limits an input file must respect before its cell data is read.

A hostile or odd file (10,000 columns, 2 million rows, a 1 GiB zip bomb, one 200 KB cell) is refused
from what can be seen without parsing it: the zip directory, the sheet's declared dimension, a
streaming pass over the csv bytes. Each refusal is an ImportFatal with a stable code and the number
that tripped it, so the CLI exits 2 and the page names the limit and the setting that raises it.

Guarantee: every check here costs at most one streaming pass over the raw bytes, in constant memory.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tepat.registry.importer.messages import ImportFatal

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    columns: int = 300
    rows: int = 5_000_000  # a 1M-family individual-level csv has ~3.9M rows; csv is read in chunks (bounded memory)
    unzip_ratio: int = 20  # uncompressed members may be this many times the file...
    unzip_floor_mb: int = 16  # ...but a small file may always unpack to this much
    unzip_max_mb: int = 2048  # ...and nothing unpacks to more than this
    field_kb: int = 128  # one csv line (and so one cell) at most this long

    @classmethod
    def current(cls) -> Limits:
        """The limits in force: Django settings when configured (tests override them there), else the environment."""
        try:
            from django.conf import settings

            if settings.configured:
                return settings.TEPAT_IMPORT_LIMITS
        except (ImportError, AttributeError):
            pass
        return cls.from_env()

    @classmethod
    def from_env(cls) -> Limits:
        def value(name: str, default: int) -> int:
            return int(os.getenv(name, str(default)))

        return cls(
            columns=value("TEPAT_IMPORT_MAX_COLUMNS", cls.columns),
            rows=value("TEPAT_IMPORT_MAX_ROWS", cls.rows),
            unzip_ratio=value("TEPAT_IMPORT_MAX_UNZIP_RATIO", cls.unzip_ratio),
            unzip_floor_mb=value("TEPAT_IMPORT_UNZIP_FLOOR_MB", cls.unzip_floor_mb),
            unzip_max_mb=value("TEPAT_IMPORT_MAX_UNZIP_MB", cls.unzip_max_mb),
            field_kb=value("TEPAT_IMPORT_MAX_FIELD_KB", cls.field_kb),
        )

    def unzip_budget(self, file_size: int) -> int:
        """Bytes the members of a zip of this size may unpack to, together."""
        return min(self.unzip_max_mb * MB, max(self.unzip_ratio * file_size, self.unzip_floor_mb * MB))


def check_archive(path: Path, limits: Limits) -> None:
    """Refuse a zip (xlsx, ods) whose members declare more uncompressed bytes than the budget.

    Python's zipfile never inflates past a member's declared size (it fails the CRC instead), and the
    sheet XML is streamed through it before calamine reads it, so the declared sizes are the real bound.
    Cost: reads the central directory only.
    """
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ImportFatal("file_unreadable", detail=str(error)[:200] or type(error).__name__) from error
    budget = limits.unzip_budget(size)
    if declared > budget:
        raise ImportFatal("unzipped_too_large", size=_mb(declared), limit=_mb(budget), ratio=limits.unzip_ratio)


def check_columns(count: int, limits: Limits) -> None:
    if count > limits.columns:
        raise ImportFatal("too_many_columns", count=f"{count:,}", limit=f"{limits.columns:,}")


SHEET_ROWS = 1_048_576  # the most rows an xlsx or ods sheet can hold; files read whole are held to it


def check_rows(count: int, limits: Limits, at_least: bool = False, sheet: bool = False) -> None:
    """`at_least`: the count stopped early (past the limit), so the message says `N+`. `sheet`: a spreadsheet,
    read whole, is also held to the format's own row count (a bigger one is hostile or broken)."""
    limit = min(limits.rows, SHEET_ROWS) if sheet else limits.rows
    if count > limit:
        raise ImportFatal("too_many_rows", count=f"{count:,}" + ("+" if at_least else ""), limit=f"{limit:,}")


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / 1024:,.0f} KB"
