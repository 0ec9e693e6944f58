"""A plain Python evaluator of rule trees, row by row: the oracle the vectorised backends must match.

Deliberately naive and written from docs/rules.md, not from the compiler: a missing value (None, or
empty text) makes a comparison false; `not` negates; aggregates look at active members only;
`semua_anggota` is false for a family without active members; `umur` is computed with year
arithmetic (the compiler uses birth-date cut-offs instead); free text (a text field without a value
list, e.g. `pekerjaan`) and the text literals it meets are compared folded: whitespace runs to one
space, ends trimmed, lower case (so a value of only spaces is missing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

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
)
from tepat.engine.rules.rule import Rule
from tepat.engine.rules.schema import default_schema


def free_text(node: Node) -> bool:
    spec = default_schema().get(node.name) if isinstance(node, Field) else None
    return (
        spec is not None and spec.type == "text" and spec.domain is None and node.name not in ("kelurahan", "kecamatan")
    )


def fold(text: str) -> str:
    text = text.replace("\u03a3", "\u03c3").replace("\u0130", "i\u0307")  # as docs/rules.md says
    for space in "\t\r\n":
        text = text.replace(space, " ")
    return " ".join(part for part in text.split(" ") if part).lower()


@dataclass
class Context:
    row: dict[str, Any]
    members: list[dict[str, Any]]  # active members of the family
    reference: date


def age(born: date | None, reference: date) -> int | None:
    if born is None:
        return None
    return reference.year - born.year - ((born.month, born.day) > (reference.month, reference.day))


def field_value(node: Field, ctx: Context) -> Any:
    if node.name == "umur":
        return age(ctx.row.get("tanggal_lahir"), ctx.reference)
    if node.name == "jumlah_anggota":
        return len(ctx.members)
    if node.name == "kecamatan" and "kecamatan" not in ctx.row:
        kelurahan = ctx.row.get("kelurahan")
        return None if kelurahan is None else kelurahan[:8]
    value = ctx.row.get(node.name)
    if free_text(node) and isinstance(value, str):
        value = fold(value)
    return None if value == "" else value


def aggregate_value(node: Aggregate, ctx: Context) -> Any:
    held = [truth(node.condition, Context(member, [], ctx.reference)) for member in ctx.members]
    return {"any": any(held), "all": bool(held) and all(held), "count": sum(held)}[node.kind]


def value(node: Node, ctx: Context) -> Any:
    """The node's value: a literal, a field (None when missing), a count, or a condition's truth."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Field):
        return field_value(node, ctx)
    if isinstance(node, Aggregate):
        return aggregate_value(node, ctx)
    return truth(node, ctx)


def side(node: Node, other: Node, ctx: Context) -> Any:
    if isinstance(node, Literal) and node.type == "text" and free_text(other):
        return fold(str(node.value))
    return value(node, ctx)


def compare(node: Compare, ctx: Context) -> bool:
    left, right = side(node.left, node.right, ctx), side(node.right, node.left, ctx)
    if left is None or right is None:
        return False
    return bool(COMPARISONS[node.op](left, right))


def in_list(node: InList, ctx: Context) -> bool:
    subject = value(node.subject, ctx)
    if subject is None:
        return False
    found = any(subject == side(item, node.subject, ctx) for item in node.values)
    return found != node.negated


TRUTH: dict[type, Callable[[Any, Context], bool]] = {
    Literal: lambda node, ctx: bool(node.value),
    Snippet: lambda node, ctx: truth(node.body, ctx),
    Aggregate: lambda node, ctx: bool(aggregate_value(node, ctx)),
    Compare: compare,
    InList: in_list,
    Not: lambda node, ctx: not truth(node.operand, ctx),
    And: lambda node, ctx: all(truth(item, ctx) for item in node.items),
    Or: lambda node, ctx: any(truth(item, ctx) for item in node.items),
}


def truth(node: Node, ctx: Context) -> bool:
    return TRUTH[type(node)](node, ctx)


def reference_rows(
    rule: Rule, families: list[dict[str, Any]], members: list[dict[str, Any]], reference: date
) -> list[tuple[Any, ...]]:
    """(family_id, eligible, *condition values) per family, sorted like the backends' results."""
    by_family: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for member in members:
        if member.get("is_active") is True:
            by_family[member["family_id"]].append(member)
    combine = all if rule.junction == "and" else any
    out = []
    for row in families:
        ctx = Context(row, by_family[row["family_id"]], reference)
        held = [truth(node, ctx) for _, node in rule.conditions()]
        out.append((row["family_id"], combine(held), *held))
    return sorted(out)
