"""Convergence and gap measures on the live registry, within a user's scope (engine: tepat.engine.convergence).

Eligibility comes from each program's current rule; "prioritised" means in the program's latest
frozen target list (without a list, every eligible family counts as prioritised). Interventions are
the OPDs' records plus the receipt flags of the source files. Cost: one rule evaluation per program
on the cached registry frames, four queries for the programs, their rules and latest target lists, one for
the scope's interventions.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db.models import QuerySet

from tepat.accounts.scope import scoped
from tepat.engine import convergence as cv
from tepat.engine.rules import evaluate
from tepat.linkage.downstream import one_family_per_identity
from tepat.lru import LRU
from tepat.programs.frames import WHOLE_REGISTRY, registry_frames, registry_state
from tepat.programs.models import Intervention, Program, TargetEntry, TargetList
from tepat.programs.preview import scope_key
from tepat.registry import version
from tepat.registry.models import Family, VersionPart

_CACHE: LRU[cv.Inputs] = LRU(8)
_MEASURES: LRU[cv.Measure] = LRU(48)
FAMILY_COLUMNS = ["family_id", "kecamatan", "kelurahan", "desil", *cv.FLAG_PROGRAMS]


def _programs() -> tuple[pl.DataFrame, list[Program]]:
    programs = list(Program.objects.filter(is_active=True).prefetch_related("rules"))
    frame = pl.DataFrame(
        {
            "program": [p.code for p in programs],
            "strategy": [p.strategy for p in programs],
            "max_desil": [p.max_desil for p in programs],
        },
        schema={"program": pl.String, "strategy": pl.String, "max_desil": pl.Int64},
    )
    return frame, programs


def _eligibility(programs: list[Program], families: pl.DataFrame, members: pl.DataFrame, today: date) -> pl.DataFrame:
    parts = []
    latest_lists = _latest_target_lists()
    for program in programs:
        rule = program.current_rule()
        if rule is None:
            continue
        result = evaluate(rule.text, families, members, today).select("family_id", "eligible")
        listed = latest_lists.get(program.pk)
        prioritised = pl.col("family_id").is_in(listed) if listed is not None else pl.col("eligible")
        parts.append(
            result.with_columns(
                pl.lit(program.code).alias("program"), (prioritised & pl.col("eligible")).alias("prioritised")
            )
        )
    schema = {"family_id": pl.Int64, "eligible": pl.Boolean, "program": pl.String, "prioritised": pl.Boolean}
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _latest_target_lists() -> dict[int, list[int]]:
    """Program id -> the family ids of its latest target list, for every program that has one. Two queries."""
    latest: dict[int, int] = {}
    for list_id, program_id in TargetList.objects.order_by("program_id", "-created_at").values_list("pk", "program_id"):
        latest.setdefault(program_id, list_id)
    program_of = {list_id: program_id for program_id, list_id in latest.items()}
    listed: dict[int, list[int]] = {program_id: [] for program_id in latest}
    for list_id, family_id in TargetEntry.objects.filter(target_list_id__in=program_of).values_list(
        "target_list_id", "family_id"
    ):
        listed[program_of[list_id]].append(family_id)
    return listed


def _recorded(families: QuerySet) -> pl.DataFrame:
    """The interventions of the active families of `families` (already scoped by the caller)."""
    rows = Intervention.objects.filter(family__in=families.filter(is_active=True)).values_list(
        "family_id", "program__code", "status", "date", "amount", "source"
    )
    return pl.DataFrame(
        list(rows),
        schema={
            "family_id": pl.Int64,
            "program": pl.String,
            "status": pl.String,
            "date": pl.Date,
            "amount": pl.Float64,
            "source": pl.String,
        },
        orient="row",
        strict=False,
    )


def gap_inputs(user, today: date | None = None) -> cv.Inputs:
    """The user's scope; `user=None` is the whole registry (city-wide reports and the CLI)."""
    in_scope = Family.objects.all() if user is None else scoped(user, Family.objects.all())
    families, members = registry_frames(WHOLE_REGISTRY if user is None else scope_key(user))
    today = today or date.today()
    program_frame, programs = _programs()
    eligibility = _eligibility(programs, families, members, today)
    registry = families.select([c for c in FAMILY_COLUMNS if c in families.columns])
    interventions = cv.combine_interventions(_recorded(in_scope), cv.interventions_from_flags(registry))
    registry, eligibility, interventions = one_family_per_identity(registry, eligibility, interventions)
    return cv.prepare(registry, program_frame, eligibility, interventions)


def cached_gap_inputs(user, today: date | None = None) -> cv.Inputs:
    """`gap_inputs`, built once per (scope, registry snapshot, programs and interventions versions, day):
    every write that changes a rule, a target list or an intervention bumps its part's version
    (tepat.registry.version), so a stale result is never served. Cost on a hit: two small queries."""
    return _CACHE.get(_state_key(user, today), lambda: gap_inputs(user, today))


def _state_key(user, today: date | None) -> tuple:
    return (
        WHOLE_REGISTRY if user is None else scope_key(user),
        registry_state(),
        version.key(VersionPart.PROGRAMS, VersionPart.INTERVENTIONS),
        today or date.today(),
    )


def measure_key(user, name: str, by: str | None, today: date | None = None) -> tuple:
    """What a measure's result depends on: scope, registry snapshot, programs and interventions versions,
    day, measure, grouping. Two small queries."""
    return (*_state_key(user, today), name, by)


def cached_measure(
    user, name: str, by: str | None, today: date | None = None, *, key: tuple | None = None
) -> cv.Measure:
    """MEASURES[name] on `cached_gap_inputs`, computed once per `measure_key`: coverage and exclusion
    at 100k families take seconds in the engine; a page, its drill-down and its downloads then share
    one result. Cost on a hit: the key's three aggregate queries (none when the caller passes `key`)."""
    key = key or measure_key(user, name, by, today)
    return _MEASURES.get(key, lambda: MEASURES[name](cached_gap_inputs(user, today), by))


MEASURES = {
    "konvergensi": lambda inputs, by: cv.convergence(inputs, by=by),
    "cakupan": lambda inputs, by: cv.coverage(inputs, per="program", by=by),
    "eksklusi": lambda inputs, by: cv.exclusion(inputs, by=by),
    "inklusi": lambda inputs, by: cv.inclusion(inputs, by=by),
    "tumpang_tindih": lambda inputs, by: cv.stacking(inputs, by=by),
    "belum_terlayani": lambda inputs, by: cv.unserved(inputs, by=by),
}
