"""Alkire-Foster multidimensional poverty (adjusted headcount M0) of registry families.

Unit: the family, one row per family. Each indicator is a deprivation (a boolean column, or a
narwhals expression); weights sum to 1; a family is multidimensionally poor when its weighted
deprivation score c_i >= k. Then H = q/n, A = sum of the poor's scores / q, M0 = H x A, censored
headcounts h_j (poor and deprived in j, over n), contributions w_j h_j / M0 (x100, summing to 100),
and the decomposition by region (sum_r n_r/n x M0_r = M0). Definitions: docs/measures.md.

Registry figures are counts over the registered families, not survey estimates: no standard error.
Cost: one lazy projection and one group_by; only per-region integer counts are materialised, and
every ratio is computed from them, so backends agree exactly.
"""

from __future__ import annotations

from tepat.engine.bilingual import Message

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import reduce
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.measures.common import InputError, Kind, lazy_of, materialise, require_columns, total

WEIGHT_TOLERANCE = 1e-9
SCORE_TOLERANCE = 1e-9  # c_i >= k - tolerance: a score of 1/3 + 1/3 + 1/3 meets k = 1

Indicator = str | nw.Expr


@dataclass(frozen=True)
class AFRow:
    """Measures of one group of families. Proportions (0-1): h, a, m0, censored and uncensored
    headcounts, population_share; percentages (0-100): contribution (per indicator, of this group's
    M0) and m0_share (this group's share of the overall M0; 100 on the overall row). `a` and contributions are None when no
    family is poor. `missing` counts families whose indicator was null (counted as not deprived)."""

    n: int
    poor: int
    h: float
    a: float | None
    m0: float
    censored: dict[str, float]
    uncensored: dict[str, float]
    contribution: dict[str, float | None]
    missing: dict[str, int]
    group: Any = None
    population_share: float = 1.0
    m0_share: float | None = None


@dataclass(frozen=True)
class AFResult:
    indicators: tuple[str, ...]
    weights: dict[str, float]
    k: float
    region: str | None
    overall: AFRow
    groups: tuple[AFRow, ...] = ()
    kind: Kind = field(default=Kind.REGISTRY_COUNT)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "measure": "alkire_foster",
            "unit": "family",
            "k": self.k,
            "weights": dict(self.weights),
            "region": self.region,
            **asdict(self.overall),
            "groups": [asdict(row) for row in self.groups],
        }


def check_parameters(indicators: Mapping[str, Indicator], weights: Mapping[str, float], k: float) -> dict[str, float]:
    """Refuses an empty indicator list, weights not matching the indicators, non-positive weights,
    weights not summing to 1, and k outside (0, 1]. Returns the weights in indicator order."""
    if not indicators:
        raise InputError(Message("Pilih paling sedikit satu indikator", "Choose at least one indicator"))
    extra, absent = sorted(set(weights) - set(indicators)), sorted(set(indicators) - set(weights))
    if extra or absent:
        raise InputError(
            Message(
                f"Bobot tidak cocok dengan indikator: tanpa bobot {absent}, bobot tanpa indikator {extra}",
                f"Weights do not match the indicators: without weight {absent}, weight without indicator {extra}",
            ),
        )
    bad = [name for name in indicators if not (math.isfinite(weights[name]) and weights[name] > 0)]
    if bad:
        raise InputError(Message(f"Bobot harus lebih dari 0: {bad}", f"Weights must be above 0: {bad}"))
    weight_sum = math.fsum(weights.values())
    if abs(weight_sum - 1) > WEIGHT_TOLERANCE:
        raise InputError(
            Message(f"Jumlah bobot harus 1, bukan {weight_sum:g}", f"The weights must sum to 1, not {weight_sum:g}")
        )
    if not (isinstance(k, int | float) and math.isfinite(k) and 0 < k <= 1):
        raise InputError(
            Message(f"Batas k harus 0 < k <= 1, bukan {k!r}", f"The cutoff k must satisfy 0 < k <= 1, not {k!r}")
        )
    return {name: float(weights[name]) for name in indicators}


def alkire_foster(
    frame: Any,
    indicators: Mapping[str, Indicator],
    weights: Mapping[str, float],
    k: float,
    *,
    region: str | None = None,
) -> AFResult:
    """H, A, M0, censored headcounts and contributions of the families of `frame` (polars eager or
    lazy, DuckDB relation), overall and per value of `region` (null last). Raises InputError on bad
    parameters, a missing or non-boolean indicator column, or an empty frame."""
    ordered = check_parameters(indicators, weights, k)
    table = lazy_of(frame)
    _check_columns(table, indicators, region)
    counts = materialise(_counts(table, indicators, ordered, k, region))
    names = tuple(indicators)
    groups = [_group_counts(row, names) for row in counts]
    everyone = _overall_counts(groups, names)
    if not everyone["n"]:
        raise InputError(Message("Tidak ada keluarga untuk dihitung", "There are no families to measure"))
    overall = replace(_measures(everyone, ordered), m0_share=100.0 if everyone["poor"] else None)
    rows = tuple(_with_share(_measures(g, ordered), everyone["n"], overall.m0) for g in groups) if region else ()
    return AFResult(names, ordered, float(k), region, overall, rows)


def _check_columns(table: nw.LazyFrame, indicators: Mapping[str, Indicator], region: str | None) -> None:
    columns = {name: source for name, source in indicators.items() if isinstance(source, str)}
    require_columns(table, [region, *columns.values()])
    schema = table.collect_schema()
    wrong = [f"{name} ({column}: {schema[column]})" for name, column in columns.items() if schema[column] != nw.Boolean]
    if wrong:
        raise InputError(
            Message(
                f"Kolom indikator harus benar/salah (boolean): {', '.join(wrong)}",
                f"Indicator columns must be true/false (boolean): {', '.join(wrong)}",
            ),
        )


def _counts(
    table: nw.LazyFrame, indicators: Mapping[str, Indicator], weights: dict[str, float], k: float, region: str | None
) -> nw.LazyFrame:
    """Per region: n, poor, and per indicator j (by position) deprived, censored and missing counts."""
    sources = [nw.col(source) if isinstance(source, str) else source for source in indicators.values()]
    flags = [source.fill_null(False).alias(f"__d{j}") for j, source in enumerate(sources)]
    absent = [source.is_null().alias(f"__m{j}") for j, source in enumerate(sources)]
    group = [nw.col(region).alias("group")] if region else []
    rows = table.select(*group, *flags, *absent)
    terms = [nw.col(f"__d{j}").cast(nw.Float64) * weight for j, weight in enumerate(weights.values())]
    score = reduce(lambda left, right: left + right, terms)
    rows = rows.with_columns((score >= k - SCORE_TOLERANCE).alias("__poor"))
    poor = nw.col("__poor")
    aggregates = [nw.len().cast(nw.Int64).alias("n"), total(poor).alias("poor")]
    for j in range(len(sources)):
        aggregates += [
            total(nw.col(f"__d{j}")).alias(f"deprived{j}"),
            total(poor & nw.col(f"__d{j}")).alias(f"censored{j}"),
            total(nw.col(f"__m{j}")).alias(f"missing{j}"),
        ]
    if not region:
        return rows.select(*aggregates)
    return rows.group_by("group").agg(*aggregates).sort("group", nulls_last=True)


def _group_counts(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Integer counts of one group, by indicator name (sums of no rows read as 0)."""

    def count(key: str) -> int:
        return int(row[key] or 0)

    return {
        "group": row.get("group"),
        "n": count("n"),
        "poor": count("poor"),
        **{
            kind: {name: count(f"{kind}{j}") for j, name in enumerate(names)}
            for kind in ("deprived", "censored", "missing")
        },
    }


def _overall_counts(groups: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    counts: dict[str, Any] = {"group": None, "n": sum(g["n"] for g in groups), "poor": sum(g["poor"] for g in groups)}
    for kind in ("deprived", "censored", "missing"):
        counts[kind] = {name: sum(g[kind][name] for g in groups) for name in names}
    return counts


def _measures(counts: dict[str, Any], weights: dict[str, float]) -> AFRow:
    """The AF measures of one group from its counts: M0 = sum_j w_j C_j / n with C_j the censored
    count, A = sum_j w_j C_j / q, H = q / n (so M0 = H x A)."""
    n, poor, censored = counts["n"], counts["poor"], counts["censored"]
    weighted = {name: weights[name] * censored[name] for name in weights}
    score_sum = math.fsum(weighted.values())
    return AFRow(
        n=n,
        poor=poor,
        h=poor / n,
        a=score_sum / poor if poor else None,
        m0=score_sum / n,
        censored={name: censored[name] / n for name in weights},
        uncensored={name: counts["deprived"][name] / n for name in weights},
        contribution={name: 100 * weighted[name] / score_sum if score_sum else None for name in weights},
        missing=dict(counts["missing"]),
        group=counts["group"],
    )


def _with_share(row: AFRow, population: int, total_m0: float) -> AFRow:
    share = row.n / population
    m0_share = 100 * share * row.m0 / total_m0 if total_m0 else None
    return replace(row, population_share=share, m0_share=m0_share)
