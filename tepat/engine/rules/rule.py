"""parse() and check(): rule text -> a checked `Rule`, or every error with its position.

Cost: linear in the text (plus the snippets used); no data is read. Guarantee: parse() raises only
RuleError for anything a user can type; a returned Rule is well-typed against the schema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tepat.engine.rules.checker import Checker
from tepat.engine.rules.messages import Issue, RuleError, make_issue
from tepat.engine.rules.nodes import Node, top_conditions
from tepat.engine.rules.parser import Parser
from tepat.engine.rules.render import render
from tepat.engine.rules.schema import Schema, default_schema
from tepat.engine.rules.snippets import SNIPPETS


@dataclass(frozen=True)
class Rule:
    """A checked rule: its text, its tree, and the warnings found without data."""

    text: str
    root: Node
    warnings: tuple[Issue, ...] = field(default=(), compare=False)

    def conditions(self) -> list[tuple[str, Node]]:
        """(label, node) of each top-level condition; the label is its source text, made unique."""
        labels: list[tuple[str, Node]] = []
        seen: dict[str, int] = {}
        for node in top_conditions(self.root)[1]:
            label = re.sub(r"\s+", " ", self.text[node.start : node.end]).strip() or render(node)
            seen[label] = seen.get(label, 0) + 1
            labels.append((label if seen[label] == 1 else f"{label} ({seen[label]})", node))
        return labels

    @property
    def junction(self) -> str:
        """'and' when every top-level condition must hold, 'or' when one is enough."""
        return top_conditions(self.root)[0]


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    errors: list[Issue]
    warnings: list[Issue]
    ast: Node | None
    text: str = ""

    @property
    def rule(self) -> Rule | None:
        return Rule(self.text, self.ast, tuple(self.warnings)) if self.ast is not None else None

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
        }


def check(text: str, *, schema: Schema | None = None, snippets: Mapping[str, str] | None = None) -> CheckResult:
    """Every error and warning of `text`. A syntax error stops at the first; the others are all listed."""
    snippets = SNIPPETS if snippets is None else snippets
    try:
        root = Parser(text, snippets).parse()
    except RuleError as error:
        return CheckResult(False, error.issues, [], None, text)
    checker = Checker(text, schema or default_schema(), snippets)
    checker.run(root)
    errors = sorted(checker.errors, key=lambda issue: issue.offset)
    return CheckResult(not errors, errors, checker.warnings, None if errors else root, text)


def parse(text: str, *, schema: Schema | None = None, snippets: Mapping[str, str] | None = None) -> Rule:
    """The checked Rule of `text`; raises RuleError listing every error."""
    result = check(text, schema=schema, snippets=snippets)
    if not result.ok:
        raise RuleError(result.errors)
    assert result.rule is not None
    return result.rule


def as_rule(rule: str | Rule | Node, *, schema: Schema | None = None) -> Rule:
    """A Rule from text, a Rule, or a bare tree (rendered, then parsed and checked again)."""
    if isinstance(rule, Rule):
        return rule
    return parse(rule if isinstance(rule, str) else render(rule), schema=schema)


def coverage_warning(eligible: int, total: int) -> Issue | None:
    """The always-true / always-false warning, decided from an evaluation's counts (None if neither)."""
    if total == 0 or 0 < eligible < total:
        return None
    code = "always_false" if eligible == 0 else "always_true"
    return make_issue(code, "", 0, total=total)
