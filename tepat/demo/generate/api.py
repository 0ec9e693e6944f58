"""``generate``: validate, build the universe, plan faults, write the file and its truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

import numpy as np

from .faults import _PLAN_SCHEMA, _plan_faults
from .identity import IdentityPlan, duplicate_edits, identity_plan, person_edits
from .identity import truth as identity_truth
from .regions import _parse_regions, load_tanjungbalai_regions
from .render import _chunks, _family_getters, _person_getters, _title
from .spec import _check_domains, _spec
from .tables import FORMATS, MAX_ERROR_RATE
from .universe import _universe
from .writers import _write_csv, _write_truth, _write_xlsx


@dataclass
class GenerateResult:
    """What ``generate`` wrote: data rows, universe size, faulted rows and the truth file."""

    path: Path
    rows: int
    families: int
    members: int
    faults: int
    truth_path: Path | None
    identity_path: Path | None = None


def generate(
    families: int,
    fmt: str,
    out: Path,
    *,
    seed: int = 1,
    error_rate: float = 0.0,
    regions_csv: Path | None = None,
    identity_noise: float = 0.0,
) -> GenerateResult:
    """Write one synthetic export file (``.csv`` or ``.xlsx`` by suffix) and, with faults, its
    ground truth.  Deterministic in (families, fmt, seed, error_rate, identity_noise, suffix).

    identity_noise (DTSEN formats only): the share of persons recorded with a NIK typo, a name
    variant, a date swap, ... (identity.py); the truth ``<stem>.identity.csv`` gives each row's
    P3KE ``id_individu`` (of the same families and seed).

    Cost: ~O(persons log persons) numpy work plus output; 1M families (~3.9M persons) as csv in
    well under two minutes, memory dominated by one chunk of CHUNK_FAMILIES families.
    """
    out = Path(out)
    _validate(families, fmt, out, seed, error_rate)
    if identity_noise and (fmt.startswith("p3ke") or not 0.0 < identity_noise <= MAX_ERROR_RATE):
        raise ValueError(f"identity_noise applies to DTSEN formats only, within 0..{MAX_ERROR_RATE}")
    _check_domains()
    spec = _spec(fmt)
    reg = _parse_regions(load_tanjungbalai_regions(regions_csv))
    u = _universe(families, seed, reg)
    xlsx = out.suffix.lower() == ".xlsx"
    plan = _plan_faults(u, spec, error_rate, seed, xlsx) if error_rate > 0 else pl.DataFrame(schema=_PLAN_SCHEMA)
    identity = identity_plan(u, identity_noise, seed) if identity_noise else None
    chunks = _chunks(u, spec, plan.filter(pl.col("edit")), identity)
    if xlsx:
        nik_col = spec.fields.index("nik") if "nik" in spec.fields else -1
        numeric = dict.fromkeys(plan.filter(pl.col("numeric"))["idx"].to_list(), nik_col)
        _write_xlsx(out, spec, _title(spec, reg), chunks, numeric)
    else:
        _write_csv(out, spec, _title(spec, reg), chunks)
    truth = _write_truth(out, spec, plan) if error_rate > 0 else None
    rows = int(u.starts[-1]) if spec.person_level else families
    if identity is not None and spec.person_level:
        rows += len(identity.duplicates)  # persons written twice (identity.py), after the others
    identity_path = _write_identity(out, spec, u, identity) if identity else None
    return GenerateResult(
        path=out,
        rows=rows,
        families=families,
        members=int(u.starts[-1]),
        faults=plan.height,
        truth_path=truth,
        identity_path=identity_path,
    )


def _write_identity(out: Path, spec, u, identity: IdentityPlan) -> Path:
    """``<stem>.identity.csv``: row (as a spreadsheet shows it), id_individu in P3KE, noise."""
    pi = np.arange(u.starts[-1]) if spec.person_level else u.starts[:-1]
    frame = identity_truth(u, identity, pi, duplicates=spec.person_level)
    frame = frame.with_columns((pl.int_range(pl.len()) + spec.first_data_row).alias("row"))
    path = out.with_name(f"{out.stem}.identity.csv")
    frame.select("row", "id_individu", "noise", "family_new_kk").write_csv(path)
    return path


def linkage_frames(
    families: int, *, seed: int = 1, identity_noise: float = 0.1, regions_csv: Path | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(P3KE persons, noisy DTSEN persons) of one universe, in the linkage engine's person
    columns plus ``truth`` (the P3KE id_individu) -- what importing both exports would hold,
    without the files.  Record ids: P3KE 1..n, DTSEN n+1..2n, then DTSEN's within-source duplicates
    (persons written twice under a second NIK, the same truth).  Cost: O(persons)."""
    reg = _parse_regions(load_tanjungbalai_regions(regions_csv))
    u = _universe(families, seed, reg)
    identity = identity_plan(u, identity_noise, seed)
    pi = np.arange(u.starts[-1])
    p3ke = _persons(u, pi, "p3ke", None)
    dtsen = _persons(u, pi, "dtsen", identity).with_columns(pl.col("record_id") + len(pi))
    twice = _persons(u, identity.duplicates, "dtsen", None).with_columns(
        [s.alias(k) for k, s in duplicate_edits(u, identity).items()],
        record_id=pl.int_range(pl.len(), dtype=pl.Int64) + 2 * len(pi) + 1,
    )
    return p3ke, pl.concat([dtsen, twice.select(dtsen.columns)])


def _persons(u, pi: np.ndarray, source: str, identity) -> pl.DataFrame:
    fi = u.per["fam"][pi]
    family = _family_getters(u, fi, source)
    person = {**_person_getters(u, pi, source), **(person_edits(u, identity, pi) if identity else {})}
    value = lambda getters, name: getters[name]() if callable(getters[name]) else getters[name]  # noqa: E731
    return pl.DataFrame(
        {
            "record_id": pl.Series(pi + 1, dtype=pl.Int64),
            "source": pl.repeat(source, len(pi), eager=True),
            "family_id": pl.Series(fi + (len(u.starts) if source == "dtsen" else 0), dtype=pl.Int64),
            "nik": value(person, "nik"),
            "nama": value(person, "nama"),
            "tanggal_lahir": value(person, "tanggal_lahir").str.to_date("%d-%m-%Y", strict=False),
            "jenis_kelamin": value(person, "jenis_kelamin"),
            "hubungan": value(person, "hubungan_dengan_kepala_keluarga"),
            "no_kk": value(person, "no_kk") if "no_kk" in person else value(family, "no_kk"),
            "kelurahan": value(family, "kode_kemendagri"),
            "rt": value(family, "rt"),
            "rw": value(family, "rw"),
            "truth": value(person, "id_individu"),
        }
    ).with_columns(pl.when(pl.col("nik") == "").then(None).otherwise(pl.col("nik")).alias("nik"))


def _validate(families: int, fmt: str, out: Path, seed: int, error_rate: float) -> None:
    """Reject arguments the generator cannot honour (ValueError)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {FORMATS}")
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError("output must end in .csv or .xlsx")
    if families < 1 or seed < 0:
        raise ValueError("families must be >= 1 and seed >= 0")
    if not 0.0 <= error_rate <= MAX_ERROR_RATE:
        raise ValueError(f"error_rate must be within 0..{MAX_ERROR_RATE}")
