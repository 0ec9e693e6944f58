"""Recursive-descent parser: tokens -> AST. Syntax only; names and types are checked in `checker`.

Grammar (lowest precedence first; keywords case-insensitive, Indonesian or English):

    rule       := or_expr END
    or_expr    := and_expr (("or" | "atau") and_expr)*
    and_expr   := not_expr (("and" | "dan") not_expr)*
    not_expr   := ("not" | "bukan") not_expr | comparison
    comparison := operand (OP operand | ["not" | "bukan"] "in" list)?
    operand    := NUMBER | TEXT | "true" | "false" | NAME | AGGREGATE "(" or_expr ")" | "(" or_expr ")"
    list       := "[" literal ("," literal)* [","] "]"

A NAME is a snippet (expanded here, from the snippet's own text) or a field. Cost: linear in the
tokens plus the snippets used. Guarantee: raises only RuleError, at the first syntax error, and
never recurses deeper than MAX_DEPTH nesting levels.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace

from tepat.engine.rules.messages import RuleError, make_issue
from tepat.engine.rules.nodes import (
    AGGREGATE_NAMES,
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
from tepat.engine.rules.snippets import SNIPPETS
from tepat.engine.rules.tokens import Token, tokenize

MAX_DEPTH = 50

EXPECTED: dict[str, tuple[str, str]] = {
    "operand": ("kolom, nilai atau '('", "a field, a value or '('"),
    "rparen": ("')'", "')'"),
    "list_item": ("nilai (angka, teks, true/false)", "a value (number, text, true/false)"),
    "list_next": ("',' atau ']'", "',' or ']'"),
    "lparen_call": ("'(' beserta kondisi anggota", "'(' with a member condition"),
    "lbrack": ("daftar '[...]' setelah 'in'", "a list '[...]' after 'in'"),
    "in": ("'in' setelah 'not'/'bukan'", "'in' after 'not'/'bukan'"),
    "end": ("akhir aturan, 'dan'/'and' atau 'atau'/'or'", "the end of the rule, 'and'/'dan' or 'or'/'atau'"),
}
LITERAL_TYPES = {"number": "number", "text": "text", "bool": "bool"}


def parse_tree(text: str, snippets: Mapping[str, str] | None = None) -> Node:
    """The AST of `text` (syntax checked only)."""
    return Parser(text, SNIPPETS if snippets is None else snippets).parse()


class Parser:
    def __init__(self, text: str, snippets: Mapping[str, str], stack: tuple[str, ...] = ()) -> None:
        self.text = text
        self.snippets = snippets
        self.stack = stack
        self.tokens = tokenize(text)
        self.at = 0
        self.depth = 0

    # ------------------------------------------------------------------ helpers
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.at += 1
        return token

    def is_keyword(self, word: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == "keyword" and token.value == word

    def fail(self, code: str, token: Token, **values: object) -> RuleError:
        return RuleError([make_issue(code, self.text, token.start, token.end - token.start, **values)])

    def expected(self, what: str) -> RuleError:
        token = self.peek()
        expected_id, expected_en = EXPECTED[what]
        if token.kind == "end":
            return self.fail("unexpected_end", token, expected_id=expected_id, expected_en=expected_en)
        found = f"'{token.text}'"
        return self.fail(
            "unexpected_token", token, found_id=found, found_en=found, expected_id=expected_id, expected_en=expected_en
        )

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("too_deep", self.peek(), limit=MAX_DEPTH)

    # ------------------------------------------------------------------ grammar
    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.fail("empty_rule", self.peek())
        node = self.or_expr()
        if self.peek().kind != "end":
            raise self.expected("end")
        return node

    def or_expr(self) -> Node:
        self.enter()
        items = [self.and_expr()]
        while self.is_keyword("or"):
            self.advance()
            items.append(self.and_expr())
        self.depth -= 1
        return items[0] if len(items) == 1 else Or(tuple(items), start=items[0].start, end=items[-1].end)

    def and_expr(self) -> Node:
        items = [self.not_expr()]
        while self.is_keyword("and"):
            self.advance()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items), start=items[0].start, end=items[-1].end)

    def not_expr(self) -> Node:
        if not self.is_keyword("not"):
            return self.comparison()
        keyword = self.advance()
        self.enter()
        operand = self.not_expr()
        self.depth -= 1
        return Not(operand, start=keyword.start, end=operand.end)

    def comparison(self) -> Node:
        left = self.operand()
        token = self.peek()
        if token.kind == "op":
            self.advance()
            right = self.operand()
            return Compare(str(token.value), left, right, start=left.start, end=right.end)
        if self.is_keyword("in"):
            self.advance()
            return self.in_list(left, negated=False)
        if self.is_keyword("not"):
            self.advance()
            if not self.is_keyword("in"):
                raise self.expected("in")
            self.advance()
            return self.in_list(left, negated=True)
        return left

    def in_list(self, subject: Node, *, negated: bool) -> Node:
        if self.peek().kind != "lbrack":
            raise self.expected("lbrack")
        opening = self.advance()
        if self.peek().kind == "rbrack":
            raise self.fail("empty_list", opening)
        values = [self.list_item(opening)]
        while self.peek().kind == "comma":
            self.advance()
            if self.peek().kind == "rbrack":
                break
            values.append(self.list_item(opening))
        if self.peek().kind == "end":
            raise self.fail("unclosed_list", opening)
        if self.peek().kind != "rbrack":
            raise self.expected("list_next")
        closing = self.advance()
        return InList(subject, tuple(values), negated, start=subject.start, end=closing.end)

    def list_item(self, opening: Token) -> Literal:
        token = self.peek()
        if token.kind in LITERAL_TYPES:
            self.advance()
            return Literal(token.value, LITERAL_TYPES[token.kind], start=token.start, end=token.end)  # type: ignore[arg-type]
        if token.kind == "end":
            raise self.fail("unclosed_list", opening)
        raise self.expected("list_item")

    def operand(self) -> Node:
        token = self.peek()
        if token.kind in LITERAL_TYPES:
            self.advance()
            return Literal(token.value, LITERAL_TYPES[token.kind], start=token.start, end=token.end)  # type: ignore[arg-type]
        if token.kind == "ident":
            return self.name()
        if token.kind == "lparen":
            opening = self.advance()
            node = self.or_expr()
            closing = self.closing_paren(opening)
            return replace(node, start=opening.start, end=closing.end)
        raise self.expected("operand")

    def closing_paren(self, opening: Token) -> Token:
        if self.peek().kind == "rparen":
            return self.advance()
        if self.peek().kind == "end":
            raise self.fail("unclosed_paren", opening)
        raise self.expected("rparen")

    def name(self) -> Node:
        token = self.advance()
        name = str(token.value)
        if self.peek().kind == "lparen":
            return self.call(token)
        if name in AGGREGATE_NAMES:
            raise self.expected("lparen_call")
        if name in self.snippets:
            return Snippet(name, self.snippet_body(name), start=token.start, end=token.end)
        return Field(name, start=token.start, end=token.end)

    def call(self, name: Token) -> Node:
        kind = AGGREGATE_NAMES.get(str(name.value))
        if kind is None:
            known = ", ".join(AGGREGATE_NAMES)
            close = difflib.get_close_matches(str(name.value), list(AGGREGATE_NAMES), n=1)
            raise RuleError(
                [
                    make_issue(
                        "unknown_function",
                        self.text,
                        name.start,
                        name.end - name.start,
                        name=name.value,
                        known=known,
                        hint="did_you_mean" if close else None,
                        suggestion=close[0] if close else None,
                    )
                ]
            )
        opening = self.advance()
        condition = self.or_expr()
        closing = self.closing_paren(opening)
        return Aggregate(kind, condition, start=name.start, end=closing.end)

    def snippet_body(self, name: str) -> Node:
        """The snippet's own text, parsed; its node positions refer to that text."""
        if name in self.stack:
            raise ValueError(f"snippet {name!r} refers to itself through {' -> '.join(self.stack)}")
        return Parser(self.snippets[name], self.snippets, (*self.stack, name)).parse()
