"""The yearly rakor obligation, as a pure function of dates (no database).

Permendagri 53/2020 Pasal 13 ayat (3): the TKPK holds a coordination meeting at least three times a
year. The regulation does not say when; Tepat spreads the three over the year so that the team is
warned early instead of in December: **by the end of each third of the year (caturwulan: 30 April,
31 August, 31 December) at least 1, 2 and 3 rakor must have been held**. The next rakor is due by the
end of the first third whose cumulative count is not yet reached; once three are held the minimum is
met and nothing more is due (further meetings stay "sesuai kebutuhan").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

LEGAL_MINIMUM = 3
LEGAL_BASIS = "Permendagri 53/2020 Pasal 13 ayat (3)"
TERM_END_MONTHS = (4, 8, 12)  # a third of the year each: Jan-Apr, May-Aug, Sep-Dec


@dataclass(frozen=True)
class Term:
    number: int
    start: date
    end: date
    held: int  # rakor held within this term
    required_by_end: int  # cumulative
    held_by_end: int  # cumulative

    def ok(self) -> bool:
        return self.held_by_end >= self.required_by_end


@dataclass(frozen=True)
class Compliance:
    year: int
    today: date
    held_dates: list[date]
    minimum: int = LEGAL_MINIMUM
    legal_basis: str = LEGAL_BASIS
    terms: list[Term] = field(default_factory=list)
    next_due: date | None = None
    planned_dates: list[date] = field(default_factory=list)

    @property
    def held(self) -> int:
        return len(self.held_dates)

    @property
    def met(self) -> bool:
        return self.held >= self.minimum

    @property
    def remaining(self) -> int:
        return max(0, self.minimum - self.held)

    @property
    def overdue(self) -> bool:
        """A third of the year ended without its rakor: the next one is late."""
        return self.next_due is not None and self.next_due < self.today

    @property
    def planned_in_time(self) -> bool:
        """A planned rakor falls on or before the next due date (and not before today)."""
        return self.next_due is not None and any(self.today <= d <= self.next_due for d in self.planned_dates)

    @property
    def cannot_meet(self) -> bool:
        """The year is over (or is a past year) and the minimum was not met."""
        return not self.met and self.today > date(self.year, 12, 31)


def term_end(year: int, number: int) -> date:
    month = TERM_END_MONTHS[number - 1]
    return date(year, month, calendar.monthrange(year, month)[1])


def term_start(year: int, number: int) -> date:
    return date(year, 1, 1) if number == 1 else date(year, TERM_END_MONTHS[number - 2] + 1, 1)


def assess(year: int, held_dates: list[date], today: date, planned_dates: list[date] = ()) -> Compliance:
    """The compliance of `year` given the dates of the rakor held in it and those still planned."""
    held_dates = sorted(d for d in held_dates if d.year == year)
    terms = []
    for number in range(1, len(TERM_END_MONTHS) + 1):
        start, end = term_start(year, number), term_end(year, number)
        terms.append(
            Term(
                number,
                start,
                end,
                held=sum(start <= d <= end for d in held_dates),
                required_by_end=number,
                held_by_end=sum(d <= end for d in held_dates),
            )
        )
    next_due = term_end(year, len(held_dates) + 1) if len(held_dates) < LEGAL_MINIMUM else None
    planned = sorted(d for d in planned_dates if d.year == year)
    return Compliance(year, today, held_dates, terms=terms, next_due=next_due, planned_dates=planned)
