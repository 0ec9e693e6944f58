"""The family universe: families, members, person traits, households and identity numbers.

Everything is numpy arrays (codes, never strings); the same ``(families, seed)`` always gives
the same universe, whatever the output format.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .regions import _Regions
from .sampling import _draw, _draw_cond, _group_rank, _rng, _ymd
from .tables import (
    ASSET_P,
    BAB_TABLE,
    DAYA_TABLE,
    EDU_AGE_EDGES,
    EDU_TABLE,
    FEMALE,
    FEMALE_2,
    HOUSING,
    JOB_TABLE,
    KAWIN_TABLE,
    KLOSET_TABLE,
    MALE,
    MALE_2,
    MARGA,
    MASIH,
    NELAYAN,
    OUTSIDE_PREFIXES,
    P3KE_CUTS,
    PROGRAM_P,
    REFERENCE_DATE,
    SECOND_NAMES,
    SIZE_P,
    STREETS,
    STUNTING_P,
    TINJA_TABLE,
)


# Serial ranges (last four digits): NIK 0001-2999, No KK 3001-3999, new No KK after a family split
# (identity noise) 4001-4999; 5000-9999 stay reserved for fault values (faults.py).
NIK_SERIALS, KK_SERIALS, SPLIT_KK_SERIALS = (1, 3000), (3001, 4000), (4001, 5000)


@dataclass
class _Universe:
    reg: _Regions
    fam: dict[str, np.ndarray]
    per: dict[str, np.ndarray]
    starts: np.ndarray  # index of each family's first person (its head); len = families + 1


def _universe(families: int, seed: int, reg: _Regions) -> _Universe:
    """All families and persons as numpy arrays (no strings); cost O(persons log persons)."""
    fam = _families(families, reg, seed)
    fam.update(_places(fam, reg, seed))
    per, starts = _members(fam, seed)
    per.update(_person_traits(per, fam, seed))
    per.update(_names(per, families, seed))
    fam.update(_household(fam, per, starts, seed))
    ids_f, ids_p = _identity(fam, per, starts, reg, seed)
    fam.update(ids_f)
    per.update(ids_p)
    return _Universe(reg=reg, fam=fam, per=per, starts=starts)


def _families(n: int, reg: _Regions, seed: int) -> dict[str, np.ndarray]:
    """Family size, kelurahan (uneven spread), welfare rank and desil scales, head basics."""
    rng = _rng(seed, 1)
    weights = rng.lognormal(0.0, 0.5, len(reg.kel_name))
    f = {"size": 1 + _draw(rng, SIZE_P, n), "kel": _draw(rng, weights, n)}
    w = rng.random(n)  # welfare rank in the city, 0 = poorest
    d = np.searchsorted(P3KE_CUTS, w, side="right")
    lo, hi = np.r_[0.0, P3KE_CUTS][d], np.r_[P3KE_CUTS, 1.0][d]
    f["desil"] = d + 1
    f["persentil"] = d * 10 + 1 + np.minimum(9, ((w - lo) / (hi - lo) * 10).astype(np.int64))
    t = 0.75 * w + 0.25 * rng.random(n)
    f["desil_nasional"] = np.clip(1 + (10 * t**1.6).astype(np.int64), 1, 10)
    f["desil_provinsi"] = np.clip(f["desil_nasional"] + (rng.random(n) < 0.35), 1, 10)
    step = (rng.random(n) < 0.45).astype(np.int64) - (rng.random(n) < 0.05)
    f["desil_kabupaten_kota"] = np.clip(f["desil_provinsi"] + step, 1, 10)
    f.update(_heads(f["size"], rng))
    return f


def _heads(size: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Head sex/age, spouse presence/age and the children's mother's age per family."""
    n = len(size)
    female = rng.random(n) < 0.16
    spouse = (size >= 2) & (rng.random(n) < np.where(female, 0.05, 0.90))
    base = np.where(female, 25 + rng.gamma(4.0, 6.5, n), 20 + rng.gamma(4.0, 6.0, n))
    age = np.clip(base + 1.5 * (size - 3), 20, 88).astype(np.int64)
    gap = rng.integers(-2, 9, n)
    sp_age = np.clip(np.where(female, age + gap // 2, age - gap), 18, 95)
    mother = np.where(spouse & ~female, sp_age, np.where(female, age, age - 3))
    return {"head_female": female, "has_spouse": spouse, "head_age": age, "spouse_age": sp_age, "mother_age": mother}


def _places(f: dict[str, np.ndarray], reg: _Regions, seed: int) -> dict[str, np.ndarray]:
    """RT/RW, street, house number and coordinates around a per-kelurahan centre."""
    rng = _rng(seed, 2)
    k, n, kel = len(reg.kel_name), len(f["kel"]), f["kel"]
    rw_max, rt_max = rng.integers(3, 12, k), rng.integers(3, 9, k)
    lat0, lon0 = rng.uniform(2.965, 2.995, k), rng.uniform(99.785, 99.825, k)
    return {
        "rw": 1 + (rng.random(n) * rw_max[kel]).astype(np.int64),
        "rt": 1 + (rng.random(n) * rt_max[kel]).astype(np.int64),
        "street": (kel * 7 + rng.integers(0, 6, n)) % len(STREETS),
        "house_no": rng.integers(1, 250, n),
        "lat": np.clip(lat0[kel] + rng.normal(0, 0.003, n), 2.96, 3.00).round(6),
        "lon": np.clip(lon0[kel] + rng.normal(0, 0.003, n), 99.78, 99.83).round(6),
    }


def _members(f: dict[str, np.ndarray], seed: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Persons grouped by family, head first then spouse, children (oldest first), others."""
    rng = _rng(seed, 3)
    size = f["size"]
    starts = np.r_[0, np.cumsum(size)]
    fam = np.repeat(np.arange(len(size)), size)
    pos = np.arange(starts[-1]) - starts[fam]
    rel = np.where(pos == 0, 0, 2)
    rel[(pos == 1) & f["has_spouse"][fam]] = 1
    extra = np.array([2, 4, 3, 5, 6])[_draw(rng, (0.86, 0.05, 0.02, 0.04, 0.03), len(fam))]
    rel = np.where(rel == 2, extra, rel)
    hage = f["head_age"][fam]
    rel[np.isin(rel, (3, 4)) & (hage < 45)] = 2  # no grandchildren/in-laws for young heads
    rel[(rel == 5) & (hage > 62)] = 6
    age, female = _member_age_sex(f, fam, rel, rng)
    days = ((age + rng.random(len(age))) * 365.2425).astype(np.int64)
    birth = REFERENCE_DATE.astype(np.int64) - days
    order = np.lexsort((birth, rel, fam))
    birth = birth[order]
    y, m, d = _ymd(birth)
    exact = 2024 - y - ((m * 100 + d) > 630)
    return {"fam": fam, "rel": rel[order], "female": female[order], "birth": birth, "age": exact}, starts


def _member_age_sex(
    f: dict[str, np.ndarray], fam: np.ndarray, rel: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Intended age in years and sex, consistent with the relationship to the head."""
    n = len(fam)
    hage, hf, mage = f["head_age"][fam], f["head_female"][fam], f["mother_age"][fam]
    u = rng.random(n)
    child = mage - (18 + (u * (np.minimum(44, mage) - 17)).astype(np.int64))
    age = np.select(
        [rel == 0, rel == 1, rel == 2, rel == 3, rel == 4, rel == 5],
        [
            hage,
            f["spouse_age"][fam],
            child,
            np.maximum(18, hage - rng.integers(17, 30, n)),
            (u * np.clip(hage - 40, 1, 18)).astype(np.int64),
            hage + rng.integers(20, 32, n),
        ],
        default=rng.integers(3, 70, n),
    )
    fem_p = np.select([rel == 3, rel == 5], [0.7, 0.65], default=0.5)
    female = np.select([rel == 0, rel == 1], [hf, ~hf], default=rng.random(n) < fem_p)
    return np.clip(age, 0, 97), female.astype(bool)


def _person_traits(per: dict[str, np.ndarray], f: dict[str, np.ndarray], seed: int) -> dict[str, np.ndarray]:
    """Education by age, job by age/sex/schooling, marital status by relationship and age."""
    rng = _rng(seed, 4)
    age, female, n = per["age"], per["female"], len(per["age"])
    edu = _draw_cond(rng, np.digitize(age, EDU_AGE_EDGES), EDU_TABLE)
    school = np.isin(edu, MASIH)
    job_group = np.select([age < 5, school, age < 15, age >= 65, female], [0, 1, 0, 4, 2], 3)
    old = age >= 60
    return {
        "edu": edu,
        "job": _draw_cond(rng, job_group, JOB_TABLE),
        "kawin": _draw_cond(rng, _kawin_group(per, f), KAWIN_TABLE),
        "padan": rng.random(n) < 0.94,
        "disab": rng.random(n) < np.where(old, 0.10, 0.025),
        "kronis": rng.random(n) < np.where(old, 0.25, 0.04),
    }


def _kawin_group(per: dict[str, np.ndarray], f: dict[str, np.ndarray]) -> np.ndarray:
    """Row of KAWIN_TABLE per person; under-16s and children/grandchildren are unmarried."""
    rel, age, fem = per["rel"], per["age"], per["female"]
    head = rel == 0
    married = (rel == 1) | (rel == 3) | (head & f["has_spouse"][per["fam"]])
    conds = [
        age < 16,
        married,
        head & fem & (age < 30),
        head & fem,
        head & (age < 30),
        head,
        (rel == 2) & (age >= 19),
        rel == 5,
        (rel == 6) & (age >= 19),
    ]
    return np.select(conds, list(range(len(conds))), default=0)


def _names(per: dict[str, np.ndarray], n_fam: int, seed: int) -> dict[str, np.ndarray]:
    """First-name and second-name codes; half the families pass a marga to head/children."""
    rng = _rng(seed, 5)
    n, fem = len(per["fam"]), per["female"]
    first = np.where(fem, len(MALE) + rng.integers(0, len(FEMALE), n), rng.integers(0, len(MALE), n))
    marga = np.where(rng.random(n_fam) < 0.5, rng.integers(0, len(MARGA), n_fam), -1)[per["fam"]]
    lineage = np.isin(per["rel"], (0, 2, 4)) & (marga >= 0)
    own = np.where(
        fem, len(MARGA) + len(MALE_2) + rng.integers(0, len(FEMALE_2), n), len(MARGA) + rng.integers(0, len(MALE_2), n)
    )
    second = np.where(lineage, marga, np.where(rng.random(n) < 0.7, own, len(SECOND_NAMES) - 1))
    return {"first_name": _distinct_in_family(first, second, per["fam"], fem), "second_name": second}


def _distinct_in_family(first: np.ndarray, second: np.ndarray, fam: np.ndarray, fem: np.ndarray) -> np.ndarray:
    """No two members of a family share a full name: a repeat takes the next first name of its sex
    list (a few vectorised passes; families are small)."""
    first = first.copy()
    for _ in range(8):
        rank = _group_rank((fam * len(MALE + FEMALE) + first) * len(SECOND_NAMES) + second)[0]
        again = rank > 0
        if not again.any():
            break
        base, size = np.where(fem, len(MALE), 0), np.where(fem, len(FEMALE), len(MALE))
        first[again] = (base + (first - base + rank) % size)[again]
    return first


def _household(
    f: dict[str, np.ndarray], per: dict[str, np.ndarray], starts: np.ndarray, seed: int
) -> dict[str, np.ndarray]:
    """Housing, assets, programmes and stunting risk, all worse for lower desil."""
    rng = _rng(seed, 6)
    d, n = f["desil"] - 1, len(f["desil"])
    h = {key: _draw_cond(rng, d, table) for key, (_, table) in HOUSING.items()}
    h["bab"] = _draw_cond(rng, d, BAB_TABLE)
    h["daya"] = np.where(h["sumber_penerangan"] == 0, _draw_cond(rng, d, DAYA_TABLE), 5)
    h["luas_lantai"] = (18 + rng.gamma(3.0, 5.0 + 3.0 * d)).astype(np.int64)
    h["jenis_kloset"] = _draw_cond(rng, h["bab"], KLOSET_TABLE)
    h["pembuangan_tinja"] = _draw_cond(rng, h["bab"], TINJA_TABLE)
    nelayan = per["job"][starts[:-1]] == NELAYAN
    for key, probs in ASSET_P.items():
        p = np.asarray(probs)[d] + (0.25 * nelayan if key == "aset_perahu" else 0.0)
        h[key] = rng.random(n) < p
    h.update(_programs(d, per, starts, rng))
    return h


def _programs(
    d: np.ndarray, per: dict[str, np.ndarray], starts: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Receipt flags by desil (PKH needs children or elderly) and stunting risk."""
    n, age = len(d), per["age"]
    kids = np.add.reduceat((age < 19).astype(np.int64), starts[:-1]) > 0
    old = np.add.reduceat((age >= 60).astype(np.int64), starts[:-1]) > 0
    u5 = np.add.reduceat((age < 5).astype(np.int64), starts[:-1]) > 0
    out = {}
    for key, probs in PROGRAM_P.items():
        factor = np.where(kids | old, 1.0, 0.3) if key == "penerima_pkh" else 1.0
        out[key] = rng.random(n) < np.asarray(probs)[d] * factor
    out["penerima_sembako"] = out["penerima_bpnt"] ^ (rng.random(n) < 0.08)
    risky = rng.random(n) < np.asarray(STUNTING_P)[d]
    out["stunting"] = np.where(u5, np.where(risky, 0, 1), 2)
    return out


def _identity(
    f: dict[str, np.ndarray], per: dict[str, np.ndarray], starts: np.ndarray, reg: _Regions, seed: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """NIK, No KK, id_keluarga_p3ke, id_individu, all unique (vectorised serial ranks)."""
    rng = _rng(seed, 7)
    n_p, n_f = len(per["fam"]), len(starts) - 1
    own = reg.kec_prefix[reg.kel_kec[f["kel"]]]
    kind = _draw(rng, (0.69, 0.23, 0.08), n_p)
    prefix = np.select(
        [kind == 0, kind == 1],
        [own[per["fam"]], reg.kec_prefix[rng.integers(0, len(reg.kec_prefix), n_p)]],
        default=np.array(OUTSIDE_PREFIXES)[rng.integers(0, 3, n_p)],
    )
    y, m, d = _ymd(per["birth"])
    nik = _serialise(prefix, d + 40 * per["female"], m, y % 100, NIK_SERIALS)
    youngest = np.maximum.reduceat(per["birth"], starts[:-1])
    first, last = np.datetime64("2008-01-01").astype(np.int64), REFERENCE_DATE.astype(np.int64) - 1
    issue = np.maximum(rng.integers(first, last, n_f), youngest + rng.integers(7, 200, n_f))
    late = youngest + (rng.random(n_f) * (last - youngest)).astype(np.int64)
    issue = np.clip(np.where(issue <= last, issue, late), youngest, last)  # never after REF
    iy, im, idd = _ymd(issue)
    kk = _serialise(own, idd, im, iy % 100, KK_SERIALS)
    step_f = max(2, min(2000, 8_000_000_000 // max(n_f, 1)))
    step_p = max(2, min(1000, 800_000_000_000 // max(n_p, 1)))
    id_f = 1_000_000_000 + np.cumsum(rng.integers(1, step_f, n_f))
    id_p = 100_000_000_000 + np.cumsum(rng.integers(1, step_p, n_p))
    return {"no_kk": kk, "id_keluarga": id_f}, {"nik": nik, "id_individu": id_p}


def _serialise(
    prefix: np.ndarray, dd: np.ndarray, mm: np.ndarray, yy: np.ndarray, serials: tuple[int, int]
) -> np.ndarray:
    """16-digit number PPKKCC DDMMYY SSSS, serial unique per 12-digit stem within ``serials``
    (first, end): NIK and No KK draw from separate ranges, so no No KK equals any NIK."""
    stem = prefix * 1_000_000 + dd * 10_000 + mm * 100 + yy
    serial = _group_rank(stem)[0] + serials[0]
    if len(serial) and serial.max() >= serials[1]:
        raise RuntimeError("too many identical NIK/KK stems")
    return stem * 10_000 + serial
