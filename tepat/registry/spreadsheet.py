"""Writing xlsx and csv for people, with formula injection neutralised in every text cell."""
from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import xlsxwriter

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote ('=1+1 -> '=1+1)."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    risky = "^[" + "".join("\\" + c if c in "+-" else c for c in "=+-@") + "\t\r]"
    return frame.with_columns(
        pl.when(pl.col(n).str.contains(risky)).then(pl.lit("'") + pl.col(n)).otherwise(pl.col(n)).alias(n) for n in texts
    )


def write_xlsx(target: Path | io.BytesIO, sheets: dict[str, pl.DataFrame]) -> None:
    """One worksheet per frame; all text written as strings (never as formulas or numbers)."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    for name, frame in sheets.items():
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, frame.columns, bold)
        for index, row in enumerate(neutralise(frame).iter_rows(), start=1):
            sheet.write_row(index, 0, ["" if value is None else value for value in row])
    workbook.close()


def xlsx_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with BOM so that Excel opens it with the right characters."""
    return b"\xef\xbb\xbf" + neutralise(frame).write_csv().encode("utf-8")
