"""A utf-8 csv read in family-aligned chunks, so that the memory of `prepare` follows the chunk, not the file.

One cheap key pass (`_row`, family key, NIK, No KK) decides what needs the whole file: each family's chunk
(families, not rows, are the unit: the head, headless and fully-rejected checks need all rows of a family),
the first row of every repeated NIK, whether a whole NIK / No KK column is spreadsheet numbers, and the
number of families. Then one streaming pass reads the canonical columns batch by batch and hands each chunk,
once all its rows have been read, to the checks. Guarantee: the same rows, errors and warnings as checking
the whole file at once. Cost: one extra parse of the file; memory ~ one chunk plus the key pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace

import polars as pl

from tepat.registry.importer import checks, ranges
from tepat.registry.importer.canonical import canonical_lazy, collect, with_numeric_flags
from tepat.registry.importer.messages import ImportFatal
from tepat.registry.importer.profiles import Profile
from tepat.registry.importer.read import ROW, Table

DEFAULT_CHUNK_ROWS = 50_000
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
    """Read batch by batch and reduced as it goes: memory ~ the families and NIKs, not the file's rows."""
    key = profile.family_key
    spans, niks, numeric, rows = [], [], {}, 0
    for batch in canonical_batches(table, profile, only=(key, "nik", "no_kk")):
        rows += batch.height
        family = pl.col(key) if key in batch.columns else pl.lit(None, pl.String).alias(key)
        spans.append(batch.group_by(family).agg(_first=pl.col(ROW).min(), _last=pl.col(ROW).max(), _n=pl.len()))
        if "nik" in batch.columns:
            well_formed = batch.with_columns(pl.lit(False).alias("_numeric_nik")).filter(checks.well_formed_nik())
            niks.append(well_formed.group_by(_nik_number()).agg(_first=pl.col(ROW).min().cast(pl.Int32), _n=pl.len()))
        for column in ("nik", "no_kk"):
            if column in batch.columns:
                numeric[column] = [*numeric.get(column, []), _numeric_counts(batch, column)]
    if rows == 0:
        raise ImportFatal("file_empty")
    spans = (
        pl.concat(spans)
        .group_by(key)
        .agg(pl.col("_first").min(), pl.col("_last").max(), pl.col("_n").sum())
        .sort("_first")
        .with_columns(((pl.col("_n").cum_sum() - pl.col("_n")) // size).alias(CHUNK))
        .with_columns((pl.col(CHUNK).rank("dense") - 1).cast(pl.Int32).alias(CHUNK))  # a big family skips numbers
    )
    return Keys(
        assign=spans.select(key, CHUNK),
        last_rows=spans.group_by(CHUNK).agg(pl.col("_last").max()).sort(CHUNK)["_last"].to_list(),
        first_rows=_first_rows(niks),
        whole_numeric={column: _whole(counts) for column, counts in numeric.items()},
        families=spans[key].drop_nulls().len(),
    )


def canonical_batches(table: Table, profile: Profile, only: tuple[str, ...] | None = None) -> Iterator[pl.DataFrame]:
    """The canonical columns (or `only` those), in row order, a batch at a time: one byte range of the body
    (tepat.registry.importer.ranges) when the table has one, else polars' streaming batches."""
    if table.body is None:
        yield from batches(canonical_lazy(table, profile, only=only))
        return
    for raw in ranges.frames(table.body):
        yield collect(canonical_lazy(replace(table, frame=raw), profile, only=only))


def batches(query: pl.LazyFrame) -> Iterator[pl.DataFrame]:
    """The query's result in row order, a batch at a time; a csv polars cannot parse is a problem with the file."""
    try:
        yield from query.collect_batches(maintain_order=True)
    except pl.exceptions.PolarsError as error:
        raise ImportFatal("file_unreadable", detail=str(error).splitlines()[0][:200]) from error


def _first_rows(niks: list[pl.DataFrame]) -> pl.DataFrame:
    if not niks:
        return pl.DataFrame(schema={"nik": pl.String, "_first": pl.Int64})
    found = pl.concat(niks).group_by("nik").agg(pl.col("_first").min(), pl.col("_n").sum())
    text = pl.col("nik").cast(pl.String).str.zfill(16)
    return found.filter(pl.col("_n") > 1).select(text, pl.col("_first").cast(pl.Int64))


def _nik_number() -> pl.Expr:
    """A well-formed NIK (16 digits) as a number: a quarter of the memory of the text, for every NIK of the file."""
    return pl.col("nik").cast(pl.UInt64)


def _numeric_counts(batch: pl.DataFrame, column: str) -> tuple[int, int]:
    """(values written as numbers, values given) in a batch (csv cells have no type)."""
    numeric = pl.col(column).is_not_null() & checks.looks_numeric(pl.col(column)).fill_null(False)
    counts = batch.select(numeric.sum().alias("numeric"), pl.col(column).is_not_null().sum().alias("given"))
    return counts["numeric"].item(), counts["given"].item()


def _whole(counts: list[tuple[int, int]]) -> bool:
    """As checks._whole_column_numeric decides it: every value given is written as a number, and there is one."""
    numeric, given = sum(n for n, _ in counts), sum(g for _, g in counts)
    return numeric == given and numeric > 0


def chunks(table: Table, profile: Profile, keys: Keys) -> Iterator[pl.DataFrame]:
    """The canonical frame, chunk by chunk, each in row order; a chunk is yielded once its last row is read."""
    key, pending, seen, ready = profile.family_key, [], 0, 0
    assign = keys.assign
    for batch in canonical_batches(table, profile):
        if batch.height == 0:
            continue
        family = batch[key] if key in batch.columns else pl.Series(key, [None] * batch.height, pl.String)
        marked = batch.with_columns(
            pl.DataFrame({key: family}).join(assign, on=key, how="left", nulls_equal=True, maintain_order="left")[CHUNK]
        )
        pending.append(marked)
        seen = max(seen, batch[ROW].max())
        upto = ready
        while upto < len(keys.last_rows) and keys.last_rows[upto] <= seen:
            upto += 1
        if upto > ready:  # chunks ready..upto-1 are whole: split them off in one pass
            frame = pl.concat(pending)
            done = frame.filter(pl.col(CHUNK) < upto).partition_by(CHUNK, as_dict=True, maintain_order=True)
            for chunk in range(ready, upto):
                yield _finish(done.pop((chunk,)), table, profile)
            rest = frame.filter(pl.col(CHUNK) >= upto)
            pending, ready = ([rest] if rest.height else []), upto


def _finish(frame: pl.DataFrame, table: Table, profile: Profile) -> pl.DataFrame:
    return with_numeric_flags(frame.drop(CHUNK).sort(ROW), table, profile)
