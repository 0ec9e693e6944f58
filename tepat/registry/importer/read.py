"""Read an export file (xlsx or csv) into an all-text frame, finding the header under a title block.

Guarantees: every value is text exactly as the file shows it (no type guessing), `_row` is the row
number as the spreadsheet shows it (1-based, counting title block and header), and for identity
columns `_numeric__<header>` tells whether the cell was numeric in the xlsx (a NIK that Excel
turned into a number has lost its 16th digit). Cost: one pass of calamine (xlsx) or polars (csv).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from tepat.registry.importer.messages import ImportFatal
from tepat.registry.importer.profiles import Profile, normalize_header

HEADER_SCAN_ROWS = 40
ROW = "_row"
IDENTITY_FIELDS = ("nik", "no_kk")


@dataclass
class Table:
    frame: pl.DataFrame  # raw headers -> text, plus _row
    headers: list[str]
    header_row: int  # 1-based, as the spreadsheet shows it
    numeric: dict[str, pl.Series] = field(default_factory=dict)  # raw header -> cell was numeric


def sniff_kind(path: Path) -> str:
    head = path.read_bytes()[:8] if path.stat().st_size else b""
    if not head:
        raise ImportFatal("file_empty")
    if head.startswith(b"PK"):
        return "xlsx"
    if head.startswith(b"%PDF"):
        raise ImportFatal("file_type", detail="PDF")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFatal("file_type", detail="xls (Excel 97-2003)")
    if b"\x00" in path.read_bytes()[:4096]:
        raise ImportFatal("file_type", detail="binary")
    return "csv"


def header_score(cells: list[object], profiles: list[Profile]) -> int:
    names = {normalize_header(cell) for cell in cells if cell not in (None, "")}
    return max(len(names & profile.aliases.keys()) for profile in profiles)


def pick_header(rows: list[list[object]], profiles: list[Profile]) -> int:
    scores = [header_score(row, profiles) for row in rows]
    best = max(range(len(scores)), key=lambda i: scores[i], default=0)
    if not scores or scores[best] < 3:
        raise ImportFatal("header_not_found")
    return best


def read_table(path: Path, profiles: list[Profile]) -> Table:
    kind = sniff_kind(path)
    table = read_xlsx(path, profiles) if kind == "xlsx" else read_csv(path, profiles)
    if table.frame.height == 0:
        raise ImportFatal("file_empty")
    return table


# --- xlsx ---------------------------------------------------------------------------------------


def _open_workbook(path: Path) -> fastexcel.ExcelReader:
    try:
        return fastexcel.read_excel(str(path))
    except Exception as error:  # calamine reports corrupt archives with many exception types
        raise ImportFatal("file_unreadable", detail=str(error).splitlines()[0][:200]) from error


def read_xlsx(path: Path, profiles: list[Profile]) -> Table:
    reader = _open_workbook(path)
    for index, _name in enumerate(reader.sheet_names):
        # skip_rows=0 makes calamine count from the sheet's first row, not from its first non-empty one
        top = reader.load_sheet(index, header_row=None, skip_rows=0, n_rows=HEADER_SCAN_ROWS, dtypes="string").to_polars()
        rows = [list(row) for row in top.iter_rows()]
        try:
            header_index = pick_header(rows, profiles)
        except ImportFatal:
            continue
        return _load_xlsx_body(reader, index, header_index, rows[header_index])
    raise ImportFatal("header_not_found")


def _unique_headers(cells: list[object]) -> list[str]:
    seen: dict[str, int] = {}
    headers = []
    for position, cell in enumerate(cells):
        name = str(cell).strip() if cell not in (None, "") else f"__kolom_{position + 1}"
        seen[name] = seen.get(name, 0) + 1
        headers.append(name if seen[name] == 1 else f"{name}__{seen[name]}")
    return headers


def _load_xlsx_body(reader, index: int, header_index: int, header_cells: list[object]) -> Table:
    headers = _unique_headers(header_cells)
    sheet = reader.load_sheet(index, header_row=None, skip_rows=header_index + 1, column_names=headers, dtypes="string")
    frame = sheet.to_polars()
    header_row = header_index + 1
    frame = frame.with_columns(pl.int_range(header_row + 1, header_row + 1 + frame.height).alias(ROW))
    numeric = _numeric_cells(reader, index, header_index, headers)
    frame, numeric = _drop_empty_rows(frame, numeric, headers)
    return Table(frame=frame, headers=headers, header_row=header_row, numeric=numeric)


def _numeric_cells(reader, index: int, header_index: int, headers: list[str]) -> dict[str, pl.Series]:
    """For identity columns: True where the cell is a number. Loading as boolean nulls text cells."""
    wanted = [i for i, h in enumerate(headers) if normalize_header(h) in {"nik", "no_kk", "nomor_kk", "nomor_kartu_keluarga"}]
    if not wanted:
        return {}
    sheet = reader.load_sheet(
        index, header_row=None, skip_rows=header_index + 1, use_columns=wanted, dtypes={i: "boolean" for i in wanted},
    )
    frame = sheet.to_polars()
    flags = {headers[i]: frame.to_series(n).is_not_null() for n, i in enumerate(wanted)}
    height = max(len(s) for s in flags.values()) if flags else 0
    return {h: s.extend_constant(False, height - len(s)) for h, s in flags.items()}


def _drop_empty_rows(frame: pl.DataFrame, numeric: dict[str, pl.Series], headers: list[str]):
    keep = pl.any_horizontal([pl.col(h).str.strip_chars().fill_null("") != "" for h in headers])
    mask = frame.select(keep).to_series()
    return frame.filter(mask), {h: s.filter(mask) for h, s in numeric.items()}


# --- csv ----------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel writes it on Indonesian Windows."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_header(lines: list[str], profiles: list[Profile]) -> tuple[int, str]:
    best = (0, ",", -1)
    for position, line in enumerate(lines):
        for delimiter in (",", ";", "\t"):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            score = header_score(cells, profiles) if len(cells) > 2 else 0
            if score > best[2]:
                best = (position, delimiter, score)
    if best[2] < 3:
        raise ImportFatal("header_not_found")
    return best[0], best[1]


def read_csv(path: Path, profiles: list[Profile]) -> Table:
    text = decode(path.read_bytes())
    lines = text.split("\n", HEADER_SCAN_ROWS)
    if not text.strip():
        raise ImportFatal("file_empty")
    header_index, delimiter = _csv_header([line.rstrip("\r") for line in lines[:HEADER_SCAN_ROWS]], profiles)
    header_line = lines[header_index].rstrip("\r")
    headers = _unique_headers(next(csv.reader([header_line], delimiter=delimiter)))
    body = "\n".join(lines[header_index + 1 :])
    frame = _parse_csv_body(body, headers, delimiter)
    header_row = header_index + 1
    frame = frame.with_columns(pl.int_range(header_row + 1, header_row + 1 + frame.height).alias(ROW))
    frame, _ = _drop_empty_rows(frame, {}, headers)
    return Table(frame=frame, headers=headers, header_row=header_row)


def _parse_csv_body(body: str, headers: list[str], delimiter: str) -> pl.DataFrame:
    if not body.strip():
        return pl.DataFrame({h: [] for h in headers}, schema={h: pl.String for h in headers})
    try:
        return pl.read_csv(
            body.encode("utf-8"), has_header=False, new_columns=headers, separator=delimiter,
            infer_schema=False, truncate_ragged_lines=True,
            raise_if_empty=False,
        ).select(headers)
    except pl.exceptions.PolarsError as error:
        raise ImportFatal("file_unreadable", detail=str(error).splitlines()[0][:200]) from error
