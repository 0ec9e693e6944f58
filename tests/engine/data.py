"""Small synthetic families/members frames (numpy + polars) and their DuckDB twins, for engine tests.

The data has what makes rules interesting: nulls and empty text, inactive members (and a null
`is_active`), families without members, members of unknown families, births on 29 February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from tepat.engine.rules.schema import FAMILY, default_schema

KELURAHAN = ("12.74.05.1010", "12.74.05.1003", "12.74.01.1001", "12.74.06.1002")
REFERENCE_DATES = (date(2024, 6, 30), date(2024, 2, 29), date(2023, 2, 28), date(2025, 3, 1), date(2024, 1, 1))
PARTISIPASI = ("Tidak/belum pernah sekolah", "Masih sekolah", "Tidak bersekolah lagi", "Tidak Sekolah")
JOBS = (
    "BELUM/TIDAK BEKERJA",
    "PEDAGANG",
    "WIRASWASTA",
    "NELAYAN/PERIKANAN",
    "BURUH HARIAN LEPAS",
    "Buruh Harian Lepas",
    " buruh  harian\tlepas ",
    "Pedagang",
    "   ",
)  # free text: as files spell it
MEMBER_DOMAINS = ("jenis_kelamin", "pendidikan", "status_kawin", "hubungan_dengan_kepala_keluarga")


def _domain(name: str) -> tuple[str, ...]:
    domain = default_schema().get(name).domain
    assert domain is not None
    return domain


def _pick(rng: np.random.Generator, values: tuple[Any, ...], size: int, *, missing: float = 0.15) -> list[Any]:
    """Values with some nulls and (for text) some empty strings."""
    picked: list[Any] = [values[i] for i in rng.integers(0, len(values), size)]
    holes = rng.random(size)
    for index in np.flatnonzero(holes < missing):
        picked[index] = "" if (isinstance(picked[index], str) and holes[index] < missing / 3) else None
    return picked


def families_frame(rng: np.random.Generator, size: int) -> pl.DataFrame:
    """Numbers, the region, and every family field that has a value domain."""
    schema = default_schema()
    columns: dict[str, list[Any]] = {
        "desil": _pick(rng, tuple(range(1, 5)), size),
        "desil_nasional": _pick(rng, tuple(range(1, 5)), size),
        "luas_lantai": _pick(rng, (12.5, 20.0, 36.0, 45.5), size),
        "kelurahan": _pick(rng, KELURAHAN, size, missing=0.05),
    }
    for name in schema.names(FAMILY):
        domain = schema.get(name).domain
        if domain is not None:
            columns[name] = _pick(rng, domain, size)
    types = {"desil": pl.Int64, "desil_nasional": pl.Int64, "luas_lantai": pl.Float64}
    return pl.DataFrame(
        {"family_id": np.arange(size, dtype=np.int64), **columns},
        schema_overrides={**types, **{name: pl.String for name in columns if name not in types}},
    )


def members_frame(rng: np.random.Generator, families: int, size: int) -> pl.DataFrame:
    births = [date(1940, 1, 1).toordinal() + int(days) for days in rng.integers(0, 31_000, size)]
    born = [date.fromordinal(day) for day in births]
    for index in np.flatnonzero(rng.random(size) < 0.08):  # birthdays on and around 29 February
        born[index] = date(int(rng.choice([2000, 2004, 2016, 2020])), 2, 29)
    for index in np.flatnonzero(rng.random(size) < 0.08):  # birthdays on the reference days
        reference = REFERENCE_DATES[int(rng.integers(0, len(REFERENCE_DATES)))]
        born[index] = date(reference.year - int(rng.integers(0, 70)), reference.month, min(reference.day, 28))
    active = _pick(rng, (True, True, True, False), size, missing=0.03)
    return pl.DataFrame(
        {
            "family_id": rng.integers(0, families + 3, size).astype(np.int64),  # some ids match no family
            "is_active": active,
            "tanggal_lahir": [day if hole > 0.08 else None for day, hole in zip(born, rng.random(size))],
            **{name: _pick(rng, _domain(name), size) for name in MEMBER_DOMAINS},
            "partisipasi_sekolah": _pick(rng, PARTISIPASI, size),
            "disabilitas": _pick(rng, ("Ya", "Tidak", "Tidak", "Tidak"), size),
            "status_bekerja": _pick(rng, ("Ya", "Tidak"), size),
            "pekerjaan": _pick(rng, JOBS, size),
        },
        schema_overrides={
            "is_active": pl.Boolean,
            "tanggal_lahir": pl.Date,
            **dict.fromkeys(MEMBER_DOMAINS, pl.String),
        },
    )


@dataclass
class Dataset:
    families: pl.DataFrame
    members: pl.DataFrame
    duck_families: Any
    duck_members: Any


def make_dataset(
    seed: int, families: int, members: int, folder: Path, connection: duckdb.DuckDBPyConnection
) -> Dataset:
    """Polars frames and DuckDB tables with the same rows (through parquet: no pyarrow needed)."""
    rng = np.random.default_rng(seed)
    family_frame = families_frame(rng, families)
    member_frame = members_frame(rng, families, members)
    relations = []
    for kind, frame in (("families", family_frame), ("members", member_frame)):
        path = folder / f"{kind}_{seed}.parquet"
        frame.write_parquet(path)
        relations.append(connection.read_parquet(str(path)))
    return Dataset(family_frame, member_frame, *relations)


def result_rows(native: Any) -> list[tuple[Any, ...]]:
    """Rows of an evaluate() result of any backend, sorted by family_id."""
    if isinstance(native, pl.LazyFrame):
        native = native.collect()
    if isinstance(native, pl.DataFrame):
        return sorted(native.rows())
    return sorted(native.fetchall())


def result_columns(native: Any) -> list[str]:
    if isinstance(native, pl.LazyFrame):
        return native.collect_schema().names()
    return list(native.columns)


BACKENDS = ("polars", "polars-lazy", "duckdb")


class Backends:
    """Turns polars frames into each backend's input (DuckDB through parquet files in `folder`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.connection = duckdb.connect()
        self.written = 0

    def native(self, frame: pl.DataFrame, backend: str) -> Any:
        if backend == "polars":
            return frame
        if backend == "polars-lazy":
            return frame.lazy()
        self.written += 1
        path = self.folder / f"frame_{self.written}.parquet"
        frame.write_parquet(path)
        return self.connection.read_parquet(str(path))
