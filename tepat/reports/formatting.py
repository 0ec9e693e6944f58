"""How reports print numbers, on top of the engine's Indonesian number formatting (one place for PDF and DOCX)."""

from __future__ import annotations

from datetime import date

from tepat.engine.measures.formatting import number as _number

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


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


def tanggal(value: date) -> str:
    """4 Desember 2024, whatever the system locale."""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def hari_tanggal(value: date) -> str:
    """Rabu, 4 Desember 2024"""
    return f"{HARI[value.weekday()]}, {tanggal(value)}"
