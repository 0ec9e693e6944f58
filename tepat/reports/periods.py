"""Reporting periods: a year, a quarter (Inpres 4/2022 reports quarterly) or a semester (Inpres 8/2025)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QqSs])(?P<n>\d))?$")
PARTS = {"Q": (4, 3, "Triwulan", "Inpres 4/2022"), "S": (2, 6, "Semester", "Inpres 8/2025")}


class PeriodError(ValueError):
    """A period the user typed that we cannot read; the message is in Indonesian and English."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # Indonesian, e.g. "Triwulan III 2026"
    basis: str  # the instruction that asks for this report

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


ROMAN = ["I", "II", "III", "IV"]


def parse_period(text: str) -> Period:
    """`2026`, `2026-Q3` or `2026-S2`; anything else raises PeriodError naming what was wrong."""
    match = PATTERN.match(text.strip())
    if not match:
        raise PeriodError(
            f"periode '{text}' tidak dikenal: tulis 2026, 2026-Q1..Q4 atau 2026-S1..S2 / "
            f"unknown period '{text}': write 2026, 2026-Q1..Q4 or 2026-S1..S2"
        )
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise PeriodError(f"tahun {year} di luar 2000-2100 / year {year} outside 2000-2100")
    if not match["kind"]:
        return Period(date(year, 1, 1), date(year, 12, 31), f"Tahun {year}", "Permendagri 53/2020")
    parts, months, word, basis = PARTS[match["kind"].upper()]
    n = int(match["n"])
    if not 1 <= n <= parts:
        raise PeriodError(f"{word.lower()} {n} tidak ada: pilih 1..{parts} / there is no part {n}: choose 1..{parts}")
    first_month = (n - 1) * months + 1
    last_month = first_month + months - 1
    end = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return Period(
        date(year, first_month, 1), date.fromordinal(end.toordinal() - 1), f"{word} {ROMAN[n - 1]} {year}", basis
    )
