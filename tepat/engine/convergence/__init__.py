"""Convergence and gap measures for the extreme poor (issue 4 §5-6). No Django.

    from tepat.engine.convergence import prepare, convergence, coverage, drill
    flags = interventions_from_flags(families)                      # receipt flags -> interventions
    inputs = prepare(families, programs, eligibility, combine_interventions(recorded, flags))
    matrix = convergence(inputs, by="kelurahan")
    matrix.summary                                                  # one row per kelurahan
    matrix.cell("converged", kecamatan="12.09.20", kelurahan="12.09.20.1001")  # the families behind it

Runs on polars (eager or lazy) and DuckDB through narwhals, with identical results. Definitions,
inputs and guarantees: docs/convergence.md.
"""

from __future__ import annotations

from tepat.engine.convergence.frames import REGION_KEYS, Measure, drill
from tepat.engine.convergence.inputs import (
    DELIVERED,
    FLAG_PROGRAMS,
    STRATEGIES,
    Inputs,
    Program,
    combine_interventions,
    interventions_from_flags,
    prepare,
)
from tepat.engine.convergence.measures import (
    MEASURES,
    convergence,
    convergence_detail,
    coverage,
    exclusion,
    inclusion,
    inclusion_detail,
    overlap_groups,
    program_column,
    program_detail,
    served_pairs,
    stacking,
    stacking_detail,
    strategy_detail,
    unserved,
)

__all__ = [
    "DELIVERED",
    "FLAG_PROGRAMS",
    "MEASURES",
    "REGION_KEYS",
    "STRATEGIES",
    "Inputs",
    "Measure",
    "Program",
    "combine_interventions",
    "convergence",
    "convergence_detail",
    "coverage",
    "drill",
    "exclusion",
    "inclusion",
    "inclusion_detail",
    "interventions_from_flags",
    "overlap_groups",
    "prepare",
    "program_column",
    "program_detail",
    "served_pairs",
    "stacking",
    "stacking_detail",
    "strategy_detail",
    "unserved",
]
