"""A checked Rule -> narwhals expressions and a plan of member reductions. No data is read here.

Null semantics (the same in the reference evaluator, polars and DuckDB): every comparison, `in`
and `not in` is **false** when a value it reads is missing (null, or empty text); `not` then
negates that two-valued result, so `not desil <= 2` is true for a family without desil while
`desil > 2` is false. Member aggregates count active members only; a family without active
members gets false from `ada_anggota` and `semua_anggota` and 0 from `jumlah_anggota_yang` and
`jumlah_anggota`. Free text (a text field without a value list, `FieldSpec.free_text`) is read folded
(`schema.fold_text`: whitespace runs to one space, ends trimmed, lower case) and the text literals it
meets are folded in Python, so `pekerjaan == "BURUH HARIAN LEPAS"` matches every spelling of it.

Member aggregates become reductions over one group_by of the members frame:
`ada_anggota(c)` -> any(c); `jumlah_anggota_yang(c)` -> sum(c); `semua_anggota(c)` ->
size > 0 and not any(not c). When no reduction needs the family size, members satisfying none of
the conditions are filtered out before grouping. Cost: one pass over members, one left join.
"""

from __future__ import annotations

import calendar
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

import narwhals.stable.v2 as nw

from tepat.engine.rules.nodes import (
    COMPARISONS,
    Aggregate,
    And,
    Compare,
    Field,
    InList,
    Literal,
    Node,
    Not,
    Or,
    Snippet,
    walk,
)
from tepat.engine.rules.rule import Rule
from tepat.engine.rules.schema import BEFORE_LOWER, MEMBER, SPACES, Schema, fold_text

PREFIX = "__rule_"
SIZE = f"{PREFIX}size"
AGE = f"{PREFIX}umur"


@dataclass(frozen=True)
class Reduction:
    alias: str
    reducer: str  # "any" | "count"
    condition: Node  # a member-level condition


@dataclass
class Plan:
    """What a rule needs from the frames, and how its member aggregates are reduced."""

    rule: Rule
    schema: Schema
    reductions: dict[tuple[str, Node], Reduction] = field(default_factory=dict)
    needs_size: bool = False
    family_fields: set[str] = field(default_factory=set)
    member_fields: set[str] = field(default_factory=set)

    def reduction(self, reducer: str, condition: Node) -> str:
        key = (reducer, condition)
        if key not in self.reductions:
            self.reductions[key] = Reduction(f"{PREFIX}r{len(self.reductions)}", reducer, condition)
        return self.reductions[key].alias


def make_plan(rule: Rule, schema: Schema, *, with_size: bool = False) -> Plan:
    """Collects the fields and reductions a rule uses. Cost: one walk of the tree."""
    plan = Plan(rule, schema, needs_size=with_size)
    for node in walk(rule.root):
        if isinstance(node, Aggregate):
            plan.reduction(*_reduction_of(node))
            plan.needs_size |= node.kind == "all"
        elif isinstance(node, Field):
            spec = schema.get(node.name)
            assert spec is not None, f"unchecked rule: unknown field {node.name}"
            (plan.member_fields if spec.level == MEMBER else plan.family_fields).add(node.name)
            plan.needs_size |= node.name == "jumlah_anggota"
    return plan


def _reduction_of(node: Aggregate) -> tuple[str, Node]:
    return REDUCTION_OF[node.kind](node.condition)


REDUCTION_OF: dict[str, Callable[[Node], tuple[str, Node]]] = {
    "any": lambda condition: ("any", condition),
    "count": lambda condition: ("count", condition),
    "all": lambda condition: ("any", Not(condition)),
}
REDUCERS: dict[str, Callable[[nw.Expr], nw.Expr]] = {
    "any": lambda column: column.any(),
    "count": lambda column: nw.when(column).then(1).otherwise(0).sum().cast(nw.Int64),
}
EMPTY: dict[str, object] = {"any": False, "count": 0}


def age_expression(birth: nw.Expr, reference: date) -> nw.Expr:
    """Whole years from `birth` to `reference` (a birthday on 29 February counts from 1 March)."""
    before_birthday = (birth.dt.month() > reference.month) | (
        (birth.dt.month() == reference.month) & (birth.dt.day() > reference.day)
    )
    return (reference.year - birth.dt.year() - nw.when(before_birthday).then(1).otherwise(0)).cast(nw.Int64)


def birth_cutoff(reference: date, years: int) -> date | None:
    """The latest birth date of someone at least `years` old at `reference` (None: out of calendar)."""
    year = reference.year - years
    if not 1 <= year <= 9999:
        return None
    return date(year, reference.month, min(reference.day, calendar.monthrange(year, reference.month)[1]))


class AgeComparison:
    """`umur <op> number` as comparisons of `tanggal_lahir` with cut-off dates: no year arithmetic
    per member. Equal to comparing `age_expression`, missing birth dates giving false."""

    FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

    def __init__(self, birth: nw.Expr, reference: date) -> None:
        self.birth, self.reference = birth, reference

    def at_least(self, years: int) -> nw.Expr:
        cutoff = birth_cutoff(self.reference, years)
        if cutoff is None:
            return nw.lit(years <= 0) & ~self.birth.is_null()
        return (self.birth <= nw.lit(cutoff)).fill_null(False)

    def build(self, op: str, value: float) -> nw.Expr:
        """`umur >= ceil(value)` is `umur >= value` and `umur >= floor(value) + 1` is `umur > value`
        (ages are whole), so every operator is made of two cut-offs; `present` keeps missing false."""
        present = ~self.birth.is_null()
        from_low, from_high = self.at_least(math.ceil(value)), self.at_least(math.floor(value) + 1)
        exact = from_low & ~from_high  # empty when value is not whole (then ceil == floor + 1)
        forms = {
            ">=": from_low,
            ">": from_high,
            "<": present & ~from_low,
            "<=": present & ~from_high,
            "==": exact,
            "!=": present & ~exact,
        }
        return forms[op]


class ExpressionBuilder:
    """Compiles nodes to narwhals expressions over the family table or the members table."""

    def __init__(self, plan: Plan, reference_date: date | None = None) -> None:
        self.plan = plan
        self.reference_date = reference_date
        self.uses_age_column = False

    def build(self, node: Node) -> nw.Expr:
        return BUILDERS[type(node)](self, node)

    def is_text_field(self, node: Node) -> bool:
        spec = self.plan.schema.get(node.name) if isinstance(node, Field) else None
        return spec is not None and spec.type == "text"

    def is_free_text(self, node: Node) -> bool:
        spec = self.plan.schema.get(node.name) if isinstance(node, Field) else None
        return spec is not None and spec.free_text

    def field(self, node: Field) -> nw.Expr:
        self.uses_age_column |= node.name == "umur"
        column = nw.col(DERIVED_COLUMNS.get(node.name, node.name))
        if self.is_free_text(node):  # folded like schema.fold_text; "   " becomes "" (missing)
            for letter, lower in BEFORE_LOWER.items():
                column = column.str.replace_all(letter, lower, literal=True)
            return column.str.replace_all(SPACES, " ").str.strip_chars(" ").str.to_lowercase()
        return column

    def operand(self, node: Node, other: Node) -> nw.Expr:
        """A side of a comparison: a text literal met with free text is folded too."""
        if isinstance(node, Literal) and node.type == "text" and self.is_free_text(other):
            return nw.lit(fold_text(str(node.value)))
        return self.build(node)

    def age_comparison(self, node: Compare) -> nw.Expr | None:
        """The cut-off form of `umur <op> number` (either side), or None for any other comparison."""
        pairs = ((node.left, node.right, node.op), (node.right, node.left, AgeComparison.FLIP[node.op]))
        for side, value, op in pairs:
            if (
                isinstance(side, Field)
                and side.name == "umur"
                and isinstance(value, Literal)
                and value.type == "number"
            ):
                assert self.reference_date is not None, "umur needs a reference date"
                return AgeComparison(nw.col("tanggal_lahir"), self.reference_date).build(op, float(value.value))
        return None

    def compare(self, node: Compare) -> nw.Expr:
        by_age = self.age_comparison(node)
        if by_age is not None:
            return by_age
        result = COMPARISONS[node.op](self.operand(node.left, node.right), self.operand(node.right, node.left))
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if self.is_text_field(side) and (node.op == "!=" or not isinstance(other, Literal)):
                result = result & (self.build(side) != "")
        return result.fill_null(False)

    def in_list(self, node: InList) -> nw.Expr:
        subject = self.build(node.subject)
        values = [fold_text(str(v.value)) if self.is_free_text(node.subject) else v.value for v in node.values]
        if node.values[0].type == "number":  # ints and decimals meet as Float64 (polars wants one type)
            subject, values = subject.cast(nw.Float64), [float(value) for value in values]
        if not node.negated:
            return subject.is_in(values).fill_null(False)
        result = ~subject.is_in(values) & ~subject.is_null()
        if self.is_text_field(node.subject):
            result = result & (subject != "")
        return result.fill_null(False)

    def aggregate(self, node: Aggregate) -> nw.Expr:
        reducer, condition = _reduction_of(node)
        column = nw.col(self.plan.reduction(reducer, condition))
        return (nw.col(SIZE) > 0) & ~column if node.kind == "all" else column


DERIVED_COLUMNS: dict[str, str] = {"umur": AGE, "jumlah_anggota": SIZE}

BUILDERS: dict[type, Callable[[ExpressionBuilder, Node], nw.Expr]] = {
    Literal: lambda builder, node: nw.lit(node.value),
    Field: ExpressionBuilder.field,
    Snippet: lambda builder, node: builder.build(node.body),
    Compare: ExpressionBuilder.compare,
    InList: ExpressionBuilder.in_list,
    Not: lambda builder, node: ~builder.build(node.operand),
    And: lambda builder, node: reduce(operator.and_, [builder.build(item) for item in node.items]),
    Or: lambda builder, node: reduce(operator.or_, [builder.build(item) for item in node.items]),
    Aggregate: ExpressionBuilder.aggregate,
}
