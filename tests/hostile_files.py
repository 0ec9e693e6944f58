"""Builders of hostile and odd input files, at any size: small ones trip the limits in tests, the
real-size ones (bench/hostile.py) are those of issue 10. Every builder streams what it writes, so a
1 GiB zip bomb costs seconds and little memory to make."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.files import P3KE_HEADER, family_rows, person_row

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row_template(values: list[str]) -> str:
    """A row's XML with `{n}` where its number goes: formatting one string per row keeps 2 million rows quick."""
    cells = "".join(
        f'<c r="{_letters(i)}{{n}}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values) if v
    )
    return f'<row r="{{n}}">{cells}</row>'


def _row_xml(number: int, values: list[str]) -> bytes:
    return _row_template(values).format(n=number).encode()


def xlsx_with_rows(
    path: Path, rows: int, dimension: bool | int = True, padding: int = 0, cells: int | None = None, level: int = 1
) -> Path:
    """A P3KE sheet whose one data row (its first `cells` values) repeats `rows` times, written as raw XML;
    `padding` bytes of whitespace after the data (a zip bomb: at `level` 9, 1 GiB of it is a 1 MB file)."""
    header, row = P3KE_HEADER, family_rows()[0]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            if dimension is not False:  # True: the real size; a number: a lie
                declared = rows + 1 if dimension is True else dimension
                sheet.write(f'<dimension ref="A1:{_letters(len(header) - 1)}{declared}"/>'.encode())
            sheet.write(b"<sheetData>" + _row_xml(1, header))
            template = _row_template([str(row.get(h, "")) for h in header[:cells]])
            block = 10_000
            for start in range(2, rows + 2, block):
                sheet.write("".join(template.format(n=n) for n in range(start, min(start + block, rows + 2))).encode())
            spaces = b" " * (1 << 20)
            for _ in range(padding >> 20):
                sheet.write(spaces)
            sheet.write(b" " * (padding % (1 << 20)) + b"</sheetData></worksheet>")
    return path


def csv_with_columns(path: Path, columns: int, rows: int = 20) -> Path:
    """The P3KE header plus filler columns up to `columns`, and rows as wide."""
    extra = [f"kolom_{i}" for i in range(columns - len(P3KE_HEADER))]
    lines = [";".join(P3KE_HEADER + extra)]
    for index in range(rows):
        person = person_row(family=f"P{index:04d}", nik=f"12740501018{index:05d}")
        lines.append(";".join([person[h] for h in P3KE_HEADER] + ["x"] * len(extra)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_with_long_field(path: Path, kilobytes: int) -> Path:
    rows = family_rows()
    lines = [";".join(P3KE_HEADER)] + [";".join(r[h] for h in P3KE_HEADER) for r in rows]
    lines[2] = lines[2].replace("Jl. Contoh No. 1", '"' + "x" * (kilobytes * 1024) + '"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def csv_with_cr_in_quotes(path: Path, at_row: int = 2) -> Path:
    """A bare carriage return inside a quoted address (a cell edited on an old Mac, or a fuzzer)."""
    rows = family_rows()
    lines = [";".join(P3KE_HEADER)] + [";".join(r[h] for h in P3KE_HEADER) for r in rows]
    lines[at_row - 1] = lines[at_row - 1].replace("Jl. Contoh No. 1", '"Jl. Contoh\rNo. 1"')
    path.write_bytes(("\n".join(lines) + "\n").encode())
    return path


def odk_zip_with_attachment(path: Path, attachment_bytes: int) -> Path:
    """An ODK Central export zip with one photo that inflates to `attachment_bytes` (zeros deflate 1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("verivali.csv", "SubmissionDate,id_keluarga,KEY\n2026-01-01,P0001,uuid:1\n")
        with archive.open("media/foto.jpg", "w", force_zip64=True) as photo:
            zeros = b"\0" * (1 << 20)
            for _ in range(attachment_bytes >> 20):
                photo.write(zeros)
            photo.write(b"\0" * (attachment_bytes % (1 << 20)))
    return path
