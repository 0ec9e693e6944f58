"""AST -> canonical rule text (English keywords, Indonesian aggregate names, double quotes).

Guarantee: parse(render(node)) == node for every tree the parser can produce; nested and/or and
compared conditions are parenthesised so the tree shape survives. Cost: linear in the tree.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from tepat.engine.rules.nodes import (
    AGGREGATE_KINDS,
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


def render(node: Node) -> str:
    return RENDERERS[type(node)](node)


def render_literal(node: Literal) -> str:
    value = node.value
    if node.type == "bool":
        return "true" if value else "false"
    if node.type == "text":
        escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f") if "e" in repr(value) else repr(value)
    return str(value)


def _operand(node: Node) -> str:
    """An operand of a comparison: conditions other than snippets and aggregates get parentheses."""
    text = render(node)
    return f"({text})" if isinstance(node, (Compare, InList, Not, And, Or)) else text


def _junction(node: And | Or, word: str) -> str:
    parts = [f"({render(item)})" if isinstance(item, (And, Or)) else render(item) for item in node.items]
    return f" {word} ".join(parts)


def _not(node: Not) -> str:
    inner = render(node.operand)
    return f"not ({inner})" if isinstance(node.operand, (And, Or)) else f"not {inner}"


def _in_list(node: InList) -> str:
    values = ", ".join(render_literal(value) for value in node.values)
    word = "not in" if node.negated else "in"
    return f"{_operand(node.subject)} {word} [{values}]"


RENDERERS: dict[type, Callable[..., str]] = {
    Literal: render_literal,
    Field: lambda node: node.name,
    Snippet: lambda node: node.name,
    Compare: lambda node: f"{_operand(node.left)} {node.op} {_operand(node.right)}",
    InList: _in_list,
    Not: _not,
    And: lambda node: _junction(node, "and"),
    Or: lambda node: _junction(node, "or"),
    Aggregate: lambda node: f"{AGGREGATE_KINDS[node.kind].name}({render(node.condition)})",
}
