"""The typed AST of a rule, and the registries of operators and member aggregates.

Nodes are frozen dataclasses; `start`/`end` (0-based offsets into the text they were parsed from)
take no part in equality, so two rules that differ only in spacing or keyword language are equal.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

LiteralValue = int | float | str | bool


@dataclass(frozen=True)
class Node:
    start: int = field(default=0, compare=False, kw_only=True)
    end: int = field(default=0, compare=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class Literal(Node):
    value: LiteralValue
    type: str  # "number" | "text" | "bool": keeps 1 and true apart (1 == True in Python)


@dataclass(frozen=True)
class Field(Node):
    name: str


@dataclass(frozen=True)
class Snippet(Node):
    """A named condition (SNIPPETS), already expanded into `body`."""

    name: str
    body: Node

    def children(self) -> tuple[Node, ...]:
        return (self.body,)


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class InList(Node):
    subject: Node
    values: tuple[Literal, ...]
    negated: bool = False

    def children(self) -> tuple[Node, ...]:
        return (self.subject, *self.values)


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Aggregate(Node):
    kind: str  # a key of AGGREGATE_KINDS
    condition: Node

    def children(self) -> tuple[Node, ...]:
        return (self.condition,)


@dataclass(frozen=True)
class AggregateKind:
    name: str  # the canonical (Indonesian) spelling, used when rendering
    result: str  # "bool" | "number"
    empty: Any  # the value for a family without active members
    english: str


AGGREGATE_KINDS: dict[str, AggregateKind] = {
    "any": AggregateKind("ada_anggota", "bool", False, "any_member"),
    "all": AggregateKind("semua_anggota", "bool", False, "all_members"),
    "count": AggregateKind("jumlah_anggota_yang", "number", 0, "count_members"),
}
# Every spelling an analyst may write -> kind.
AGGREGATE_NAMES: dict[str, str] = {
    spelling: kind for kind, spec in AGGREGATE_KINDS.items() for spelling in (spec.name, spec.english)
}

# The same callables compare Python values (reference evaluation) and narwhals expressions.
COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
ORDERING = frozenset({"<", "<=", ">", ">="})


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents first (snippet bodies included)."""
    yield node
    for child in node.children():
        yield from walk(child)


def top_conditions(root: Node) -> tuple[str, tuple[Node, ...]]:
    """('and' | 'or', the conditions of the top level): the reasons a result carries."""
    if isinstance(root, Or):
        return "or", root.items
    if isinstance(root, And):
        return "and", root.items
    return "and", (root,)


def depends_on_data(node: Node) -> bool:
    return any(isinstance(n, (Field, Aggregate)) for n in walk(node))
