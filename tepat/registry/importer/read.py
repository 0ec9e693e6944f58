"""Read an export file (xlsx, ods, xls or csv) into an all-text frame, finding the header under a title block.

Guarantees: every value is text exactly as the file shows it (no type guessing), `_row` is the row
number as the spreadsheet shows it (1-based, counting title block and header), and for identity
columns `_numeric__<header>` tells whether the cell was numeric in the workbook (a NIK that a
spreadsheet program turned into a number has lost its 16th digit). The limits of
tepat.registry.importer.limits are checked before any cell is parsed. Cost: one pass of calamine
(xlsx; ods and xls read a second time for cell types) or polars (csv), plus one streaming pass over
the raw bytes for the limits.
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
import numpy as np
import polars as pl

from tepat.registry.importer.limits import SHEET_ROWS, Limits, check_archive, check_columns, check_rows
from tepat.registry.importer.messages import WARNINGS, ImportFatal
from tepat.registry.importer.profiles import Profile, normalize_header
from tepat.registry.spreadsheet import column_letters

HEADER_SCAN_ROWS = 40
ROW = "_row"
IDENTITY_HEADERS = {"nik", "no_kk", "nomor_kk", "nomor_kartu_keluarga"}


@dataclass(frozen=True)
class CsvBody:
    """Where a utf-8 csv's records start (the byte after the header line) and how to parse them
    (tepat.registry.importer.ranges reads it in byte ranges)."""

    path: Path
    start: int  # byte offset of the first record
    first_row: int  # `_row` of the first record
    headers: tuple[str, ...]
    delimiter: str


@dataclass
class Table:
    frame: pl.DataFrame | pl.LazyFrame  # raw headers -> text, plus _row; a utf-8 csv stays lazy until projected
    headers: list[str]
    header_row: int  # 1-based, as the spreadsheet shows it
    numeric: dict[str, pl.Series] = field(default_factory=dict)  # raw header -> cell was numeric
    notes: list[dict] = field(default_factory=list)  # file-level warnings: {row: None, column, value, code, message}
    body: CsvBody | None = None  # a utf-8 csv whose header is within its first 256 KB: readable in byte ranges


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff_kind(path: Path) -> str:
    """xlsx, ods, xls, csv or csv-utf16 from the first bytes (the file name is never trusted)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise ImportFatal("file_empty")
    if head.startswith(b"PK"):
        return _zip_kind(path)
    if head.startswith(b"%PDF"):
        raise ImportFatal("file_type", detail="PDF")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(UTF16_BOMS):
        return "csv-utf16"
    if b"\x00" in head:
        raise ImportFatal("file_type", detail="binary")
    return "csv"


def _zip_kind(path: Path) -> str:
    """An OpenDocument spreadsheet names itself in its `mimetype` member; anything else is read as xlsx."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "mimetype" in archive.namelist() and archive.getinfo("mimetype").file_size < 100:
                return "ods" if b"opendocument.spreadsheet" in archive.read("mimetype") else "xlsx"
    except (zipfile.BadZipFile, OSError, EOFError):
        pass  # calamine names the problem (file_unreadable)
    return "xlsx"


def header_score(cells: list[object], profiles: list[Profile]) -> int:
    names = {normalize_header(cell) for cell in cells if cell not in (None, "")}
    return max(len(names & profile.aliases.keys()) for profile in profiles)


def pick_header(rows: list[list[object]], profiles: list[Profile]) -> int:
    scores = [header_score(row, profiles) for row in rows]
    best = max(range(len(scores)), key=lambda i: scores[i], default=0)
    if not scores or scores[best] < 3:
        raise ImportFatal("header_not_found")
    return best


def read_table(path: Path, profiles: list[Profile], limits: Limits | None = None) -> Table:
    """Raises ImportFatal for a file that is unusable or over a limit (nothing of it is parsed then)."""
    limits = limits or Limits.current()
    kind = sniff_kind(path)
    if kind == "csv" or kind == "csv-utf16":
        table = read_csv(path, profiles, limits, utf16=kind == "csv-utf16")
    elif kind == "xlsx":
        table = read_xlsx(path, profiles, limits)
    else:
        table = read_workbook(path, profiles, limits, kind)
    if isinstance(table.frame, pl.DataFrame) and table.frame.height == 0:
        raise ImportFatal("file_empty")
    return table


# --- xlsx ---------------------------------------------------------------------------------------


def read_xlsx(path: Path, profiles: list[Profile], limits: Limits | None = None) -> Table:
    """One calamine parse of the sheet, while a second thread finds numeric NIK-sized cells in its XML.

    Before calamine starts: the zip's declared sizes and the sheet's declared dimension are checked;
    after: its real width and height (a file whose dimension lies is still bounded by the unzip limit).
    """
    limits = limits or Limits.current()
    check_archive(path, limits)
    reader = _open_workbook(path)
    for index, _name in enumerate(reader.sheet_names):
        _unreadable_as_fatal(lambda: check_dimension(path, index, limits))
        with ThreadPoolExecutor(1) as pool:
            scan = pool.submit(numeric_identity_cells, path, index)
            full = _load_sheet(reader, index, limits)
            try:
                header_index = pick_header([list(row) for row in full.head(HEADER_SCAN_ROWS).iter_rows()], profiles)
            except ImportFatal:
                continue
            numeric, first_column = _unreadable_as_fatal(scan.result)
        return _xlsx_table(full, header_index, numeric, first_column)
    raise ImportFatal("header_not_found")


def _load_sheet(reader: fastexcel.ExcelReader, index: int, limits: Limits) -> pl.DataFrame:
    full = _unreadable_as_fatal(
        lambda: reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string").to_polars()
    )
    check_columns(full.width, limits)
    check_rows(full.height, limits, sheet=True)
    return full


def check_dimension(path: Path, index: int, limits: Limits) -> None:
    """The `<dimension ref="A1:V50013"/>` that Excel, LibreOffice and every writer put first in a sheet.

    A sheet without one, or whose XML is far larger than its declared rows explain (a lying
    dimension), has its rows counted by streaming the XML, stopping past the limit: calamine would
    otherwise load them all (2 million rows: 18 s and 2.7 GB) before they could be counted.
    """
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, index)
        size = archive.getinfo(part).file_size
        with archive.open(part) as handle:
            head = handle.read(1 << 16)
    match = DIMENSION_REF.search(head)
    rows = 0
    if match and match.group(2):
        first, last, rows = (
            _column_index(match.group(1).decode()),
            _column_index(match.group(2).decode()),
            int(match.group(3)),
        )
        check_columns(last - first + 1, limits)
        check_rows(rows, limits, sheet=True)
    if size > BYTES_PER_ROW * max(rows, 1):
        counted, whole = count_rows(path, part, min(limits.rows, SHEET_ROWS))
        check_rows(counted, limits, at_least=not whole, sheet=True)


BYTES_PER_ROW = 4096  # a 300-column row of short cells; a sheet larger than this per declared row is counted


def count_rows(path: Path, part: str, stop_after: int, chunk_size: int = 1 << 24) -> tuple[int, bool]:
    """(`<row` elements in the sheet XML, whether all were counted): streamed in 16 MB steps, stopping
    once past `stop_after`. About 0.3 s per 100 MB of XML."""
    count, tail, whole = 0, b"", True
    with zipfile.ZipFile(path) as archive, archive.open(part) as handle:
        while chunk := handle.read(chunk_size):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-4:]  # 4 bytes cannot hold a whole 5-byte tag: one cut by the boundary is counted next time
            if count > stop_after:
                whole = not handle.read(1)
                break
    return count, whole


# --- ods and xls ----------------------------------------------------------------------------------


def read_workbook(path: Path, profiles: list[Profile], limits: Limits, kind: str) -> Table:
    """An OpenDocument (.ods) or Excel 97-2003 (.xls) workbook, read like an xlsx by the same calamine.

    The typed cells of the identity columns come from a second calamine pass (python-calamine keeps
    the number/text distinction that the all-text load erases). An .xls sheet holds at most
    65,536 x 256 cells; an .ods is bounded by the unzip limit.
    """
    if kind == "ods":
        check_archive(path, limits)
    reader = _open_workbook(path)
    for index, _name in enumerate(reader.sheet_names):
        full = _load_sheet(reader, index, limits)
        try:
            header_index = pick_header([list(row) for row in full.head(HEADER_SCAN_ROWS).iter_rows()], profiles)
        except ImportFatal:
            continue
        numeric = _unreadable_as_fatal(lambda: typed_identity_cells(path, index, header_index))
        return _workbook_table(full, header_index, numeric)
    raise ImportFatal("header_not_found")


def typed_identity_cells(path: Path, index: int, header_index: int) -> dict[int, list[int]]:
    """Position in the row (as fastexcel numbers them) -> 0-based rows whose cell is a NIK-sized number."""
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(index)
    found: dict[int, list[int]] = {}
    positions: list[int] = []
    for row_index, row in enumerate(sheet.iter_rows()):
        if row_index == header_index:
            positions = [p for p, cell in enumerate(row) if normalize_header(cell) in IDENTITY_HEADERS]
            found = {p: [] for p in positions}
        elif row_index > header_index:
            for position in positions:
                cell = row[position] if position < len(row) else None
                if isinstance(cell, (int, float)) and not isinstance(cell, bool) and abs(cell) >= 1e13:
                    found[position].append(row_index)
    return found


def _workbook_table(full: pl.DataFrame, header_index: int, numeric: dict[int, list[int]]) -> Table:
    headers = _unique_headers(list(full.row(header_index)))
    frame = full.slice(header_index + 1)
    frame.columns = headers
    header_row = header_index + 1
    frame = frame.with_columns(pl.int_range(header_row + 1, header_row + 1 + frame.height).alias(ROW))
    flags = {headers[p]: frame[ROW].is_in([r + 1 for r in rows]) for p, rows in numeric.items() if p < len(headers)}
    frame, flags = _drop_empty_rows(frame, flags, headers)
    return Table(frame=frame, headers=headers, header_row=header_row, numeric=flags)


def _unreadable_as_fatal(read):
    try:
        return read()
    except (fastexcel.FastExcelError, zipfile.BadZipFile, KeyError, EOFError, OSError) as error:
        raise ImportFatal(
            "file_unreadable", detail=str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        ) from error


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


def _column_index(letters: str) -> int:
    value = 0
    for char in letters:
        value = value * 26 + ord(char) - 64
    return value - 1


NUMERIC_BIG = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?:(?! t=")[^>])*(?: t="n"[^>]*)?>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>([0-9]{14,17}(?:\.0*)?|[0-9]\.[0-9]+E\+1[3-6])</v>'
)
DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})[0-9]+')
DIMENSION_REF = re.compile(rb'<dimension ref="([A-Z]{1,3})[0-9]+(?::([A-Z]{1,3})([0-9]+))?"')


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


@dataclass
class ByteScan:
    """One streaming pass over csv bytes: is it UTF-8, how many lines, is any line over the field limit.

    Cost: numpy finds the line breaks of each 16 MB chunk (about 0.1 s per 100 MB); constant memory.
    """

    limit: int  # bytes one line may hold
    utf8: bool = True
    lines: int = 0
    _open: int = 0  # length of the line still open at the end of the last chunk
    _decoder: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")())

    def feed(self, chunk: bytes) -> None:
        if self.utf8:
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError:
                self.utf8 = False
        breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
        if breaks.size == 0:
            self._open += len(chunk)
            self._check(self._open, 0)
            return
        lengths = np.diff(breaks, prepend=-1) - 1
        lengths[0] += self._open
        longest = int(lengths.argmax())
        self._check(int(lengths[longest]), longest)
        self.lines += breaks.size
        self._open = len(chunk) - int(breaks[-1]) - 1
        self._check(self._open, breaks.size)

    def _check(self, length: int, offset: int) -> None:
        if length > self.limit:
            raise ImportFatal("field_too_long", line=self.lines + offset + 1, limit=self.limit // 1024)

    def finish(self) -> ByteScan:
        if self.utf8:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8 = False
        self.lines += 1 if self._open else 0
        return self


def scan_bytes(path: Path | None, limits: Limits, data: bytes | None = None) -> ByteScan:
    """Scan a file in 16 MB steps (never holding it whole: a 2 GB export is common at scale), or bytes in memory."""
    scan = ByteScan(limit=limits.field_kb * 1024)
    if data is not None:
        for start in range(0, len(data), 1 << 24):
            scan.feed(data[start : start + (1 << 24)])
        return scan.finish()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            scan.feed(chunk)
    return scan.finish()


def _cells(line: str, delimiter: str) -> list[str]:
    """One line split as csv; a line the csv module refuses (a bare CR in a quoted cell) counts as no header."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _csv_header(lines: list[str], profiles: list[Profile]) -> tuple[int, str]:
    best = (0, ",", -1)
    for position, line in enumerate(lines):
        for delimiter in (",", ";", "\t"):
            cells = _cells(line, delimiter)
            score = header_score(cells, profiles) if len(cells) > 2 else 0
            if score > best[2]:
                best = (position, delimiter, score)
    if best[2] < 3:
        raise ImportFatal("header_not_found")
    return best[0], best[1]


def _decoded(path: Path, limits: Limits, utf16: bool) -> tuple[bytes | None, ByteScan, list[dict]]:
    """(the file re-encoded as UTF-8 when it is not UTF-8 already, its scan, file-level warnings).

    UTF-16 with a BOM is Excel's "Unicode text"; anything else that is not UTF-8 is read as
    Windows-1252 (Excel on Indonesian Windows), and the report says so.
    """
    if utf16:
        try:
            data = path.read_bytes().decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportFatal("file_unreadable", detail=f"UTF-16: {error.reason} (byte {error.start})") from error
        return data, scan_bytes(None, limits, data), []
    scan = scan_bytes(path, limits)
    if scan.utf8:
        return None, scan, []
    data = path.read_bytes().decode("cp1252", errors="replace").encode("utf-8")
    note = {
        ROW: None,
        "field": None,
        "value": "windows-1252",
        "code": "encoding_cp1252",
        "message": WARNINGS["encoding_cp1252"].text(),
    }
    return data, scan, [note]


def read_csv(path: Path, profiles: list[Profile], limits: Limits | None = None, utf16: bool = False) -> Table:
    """UTF-8 (with or without BOM) is scanned lazily, so only the columns a profile maps are parsed;
    UTF-16 and Windows-1252 are re-encoded in memory first, so they are held to a sheet's row count."""
    limits = limits or Limits.current()
    with path.open("rb") as handle:
        head = handle.read(1 << 18)
    if not head.strip():
        raise ImportFatal("file_empty")
    decoded, scan, notes = _decoded(path, limits, utf16)
    data = head if decoded is None else decoded
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = data[: 1 << 20].decode("utf-8", errors="ignore").split("\n", HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    lines = [line.rstrip("\r") for line in lines]
    header_index, delimiter = _csv_header(lines, profiles)
    headers = _unique_headers(_cells(lines[header_index], delimiter))
    check_columns(len(headers), limits)
    header_row = header_index + 1
    check_rows(scan.lines - header_row, limits, sheet=decoded is not None)  # re-encoded: read whole, like a sheet
    body = None
    if decoded is None:
        frame = _scan_csv_body(path, header_row, headers, delimiter)
        starts = _line_starts(head, header_row)
        if len(starts) > header_row:
            body = CsvBody(path, starts[header_row], header_row + 1, tuple(headers), delimiter)
    else:
        starts = _line_starts(data, header_row)
        frame = parse_csv_body(data[starts[-1] if len(starts) > header_row else len(data) :], headers, delimiter)
        frame = frame.with_columns(pl.int_range(header_row + 1, header_row + 1 + frame.height).alias(ROW))
        frame, _ = _drop_empty_rows(frame, {}, headers)
    return Table(frame=frame, headers=headers, header_row=header_row, notes=notes, body=body)


def non_empty_row(headers: list[str]) -> pl.Expr:
    """A row with some cell not blank (blank rows of a csv are left out)."""
    return pl.any_horizontal([pl.col(h).str.strip_chars().fill_null("") != "" for h in headers])


def _scan_csv_body(path: Path, skip: int, headers: list[str], delimiter: str) -> pl.LazyFrame:
    frame = pl.scan_csv(
        path,
        has_header=False,
        skip_rows=skip,
        new_columns=headers,
        separator=delimiter,
        infer_schema=False,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )
    frame = frame.with_row_index(ROW, offset=skip + 1).with_columns(pl.col(ROW).cast(pl.Int64))
    keep = non_empty_row(headers)
    # a column, then a filter on it: pushing a 1,000-column predicate into the scan took polars 8 s
    return frame.with_columns(keep.alias("_keep")).filter(pl.col("_keep")).drop("_keep")


def parse_csv_body(body: bytes, headers: list[str], delimiter: str) -> pl.DataFrame:
    if not body.strip():
        return pl.DataFrame({h: [] for h in headers}, schema=dict.fromkeys(headers, pl.String))
    try:
        return pl.read_csv(  # every header a text column, whatever the first line of this body holds
            body,
            has_header=False,
            schema=dict.fromkeys(headers, pl.String),
            separator=delimiter,
            truncate_ragged_lines=True,
            missing_columns="insert",
            extra_columns="ignore",
            raise_if_empty=False,
        ).select(headers)
    except pl.exceptions.PolarsError as error:
        raise ImportFatal("file_unreadable", detail=str(error).splitlines()[0][:200]) from error
