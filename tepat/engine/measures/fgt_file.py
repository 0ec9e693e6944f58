"""FGT from a csv, xlsx or ods file, for `tepat indicators fgt FILE --line Z [--weight COL] [--by COL] [--json]`.

The CLI itself lives outside the engine; it calls `fgt_cli_result` and prints the dict (as JSON with
--json). The file is read once into polars; the estimation is `fgt_from_frame`.
"""

from __future__ import annotations

from tepat.engine.bilingual import Message

import math
from pathlib import Path
from typing import Any

import polars as pl

from tepat.engine.measures.common import InputError
from tepat.engine.measures.fgt import fgt_from_frame

# Per-capita expenditure column names recognised when the caller does not name one.
EXPENDITURE_COLUMNS = (
    "pengeluaran_per_kapita",
    "pengeluaran_kapita",
    "pengeluaran",
    "kapita",
    "expenditure",
    "per_capita_expenditure",
    "pcexp",
)
SEPARATORS = (",", ";", "\t", "|")
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


def read_survey_file(path: str | Path) -> pl.DataFrame:
    """The file as an eager polars frame: a spreadsheet (xlsx, xls, ods: its first sheet, the header
    in the first row) or else csv (`read_survey_csv`). Raises InputError naming the file."""
    path = Path(path)
    if path.suffix.lower() not in SPREADSHEETS:
        return read_survey_csv(path)
    import fastexcel

    try:
        return fastexcel.read_excel(path).load_sheet(0).to_polars()
    except (fastexcel.FastExcelError, OSError, pl.exceptions.PolarsError) as error:
        raise InputError(
            Message(
                f"Berkas '{path.name}' tidak dapat dibaca sebagai lembar kerja ({path.suffix}): {error}",
                f"File '{path.name}' cannot be read as a spreadsheet ({path.suffix}): {error}",
            ),
        ) from error


def read_survey_csv(path: str | Path) -> pl.DataFrame:
    """The csv as an eager polars frame. The separator (comma, semicolon, tab or bar) is taken from
    the header line; numbers must use a dot for decimals. Raises InputError on an unreadable file."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
        return pl.read_csv(path, separator=_separator(header), infer_schema_length=10_000, encoding="utf8")
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as error:
        raise InputError(
            Message(
                f"Berkas '{path.name}' tidak dapat dibaca sebagai csv: {error}",
                f"File '{path.name}' cannot be read as csv: {error}",
            ),
        ) from error


def _separator(header: str) -> str:
    counts = {separator: header.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def expenditure_column(columns: list[str]) -> str:
    """The one recognised per-capita expenditure column (case-insensitive); InputError otherwise."""
    lowered = {column.lower().strip(): column for column in columns}
    found = [lowered[name] for name in EXPENDITURE_COLUMNS if name in lowered]
    if len(found) == 1:
        return found[0]
    known, present = ", ".join(EXPENDITURE_COLUMNS), ", ".join(columns)
    raise InputError(
        Message(
            f"Sebutkan kolom pengeluaran per kapita: {'ada beberapa: ' + ', '.join(found) if found else 'tidak ditemukan'} "
            f"(nama yang dikenali: {known}; kolom berkas: {present})",
            f"Name the per-capita expenditure column: {'several match: ' + ', '.join(found) if found else 'none found'} "
            f"(recognised names: {known}; file columns: {present})",
        ),
    )


def fgt_cli_result(
    path: str | Path,
    line: float | str,
    weight: str | None = None,
    by: str | None = None,
    *,
    expenditure: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
) -> dict[str, Any]:
    """The JSON shape of the CLI: `kind` "survey_estimate", p0/p1/p2 and their SEs (percent), n,
    weight_sum, the inputs used, and `groups` (one dict per `by` value) when `by` is given. `line` is
    a number or the name of a column of lines. Values are JSON-safe (groups other than text, numbers
    or null become text)."""
    frame = read_survey_file(path)
    column = expenditure or expenditure_column(frame.columns)
    result = fgt_from_frame(frame, column, line, weight=weight, by=by, strata=strata, psu=psu).to_dict()
    result["file"] = Path(path).name
    for group in result.get("groups", []):
        group["group"] = _json_safe(group["group"])
    return result


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, str | int | bool) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return str(value)
