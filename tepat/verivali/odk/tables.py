"""Read an ODK Central or KoboToolbox submission export into plain tables. No Django.

Accepted: a csv (main table only; ODK Central or Kobo, `,` or `;`, LF or CRLF), an xlsx or .ods (Kobo:
the main sheet first and one sheet per repeat, linked by `_index` / `_parent_index`; a workbook saved from
ODK csv files works too, linked by `KEY` / `PARENT_KEY`), or ODK Central's zip (`<form>.csv`,
`<form>-<repeat>.csv`, and `media/` when exported with attachments). Every cell is text as the file
shows it; a date cell becomes `yyyy-mm-dd` (`yyyy-mm-dd hh:mm:ss` with a time), and a number cell of
14-17 digits (xlsx or .ods) is remembered in `Row.numeric` (an identity number a spreadsheet turned into a number).
Row numbers are the rows a spreadsheet shows (header = 1; a csv cell spanning lines is one row). A
file that cannot be read whole (truncated, not UTF-8, ragged rows, broken zip) raises
`ExportUnreadable` and nothing of it is used.
"""

from __future__ import annotations

from tepat.engine.bilingual import Bilingual, Message

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import fastexcel

from tepat.registry.importer.read import _column_index, numeric_identity_cells
from tepat.verivali.odk.columns import field_key
from tepat.verivali.odk.form import GROUPS

KOBO_MARKERS = {"_uuid", "_submission_time", "_index", "_id", "_parent_index"}
ODK_MARKERS = {"submissiondate", "key", "parent_key", "submitterid", "submittername", "reviewstate"}


class ExportUnreadable(Exception, Bilingual):
    """The file as a whole cannot be used; nothing from it is written."""

    def __init__(self, code: str, message: Message):
        super().__init__(str(message))
        self.code, self.bilingual = code, message


@dataclass
class Row:
    number: int  # as a spreadsheet shows it (header = 1)
    cells: dict[str, str]  # raw column name -> text
    numeric: frozenset[str] = frozenset()  # columns whose cell was a 14-17 digit number (xlsx)


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[Row]

    def keys(self) -> dict[str, str]:
        """Normalised field key -> raw column name (the first column wins when two normalise alike)."""
        keys: dict[str, str] = {}
        for header in self.headers:
            keys.setdefault(field_key(header, GROUPS), header)
        return keys


@dataclass
class Export:
    file_name: str
    source: str  # "odk" or "kobo"
    main: Sheet
    repeats: dict[str, Sheet] = field(default_factory=dict)  # repeat group name -> its rows
    media: dict[str, bytes] = field(default_factory=dict)  # attachment file name -> content
    kind: str = "csv"  # "csv" (one table), "zip" (ODK Central's csv.zip), "xlsx" or "ods" (workbook)


def read_export(path: Path, file_name: str | None = None) -> Export:
    data = path.read_bytes()
    name = file_name or path.name
    if not data.strip():
        raise ExportUnreadable("file_empty", Message(f"Berkas {name} kosong", f"File {name} is empty"))
    if data.startswith(b"PK"):
        sheets, media, kind = _read_zip(data, name, path)
    elif data[:8].startswith(b"\xd0\xcf\x11\xe0"):
        raise ExportUnreadable(
            "file_type",
            Message(
                "Berkas .xls lama tidak didukung; simpan sebagai .xlsx atau ekspor csv",
                "Old .xls files are not supported; save as .xlsx or export csv",
            ),
        )
    else:
        sheets, media, kind = [_read_csv(data, name, name)], {}, "csv"
    return _assemble(name, sheets, media, kind)


def _assemble(name: str, sheets: list[Sheet], media: dict[str, bytes], kind: str) -> Export:
    sheets = [s for s in sheets if s.headers]
    if not sheets:
        raise ExportUnreadable(
            "file_empty", Message(f"Berkas {name} tidak berisi tabel", f"File {name} holds no table")
        )
    main = next((s for s in sheets if not _is_repeat(s)), sheets[0])
    repeats = {_repeat_name(s): s for s in sheets if s is not main and _is_repeat(s)}
    return Export(
        file_name=name, source=detect_source(main.headers), main=main, repeats=repeats, media=media, kind=kind
    )


def detect_source(headers: list[str]) -> str:
    lowered = {h.strip().lower() for h in headers}
    if lowered & KOBO_MARKERS or any("/" in h for h in headers):
        return "kobo"
    if lowered & ODK_MARKERS or any("-" in h for h in headers):
        return "odk"
    raise ExportUnreadable(
        "not_an_export",
        Message(
            "Bukan ekspor kiriman ODK Central atau KoboToolbox (kolom metadata tidak ada)",
            "Not an ODK Central or KoboToolbox submission export (no metadata columns)",
        ),
    )


def _is_repeat(sheet: Sheet) -> bool:
    lowered = {h.strip().lower() for h in sheet.headers}
    return bool(lowered & {"_parent_index", "parent_key"})


def _repeat_name(sheet: Sheet) -> str:
    """'anggota' from the Kobo sheet 'anggota' or the ODK file 'tepat_verivali_1-anggota.csv'."""
    stem = PurePosixPath(sheet.name).stem
    return stem.rsplit("-", 1)[-1].lower()


# --- csv ----------------------------------------------------------------------------------------


def _read_csv(data: bytes, name: str, sheet_name: str) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportUnreadable(
            "encoding",
            Message(f"{name}: bukan teks UTF-8 (byte {error.start})", f"{name}: not UTF-8 text (byte {error.start})"),
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
        rows = _csv_rows(reader, header, name)
    except csv.Error as error:
        raise ExportUnreadable(
            "csv_broken",
            Message(
                f"{name}: csv rusak atau terpotong di baris {reader.line_num} ({error})",
                f"{name}: broken or truncated csv at line {reader.line_num} ({error})",
            ),
        ) from error
    return Sheet(name=sheet_name, headers=[h.strip() for h in header], rows=rows)


def _csv_rows(reader, header: list[str], name: str) -> list[Row]:
    """Rows numbered as a spreadsheet shows them: one per record, however many lines a cell spans."""
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ExportUnreadable(
                "row_length",
                Message(
                    f"{name}: baris {number} berisi {len(cells)} kolom, judul {len(header)}; berkas terpotong atau rusak",
                    f"{name}: row {number} has {len(cells)} columns, the header {len(header)}; the file is truncated or broken",
                ),
            )
        rows.append(Row(number=number, cells=dict(zip((h.strip() for h in header), cells))))
    return rows


# --- xlsx and zip ---------------------------------------------------------------------------------


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _read_zip(data: bytes, name: str, path: Path) -> tuple[list[Sheet], dict[str, bytes], str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_declared_sizes(archive, name)
        names = archive.namelist()
        if "[Content_Types].xml" in names:
            return _read_workbook(data, name, lambda index: _xlsx_numeric(path, index)), {}, "xlsx"
        if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
            numeric = ods_identity_cells(archive.read("content.xml"))
            return (
                _read_workbook(data, name, lambda index: numeric[index] if index < len(numeric) else set()),
                {},
                "ods",
            )
        return (*_read_odk_zip(archive, name), "zip")
    except (zipfile.BadZipFile, EOFError, KeyError) as error:
        raise _broken(name, error) from error


def _check_declared_sizes(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a member (an attachment) declaring more than TEPAT_ODK_MAX_ATTACHMENT_MB before inflating any
    (zipfile never inflates past the declared size)."""
    from django.conf import settings

    limit = getattr(settings, "TEPAT_ODK_MAX_ATTACHMENT_MB", 50) << 20
    for member in archive.infolist():
        if member.file_size > limit:
            size = f"{member.file_size >> 20:,} MB"
            raise ExportUnreadable(
                "attachment_too_large",
                Message(
                    f"{name}: lampiran {member.filename} berukuran {size}; batasnya {limit >> 20} MB",
                    f"{name}: attachment {member.filename} is {size}; the limit is {limit >> 20} MB",
                ),
            )


def _broken(name: str, error: BaseException) -> ExportUnreadable:
    detail = (str(error).splitlines() or [type(error).__name__])[0][:160]
    return ExportUnreadable(
        "file_unreadable",
        Message(
            f"{name}: berkas rusak atau terpotong ({detail})", f"{name}: the file is broken or truncated ({detail})"
        ),
    )


def _read_odk_zip(archive: zipfile.ZipFile, name: str) -> tuple[list[Sheet], dict[str, bytes]]:
    sheets, media = [], {}
    for member in archive.infolist():
        if member.is_dir():
            continue
        content = archive.read(member)  # raises BadZipFile on a CRC error (a truncated download)
        if member.filename.lower().endswith(".csv"):
            sheets.append(_read_csv(content, f"{name}:{member.filename}", member.filename))
        else:
            media[PurePosixPath(member.filename).name] = content
    if not sheets:
        raise ExportUnreadable(
            "not_an_export", Message(f"{name}: zip tanpa berkas csv", f"{name}: a zip without csv files")
        )
    return sheets, media


def _read_workbook(data: bytes, name: str, numeric) -> list[Sheet]:
    """Every sheet of an xlsx or ods (calamine through fastexcel); `numeric(index)` gives the sheet's big number
    cells as (column index, row) pairs."""
    try:
        reader = fastexcel.read_excel(data)
        return [
            _workbook_sheet(reader, index, sheet_name, numeric(index))
            for index, sheet_name in enumerate(reader.sheet_names)
        ]
    except (fastexcel.FastExcelError, OSError, IndexError) as error:
        raise _broken(name, error) from error


def _xlsx_numeric(path: Path, index: int) -> set[tuple[int, int]]:
    """The registry importer's scan of an xlsx sheet for 14-17 digit number cells, as (column index, row)."""
    cells, first_column = numeric_identity_cells(path, index)
    return {(_column_index(letters) - first_column, row) for letters, row in cells}


ODS = "{urn:oasis:names:tc:opendocument:xmlns:%s:1.0}"
BIG_NUMBER = re.compile(r"^[0-9]{14,17}(\.0*)?$|^[0-9](\.[0-9]+)?[eE]\+?1[3-6]$")


def ods_identity_cells(content: bytes) -> list[set[tuple[int, int]]]:
    """Per sheet of an .ods, the (column index, row) of float cells holding a 14-17 digit value: identity numbers
    a spreadsheet turned into numbers. Repeated rows and cells are counted as the spreadsheet shows them."""
    from xml.etree import ElementTree

    table, row_tag, cell_tags = (
        ODS % "table" + "table",
        ODS % "table" + "table-row",
        (ODS % "table" + "table-cell", ODS % "table" + "covered-table-cell"),
    )
    repeat_rows, repeat_cells = ODS % "table" + "number-rows-repeated", ODS % "table" + "number-columns-repeated"
    kind, value = ODS % "office" + "value-type", ODS % "office" + "value"
    sheets = []
    for sheet in ElementTree.fromstring(content).iter(table):
        found, row_number = set(), 1
        for row in sheet.iter(row_tag):
            column = 0
            for cell in row:
                if cell.tag not in cell_tags:
                    continue
                if cell.get(kind) == "float" and BIG_NUMBER.match(cell.get(value, "")):
                    found.add((column, row_number))
                column += int(cell.get(repeat_cells, "1"))
            row_number += int(row.get(repeat_rows, "1"))
        sheets.append(found)
    return sheets


def _workbook_sheet(reader: fastexcel.ExcelReader, index: int, sheet_name: str, numeric: set[tuple[int, int]]) -> Sheet:
    frame = reader.load_sheet(index, header_row=None, dtypes="string").to_polars()
    if frame.height == 0:
        return Sheet(name=sheet_name, headers=[], rows=[])
    header = [("" if c is None else str(c)).strip() for c in frame.row(0)]
    by_row: dict[int, set[str]] = {}
    for position, row in numeric:
        if 0 <= position < len(header):
            by_row.setdefault(row, set()).add(header[position])
    rows = []
    for offset, values in enumerate(frame.slice(1).iter_rows(), start=2):
        cells = ["" if v is None else cell_text(str(v)) for v in values]
        if any(c.strip() for c in cells):
            rows.append(Row(number=offset, cells=dict(zip(header, cells)), numeric=frozenset(by_row.get(offset, ()))))
    return Sheet(name=sheet_name, headers=[h for h in header if h], rows=rows)


MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$")


def cell_text(text: str) -> str:
    """A workbook cell as the form wrote it: a number cell 12 read as '12.0' gives '12', a date cell
    '2024-01-01 00:00:00' gives '2024-01-01' (a date-time keeps its time)."""
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        return text[:-2]
    if match := MIDNIGHT.match(text):
        return match[1]
    return text
