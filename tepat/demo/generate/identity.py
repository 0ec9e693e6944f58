"""Identity noise: the same synthetic person as a second registry (DTSEN) would record them.

A share ``rate`` of persons carries one noise each (NOISE_SHARES); a share ``rate / 2`` of families
got a new No KK (a family split: the remaining family is issued a new card); a share
``rate * DUPLICATE_SHARE`` of persons is registered twice in the second registry, in the same family
under a second NIK (a within-source duplicate: two NIKs, one human; rows appended after the others). The plan is the same
for every DTSEN format of one ``(families, seed, rate)``, so keluarga and anggota still join by No KK.
Truth: every person row with the ``id_individu`` it has in the P3KE export of the same universe.

Cost: O(persons) numpy/polars work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from .render import _full_names, _text
from .sampling import _draw, _group_rank, _rng, _ymd
from .universe import SPLIT_KK_SERIALS, _Universe

NOISE_SHARES = {
    "nik_typo": 0.22,
    "nik_transposition": 0.13,
    "nik_missing": 0.10,
    "name_variant": 0.25,
    "date_swap": 0.12,
    "year_shift": 0.18,
}
NOISE_CODES = (*NOISE_SHARES, "family_new_kk")
DUPLICATE_SHARE = 0.1  # of `rate`: persons written a second time under another NIK
DUPLICATE_SERIAL = 9000  # second NIKs: serial 9000+ on the person's region and birth-date stem
NAME_VARIANTS = {
    "MUHAMMAD": ("MUHAMAD", "M.", "MUH.", "MOHAMMAD"),
    "AHMAD": ("ACHMAD",),
    "RIZKY": ("RIZKI",),
    "SYAHRUL": ("SAHRUL",),
    "YUSUF": ("YUSUP",),
    "RAHMAT": ("RACHMAT",),
    "TAUFIK": ("TAUFIQ",),
    "ZULKIFLI": ("ZULKIFLY",),
    "SITI": ("SITTI", "ST."),
    "NUR": ("NOER",),
    "AISYAH": ("AISAH",),
    "FITRI": ("FITRY",),
    "FATIMAH": ("FATIMA",),
    "HALIMAH": ("HALIMA",),
    "SYAHPUTRA": ("SAHPUTRA",),
}


@dataclass
class IdentityPlan:
    code: np.ndarray  # per person: index into NOISE_CODES[:-1], -1 = untouched
    nik: np.ndarray  # per person: written NIK (0 = missing)
    birth: np.ndarray  # per person: written birth day number
    variant: np.ndarray  # per person: name variant (bool)
    no_kk: np.ndarray  # per family: written No KK
    split: np.ndarray  # per family: got a new No KK (bool)
    seed: int = 1
    duplicates: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # persons written twice
    duplicate_nik: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # their second NIK


def identity_plan(u: _Universe, rate: float, seed: int) -> IdentityPlan:
    """What a noisy second registry writes for each person and family (deterministic)."""
    rng = _rng(seed, 40)
    n = len(u.per["nik"])
    touched = rng.random(n) < rate
    code = np.where(touched, _draw(rng, tuple(NOISE_SHARES.values()), n), -1)
    birth, code = _dates(u.per["birth"], code, rng)
    nik = _niks(u.per["nik"], code, rng)
    split = rng.random(len(u.fam["no_kk"])) < rate / 2
    no_kk = np.where(split, _new_kk(u.fam["no_kk"]), u.fam["no_kk"])
    duplicates, duplicate_nik = _duplicates(u.per["nik"], nik, rng.random(n) < rate * DUPLICATE_SHARE)
    return IdentityPlan(
        code=code,
        nik=nik,
        birth=birth,
        variant=code == _index("name_variant"),
        no_kk=no_kk,
        split=split,
        seed=seed,
        duplicates=duplicates,
        duplicate_nik=duplicate_nik,
    )


def _duplicates(nik: np.ndarray, written: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(persons written twice, their second NIK): the same region and birth-date stem, serial 9000+
    (rank within the stem); a second NIK equal to any other NIK drops that duplicate."""
    persons = np.flatnonzero(chosen)
    stem = nik[persons] // 10**4
    second = stem * 10**4 + DUPLICATE_SERIAL + _group_rank(stem)[0]
    fresh = ~np.isin(second, nik) & ~np.isin(second, written)
    return persons[fresh], second[fresh]


def _index(code: str) -> int:
    return NOISE_CODES.index(code)


def _dates(birth: np.ndarray, code: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Day/month swapped where the swap is a different valid date, else the year moved by one."""
    y, m, d = _ymd(birth)
    swap = (code == _index("date_swap")) & (d <= 12) & (d != m)
    code = np.where((code == _index("date_swap")) & ~swap, _index("year_shift"), code)
    shift = code == _index("year_shift")
    year = y + np.where(shift, rng.choice([-1, 1], len(y)), 0)
    month, day = np.where(swap, d, m), np.where(swap, m, d)
    day = np.where(shift & (month == 2) & (day == 29), 28, day)
    text = np.char.add(
        np.char.add(year.astype(str), "-"),
        np.char.add(np.char.zfill(month.astype(str), 2), np.char.add("-", np.char.zfill(day.astype(str), 2))),
    )
    changed = swap | shift
    out = birth.copy()
    out[changed] = text[changed].astype("datetime64[D]").astype(np.int64)
    return out, code


def _digit(nik: np.ndarray, position: int) -> np.ndarray:
    return nik // 10 ** (15 - position) % 10


def _niks(nik: np.ndarray, code: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One serial digit mistyped, or two adjacent different digits of the serial swapped; never
    another person's NIK (collisions fall back to a mistyped thousands digit, serial >= 6000)."""
    out = nik.copy()
    typo, swap = code == _index("nik_typo"), code == _index("nik_transposition")
    position = rng.integers(12, 16, len(nik))
    delta = rng.integers(1, 10, len(nik))
    digit = np.choose(position - 12, [_digit(nik, p) for p in range(12, 16)])
    typed = nik + ((digit + delta) % 10 - digit) * 10 ** (15 - position)
    left = rng.integers(11, 15, len(nik))
    a, b = (
        np.choose(left - 11, [_digit(nik, p) for p in range(11, 15)]),
        np.choose(left - 11, [_digit(nik, p) for p in range(12, 16)]),
    )
    swapped = nik + (b - a) * 10 ** (15 - left) + (a - b) * 10 ** (14 - left)
    out = np.where(typo, typed, np.where(swap & (a != b), swapped, out))
    code_changed = (typo | swap) & (out != nik)
    clash = code_changed & (np.isin(out, nik) | (out % 10**4 == 0)) | (swap & (a == b))
    fallback = nik // 10**4 * 10**4 + (6 + rng.integers(0, 4, len(nik))) * 1000 + nik % 1000
    out = np.where(clash, fallback, out)
    return np.where(code == _index("nik_missing"), 0, out)


def _new_kk(no_kk: np.ndarray) -> np.ndarray:
    """A new No KK on the same stem, serial from the split range (never an existing number)."""
    stem = no_kk // 10**4
    return stem * 10**4 + SPLIT_KK_SERIALS[0] + _group_rank(stem)[0]


def name_variants(names: pl.Series, rng: np.random.Generator) -> pl.Series:
    """A realistic variant of each name: a known spelling/abbreviation of the first name, else the
    second name dropped (when there is one), else one letter doubled."""
    frame = names.str.split_exact(" ", 1).struct.rename_fields(["first", "rest"]).struct.unnest()
    frame = frame.with_columns(pl.Series("pick", rng.integers(0, 2, len(names))))
    known = pl.col("first").replace_strict({k: v[0] for k, v in NAME_VARIANTS.items()}, default=None)
    alt = pl.col("first").replace_strict({k: v[-1] for k, v in NAME_VARIANTS.items()}, default=None)
    variant = pl.when(pl.col("pick") == 0).then(known).otherwise(alt)
    doubled = pl.concat_str(pl.col("first").str.slice(0, 2), pl.col("first").str.slice(1))
    return frame.select(
        pl.when(variant.is_not_null())
        .then(pl.concat_str(variant, "rest", separator=" ", ignore_nulls=True))
        .when(pl.col("rest").is_not_null())
        .then(pl.col("first"))
        .otherwise(doubled)
    ).to_series()


def person_edits(u: _Universe, plan: IdentityPlan, pi: np.ndarray) -> dict[str, pl.Series]:
    """Written nik / nama / tanggal_lahir / no_kk of persons ``pi`` under the plan (deterministic
    per first person, so chunked and whole renderings agree)."""
    rng = _rng(plan.seed, 41 + int(pi[0]) if len(pi) else 41)
    names = _full_names(u, pi)
    variant = plan.variant[pi]
    if variant.any():
        names = names.scatter(np.flatnonzero(variant), name_variants(names.filter(pl.Series(variant)), rng))
    nik = _text(plan.nik[pi])
    return {
        "nik": pl.select(pl.when(nik == "0").then(pl.lit("")).otherwise(nik)).to_series(),
        "nama": names,
        "tanggal_lahir": pl.Series(plan.birth[pi].astype("datetime64[D]")).dt.strftime("%d-%m-%Y"),
        "no_kk": _text(plan.no_kk[u.per["fam"][pi]]),
    }


def duplicate_edits(u: _Universe, plan: IdentityPlan) -> dict[str, pl.Series]:
    """The second rows of the persons written twice: their second NIK and the family's written No KK
    (the rest as the first registry has it: name, birth date)."""
    return {
        "nik": _text(plan.duplicate_nik),
        "no_kk": _text(plan.no_kk[u.per["fam"][plan.duplicates]]),
    }


def truth(u: _Universe, plan: IdentityPlan, pi: np.ndarray, duplicates: bool = False) -> pl.DataFrame:
    """Per person: the P3KE id_individu (the true identity), the noise code and the family split flag.
    duplicates: add the second rows of the persons written twice (noise "duplicate"), in file order."""
    if duplicates and len(plan.duplicates):
        second = truth(u, plan, plan.duplicates).with_columns(pl.lit("duplicate").alias("noise"))
        return pl.concat([truth(u, plan, pi), second])
    codes = pl.Series(list(NOISE_CODES[:-1]) + [None], dtype=pl.String).gather(
        np.where(plan.code[pi] < 0, len(NOISE_CODES) - 1, plan.code[pi])
    )
    return pl.DataFrame(
        {
            "id_individu": pl.Series(u.per["id_individu"][pi]).cast(pl.String).str.replace(r"^", "IND"),
            "noise": codes,
            "family_new_kk": plan.split[u.per["fam"][pi]],
        }
    )
