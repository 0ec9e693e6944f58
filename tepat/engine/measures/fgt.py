"""Foster-Greer-Thorbecke poverty measures P0, P1, P2 from survey microdata, with standard errors.

    P_a = sum_i w_i g_i^a / sum_i w_i,   g_i = (z_i - y_i) / z_i  when y_i < z_i, else 0

published x100 (percent) as BPS does. A person exactly at the line is not poor (y < z strictly).
Standard errors: Taylor linearisation of the weighted mean, with-replacement, for the whole file's
design (domain estimation for groups). Without strata and PSUs each row is its own PSU in a single
stratum. Formulas and guarantees: docs/measures.md.

Cost: one validation aggregate, then per level (overall, and per group when `by`) one lazy query of
two group_bys and a join back to the rows. Only the result (one row per group) is materialised.
"""

from __future__ import annotations

from tepat.engine.bilingual import Message

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.measures.common import (
    InputError,
    Kind,
    first_row,
    lazy_of,
    materialise,
    missing,
    number_expression,
    require_columns,
    total,
)

ALPHAS = (0, 1, 2)
KEY, KEY_NULL, STRATUM, PSU, WEIGHT = "__key", "__key_null", "__stratum", "__psu", "__w"
SE_METHOD = "taylor_linearisation_with_replacement"


@dataclass(frozen=True)
class FgtSpec:
    """What to compute. `line` is a number (one line for everybody) or the name of a column holding
    each row's line (urban/rural or regional lines). `weight` None means every row weighs 1."""

    expenditure: str
    line: float | str
    weight: str | None = None
    by: str | None = None
    strata: str | None = None
    psu: str | None = None

    @property
    def line_column(self) -> str | None:
        return self.line if isinstance(self.line, str) else None

    @property
    def has_design(self) -> bool:
        return self.strata is not None or self.psu is not None


@dataclass(frozen=True)
class FgtRow:
    """One estimate. p0, p1, p2 and their standard errors are percentages (x100); an SE is None when
    it cannot be estimated (a single observation)."""

    n: int
    weight_sum: float
    p0: float
    p1: float
    p2: float
    se_p0: float | None
    se_p1: float | None
    se_p2: float | None
    group: Any = None


@dataclass(frozen=True)
class FgtResult:
    """`overall` covers every row; `groups` has one row per value of `spec.by` (null last), empty
    without `by`."""

    spec: FgtSpec
    overall: FgtRow
    groups: tuple[FgtRow, ...] = ()
    kind: Kind = field(default=Kind.SURVEY_ESTIMATE)

    def rows(self) -> list[dict[str, Any]]:
        """The output rows: per group (with `group`) when `by` was given, else the overall row."""
        if self.spec.by is None:
            return [_row_dict(self.overall, with_group=False)]
        return [_row_dict(row, with_group=True) for row in self.groups]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `tepat indicators fgt --json` (see docs/measures.md)."""
        spec = self.spec
        result: dict[str, Any] = {
            "kind": str(self.kind),
            "measure": "fgt",
            "unit": "percent",
            "se_method": SE_METHOD,
            "expenditure": spec.expenditure,
            "line": {"column": spec.line} if isinstance(spec.line, str) else spec.line,
            "weight": spec.weight,
            "strata": spec.strata,
            "psu": spec.psu,
            "by": spec.by,
            **_row_dict(self.overall, with_group=False),
        }
        if spec.by is not None:
            result["groups"] = [_row_dict(row, with_group=True) for row in self.groups]
        return result


def _row_dict(row: FgtRow, *, with_group: bool) -> dict[str, Any]:
    values = asdict(row)
    group = values.pop("group")
    return {"group": group, **values} if with_group else values


def fgt_from_frame(
    frame: Any,
    expenditure: str,
    line: float | str,
    *,
    weight: str | None = None,
    by: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
) -> FgtResult:
    """P0, P1, P2 (percent) with standard errors, overall and per `by` group, from per-capita
    expenditure microdata in any supported frame (polars eager/lazy, DuckDB relation).

    Raises InputError (a ValueError, message in Indonesian and English) on a missing column, a
    non-numeric column, empty or NaN values, negative expenditure or weights, a line <= 0, zero total
    weight (overall or in a group), or a stratum with a single PSU."""
    spec = FgtSpec(expenditure, line, weight, by, strata, psu)
    table = lazy_of(frame)
    check_input(table, spec)
    overall = estimate(table, spec, grouped=False)[0]
    groups = tuple(estimate(table, spec, grouped=True)) if by is not None else ()
    return FgtResult(spec, overall, groups)


# ---------------------------------------------------------------------------------------- checking
@dataclass(frozen=True)
class Check:
    """A refusal: `condition` marks the bad rows of `column`; messages take column, row, count."""

    name: str
    column: str
    condition: nw.Expr
    message: Message  # {column}, {row}, {count} filled in when the check fails


def _checks(spec: FgtSpec) -> list[Check]:
    numbers = [(spec.expenditure, "y")] + [(c, k) for c, k in ((spec.line_column, "z"), (spec.weight, "w")) if c]
    checks = [
        Check(
            f"{key}_missing",
            column,
            missing(column),
            Message(
                "Kolom '{column}' kosong atau bukan angka pada baris {row} ({count} baris)",
                "Column '{column}' is empty or not a number at row {row} ({count} rows)",
            ),
        )
        for column, key in numbers
    ]
    checks += [
        Check(
            f"{key}_missing",
            column,
            nw.col(column).is_null(),
            Message(
                "Kolom desain survei '{column}' kosong pada baris {row} ({count} baris)",
                "Survey design column '{column}' is empty at row {row} ({count} rows)",
            ),
        )
        for column, key in ((spec.strata, "strata"), (spec.psu, "psu"))
        if column
    ]
    checks.append(
        Check(
            "y_negative",
            spec.expenditure,
            number_expression(spec.expenditure) < 0,
            Message(
                "Pengeluaran negatif di kolom '{column}' pada baris {row} ({count} baris)",
                "Negative expenditure in column '{column}' at row {row} ({count} rows)",
            ),
        )
    )
    if spec.line_column:
        checks.append(
            Check(
                "z_not_positive",
                spec.line_column,
                number_expression(spec.line_column) <= 0,
                Message(
                    "Garis kemiskinan harus lebih dari 0: kolom '{column}', baris {row} ({count} baris)",
                    "The poverty line must be above 0: column '{column}', row {row} ({count} rows)",
                ),
            )
        )
    if spec.weight:
        checks.append(
            Check(
                "w_negative",
                spec.weight,
                number_expression(spec.weight) < 0,
                Message(
                    "Bobot negatif di kolom '{column}' pada baris {row} ({count} baris): bobot tidak boleh negatif",
                    "Negative weight in column '{column}' at row {row} ({count} rows): weights cannot be negative",
                ),
            )
        )
    return checks


def check_input(table: nw.LazyFrame, spec: FgtSpec) -> None:
    """Refuses what would give a wrong or undefined estimate. Cost: one aggregate over the rows (and,
    on the error path only, one scan to find the first bad row)."""
    _check_line(spec.line)
    require_columns(table, [spec.expenditure, spec.line_column, spec.weight, spec.by, spec.strata, spec.psu])
    _check_numeric(table, [spec.expenditure, spec.line_column, spec.weight])
    checks = _checks(spec)
    weight = number_expression(spec.weight).sum() if spec.weight else nw.len().cast(nw.Float64)
    stats = materialise(
        table.select(
            nw.len().cast(nw.Int64).alias("n"),
            weight.alias("weight_sum"),
            *[total(c.condition).alias(c.name) for c in checks],
        )
    )[0]
    if not stats["n"]:
        raise InputError(Message("Data tidak berisi baris", "The data has no rows"))
    for check in checks:
        if stats[check.name]:
            row = first_row(table, check.condition)
            values = {"column": check.column, "row": row, "count": stats[check.name]}
            raise InputError(check.message.format(**values), column=check.column, row=row)
    if not stats["weight_sum"]:
        raise InputError(
            Message(
                f"Jumlah bobot di kolom '{spec.weight}' adalah 0: tidak ada yang dapat ditaksir",
                f"The weights in column '{spec.weight}' sum to 0: nothing to estimate",
            ),
            column=spec.weight,
        )


def _check_line(line: float | str) -> None:
    if isinstance(line, str):
        return
    if isinstance(line, bool) or not isinstance(line, int | float) or not math.isfinite(line) or line <= 0:
        raise InputError(
            Message(
                f"Garis kemiskinan harus angka lebih dari 0, bukan {line!r}",
                f"The poverty line must be a number above 0, not {line!r}",
            ),
        )


def _check_numeric(table: nw.LazyFrame, columns: list[str | None]) -> None:
    schema = table.collect_schema()
    for column in columns:
        if column is not None and not schema[column].is_numeric():
            raise InputError(
                Message(
                    f"Kolom '{column}' harus berisi angka (tipe sekarang: {schema[column]})",
                    f"Column '{column}' must hold numbers (its type is {schema[column]})",
                ),
                column=column,
            )


# -------------------------------------------------------------------------------------- estimating
def prepared(table: nw.LazyFrame, spec: FgtSpec, *, grouped: bool) -> nw.LazyFrame:
    """Per row: join keys, stratum, PSU, weight and the three per-person indicators g^0, g^1, g^2."""
    y = number_expression(spec.expenditure)
    z = number_expression(spec.line_column) if spec.line_column else nw.lit(float(spec.line), dtype=nw.Float64)
    gap = nw.when(y < z).then((z - y) / z).otherwise(nw.lit(0.0, dtype=nw.Float64))
    keys = [nw.lit("*", dtype=nw.String).alias(KEY), nw.lit(False).alias(KEY_NULL)]
    if grouped and spec.by is not None:
        keys = [
            nw.col(spec.by).alias("group"),
            nw.col(spec.by).cast(nw.String).fill_null("").alias(KEY),
            nw.col(spec.by).is_null().alias(KEY_NULL),
        ]
    return table.select(
        *keys,
        (nw.col(spec.strata) if spec.strata else nw.lit(0, dtype=nw.Int64)).alias(STRATUM),
        *([nw.col(spec.psu).alias(PSU)] if spec.psu else []),
        (number_expression(spec.weight) if spec.weight else nw.lit(1.0, dtype=nw.Float64)).alias(WEIGHT),
        (y < z).cast(nw.Float64).alias("__g0"),
        gap.alias("__g1"),
        (gap * gap).alias("__g2"),
    )


def _point_estimates(rows: nw.LazyFrame, keys: list[str]) -> nw.LazyFrame:
    weight_sum = nw.col("weight_sum")
    sums = [(nw.col(WEIGHT) * nw.col(f"__g{a}")).sum().alias(f"__s{a}") for a in ALPHAS]
    table = rows.group_by(*keys).agg(
        nw.len().cast(nw.Int64).alias("n"), nw.col(WEIGHT).sum().alias("weight_sum"), *sums
    )
    return table.with_columns(**{f"p{a}": nw.when(weight_sum > 0).then(nw.col(f"__s{a}") / weight_sum) for a in ALPHAS})


def _variances(rows: nw.LazyFrame, estimates: nw.LazyFrame, spec: FgtSpec) -> nw.LazyFrame:
    """Per group: sum over strata of n_h/(n_h-1) * sum_c (u_c - mean u)^2, u_c the PSU totals of the
    linearised values u_i = w_i (g_i - P) / W (zero outside the group), and `__lonely`, the number of
    strata with a single PSU (their variance is undefined)."""
    joins = [KEY, KEY_NULL]
    residuals = rows.join(estimates.select(*joins, "weight_sum", *[f"p{a}" for a in ALPHAS]), on=joins)
    residuals = residuals.with_columns(
        **{f"__r{a}": nw.col(WEIGHT) * (nw.col(f"__g{a}") - nw.col(f"p{a}")) / nw.col("weight_sum") for a in ALPHAS}
    )
    units = residuals
    if spec.psu:
        units = residuals.group_by(STRATUM, PSU, *joins).agg(*[nw.col(f"__r{a}").sum() for a in ALPHAS])
    per_stratum = units.group_by(STRATUM, *joins).agg(
        *[nw.col(f"__r{a}").sum().alias(f"__t{a}") for a in ALPHAS],
        *[(nw.col(f"__r{a}") * nw.col(f"__r{a}")).sum().alias(f"__q{a}") for a in ALPHAS],
    )
    size = nw.col(PSU).n_unique() if spec.psu else nw.len()
    sizes = rows.group_by(STRATUM).agg(size.cast(nw.Float64).alias("__nh"))
    nh = nw.col("__nh")
    per_stratum = per_stratum.join(sizes, on=STRATUM).with_columns(
        **{
            f"__v{a}": nw.when(nh > 1)
            .then(nh / (nh - 1) * (nw.col(f"__q{a}") - nw.col(f"__t{a}") * nw.col(f"__t{a}") / nh))
            .otherwise(nw.lit(0.0, dtype=nw.Float64))
            for a in ALPHAS
        }
    )
    return per_stratum.group_by(*joins).agg(
        total(nh <= 1).alias("__lonely"), *[nw.col(f"__v{a}").sum() for a in ALPHAS]
    )


def estimate(table: nw.LazyFrame, spec: FgtSpec, *, grouped: bool) -> list[FgtRow]:
    """The estimates of every group (one row when not grouped), sorted by group, nulls last."""
    rows = prepared(table, spec, grouped=grouped)
    keys = [KEY, KEY_NULL] + (["group"] if grouped else [])
    if spec.has_design:
        _refuse_lonely_strata(rows, spec)
    estimates = _point_estimates(rows, keys)
    result = estimates.join(_variances(rows, estimates, spec), on=[KEY, KEY_NULL])
    if grouped:
        result = result.sort("group", nulls_last=True)
    return [_row(values, spec) for values in materialise(result)]


def _row(values: dict[str, Any], spec: FgtSpec) -> FgtRow:
    if not values["weight_sum"]:
        group = values.get("group")
        raise InputError(
            Message(
                f"Jumlah bobot kelompok {spec.by} = {group!r} adalah 0: tidak dapat ditaksir",
                f"The weights of group {spec.by} = {group!r} sum to 0: cannot estimate",
            ),
            column=spec.weight,
        )
    lonely = values["__lonely"] > 0
    se = {f"se_p{a}": None if lonely else 100 * math.sqrt(max(values[f"__v{a}"], 0.0)) for a in ALPHAS}
    return FgtRow(
        n=values["n"],
        weight_sum=float(values["weight_sum"]),
        **{f"p{a}": 100 * values[f"p{a}"] for a in ALPHAS},
        **se,
        group=values.get("group"),
    )


def _refuse_lonely_strata(rows: nw.LazyFrame, spec: FgtSpec) -> None:
    """With a design, a stratum with one PSU (or one row, without PSUs) has no variance estimate:
    refuse, as R's survey package does by default, rather than guess."""
    size = nw.col(PSU).n_unique() if spec.psu else nw.len()
    sizes = rows.group_by(STRATUM).agg(size.alias("__nh")).filter(nw.col("__nh") < 2).sort(STRATUM)
    lonely = materialise(sizes.head(1))
    if lonely:
        stratum = lonely[0][STRATUM]
        unit_id, unit_en = ("PSU", "PSU") if spec.psu else ("baris", "row")
        raise InputError(
            Message(
                f"Strata {spec.strata or '-'} = {stratum!r} hanya punya satu {unit_id}: galat baku tidak dapat dihitung; "
                "gabungkan strata tersebut dengan strata lain",
                f"Stratum {spec.strata or '-'} = {stratum!r} has a single {unit_en}: no standard error can be computed; "
                "merge it with another stratum",
            ),
            column=spec.strata or spec.psu,
        )
