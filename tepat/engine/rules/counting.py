"""count(): eligible families and their active members, in total or per group (kecamatan, kelurahan).

Cost: the evaluation query plus one aggregation, materialised as a few rows (one per group).
Guarantee: `members` counts the active members of eligible families; groups with no eligible family
are listed with zeros, so the preview shows every kecamatan or kelurahan of the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.rules.compiler import SIZE
from tepat.engine.rules.evaluate import eligibility_table, frames_of, rows
from tepat.engine.rules.messages import Issue
from tepat.engine.rules.nodes import Node
from tepat.engine.rules.rule import Rule, as_rule, coverage_warning
from tepat.engine.rules.schema import FAMILY, Schema, default_schema


@dataclass(frozen=True)
class GroupCount:
    key: Any
    families: int
    members: int
    total_families: int


@dataclass(frozen=True)
class Counts:
    families: int
    members: int
    total_families: int
    by: str | None = None
    groups: tuple[GroupCount, ...] = ()

    @property
    def warning(self) -> Issue | None:
        """always_true / always_false when every or no family is eligible."""
        return coverage_warning(self.families, self.total_families)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `tepat rules count --json`: families, members, by (null or one row per group)."""
        by = None
        if self.by is not None:
            by = [{self.by: g.key, "families": g.families, "members": g.members} for g in self.groups]
        return {"families": self.families, "members": self.members, "by": by}


def groupable(schema: Schema) -> list[str]:
    """Family fields a count may be grouped by: stored ones and `kecamatan`."""
    return [
        name
        for name, spec in schema.fields.items()
        if spec.level == FAMILY and (not spec.derived or name == "kecamatan")
    ]


def count(
    rule: str | Rule | Node,
    families: Any,
    members: Any,
    reference_date: date,
    *,
    by: str | None = None,
    schema: Schema | None = None,
) -> Counts:
    """Eligible families and members of eligible families, optionally per value of `by`."""
    schema = schema or default_schema()
    if by is not None and by not in groupable(schema):
        raise ValueError(f"cannot group by {by!r}; use one of: {', '.join(groupable(schema))}")
    checked = as_rule(rule, schema=schema)
    table = eligibility_table(
        checked, frames_of(families, members), reference_date, schema=schema, with_size=True, keep=(by,) if by else ()
    )
    eligible = nw.col("eligible")
    sums = [
        nw.when(eligible).then(1).otherwise(0).sum().cast(nw.Int64).alias("families"),
        nw.when(eligible).then(nw.col(SIZE)).otherwise(0).sum().cast(nw.Int64).alias("members"),
        nw.len().cast(nw.Int64).alias("total"),
    ]
    if by is None:
        (row,) = rows(table.select(*sums))
        return Counts(row["families"] or 0, row["members"] or 0, row["total"] or 0)
    groups = [GroupCount(r[by], r["families"], r["members"], r["total"]) for r in rows(table.group_by(by).agg(*sums))]
    groups.sort(key=lambda g: (g.key is None, g.key))
    return Counts(
        sum(g.families for g in groups),
        sum(g.members for g in groups),
        sum(g.total_families for g in groups),
        by,
        tuple(groups),
    )
