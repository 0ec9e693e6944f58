"""Submission exports laid out as KoboToolbox writes them (formpack under kpi), from submission dicts. Fixtures.

Not used by the application. Followed (read, not copied): kobotoolbox/formpack `src/formpack/reporting/export.py`
(`Export.to_csv`, `Export.to_xlsx`, the `_index` / `_parent_table_name` / `_parent_index` / `_submission_*`
columns), `src/formpack/schema/fields.py` (geopoint, media `_URL`, date/number typing, `_validation_status`)
at commit 176f619a (June 2026), and kobotoolbox/kpi `kpi/models/import_export_task.py` (the copy fields, `force_index`,
`;`-separated csv lines ended with CRLF, `_xml` = XML names); see docs/verivali.md.

What Kobo writes, "XML values and headers":
- headers are field names; with "include groups in headers" the group path joined by the chosen separator
  (`kunjungan/keluarga`, or `kunjungan.keluarga`); a geopoint is `gps` (never prefixed) then
  `_gps_latitude`, `_gps_longitude`, `_gps_altitude`, `_gps_precision` (prefixed `lokasi/` with groups);
  with media URLs each image column is followed by `<name>_URL`.
- after the form's fields: `_id, _uuid, _submission_time, _validation_status, _notes, _status, _submitted_by,
  _tags`, then `_index`. A repeat sheet (xlsx only) ends with `_index, _parent_table_name, _parent_index` and
  `_submission_<copy field>`.
- `_id` is the logical submission; an edit gives a new `_uuid` (the new instanceID without `uuid:`), same `_id`.
- xlsx: with "store date and number responses as text" off (the default), numbers, dates and date-times are cells
  of those types; text questions (NIK, RT) stay text. csv: `;`, every value quoted, CRLF, the main table only.
- `_validation_status` holds the status uid (`validation_status_approved`, `..._not_approved`, `..._on_hold`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from tepat.verivali.odk import form
from tepat.verivali.odk.central_export import form_paths, is_geopoint

COPY_FIELDS = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "_tags")
GEO_PARTS = ("latitude", "longitude", "altitude", "precision")
NUMBER_FIELDS = {"luas_lantai"}
DATE_FIELDS = {"tanggal_lahir_anggota"}
DATETIME_FIELDS = {"start", "end", "_submission_time"}


@dataclass(frozen=True)
class KoboOptions:
    groups_in_headers: bool = False  # kpi's hierarchy_in_labels (off by default)
    group_sep: str = "/"
    types_as_text: bool = False  # "store date and number responses as text" (off by default)
    media_urls: bool = False  # "include media URLs"


def _header(path: list[str], options: KoboOptions) -> list[str]:
    if is_geopoint(path):
        prefix = (
            options.group_sep.join(path[:-1]) + options.group_sep if options.groups_in_headers and path[:-1] else ""
        )
        return [path[-1]] + [f"{prefix}_{path[-1]}_{part}" for part in GEO_PARTS]
    name = options.group_sep.join(path) if options.groups_in_headers else path[-1]
    return [name, f"{name}_URL"] if options.media_urls and path[-1] in form.PHOTO_FIELDS.values() else [name]


def _typed(name: str, text: str, options: KoboOptions):
    """A value as formpack hands it to xlsxwriter: text, or (types not as text) a number, date or datetime."""
    if options.types_as_text or text == "":
        return text
    if name in NUMBER_FIELDS or name == "_id":
        number = float(text)
        return int(number) if number.is_integer() else number
    if name in DATE_FIELDS:
        return dt.date.fromisoformat(text[:10])
    if name in DATETIME_FIELDS:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    return text


def _cells(name: str, path: list[str], value: str, options: KoboOptions) -> list:
    if is_geopoint(path):
        parts = (value.split() + ["", "", "", ""])[:4]
        return [value] + [p if options.types_as_text or not p else float(p) for p in parts]
    cells = [_typed(name, value, options)]
    if options.media_urls and name in form.PHOTO_FIELDS.values():
        cells.append(
            f"https://kc.kobotoolbox.org/media/original?media_file=pendata%2Fattachments%2F{value}" if value else ""
        )
    return cells


def _copy(sub: dict, position: int) -> dict[str, str]:
    uuid = sub["instanceID"].removeprefix("uuid:")
    return {
        "_id": str(sub.get("_id", 4400 + position)),
        "_uuid": uuid,
        "_submission_time": sub.get("_submission_time", "2026-11-28T02:15:00"),
        "_validation_status": sub.get("_validation_status", ""),
        "_notes": "",
        "_status": "submitted_via_web",
        "_submitted_by": sub.get("_submitted_by", ""),
        "_tags": "",
    }


def kobo_tables(submissions: list[dict], members=(), options: KoboOptions = KoboOptions()):
    """{sheet: (header, rows)}: the main sheet first, then `anggota` (values typed as formpack types them)."""
    main_paths, member_paths = form_paths()
    main_paths = {n: p for n, p in main_paths.items() if p[0] != form.META}  # Kobo exports no meta/ columns
    header = [h for p in main_paths.values() for h in _header(p, options)] + list(COPY_FIELDS) + ["_index"]
    member_header = (
        [h for p in member_paths.values() for h in _header([form.MEMBERS, *p], options)]
        + ["_index", "_parent_table_name", "_parent_index"]
        + [f"_submission_{c}" for c in COPY_FIELDS]
    )
    title = "Verivali"
    rows, member_rows = [], []
    for position, sub in enumerate(submissions, start=1):
        copy = _copy(sub, position)
        cells = [c for name, p in main_paths.items() for c in _cells(name, p, str(sub.get(name, "")), options)]
        rows.append(cells + [_typed(c, copy[c], options) for c in COPY_FIELDS] + [position])
        for index, member in members:
            if index == position - 1:
                values = [
                    c for name, p in member_paths.items() for c in _cells(name, p, str(member.get(name, "")), options)
                ]
                member_rows.append(
                    values
                    + [len(member_rows) + 1, title, position]
                    + [_typed(c, copy[c], options) for c in COPY_FIELDS]
                )
    return {title: (header, rows), form.MEMBERS: (member_header, member_rows)}


def write_kobo_xlsx(path: Path, submissions: list[dict], members=(), options: KoboOptions = KoboOptions()) -> Path:
    """As formpack's to_xlsx: `write()` per cell (a str stays text, numbers and dates become typed cells)."""
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd", "remove_timezone": True})
    for name, (header, rows) in kobo_tables(submissions, members, options).items():
        sheet = book.add_worksheet(name)
        for row_index, row in enumerate([header, *rows]):
            for column, value in enumerate(row):
                sheet.write(row_index, column, value)
    book.close()
    return path


def write_kobo_csv(
    path: Path, submissions: list[dict], options: KoboOptions = KoboOptions(types_as_text=True), sep: str = ";"
) -> Path:
    """kpi's csv: formpack's to_csv lines (main table only, every value quoted, quotes doubled) ended with CRLF."""
    header, rows = next(iter(kobo_tables(submissions, (), options).values()))

    def line(values) -> str:
        return '"' + f'"{sep}"'.join(str(v).replace('"', '""') for v in values) + '"'

    path.write_bytes("".join(line(r) + "\r\n" for r in [header, *rows]).encode("utf-8"))
    return path


def write_ods(path: Path, sheets: dict[str, tuple[list, list[list]]]) -> Path:
    """A workbook saved as OpenDocument (.ods), as LibreOffice saves an export opened in it: every cell text,
    numbers as float cells. Enough of the format for calamine: mimetype first and stored, content.xml."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in [header, *rows])
        + "</table:table>"
        for name, (header, rows) in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path
