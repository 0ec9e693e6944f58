"""Choosing the hidden cells: primary cells, complements by a line rule, then audit and repair.

1. Primary: sensitive cells counting 1..small-1 (with their groups).
2. Lines: an equation with exactly one hidden cell gives it back by subtraction, so one more cell of
   that equation is hidden (a non-margin cell with room for `small`-1 first, then the smallest), until
   no equation has exactly one.
3. Audit (audit.py). For each failing cell i with range [low, high], a repair LP finds the cheapest
   set of shown cells whose hiding lets x_i rise by s = small-1-(a_i-ceil(low)):
       min sum(w_j (p_j + m_j) over shown j)  s.t.  y = p - m satisfies every equation (homogeneous),
       p_i = s, m_i = 0, 0 <= m_j <= a_j (counts stay >= 0);
   every shown cell with y_j != 0 is hidden. After hiding them, a_i + s is a feasible value for the
   attacker, so cell i passes; step 2 and 3 repeat until the audit passes.
Guarantee: terminates (each round hides at least one more cell, and with every cell hidden the
equations are homogeneous, so every cell is unbounded above) and returns only an audited pattern.
Cost: one LP per failing cell per round, over all cells of the release.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np

from tepat.engine.disclosure.audit import TOLERANCE, Audit, audit
from tepat.engine.disclosure.tables import SMALL_CELL, LinkedTables

MAX_ROUNDS = 100


@dataclass(frozen=True)
class Protected:
    hidden: frozenset[int]
    primary: frozenset[int]
    audit: Audit
    rounds: int


def protect(
    tables: LinkedTables,
    small: int = SMALL_CELL,
    *,
    exact: bool = False,
    start: frozenset[int] = frozenset(),
    frozen: frozenset[int] = frozenset(),
) -> Protected:
    """Primary and complementary cells such that the audit passes (module docstring). `start`: cells
    hidden already (an earlier release); `frozen`: shown cells that must stay shown (an earlier release
    published them), so a second release over the same tables stays consistent with the first."""
    if small <= 1:
        return Protected(frozenset(start), frozenset(), audit(tables, set(start), small), 0)
    primary = (tables.closed(tables.primary(small)) - frozen) | start
    hidden = lines(tables, primary, small, frozen)
    for rounds in range(1, MAX_ROUNDS + 1):
        result = audit(tables, hidden, small, exact=exact)
        if result.passed:
            return Protected(frozenset(hidden), frozenset(primary), result, rounds)
        try:
            hidden |= _repaired(tables, hidden, result, small, frozen)
        except RuntimeError:  # no way round the frozen cells: fall back to hiding every free cell
            break
        hidden = lines(tables, tables.closed(hidden), small, frozen)
    everything = set(range(len(tables.values))) - frozen
    return Protected(
        frozenset(everything), frozenset(primary), audit(tables, everything, small, exact=exact), MAX_ROUNDS + 1
    )


def _repaired(tables: LinkedTables, hidden: set[int], result: Audit, small: int, frozen: frozenset[int]) -> set[int]:
    """Step 3 for one round: a repair per failing cell, except cells whose equations already gained a
    hidden cell this round (the next audit decides whether they still need one)."""
    fix = Repair(tables, hidden, frozen)
    touching: dict[int, list[int]] = {}
    for line in tables.lines():
        for c in line:
            touching.setdefault(c, []).extend(line)
    added: set[int] = set()
    for failure in result.failures:
        if added & set(touching.get(failure.cell, ())):
            continue
        added |= fix(failure.cell, _rise(failure.value, failure.low, small))
    return added


def _rise(value: int, low: float, small: int) -> int:
    return max(1, small - 1 - (value - math.ceil(low - TOLERANCE)))


def lines(
    tables: LinkedTables, hidden: set[int], small: int = SMALL_CELL, frozen: frozenset[int] = frozenset()
) -> set[int]:
    """Hide one more cell of every equation with exactly one hidden cell, until none has (step 2)."""
    hidden = set(hidden)
    all_lines = tables.lines()
    changed = True
    while changed:
        changed = False
        for line in all_lines:
            if sum(c in hidden for c in line) == 1:
                shown = [c for c in line if c not in hidden and c not in frozen]
                if shown:
                    hidden |= tables.closed({min(shown, key=lambda c: _preference(tables, c, small))})
                    changed = True
    return hidden


def _preference(tables: LinkedTables, cell: int, small: int) -> tuple:
    value = tables.values[cell]
    return (value < small - 1, tables.weight[cell], value, cell)


class Repair:
    """The repair LP of step 3, built once per round and re-solved for each failing cell (warm start):
    only the failing cell's bounds and the costs of newly hidden cells change between solves."""

    def __init__(self, tables: LinkedTables, hidden: set[int], frozen: frozenset[int] = frozenset()):
        n = self.n = len(tables.values)
        self.tables, self.hidden, self.values = tables, set(hidden), np.array(tables.values, dtype=float)
        weight = np.array([0.0 if i in hidden else w for i, w in enumerate(tables.weight)])
        upper = np.concatenate([np.full(n, highspy.kHighsInf), self.values])  # p_j free upwards, m_j <= a_j
        for j in frozen:
            upper[j] = upper[n + j] = 0.0
        self.upper = upper
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")  # re-solved from the previous basis
        empty_i, empty_f = np.array([], np.int32), np.array([])
        h.addCols(2 * n, np.concatenate([weight, weight]), np.zeros(2 * n), upper, 0, empty_i, empty_i, empty_f)
        starts, indices, coefficients = [], [], []
        for total, parts in tables.equations:
            starts.append(len(indices))
            for c, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
                indices += [c, n + c]
                coefficients += [sign, -sign]
        if starts:
            zeros = np.zeros(len(starts))
            h.addRows(
                len(starts),
                zeros,
                zeros,
                len(indices),
                np.array(starts, np.int32),
                np.array(indices, np.int32),
                np.array(coefficients),
            )

    def __call__(self, cell: int, rise: int) -> set[int]:
        """The shown cells to hide so that `cell` can rise by `rise`; frozen cells do not move.
        Raises RuntimeError when no such set exists."""
        n, h = self.n, self.h
        h.changeColBounds(cell, rise, rise)
        h.changeColBounds(n + cell, 0.0, 0.0)
        h.run()
        status = h.getModelStatus()
        h.changeColBounds(cell, 0.0, self.upper[cell])
        h.changeColBounds(n + cell, 0.0, self.upper[n + cell])
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"repair LP ended {h.modelStatusToString(status)}")
        point = np.array(h.getSolution().col_value)
        moved = {int(j) for j in np.flatnonzero(np.abs(point[:n] - point[n:]) > TOLERANCE)}
        added = self.tables.closed((moved - self.hidden) | {cell}) - self.hidden
        self.hidden |= added
        if added:  # hidden cells move for free from now on
            columns = np.array(sorted(added) + [n + j for j in sorted(added)], dtype=np.int32)
            h.changeColsCost(len(columns), columns, np.zeros(len(columns)))
        return added


def repair(
    tables: LinkedTables, hidden: set[int], cell: int, rise: int, frozen: frozenset[int] = frozenset()
) -> set[int]:
    """One repair LP (step 3) on its own: the shown cells to hide so that `cell` can rise by `rise`."""
    return Repair(tables, hidden, frozen)(cell, rise) | {cell}


def line_rule(tables: LinkedTables, small: int = SMALL_CELL) -> Protected:
    """Step 2 alone (the rule used before the audit existed: no equation with a single hidden cell).
    Kept for comparison: its patterns often fail the audit, and a release built with it is then refused."""
    primary = tables.closed(tables.primary(small))
    hidden = lines(tables, primary, small)
    return Protected(frozenset(hidden), frozenset(primary), audit(tables, hidden, small), 0)
