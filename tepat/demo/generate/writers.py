"""File output: csv (chunked), xlsx (xlsxwriter, constant memory) and the ground-truth csv."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import xlsxwriter

from .spec import _Spec

NUMERIC_FIELDS = (
    "_no",
    "desil",
    "persentil",
    "desil_nasional",
    "desil_provinsi",
    "desil_kabupaten_kota",
    "jumlah_anggota",
    "luas_lantai",
    "latitude",
    "longitude",
)


def _write_csv(out: Path, spec: _Spec, title: list[str], chunks: Iterator[tuple[int, pl.DataFrame]]) -> None:
    """UTF-8, comma separated; title lines padded with commas to the header's width."""
    pad = "," * (len(spec.headers) - 1)
    with out.open("wb") as fh:
        for line in title:
            fh.write(f"{line}{pad}\n".encode())
        for i, (_, df) in enumerate(chunks):
            df.write_csv(fh, include_header=i == 0)


def _xlsx_types(df: pl.DataFrame, spec: _Spec) -> pl.DataFrame:
    """Numbers for No/desil/persentil/jumlah/luas/coordinates, like real exports; text elsewhere."""
    casts = []
    for field, header in zip(spec.fields, spec.headers):
        if field in NUMERIC_FIELDS:
            dtype = pl.Float64 if field in ("latitude", "longitude") else pl.Int64
            casts.append(pl.col(header).cast(dtype, strict=False))
    return df.with_columns(casts)


def _write_xlsx(
    out: Path, spec: _Spec, title: list[str], chunks: Iterator[tuple[int, pl.DataFrame]], numeric: dict[int, int]
) -> None:
    """constant_memory workbook, one sheet; strings (NIK, No KK, ids) always as text cells."""
    wb = xlsxwriter.Workbook(
        str(out),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    ws = wb.add_worksheet("Data")
    for i, line in enumerate(title):
        if line:
            ws.write_string(i, 0, line)
    ws.write_row(len(title), 0, spec.headers)
    row = len(title) + 1
    for r0, df in chunks:
        for i, values in enumerate(_xlsx_types(df, spec).iter_rows()):
            col = numeric.get(r0 + i)
            if col is not None:  # nik_excel_number fault: the NIK becomes a float cell
                values = values[:col] + (float(values[col]),) + values[col + 1 :]
            ws.write_row(row, 0, values)
            row += 1
    wb.close()


def _write_truth(out: Path, spec: _Spec, plan: pl.DataFrame) -> Path:
    """``<stem>.truth.csv``: row (1-based spreadsheet row), column (header), code, value, why."""
    path = out.with_name(f"{out.stem}.truth.csv")
    plan.select((pl.col("idx") + spec.first_data_row).alias("row"), "column", "code", "value", "description").write_csv(
        path
    )
    return path
