"""The eligibility rule language: parse, check, evaluate and count (no Django).

    from tepat.engine.rules import check, evaluate, count
    result = check('desil <= 2 and ada_anggota(umur >= 7 and umur <= 18 and partisipasi_sekolah == "Tidak Sekolah")')
    frame = evaluate(result.rule, families, members, date(2025, 6, 30))

See docs/rules.md for the grammar, the fields, the null semantics and the error codes.
"""

from __future__ import annotations

from tepat.engine.rules.counting import Counts, GroupCount, count, groupable
from tepat.engine.rules.evaluate import evaluate
from tepat.engine.rules.examples import EXAMPLES
from tepat.engine.rules.messages import ERRORS, WARNINGS, Issue, RuleError
from tepat.engine.rules.nodes import Node
from tepat.engine.rules.render import render
from tepat.engine.rules.rule import CheckResult, Rule, check, coverage_warning, parse
from tepat.engine.rules.schema import FieldSpec, Schema, default_schema
from tepat.engine.rules.snippets import SNIPPETS

__all__ = [
    "EXAMPLES",
    "ERRORS",
    "SNIPPETS",
    "WARNINGS",
    "CheckResult",
    "Counts",
    "FieldSpec",
    "GroupCount",
    "Issue",
    "Node",
    "Rule",
    "RuleError",
    "Schema",
    "check",
    "count",
    "coverage_warning",
    "default_schema",
    "evaluate",
    "groupable",
    "parse",
    "render",
]
