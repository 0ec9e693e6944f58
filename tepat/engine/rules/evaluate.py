"""Evaluate a rule over a families frame and a members frame, on any narwhals backend.

Inputs (polars DataFrame/LazyFrame, or DuckDB relations of one connection, or another backend
narwhals supports):
- families: `family_id` plus the family fields the rule names (`kelurahan` as Kemendagri code
  text; `kecamatan` is taken from its column when present, else the first 8 characters of
  `kelurahan`). The caller decides which families take part (e.g. only active ones).
- members: `family_id`, `is_active`, the member fields the rule names, and `tanggal_lahir`
  (a date) when the rule uses `umur`. Only active members count.

Cost: one lazy query: a filtered group_by over members, one left join onto families, then
column-wise expressions; never a Python loop over families. Results come back in the backend of
the input (eager polars in, eager polars out; lazy in, lazy out).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.rules.compiler import AGE, EMPTY, REDUCERS, SIZE, ExpressionBuilder, Plan, age_expression, make_plan
from tepat.engine.rules.nodes import Node
from tepat.engine.rules.rule import Rule, as_rule
from tepat.engine.rules.schema import DERIVED, Schema, default_schema

FAMILY_ID = "family_id"
KECAMATAN_LENGTH = len("NN.NN.NN")


@dataclass(frozen=True)
class Frames:
    families: nw.LazyFrame
    members: nw.LazyFrame
    eager: bool


def evaluate(
    rule: str | Rule | Node, families: Any, members: Any, reference_date: date, *, schema: Schema | None = None
) -> Any:
    """Native frame: `family_id`, `eligible`, and one boolean column per top-level condition, named
    by the condition's source text (see Rule.conditions), telling which conditions held."""
    checked = as_rule(rule, schema=schema)
    frames = frames_of(families, members)
    table = eligibility_table(checked, frames, reference_date, schema=schema)
    labels = [label for label, _ in checked.conditions()]
    result = table.select(FAMILY_ID, "eligible", *labels)
    return (result.collect() if frames.eager else result).to_native()


def eligibility_table(
    rule: Rule,
    frames: Frames,
    reference_date: date,
    *,
    schema: Schema | None = None,
    with_size: bool = False,
    keep: tuple[str, ...] = (),
) -> nw.LazyFrame:
    """The families frame with every condition column, `eligible`, and `SIZE` when `with_size`."""
    plan = make_plan(rule, schema or default_schema(), with_size=with_size)
    builder = ExpressionBuilder(plan, reference_date)
    conditions = {label: builder.build(node) for label, node in rule.conditions()}  # registers reductions
    table = _with_kecamatan(frames.families, plan.family_fields | set(keep))
    _require(table, {FAMILY_ID, *(plan.family_fields - set(DERIVED)), *keep}, "families")
    grouped = _member_reductions(plan, builder, frames.members, reference_date)
    if grouped is not None:
        table = table.join(grouped, on=FAMILY_ID, how="left").with_columns(_fill_empty(plan))
    junction = operator.and_ if rule.junction == "and" else operator.or_
    table = table.with_columns(**conditions)
    return table.with_columns(eligible=reduce(junction, [nw.col(label) for label in conditions]))


def _member_reductions(
    plan: Plan, builder: ExpressionBuilder, members: nw.LazyFrame, reference_date: date
) -> nw.LazyFrame | None:
    """One row per family with an active member: a column per reduction (and SIZE when needed)."""
    if not plan.reductions and not plan.needs_size:
        return None
    needed = {FAMILY_ID, "is_active", *(plan.member_fields - set(DERIVED))}
    if "umur" in plan.member_fields:
        needed.add("tanggal_lahir")
    _require(members, needed, "members")
    active = members.filter(nw.col("is_active").fill_null(False))
    reductions = list(plan.reductions.values())
    flags = {r.alias: builder.build(r.condition) for r in reductions}
    if builder.uses_age_column:
        active = active.with_columns(age_expression(nw.col("tanggal_lahir"), reference_date).alias(AGE))
    if flags:
        active = active.with_columns(**flags)
    if flags and not plan.needs_size:
        active = active.filter(reduce(operator.or_, [nw.col(alias) for alias in flags]))
    aggregations = [REDUCERS[r.reducer](nw.col(r.alias)).alias(r.alias) for r in reductions]
    if plan.needs_size:
        aggregations.append(nw.len().cast(nw.Int64).alias(SIZE))
    return active.group_by(FAMILY_ID).agg(*aggregations)


def _fill_empty(plan: Plan) -> list[nw.Expr]:
    fills = [nw.col(r.alias).fill_null(EMPTY[r.reducer]) for r in plan.reductions.values()]
    if plan.needs_size:
        fills.append(nw.col(SIZE).fill_null(0))
    return fills


def _with_kecamatan(families: nw.LazyFrame, fields: set[str]) -> nw.LazyFrame:
    if "kecamatan" not in fields or "kecamatan" in families.collect_schema().names():
        return families
    _require(families, {"kelurahan"}, "families")
    return families.with_columns(kecamatan=nw.col("kelurahan").str.slice(0, KECAMATAN_LENGTH))


def _require(frame: nw.LazyFrame, columns: set[str], what: str) -> None:
    """Missing input columns are a programming error of the caller: say which."""
    missing = sorted(columns - set(frame.collect_schema().names()))
    if missing:
        raise ValueError(f"the {what} frame lacks columns needed by the rule: {', '.join(missing)}")


def frames_of(families: Any, members: Any) -> Frames:
    family_frame, member_frame = nw.from_native(families), nw.from_native(members)
    if family_frame.implementation != member_frame.implementation:
        raise ValueError("families and members must come from the same backend")
    eager = isinstance(family_frame, nw.DataFrame)
    return Frames(_lazy(family_frame), _lazy(member_frame), eager)


def _lazy(frame: nw.DataFrame | nw.LazyFrame) -> nw.LazyFrame:
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


# ---------------------------------------------------------------------------- materialising rows
def rows(frame: nw.LazyFrame) -> list[dict[str, Any]]:
    """A small lazy result as Python dicts. DuckDB is read with fetchall (no pyarrow needed)."""
    reader = ROW_READERS.get(frame.implementation, _collected_rows)
    return reader(frame)


def _collected_rows(frame: nw.LazyFrame) -> list[dict[str, Any]]:
    return frame.collect().rows(named=True)


def _duckdb_rows(frame: nw.LazyFrame) -> list[dict[str, Any]]:
    relation = frame.to_native()
    return [dict(zip(relation.columns, row)) for row in relation.fetchall()]


ROW_READERS: dict[nw.Implementation, Callable[[nw.LazyFrame], list[dict[str, Any]]]] = {
    nw.Implementation.DUCKDB: _duckdb_rows,
}
