"""Small-cell suppression of a count table with its row and column totals.

Primary: every count from 1 to threshold-1 is hidden. Complementary: in every row and column of the
table *with its totals*, either nothing is hidden or at least two values are, so that no hidden
value can be recovered by subtracting the visible ones from a total. The heuristic hides the
smallest visible non-zero value of a line with a single hidden value, and repeats until stable.
Cost: O(passes x cells); tables here have tens of rows.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Suppressed:
    cells: list[list[int | None]]  # None where hidden
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def _extended(cells: list[list[int]]) -> list[list[int]]:
    rows = [list(row) + [sum(row)] for row in cells]
    width = len(rows[0]) if rows else 1
    rows.append([sum(row[c] for row in rows) for c in range(width)])
    return rows


def _lines(height: int, width: int) -> list[list[tuple[int, int]]]:
    return [[(r, c) for c in range(width)] for r in range(height)] + [[(r, c) for r in range(height)] for c in range(width)]


def _protect(table: list[list[int]], hidden: set[tuple[int, int]], line: list[tuple[int, int]]) -> bool:
    """Hide one more value in a line that has exactly one hidden value. True if something changed."""
    if sum(cell in hidden for cell in line) != 1:
        return False
    candidates = [cell for cell in line if cell not in hidden and table[cell[0]][cell[1]] > 0]
    if not candidates:
        candidates = [cell for cell in line if cell not in hidden]
    if not candidates:
        return False
    hidden.add(min(candidates, key=lambda cell: (table[cell[0]][cell[1]], cell)))
    return True


def suppress(cells: list[list[int]], threshold: int = 5) -> Suppressed:
    """Hide small counts and enough others that totals do not reveal them."""
    table = _extended(cells)
    height, width = len(table), len(table[0])
    hidden = {(r, c) for r in range(height) for c in range(width) if 0 < table[r][c] < threshold}
    changed = True
    while changed:
        changed = any([_protect(table, hidden, line) for line in _lines(height, width)])
    shown = [[None if (r, c) in hidden else table[r][c] for c in range(width)] for r in range(height)]
    return Suppressed(
        cells=[row[:-1] for row in shown[:-1]],
        row_totals=[row[-1] for row in shown[:-1]],
        column_totals=shown[-1][:-1],
        total=shown[-1][-1],
    )
