"""Names, levels, types and category values of a parsed rule; collects every error, not just one.

Cost: one walk of the tree (snippet bodies included). Guarantee: a tree without errors evaluates
without type errors on every backend.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tepat.engine.rules.messages import TYPE_NAMES, Issue, make_issue
from tepat.engine.rules.nodes import (
    AGGREGATE_KINDS,
    ORDERING,
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
    depends_on_data,
    top_conditions,
)
from tepat.engine.rules.schema import MEMBER, Schema, fold_text

LEVEL_CODES = ("member_field_outside_aggregate", "family_field_in_aggregate", "nested_aggregate")


@dataclass(frozen=True)
class Scope:
    aggregate: str | None = None  # the canonical aggregate name when inside one


class Checker:
    def __init__(self, text: str, schema: Schema, snippets: Mapping[str, str]) -> None:
        self.text = text
        self.schema = schema
        self.snippets = snippets
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def run(self, root: Node) -> None:
        self.condition(root, Scope())
        for item in top_conditions(root)[1]:
            if not depends_on_data(item):
                self.warn("constant_condition", item, text=self.source(item))

    # ------------------------------------------------------------------ helpers
    def source(self, node: Node) -> str:
        return self.text[node.start : node.end]

    def error(self, code: str, node: Node, **values: object) -> None:
        self.errors.append(make_issue(code, self.text, node.start, node.end - node.start, **values))

    def warn(self, code: str, node: Node, **values: object) -> None:
        self.warnings.append(make_issue(code, self.text, node.start, node.end - node.start, **values))

    def type_of(self, node: Node, scope: Scope) -> str | None:
        """The node's value type ("number" | "text" | "bool"), or None when an error hides it."""
        return VISITORS[type(node)](self, node, scope)

    def condition(self, node: Node, scope: Scope) -> None:
        kind = self.type_of(node, scope)
        if kind is not None and kind != "bool":
            self.error("not_a_condition", node, text=self.source(node), example=self.example(node, kind))

    def example(self, node: Node, kind: str) -> str:
        spec = self.schema.get(node.name) if isinstance(node, Field) else None
        if kind == "number":
            return f"{self.source(node)} >= 1"
        value = spec.domain[0] if spec and spec.domain else "..."
        return f'{self.source(node)} == "{value}"'

    # ------------------------------------------------------------------ visitors
    def field(self, node: Field, scope: Scope) -> str | None:
        spec = self.schema.get(node.name)
        if spec is None:
            self.unknown_field(node)
            return None
        if spec.level == MEMBER and scope.aggregate is None:
            self.error("member_field_outside_aggregate", node, name=node.name)
        elif spec.level != MEMBER and scope.aggregate is not None:
            self.error("family_field_in_aggregate", node, name=node.name, aggregate=scope.aggregate)
        return spec.type

    def unknown_field(self, node: Field) -> None:
        names = [*self.schema.names(), *self.snippets]
        folded = [name for name in names if name.lower() == node.name.lower()]
        close = folded or difflib.get_close_matches(node.name, names, n=1, cutoff=0.6)
        suggestion = close[0] if close else None
        self.error(
            "unknown_field", node, name=node.name, hint="did_you_mean" if suggestion else None, suggestion=suggestion
        )

    def snippet(self, node: Snippet, scope: Scope) -> str:
        """Checks the body against its own text; level errors are reported at the snippet's name."""
        inner = Checker(self.snippets[node.name], self.schema, self.snippets)
        inner.condition(node.body, scope)
        for issue in inner.errors[:1]:
            if issue.code not in LEVEL_CODES:
                raise ValueError(f"snippet {node.name!r} is invalid: {issue.message}")
            outer = scope.aggregate or ""
            self.error(issue.code, node, name=node.name, aggregate=outer, inner=node.name, outer=outer)
        return "bool"

    def aggregate(self, node: Aggregate, scope: Scope) -> str:
        spec = AGGREGATE_KINDS[node.kind]
        if scope.aggregate is not None:
            self.error("nested_aggregate", node, inner=spec.name, outer=scope.aggregate)
        self.condition(node.condition, Scope(aggregate=spec.name))
        return spec.result

    def junction(self, node: And | Or | Not, scope: Scope) -> str:
        for child in node.children():
            self.condition(child, scope)
        return "bool"

    def compare(self, node: Compare, scope: Scope) -> str:
        left, right = self.type_of(node.left, scope), self.type_of(node.right, scope)
        if left is None or right is None:
            return "bool"
        if left != right:
            self.mismatch(node.left, left, node.right, right)
        elif node.op in ORDERING and left != "number":
            subject = node.left if not isinstance(node.left, Literal) else node.right
            self.error(
                "ordering_on_text",
                node,
                op=node.op,
                name=self.source(subject),
                type_id=TYPE_NAMES[left][0],
                type_en=TYPE_NAMES[left][1],
            )
        else:
            self.values(node.left, (node.right,))
            self.values(node.right, (node.left,))
        return "bool"

    def in_list(self, node: InList, scope: Scope) -> str:
        subject = self.type_of(node.subject, scope)
        kinds = sorted({value.type for value in node.values})
        listed = Literal("", "text", start=node.values[0].start, end=node.values[-1].end)
        if len(kinds) > 1:
            self.error(
                "mixed_list",
                listed,
                types_id=", ".join(TYPE_NAMES[k][0] for k in kinds),
                types_en=", ".join(TYPE_NAMES[k][1] for k in kinds),
            )
        elif subject is not None and kinds[0] != subject:
            self.mismatch(node.subject, subject, listed, kinds[0])
        else:
            self.values(node.subject, node.values)
        return "bool"

    def mismatch(self, left: Node, left_type: str, right: Node, right_type: str) -> None:
        self.error(
            "type_mismatch",
            right,
            left=self.source(left),
            right=self.source(right),
            left_id=TYPE_NAMES[left_type][0],
            left_en=TYPE_NAMES[left_type][1],
            right_id=TYPE_NAMES[right_type][0],
            right_en=TYPE_NAMES[right_type][1],
        )

    def values(self, subject: Node, candidates: tuple[Node, ...]) -> None:
        """Text literals compared with `subject`: not empty, and in the field's domain if it has one."""
        spec = self.schema.get(subject.name) if isinstance(subject, Field) else None
        for value in candidates:
            if not (isinstance(value, Literal) and value.type == "text"):
                continue
            if value.value == "" or (spec is not None and spec.free_text and fold_text(str(value.value)) == ""):
                self.error("empty_text", value)  # free text folds spaces away: "  " is empty too
            elif spec is not None and spec.domain is not None and value.value not in spec.domain:
                self.unknown_value(value, spec.name, spec.domain)

    def unknown_value(self, node: Literal, name: str, domain: tuple[str, ...]) -> None:
        text = str(node.value)
        folded = [v for v in domain if _fold(v) == _fold(text)]
        close = folded or difflib.get_close_matches(text, domain, n=1, cutoff=0.6)
        if close:
            self.error("unknown_value", node, value=text, name=name, hint="did_you_mean", suggestion=close[0])
        else:
            self.error("unknown_value", node, value=text, name=name, hint="known_values", values=", ".join(domain))


def _fold(value: str) -> str:
    """The importer's folding (case and punctuation ignored), to suggest 'Ya' for 'ya'."""
    return "".join(ch for ch in value.lower() if ch.isalnum())


VISITORS: dict[type, Callable[[Checker, Node, Scope], str | None]] = {
    Literal: lambda checker, node, scope: node.type,
    Field: Checker.field,
    Snippet: Checker.snippet,
    Aggregate: Checker.aggregate,
    Compare: Checker.compare,
    InList: Checker.in_list,
    Not: Checker.junction,
    And: Checker.junction,
    Or: Checker.junction,
}
