"""Numbers written the Indonesian way (1.890,05) or the English way (1,890.05), for explanations."""

from __future__ import annotations

from decimal import Decimal

LANGUAGES = ("id", "en")
SWAP = str.maketrans({",": ".", ".": ","})


def decimal(value: float | int | Decimal) -> Decimal:
    """The number as written (repr), so 1.03 is 1.03 and not its binary neighbour."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def number(value: float | Decimal | int, lang: str, decimals: int = 2) -> str:
    """`value` rounded to `decimals` places, trailing zeros dropped, with the language's separators."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    text = f"{decimal(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.translate(SWAP) if lang == "id" else text


def percent(value: float | Decimal, lang: str) -> str:
    return f"{number(value, lang)}%"


def points(value: float | Decimal, lang: str) -> str:
    return f"{number(value, lang)} {'poin persen' if lang == 'id' else 'percentage points'}"


def people(value: int | Decimal, lang: str) -> str:
    return f"{number(value, lang, 0)} {'jiwa' if lang == 'id' else 'people'}"


def thousands(value: int, lang: str) -> str:
    """183500 -> "183,5 ribu" / "183.5 thousand"."""
    return f"{number(Decimal(value) / 1000, lang, 1)} {'ribu' if lang == 'id' else 'thousand'}"
