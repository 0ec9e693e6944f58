"""Kelurahan values for the poverty-pocket map, and their ranking with small-cell suppression. No Django.

A value is a registry count, not a survey estimate: a share of the registered families (percent), a
number of families, or an Alkire-Foster index. Each carries `counted`, the families behind it
(families in desil 1, deprived, multidimensionally poor), which is what suppression protects.

Frames: polars (eager or lazy) or DuckDB relations through narwhals, with one row per active family,
a region column and the columns the flag expressions read. Cost: one group_by; only one row per
region is materialised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.measures.common import lazy_of, materialise, require_columns, total
from tepat.engine.disclosure import suppress

REGION = "kelurahan"


@dataclass(frozen=True)
class RegionValue:
    code: str
    families: int
    counted: int
    value: float | None


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None when suppressed or without a value: such rows come last, by code
    code: str
    families: int | None
    counted: int | None
    value: float | None
    suppressed: bool = False


def flag_counts(frame: Any, flags: Mapping[str, nw.Expr], region: str = REGION) -> dict[str, dict[str, int]]:
    """Per region: `n` (families) and the number of families where each flag holds (null = no)."""
    table = lazy_of(frame)
    require_columns(table, [region])
    flagged = table.select(
        nw.col(region).alias("__region"),
        *(expr.fill_null(False).alias(f"__f{i}") for i, expr in enumerate(flags.values())),
    )
    aggregates = [
        nw.len().cast(nw.Int64).alias("n"),
        *(total(nw.col(f"__f{i}")).alias(f"__f{i}") for i in range(len(flags))),
    ]
    rows = materialise(flagged.group_by("__region").agg(*aggregates))
    return {
        row["__region"]: {"n": int(row["n"]), **{name: int(row[f"__f{i}"] or 0) for i, name in enumerate(flags)}}
        for row in rows
        if row["__region"] is not None
    }


def shares(frame: Any, flag: nw.Expr, region: str = REGION, *, known: nw.Expr | None = None) -> list[RegionValue]:
    """Percent of each region's families where `flag` holds; with `known`, of the families where
    `known` holds only (e.g. those with data on the dimension), who are then its `families`."""
    if known is None:
        found = flag_counts(frame, {"flag": flag}, region)
        return [RegionValue(code, c["n"], c["flag"], 100 * c["flag"] / c["n"]) for code, c in sorted(found.items())]
    found = flag_counts(frame, {"flag": flag.fill_null(False) & known, "known": known}, region)
    return [
        RegionValue(code, c["known"], c["flag"], 100 * c["flag"] / c["known"] if c["known"] else None)
        for code, c in sorted(found.items())
    ]


def counts(frame: Any, flag: nw.Expr, region: str = REGION) -> list[RegionValue]:
    """Number of each region's families where `flag` holds."""
    found = flag_counts(frame, {"flag": flag}, region)
    return [RegionValue(code, c["n"], c["flag"], float(c["flag"])) for code, c in sorted(found.items())]


def _hidden(values: Sequence[RegionValue], threshold: int) -> set[str]:
    """Regions whose value would show a small cell: the counted families, or the rest, below the
    threshold, plus complementary cells so that the city totals do not give them away."""
    if threshold <= 0 or not values:
        return set()
    table = suppress([[v.counted, v.families - v.counted] for v in values], threshold=threshold)
    return {v.code for v, row, total_ in zip(values, table.cells, table.row_totals) if row[0] is None or total_ is None}


def rank(
    values: Sequence[RegionValue], *, threshold: int = 0, descending: bool = True, hidden: set[str] | None = None
) -> list[Ranked]:
    """Highest value first (ties share a rank: 1, 2, 2, 4). With a threshold, suppressed regions lose
    their value, counts and rank and are listed last, so their position does not hint at the value.
    `hidden`: the regions to suppress as decided by a release covering more tables (instead of `threshold`)."""
    hidden = _hidden(values, threshold) if hidden is None else hidden
    shown = [v for v in values if v.code not in hidden and v.value is not None]
    sign = -1 if descending else 1
    shown.sort(key=lambda v: (sign * v.value, v.code))
    ranked, previous = [], None
    for position, v in enumerate(shown, start=1):
        number = ranked[-1].rank if previous is not None and v.value == previous else position
        ranked.append(Ranked(number, v.code, v.families, v.counted, v.value))
        previous = v.value
    rest = sorted((v for v in values if v.code in hidden or v.value is None), key=lambda v: v.code)
    ranked += [
        Ranked(None, v.code, None, None, None, True)
        if v.code in hidden
        else Ranked(None, v.code, v.families, v.counted, None)
        for v in rest
    ]
    return ranked
