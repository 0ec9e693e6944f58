"""Universe -> all-string polars frames in a format's layout, chunked, plus the P3KE title."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import polars as pl

from .regions import _Regions
from .spec import _Spec
from .tables import (
    AGE_FLAGS,
    ASSET_P,
    BAB,
    CHUNK_FAMILIES,
    DAYA,
    FEMALE,
    FLAG,
    HOUSING,
    HUBUNGAN,
    JENJANG_BY_EDU,
    JOBS,
    KAWIN,
    KLOSET,
    LAPANGAN_USAHA,
    MALE,
    PARTISIPASI_BY_EDU,
    PENDIDIKAN,
    PROGRAM_P,
    REFERENCE_DATE,
    SECOND_NAMES,
    SEX,
    STATUS_PEKERJAAN,
    STREETS,
    STUNTING,
    TINJA,
    TITLE_ROWS,
)
from .universe import _Universe


def _cat(labels: tuple, codes: np.ndarray) -> pl.Series:
    return pl.Series(labels, dtype=pl.String).gather(codes)


def _flag(values: np.ndarray) -> pl.Series:
    return _cat(FLAG, values.astype(np.int64))


def _text(values: np.ndarray) -> pl.Series:
    return pl.Series(values).cast(pl.String)


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype("datetime64[D]")).dt.strftime("%d-%m-%Y")


def _concat(*parts: pl.Series | str, sep: str = "") -> pl.Series:
    """Vectorised string concatenation; string parts are literals, null parts are skipped."""
    exprs = [pl.lit(p) if isinstance(p, str) else pl.lit(p.rename(f"c{i}")) for i, p in enumerate(parts)]
    return pl.select(pl.concat_str(exprs, separator=sep, ignore_nulls=True)).to_series()


def _full_names(u: _Universe, pi: np.ndarray) -> pl.Series:
    return _concat(_cat(MALE + FEMALE, u.per["first_name"][pi]), _cat(SECOND_NAMES, u.per["second_name"][pi]), sep=" ")


_Getters = dict[str, Callable[[], pl.Series]]


def _family_getters(u: _Universe, fi: np.ndarray, source: str) -> _Getters:
    """Lazy column builders for family-level canonical fields of families ``fi``."""
    f, r, kel = u.fam, u.reg, u.fam["kel"][fi]
    g: _Getters = {
        "id_keluarga_p3ke": lambda: _concat("P3KE", _text(f["id_keluarga"][fi])),
        "no_kk": lambda: _text(f["no_kk"][fi]),
        "provinsi": lambda: pl.repeat(r.prov_name, len(fi), eager=True),
        "kabupaten_kota": lambda: pl.repeat(r.kab_name, len(fi), eager=True),
        "kecamatan": lambda: _cat(r.kec_name, r.kel_kec[kel]),
        "kelurahan": lambda: _cat(r.kel_name, kel),
        "kode_kemendagri": lambda: _cat(r.kel_digits, kel),
        "alamat": lambda: _concat("Jl. ", _cat(STREETS, f["street"][fi]), " No. ", _text(f["house_no"][fi])),
        "rt": lambda: _text(f["rt"][fi]).str.zfill(3),
        "rw": lambda: _text(f["rw"][fi]).str.zfill(3),
        "latitude": lambda: _text(f["lat"][fi]),
        "longitude": lambda: _text(f["lon"][fi]),
        "kepala_keluarga": lambda: _full_names(u, u.starts[fi]),
        "jumlah_anggota": lambda: _text(f["size"][fi]),
        "resiko_stunting": lambda: _cat(STUNTING, f["stunting"][fi]),
        "fasilitas_bab": lambda: _cat(BAB[source], f["bab"][fi]),
        "daya_listrik": lambda: _cat(DAYA, f["daya"][fi]),
        "jenis_kloset": lambda: _cat(KLOSET, f["jenis_kloset"][fi]),
        "pembuangan_tinja": lambda: _cat(TINJA, f["pembuangan_tinja"][fi]),
    }
    for key in ("desil", "persentil", "desil_nasional", "desil_provinsi", "desil_kabupaten_kota", "luas_lantai"):
        g[key] = lambda k=key: _text(f[k][fi])
    for key, (labels, _) in HOUSING.items():
        g[key] = lambda k=key, lab=labels: _cat(lab, f[k][fi])
    for key in (*PROGRAM_P, "penerima_sembako", *ASSET_P):
        g[key] = lambda k=key: _flag(f[k][fi])
    return g


def _person_getters(u: _Universe, pi: np.ndarray, source: str) -> _Getters:
    """Lazy column builders for person-level canonical fields of persons ``pi``."""
    p = u.per
    job, edu, age = p["job"][pi], p["edu"][pi], p["age"][pi]
    g: _Getters = {
        "id_individu": lambda: _concat("IND", _text(p["id_individu"][pi])),
        "nama": lambda: _full_names(u, pi),
        "nik": lambda: _text(p["nik"][pi]),
        "padan_dukcapil": lambda: _flag(p["padan"][pi]),
        "jenis_kelamin": lambda: _cat(SEX, p["female"][pi].astype(np.int64)),
        "hubungan_dengan_kepala_keluarga": lambda: _cat(HUBUNGAN, p["rel"][pi]),
        "tanggal_lahir": lambda: _dates(p["birth"][pi]),
        "status_kawin": lambda: _cat(KAWIN, p["kawin"][pi]),
        "pendidikan": lambda: _cat(PENDIDIKAN, edu),
        "pekerjaan": lambda: _cat(JOBS if source == "p3ke" else LAPANGAN_USAHA, job),
        "partisipasi_sekolah": lambda: _cat(PARTISIPASI_BY_EDU, edu),
        "jenjang_pendidikan": lambda: _cat(JENJANG_BY_EDU, edu),
        "status_bekerja": lambda: _flag(np.array([x is not None for x in LAPANGAN_USAHA])[job]),
        "status_dalam_pekerjaan": lambda: _cat(STATUS_PEKERJAAN, job),
        "disabilitas": lambda: _flag(p["disab"][pi]),
        "penyakit_kronis": lambda: _flag(p["kronis"][pi]),
        "penerima_pbi": lambda: _flag(u.fam["penerima_pbi"][p["fam"][pi]]),
    }
    for key, lo, hi in AGE_FLAGS:
        g[key] = lambda lo=lo, hi=hi: _flag((age >= lo) & (age <= hi))
    return g


def _row_index(u: _Universe, spec: _Spec) -> tuple[np.ndarray, np.ndarray]:
    """(person index, family index) of every data row; family rows describe their head."""
    if spec.person_level:
        return np.arange(u.starts[-1]), u.per["fam"]
    return u.starts[:-1], np.arange(len(u.starts) - 1)


def _identity_getters(u: _Universe, identity, fi: np.ndarray, pi: np.ndarray, person_level: bool) -> _Getters:
    """Overrides for a noisy second registry (identity.py): person fields, No KK, head's name."""
    from .identity import person_edits

    edits = person_edits(u, identity, pi)
    g: _Getters = {name: (lambda s=series: s) for name, series in edits.items()}
    if not person_level:
        g["kepala_keluarga"] = lambda: edits["nama"]
        g["no_kk"] = lambda: _text(identity.no_kk[fi])
    return g


def _render(u: _Universe, spec: _Spec, f0: int, f1: int, identity=None) -> tuple[int, pl.DataFrame]:
    """(first row index, all-string frame with the written headers) for families f0..f1-1."""
    if spec.person_level:
        pi = np.arange(u.starts[f0], u.starts[f1])
        fi, r0 = u.per["fam"][pi], int(u.starts[f0])
    else:
        fi = np.arange(f0, f1)
        pi, r0 = u.starts[fi], f0
    getters = {**_family_getters(u, fi, spec.source), **_person_getters(u, pi, spec.source)}
    if identity is not None:
        getters.update(_identity_getters(u, identity, fi, pi, spec.person_level))
    return r0, _frame(spec, getters, r0, len(pi))


def _render_duplicates(u: _Universe, spec: _Spec, identity) -> tuple[int, pl.DataFrame]:
    """The second rows of the persons a noisy registry writes twice (identity.py), after all others."""
    from .identity import duplicate_edits

    pi = identity.duplicates
    fi, r0 = u.per["fam"][pi], int(u.starts[-1])
    getters = {**_family_getters(u, fi, spec.source), **_person_getters(u, pi, spec.source)}
    getters.update({name: (lambda s=series: s) for name, series in duplicate_edits(u, identity).items()})
    return r0, _frame(spec, getters, r0, len(pi))


def _frame(spec: _Spec, getters: _Getters, r0: int, rows: int) -> pl.DataFrame:
    """The written columns of `rows` rows from their getters; `_no` counts from row r0 + 1."""
    getters["_no"] = lambda: _text(np.arange(r0, r0 + rows) + 1)
    cols = []
    for field, header in zip(spec.fields, spec.headers):
        series = getters[field]() if field in getters else pl.repeat(None, rows, dtype=pl.String, eager=True)
        cols.append(series.alias(header))
    return pl.DataFrame(cols)


def _apply_edits(df: pl.DataFrame, edits: pl.DataFrame, r0: int) -> pl.DataFrame:
    """Overwrite faulted cells of one chunk; O(faults in the chunk)."""
    local = edits.filter(pl.col("idx").is_between(r0, r0 + df.height - 1))
    if local.is_empty():
        return df
    cols = [
        df[col].clone().scatter(part["idx"] - r0, part["value"])
        for (col,), part in local.group_by("column", maintain_order=True)
    ]
    return df.with_columns(cols)


def _chunks(u: _Universe, spec: _Spec, edits: pl.DataFrame, identity=None) -> Iterator[tuple[int, pl.DataFrame]]:
    """Rendered, fault-edited chunks of CHUNK_FAMILIES families, in file order (with identity
    noise when ``identity`` is an identity.IdentityPlan)."""
    n = len(u.starts) - 1
    for f0 in range(0, n, CHUNK_FAMILIES):
        r0, df = _render(u, spec, f0, min(n, f0 + CHUNK_FAMILIES), identity)
        yield r0, _apply_edits(df, edits, r0)
    if identity is not None and spec.person_level and len(identity.duplicates):
        yield _render_duplicates(u, spec, identity)


def _title(spec: _Spec, reg: _Regions) -> list[str]:
    """P3KE title block (TITLE_ROWS lines, blanks included); DTSEN has none."""
    if spec.source != "p3ke":
        return []
    level = "INDIVIDU" if spec.person_level else "KELUARGA"
    lines = [
        "DATA PENSASARAN PERCEPATAN PENGHAPUSAN KEMISKINAN EKSTREM (P3KE)",
        f"TINGKAT {level}",
        "",
        f"PROVINSI : {reg.prov_name}",
        f"KABUPATEN/KOTA : {reg.kab_name}",
        "DESIL : 1-4",
        f"KONDISI DATA : {_dates(np.array([REFERENCE_DATE.astype(np.int64)]))[0]}",
        "SUMBER : DATA SINTETIS UNTUK DEMO - BUKAN DATA PENDUDUK SEBENARNYA",
    ]
    return lines + [""] * (TITLE_ROWS - len(lines))
