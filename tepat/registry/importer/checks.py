"""Row checks, vectorised over the whole file with polars. No database, no Django.

Each check returns issue rows `{_row, field, value, code, message}`; a row with any error is left
out of the import, warnings only annotate. Cost: a handful of column passes per check, so a
400k-row file is checked in well under a second.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from tepat.registry.importer.messages import ROW_ERRORS, WARNINGS, Message
from tepat.registry.importer.profiles import Profile, load_domains
from tepat.registry.importer.read import ROW

ISSUE_SCHEMA = {ROW: pl.Int64, "field": pl.String, "value": pl.String, "code": pl.String, "message": pl.String}
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%Y/%m/%d")
SCIENTIFIC = r"^[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+$"
FEMALE = ("perempuan", "p", "wanita", "female")
MALE = ("laki-laki", "l", "laki laki", "pria", "male")


@dataclass
class Context:
    """What the checks need to know about the world outside the file."""

    known_prefixes: frozenset[str]  # 4-digit kab/kota codes that can start a NIK or No KK
    kelurahan: pl.DataFrame  # digits (Kemendagri without dots), bps, region_id
    registry_niks: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"nik": pl.String, "family_key": pl.String})
    )
    registry_family_keys: frozenset[str] = frozenset()
    today: dt.date = field(default_factory=dt.date.today)
    # Decided over the whole file when it is checked in chunks (tepat.registry.importer.chunks):
    whole_numeric: dict[str, bool] | None = None  # column -> every value is a spreadsheet number
    first_rows: pl.DataFrame | None = None  # nik, _first: the first row of each NIK the file repeats


def message_expr(message: Message, **values: pl.Expr | str) -> pl.Expr:
    """A vectorised Message.text(): '{name}' placeholders filled from expressions, both languages."""
    parts: list[pl.Expr] = []
    for index, template in enumerate((message.id, message.en)):
        if index:
            parts.append(pl.lit(" / "))
        for piece in re.split(r"(\{\w+\})", template):
            if piece.startswith("{") and piece.endswith("}"):
                value = values[piece[1:-1]]
                parts.append(value.cast(pl.String).fill_null("") if isinstance(value, pl.Expr) else pl.lit(str(value)))
            elif piece:
                parts.append(pl.lit(piece))
    return pl.concat_str(parts)


def issues(frame: pl.DataFrame, mask: pl.Expr, name: str, code: str, catalogue=ROW_ERRORS, **values) -> pl.DataFrame:
    message = message_expr(catalogue[code], **values) if values else pl.lit(catalogue[code].text())
    return frame.filter(mask).select(
        pl.col(ROW).cast(pl.Int64),
        pl.lit(name).alias("field"),
        pl.col(name).cast(pl.String).alias("value")
        if name in frame.columns
        else pl.lit(None, pl.String).alias("value"),
        pl.lit(code).alias("code"),
        message.alias("message"),
    )


def empty_issues() -> pl.DataFrame:
    return pl.DataFrame(schema=ISSUE_SCHEMA)


# --- identity numbers ----------------------------------------------------------------------------


def nik_date_parts(nik: pl.Expr, today: dt.date) -> tuple[pl.Expr, pl.Expr]:
    """(day as written, birth date) from a 16-digit NIK; the century is the one that gives age 0-99."""
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    true_day = pl.when(day > 40).then(day - 40).otherwise(day)
    year2 = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    year = pl.when(2000 + year2 <= today.year % 100 + 2000).then(2000 + year2).otherwise(1900 + year2)
    text = pl.concat_str([true_day.cast(pl.String).str.zfill(2), nik.str.slice(8, 2), year.cast(pl.String)])
    return day, text.str.strptime(pl.Date, "%d%m%Y", strict=False)


def looks_numeric(value: pl.Expr) -> pl.Expr:
    """A cell a spreadsheet program wrote as a number (`3.27E+15`, `3271010101900001.0`)."""
    return value.str.contains(SCIENTIFIC) | value.str.contains(r"^[0-9]+\.0+$")


def identity_code(column: str, prefixes: frozenset[str], kind: str, today: dt.date, has_sex: bool = False) -> pl.Expr:
    """The first error code for a NIK or No KK column, or null. kind is 'nik' or 'kk'."""
    value = pl.col(column)
    excel = pl.col(f"_numeric_{column}") | looks_numeric(value)
    digits = value.str.contains(r"^[0-9]+$")
    known = value.str.slice(0, 4).is_in(list(prefixes))
    chain = pl.when(value.is_null()).then(None).when(excel).then(pl.lit(f"{kind}_excel_number"))
    if kind == "kk":
        return (
            chain.when(~digits | (value.str.len_chars() != 16))
            .then(pl.lit("kk_invalid"))
            .when(~known)
            .then(pl.lit("kk_region_unknown"))
            .otherwise(None)
        )
    day, born = nik_date_parts(value, today)
    return (
        chain.when(~digits)
        .then(pl.lit("nik_not_digits"))
        .when(value.str.len_chars() != 16)
        .then(pl.lit("nik_length"))
        .when(~known)
        .then(pl.lit("nik_region_unknown"))
        .when(born.is_null() | (day > 71) | (day.is_between(32, 40)))
        .then(pl.lit("nik_birthdate_invalid"))
        .when(_sex_mismatch(day) if has_sex else pl.lit(False))
        .then(pl.lit("nik_sex_mismatch"))
        .otherwise(None)
    )


def _sex_mismatch(day: pl.Expr) -> pl.Expr:
    sex = pl.col("jenis_kelamin").str.to_lowercase()
    return (sex.is_in(FEMALE) & (day <= 40)) | (sex.is_in(MALE) & (day > 40))


IDENTITY_LABELS = {"nik": "NIK", "no_kk": "No KK"}


def _whole_column_numeric(coded: pl.DataFrame, column: str, kind: str, ctx: Context) -> pl.DataFrame:
    """When every value of the column is a spreadsheet number, each row's code becomes `column_numeric`:
    one cause (the column's format), told once per column by collapse_whole_columns.
    A file checked in chunks has this decided over the whole file (`ctx.whole_numeric`)."""
    numeric = (pl.col("_code") == f"{kind}_excel_number").fill_null(False)
    if ctx.whole_numeric is not None:
        whole = ctx.whole_numeric.get(column, False)
    else:
        whole = coded.select((numeric | pl.col(column).is_null()).all() & numeric.any()).item()
    return (
        coded.with_columns(pl.when(numeric).then(pl.lit("column_numeric")).otherwise(pl.col("_code")).alias("_code"))
        if whole
        else coded
    )


def _column_numeric_issues(coded: pl.DataFrame, column: str) -> pl.DataFrame:
    return issues(
        coded,
        pl.col("_code") == "column_numeric",
        column,
        "column_numeric",
        column=IDENTITY_LABELS[column],
        rows=pl.col(ROW),
    )


def compact_rows(rows: list[int], shown: int = 12) -> str:
    """[13, 14, 15, 20] -> '13-15, 20'; past `shown` ranges: '..., +N baris/rows'."""
    ranges: list[list[int]] = []
    for row in sorted(rows):
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges[:shown])
    rest = sum(b - a + 1 for a, b in ranges[shown:])
    return f"{text}, +{rest} baris/rows" if rest else text


def collapse_whole_columns(found: pl.DataFrame) -> pl.DataFrame:
    """One `column_numeric` issue per column (at its first row, rows listed compactly) instead of one per row.

    The rows stay rejected: this only shapes the report.
    """
    whole = found.filter(pl.col("code") == "column_numeric")
    if whole.height == 0:
        return found
    collapsed = []
    for (column,), group in whole.group_by("field", maintain_order=True):
        rows = group[ROW].to_list()
        message = ROW_ERRORS["column_numeric"].text(column=IDENTITY_LABELS.get(column, column), rows=compact_rows(rows))
        collapsed.append({ROW: min(rows), "field": column, "value": None, "code": "column_numeric", "message": message})
    rest = found.filter(pl.col("code") != "column_numeric")
    return pl.concat([rest, pl.DataFrame(collapsed, schema=ISSUE_SCHEMA)]).sort(ROW, "field")


def file_notes(notes: list[dict]) -> pl.DataFrame:
    """File-level warnings from the reader (e.g. `encoding_cp1252`), as issues without a row."""
    return pl.DataFrame(notes, schema=ISSUE_SCHEMA) if notes else empty_issues()


def check_nik(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    if "nik" not in frame.columns:
        return empty_issues()
    has_sex = "jenis_kelamin" in frame.columns
    coded = frame.with_columns(identity_code("nik", ctx.known_prefixes, "nik", ctx.today, has_sex).alias("_code"))
    coded = _whole_column_numeric(coded, "nik", "nik", ctx)
    day, _ = nik_date_parts(pl.col("nik"), ctx.today)
    found = [_column_numeric_issues(coded, "nik")]
    for code in ROW_ERRORS:
        if code.startswith("nik_") and code not in ("nik_duplicate_in_file", "nik_duplicate_registry"):
            found.append(
                issues(
                    coded,
                    pl.col("_code") == code,
                    "nik",
                    code,
                    length=pl.col("nik").str.len_chars(),
                    prefix=pl.col("nik").str.slice(0, 4),
                    day=day,
                    sex=pl.col("jenis_kelamin") if has_sex else "",
                )
                if code in ("nik_length", "nik_region_unknown", "nik_sex_mismatch")
                else issues(coded, pl.col("_code") == code, "nik", code)
            )
    return pl.concat(found)


def check_kk(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    if "no_kk" not in frame.columns:
        return empty_issues()
    coded = frame.with_columns(identity_code("no_kk", ctx.known_prefixes, "kk", ctx.today).alias("_code"))
    coded = _whole_column_numeric(coded, "no_kk", "kk", ctx)
    return pl.concat(
        [
            _column_numeric_issues(coded, "no_kk"),
            issues(coded, pl.col("_code") == "kk_excel_number", "no_kk", "kk_excel_number"),
            issues(coded, pl.col("_code") == "kk_invalid", "no_kk", "kk_invalid"),
            issues(
                coded,
                pl.col("_code") == "kk_region_unknown",
                "no_kk",
                "kk_region_unknown",
                prefix=pl.col("no_kk").str.slice(0, 4),
            ),
        ]
    )


def check_duplicate_nik(frame: pl.DataFrame, ctx: Context, family_key: str) -> pl.DataFrame:
    """Later rows that repeat a NIK of an earlier row; NIKs registered to another family of this source.

    A file checked in chunks names each repeated NIK's first row in `ctx.first_rows` (it may lie in another chunk).
    """
    if "nik" not in frame.columns:
        return empty_issues()
    in_file = frame.filter(well_formed_nik())
    if ctx.first_rows is None:
        in_file = in_file.with_columns(pl.col(ROW).first().over("nik").alias("_first"))
    else:
        in_file = in_file.join(ctx.first_rows, on="nik", how="left").with_columns(
            pl.col("_first").fill_null(pl.col(ROW))
        )
    duplicates = issues(
        in_file, pl.col(ROW) != pl.col("_first"), "nik", "nik_duplicate_in_file", other=pl.col("_first")
    )
    registered = frame.join(ctx.registry_niks, on="nik", how="inner", suffix="_registry")
    other_family = pl.col("family_key") != pl.col(family_key).cast(pl.String)
    return pl.concat([duplicates, issues(registered, other_family, "nik", "nik_duplicate_registry")])


def well_formed_nik() -> pl.Expr:
    """16 digits written as text: the NIKs whose repeats are reported (others fail on their own)."""
    return pl.col("nik").str.contains(r"^[0-9]{16}$") & ~pl.col("_numeric_nik")


# --- values ---------------------------------------------------------------------------------------


def parsed_date(column: str) -> pl.Expr:
    text = pl.col(column).str.replace(r"\s00:00:00(\.0+)?$", "")
    return pl.coalesce([text.str.strptime(pl.Date, fmt, strict=False) for fmt in DATE_FORMATS])


def parsed_int(column: str) -> pl.Expr:
    number = pl.col(column).str.replace(",", ".").cast(pl.Float64, strict=False)
    return pl.when(number == number.round(0)).then(number.cast(pl.Int32, strict=False)).otherwise(None)


def parsed_float(column: str) -> pl.Expr:
    return pl.col(column).str.replace(",", ".").cast(pl.Float64, strict=False)


def region_digits(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(r"[^0-9]", "")


def check_birthdate(frame: pl.DataFrame) -> pl.DataFrame:
    if "tanggal_lahir" not in frame.columns:
        return empty_issues()
    bad = pl.col("tanggal_lahir").is_not_null() & parsed_date("tanggal_lahir").is_null()
    return issues(frame, bad, "tanggal_lahir", "birthdate_invalid")


def check_desil(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    if profile.desil is None:
        return empty_issues()
    spec, found = profile.desil, []
    for name in (spec.column, *spec.also):
        if name not in frame.columns:
            continue
        value = parsed_int(name)
        given = pl.col(name).is_not_null()
        found.append(issues(frame, given & value.is_null(), name, "desil_invalid"))
        outside = given & value.is_not_null() & ~value.is_between(spec.min, spec.max)
        found.append(
            issues(
                frame,
                outside,
                name,
                "desil_out_of_range",
                value=pl.col(name),
                scale=spec.scale,
                low=str(spec.min),
                high=str(spec.max),
            )
        )
    return pl.concat(found) if found else empty_issues()


def with_region(frame: pl.DataFrame, profile: Profile, ctx: Context) -> pl.DataFrame:
    """Add `_region_id`: the kelurahan matched on Kemendagri digits, else on its BPS code."""
    if not profile.region_column:
        return frame.with_columns(pl.lit(None, pl.Int64).alias("_region_id"))
    digits = frame.select(region_digits(profile.region_column).alias("_digits"))["_digits"]
    by_kemendagri = dict(zip(ctx.kelurahan["digits"], ctx.kelurahan["region_id"]))
    by_bps = {k: v for k, v in zip(ctx.kelurahan["bps"], ctx.kelurahan["region_id"]) if k}
    ids = digits.replace_strict(by_kemendagri, default=None, return_dtype=pl.Int64)
    ids = ids.fill_null(digits.replace_strict(by_bps, default=None, return_dtype=pl.Int64))
    return frame.with_columns(ids.alias("_region_id"))


def check_region(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    if not profile.region_column:
        return empty_issues()
    column = profile.region_column
    unknown = pl.col(column).is_not_null() & pl.col("_region_id").is_null()
    return issues(frame, unknown, column, "kelurahan_unknown", value=pl.col(column))


def check_required(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    return pl.concat(
        [
            issues(frame, pl.col(name).is_null(), name, "required_missing", column=profile.header_for(name))
            for name in profile.required
        ]
    )


def check_domains(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    domains, _ = load_domains()
    found = []
    for name, values in domains.items():
        if name in frame.columns:
            outside = pl.col(name).is_not_null() & ~pl.col(name).is_in(list(values))
            found.append(
                issues(
                    frame,
                    outside,
                    name,
                    "value_out_of_domain",
                    WARNINGS,
                    value=pl.col(name),
                    column=profile.header_for(name),
                )
            )
    return pl.concat(found) if found else empty_issues()


def check_nik_vs_birthdate(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    if not {"nik", "tanggal_lahir"} <= set(frame.columns):
        return empty_issues()
    _, from_nik = nik_date_parts(pl.col("nik"), ctx.today)
    stated = parsed_date("tanggal_lahir")
    differ = (
        from_nik.is_not_null() & stated.is_not_null() & (from_nik.dt.strftime("%d%m%y") != stated.dt.strftime("%d%m%y"))
    )
    return issues(frame, differ, "tanggal_lahir", "nik_birthdate_mismatch", WARNINGS)


# --- families -------------------------------------------------------------------------------------


def is_head() -> pl.Expr:
    return pl.col("hubungan_dengan_kepala_keluarga").str.to_lowercase() == "kepala keluarga"


def check_heads(frame: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """Families (in files with one row per person) with no head, or with a second head."""
    if profile.level not in ("individu", "anggota") or "hubungan_dengan_kepala_keluarga" not in frame.columns:
        return empty_issues()
    key = profile.family_key
    counted = frame.with_columns(
        is_head().fill_null(False).sum().over(key).alias("_heads"),
        is_head().fill_null(False).cum_sum().over(key).alias("_head_rank"),
    )
    no_head = issues(
        counted, pl.col("_heads") == 0, "hubungan_dengan_kepala_keluarga", "family_no_head", family=pl.col(key)
    )
    extra = is_head().fill_null(False) & (pl.col("_head_rank") > 1)
    many = issues(counted, extra, "hubungan_dengan_kepala_keluarga", "family_many_heads", family=pl.col(key))
    return pl.concat([no_head, many])


def check_member_family(
    frame: pl.DataFrame, profile: Profile, ctx: Context, families_in_file: frozenset[str]
) -> pl.DataFrame:
    """Members of a separate member file whose family is neither in the registry nor imported alongside."""
    if profile.level != "anggota":
        return empty_issues()
    known = list(ctx.registry_family_keys | families_in_file)
    key = profile.family_key
    missing = pl.col(key).is_not_null() & ~pl.col(key).is_in(known)
    return issues(frame, missing, key, "member_family_missing", family=pl.col(key))


def check_coordinates(frame: pl.DataFrame) -> pl.DataFrame:
    found = []
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if name in frame.columns:
            value = parsed_float(name)
            bad = pl.col(name).is_not_null() & (value.is_null() | ~value.is_between(low, high))
            found.append(issues(frame, bad, name, "coordinate_invalid", WARNINGS))
    return pl.concat(found) if found else empty_issues()
