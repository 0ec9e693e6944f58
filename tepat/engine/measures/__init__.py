"""Poverty indicators (issue 5 §2-4): FGT from survey microdata, Alkire-Foster from the registry, and
target arithmetic. No Django.

    from tepat.engine.measures import fgt_from_frame, alkire_foster, track, Observation, Target
    fgt_from_frame(frame, "pengeluaran_per_kapita", 351_957, weight="bobot", by="kabkota").to_dict()
    alkire_foster(families, {"air": "air_tidak_layak", "rumah": "rtlh"}, {"air": .5, "rumah": .5}, k=.5,
                  region="kelurahan").groups
    track([Observation(2023, 1.03, "USD 1.90 PPP 2011")], Target(2024, 0.0, "Inpres 4/2022"), 183_500).explain()

Frame measures run on polars (eager or lazy) and DuckDB relations through narwhals, with identical
results. User errors raise InputError (a ValueError) in Indonesian and English. Formulas,
standard errors, status rules and labels: docs/measures.md.
"""

from __future__ import annotations

from tepat.engine.measures.alkire_foster import AFResult, AFRow, alkire_foster, check_parameters
from tepat.engine.measures.common import InputError, Kind
from tepat.engine.measures.fgt import SE_METHOD, FgtResult, FgtRow, FgtSpec, fgt_from_frame
from tepat.engine.measures.fgt_file import EXPENDITURE_COLUMNS, expenditure_column, fgt_cli_result, read_survey_csv
from tepat.engine.measures.targets import (
    DEFAULT_MARGIN,
    Observation,
    Status,
    Target,
    Tracking,
    Trend,
    check_series,
    fit_trend,
    track,
)

__all__ = [
    "DEFAULT_MARGIN",
    "EXPENDITURE_COLUMNS",
    "SE_METHOD",
    "AFResult",
    "AFRow",
    "FgtResult",
    "FgtRow",
    "FgtSpec",
    "InputError",
    "Kind",
    "Observation",
    "Status",
    "Target",
    "Tracking",
    "Trend",
    "alkire_foster",
    "check_parameters",
    "check_series",
    "expenditure_column",
    "fgt_cli_result",
    "fgt_from_frame",
    "fit_trend",
    "read_survey_csv",
    "track",
]
