"""The same export as tests.files.write_xlsx, written as .ods (odfpy) and .xls (xlwt): what LibreOffice
and old Excel save. Numbers are written as number cells, everything else as text."""

from __future__ import annotations

from pathlib import Path

from tests.files import P3KE_HEADER, TITLE


def _cells(rows: list[dict], header: list[str], numeric_nik_rows) -> list[list[object]]:
    table: list[list[object]] = [list(line) for line in TITLE] + [list(header)]
    for index, row in enumerate(rows):
        table.append(
            [float(row[h]) if h == "nik" and index in numeric_nik_rows else str(row.get(h, "")) for h in header]
        )
    return table


def write_ods(path: Path, rows: list[dict], header=P3KE_HEADER, numeric_nik_rows=()) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Data")
    for line in _cells(rows, header, numeric_nik_rows):
        row = TableRow()
        for value in line:
            if isinstance(value, float):
                cell = TableCell(valuetype="float", value=repr(value))
                cell.addElement(P(text=f"{value:.0f}"))
            else:
                cell = TableCell(valuetype="string")
                if value:
                    cell.addElement(P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    document.save(str(path))
    return path


def write_xls(path: Path, rows: list[dict], header=P3KE_HEADER, numeric_nik_rows=()) -> Path:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    for r, line in enumerate(_cells(rows, header, numeric_nik_rows)):
        for c, value in enumerate(line):
            if value != "":
                sheet.write(r, c, value)
    book.save(str(path))
    return path
