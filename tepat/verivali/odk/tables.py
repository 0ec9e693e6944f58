"""Read an ODK Central or KoboToolbox submission export into plain tables. No Django.

Accepted: a csv (main table only; ODK Central or Kobo, `,` or `;`), an xlsx (Kobo: the main sheet
first and one sheet per repeat, linked by `_index` / `_parent_index`; a workbook saved from ODK
csv files works too, linked by `KEY` / `PARENT_KEY`), or ODK Central's zip ("all data and
attachments": `<form>.csv`, `<form>-<repeat>.csv` and `media/`). Every cell is text exactly as
the file shows it. A file that cannot be read whole (truncated, not UTF-8, ragged rows, broken
zip) raises `ExportUnreadable` and nothing of it is used.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import fastexcel

from tepat.verivali.odk.columns import field_key
from tepat.verivali.odk.form import GROUPS

KOBO_MARKERS = {"_uuid", "_submission_time", "_index", "_id", "_parent_index"}
ODK_MARKERS = {"submissiondate", "key", "parent_key", "submitterid", "submittername", "reviewstate"}


class ExportUnreadable(Exception):
    """The file as a whole cannot be used; nothing from it is written."""

    def __init__(self, code: str, message_id: str, message_en: str):
        super().__init__(f"{message_id} / {message_en}")
        self.code, self.message_id, self.message_en = code, message_id, message_en


@dataclass
class Row:
    number: int  # as the spreadsheet / text editor shows it (header = 1)
    cells: dict[str, str]  # raw column name -> text


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


def read_export(path: Path, file_name: str | None = None) -> Export:
    data = path.read_bytes()
    name = file_name or path.name
    if not data.strip():
        raise ExportUnreadable("file_empty", f"Berkas {name} kosong", f"File {name} is empty")
    if data.startswith(b"PK"):
        sheets, media = _read_zip(data, name)
    elif data[:8].startswith(b"\xd0\xcf\x11\xe0"):
        raise ExportUnreadable("file_type", "Berkas .xls lama tidak didukung; simpan sebagai .xlsx atau ekspor csv",
                               "Old .xls files are not supported; save as .xlsx or export csv")
    else:
        sheets, media = [_read_csv(data, name, name)], {}
    return _assemble(name, sheets, media)


def _assemble(name: str, sheets: list[Sheet], media: dict[str, bytes]) -> Export:
    sheets = [s for s in sheets if s.headers]
    if not sheets:
        raise ExportUnreadable("file_empty", f"Berkas {name} tidak berisi tabel", f"File {name} holds no table")
    main = next((s for s in sheets if not _is_repeat(s)), sheets[0])
    repeats = {_repeat_name(s): s for s in sheets if s is not main and _is_repeat(s)}
    return Export(file_name=name, source=detect_source(main.headers), main=main, repeats=repeats, media=media)


def detect_source(headers: list[str]) -> str:
    lowered = {h.strip().lower() for h in headers}
    if lowered & KOBO_MARKERS or any("/" in h for h in headers):
        return "kobo"
    if lowered & ODK_MARKERS or any("-" in h for h in headers):
        return "odk"
    raise ExportUnreadable("not_an_export", "Bukan ekspor kiriman ODK Central atau KoboToolbox (kolom metadata tidak ada)",
                           "Not an ODK Central or KoboToolbox submission export (no metadata columns)")


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
        raise ExportUnreadable("encoding", f"{name}: bukan teks UTF-8 (byte {error.start})",
                               f"{name}: not UTF-8 text (byte {error.start})") from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
        rows = _csv_rows(reader, header, name)
    except csv.Error as error:
        raise ExportUnreadable("csv_broken", f"{name}: csv rusak atau terpotong di baris {reader.line_num} ({error})",
                               f"{name}: broken or truncated csv at line {reader.line_num} ({error})") from error
    return Sheet(name=sheet_name, headers=[h.strip() for h in header], rows=rows)


def _csv_rows(reader, header: list[str], name: str) -> list[Row]:
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ExportUnreadable(
                "row_length", f"{name}: baris {reader.line_num} berisi {len(cells)} kolom, judul {len(header)}; berkas terpotong atau rusak",
                f"{name}: line {reader.line_num} has {len(cells)} columns, the header {len(header)}; the file is truncated or broken")
        rows.append(Row(number=reader.line_num, cells=dict(zip((h.strip() for h in header), cells))))
    return rows


# --- xlsx and zip ---------------------------------------------------------------------------------


def _read_zip(data: bytes, name: str) -> tuple[list[Sheet], dict[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_declared_sizes(archive, name)
        names = archive.namelist()
        if "[Content_Types].xml" in names:
            return _read_xlsx(data, name), {}
        return _read_odk_zip(archive, name)
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
            raise ExportUnreadable("attachment_too_large", f"{name}: lampiran {member.filename} berukuran {size}; batasnya {limit >> 20} MB",
                                   f"{name}: attachment {member.filename} is {size}; the limit is {limit >> 20} MB")


def _broken(name: str, error: BaseException) -> ExportUnreadable:
    detail = (str(error).splitlines() or [type(error).__name__])[0][:160]
    return ExportUnreadable("file_unreadable", f"{name}: berkas rusak atau terpotong ({detail})",
                            f"{name}: the file is broken or truncated ({detail})")


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
        raise ExportUnreadable("not_an_export", f"{name}: zip tanpa berkas csv", f"{name}: a zip without csv files")
    return sheets, media


def _read_xlsx(data: bytes, name: str) -> list[Sheet]:
    try:
        reader = fastexcel.read_excel(data)
        return [_xlsx_sheet(reader, index, sheet_name) for index, sheet_name in enumerate(reader.sheet_names)]
    except (fastexcel.FastExcelError, OSError) as error:
        raise _broken(name, error) from error


def _xlsx_sheet(reader: fastexcel.ExcelReader, index: int, sheet_name: str) -> Sheet:
    frame = reader.load_sheet(index, header_row=None, dtypes="string").to_polars()
    if frame.height == 0:
        return Sheet(name=sheet_name, headers=[], rows=[])
    header = [("" if c is None else str(c)).strip() for c in frame.row(0)]
    rows = []
    for offset, values in enumerate(frame.slice(1).iter_rows(), start=2):
        cells = ["" if v is None else _integral(str(v)) for v in values]
        if any(c.strip() for c in cells):
            rows.append(Row(number=offset, cells=dict(zip(header, cells))))
    return Sheet(name=sheet_name, headers=[h for h in header if h], rows=rows)


def _integral(text: str) -> str:
    """calamine writes a number cell 12 as '12.0' when asked for text: give back '12'."""
    if text.endswith(".0") and text[:-2].lstrip("-").isdigit():
        return text[:-2]
    return text
