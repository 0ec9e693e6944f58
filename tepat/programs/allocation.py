"""Budget allocation on the live registry: the extreme poor's deprivations, the catalogue's programs, the
engine's exact MILP beside the greedy by-priority plan (tepat.engine.allocation)."""

from __future__ import annotations

from datetime import date

import polars as pl

from tepat.engine import allocation as al
from tepat.engine.deprivations import by_program_key
from tepat.indicators import registry
from tepat.programs.models import Program


def deprivation_rules() -> dict[str, str]:
    """Program name of a deprivation (programs.json, e.g. "rumah") -> its rule, from the one deprivation
    catalogue (tepat.engine.deprivations), for the deprivations programs can remove (al.DEPRIVATIONS)."""
    return {name: d.rule for name, d in by_program_key().items() if name in al.DEPRIVATIONS}


def extreme_poor(today: date | None = None) -> pl.DataFrame:
    """id, kecamatan, desil and the list of deprivations (program names) of every active desil-1 family:
    the registry indicators' family table (the catalogue's rules; a deprivation whose fields are empty is
    unknown, not deprived), restricted to the deprivations programs can remove. Vectorised."""
    names = {d.key: name for name, d in by_program_key().items() if name in al.DEPRIVATIONS}
    table = registry.cached_family_table(None, today)  # the whole registry, shared with the indicators
    flags = [pl.when(pl.col(key).fill_null(False)).then(pl.lit(name)).otherwise(None) for key, name in names.items()]
    return table.filter(pl.col("desil") == 1).select(
        pl.col("family_id").alias("id"),
        "kecamatan",
        "desil",
        pl.concat_list(flags).list.drop_nulls().alias("deprivations"),
    )


def catalogue_programs(budgets: dict[str, int]) -> list[al.Program]:
    known = set(al.DEPRIVATIONS)
    return [
        al.Program(
            code=p.code,
            budget=budgets.get(p.code, 0),
            unit_cost=int(p.unit_cost) or 1,
            removes=frozenset(d for d in p.deprivations if d in known),
        )
        for p in Program.objects.filter(is_active=True).order_by("code")
    ]


def plans(budgets: dict[str, int], objective: str = "complete", time_limit: float = 20.0) -> tuple[al.Plan, al.Plan]:
    """(MILP plan, greedy by-priority plan) for the same families and budgets."""
    frame = extreme_poor()
    families = al.families_from_frame(frame)
    programs = catalogue_programs(budgets)
    exact = al.solve(families, programs, objective=objective, time_limit=time_limit)
    baseline = al.greedy(families, programs, objective=objective, order="priority")
    return exact, baseline
