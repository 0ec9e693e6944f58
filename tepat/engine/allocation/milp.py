"""The MILP, built sparsely with numpy (no Python loop over rows), solved by HiGHS (highspy).

Columns, in this order:
- x[k] binary for each useful (family, program) pair k: eligible and removing at least one of the
  family's deprivations, so a program that removes nothing for a family can never be assigned;
- z[c] in [0, 1] for each cell c = (family f, deprivation d of f) that two or more pairs of f can
  remove (a cell only one pair k can remove uses x[k] itself as its "removed" variable);
- y[f] binary for each family whose every deprivation some pair can remove (objective "complete").
Rows: per program  minimum <= sum_k x[k] <= capacity  (capacity = min(maximum, floor(budget /
unit cost)), exact because a program costs the same for every family);  z[c] - sum_{k removing c}
x[k] <= 0;  y[f] - v <= 0  for the removed-variable v of each deprivation of f (deduplicated).
Objectives: complete = sum y (+ families without deprivations); weighted = sum w[c] v[c]; cost =
sum unit_cost x. At 20,000 families x 11 programs: ~10^5 columns and rows, built in about 0.1 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from tepat.engine.allocation.plan import evaluate
from tepat.engine.allocation.problem import Problem

STAGES = {"complete": ("complete", "weighted", "cost"), "weighted": ("weighted", "cost")}


@dataclass
class Cells:
    """Deprivations some pair can remove: family, deprivation, and the column saying "removed"."""

    family: np.ndarray
    deprivation: np.ndarray
    column: np.ndarray
    z: np.ndarray  # indices of the cells that have their own z column, in column order


@dataclass
class Model:
    """Column layout [x | z | y], the objective vector of every stage, and the HiGHS model."""

    pair_family: np.ndarray
    pair_program: np.ndarray
    cells: Cells
    y_family: np.ndarray
    lp: highspy.HighsLp
    costs: dict[str, np.ndarray]  # stage name -> objective coefficients over all columns
    integral: dict[str, bool]  # stage name -> objective takes integer values on integer solutions
    offsets: dict[str, float]  # stage name -> constant added to costs . values

    @property
    def n_cols(self) -> int:
        return len(self.pair_family) + len(self.cells.z) + len(self.y_family)


def _csc(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_cols: int) -> tuple[np.ndarray, ...]:
    """Column-wise compressed arrays (start, index, value) from triplets: the format HiGHS takes."""
    order = np.lexsort((rows, cols))
    start = np.searchsorted(cols[order], np.arange(n_cols + 1)).astype(np.int32)
    return start, rows[order].astype(np.int32), values[order].astype(np.float64)


def _coverage(problem: Problem, pf: np.ndarray, pp: np.ndarray) -> tuple[Cells, tuple[np.ndarray, ...]]:
    """Cells, and the triplets of rows z[c] - sum x <= 0 (rows numbered from 0, one per z cell)."""
    possible = problem.need & ((problem.useful.astype(np.int32) @ problem.removes.astype(np.int32)) > 0)
    cf, cd = np.nonzero(possible)
    cell_id = np.full(problem.need.shape, -1, dtype=np.int64)
    cell_id[cf, cd] = np.arange(len(cf))
    k, d = np.nonzero(problem.need[pf] & problem.removes[pp])  # every (pair, deprivation it removes)
    cell = cell_id[pf[k], d]
    multi = np.bincount(cell, minlength=len(cf)) >= 2
    z = np.flatnonzero(multi)
    column = np.empty(len(cf), dtype=np.int64)
    column[cell[~multi[cell]]] = k[~multi[cell]]
    column[z] = len(pf) + np.arange(len(z))
    row_of = np.full(len(cf), -1, dtype=np.int64)
    row_of[z] = np.arange(len(z))
    shared = multi[cell]
    rows = np.concatenate([row_of[cell[shared]], np.arange(len(z))])
    cols = np.concatenate([k[shared], column[z]])
    values = np.concatenate([-np.ones(int(shared.sum())), np.ones(len(z))])
    return Cells(cf, cd, column, z), (rows, cols, values)


def _completion(problem: Problem, cells: Cells, first_y: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """y families, and the triplets of rows y[f] - v <= 0 (rows numbered from 0)."""
    n_cells = np.bincount(cells.family, minlength=len(problem.family_ids))
    completable = problem.need.any(axis=1) & (n_cells == problem.need.sum(axis=1))
    y_family = np.flatnonzero(completable)
    y_col = np.full(len(problem.family_ids), -1, dtype=np.int64)
    y_col[y_family] = first_y + np.arange(len(y_family))
    keep = completable[cells.family]
    links = np.unique(np.stack([y_col[cells.family[keep]], cells.column[keep]], axis=1), axis=0)
    n = len(links)
    rows = np.concatenate([np.arange(n), np.arange(n)])
    return y_family, (rows, np.concatenate([links[:, 0], links[:, 1]]), np.concatenate([np.ones(n), -np.ones(n)]))


def _objectives(
    problem: Problem, pp: np.ndarray, cells: Cells, n_cols: int, y_cols: np.ndarray
) -> dict[str, np.ndarray]:
    complete = np.zeros(n_cols)
    complete[y_cols] = 1.0
    weighted = np.bincount(cells.column, weights=problem.weight[cells.family, cells.deprivation], minlength=n_cols)
    cost = np.zeros(n_cols)
    cost[: len(pp)] = problem.cost[pp]
    return {"complete": complete, "weighted": weighted, "cost": cost}


def build_model(problem: Problem, objective: str) -> Model:
    """Assemble the sparse MILP for `objective` ("complete" adds the y columns and rows)."""
    pf, pp = problem.pairs
    n_programs = len(problem.codes)
    cells, (c_rows, c_cols, c_vals) = _coverage(problem, pf, pp)
    first_y = len(pf) + len(cells.z)
    if objective == "complete":
        y_family, (y_rows, y_cols, y_vals) = _completion(problem, cells, first_y)
    else:
        y_family, (y_rows, y_cols, y_vals) = (
            np.zeros(0, dtype=np.int64),
            (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0),),
        )
    n_cov = len(cells.z)
    rows = np.concatenate([pp, n_programs + c_rows, n_programs + n_cov + y_rows]).astype(np.int64)
    cols = np.concatenate([np.arange(len(pf)), c_cols, y_cols]).astype(np.int64)
    values = np.concatenate([np.ones(len(pf)), c_vals, y_vals])
    n_cols, n_rows = first_y + len(y_family), n_programs + n_cov + len(y_rows) // 2
    lp = _lp(n_cols, n_rows, _csc(rows, cols, values, n_cols), problem, len(pf), n_cov)
    costs = _objectives(problem, pp, cells, n_cols, first_y + np.arange(len(y_family)))
    integral = {name: bool(np.all(c == np.round(c))) for name, c in costs.items()}
    offsets = {"complete": float((~problem.need.any(axis=1)).sum()), "weighted": 0.0, "cost": 0.0}
    return Model(pf, pp, cells, y_family, lp, costs, integral, offsets)


def _lp(
    n_cols: int, n_rows: int, matrix: tuple[np.ndarray, ...], problem: Problem, n_x: int, n_z: int
) -> highspy.HighsLp:
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.zeros(n_cols)
    lp.col_lower_, lp.col_upper_ = np.zeros(n_cols), np.ones(n_cols)
    n_programs = len(problem.codes)
    lp.row_lower_ = np.concatenate([problem.minimum.astype(float), np.full(n_rows - n_programs, -np.inf)])
    lp.row_upper_ = np.concatenate([problem.capacity.astype(float), np.zeros(n_rows - n_programs)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix
    integer, continuous = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
    lp.integrality_ = [integer] * n_x + [continuous] * n_z + [integer] * (n_cols - n_x - n_z)
    return lp


def start_vector(problem: Problem, model: Model, x: np.ndarray) -> np.ndarray | None:
    """Column values of a feasible assignment (HiGHS's first incumbent); None if it is infeasible."""
    e = evaluate(problem, x)
    if not e.feasible:
        return None
    z = model.cells.z
    removed = e.met[model.cells.family[z], model.cells.deprivation[z]]
    return np.concatenate([x[model.pair_family, model.pair_program], removed, e.complete[model.y_family]]).astype(float)


def assignment(problem: Problem, model: Model, values: np.ndarray) -> np.ndarray:
    """The (F, P) boolean assignment of a solution's x columns."""
    x = np.zeros(problem.eligible.shape, dtype=bool)
    chosen = values[: len(model.pair_family)] > 0.5
    x[model.pair_family[chosen], model.pair_program[chosen]] = True
    return x
