"""Read an export file (xlsx or csv) into an all-text frame, finding the header under a title block.

Guarantees: every value is text exactly as the file shows it (no type guessing), `_row` is the row
number as the spreadsheet shows it (1-based, counting title block and header), and for identity
columns `_numeric__<header>` tells whether the cell was numeric in the xlsx (a NIK that Excel
turned into a number has lost its 16th digit). Cost: one pass of calamine (xlsx) or polars (csv).
"""
from __future__ import annotations

import codecs
import csv
import zipfile
from concurrent.futures import ThreadPoolExecutor
import re
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from tepat.registry.importer.messages import ImportFatal
from tepat.registry.importer.profiles import Profile, normalize_header

HEADER_SCAN_ROWS = 40
ROW = "_row"
IDENTITY_HEADERS = {"nik", "no_kk", "nomor_kk", "nomor_kartu_keluarga"}


@dataclass
class Table:
    frame: pl.DataFrame | pl.LazyFrame  # raw headers -> text, plus _row; a utf-8 csv stays lazy until projected
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
    if isinstance(table.frame, pl.DataFrame) and table.frame.height == 0:
        raise ImportFatal("file_empty")
    return table


# --- xlsx ---------------------------------------------------------------------------------------


def read_xlsx(path: Path, profiles: list[Profile]) -> Table:
    """One calamine parse of the sheet, while a second thread finds numeric NIK-sized cells in its XML."""
    reader = _open_workbook(path)
    for index, _name in enumerate(reader.sheet_names):
        with ThreadPoolExecutor(1) as pool:
            scan = pool.submit(numeric_identity_cells, path, index)
            full = _unreadable_as_fatal(lambda: reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string").to_polars())
            try:
                header_index = pick_header([list(row) for row in full.head(HEADER_SCAN_ROWS).iter_rows()], profiles)
            except ImportFatal:
                continue
            numeric, first_column = _unreadable_as_fatal(scan.result)
        return _xlsx_table(full, header_index, numeric, first_column)
    raise ImportFatal("header_not_found")


def _unreadable_as_fatal(read):
    try:
        return read()
    except (fastexcel.FastExcelError, zipfile.BadZipFile, KeyError, EOFError, OSError) as error:
        raise ImportFatal("file_unreadable", detail=str(error).splitlines()[0][:200] if str(error) else type(error).__name__) from error


def _xlsx_table(full: pl.DataFrame, header_index: int, numeric: set[tuple[str, int]], first_column: int) -> Table:
    headers = _unique_headers(list(full.row(header_index)))
    frame = full.slice(header_index + 1)
    frame.columns = headers
    header_row = header_index + 1
    frame = frame.with_columns(pl.int_range(header_row + 1, header_row + 1 + frame.height).alias(ROW))
    flags = {}
    for position, header in enumerate(headers):
        if normalize_header(header) in IDENTITY_HEADERS:
            letter = column_letters(first_column + position)
            rows = [row for column, row in numeric if column == letter]
            flags[header] = frame[ROW].is_in(rows)
    frame, flags = _drop_empty_rows(frame, flags, headers)
    return Table(frame=frame, headers=headers, header_row=header_row, numeric=flags)


def column_letters(index: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 64
    return value - 1


NUMERIC_BIG = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?:(?! t=")[^>])*(?: t="n"[^>]*)?>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>([0-9]{14,17}(?:\.0*)?|[0-9]\.[0-9]+E\+1[3-6])</v>')
DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})[0-9]+')


def _sheet_part(archive: zipfile.ZipFile, index: int) -> str:
    """The XML part of the index-th sheet in workbook order."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    ids = re.findall(r'<sheet\b[^>]*\br:id="([^"]+)"', workbook) or re.findall(r'<sheet\b[^>]*\bid="([^"]+)"', workbook)
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = dict(re.findall(r'<Relationship\b[^>]*\bId="([^"]+)"[^>]*\bTarget="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'<Relationship\b[^>]*\bTarget="([^"]+)"[^>]*\bId="([^"]+)"', rels)})
    target = targets[ids[index]]
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def numeric_identity_cells(path: Path, index: int) -> tuple[set[tuple[str, int]], int]:
    """(column letters, row) of number cells holding 14-17 digit values, and the sheet's first column.

    Only NIK / No KK values are that large, so these are identity numbers Excel stored as numbers.
    Streams the sheet XML in chunks: constant memory, about 5 s per GB of XML.
    """
    found: set[tuple[str, int]] = set()
    first_column = 0
    with zipfile.ZipFile(path) as archive, archive.open(_sheet_part(archive, index)) as handle:
        tail = b""
        while chunk := handle.read(16 << 20):
            data = tail + chunk
            if not found and first_column == 0 and (match := DIMENSION.search(data, 0, 4096)):
                first_column = _column_index(match.group(1).decode())
            cut = data.rfind(b"</row>") + 6 if b"</row>" in data else 0
            found.update((c.decode(), int(r)) for c, r, _ in NUMERIC_BIG.findall(data, 0, cut))
            tail = data[cut:]
    return found, first_column


def _open_workbook(path: Path) -> fastexcel.ExcelReader:
    return _unreadable_as_fatal(lambda: fastexcel.read_excel(str(path)))


def _unique_headers(cells: list[object]) -> list[str]:
    seen: dict[str, int] = {}
    headers = []
    for position, cell in enumerate(cells):
        name = str(cell).strip() if cell not in (None, "") else f"__kolom_{position + 1}"
        seen[name] = seen.get(name, 0) + 1
        headers.append(name if seen[name] == 1 else f"{name}__{seen[name]}")
    return headers


def _drop_empty_rows(frame: pl.DataFrame, numeric: dict[str, pl.Series], headers: list[str]):
    keep = pl.any_horizontal([pl.col(h).str.strip_chars().fill_null("") != "" for h in headers])
    mask = frame.select(keep).to_series()
    return frame.filter(mask), {h: s.filter(mask) for h, s in numeric.items()}


# --- csv ----------------------------------------------------------------------------------------


def _line_starts(data: bytes, count: int) -> list[int]:
    """Offsets where each of the first `count` lines starts (cheap: no copy of the file)."""
    starts, position = [0], 0
    while len(starts) <= count:
        position = data.find(b"\n", position)
        if position < 0:
            break
        position += 1
        starts.append(position)
    return starts


def _is_utf8(path: Path) -> bool:
    """Validate the file in 16 MB steps, never holding it whole (a 2 GB export is common at scale)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


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
    """UTF-8 (with or without BOM) is scanned lazily, so only the columns a profile maps are parsed;
    Windows-1252 (Excel on Indonesian Windows) is re-encoded in memory first."""
    with path.open("rb") as handle:
        head = handle.read(1 << 18)
    if not head.strip():
        raise ImportFatal("file_empty")
    utf8 = _is_utf8(path)
    data = head if utf8 else path.read_bytes().decode("cp1252", errors="replace").encode("utf-8")
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = data.decode("utf-8", errors="ignore").split("\n", HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    lines = [line.rstrip("\r") for line in lines]
    header_index, delimiter = _csv_header(lines, profiles)
    headers = _unique_headers(next(csv.reader([lines[header_index]], delimiter=delimiter)))
    header_row = header_index + 1
    if utf8:
        frame = _scan_csv_body(path, header_row, headers, delimiter)
    else:
        starts = _line_starts(data, header_row)
        frame = _parse_csv_body(data[starts[-1] if len(starts) > header_row else len(data):], headers, delimiter)
        frame = frame.with_columns(pl.int_range(header_row + 1, header_row + 1 + frame.height).alias(ROW))
        frame, _ = _drop_empty_rows(frame, {}, headers)
    return Table(frame=frame, headers=headers, header_row=header_row)


def _scan_csv_body(path: Path, skip: int, headers: list[str], delimiter: str) -> pl.LazyFrame:
    frame = pl.scan_csv(
        path, has_header=False, skip_rows=skip, new_columns=headers, separator=delimiter,
        infer_schema=False, truncate_ragged_lines=True, raise_if_empty=False,
    )
    frame = frame.with_row_index(ROW, offset=skip + 1).with_columns(pl.col(ROW).cast(pl.Int64))
    keep = pl.any_horizontal([pl.col(h).str.strip_chars().fill_null("") != "" for h in headers])
    return frame.filter(keep)


def _parse_csv_body(body: bytes, headers: list[str], delimiter: str) -> pl.DataFrame:
    if not body.strip():
        return pl.DataFrame({h: [] for h in headers}, schema={h: pl.String for h in headers})
    try:
        return pl.read_csv(
            body, has_header=False, new_columns=headers, separator=delimiter,
            infer_schema=False, truncate_ragged_lines=True,
            raise_if_empty=False,
        ).select(headers)
    except pl.exceptions.PolarsError as error:
        raise ImportFatal("file_unreadable", detail=str(error).splitlines()[0][:200]) from error
