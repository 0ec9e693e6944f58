"""Budget allocation optimiser (issue 4, section 7): which extreme-poor families get which programs.

`solve` finds the exact optimum with a MILP (HiGHS through highspy); `greedy` is the by-priority
baseline; both return a `Plan` with its what-if, and `compare` lists their differences. No Django.
The model, guarantees and limits: docs/allocation.md.
"""

from __future__ import annotations

from tepat.engine.bilingual import Message

import time
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from tepat.engine.allocation.greedy import greedy_assignment, priority_order
from tepat.engine.allocation.lexicographic import solve_stages
from tepat.engine.allocation.milp import STAGES, assignment, build_model, start_vector
from tepat.engine.allocation.plan import (
    Comparison,
    Delta,
    Plan,
    ProgramUse,
    Stage,
    WhatIf,
    compare,
    drop_redundant,
    evaluate,
    make_plan,
)
from tepat.engine.allocation.problem import (
    DEPRIVATIONS,
    OBJECTIVES,
    AllocationError,
    Family,
    Problem,
    Program,
    build_problem,
    check_objective,
    families_from_frame,
)

__all__ = [
    "DEPRIVATIONS",
    "OBJECTIVES",
    "AllocationError",
    "Comparison",
    "Delta",
    "Family",
    "Plan",
    "Problem",
    "Program",
    "ProgramUse",
    "Stage",
    "WhatIf",
    "build_problem",
    "compare",
    "drop_redundant",
    "evaluate",
    "families_from_frame",
    "greedy",
    "solve",
]


EXACT_TIE_BREAK_FAMILIES = 5_000


def solve(
    families: Sequence[Family],
    programs: Sequence[Program],
    *,
    objective: str = "complete",
    weights: Mapping[str, float] | None = None,
    time_limit: float = 30.0,
    mip_rel_gap: float = 1e-6,
    deprivations: Sequence[str] = DEPRIVATIONS,
    exact_tie_breaks: bool | None = None,
) -> Plan:
    """The optimal plan for `objective`, lexicographically:
    "complete": most families with every deprivation addressed, then most weighted deprivations
    removed, then lowest cost; "weighted": most weighted deprivations removed, then lowest cost.

    Guarantees: the plan is feasible (eligible pairs, budgets, min/max quotas); no program is given to
    a family for which it removes nothing; it is never worse than `greedy` in the given order (greedy's
    plan is the first incumbent when it meets the minimum quotas). Status "optimal" means proven within
    `mip_rel_gap` (integer objectives: exactly); "time_limit" returns the best plan found, with the gap;
    "infeasible" (only possible with minimum quotas) returns an empty plan with objective_value None.
    exact_tie_breaks (objective "complete"): True holds only the *number* of complete families while
    maximising the weighted tie-break (exact); False keeps stage 1's complete families (far faster at
    city scale); None (default): exact up to EXACT_TIE_BREAK_FAMILIES families.
    Raises AllocationError (ValueError) on bad input."""
    began = time.perf_counter()
    check_objective(objective)
    _check_time_limit(time_limit)
    problem = build_problem(families, programs, weights, deprivations)
    model = build_model(problem, objective)
    if model.n_cols == 0:
        return _trivial(problem, objective, began)
    start = start_vector(problem, model, greedy_assignment(problem, list(range(len(problem.family_ids)))))
    exact = len(problem.family_ids) <= EXACT_TIE_BREAK_FAMILIES if exact_tie_breaks is None else exact_tie_breaks
    remaining = time_limit - (time.perf_counter() - began)
    outcome = solve_stages(model, STAGES[objective], start, remaining, mip_rel_gap, fix_complete=not exact)
    x = None if outcome.values is None else assignment(problem, model, outcome.values)
    if x is not None and outcome.stages[-1].status != "optimal":
        x = drop_redundant(problem, x)
    gap = outcome.stages[0].mip_gap if outcome.stages else None
    return make_plan(
        problem,
        x,
        method="milp",
        objective=objective,
        status=outcome.status,
        mip_gap=gap,
        seconds=time.perf_counter() - began,
        stages=tuple(outcome.stages),
    )


def _trivial(problem: Problem, objective: str, began: float) -> Plan:
    """No useful pair at all: the empty plan, optimal unless a minimum quota cannot be met."""
    nothing = np.zeros(problem.eligible.shape, dtype=bool)
    feasible = evaluate(problem, nothing).feasible
    status, x = ("optimal", nothing) if feasible else ("infeasible", None)
    return make_plan(
        problem,
        x,
        method="milp",
        objective=objective,
        status=status,
        mip_gap=0.0 if feasible else None,
        seconds=time.perf_counter() - began,
    )


def _check_time_limit(time_limit: float) -> None:
    if not time_limit > 0:
        raise AllocationError("time_limit", Message("Batas waktu harus positif", "The time limit must be positive"))


def greedy(
    families: Sequence[Family],
    programs: Sequence[Program],
    *,
    objective: str = "complete",
    weights: Mapping[str, float] | None = None,
    order: str | Sequence[Hashable] = "given",
    deprivations: Sequence[str] = DEPRIVATIONS,
) -> Plan:
    """The greedy by-priority plan (see greedy.py): each family in `order` gets the cheapest set of
    programs removing all its deprivations, if budgets allow, else nothing. Always within budgets and
    maximum quotas; ignores minimum quotas. `objective` only chooses how `objective_value` is measured."""
    began = time.perf_counter()
    check_objective(objective)
    problem = build_problem(families, programs, weights, deprivations)
    x = greedy_assignment(problem, priority_order(problem, order))
    return make_plan(
        problem,
        x,
        method="greedy",
        objective=objective,
        status="heuristic",
        mip_gap=None,
        seconds=time.perf_counter() - began,
    )
