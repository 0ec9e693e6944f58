"""Numbers, percentages and money as people read them, one convention per language.

    number(1234.5, 1, "id") -> "1.234,5"      number(1234.5, 1, "en") -> "1,234.5"
    percent(0.0103, 2, "id") -> "1,03%"       money(750000, "id") -> "Rp750.000"
    date(d, "id") -> "01-04-2026"             date(d, "en") -> "1 Apr 2026"

Templates use the filters of `tepat.web.templatetags.angka` ({% load angka %}: `angka`, `persen`,
`rupiah`, `tanggal`), which call these with the active language; nothing else formats a number or a
date for a page (tests/test_number_format.py fails on `intcomma`, `floatformat` or `|date:`).
An empty value (None, "") reads as an en dash. Built on the engine's convention
(`tepat.engine.measures.formatting`: the same separators, numbers read as written), with a fixed
number of decimals rounded half up, so that figures line up in tables (the engine's explanations
drop trailing zeros instead).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import dateformat, timezone
from django.utils.translation import get_language

from tepat.engine.measures.formatting import SWAP
from tepat.engine.measures.formatting import decimal as as_written

# language -> (thousands separator, decimal separator), as SWAP turns English into Indonesian
SEPARATORS = {"id": (".", ","), "en": (",", ".")}
EMPTY = "–"


def _separators(language: str | None) -> tuple[str, str]:
    code = (language or get_language() or "id").split("-")[0]
    return SEPARATORS.get(code, SEPARATORS["id"])


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = as_written(value) if isinstance(value, int | float | Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value, decimals: int = 0, language: str | None = None) -> str:
    """`value` rounded half up to `decimals` places with the language's separators; non-numbers as
    given (text stays text), empties as an en dash. Guarantee: the digits never change between languages."""
    parsed = _decimal(value)
    if parsed is None:
        return EMPTY if value is None or value == "" else str(value)
    rounded = parsed.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}"
    return ("-" if rounded < 0 else "") + (text.translate(SWAP) if language_code(language) == "id" else text)


def percent(fraction, decimals: int = 1, language: str | None = None) -> str:
    """A share (0.0103) as a percentage ("1,03%" with decimals=2)."""
    parsed = _decimal(fraction)
    return EMPTY if parsed is None else number(parsed * 100, decimals, language) + "%"


def money(value, language: str | None = None) -> str:
    """Rupiah without decimals: "Rp750.000" (id), "Rp750,000" (en)."""
    parsed = _decimal(value)
    return EMPTY if parsed is None else "Rp" + number(parsed, 0, language)


# style -> language -> Django date format (month and day names come from the language's catalogue)
DATE_STYLES = {
    "tanggal": {"id": "d-m-Y", "en": "j M Y"},
    "waktu": {"id": "d-m-Y H.i", "en": "j M Y H:i"},
    "detik": {"id": "d-m-Y H.i.s", "en": "j M Y H:i:s"},
    "panjang": {"id": "j F Y", "en": "j F Y"},
    "hari": {"id": "l, j F Y", "en": "l, j F Y"},
    "hari_bulan": {"id": "j M", "en": "j M"},
}


def date(value, style: str = "tanggal", language: str | None = None) -> str:
    """A date or datetime in the language's form (DATE_STYLES); a datetime in the local time zone;
    empty as an en dash. Raises KeyError for an unknown style (a template typo shows in tests)."""
    if value is None or value == "":
        return EMPTY
    pattern = DATE_STYLES[style][language_code(language)]
    if hasattr(value, "hour") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, pattern)


def d3_locale(language: str | None = None) -> dict:
    """The same separators for charts (a d3-format locale, as vl-convert takes it)."""
    group, point = _separators(language)
    return {"decimal": point, "thousands": group, "grouping": [3], "currency": ["Rp", ""]}


def language_code(language: str | None = None) -> str:
    """ "en" or "id": the active language as the engine's bilingual labels name it."""
    return "en" if (language or get_language() or "id").split("-")[0] == "en" else "id"


def one_language(issue, language: str | None = None) -> str:
    """A bilingual message in the active language only: an object or a dict with `message_id` and
    `message_en` (a rule issue, an ODK problem), or an importer message written "<id> / <en>" (a str,
    or a dict's `message`; the first " / " splits it, and a text without one is returned whole)."""
    english = language_code(language) == "en"
    if isinstance(issue, str) or (isinstance(issue, dict) and "message_id" not in issue):
        text = issue if isinstance(issue, str) else str(issue.get("message") or "")
        indonesian, split, other = text.partition(" / ")
        return (other if english else indonesian) if split else text
    field = "message_en" if english else "message_id"
    return issue[field] if isinstance(issue, dict) else getattr(issue, field)
