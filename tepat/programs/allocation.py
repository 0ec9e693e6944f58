"""Budget allocation on the live registry: the extreme poor's deprivations, the catalogue's programs, the
engine's exact MILP beside the greedy by-priority plan (tepat.engine.allocation)."""

from __future__ import annotations

from datetime import date

import polars as pl

from tepat.engine import allocation as al
from tepat.engine.rules import evaluate
from tepat.programs.frames import WHOLE_REGISTRY, registry_frames
from tepat.programs.models import Program

# Deprivation (allocation name) -> rule text over registry fields; the programs' `deprivations` use the same names.
DEPRIVATION_RULES = {
    "rumah": "rumah_tidak_layak",
    "air": "air_tidak_layak",
    "sanitasi": "tanpa_jamban_sendiri",
    "energi": "tanpa_listrik_pln",
    "pendidikan": 'ada_anggota(usia_sekolah and pendidikan in ["Tidak Sekolah", "Tidak Tamat SD"])',
    "pekerjaan": 'ada_anggota(usia_kerja and status_bekerja == "Tidak")',
}


def extreme_poor(today: date | None = None) -> pl.DataFrame:
    """id, kecamatan, desil and the list of deprivations of every active desil-1 family (vectorised)."""
    families, members = registry_frames(WHOLE_REGISTRY)
    result = evaluate(
        " or ".join(f"({rule})" for rule in DEPRIVATION_RULES.values()), families, members, today or date.today()
    )
    labels = dict(zip([f"({rule})" for rule in DEPRIVATION_RULES.values()], DEPRIVATION_RULES))
    flags = [
        pl.when(pl.col(column)).then(pl.lit(labels[column])).otherwise(None)
        for column in result.columns
        if column in labels
    ]
    deprived = result.select("family_id", pl.concat_list(flags).list.drop_nulls().alias("deprivations"))
    chosen = families.filter(pl.col("desil") == 1).select(pl.col("family_id").alias("id"), "kecamatan", "desil")
    return chosen.join(deprived.rename({"family_id": "id"}), on="id", how="left")


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
