"""Narwhals helpers shared by the measures: the Measure result, zero-filled group grids, summaries, drill.

Every summary count is defined by a *filter* on the measure's detail frame (column -> value), and
the same filter is what `Measure.cell` applies to list the rows behind one cell: a count and its
drill-down cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import narwhals.stable.v2 as nw

FAMILY_ID = "family_id"
ONE = "__convergence_one"
REGION_KEYS: dict[str | None, tuple[str, ...]] = {
    None: (),
    "kecamatan": ("kecamatan",),
    "kelurahan": ("kecamatan", "kelurahan"),
}

Filters = Mapping[str, Any]


@dataclass(frozen=True)
class Measure:
    """One measure: `summary` (a row per group, counts then rates) and `detail` (the rows behind it),
    as native frames of the input's backend (eager polars in, eager polars out; lazy in, lazy out).

    `counts[c]` is the detail filter whose matching rows summary column `c` counts; `rates[r]` is
    the (numerator, denominator) pair of count columns a rate divides (null when the denominator is 0).
    """

    name: str
    by: str | None
    keys: tuple[str, ...]
    summary: Any
    detail: Any
    counts: Mapping[str, Filters] = field(default_factory=dict)
    rates: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def cell(self, column: str, **keys: Any) -> Any:
        """The detail rows behind `summary[column]` in the group named by `keys` (summary key columns;
        a key left out is not filtered, None selects the null group). Cost: one filter of the detail."""
        if column in self.rates:
            numerator, denominator = self.rates[column]
            raise ValueError(f"{column!r} is a rate: drill its numerator {numerator!r} or denominator {denominator!r}")
        if column not in self.counts:
            raise ValueError(f"{self.name} has no count {column!r}; counts: {', '.join(self.counts)}")
        unknown = sorted(set(keys) - set(self.keys))
        if unknown:
            raise ValueError(f"{self.name} summary keys are {list(self.keys)}, not {unknown}")
        return drill(self.detail, {**keys, **self.counts[column]})


def drill(frame: Any, filters: Filters | None = None, /, **more: Any) -> Any:
    """Rows of a native frame matching every filter: a scalar (equal), None (is null) or a list, tuple
    or set (one of). Same backend and eagerness as `frame`; unknown columns raise ValueError."""
    wanted = {**(filters or {}), **more}
    table = nw.from_native(frame)
    require(table, set(wanted), "detail")
    if not wanted:
        return frame
    return table.filter(matches(wanted)).to_native()


def matches(filters: Filters) -> nw.Expr:
    """A boolean expression, true on rows matching every filter (null comparisons count as false)."""
    return reduce(lambda a, b: a & b, [_condition(name, value) for name, value in filters.items()], nw.lit(True))


def _condition(name: str, value: Any) -> nw.Expr:
    column = nw.col(name)
    if value is None:
        return column.is_null()
    if isinstance(value, list | tuple | set | frozenset):
        return column.is_in(list(value)).fill_null(False)
    return (column == value).fill_null(False)


def nothing(column: str = FAMILY_ID) -> nw.Expr:
    """A predicate false on every row (narwhals refuses a bare literal in filter): for empty frames."""
    return nw.col(column).is_null() & ~nw.col(column).is_null()


def require(frame: nw.DataFrame | nw.LazyFrame, columns: set[str], what: str) -> None:
    """Missing input columns are a programming error of the caller: say which."""
    missing = sorted(columns - set(frame.collect_schema().names()))
    if missing:
        raise ValueError(f"the {what} frame lacks columns: {', '.join(missing)}")


def grid(families: nw.LazyFrame, by: str | None, dims: Sequence[Mapping[str, str]]) -> nw.LazyFrame | None:
    """Every (region, dimension) group to list, even with zero rows: the regions of `families` (null
    region included) times `dims`. None when there is nothing to zero-fill (no keys at all)."""
    keys = REGION_KEYS[by]
    regions = families.select(*keys).unique() if keys else families.select(nw.len().alias(ONE))
    if not dims:
        return regions if keys else None
    parts = [regions.with_columns(**{k: nw.lit(v, dtype=nw.String) for k, v in dim.items()}) for dim in dims]
    table = nw.concat(parts, how="vertical")
    return table if keys else table.drop(ONE)


def summarise(
    detail: nw.LazyFrame,
    zeros: nw.LazyFrame | None,
    keys: Sequence[str],
    counts: Mapping[str, Filters],
    rates: Mapping[str, tuple[str, str]],
) -> nw.LazyFrame:
    """Counts of detail rows matching each filter per group of `keys`, zero-filled over `zeros`, then
    rates. Cost: one projection and one group_by of the detail (plus the small grid)."""
    indicators = [matches(f).cast(nw.Int64).alias(name) for name, f in counts.items()]
    table = detail.select(*keys, *indicators)
    if zeros is not None:
        table = nw.concat([table, zeros.select(*keys, *[nw.lit(0, dtype=nw.Int64).alias(n) for n in counts])])
    sums = [nw.col(name).sum().cast(nw.Int64).alias(name) for name in counts]
    if keys:
        table = table.group_by(*keys).agg(*sums).sort(*keys, nulls_last=True)
    else:
        table = table.select(*sums).with_columns(*[nw.col(name).fill_null(0) for name in counts])
    return table.with_columns(**{name: ratio(*pair) for name, pair in rates.items()}) if rates else table


def ratio(numerator: str, denominator: str) -> nw.Expr:
    """numerator / denominator as a float, null when the denominator is 0."""
    return nw.when(nw.col(denominator) > 0).then(nw.col(numerator).cast(nw.Float64) / nw.col(denominator))
