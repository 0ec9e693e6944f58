"""A plan (family -> programs) and its what-if: recomputed from the assignment, never from solver values.

`evaluate` is the single definition of feasibility and of both objectives; `solve`, `greedy` and the
tests' brute force all go through it, so the plans they return are measured the same way.
Cost: O(F x P x V) numpy work per plan.
"""

from __future__ import annotations

from tepat.engine.bilingual import Message

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

from tepat.engine.allocation.problem import AllocationError, Problem


@dataclass(frozen=True)
class ProgramUse:
    """One program in a plan: its families (the later target list), how many, the spend and the budget."""

    code: str
    families: tuple[Hashable, ...]
    count: int
    spend: float
    budget: float


@dataclass(frozen=True)
class WhatIf:
    """What the plan leaves behind. `remaining_by_deprivation` counts families still having each deprivation."""

    families: int
    complete: int  # families all of whose deprivations are addressed (those with none included)
    unmet: int  # families with at least one deprivation still unaddressed
    families_by_kecamatan: dict[str, int]
    complete_by_kecamatan: dict[str, int]
    unmet_by_kecamatan: dict[str, int]
    deprivations_before: dict[str, int]
    remaining_by_deprivation: dict[str, int]
    weighted_removed: float
    total_cost: float


@dataclass(frozen=True)
class Stage:
    """One lexicographic solve: what it optimised, how it ended, its gap and time."""

    name: str
    status: str
    value: float | None
    mip_gap: float | None
    seconds: float
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """An allocation. status: optimal | time_limit | infeasible (MILP) or heuristic (greedy).

    `objective_value` is None only when no feasible plan was found; `mip_gap` is the primary solve's
    relative gap (0 when proven optimal, None for greedy)."""

    method: str
    objective: str
    status: str
    objective_value: float | None
    mip_gap: float | None
    seconds: float
    assignments: dict[Hashable, tuple[str, ...]]  # only families given at least one program
    programs: dict[str, ProgramUse]
    whatif: WhatIf
    stages: tuple[Stage, ...] = ()
    families: tuple[Hashable, ...] = field(default=(), repr=False)  # every family of the problem, in input order

    def target_lists(self) -> dict[str, tuple[Hashable, ...]]:
        """Each program's assigned families, in input order: what a target list is cut from."""
        return {code: use.families for code, use in self.programs.items()}


@dataclass(frozen=True)
class Evaluation:
    feasible: bool
    complete: np.ndarray  # (F,) bool
    met: np.ndarray  # (F, V) bool: deprivation present and removed
    counts: np.ndarray  # (P,) int

    def value(self, problem: Problem, objective: str) -> float:
        if objective == "complete":
            return float(self.complete.sum())
        return float((problem.weight * self.met).sum())

    def cost(self, problem: Problem) -> float:
        return float((self.counts * problem.cost).sum())


def evaluate(problem: Problem, x: np.ndarray) -> Evaluation:
    """Measure an (F, P) boolean assignment. Feasible: eligible pairs only, capacity and minimum per program."""
    x = np.asarray(x, dtype=bool)
    covered = (x.astype(np.int32) @ problem.removes.astype(np.int32)) > 0
    met = problem.need & covered
    counts = x.sum(axis=0)
    feasible = bool(
        not (x & ~problem.eligible).any() and (counts <= problem.capacity).all() and (counts >= problem.minimum).all()
    )
    return Evaluation(feasible, ~(problem.need & ~covered).any(axis=1), met, counts)


def drop_redundant(problem: Problem, x: np.ndarray) -> np.ndarray:
    """Drop programs that remove nothing another program of the same family does not already remove,
    most expensive first, never below a minimum quota. Keeps both objectives, lowers the cost.
    Used when the cost stage did not finish; O(assigned pairs x V)."""
    x = np.array(x, dtype=bool)
    count = x.astype(np.int32) @ problem.removes.astype(np.int32)  # (F, V) programs removing each deprivation
    left = x.sum(axis=0) - problem.minimum
    rows, cols = np.nonzero(x)
    for i in np.argsort(-problem.cost[cols], kind="stable").tolist():
        f, p = rows[i], cols[i]
        removed = problem.removes[p] & problem.need[f]
        if left[p] > 0 and (count[f, removed] >= 2).all():
            x[f, p] = False
            count[f, problem.removes[p]] -= 1
            left[p] -= 1
    return x


def _by_kecamatan(mask: np.ndarray, names: np.ndarray, inverse: np.ndarray) -> dict[str, int]:
    counts = np.bincount(inverse, weights=mask.astype(float), minlength=len(names))
    return {str(name): int(n) for name, n in zip(names, counts)}


def whatif(problem: Problem, x: np.ndarray) -> WhatIf:
    """Families complete and still unmet, in total and by kecamatan; remaining deprivations by type."""
    e = evaluate(problem, x)
    names, inverse = np.unique(problem.kecamatan.astype(str), return_inverse=True)
    everyone = np.ones(len(problem.family_ids), dtype=bool)
    remaining = problem.need & ~e.met
    return WhatIf(
        families=len(problem.family_ids),
        complete=int(e.complete.sum()),
        unmet=int((~e.complete).sum()),
        families_by_kecamatan=_by_kecamatan(everyone, names, inverse),
        complete_by_kecamatan=_by_kecamatan(e.complete, names, inverse),
        unmet_by_kecamatan=_by_kecamatan(~e.complete, names, inverse),
        deprivations_before={d: int(n) for d, n in zip(problem.deprivations, problem.need.sum(axis=0))},
        remaining_by_deprivation={d: int(n) for d, n in zip(problem.deprivations, remaining.sum(axis=0))},
        weighted_removed=float((problem.weight * e.met).sum()),
        total_cost=e.cost(problem),
    )


def _assignments(problem: Problem, x: np.ndarray) -> dict[Hashable, tuple[str, ...]]:
    rows, cols = np.nonzero(x)
    result: dict[Hashable, list[str]] = {}
    for r, c in zip(rows.tolist(), cols.tolist()):
        result.setdefault(problem.family_ids[r], []).append(problem.codes[c])
    return {family: tuple(codes) for family, codes in result.items()}


def _program_uses(problem: Problem, x: np.ndarray) -> dict[str, ProgramUse]:
    uses = {}
    for j, code in enumerate(problem.codes):
        members = tuple(problem.family_ids[i] for i in np.flatnonzero(x[:, j]).tolist())
        uses[code] = ProgramUse(
            code, members, len(members), len(members) * float(problem.cost[j]), float(problem.budget[j])
        )
    return uses


def make_plan(
    problem: Problem,
    x: np.ndarray | None,
    *,
    method: str,
    objective: str,
    status: str,
    mip_gap: float | None,
    seconds: float,
    stages: tuple[Stage, ...] = (),
) -> Plan:
    """Build a Plan from an assignment (None = no feasible plan found: empty assignment, value None)."""
    found = x is not None
    x = np.zeros(problem.eligible.shape, dtype=bool) if x is None else np.asarray(x, dtype=bool)
    e = evaluate(problem, x)
    return Plan(
        method=method,
        objective=objective,
        status=status,
        objective_value=e.value(problem, objective) if found else None,
        mip_gap=mip_gap,
        seconds=seconds,
        assignments=_assignments(problem, x),
        programs=_program_uses(problem, x),
        whatif=whatif(problem, x),
        stages=stages,
        families=tuple(problem.family_ids),
    )


@dataclass(frozen=True)
class Delta:
    first: float | None
    second: float | None
    difference: float | None  # first - second


@dataclass(frozen=True)
class Comparison:
    """Differences between two plans of the same families (first minus second)."""

    objective_value: Delta
    complete: Delta
    unmet: Delta
    total_cost: Delta
    unmet_by_kecamatan: dict[str, Delta]
    remaining_by_deprivation: dict[str, Delta]
    families_by_program: dict[str, Delta]
    spend_by_program: dict[str, Delta]
    changed_families: int  # families whose set of programs differs
    served_only_in_first: tuple[Hashable, ...]
    served_only_in_second: tuple[Hashable, ...]


def _delta(a: float | None, b: float | None) -> Delta:
    return Delta(a, b, None if a is None or b is None else a - b)


def _deltas(a: dict[str, float], b: dict[str, float]) -> dict[str, Delta]:
    return {key: _delta(a.get(key, 0), b.get(key, 0)) for key in sorted(set(a) | set(b))}


def compare(first: Plan, second: Plan) -> Comparison:
    """Side-by-side differences, e.g. compare(milp_plan, greedy_plan). Plans must cover the same families."""
    if set(first.families) != set(second.families):
        raise AllocationError(
            "different_families",
            Message("Kedua rencana tidak untuk keluarga yang sama", "The two plans are not for the same families"),
        )
    a, b = first.whatif, second.whatif
    families = set(first.assignments) | set(second.assignments)
    same_objective = first.objective == second.objective
    return Comparison(
        objective_value=_delta(first.objective_value, second.objective_value) if same_objective else _delta(None, None),
        complete=_delta(a.complete, b.complete),
        unmet=_delta(a.unmet, b.unmet),
        total_cost=_delta(a.total_cost, b.total_cost),
        unmet_by_kecamatan=_deltas(a.unmet_by_kecamatan, b.unmet_by_kecamatan),
        remaining_by_deprivation=_deltas(a.remaining_by_deprivation, b.remaining_by_deprivation),
        families_by_program=_deltas(
            {c: u.count for c, u in first.programs.items()}, {c: u.count for c, u in second.programs.items()}
        ),
        spend_by_program=_deltas(
            {c: u.spend for c, u in first.programs.items()}, {c: u.spend for c, u in second.programs.items()}
        ),
        changed_families=sum(set(first.assignments.get(f, ())) != set(second.assignments.get(f, ())) for f in families),
        served_only_in_first=tuple(f for f in first.assignments if f not in second.assignments),
        served_only_in_second=tuple(f for f in second.assignments if f not in first.assignments),
    )
