"""Statistical disclosure control of linked count tables, with an LP audit. No Django.

    from tepat.engine.disclosure import LinkedTables, protect, released, SMALL_CELL, suppress
    tables = LinkedTables(); tables.cell(("desil", "12.09.01", "5"), 50); tables.sum(total, parts) ...
    result = released(tables)        # primary + complementary cells, audited; raises DisclosureRisk if not safe
    result.hidden, result.audit.summary()
    suppress([[6, 8], [3, 7]])       # one table with its row and column totals (same method)

Method and audit: docs/measures.md ("Small cells"). One threshold, SMALL_CELL.
"""

from __future__ import annotations

from dataclasses import dataclass

from tepat.engine.disclosure.audit import Audit, Interval, audit
from tepat.engine.disclosure.protect import Protected, line_rule, protect
from tepat.engine.disclosure.tables import SMALL_CELL, InconsistentTables, LinkedTables

METHODS = {"lp": protect, "garis": line_rule}  # how complements are chosen; every result is audited the same way

__all__ = [
    "METHODS",
    "SMALL_CELL",
    "Audit",
    "DisclosureRisk",
    "InconsistentTables",
    "Interval",
    "LinkedTables",
    "Protected",
    "Suppressed",
    "audit",
    "checked",
    "line_rule",
    "protect",
    "released",
    "suppress",
    "table",
]


class DisclosureRisk(RuntimeError):
    """The audit found a hidden cell computable to fewer than SMALL_CELL values: nothing is published."""

    def __init__(self, result: Audit):
        worst = result.failures[0]
        super().__init__(
            f"Audit gagal / audit failed: {len(result.failures)} hidden cell(s) computable to fewer than "
            f"{result.small} values, e.g. {worst.key!r} in [{worst.low:g}, {worst.high:g}]"
        )
        self.audit = result


def checked(tables: LinkedTables, hidden: set[int], small: int = SMALL_CELL) -> Audit:
    """The audit of a chosen pattern; raises DisclosureRisk unless it passes (every release goes through here)."""
    result = audit(tables, set(hidden), small)
    if not result.passed:
        raise DisclosureRisk(result)
    return result


def released(tables: LinkedTables, small: int = SMALL_CELL, protector=protect) -> Protected:
    """Protect, then audit the pattern independently of how it was chosen; refuses (DisclosureRisk) on failure.
    `protector`: (tables, small) -> Protected; another method can be plugged in and is audited the same way."""
    chosen = protector(tables, small)
    return Protected(chosen.hidden, chosen.primary, checked(tables, set(chosen.hidden), small), chosen.rounds)


@dataclass
class Suppressed:
    cells: list[list[int | None]]  # None where hidden
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def table(cells: list[list[int]]) -> LinkedTables:
    """One table with its row totals, column totals and grand total as linked tables."""
    tables = LinkedTables()
    height, width = len(cells), len(cells[0]) if cells else 0
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            tables.cell((r, c), value)
        tables.cell((r, "total"), sum(row), weight=2.0)
        tables.sum((r, "total"), [(r, c) for c in range(width)])
    for c in range(width):
        tables.cell(("total", c), sum(row[c] for row in cells), weight=2.0)
        tables.sum(("total", c), [(r, c) for r in range(height)])
    tables.cell(("total", "total"), sum(map(sum, cells)), weight=4.0)
    tables.sum(("total", "total"), [(r, "total") for r in range(height)])
    tables.sum(("total", "total"), [("total", c) for c in range(width)])
    return tables


def suppress(cells: list[list[int]], threshold: int = SMALL_CELL) -> Suppressed:
    """Hide small counts (1..threshold-1) and enough others that no hidden value can be computed to
    fewer than `threshold` values from the table and its totals (audited; threshold 0: hide nothing)."""
    tables = table(cells)
    hidden = released(tables, threshold).hidden if threshold > 1 and cells else frozenset()

    def shown(key):
        i = tables.index[key]
        return None if i in hidden else tables.values[i]

    height, width = len(cells), len(cells[0]) if cells else 0
    return Suppressed(
        [[shown((r, c)) for c in range(width)] for r in range(height)],
        [shown((r, "total")) for r in range(height)],
        [shown(("total", c)) for c in range(width)],
        shown(("total", "total")),
    )
