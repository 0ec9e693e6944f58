"""Lexicographic solves with HiGHS: optimise each stage's objective, then hold it and optimise the next.

Stage i+1 adds the row  c_i . v >= value_i - tol  (<= for a minimisation), tol = 1e-6 x max(1, |value_i|),
and starts from stage i's solution, so it is never worse on earlier stages. With fix_complete the
"complete" stage is held by fixing its y columns instead (same complete families, not just as many):
that row makes the next LP very degenerate, and at 20,000 families it did not finish in 30 s. The time limit is shared:
each stage gets what the earlier ones left; a stage with nothing left is "skipped" and the plan keeps
the previous stage's solution with status "time_limit".
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from tepat.engine.allocation.milp import Model
from tepat.engine.allocation.plan import Stage

_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
}
_INTEGRAL_ABS_GAP = 1.0 - 1e-6  # an integer objective is proven optimal once bound - incumbent < 1
FIXED_NOTE = "the complete families of the first stage are kept"
TIE_BREAK_REL_GAP = 1e-4  # tie-break stages stop within 0.01 % (cost: Rp 1 million in Rp 10 billion)


@dataclass
class Outcome:
    values: np.ndarray | None  # column values of the best solution found, None if none
    stages: list[Stage]
    status: str  # optimal | time_limit | infeasible


def _highs(model: Model) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(model.lp)
    return h


def _configure(h: highspy.Highs, model: Model, name: str, maximise: bool, remaining: float, rel_gap: float) -> None:
    n = model.n_cols
    h.changeColsCost(n, np.arange(n, dtype=np.int32), model.costs[name])
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
    h.setOptionValue("time_limit", max(remaining, 1e-3))
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.setOptionValue("mip_abs_gap", _INTEGRAL_ABS_GAP if model.integral[name] else 1e-6)


def _warm_start(h: highspy.Highs, values: np.ndarray | None) -> None:
    if values is not None:
        solution = highspy.HighsSolution()
        solution.col_value = values.tolist()
        solution.value_valid = True
        h.setSolution(solution)


def _hold(
    h: highspy.Highs, model: Model, name: str, maximise: bool, value: float, values: np.ndarray, fix: bool
) -> None:
    """Keep stage `name` at its value for the next stages: add a row, or (fix) fix the y columns."""
    if fix and name == "complete":
        first = model.n_cols - len(model.y_family)
        y = np.round(values[first:])
        h.changeColsBounds(len(y), np.arange(first, model.n_cols, dtype=np.int32), y, y)
        return
    tol = 1e-6 * max(1.0, abs(value))
    cost = model.costs[name]
    idx = np.flatnonzero(cost).astype(np.int32)
    held = value - model.offsets[name]  # the row holds costs . v, without the constant
    lower, upper = (held - tol, np.inf) if maximise else (-np.inf, held + tol)
    h.addRow(lower, upper, len(idx), idx, cost[idx])


def _run_once(h: highspy.Highs) -> tuple[str, np.ndarray | None, float | None]:
    h.run()
    model_status = h.getModelStatus()
    if model_status not in _STATUS:
        raise RuntimeError(f"HiGHS: {h.modelStatusToString(model_status)}")
    info = h.getInfo()
    feasible = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value) if feasible else None
    gap = float(info.mip_gap) if feasible else None
    return _STATUS[model_status], values, gap


def _run_stage(h: highspy.Highs, cost: np.ndarray) -> tuple[str, np.ndarray | None, float | None]:
    """Solve the configured stage. HiGHS (1.16) can end with the objective of a better solution yet hand
    back the warm start's column values (seen when presolve solves the whole stage, e.g. 3 families and
    3 programs: objective 3, columns of the start's 2); the columns are then solved for again, cold.
    Guarantee: the returned columns score the objective HiGHS reports."""
    status, values, gap = _run_once(h)
    if values is not None and not _agrees(float(cost @ values), h.getInfo().objective_function_value):
        h.clearSolver()
        status, values, gap = _run_once(h)
    return status, values, gap


def _agrees(score: float, reported: float) -> bool:
    return abs(score - reported) <= 1e-6 * max(1.0, abs(reported))


def solve_stages(
    model: Model,
    names: tuple[str, ...],
    start: np.ndarray | None,
    time_limit: float,
    rel_gap: float,
    fix_complete: bool,
) -> Outcome:
    """Run the stages (the first maximises; "cost" minimises). Outcome status is the worst stage's.
    fix_complete: the stage after "complete" keeps its complete families (y fixed) instead of only their
    number — much faster at city scale, but no longer an exact lexicographic tie-break."""
    deadline = time.perf_counter() + time_limit
    h, values, stages, status = _highs(model), start, [], "optimal"
    for i, name in enumerate(names):
        remaining, maximise = deadline - time.perf_counter(), name != "cost"
        if i > 0 and remaining <= 0:
            stages.append(Stage(name, "skipped", None, None, 0.0))
            status = "time_limit"
            continue
        _configure(h, model, name, maximise, remaining, rel_gap if i == 0 else max(rel_gap, TIE_BREAK_REL_GAP))
        _warm_start(h, values)
        began = time.perf_counter()
        stage_status, found, gap = _run_stage(h, model.costs[name])
        if stage_status == "infeasible":
            stages.append(Stage(name, "infeasible", None, None, time.perf_counter() - began))
            if i == 0:
                return Outcome(None, stages, "infeasible")
            break  # only numerically possible: keep the previous stage's solution
        values = found if found is not None else values
        value = None if values is None else float(model.costs[name] @ values) + model.offsets[name]
        note = FIXED_NOTE if fix_complete and i > 0 and names[0] == "complete" else ""
        stages.append(Stage(name, stage_status, value, gap, time.perf_counter() - began, note))
        status = status if stage_status == "optimal" else "time_limit"
        if values is None:
            break
        _hold(h, model, name, maximise, value, values, fix_complete)
    return Outcome(values, stages, status)
