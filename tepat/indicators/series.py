"""Official series tables (BPS style) -> checked values. Pure: no Django; the region lookup is a callback.

A table is wide (one row per region and year, one column per indicator) or long (columns `indikator`
and `nilai`); both need `kode_wilayah`, `tahun` and `sumber`. The header may sit under a title block.
Every problem is collected with its spreadsheet row and column (header row = the row it is on), in
Indonesian and English; a table with any error must not be written at all (the action refuses it).
Cost: one pass over the cells; tables are tens to thousands of rows. Format: docs/indikator.md.
"""

from __future__ import annotations

from tepat.engine.bilingual import Bilingual, Message

import csv
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# import column -> stored indicator key (tepat.indicators.models.Indicator)
INDICATOR_COLUMNS: dict[str, str] = {
    "penduduk": "penduduk",
    "jumlah_miskin": "jumlah_miskin",
    "persen_miskin": "poverty_pct",
    "p1": "p1",
    "p2": "p2",
    "garis_kemiskinan": "garis_kemiskinan",
    "jumlah_miskin_ekstrem": "jumlah_miskin_ekstrem",
    "persen_miskin_ekstrem": "extreme_pct",
    "gini": "gini",
}
COLUMN_OF = {key: column for column, key in INDICATOR_COLUMNS.items()}
COUNTS = frozenset({"penduduk", "jumlah_miskin", "jumlah_miskin_ekstrem"})
PERCENTS = frozenset({"poverty_pct", "extreme_pct"})
PPP = frozenset({"jumlah_miskin_ekstrem", "extreme_pct"})
# (percentage, count) pairs checked against the population
SHARES = (("poverty_pct", "jumlah_miskin"), ("extreme_pct", "jumlah_miskin_ekstrem"))
TOLERANCE_POINTS = 0.5
NATIONAL = ("id", "idn", "indonesia", "0000", "00")
PPP_PATTERN = re.compile(r"^USD\s*\$?\s*(\d+)[.,](\d{2})\s*\(?\s*PPP\s*(\d{4})\)?$", re.IGNORECASE)
YEARS = (1990, 2100)
NATION = ""  # the region key of Indonesia (stored as an empty region)


@dataclass(frozen=True)
class Problem(Bilingual):
    row: int | None
    column: str | None
    value: str
    bilingual: Message

    @property
    def message(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"baris/row {self.row}" if self.row else "",
                f"kolom/column {self.column}" if self.column else "",
            )
            if part
        )
        return f"{where}: {self.bilingual}" if where else str(self.bilingual)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass(frozen=True)
class Value:
    """One checked value. `region` is the Kemendagri code, or NATION for Indonesia."""

    region: str
    year: int
    indicator: str
    value: float
    ppp_basis: str
    source: str
    row: int
    column: str


@dataclass
class Parsed:
    values: list[Value] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    layout: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------------------- reading
def read_table(path: Path) -> list[list[str]]:
    """Every non-empty row of the first sheet (xlsx) or the csv, as text cells."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [[_cell_text(cell) for cell in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def header_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


# --------------------------------------------------------------------------------------- parsing
def parse_number(text: str, *, whole: bool) -> float | None:
    """'12,21' or '12.21' -> 12.21; whole numbers may group thousands with '.' or ',' ('186.150');
    None when the text is not a number (so the caller reports it)."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if whole and re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    elif "," in text and "." in text:
        return None
    text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    number = float(text)
    if whole and not number.is_integer():
        return None
    return number


def canonical_basis(text: str) -> str | None:
    """'usd 2,15 ppp 2017' -> 'USD 2.15 PPP 2017'; None when not recognised."""
    found = PPP_PATTERN.match(" ".join(text.split()))
    return f"USD {found.group(1)}.{found.group(2)} PPP {found.group(3)}" if found else None


def parse_table(rows: list[list[str]], region_of: Callable[[str], str | None]) -> Parsed:
    """Check a whole table. `region_of(code)` gives the Kemendagri code of a region code as written
    (dotted Kemendagri code, or BPS digits), or None when unknown; Indonesia is recognised here."""
    result = Parsed()
    found = _find_header(rows)
    if found is None:
        result.errors.append(
            Problem(
                None,
                "kode_wilayah",
                "",
                Message(
                    "Baris judul kolom (kode_wilayah, tahun, sumber) tidak ditemukan",
                    "The header row (kode_wilayah, tahun, sumber) was not found",
                ),
            )
        )
        return result
    index, header = found
    columns = {header_name(cell): position for position, cell in enumerate(header) if header_name(cell)}
    long = "indikator" in columns and "nilai" in columns
    result.layout = "long" if long else "wide"
    _check_columns(columns, long, result)
    if result.errors:
        return result
    for offset, cells in enumerate(rows[index + 1 :], start=index + 2):
        if not any(cell.strip() for cell in cells):
            continue
        record = {name: (cells[pos].strip() if pos < len(cells) else "") for name, pos in columns.items()}
        _parse_row(offset, record, long, region_of, result)
    _check_duplicates(result)
    return result


def _find_header(rows: list[list[str]]) -> tuple[int, list[str]] | None:
    for index, cells in enumerate(rows[:30]):
        names = {header_name(cell) for cell in cells}
        if {"kode_wilayah", "tahun"} <= names:
            return index, cells
    return None


def _check_columns(columns: dict[str, int], long: bool, result: Parsed) -> None:
    if "sumber" not in columns:
        result.errors.append(
            Problem(
                None, "sumber", "", Message("Kolom wajib 'sumber' tidak ada", "The required column 'sumber' is missing")
            )
        )
    known = {"kode_wilayah", "nama_wilayah", "tahun", "sumber", "basis_ppp", "catatan", *INDICATOR_COLUMNS}
    if long:
        known |= {"indikator", "nilai"}
    elif not set(INDICATOR_COLUMNS) & set(columns):
        listed = ", ".join(INDICATOR_COLUMNS)
        result.errors.append(
            Problem(
                None,
                None,
                "",
                Message(
                    f"Tidak ada kolom indikator; gunakan salah satu dari: {listed} (atau kolom indikator + nilai)",
                    f"No indicator column; use any of: {listed} (or the columns indikator + nilai)",
                ),
            )
        )
    for name in sorted(set(columns) - known):
        result.warnings.append(
            Problem(None, name, "", Message("Kolom tidak dikenal, diabaikan", "Unknown column, ignored"))
        )


def _parse_row(
    number: int, record: dict[str, str], long: bool, region_of: Callable[[str], str | None], result: Parsed
) -> None:
    errors_before = len(result.errors)
    region = _region(number, record.get("kode_wilayah", ""), region_of, result)
    year = _year(number, record.get("tahun", ""), result)
    source = record.get("sumber", "")
    if not source:
        result.errors.append(Problem(number, "sumber", "", Message("Sumber wajib diisi", "The source is required")))
    cells = (
        [(record["indikator"], record["nilai"], "nilai")]
        if long
        else [
            (column, record[column], column)
            for column in INDICATOR_COLUMNS
            if column in record and record[column] != ""
        ]
    )
    values = []
    for name, text, column in cells:
        checked = _value(number, name, text, column, record.get("basis_ppp", ""), result)
        if checked is not None:
            values.append(checked)
    if len(result.errors) == errors_before and region is not None and year is not None:
        result.values.extend(
            Value(region, year, key, value, basis, source[:200], number, column) for key, value, basis, column in values
        )


def _region(number: int, code: str, region_of: Callable[[str], str | None], result: Parsed) -> str | None:
    if code.strip().lower() in NATIONAL:
        return NATION
    region = region_of(code.strip()) if code.strip() else None
    if region is None:
        result.errors.append(
            Problem(
                number,
                "kode_wilayah",
                code,
                Message(
                    f"Kode wilayah '{code}' tidak dikenal (kode Kemendagri bertitik seperti 12.09, kode BPS seperti 1208, atau ID untuk Indonesia)",
                    f"Unknown region code '{code}' (a dotted Kemendagri code such as 12.09, a BPS code such as 1208, or ID for Indonesia)",
                ),
            )
        )
    return region


def _year(number: int, text: str, result: Parsed) -> int | None:
    year = parse_number(text, whole=True) if text else None
    if year is None or not (YEARS[0] <= year <= YEARS[1]):
        result.errors.append(
            Problem(
                number,
                "tahun",
                text,
                Message(
                    f"Tahun harus bilangan {YEARS[0]}-{YEARS[1]}", f"The year must be a number {YEARS[0]}-{YEARS[1]}"
                ),
            )
        )
        return None
    return int(year)


def _value(
    number: int, name: str, text: str, column: str, basis_text: str, result: Parsed
) -> tuple[str, float, str, str] | None:
    key = INDICATOR_COLUMNS.get(header_name(name))
    if key is None:
        result.errors.append(
            Problem(
                number,
                "indikator",
                name,
                Message(
                    f"Indikator '{name}' tidak dikenal; gunakan: {', '.join(INDICATOR_COLUMNS)}",
                    f"Unknown indicator '{name}'; use: {', '.join(INDICATOR_COLUMNS)}",
                ),
            )
        )
        return None
    value = parse_number(text, whole=key in COUNTS)
    problem = _range_problem(key, value)
    if problem:
        result.errors.append(Problem(number, column, text, problem))
        return None
    basis = ""
    if key in PPP:
        basis = canonical_basis(basis_text) or ""
        if not basis:
            result.errors.append(
                Problem(
                    number,
                    "basis_ppp",
                    basis_text,
                    Message(
                        "Angka kemiskinan ekstrem wajib menyebut dasar PPP, mis. 'USD 1.90 PPP 2011' atau 'USD 2.15 PPP 2017'",
                        "An extreme-poverty figure needs its PPP basis, e.g. 'USD 1.90 PPP 2011' or 'USD 2.15 PPP 2017'",
                    ),
                )
            )
            return None
    return key, float(value), basis, column


def _range_problem(key: str, value: float | None) -> Message | None:
    if value is None:
        kind = (
            ("bilangan bulat", "a whole number")
            if key in COUNTS
            else ("angka (desimal dengan titik atau koma)", "a number (decimal point or comma)")
        )
        return Message(f"Nilai harus {kind[0]}", f"The value must be {kind[1]}")
    if not math.isfinite(value) or value < 0:
        return Message("Nilai tidak boleh negatif", "The value must not be negative")
    if key in PERCENTS and value > 100:
        return Message("Persentase harus 0-100", "A percentage must be within 0-100")
    if key == "gini" and value > 1:
        return Message("Rasio Gini harus 0-1", "The Gini ratio must be within 0-1")
    return None


def _check_duplicates(result: Parsed) -> None:
    seen: dict[tuple, Value] = {}
    for value in result.values:
        key = (value.region, value.year, value.indicator, value.ppp_basis)
        if key in seen:
            result.errors.append(
                Problem(
                    value.row,
                    value.column,
                    str(value.value),
                    Message(
                        f"Nilai yang sama sudah ada di baris {seen[key].row}",
                        f"The same value is already given on row {seen[key].row}",
                    ),
                )
            )
        else:
            seen[key] = value


# ------------------------------------------------------------------------------ across the series
def check_consistency(values: Iterable[Value], stored: dict[tuple, float]) -> list[Problem]:
    """Errors where a percentage disagrees with count / population x 100 by more than TOLERANCE_POINTS,
    a count exceeds the population, or P2 > P1 > P0 does not hold, within one region and year (and PPP
    basis). `stored` ((region, year, indicator, basis) -> value) fills what the file does not give."""
    incoming = {(v.region, v.year, v.indicator, v.ppp_basis): v for v in values}
    merged = {**stored, **{key: v.value for key, v in incoming.items()}}
    problems: list[Problem] = []
    for region, year in sorted({(v.region, v.year) for v in incoming.values()}):
        problems += _shares(region, year, merged, incoming) + _fgt_order(region, year, merged, incoming)
    return problems


def _at(key: tuple, incoming: dict[tuple, Value], fallback: str) -> tuple[int | None, str]:
    value = incoming.get(key)
    return (value.row, value.column) if value else (None, fallback)


def _shares(region: str, year: int, merged: dict[tuple, float], incoming: dict[tuple, Value]) -> list[Problem]:
    problems = []
    population = merged.get((region, year, "penduduk", ""))
    for percent_key, count_key in SHARES:
        for basis in {key[3] for key in merged if key[:3] in ((region, year, percent_key), (region, year, count_key))}:
            percent, count = (
                merged.get((region, year, percent_key, basis)),
                merged.get((region, year, count_key, basis)),
            )
            keys = [(region, year, name, basis) for name in (percent_key, count_key)] + [(region, year, "penduduk", "")]
            if not any(key in incoming for key in keys):
                continue
            row, column = _at(keys[1] if keys[1] in incoming else keys[0], incoming, COLUMN_OF[percent_key])
            if population and count is not None and count > population:
                problems.append(
                    Problem(
                        row,
                        COLUMN_OF[count_key],
                        str(count),
                        Message(
                            f"Jumlah ({count:,.0f}) melebihi penduduk ({population:,.0f})",
                            f"The count ({count:,.0f}) exceeds the population ({population:,.0f})",
                        ),
                    )
                )
            elif population and count is not None and percent is not None:
                implied = 100 * count / population
                if abs(implied - percent) > TOLERANCE_POINTS:
                    problems.append(
                        Problem(
                            row,
                            column,
                            str(percent),
                            Message(
                                f"{COLUMN_OF[percent_key]} {percent:g} tidak sesuai {COLUMN_OF[count_key]}/penduduk = {count:,.0f}/{population:,.0f} = {implied:.2f}% (toleransi {TOLERANCE_POINTS} poin)",
                                f"{COLUMN_OF[percent_key]} {percent:g} does not match {COLUMN_OF[count_key]}/population = {implied:.2f}% (tolerance {TOLERANCE_POINTS} points)",
                            ),
                        )
                    )
    return problems


def _fgt_order(region: str, year: int, merged: dict[tuple, float], incoming: dict[tuple, Value]) -> list[Problem]:
    p0, p1, p2 = (merged.get((region, year, name, "")) for name in ("poverty_pct", "p1", "p2"))
    chain = [
        (a, b, name_a, name_b)
        for a, b, name_a, name_b in ((p2, p1, "p2", "p1"), (p1, p0, "p1", "persen_miskin"))
        if a is not None and b is not None and a > b
    ]
    problems = []
    for lower, upper, name_lower, name_upper in chain:
        keys = [(region, year, INDICATOR_COLUMNS[name], "") for name in (name_lower, name_upper)]
        if not any(key in incoming for key in keys):
            continue
        row, column = _at(keys[0] if keys[0] in incoming else keys[1], incoming, name_lower)
        problems.append(
            Problem(
                row,
                column,
                str(lower),
                Message(
                    f"{name_lower} ({lower:g}) tidak boleh melebihi {name_upper} ({upper:g}): 0 ≤ P2 ≤ P1 ≤ P0",
                    f"{name_lower} ({lower:g}) must not exceed {name_upper} ({upper:g}): 0 ≤ P2 ≤ P1 ≤ P0",
                ),
            )
        )
    return problems


def series_warnings(values: Iterable[Value], stored_years: dict[tuple, set[int]]) -> list[Problem]:
    """Warnings (never errors): years missing inside a series (the chart shows the gap), and a series
    mixing PPP bases (drawn as separate lines, one per basis). Keys: (region, indicator) -> years."""
    years: dict[tuple, set[int]] = {key: set(found) for key, found in stored_years.items()}
    bases: dict[tuple, set[str]] = {}
    for value in values:
        years.setdefault((value.region, value.indicator), set()).add(value.year)
        bases.setdefault((value.region, value.indicator), set()).add(value.ppp_basis)
    problems = []
    for (region, indicator), found in sorted(years.items()):
        if (region, indicator) not in bases:
            continue
        gaps = [year for year in range(min(found), max(found)) if year not in found]
        name = f"{region or 'Indonesia'} {COLUMN_OF.get(indicator, indicator)}"
        if gaps:
            listed = ", ".join(map(str, gaps))
            problems.append(
                Problem(
                    None,
                    COLUMN_OF.get(indicator),
                    listed,
                    Message(
                        f"{name}: tahun tanpa data {listed} (ditampilkan sebagai celah pada grafik)",
                        f"{name}: years without data {listed} (shown as a gap in the chart)",
                    ),
                )
            )
        if len(bases[(region, indicator)]) > 1:
            listed = ", ".join(sorted(bases[(region, indicator)]))
            problems.append(
                Problem(
                    None,
                    "basis_ppp",
                    listed,
                    Message(
                        f"{name}: dasar PPP berbeda ({listed}); digambar sebagai garis terpisah, tidak disambung",
                        f"{name}: different PPP bases ({listed}); drawn as separate lines, never joined",
                    ),
                )
            )
    return problems
