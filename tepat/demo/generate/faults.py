"""Fault planning: which rows get which single fault, the written value and why.

The plan is a frame (``_PLAN_SCHEMA``); rows with ``edit`` are overwritten in the output, all
rows go to the ground-truth file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from .render import _cat, _concat, _row_index, _text
from .sampling import _group_rank, _rng, _ymd
from .spec import _Spec
from .tables import FORMATS, HUBUNGAN
from .universe import _Universe

FAULT_CODES = (
    "nik_excel_number",
    "nik_length",
    "nik_region_unknown",
    "nik_birthdate_invalid",
    "nik_sex_mismatch",
    "nik_duplicate_in_file",
    "birthdate_invalid",
    "value_out_of_domain",
    "desil_out_of_range",
    "kelurahan_unknown",
    "family_no_head",
)
NIK_CODES = FAULT_CODES[:6]
TYPOS = {
    "jenis_lantai": ("Tanahh", "Kramik", "Semenn"),
    "jenis_atap": ("Sengg", "Gentengg"),
    "jenis_dinding": ("Tembokk", "Kayu/Papn"),
    "sumber_air_minum": ("Sumur Borr", "Ledeng/PAMM"),
    "bahan_bakar_memasak": ("Minyak Tanahh", "Arang/Kayuu"),
    "kepemilikan_rumah": ("Milik Sendri", "Kontrakk"),
}
MEMBER_TYPOS = {"status_kawin": ("Kawinn", "Belum Kawn"), "pendidikan": ("Tamat SDD", "Tamat SLTAA")}
DESCRIPTIONS = {
    "nik_excel_number": "NIK stored as a number (Excel keeps 15 digits, shows 1.27401E+15)",
    "nik_length": "NIK does not have 16 digits",
    "nik_region_unknown": "NIK region prefix 9999 is no known province/regency",
    "nik_birthdate_invalid": "birth-date part of the NIK is not a real date",
    "nik_sex_mismatch": "NIK day (+40 for women) contradicts jenis_kelamin",
    "birthdate_invalid": "tanggal_lahir is not a valid DD-MM-YYYY date",
    "value_out_of_domain": "value is not in the field's domain",
    "desil_out_of_range": "desil outside the scale",
    "kelurahan_unknown": "kelurahan code is not in the region master",
    "family_no_head": "family has no Kepala Keluarga (head's row says Anak)",
}
_PLAN_SCHEMA = {
    "idx": pl.Int64,
    "column": pl.String,
    "code": pl.String,
    "value": pl.String,
    "description": pl.String,
    "edit": pl.Boolean,
    "numeric": pl.Boolean,
}


@dataclass
class _FaultCtx:
    u: _Universe
    spec: _Spec
    rng: np.random.Generator
    xlsx: bool
    person: np.ndarray  # person index of each data row
    family: np.ndarray  # family index of each data row
    used: np.ndarray  # rows already faulted or reserved as duplicate sources


def _applicable(spec: _Spec) -> list[str]:
    """Fault codes that make sense for the format's columns."""
    has = set(spec.fields).__contains__
    codes = list(NIK_CODES) if has("nik") else []
    codes += ["birthdate_invalid"] if has("tanggal_lahir") else []
    if any(has(k) for k in (*TYPOS, *MEMBER_TYPOS)):
        codes.append("value_out_of_domain")
    codes += ["desil_out_of_range"] if has("desil") or has("desil_nasional") else []
    codes += ["kelurahan_unknown"] if has("kode_kemendagri") else []
    if spec.person_level and has("hubungan_dengan_kepala_keluarga"):
        codes.append("family_no_head")
    return codes


def _frame(
    ctx: _FaultCtx,
    rows: np.ndarray,
    field: str,
    code: str,
    values: pl.Series,
    description: str | pl.Series | None = None,
    edit: bool | np.ndarray = True,
    numeric: bool = False,
) -> pl.DataFrame:
    """Plan rows for one code: where, what is written, and why."""
    n = len(rows)
    desc = description if description is not None else DESCRIPTIONS[code]
    return pl.DataFrame(
        {
            "idx": rows.astype(np.int64),
            "column": [ctx.spec.header(field)] * n,
            "code": [code] * n,
            "value": values,
            "description": desc if isinstance(desc, pl.Series) else [desc] * n,
            "edit": np.zeros(n, dtype=bool) | edit,
            "numeric": [numeric] * n,
        },
        schema=_PLAN_SCHEMA,
    )


def _plan_faults(u: _Universe, spec: _Spec, rate: float, seed: int, xlsx: bool) -> pl.DataFrame:
    """About rate x rows faulted rows, one fault each, spread evenly over applicable codes."""
    person, family = _row_index(u, spec)
    n = len(person)
    ctx = _FaultCtx(u, spec, _rng(seed, 100 + FORMATS.index(spec.fmt)), xlsx, person, family, np.zeros(n, dtype=bool))
    codes, target = _applicable(spec), int(round(rate * n))
    if not codes or target == 0:
        return pl.DataFrame(schema=_PLAN_SCHEMA)
    quota = max(1, round(target / len(codes)))
    eligible = u.per["rel"][person] != 0 if spec.person_level else np.ones(n, dtype=bool)
    parts = []
    if "family_no_head" in codes:
        parts.append(_fault_no_head(ctx, quota))
    if "nik_duplicate_in_file" in codes:
        parts.append(_fault_duplicate(ctx, quota, eligible))
    rest = [c for c in codes if c not in ("family_no_head", "nik_duplicate_in_file")]
    pool = np.flatnonzero(eligible & ~ctx.used)
    take = min(len(pool), max(0, target - sum(p.height for p in parts)))
    rows = np.sort(ctx.rng.choice(pool, take, replace=False))
    which = ctx.rng.integers(0, len(rest), take)
    for k, code in enumerate(rest):
        parts.append(_HANDLERS[code](ctx, rows[which == k]))
    return pl.concat(parts).sort("idx", "column")


def _fault_no_head(ctx: _FaultCtx, quota: int) -> pl.DataFrame:
    """Whole families (about ``quota`` rows) whose head's relationship becomes "Anak"."""
    size, starts = ctx.u.fam["size"], ctx.u.starts
    perm = ctx.rng.permutation(len(size))
    k = int(np.searchsorted(np.cumsum(size[perm]), quota)) + 1
    chosen = np.sort(perm[:k])
    counts = size[chosen]
    rows = np.repeat(starts[chosen] - np.r_[0, np.cumsum(counts)[:-1]], counts) + np.arange(counts.sum())
    ctx.used[rows] = True
    head = ctx.u.per["rel"][rows] == 0
    values = _cat(HUBUNGAN, np.where(head, 2, ctx.u.per["rel"][rows]))
    return _frame(ctx, rows, "hubungan_dengan_kepala_keluarga", "family_no_head", values, edit=head)


def _fault_duplicate(ctx: _FaultCtx, quota: int, eligible: np.ndarray) -> pl.DataFrame:
    """Later row takes the NIK of an earlier, clean row of the same sex and birth date."""
    p = ctx.u.per
    key = p["female"][ctx.person].astype(np.int64) * 10_000_000 + p["birth"][ctx.person]
    rank, source = _group_rank(key)
    cands = np.flatnonzero((rank >= 1) & eligible & ~ctx.used)
    cands = cands[~ctx.used[source[cands]]]
    rows = np.sort(ctx.rng.choice(cands, min(quota, len(cands)), replace=False))
    src = source[rows]
    ctx.used[rows] = ctx.used[src] = True
    desc = _concat("NIK also on row ", _text(src + ctx.spec.first_data_row))
    return _frame(ctx, rows, "nik", "nik_duplicate_in_file", _text(p["nik"][ctx.person[src]]), desc)


def _nik_parts(nik: np.ndarray) -> tuple[np.ndarray, ...]:
    """prefix(6), dd, mm, yy, serial of 16-digit NIK numbers."""
    return (nik // 10**10, nik // 10**8 % 100, nik // 10**6 % 100, nik // 10**4 % 100, nik % 10**4)


def _nik_join(prefix: np.ndarray, dd: np.ndarray, mm: np.ndarray, yy: np.ndarray, serial: np.ndarray) -> np.ndarray:
    return prefix * 10**10 + dd * 10**8 + mm * 10**6 + yy * 10**4 + serial


def _unique_niks(ctx: _FaultCtx, make: Callable[[np.ndarray], np.ndarray], base: np.ndarray) -> np.ndarray:
    """make(base), re-drawing serials (5000-9999) until no value repeats or hits a real NIK."""
    real = np.sort(ctx.u.per["nik"])
    base = base.copy()
    for _ in range(20):
        vals = make(base)
        _, inverse, counts = np.unique(vals, return_inverse=True, return_counts=True)
        pos = np.minimum(np.searchsorted(real, vals), len(real) - 1)
        bad = (counts[inverse] > 1) | (real[pos] == vals)
        if not bad.any():
            break
        base[bad] = base[bad] // 10**4 * 10**4 + ctx.rng.integers(5000, 10**4, bad.sum())
    return vals


def _row_niks(ctx: _FaultCtx, rows: np.ndarray) -> np.ndarray:
    return ctx.u.per["nik"][ctx.person[rows]]


def _fault_excel(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    """xlsx: numeric cell with Excel's 15 significant digits; csv: text "1,27401E+15"."""
    nik = _row_niks(ctx, rows)
    if ctx.xlsx:
        return _frame(ctx, rows, "nik", "nik_excel_number", _text(nik // 10 * 10), numeric=True)
    digits = _text((nik + 5 * 10**9) // 10**10)  # 6 significant digits, rounded
    mantissa = digits.str.slice(1).str.strip_chars_end("0")
    comma = _concat(",", mantissa).zip_with(mantissa != "", pl.Series([""] * len(rows)))
    return _frame(ctx, rows, "nik", "nik_excel_number", _concat(digits.str.slice(0, 1), comma, "E+15"))


def _fault_length(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    """Half lose their last digit (15), half gain one (17)."""
    short = ctx.rng.random(len(rows)) < 0.5
    extra = ctx.rng.integers(0, 10, len(rows))
    vals = _unique_niks(ctx, lambda b: np.where(short, b // 10, b * 10 + extra), _row_niks(ctx, rows))
    return _frame(ctx, rows, "nik", "nik_length", _text(vals))


def _fault_region(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    vals = _unique_niks(ctx, lambda b: 9999 * 10**12 + b % 10**12, _row_niks(ctx, rows))
    return _frame(ctx, rows, "nik", "nik_region_unknown", _text(vals))


def _fault_nik_date(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    """Day 00 or 35 (+40 for women, so sex stays right) or month 13; still 16 digits."""
    variant = ctx.rng.integers(0, 3, len(rows))

    def make(base: np.ndarray) -> np.ndarray:
        prefix, dd, mm, yy, serial = _nik_parts(base)
        fem = 40 * (dd > 40)
        dd = np.select([variant == 0, variant == 1], [fem, 35 + fem], dd)
        return _nik_join(prefix, dd, np.where(variant == 2, 13, mm), yy, serial)

    vals = _unique_niks(ctx, make, _row_niks(ctx, rows))
    return _frame(ctx, rows, "nik", "nik_birthdate_invalid", _text(vals))


def _fault_sex(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    def make(base: np.ndarray) -> np.ndarray:
        prefix, dd, mm, yy, serial = _nik_parts(base)
        return _nik_join(prefix, np.where(dd > 40, dd - 40, dd + 40), mm, yy, serial)

    vals = _unique_niks(ctx, make, _row_niks(ctx, rows))
    return _frame(ctx, rows, "nik", "nik_sex_mismatch", _text(vals))


def _fault_birthdate(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    """31-02-YYYY, 30-02-YYYY, DD-13-YYYY or free text; the NIK is left as it was."""
    y, _, d = _ymd(ctx.u.per["birth"][ctx.person[rows]])
    year, day = _text(y), _text(d).str.zfill(2)
    variant = ctx.rng.integers(0, 4, len(rows))
    options = [
        _concat("31-02-", year),
        _concat("30-02-", year),
        _concat(day, "-13-", year),
        pl.Series(["TIDAK TAHU"] * len(rows)),
    ]
    values = options[3]
    for k in range(3):
        values = options[k].zip_with(pl.Series(variant == k), values)
    return _frame(ctx, rows, "tanggal_lahir", "birthdate_invalid", values)


def _fault_domain(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    """A typo in a housing column (member columns for dtsen-anggota)."""
    typos = {k: v for k, v in TYPOS.items() if k in ctx.spec.fields}
    typos = typos or {k: v for k, v in MEMBER_TYPOS.items() if k in ctx.spec.fields}
    which = ctx.rng.integers(0, len(typos), len(rows))
    parts = []
    for k, (field, options) in enumerate(typos.items()):
        sel = rows[which == k]
        values = _cat(options, ctx.rng.integers(0, len(options), len(sel)))
        parts.append(
            _frame(
                ctx, sel, field, "value_out_of_domain", values, f"'{ctx.spec.header(field)}' value is not in its domain"
            )
        )
    return pl.concat(parts)


def _fault_desil(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    """P3KE desil 0 or 5 (scale 1-4); DTSEN desil_nasional 11 (scale 1-10)."""
    if "desil" in ctx.spec.fields:
        values = _cat(("0", "5"), ctx.rng.integers(0, 2, len(rows)))
        return _frame(ctx, rows, "desil", "desil_out_of_range", values, "desil outside 1-4")
    values = pl.Series(["11"] * len(rows))
    return _frame(ctx, rows, "desil_nasional", "desil_out_of_range", values, "desil outside 1-10")


def _fault_kelurahan(ctx: _FaultCtx, rows: np.ndarray) -> pl.DataFrame:
    values = pl.Series([ctx.u.reg.unknown_kel] * len(rows))
    return _frame(ctx, rows, "kode_kemendagri", "kelurahan_unknown", values)


_HANDLERS: dict[str, Callable[[_FaultCtx, np.ndarray], pl.DataFrame]] = {
    "nik_excel_number": _fault_excel,
    "nik_length": _fault_length,
    "nik_region_unknown": _fault_region,
    "nik_birthdate_invalid": _fault_nik_date,
    "nik_sex_mismatch": _fault_sex,
    "birthdate_invalid": _fault_birthdate,
    "value_out_of_domain": _fault_domain,
    "desil_out_of_range": _fault_desil,
    "kelurahan_unknown": _fault_kelurahan,
}
