"""The LP audit: how precisely can an attacker who sees every published cell compute a hidden one?

For the hidden cells H of a release, the attacker knows every shown count, every equation of the
linked tables and that counts are >= 0. For each hidden cell i the audit solves (HiGHS)

    low_i = min x_i,  high_i = max x_i   subject to   sum(x_parts) = x_total for every equation,
                                                      x_j = a_j for every shown j,  x >= 0,

and counts the whole numbers in [low_i, high_i]. A release passes when every hidden cell keeps at
least `small` (SMALL_CELL) possible values. The LP is split into connected components (hidden cells
sharing an equation); one HiGHS model per component, re-solved with a new objective (warm start).
Shortcut (default): every LP solution is a point the attacker cannot rule out, so a cell whose values
over the solutions already seen span `small` whole numbers is certified without its own two LPs; its
reported interval is then a certified sub-interval of [low, high]. `exact=True` solves them all.
Cost: 2 LPs per uncertified hidden cell, each a warm-started re-solve of a component's model.
Guarantee: a failing cell's interval is exact (its own min and max were solved).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np

from tepat.engine.disclosure.tables import SMALL_CELL, LinkedTables

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Interval:
    cell: int
    key: object
    value: int
    low: float
    high: float  # math.inf when unbounded

    @property
    def possible(self) -> float:
        """Whole numbers in [low, high] (math.inf when unbounded)."""
        if math.isinf(self.high):
            return math.inf
        return math.floor(self.high + TOLERANCE) - math.ceil(self.low - TOLERANCE) + 1


@dataclass(frozen=True)
class Audit:
    intervals: tuple[Interval, ...]
    small: int
    seconds: float
    exact: bool

    @property
    def failures(self) -> list[Interval]:
        return [i for i in self.intervals if i.possible < self.small]

    @property
    def passed(self) -> bool:
        return not self.failures

    def summary(self) -> dict:
        """JSON-ready: the rule, the verdict and each failing or tightest cell."""
        tightest = sorted(self.intervals, key=lambda i: (i.possible, str(i.key)))[:10]
        return {
            "passed": self.passed,
            "hidden_cells": len(self.intervals),
            "small_cell": self.small,
            "failures": [_record(i) for i in self.failures],
            "tightest": [_record(i) for i in tightest],
            "seconds": round(self.seconds, 3),
            "exact": self.exact,
        }


def _record(interval: Interval) -> dict:
    high = None if math.isinf(interval.high) else round(interval.high, 6)
    possible = None if math.isinf(interval.possible) else interval.possible
    return {
        "cell": list(interval.key) if isinstance(interval.key, tuple) else interval.key,
        "low": round(interval.low, 6),
        "high": high,
        "possible_values": possible,
    }


def audit(tables: LinkedTables, hidden: set[int], small: int = SMALL_CELL, *, exact: bool = False) -> Audit:
    """Min and max of every hidden cell given everything shown (module docstring)."""
    start = time.perf_counter()
    rows = _rows(tables, hidden)
    found: dict[int, tuple[float, float]] = {}
    for cells, component_rows in _components(sorted(hidden), rows):
        found.update(_ranges(tables, cells, component_rows, small, exact))
    intervals = tuple(Interval(i, tables.keys[i], tables.values[i], *found[i]) for i in sorted(hidden))
    return Audit(intervals, small, time.perf_counter() - start, exact)


def _rows(tables: LinkedTables, hidden: set[int]) -> list[tuple[dict[int, float], float]]:
    """Each equation with a hidden cell as {hidden cell: coefficient}, right-hand side."""
    rows = []
    for total, parts in tables.equations:
        coefficients: dict[int, float] = {}
        rhs = 0.0
        for cell, sign in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if cell in hidden:
                coefficients[cell] = coefficients.get(cell, 0.0) + sign
            else:
                rhs -= sign * tables.values[cell]
        if coefficients:
            rows.append((coefficients, rhs))
    return rows


def _components(cells: list[int], rows: list[tuple[dict[int, float], float]]):
    """Hidden cells joined by a shared equation (union-find), with their equations."""
    parent = {c: c for c in cells}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for coefficients, _ in rows:
        first, *rest = coefficients
        for other in rest:
            parent[find(other)] = find(first)
    members: dict[int, list[int]] = {}
    for c in cells:
        members.setdefault(find(c), []).append(c)
    grouped: dict[int, list] = {root: [] for root in members}
    for row in rows:
        grouped[find(next(iter(row[0])))].append(row)
    return [(members[root], grouped[root]) for root in members]


def _model(cells: list[int], rows: list[tuple[dict[int, float], float]]) -> highspy.Highs:
    position = {c: k for k, c in enumerate(cells)}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n = len(cells)
    h.addCols(
        n,
        np.zeros(n),
        np.zeros(n),
        np.full(n, highspy.kHighsInf),
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([]),
    )
    if rows:
        starts, indices, values, bounds = [], [], [], []
        for coefficients, rhs in rows:
            starts.append(len(indices))
            indices += [position[c] for c in coefficients]
            values += list(coefficients.values())
            bounds.append(rhs)
        b = np.array(bounds)
        h.addRows(
            len(rows), b, b, len(indices), np.array(starts, np.int32), np.array(indices, np.int32), np.array(values)
        )
    return h


def _ranges(tables: LinkedTables, cells: list[int], rows, small: int, exact: bool) -> dict[int, tuple[float, float]]:
    """{cell: (low, high)} for one component: exact, or certified by the solutions seen (module docstring)."""
    if not rows:  # tied to nothing shown: any count >= 0
        return dict.fromkeys(cells, (0.0, math.inf))
    h = _model(cells, rows)
    truth = np.array([tables.values[c] for c in cells], dtype=float)
    seen_low, seen_high = truth.copy(), truth.copy()
    result: dict[int, tuple[float, float]] = {}
    for k, cell in enumerate(cells):
        if not exact and _certified(seen_low[k], seen_high[k], small):
            result[cell] = (seen_low[k], seen_high[k])
            continue
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            value, point = _solve(h, k, len(cells), sense)
            bounds.append(value)
            if point is not None:
                np.minimum(seen_low, point, out=seen_low)
                np.maximum(seen_high, point, out=seen_high)
        result[cell] = (bounds[0], bounds[1])
    return result


def _certified(low: float, high: float, small: int) -> bool:
    return math.floor(high + TOLERANCE) - math.ceil(low - TOLERANCE) + 1 >= small


def _solve(h: highspy.Highs, k: int, n: int, sense) -> tuple[float, np.ndarray | None]:
    """Optimum of x_k (min or max) and the solution; (inf, None) when unbounded."""
    costs = np.zeros(n)
    costs[k] = 1.0
    h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    h.changeObjectiveSense(sense)
    h.run()
    status = h.getModelStatus()
    if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return math.inf, None
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"audit LP ended {h.modelStatusToString(status)}: the published counts are inconsistent")
    point = np.array(h.getSolution().col_value)
    return max(0.0, float(point[k])), point
