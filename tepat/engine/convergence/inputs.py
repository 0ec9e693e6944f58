"""Inputs of the convergence and gap measures, checked and normalised once (`prepare`), and the
receipt flags of P3KE/DTSEN turned into interventions (`interventions_from_flags`).

All frames of one call come from one backend (polars eager or lazy, or DuckDB relations of one
connection). Nothing is materialised here except the program catalogue (tens of rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.convergence.frames import FAMILY_ID, nothing, require
from tepat.engine.rules.evaluate import rows

STRATEGIES = ("kurangi_beban", "tingkatkan_pendapatan", "kurangi_kantong")
DELIVERED = frozenset({"tersalur"})
KECAMATAN_LENGTH = len("NN.NN.NN")
FLAG_STATUS, FLAG_SOURCE = "tersalur", "flag"
# Receipt flag column -> program code of the catalogue (programs.json of the city pack, tepat/regions/packs/).
# BST and BPUM are past national programs: they count only if the catalogue lists them.
FLAG_PROGRAMS: Mapping[str, str] = MappingProxyType(
    {
        "penerima_pkh": "pkh",
        "penerima_bpnt": "bpnt_sembako",
        "penerima_sembako": "bpnt_sembako",
        "penerima_pbi": "pbi_jk",
        "penerima_bst": "bst",
        "penerima_bpum": "bpum",
    }
)
INTERVENTION_TYPES: Mapping[str, Any] = MappingProxyType(
    {
        "program": nw.String,
        "date": nw.Date,
        "amount": nw.Float64,
        "status": nw.String,
        "source": nw.String,
    }
)


@dataclass(frozen=True)
class Program:
    code: str
    strategy: str
    max_desil: int | None


@dataclass(frozen=True)
class Inputs:
    """Normalised lazy inputs. families: family_id, kecamatan, kelurahan, desil, extreme_poor (one row
    per family, the caller's scope). eligibility: one row per (family_id, program) of those families
    and the catalogue, eligible and prioritised (never null). delivered: delivered interventions of
    catalogue programs, every recipient (null or unknown family_id included)."""

    families: nw.LazyFrame
    programs: tuple[Program, ...]
    catalogue: nw.LazyFrame
    eligibility: nw.LazyFrame
    delivered: nw.LazyFrame
    record_columns: tuple[str, ...]
    eager: bool

    def native(self, frame: nw.LazyFrame) -> Any:
        """The result in the input's form: collected when the input was eager."""
        return (frame.collect() if self.eager else frame).to_native()


def prepare(
    families: Any,
    programs: Any,
    eligibility: Any,
    interventions: Any,
    *,
    extreme: str | None = None,
    statuses: Iterable[str] = DELIVERED,
    start: date | None = None,
    end: date | None = None,
    record_columns: Sequence[str] = (),
) -> Inputs:
    """Checks and normalises the four input frames (see docs/convergence.md).

    extreme: None -> the extreme poor are the families with desil == 1; else the name of a boolean
    column of `families` (null counts as false). statuses: intervention statuses that count as
    delivered. start/end: keep interventions dated within [start, end]; undated rows (receipt
    flags) are kept. record_columns: extra intervention columns carried to the detail of
    unregistered recipients (e.g. a record id, NIK, name). Raises ValueError on missing columns,
    mixed backends, unknown strategies or duplicated program codes. Cost: reads the catalogue only.
    """
    frames = [nw.from_native(frame) for frame in (families, programs, eligibility, interventions)]
    if len({frame.implementation for frame in frames}) > 1:
        raise ValueError("families, programs, eligibility and interventions must come from the same backend")
    family_frame, program_frame, eligibility_frame, intervention_frame = (_lazy(frame) for frame in frames)
    catalogue, listed = _catalogue(program_frame)
    registry = _families(family_frame, extreme)
    id_type = registry.collect_schema()[FAMILY_ID]
    return Inputs(
        families=registry,
        programs=listed,
        catalogue=catalogue,
        eligibility=_eligibility(eligibility_frame, registry, catalogue, id_type),
        delivered=_delivered(
            intervention_frame, catalogue, id_type, set(statuses), (start, end), tuple(record_columns)
        ),
        record_columns=tuple(record_columns),
        eager=isinstance(frames[0], nw.DataFrame),
    )


def _lazy(frame: nw.DataFrame | nw.LazyFrame) -> nw.LazyFrame:
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _catalogue(programs: nw.LazyFrame) -> tuple[nw.LazyFrame, tuple[Program, ...]]:
    require(programs, {"program", "strategy"}, "programs")
    names = programs.collect_schema().names()
    max_desil = nw.col("max_desil") if "max_desil" in names else nw.lit(None)
    catalogue = programs.select(
        nw.col("program").cast(nw.String),
        nw.col("strategy").cast(nw.String),
        max_desil.cast(nw.Int64).alias("max_desil"),
    ).sort("program")
    listed = tuple(Program(row["program"], row["strategy"], row["max_desil"]) for row in rows(catalogue))
    codes = [program.code for program in listed]
    if None in codes or len(set(codes)) != len(codes):
        raise ValueError(f"program codes must be present and unique: {codes}")
    wrong = sorted({program.strategy for program in listed} - set(STRATEGIES), key=str)
    if wrong:
        raise ValueError(f"unknown strategies {wrong}; use one of {', '.join(STRATEGIES)}")
    return catalogue, listed


def _families(families: nw.LazyFrame, extreme: str | None) -> nw.LazyFrame:
    names = set(families.collect_schema().names())
    require(families, {FAMILY_ID, "desil", "kelurahan"} | ({extreme} if extreme else set()), "families")
    kecamatan = nw.col("kecamatan") if "kecamatan" in names else nw.col("kelurahan").str.slice(0, KECAMATAN_LENGTH)
    flag = nw.col(extreme).cast(nw.Boolean) if extreme else nw.col("desil") == 1
    return families.select(
        FAMILY_ID,
        kecamatan.cast(nw.String).alias("kecamatan"),
        nw.col("kelurahan").cast(nw.String),
        nw.col("desil").cast(nw.Int64),
        flag.fill_null(False).alias("extreme_poor"),
    )


def _eligibility(
    eligibility: nw.LazyFrame, registry: nw.LazyFrame, catalogue: nw.LazyFrame, id_type: Any
) -> nw.LazyFrame:
    """One row per (family, program); duplicates are merged (eligible if any row says so)."""
    require(eligibility, {FAMILY_ID, "program", "eligible", "prioritised"}, "eligibility")
    table = eligibility.select(
        nw.col(FAMILY_ID).cast(id_type),
        nw.col("program").cast(nw.String),
        nw.col("eligible").cast(nw.Boolean).fill_null(False),
        nw.col("prioritised").cast(nw.Boolean).fill_null(False),
    )
    table = table.join(registry.select(FAMILY_ID), on=FAMILY_ID, how="semi")
    table = table.join(catalogue.select("program"), on="program", how="semi")
    return table.group_by(FAMILY_ID, "program").agg(nw.col("eligible").any(), nw.col("prioritised").any())


def _delivered(
    interventions: nw.LazyFrame,
    catalogue: nw.LazyFrame,
    id_type: Any,
    statuses: set[str],
    period: tuple[date | None, date | None],
    record_columns: tuple[str, ...],
) -> nw.LazyFrame:
    require(
        interventions,
        {FAMILY_ID, "program", "status", *record_columns} | ({"date"} if period != (None, None) else set()),
        "interventions",
    )
    table = interventions.select(nw.col(FAMILY_ID).cast(id_type), *_standard(interventions), *record_columns)
    table = table.filter(nw.col("status").is_in(sorted(statuses)).fill_null(False), _within(period))
    return table.join(catalogue.select("program"), on="program", how="semi")


def _standard(frame: nw.LazyFrame) -> list[nw.Expr]:
    """The standard intervention columns but family_id, typed; absent ones as typed nulls."""
    names = set(frame.collect_schema().names())
    return [
        (nw.col(name) if name in names else nw.lit(None)).cast(dtype).alias(name)
        for name, dtype in INTERVENTION_TYPES.items()
    ]


def _within(period: tuple[date | None, date | None]) -> nw.Expr:
    """Dated rows within the period; undated rows always (receipt flags have no delivery date)."""
    start, end = period
    inside = nw.lit(True)
    if start is not None:
        inside = inside & (nw.col("date") >= nw.lit(start, dtype=nw.Date))
    if end is not None:
        inside = inside & (nw.col("date") <= nw.lit(end, dtype=nw.Date))
    if period == (None, None):
        return inside
    return nw.col("date").is_null() | inside.fill_null(False)


def interventions_from_flags(
    families: Any, mapping: Mapping[str, str] | None = None, *, snapshot: date | None = None
) -> Any:
    """Delivered interventions from the receipt flags of a P3KE/DTSEN families frame: one row per
    (family, program) whose flag reads "Ya" (any case and spacing; a boolean column counts when true),
    with status "tersalur", source "flag", date `snapshot` (or null) and no amount. Flag columns
    absent from the frame are skipped (P3KE has no PBI flag). Same backend and eagerness as the input."""
    frame = nw.from_native(families)
    lazy = _lazy(frame)
    require(lazy, {FAMILY_ID}, "families")
    schema = lazy.collect_schema()
    chosen = FLAG_PROGRAMS if mapping is None else mapping
    parts = [
        _flag_rows(lazy, _received(column, schema[column]), program, snapshot)
        for column, program in chosen.items()
        if column in schema
    ]
    if not parts:
        parts = [_flag_rows(lazy, nothing(), "", snapshot)]
    table = nw.concat(parts, how="vertical").unique().sort(FAMILY_ID, "program")
    return (table.collect() if isinstance(frame, nw.DataFrame) else table).to_native()


def _received(column: str, dtype: Any) -> nw.Expr:
    if dtype == nw.Boolean:
        return nw.col(column).fill_null(False)
    return (nw.col(column).cast(nw.String).str.strip_chars().str.to_lowercase() == "ya").fill_null(False)


def _flag_rows(families: nw.LazyFrame, received: nw.Expr, program: str, snapshot: date | None) -> nw.LazyFrame:
    return families.filter(received).select(
        FAMILY_ID,
        nw.lit(program, dtype=nw.String).alias("program"),
        nw.lit(snapshot, dtype=nw.Date).alias("date"),
        nw.lit(None, dtype=nw.Float64).alias("amount"),
        nw.lit(FLAG_STATUS, dtype=nw.String).alias("status"),
        nw.lit(FLAG_SOURCE, dtype=nw.String).alias("source"),
    )


def combine_interventions(*frames: Any, keep: Sequence[str] = ()) -> Any:
    """Recorded (OPD) and flag interventions as one frame: the standard columns plus `keep` (family_id
    and each kept column typed as in the first frame having it; absent columns as nulls; other columns
    dropped). Same backend and eagerness as the first frame. Cost: a lazy union."""
    tables = [nw.from_native(frame) for frame in frames]
    if not tables:
        raise ValueError("combine_interventions needs at least one frame")
    lazies = [_lazy(table) for table in tables]
    for table in lazies:
        require(table, {FAMILY_ID}, "interventions")
    schemas = [table.collect_schema() for table in lazies]
    types = {FAMILY_ID: schemas[0][FAMILY_ID]}
    for column in keep:
        present = [schema[column] for schema in schemas if column in schema]
        if not present:
            raise ValueError(f"no interventions frame has the column {column!r}")
        types[column] = present[0]
    union = nw.concat(
        [
            table.select(
                nw.col(FAMILY_ID).cast(types[FAMILY_ID]),
                *_standard(table),
                *[(nw.col(c) if c in schema else nw.lit(None)).cast(types[c]).alias(c) for c in keep],
            )
            for table, schema in zip(lazies, schemas)
        ],
        how="vertical",
    )
    return (union.collect() if isinstance(tables[0], nw.DataFrame) else union).to_native()
