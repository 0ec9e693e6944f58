"""Person frames -> the normalised columns the linkage model compares. Vectorised (polars), no Django.

Input: one row per person record with PERSON_SCHEMA columns (any source, any order; extra columns are
dropped). Output: `unique_id`, `source_dataset` and the compared columns of data/model.json.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import polars as pl

PERSON_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.Int64,
    "source": pl.String,
    "family_id": pl.Int64,
    "nik": pl.String,
    "nama": pl.String,
    "tanggal_lahir": pl.Date,
    "jenis_kelamin": pl.String,
    "hubungan": pl.String,
    "no_kk": pl.String,
    "kelurahan": pl.String,
    "rt": pl.String,
    "rw": pl.String,
}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MODEL_PATH = Path(__file__).parent / "data" / "model.json"


@cache
def model_spec() -> dict:
    """The comparisons, blocking rules, thresholds and name tables (data/model.json)."""
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def _token_map() -> dict[str, str]:
    return {
        variant: canonical
        for canonical, variants in model_spec()["name_tokens"].items()
        for variant in [canonical, *variants]
    }


def normalised_name(column: str = "nama") -> pl.Expr:
    """Upper case, letters only, single spaces, abbreviations and spelling variants to one token
    ("M. Rizki" and "Muhamad Rizky" both become "MUHAMMAD RIZKY"). Cost: one pass per token table."""
    text = (
        pl.col(column)
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z ]", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    tokens = text.str.split(" ").list.eval(pl.element().replace(_token_map()))
    joined = tokens.list.join(" ")
    return pl.when(joined == "").then(None).otherwise(joined).alias(column)


def name_sound(column: str) -> pl.Expr:
    """A crude Indonesian sound key: old spellings folded (OE->U, DJ->J, ...), vowels after the
    first letter dropped, repeated letters collapsed. Used for one comparison level."""
    text = pl.col(column).str.replace_all(" ", "")
    for old, new in model_spec()["spelling"]:
        text = text.str.replace_all(old, new, literal=True)
    head, tail = text.str.slice(0, 1), text.str.slice(1).str.replace_all(r"[AEIOUH]", "")
    doubled = [letter * 2 for letter in _LETTERS]
    key = pl.concat_str(head, tail)
    return key.str.replace_many(doubled, list(_LETTERS)).str.replace_many(doubled, list(_LETTERS))


def _clean(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _sex() -> pl.Expr:
    text = pl.col("jenis_kelamin").str.to_lowercase().str.strip_chars()
    return (
        pl.when(text.str.starts_with("l"))
        .then(pl.lit("L"))
        .when(text.str.starts_with("p"))
        .then(pl.lit("P"))
        .otherwise(None)
    )


def _number(column: str) -> pl.Expr:
    """RT/RW as written ('003', '3', ' 03') -> '3'."""
    return _clean(column).str.replace(r"^0+(\d)", "${1}")


def _nik_dob_ok() -> pl.Expr:
    """The NIK's date part (DDMMYY, day + 40 for women) agrees with the record's own birth date.
    False means this record's NIK (or its birth date) was mistyped; null when either is missing."""
    day = pl.col("birth_day")

    def text(d):
        return pl.concat_str(
            d.cast(pl.String).str.zfill(2),
            pl.col("birth_month").cast(pl.String).str.zfill(2),
            (pl.col("birth_year") % 100).cast(pl.String).str.zfill(2),
        )

    return (pl.col("nik_dob") == text(day)) | (pl.col("nik_dob") == text(day + 40))


def prepare(persons: pl.DataFrame) -> pl.DataFrame:
    """Compared columns per person. Guarantee: one output row per input row, same `record_id`s.
    Cost: O(rows), vectorised."""
    frame = persons.select(
        [pl.col(c).cast(t) if c in persons.columns else pl.lit(None, t).alias(c) for c, t in PERSON_SCHEMA.items()]
    )
    nik = pl.when(pl.col("nik").str.contains(r"^\d{16}$")).then(pl.col("nik")).otherwise(None)
    dob = pl.col("tanggal_lahir")
    out = frame.select(
        pl.col("record_id").alias("unique_id"),
        pl.col("source").alias("source_dataset"),
        "family_id",
        nik.alias("nik"),
        nik.str.slice(0, 6).alias("nik_region"),
        nik.str.slice(6, 6).alias("nik_dob"),
        normalised_name().alias("name_norm"),
        dob.dt.strftime("%Y-%m-%d").alias("dob"),
        dob.dt.year().alias("birth_year"),
        dob.dt.month().cast(pl.Int32).alias("birth_month"),
        dob.dt.day().cast(pl.Int32).alias("birth_day"),
        _sex().alias("sex"),
        _clean("kelurahan").alias("kelurahan"),
        _number("rt").alias("rt"),
        _number("rw").alias("rw"),
        _clean("hubungan").str.to_lowercase().alias("relationship"),
        _clean("no_kk").alias("no_kk"),
    )
    return out.with_columns(
        _nik_dob_ok().alias("nik_dob_ok"),
        name_sound("name_norm").alias("name_sound"),
        pl.col("name_norm").str.split(" ").list.first().alias("name_first"),
    )
