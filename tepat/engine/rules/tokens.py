"""A hand-written tokenizer: rule text -> tokens. Nothing here evaluates anything.

Cost: one pass over the text. Guarantee: every failure is a RuleError with the offending offset.
"""

from __future__ import annotations

from dataclasses import dataclass

from tepat.engine.rules.messages import RuleError, make_issue

MAX_LENGTH = 10_000
INT_LIMIT = 2**63 - 1

# Keywords are case-insensitive; Indonesian and English spellings map to one canonical word.
KEYWORDS: dict[str, str] = {
    "and": "and",
    "dan": "and",
    "or": "or",
    "atau": "or",
    "not": "not",
    "bukan": "not",
    "in": "in",
}
BOOLEANS: dict[str, bool] = {"true": True, "false": False}
OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
PUNCTUATION: dict[str, str] = {"(": "lparen", ")": "rparen", "[": "lbrack", "]": "rbrack", ",": "comma"}


@dataclass(frozen=True)
class Token:
    kind: str  # number | text | bool | ident | keyword | op | lparen | rparen | lbrack | rbrack | comma | end
    text: str  # as written
    value: object  # parsed value: int/float, str, bool, canonical keyword, operator
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, ending with an `end` token."""
    if len(text) > MAX_LENGTH:
        raise RuleError([make_issue("too_long", text, MAX_LENGTH, length=len(text), limit=MAX_LENGTH)])
    tokens: list[Token] = []
    at = 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        token = _next(text, at)
        tokens.append(token)
        at = token.end
    tokens.append(Token("end", "", None, len(text), len(text)))
    return tokens


def _next(text: str, at: int) -> Token:
    char = text[at]
    if char in "\"'":
        return _string(text, at)
    if char.isascii() and char.isdigit() or (char == "-" and text[at + 1 : at + 2].isdigit()):
        return _number(text, at)
    if char.isascii() and (char.isalpha() or char == "_"):
        return _word(text, at)
    for op in OPERATORS:
        if text.startswith(op, at):
            return Token("op", op, op, at, at + len(op))
    if char in PUNCTUATION:
        return Token(PUNCTUATION[char], char, char, at, at + 1)
    if char == "=":
        raise RuleError([make_issue("single_equals", text, at)])
    raise RuleError([make_issue("invalid_character", text, at, char=char)])


def _string(text: str, at: int) -> Token:
    """A quoted text; a backslash takes the next character as it is (\\" or \\\\)."""
    quote, chars, index = text[at], [], at + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
        elif char == quote:
            return Token("text", text[at : index + 1], "".join(chars), at, index + 1)
        else:
            chars.append(char)
            index += 1
    raise RuleError([make_issue("unclosed_string", text, at, quote=quote)])


def _number(text: str, at: int) -> Token:
    end = at + 1
    while end < len(text) and (text[end].isalnum() or text[end] in "._"):
        end += 1
    written = text[at:end]
    body = written[1:] if written.startswith("-") else written
    whole, _, fraction = body.partition(".")
    valid = whole.isascii() and whole.isdigit() and (not _ or (fraction.isascii() and fraction.isdigit()))
    if not valid:
        raise RuleError([make_issue("invalid_number", text, at, end - at, text=written)])
    value: int | float = float(written) if _ else int(written)
    if abs(value) > INT_LIMIT:
        raise RuleError([make_issue("invalid_number", text, at, end - at, text=written)])
    return Token("number", written, value, at, end)


def _word(text: str, at: int) -> Token:
    end = at + 1
    while end < len(text) and text[end].isascii() and (text[end].isalnum() or text[end] == "_"):
        end += 1
    word = text[at:end]
    folded = word.lower()
    if folded in KEYWORDS:
        return Token("keyword", word, KEYWORDS[folded], at, end)
    if folded in BOOLEANS:
        return Token("bool", word, BOOLEANS[folded], at, end)
    return Token("ident", word, word, at, end)
