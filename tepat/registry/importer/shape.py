"""Turn checked rows into one frame of families and one of members, typed as the registry stores them."""

from __future__ import annotations

import polars as pl

from tepat.registry.fields import FAMILY_FLOATS, FAMILY_NUMBERS, FAMILY_TEXT, MEMBER_TEXT
from tepat.registry.importer.checks import is_head, parsed_date, parsed_float, parsed_int
from tepat.registry.importer.profiles import Profile


def _optional(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit(None, pl.String).alias(name)


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    return _optional(frame, name).fill_null("").alias(name)


BOUNDS = {"latitude": (-90, 90), "longitude": (-180, 180), "luas_lantai": (0, 100_000)}


def _bounded(value: pl.Expr, name: str) -> pl.Expr:
    """Out-of-range coordinates are left empty (the checks warn about them)."""
    low, high = BOUNDS[name]
    return pl.when(value.is_between(low, high)).then(value).otherwise(None)


def _desil_columns(frame: pl.DataFrame, profile: Profile) -> list[pl.Expr]:
    spec = profile.desil
    columns = [
        parsed_int(n).alias(n) if n in frame.columns else pl.lit(None, pl.Int32).alias(n)
        for n in FAMILY_NUMBERS
        if n != "desil"
    ]
    if spec is None:
        return [*columns, pl.lit(None, pl.Int32).alias("desil"), pl.lit("").alias("desil_skala")]
    return [*columns, parsed_int(spec.column).alias("desil"), pl.lit(spec.scale).alias("desil_skala")]


def _aset(frame: pl.DataFrame, profile: Profile) -> pl.Expr:
    present = sorted(name for name in profile.asset_columns if name in frame.columns)
    if not present:
        return pl.lit("{}").alias("aset")
    return pl.struct([pl.col(name) for name in present]).struct.json_encode().alias("aset")


def families(valid: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """One row per family key. In person-level files the head's row (else the first) carries the family."""
    if not profile.has_families:
        return pl.DataFrame()
    key = profile.family_key
    rows = valid
    if profile.level == "individu":
        rows = valid.sort([key, is_head().fill_null(False).not_(), "_row"]).unique(
            key, keep="first", maintain_order=True
        )
        head_names = (
            valid.filter(is_head().fill_null(False)).select(key, pl.col("nama").alias("kepala_keluarga")).unique(key)
        )
        rows = rows.drop("kepala_keluarga", strict=False).join(head_names, on=key, how="left").sort("_row")
    texts = [_text(rows, name) for name in FAMILY_TEXT if name not in ("desil_skala",)]
    floats = [
        _bounded(parsed_float(n), n).alias(n) if n in rows.columns else pl.lit(None, pl.Float64).alias(n)
        for n in FAMILY_FLOATS
    ]
    return rows.select(
        pl.col("_row"),
        pl.col(key).alias("source_key"),
        pl.col("_region_id").alias("kelurahan_id"),
        *texts,
        *_desil_columns(rows, profile),
        *floats,
        _aset(rows, profile),
    )


def members(valid: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """One row per person, keyed by NIK within the source, with the family key to link it."""
    if not profile.has_members:
        return pl.DataFrame()
    rows = valid
    if profile.head_from_row:  # family-level file: the row's person is the head
        rows = rows.with_columns(
            pl.coalesce(_optional(rows, "nama"), pl.col("kepala_keluarga")).alias("nama"),
            pl.lit("Kepala Keluarga").alias("hubungan_dengan_kepala_keluarga"),
        )
    birth = (
        parsed_date("tanggal_lahir").dt.strftime("%Y-%m-%d")
        if "tanggal_lahir" in rows.columns
        else pl.lit(None, pl.String)
    )
    return rows.select(
        pl.col("_row"),
        pl.col("nik").alias("source_key"),
        pl.col(profile.family_key).alias("family_key"),
        *[_text(rows, name) for name in MEMBER_TEXT],
        birth.alias("tanggal_lahir"),
    )
