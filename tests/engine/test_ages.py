"""`umur` comparisons with a number compile to birth-date cut-offs: check them against year
arithmetic for every operator, around birthdays, on 29 February and without a birth date."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tepat.engine.rules import evaluate
from tepat.engine.rules.compiler import birth_cutoff
from tepat.engine.rules.nodes import COMPARISONS
from tests.engine.data import BACKENDS, REFERENCE_DATES, Backends, result_rows
from tests.engine.reference import age

BIRTHS = [
    date(2000, 2, 29),
    date(2004, 2, 28),
    date(2004, 3, 1),
    date(2010, 6, 30),
    date(2010, 7, 1),
    date(2010, 6, 29),
    date(2019, 2, 28),
    date(2020, 2, 29),
    date(2023, 2, 28),
    date(2024, 1, 1),
    date(2024, 12, 31),
    date(1950, 3, 1),
    date(1950, 2, 28),
    date(2025, 3, 1),
    None,
]
# One family per member, so ada_anggota(c) is the member's own truth of c.
FAMILIES = pl.DataFrame({"family_id": list(range(len(BIRTHS)))})
MEMBERS = pl.DataFrame(
    {"family_id": list(range(len(BIRTHS))), "is_active": [True] * len(BIRTHS), "tanggal_lahir": BIRTHS},
    schema_overrides={"tanggal_lahir": pl.Date},
)


def expected(born: date | None, op: str, years: float, reference: date) -> bool:
    return born is not None and COMPARISONS[op](age(born, reference), years)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("op", COMPARISONS)
def test_age_cutoffs_match_year_arithmetic(backends: Backends, backend: str, op: str) -> None:
    families, members = backends.native(FAMILIES, backend), backends.native(MEMBERS, backend)
    for reference in REFERENCE_DATES:
        for years in (-1, 0, 1, 4, 5.5, 14, 20, 24, 73, 74, 10_000):
            result = evaluate(f"ada_anggota(umur {op} {years})", families, members, reference)
            truths = [(i, expected(born, op, years, reference)) for i, born in enumerate(BIRTHS)]
            assert [row[:2] for row in result_rows(result)] == truths, (reference, op, years)


def test_birth_cutoff_on_29_february() -> None:
    assert birth_cutoff(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert birth_cutoff(date(2024, 2, 29), 4) == date(2020, 2, 29)
    assert birth_cutoff(date(2024, 6, 30), 10_000) is None
