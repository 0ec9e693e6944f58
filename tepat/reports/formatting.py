"""How reports print numbers, on top of the engine's Indonesian number formatting (one place for PDF and DOCX)."""
from __future__ import annotations

from tepat.engine.measures.formatting import number as _number


def decimal(value, digits: int = 2) -> str:
    return "-" if value in (None, "") else _number(value, "id", digits)


def rupiah(value) -> str:
    return "Rp " + _number(int(value or 0), "id", 0)


def share(ratio) -> str:
    """A 0-1 ratio as a percentage."""
    return "-" if ratio is None else f"{_number(ratio * 100, 'id', 1)} %"


def percent(value) -> str:
    """A value already in percent."""
    return "-" if value is None else f"{_number(value, 'id', 1)} %"
