"""Registry indicators by city, kecamatan and kelurahan: families and people by desil, deprivation rates,
Alkire-Foster. Registry counts ("hitungan registri, bukan estimasi survei"): they cover the registered
families only and carry no sampling error.

For other pages and reports (H4's dashboard and pockets, PDF reports):

    from tepat.indicators.registry import registry_indicators, af_by_region, LEVELS
    tables = registry_indicators(user, level="kelurahan")      # RegistryTables (polars frames)
    tables.desil, tables.deprivation                            # one row per region
    result, frame = af_by_region(user, level="kelurahan")      # engine AFResult + a per-region frame
    tables = registry_indicators(user, level="kelurahan", public=True)   # the audited public release
    release = public_release()                                  # tepat.indicators.release.Release (all levels)

Deprivations come from the one deprivation catalogue (tepat.engine.deprivations):
rule-language texts built on the rule snippets, so the registry pages, Alkire-Foster, the allocation and
the reports share one definition. AF defaults: data/registry.json. The pure half
(`family_table`, `desil_table`, `deprivation_table`, `af_frame`) takes polars frames and needs no
Django; `bench/indicators.py` times it on 1M families.
Cost: one rule evaluation (one member group-by) per registry state, cached; tables are group-bys.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy

from tepat.engine.measures import AFResult, alkire_foster
from tepat.engine.rules import evaluate
from tepat.engine import deprivations
from tepat.engine.disclosure import SMALL_CELL
from tepat.indicators.release import Release, build, frames
from tepat.lru import LRU

DATA = Path(__file__).resolve().parent / "data" / "registry.json"
LABEL = "Hitungan registri, bukan estimasi survei"
LABEL_EN = "Registry counts, not survey estimates"
LEVELS = {"kota": None, "kecamatan": "kecamatan", "kelurahan": "kelurahan"}  # level -> group column
DESILS = tuple(range(1, 11))
CITY = "kota"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    rule: str
    fields: tuple[str, ...] = ()
    member_fields: tuple[str, ...] = ()


@cache
def _data() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def dimensions() -> dict[str, Dimension]:
    """The deprivation dimensions, in display order: the deprivation catalogue (tepat.engine.deprivations);
    labels in the active language (the Indonesian label is the msgid)."""
    return {
        d.key: Dimension(d.key, gettext_lazy(d.label.id), d.rule, d.fields, d.member_fields)
        for d in deprivations.catalogue().values()
    }


def af_defaults() -> dict[str, Any]:
    """Default AF parameters: indicators, relative weights, k."""
    return dict(_data()["alkire_foster"])


def normalised(weights: dict[str, float]) -> dict[str, float]:
    """Relative weights -> weights summing to 1 (the last one absorbs the rounding)."""
    total = math.fsum(weights.values())
    names = list(weights)
    if not names:
        return {}
    shares = {name: weights[name] / total for name in names}
    if names:
        shares[names[-1]] = 1 - math.fsum(shares[name] for name in names[:-1])
    return shares


# ------------------------------------------------------------------------------ pure (polars)
def family_table(
    families: pl.DataFrame, members: pl.DataFrame, today: date, dims: dict[str, Dimension] | None = None
) -> pl.DataFrame:
    """One row per family of `families`: family_id, kecamatan, kelurahan, desil, people (active
    members) and one nullable boolean per dimension (null = the fields it reads are empty)."""
    dims = dims or dimensions()
    rule = " or ".join(f"({d.rule})" for d in dims.values())
    flags = evaluate(rule, families, members, today)
    labels = [c for c in flags.columns if c not in ("family_id", "eligible")]
    if len(labels) != len(dims):
        raise ValueError(f"each dimension must be one condition; got {labels}")
    flags = flags.select("family_id", *[pl.col(label).alias(key) for label, key in zip(labels, dims)])
    active = members.filter(pl.col("is_active").fill_null(False))
    member_fields = sorted({f for d in dims.values() for f in d.member_fields})
    per_family = active.group_by("family_id").agg(
        pl.len().alias("people"), *[_filled(pl.col(f)).any().alias(f"_known_{f}") for f in member_fields]
    )
    table = (
        families.select(
            "family_id", "kecamatan", "kelurahan", "desil", *sorted({f for d in dims.values() for f in d.fields})
        )
        .join(flags, on="family_id", how="left")
        .join(per_family, on="family_id", how="left")
    )
    known = {key: _known(d) for key, d in dims.items()}
    return table.select(
        "family_id",
        "kecamatan",
        "kelurahan",
        "desil",
        pl.col("people").fill_null(0),
        *[pl.when(known[key]).then(pl.col(key)).otherwise(None).alias(key) for key in dims],
    )


def _filled(column: pl.Expr) -> pl.Expr:
    return column.is_not_null() & (column.cast(pl.String).str.strip_chars() != "")


def _known(d: Dimension) -> pl.Expr:
    parts = [_filled(pl.col(f)) for f in d.fields] + [pl.col(f"_known_{f}").fill_null(False) for f in d.member_fields]
    return pl.any_horizontal(parts) if parts else pl.lit(True)


def _grouped(table: pl.DataFrame, level: str) -> tuple[pl.DataFrame, str]:
    column = LEVELS[level]
    if column is None:
        return table.with_columns(pl.lit(CITY).alias("region")), "region"
    return table.with_columns(pl.col(column).alias("region")), "region"


def desil_table(table: pl.DataFrame, level: str) -> pl.DataFrame:
    """Per region: families and people in each desil 1-10 and without desil, and their totals."""
    grouped, by = _grouped(table, level)
    desil = pl.col("desil")
    parts = [(desil == d).sum().alias(f"keluarga_d{d}") for d in DESILS] + [
        desil.is_null().sum().alias("keluarga_tanpa_desil")
    ]
    parts += [pl.col("people").filter(desil == d).sum().alias(f"jiwa_d{d}") for d in DESILS]
    parts += [
        pl.col("people").filter(desil.is_null()).sum().alias("jiwa_tanpa_desil"),
        pl.len().alias("keluarga"),
        pl.col("people").sum().alias("jiwa"),
    ]
    return grouped.group_by(by).agg(parts).sort(by).with_columns(pl.exclude(by).cast(pl.Int64))


def deprivation_table(table: pl.DataFrame, level: str, dims: dict[str, Dimension] | None = None) -> pl.DataFrame:
    """Per region and dimension: families deprived, families with data, and the rate (% of those with data)."""
    dims = dims or dimensions()
    grouped, by = _grouped(table, level)
    parts = [pl.len().cast(pl.Int64).alias("keluarga")]
    for key in dims:
        parts += [
            pl.col(key).fill_null(False).sum().cast(pl.Int64).alias(f"{key}_n"),
            pl.col(key).is_not_null().sum().cast(pl.Int64).alias(f"{key}_data"),
        ]
    frame = grouped.group_by(by).agg(parts).sort(by)
    rates = [
        pl.when(pl.col(f"{k}_data") > 0)
        .then(100 * pl.col(f"{k}_n") / pl.col(f"{k}_data"))
        .otherwise(None)
        .round(2)
        .alias(f"{k}_persen")
        for k in dims
    ]
    return frame.with_columns(rates).select(
        by, "keluarga", *[c for k in dims for c in (f"{k}_n", f"{k}_data", f"{k}_persen")]
    )


def af(table: pl.DataFrame, indicators: list[str], weights: dict[str, float], k: float, level: str) -> AFResult:
    """The engine's Alkire-Foster over the family table (null = not deprived, counted as missing)."""
    grouped, by = _grouped(table, level)
    return alkire_foster(
        grouped,
        {name: name for name in indicators},
        normalised({n: weights[n] for n in indicators}),
        k,
        region=None if LEVELS[level] is None else by,
    )


def af_frame(result: AFResult) -> pl.DataFrame:
    """One row per region (or the city): n, poor, H, A, M0 (x100), each censored headcount (x100) and contribution (%)."""
    rows = result.groups or (result.overall,)
    records = []
    for row in rows:
        record = {
            "region": row.group if result.groups else CITY,
            "keluarga": row.n,
            "miskin_multidimensi": row.poor,
            "H": _pct(row.h),
            "A": _pct(row.a),
            "M0": round(row.m0, 4),
        }
        record.update({f"h_{name}": _pct(value) for name, value in row.censored.items()})
        record.update(
            {
                f"kontribusi_{name}": None if value is None else round(value, 2)
                for name, value in row.contribution.items()
            }
        )
        records.append(record)
    return pl.DataFrame(records, infer_schema_length=None)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


# ------------------------------------------------------------------------------ Django side
@dataclass(frozen=True)
class RegistryTables:
    level: str
    desil: pl.DataFrame
    deprivation: pl.DataFrame
    families: int
    suppressed: bool
    label: str = LABEL


_TABLES: LRU[pl.DataFrame] = LRU(4)


def _aggregate_scope(user) -> str:
    """The scope key of the families a user's aggregates are computed on: the whole city for city-wide
    roles and the aggregate-only viewer, the user's scope otherwise."""
    from tepat.accounts.roles import Scope, policy_for
    from tepat.programs.frames import WHOLE_REGISTRY
    from tepat.programs.preview import scope_key

    if user is None or policy_for(user).scope in (Scope.CITY, Scope.NONE):
        return WHOLE_REGISTRY
    return scope_key(user)


def cached_family_table(user=None, today: date | None = None, *, state=None) -> pl.DataFrame:
    """family_table for the user's frames, cached per (scope, registry snapshot, day). `state`: the
    registry snapshot (tepat.programs.frames.registry_state) when the caller has read it; a hit reads
    no frame."""
    from tepat.programs.frames import registry_frames, registry_state

    key = _aggregate_scope(user)
    today = today or date.today()
    state = state or registry_state()
    return _TABLES.get((key, state, today), lambda: family_table(*registry_frames(key, state=state), today))


def region_names() -> dict[str, str]:
    from tepat.regions.models import Region

    names = dict(Region.objects.filter(level__in=("kecamatan", "kelurahan")).values_list("code", "name"))
    return {CITY: "Kota (seluruh wilayah)", **names}


def with_names(frame: pl.DataFrame) -> pl.DataFrame:
    names = region_names()
    return frame.with_columns(
        pl.col("region").replace_strict(names, default=pl.col("region"), return_dtype=pl.String).alias("region_name")
    ).select("region", "region_name", pl.exclude("region", "region_name"))


def small_cell() -> int:
    """The one small-cell threshold: setting TEPAT_SMALL_CELL, default the engine's SMALL_CELL (5)."""
    from django.conf import settings

    return int(getattr(settings, "TEPAT_SMALL_CELL", SMALL_CELL))


_RELEASES: LRU[Release] = LRU(6)


def public_release(
    today: date | None = None,
    *,
    state: tuple | None = None,
    indicators: list[str] | None = None,
    weights: dict[str, float] | None = None,
    k: float | None = None,
) -> Release:
    """The city-wide public release (every table, level and margin, protected and audited together;
    DisclosureRisk if the audit fails), cached per registry state, day and threshold. With AF
    parameters other than the defaults: the same desil and deprivation pattern, AF chosen to fit it."""
    from tepat.programs.frames import registry_state

    state, today, small = state or registry_state(), today or date.today(), small_cell()
    table = cached_family_table(None, today, state=state)
    base = _RELEASES.get((state, today, small, None), lambda: build(frames(table, af_at, dimensions()), small))
    if indicators is None and weights is None and k is None:
        return base
    parameters = (tuple(indicators or ()), tuple(sorted((weights or {}).items())), k)

    def custom() -> Release:
        return build(
            frames(table, lambda t, level: af_at(t, level, indicators=indicators, weights=weights, k=k), dimensions()),
            small,
            base=base,
        )

    return _RELEASES.get((state, today, small, parameters), custom)


def is_public(user) -> bool:
    """The viewer sees aggregates only, suppressed."""
    from tepat.accounts.roles import Scope, policy_for

    return user is not None and policy_for(user).scope == Scope.NONE


def registry_indicators(
    user=None,
    level: str = "kelurahan",
    *,
    public: bool | None = None,
    today: date | None = None,
    state: tuple | None = None,
) -> RegistryTables:
    """Families and people by desil and deprivation rates per region of `level` ("kota", "kecamatan",
    "kelurahan"), within the user's scope; small cells suppressed when `public` (default: for the viewer)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}")
    public = is_public(user) if public is None else public
    if public:  # the public release is city-wide whatever the user's scope: the same pattern for everyone
        release = public_release(today, state=state)
        return RegistryTables(
            level,
            with_names(release.desil(level)),
            with_names(release.deprivation(level)),
            int(release.frames.desil[CITY]["keluarga"].sum()),
            public,
        )
    table = cached_family_table(user, today, state=state)
    return RegistryTables(
        level, with_names(desil_table(table, level)), with_names(deprivation_table(table, level)), table.height, public
    )


def af_by_region(
    user=None,
    level: str = "kelurahan",
    *,
    indicators: list[str] | None = None,
    weights: dict[str, float] | None = None,
    k: float | None = None,
    public: bool | None = None,
    today: date | None = None,
    state: tuple | None = None,
) -> tuple[AFResult, pl.DataFrame]:
    """Alkire-Foster over the user's families (defaults: data/registry.json); raises the engine's
    InputError on bad parameters. When `public` (default: for the viewer): the public release's AF at
    these parameters (city-wide), its hidden regions' measures None."""
    if is_public(user) if public is None else public:
        af_at(
            cached_family_table(None, today, state=state), level, indicators=indicators, weights=weights, k=k
        )  # InputError first
        release = public_release(today, state=state, indicators=indicators, weights=weights, k=k)
        result = release.frames.af[level]
        return result, with_names(release.af(level, af_frame(result)))
    result = af_at(cached_family_table(user, today, state=state), level, indicators=indicators, weights=weights, k=k)
    return result, with_names(af_frame(result))


def af_at(
    table: pl.DataFrame,
    level: str,
    *,
    indicators: list[str] | None = None,
    weights: dict[str, float] | None = None,
    k: float | None = None,
) -> AFResult:
    """`af` over a family table, each parameter left out taken from the defaults (data/registry.json)."""
    defaults = af_defaults()
    indicators = list(defaults["indicators"]) if indicators is None else indicators
    weights = {name: defaults["weights"].get(name, 1) for name in indicators} if weights is None else weights
    return af(table, indicators, weights, defaults["k"] if k is None else k, level)


def snapshot_data(today: date | None = None) -> dict[str, Any]:
    """The aggregated indicators of the whole registry per kelurahan, kecamatan and city (counts only,
    unsuppressed: a snapshot is internal), with AF at the default parameters."""
    table = cached_family_table(None, today)
    data: dict[str, Any] = {"families": table.height, "date": str(today or date.today()), "levels": {}}
    for level in LEVELS:
        desil, deprivation = desil_table(table, level), deprivation_table(table, level)
        frame = af_frame(af_at(table, level)) if table.height else pl.DataFrame({"region": []})
        rows: dict[str, dict] = {}
        for source in (desil, deprivation, frame):
            for record in source.to_dicts():
                rows.setdefault(record.pop("region"), {}).update(record)
        data["levels"][level] = rows
    return data


def compare_snapshots(before: dict[str, Any], after: dict[str, Any], level: str, measure: str) -> list[dict[str, Any]]:
    """Per region of `level`: the measure before, after and the change (None where a side lacks it)."""
    left, right = before["levels"].get(level, {}), after["levels"].get(level, {})
    rows = []
    for region in sorted(set(left) | set(right)):
        a, b = left.get(region, {}).get(measure), right.get(region, {}).get(measure)
        rows.append(
            {
                "region": region,
                "sebelum": a,
                "sesudah": b,
                "perubahan": None if a is None or b is None else round(b - a, 4),
            }
        )
    return rows


def snapshot_measures(data: dict[str, Any]) -> list[str]:
    """The measures a snapshot holds (columns of its city row)."""
    city = data.get("levels", {}).get(CITY, {}).get(CITY, {})
    return [name for name, value in city.items() if isinstance(value, int | float) or value is None]
