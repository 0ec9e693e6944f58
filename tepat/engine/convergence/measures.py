"""The convergence and gap measures (issue 4 §6). Each returns a Measure: a summary per group and the
detail rows behind every figure. Definitions: docs/convergence.md.

Served means: at least one delivered intervention of the program (recorded or from a receipt
flag) for a registry family. Interventions of programs outside the catalogue are ignored.
Cost: each measure is one lazy query of a few joins and group_bys over families, eligibility and
interventions; for eager input the detail is computed once and the summary reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.convergence.frames import FAMILY_ID, REGION_KEYS, Filters, Measure, grid, nothing, summarise
from tepat.engine.convergence.inputs import STRATEGIES, Inputs

PAIR = [FAMILY_ID, "program"]
PROGRAM_PREFIX = "program_"
LEVELS = ("program", "strategy")


def program_column(code: str) -> str:
    """Name of a program's served column in the convergence detail."""
    return f"{PROGRAM_PREFIX}{code}"


def _measure(
    name: str,
    inputs: Inputs,
    detail: nw.LazyFrame,
    by: str | None,
    dims: Sequence[Mapping[str, str]],
    counts: Mapping[str, Filters],
    rates: Mapping[str, tuple[str, str]],
) -> Measure:
    if by not in REGION_KEYS:
        raise ValueError(f"by must be one of {list(REGION_KEYS)}, not {by!r}")
    keys = REGION_KEYS[by] + (tuple(dims[0]) if dims else ())
    detail_native = inputs.native(detail)
    source = nw.from_native(detail_native).lazy() if inputs.eager else detail
    summary = summarise(source, grid(inputs.families, by, dims), keys, counts, rates)
    return Measure(name, by, keys, inputs.native(summary), detail_native, dict(counts), dict(rates))


def served_pairs(inputs: Inputs) -> nw.LazyFrame:
    """(family_id, program) of registry families with a delivered intervention: `interventions`
    (delivered records) and `amount` (sum of the known amounts, null when none is known)."""
    delivered = inputs.delivered.join(inputs.families.select(FAMILY_ID), on=FAMILY_ID, how="semi")
    grouped = delivered.group_by(*PAIR).agg(
        nw.len().cast(nw.Int64).alias("interventions"),
        nw.col("amount").sum().alias("amount"),
        nw.col("amount").count().alias("__known"),
    )
    return grouped.with_columns(amount=nw.when(nw.col("__known") > 0).then(nw.col("amount"))).drop("__known")


# ---------------------------------------------------------------- 1 and 6: the extreme poor
def convergence_detail(inputs: Inputs) -> nw.LazyFrame:
    """One row per extreme-poor family: a served flag per strategy and per program (`program_<code>`),
    `n_strategies` (0-3), `converged` (all three) and `unserved` (none)."""
    flags = {s: nw.col("strategy") == s for s in STRATEGIES}
    flags |= {program_column(p.code): nw.col("program") == p.code for p in inputs.programs}
    served = served_pairs(inputs).join(inputs.catalogue.select("program", "strategy"), on="program")
    per_family = served.with_columns(**flags).group_by(FAMILY_ID).agg(*[nw.col(name).any() for name in flags])
    table = inputs.families.filter(nw.col("extreme_poor")).join(per_family, on=FAMILY_ID, how="left")
    table = table.with_columns(*[nw.col(name).fill_null(False) for name in flags])
    served_strategies = sum((nw.col(s).cast(nw.Int64) for s in STRATEGIES), nw.lit(0, dtype=nw.Int64))
    table = table.with_columns(n_strategies=served_strategies)
    count = nw.col("n_strategies")
    table = table.with_columns(converged=count == len(STRATEGIES), unserved=count == 0)
    return table.sort(FAMILY_ID)


def convergence(inputs: Inputs, *, by: str | None = None) -> Measure:
    """Measure 1: the extreme poor × strategies and programs. Counts: extreme_poor, families served per
    strategy and per program, `strategies_0`..`strategies_3` (families by number of strategies
    served), converged; rate `converged_share` = converged / extreme_poor."""
    counts: dict[str, Filters] = {"extreme_poor": {}}
    counts |= {s: {s: True} for s in STRATEGIES}
    counts |= {program_column(p.code): {program_column(p.code): True} for p in inputs.programs}
    counts |= {f"strategies_{n}": {"n_strategies": n} for n in range(len(STRATEGIES) + 1)}
    counts["converged"] = {"converged": True}
    return _measure(
        "convergence",
        inputs,
        convergence_detail(inputs),
        by,
        (),
        counts,
        {"converged_share": ("converged", "extreme_poor")},
    )


def unserved(inputs: Inputs, *, by: str | None = None) -> Measure:
    """Measure 6: extreme-poor families served by no catalogue program. Detail: every extreme-poor
    family with its `unserved` flag. Counts: extreme_poor, unserved; rate unserved_share."""
    detail = convergence_detail(inputs).select(FAMILY_ID, "kecamatan", "kelurahan", "desil", "extreme_poor", "unserved")
    return _measure(
        "unserved",
        inputs,
        detail,
        by,
        (),
        {"extreme_poor": {}, "unserved": {"unserved": True}},
        {"unserved_share": ("unserved", "extreme_poor")},
    )


# ---------------------------------------------------------------- 2 and 3: coverage and exclusion
def program_detail(inputs: Inputs) -> nw.LazyFrame:
    """One row per (registry family, catalogue program) that is eligible or served: eligible,
    prioritised, served, interventions (0 when not served), amount, and the family's region and desil."""
    served = served_pairs(inputs).with_columns(served=nw.lit(True))
    pairs = nw.concat([inputs.eligibility.select(*PAIR), served.select(*PAIR)], how="vertical").unique()
    table = pairs.join(inputs.eligibility, on=PAIR, how="left").join(served, on=PAIR, how="left")
    table = table.with_columns(
        nw.col("eligible").fill_null(False),
        nw.col("prioritised").fill_null(False),
        nw.col("served").fill_null(False),
        nw.col("interventions").fill_null(0),
    ).filter(nw.col("eligible") | nw.col("served"))
    table = inputs.families.join(table, on=FAMILY_ID).join(inputs.catalogue.select("program", "strategy"), on="program")
    return table.select(
        FAMILY_ID,
        "kecamatan",
        "kelurahan",
        "desil",
        "extreme_poor",
        "strategy",
        "program",
        "eligible",
        "prioritised",
        "served",
        "interventions",
        "amount",
    ).sort(*PAIR)


def strategy_detail(inputs: Inputs) -> nw.LazyFrame:
    """One row per (registry family, strategy) eligible for or served by a program of the strategy."""
    per_strategy = (
        program_detail(inputs)
        .group_by(FAMILY_ID, "strategy")
        .agg(
            nw.col("eligible").any(),
            nw.col("prioritised").any(),
            nw.col("served").any(),
            nw.col("interventions").sum().cast(nw.Int64),
        )
    )
    table = inputs.families.join(per_strategy, on=FAMILY_ID)
    return table.sort(FAMILY_ID, "strategy")


COVERAGE_COUNTS: Mapping[str, Filters] = {
    "eligible": {"eligible": True},
    "served": {"served": True},
    "served_eligible": {"eligible": True, "served": True},
    "served_not_eligible": {"eligible": False, "served": True},
}


def coverage(inputs: Inputs, *, per: str = "program", by: str | None = None) -> Measure:
    """Measure 2: per program (or per strategy) and region: eligible, served, served_eligible,
    served_not_eligible; rate coverage = served_eligible / eligible. Every catalogue program (or
    strategy) is listed for every region of the families, with zeros."""
    if per not in LEVELS:
        raise ValueError(f"per must be one of {LEVELS}, not {per!r}")
    detail = program_detail(inputs) if per == "program" else strategy_detail(inputs)
    return _measure(
        f"coverage_{per}",
        inputs,
        detail,
        by,
        _dims(inputs, per),
        COVERAGE_COUNTS,
        {"coverage": ("served_eligible", "eligible")},
    )


def exclusion(inputs: Inputs, *, by: str | None = None, prioritised_only: bool = True) -> Measure:
    """Measure 3: exclusion errors. Detail: (family, program) rows that are eligible and prioritised
    (only eligible when `prioritised_only` is false), with `excluded` = not served. Counts: target,
    excluded; rate exclusion_rate = excluded / target."""
    target = nw.col("eligible") & (nw.col("prioritised") if prioritised_only else nw.lit(True))
    detail = program_detail(inputs).filter(target).with_columns(excluded=~nw.col("served"))
    return _measure(
        "exclusion",
        inputs,
        detail,
        by,
        _dims(inputs, "program"),
        {"target": {}, "excluded": {"excluded": True}},
        {"exclusion_rate": ("excluded", "target")},
    )


def _dims(inputs: Inputs, per: str) -> list[dict[str, str]]:
    if per == "strategy":
        return [{"strategy": s} for s in STRATEGIES]
    return [{"strategy": p.strategy, "program": p.code} for p in inputs.programs]


# ---------------------------------------------------------------- 4: inclusion errors
INCLUSION_COLUMNS = (
    FAMILY_ID,
    "kecamatan",
    "kelurahan",
    "desil",
    "extreme_poor",
    "strategy",
    "program",
    "max_desil",
    "eligible",
    "interventions",
    "amount",
    "not_eligible",
    "above_desil",
    "not_registered",
)


def inclusion_detail(inputs: Inputs) -> nw.LazyFrame:
    """Registry (family, program) pairs served but not eligible (for programs with an eligibility
    result) or above the program's max_desil, then one row per delivered record of a recipient not
    in the registry (null or unknown family_id; region null, record columns carried)."""
    return nw.concat([_registered_errors(inputs), _unregistered(inputs)], how="vertical").sort(*PAIR, nulls_last=True)


def _registered_errors(inputs: Inputs) -> nw.LazyFrame:
    assessed = inputs.eligibility.select("program").unique().with_columns(assessed=nw.lit(True))
    table = served_pairs(inputs).join(inputs.eligibility.select(*PAIR, "eligible"), on=PAIR, how="left")
    table = table.join(assessed, on="program", how="left").join(inputs.catalogue, on="program")
    table = inputs.families.join(table, on=FAMILY_ID).with_columns(nw.col("eligible").fill_null(False))
    table = table.with_columns(
        not_eligible=~nw.col("eligible") & nw.col("assessed").fill_null(False),
        above_desil=(nw.col("desil") > nw.col("max_desil")).fill_null(False),
        not_registered=nw.lit(False),
    ).filter(nw.col("not_eligible") | nw.col("above_desil"))
    types = inputs.delivered.collect_schema()
    return table.select(*INCLUSION_COLUMNS, *[nw.lit(None, dtype=types[c]).alias(c) for c in inputs.record_columns])


def _unregistered(inputs: Inputs) -> nw.LazyFrame:
    table = inputs.delivered.join(inputs.families.select(FAMILY_ID), on=FAMILY_ID, how="anti")
    table = table.join(inputs.catalogue, on="program")
    region = inputs.families.collect_schema()
    return table.select(
        FAMILY_ID,
        *[nw.lit(None, dtype=region[c]).alias(c) for c in ("kecamatan", "kelurahan", "desil", "extreme_poor")],
        "strategy",
        "program",
        "max_desil",
        nw.lit(None, dtype=nw.Boolean).alias("eligible"),
        nw.lit(1, dtype=nw.Int64).alias("interventions"),
        "amount",
        nw.lit(False).alias("not_eligible"),
        nw.lit(False).alias("above_desil"),
        nw.lit(True).alias("not_registered"),
        *inputs.record_columns,
    )


def inclusion(inputs: Inputs, *, by: str | None = None) -> Measure:
    """Measure 4: inclusion errors per program and region. Counts: not_eligible, above_desil (pairs;
    one pair may be both), not_registered (delivered records, unregistered recipients cannot be
    deduplicated; they fall in the null region), inclusion (detail rows: any of the three)."""
    counts = {
        "not_eligible": {"not_eligible": True},
        "above_desil": {"above_desil": True},
        "not_registered": {"not_registered": True},
        "inclusion": {},
    }
    return _measure("inclusion", inputs, inclusion_detail(inputs), by, _dims(inputs, "program"), counts, {})


# ---------------------------------------------------------------- 5: stacking
def overlap_groups(inputs: Inputs, overlaps: Mapping[str, Iterable[str]] | None = None) -> dict[str, list[str]]:
    """Groups of overlapping programs (name -> codes, in catalogue order); by default one group per
    strategy. Unknown codes raise ValueError."""
    if overlaps is None:
        return {s: [p.code for p in inputs.programs if p.strategy == s] for s in STRATEGIES}
    known = [p.code for p in inputs.programs]
    groups = {name: set(codes) for name, codes in overlaps.items()}
    unknown = sorted(set().union(*groups.values()) - set(known))
    if unknown:
        raise ValueError(f"overlap groups name programs outside the catalogue: {', '.join(unknown)}")
    return {name: [code for code in known if code in codes] for name, codes in groups.items()}


def stacking_detail(inputs: Inputs, groups: Mapping[str, Sequence[str]]) -> nw.LazyFrame:
    """One row per (family, group) served by two or more programs of the group: n_programs and
    `programs` (the codes, comma-separated in catalogue order)."""
    served = served_pairs(inputs)
    parts = [_stacked(served, name, codes) for name, codes in groups.items() if len(codes) >= 2]
    if not parts:
        parts = [_stacked(served.filter(nothing()), "", [""])]
    table = inputs.families.join(nw.concat(parts, how="vertical"), on=FAMILY_ID)
    return table.sort(FAMILY_ID, "group")


def _stacked(served: nw.LazyFrame, name: str, codes: Sequence[str]) -> nw.LazyFrame:
    flags = {f"__p{i}": nw.col("program") == code for i, code in enumerate(codes)}
    table = served.filter(nw.col("program").is_in(list(codes))).with_columns(**flags)
    table = table.group_by(FAMILY_ID).agg(
        nw.len().cast(nw.Int64).alias("n_programs"), *[nw.col(flag).any() for flag in flags]
    )
    listed = [nw.when(nw.col(flag)).then(nw.lit(code, dtype=nw.String)) for flag, code in zip(flags, codes)]
    return table.filter(nw.col("n_programs") >= 2).select(
        FAMILY_ID,
        nw.lit(name, dtype=nw.String).alias("group"),
        "n_programs",
        nw.concat_str(listed, separator=", ", ignore_nulls=True).alias("programs"),
    )


def stacking(inputs: Inputs, *, by: str | None = None, overlaps: Mapping[str, Iterable[str]] | None = None) -> Measure:
    """Measure 5: families served by two or more programs of one overlap group (default: of one
    strategy). Count: stacked (families) per group and region."""
    groups = overlap_groups(inputs, overlaps)
    return _measure(
        "stacking",
        inputs,
        stacking_detail(inputs, groups),
        by,
        [{"group": name} for name in groups],
        {"stacked": {}},
        {},
    )


MEASURES: Mapping[str, Any] = {
    "convergence": convergence,
    "coverage": coverage,
    "exclusion": exclusion,
    "inclusion": inclusion,
    "stacking": stacking,
    "unserved": unserved,
}
