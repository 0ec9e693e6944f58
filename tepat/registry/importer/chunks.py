"""A utf-8 csv read in family-aligned chunks, so that the memory of `prepare` follows the chunk, not the file.

One cheap key pass (`_row`, family key, NIK, No KK) decides what needs the whole file: each family's chunk
(families, not rows, are the unit: the head, headless and fully-rejected checks need all rows of a family),
the first row of every repeated NIK, whether a whole NIK / No KK column is spreadsheet numbers, and the
number of families. Then one streaming pass reads the canonical columns batch by batch and hands each chunk,
once all its rows have been read, to the checks. Guarantee: the same rows, errors and warnings as checking
the whole file at once. Cost: one extra parse of four columns; memory ~ one chunk plus the key pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from tepat.registry.importer import checks
from tepat.registry.importer.canonical import canonical_lazy, collect, with_numeric_flags
from tepat.registry.importer.messages import ImportFatal
from tepat.registry.importer.profiles import Profile
from tepat.registry.importer.read import ROW, Table

DEFAULT_CHUNK_ROWS = 200_000
CHUNK = "_chunk"


def chunk_rows() -> int:
    """TEPAT_IMPORT_CHUNK_ROWS: rows (of whole families) checked at a time; 0 checks the file at once."""
    return int(os.getenv("TEPAT_IMPORT_CHUNK_ROWS", str(DEFAULT_CHUNK_ROWS)))


@dataclass
class Keys:
    """What the key pass found: family -> chunk, the last row of each chunk, the file-wide facts."""

    assign: pl.DataFrame  # family key, _chunk
    last_rows: list[int]  # by chunk
    first_rows: pl.DataFrame  # nik, _first
    whole_numeric: dict[str, bool]
    families: int


def key_pass(table: Table, profile: Profile, size: int) -> Keys:
    key = profile.family_key
    keys = collect(canonical_lazy(table, profile, only=(key, "nik", "no_kk")))
    if keys.height == 0:
        raise ImportFatal("file_empty")
    keys = keys.with_columns(pl.lit(False).alias("_numeric_nik"))
    has_key = key in keys.columns
    family = pl.col(key) if has_key else pl.lit(None, pl.String).alias(key)
    spans = (
        keys.group_by(family)
        .agg(pl.col(ROW).min().alias("_first_row"), pl.col(ROW).max().alias("_last_row"), pl.len().alias("_n"))
        .sort("_first_row")
        .with_columns(((pl.col("_n").cum_sum() - pl.col("_n")) // size).alias(CHUNK))
        .with_columns((pl.col(CHUNK).rank("dense") - 1).cast(pl.Int32).alias(CHUNK))  # a big family skips numbers
    )
    last_rows = spans.group_by(CHUNK).agg(pl.col("_last_row").max()).sort(CHUNK)["_last_row"].to_list()
    return Keys(
        assign=spans.select(key, CHUNK),
        last_rows=last_rows,
        first_rows=_first_rows(keys),
        whole_numeric={c: _whole_numeric(keys, c) for c in ("nik", "no_kk") if c in keys.columns},
        families=keys[key].drop_nulls().n_unique() if has_key else 0,
    )


def _first_rows(keys: pl.DataFrame) -> pl.DataFrame:
    if "nik" not in keys.columns:
        return pl.DataFrame(schema={"nik": pl.String, "_first": pl.Int64})
    repeated = keys.filter(checks.well_formed_nik()).group_by("nik").agg(pl.col(ROW).min().alias("_first"), pl.len())
    return repeated.filter(pl.col("len") > 1).select("nik", "_first")


def _whole_numeric(keys: pl.DataFrame, column: str) -> bool:
    """As checks._whole_column_numeric decides it: every value written as a number (csv cells have no type)."""
    numeric = pl.col(column).is_not_null() & checks.looks_numeric(pl.col(column)).fill_null(False)
    return bool(keys.select((numeric | pl.col(column).is_null()).all() & numeric.any()).item())


def chunks(table: Table, profile: Profile, keys: Keys) -> Iterator[pl.DataFrame]:
    """The canonical frame, chunk by chunk, each in row order; a chunk is yielded once its last row is read."""
    key, pending, seen, ready = profile.family_key, [], 0, 0
    assign = keys.assign
    for batch in canonical_lazy(table, profile).collect_batches(maintain_order=True):
        if batch.height == 0:
            continue
        family = batch[key] if key in batch.columns else pl.Series(key, [None] * batch.height, pl.String)
        marked = batch.with_columns(
            pl.DataFrame({key: family}).join(assign, on=key, how="left", nulls_equal=True, maintain_order="left")[CHUNK]
        )
        pending.append(marked)
        seen = max(seen, batch[ROW].max())
        while ready < len(keys.last_rows) and keys.last_rows[ready] <= seen:
            frame = pl.concat(pending)
            yield _finish(frame.filter(pl.col(CHUNK) == ready), table, profile)
            rest = frame.filter(pl.col(CHUNK) != ready)
            pending, ready = ([rest] if rest.height else []), ready + 1


def _finish(frame: pl.DataFrame, table: Table, profile: Profile) -> pl.DataFrame:
    return with_numeric_flags(frame.drop(CHUNK).sort(ROW), table, profile)
