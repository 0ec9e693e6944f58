"""Independent checks of a suppression pattern, written apart from tepat.engine.disclosure.audit:
- `linprog_ranges`: every cell a variable (shown ones fixed by equality rows), scipy's linprog, no
  substitution, no components, no warm start, no shortcut;
- `enumerated_counts`: the integer values each hidden cell can take, by depth-first enumeration with
  propagation (tiny tables only)."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog


def linprog_ranges(
    values: list[int], equations: list[tuple[int, tuple[int, ...]]], hidden: set[int]
) -> dict[int, tuple[float, float]]:
    n = len(values)
    rows, rhs = [], []
    for total, parts in equations:
        row = np.zeros(n)
        row[total] -= 1
        for p in parts:
            row[p] += 1
        rows.append(row)
        rhs.append(0.0)
    for j in range(n):
        if j not in hidden:
            row = np.zeros(n)
            row[j] = 1
            rows.append(row)
            rhs.append(values[j])
    a_eq, b_eq = np.array(rows), np.array(rhs)
    ranges = {}
    for i in hidden:
        cost = np.zeros(n)
        cost[i] = 1
        low = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, low.message
        ranges[i] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return ranges


def possible(low: float, high: float) -> float:
    return math.inf if math.isinf(high) else math.floor(high + 1e-6) - math.ceil(low - 1e-6) + 1


def linprog_failures(values, equations, hidden, small: int = 5) -> list[int]:
    return [i for i, (low, high) in linprog_ranges(values, equations, hidden).items() if possible(low, high) < small]


def enumerated_counts(
    values: list[int], equations: list[tuple[int, tuple[int, ...]]], hidden: set[int], cap: int
) -> dict[int, int]:
    """Distinct integer values in [0, cap] of each hidden cell over all solutions."""
    lines = [(total, parts) for total, parts in equations]
    order = sorted(hidden)
    seen: dict[int, set[int]] = {i: set() for i in order}
    known = {j: values[j] for j in range(len(values)) if j not in hidden}

    def propagate(assigned: dict[int, int]) -> dict[int, int] | None:
        assigned = dict(assigned)
        changed = True
        while changed:
            changed = False
            for total, parts in lines:
                cells = (total, *parts)
                unknown = [c for c in cells if c not in assigned]
                if len(unknown) > 1:
                    continue
                balance = sum(assigned[p] for p in parts if p in assigned) - (assigned.get(total, 0))
                if not unknown:
                    if balance != 0:
                        return None
                    continue
                c = unknown[0]
                value = balance if c == total else -balance
                if not 0 <= value <= cap:
                    return None
                assigned[c] = value
                changed = True
        return assigned

    def search(assigned: dict[int, int]) -> None:
        assigned = propagate(assigned)
        if assigned is None:
            return
        free = [i for i in order if i not in assigned]
        if not free:
            for i in order:
                seen[i].add(assigned[i])
            return
        for value in range(cap + 1):
            search({**assigned, free[0]: value})

    search(known)
    return {i: len(s) for i, s in seen.items()}
