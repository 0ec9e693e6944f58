"""Registry data as the engine's input frames, within a user's scope. One SQL query per frame.

Frames are cached per (scope, registry state) so that a rule preview re-evaluates without re-reading:
the state is the count and latest update time of families and members, so any import or change
invalidates the cache.
"""
from __future__ import annotations

import polars as pl
from django.db.models import Count, Max, QuerySet

from tepat.lru import LRU
from tepat.registry.bulk import fetch
from tepat.registry.fields import FAMILY_FLOATS, FAMILY_NUMBERS, FAMILY_TEXT, MEMBER_TEXT
from tepat.registry.models import Family, Member

WHOLE_REGISTRY = "city"  # the key of the unscoped frames: shared by the CLI, targeting, allocation and city-wide users
_CACHE: LRU[tuple[pl.DataFrame, pl.DataFrame]] = LRU(4)


def _id_filter(families: QuerySet, alias: str) -> tuple[str, list]:
    """SQL restricting to the scoped queryset's families (nothing to add when it is unfiltered)."""
    if not families.query.where:
        return "", []
    sql, params = families.values("id").query.sql_with_params()
    return f" AND {alias} IN ({sql})", list(params)


def _families(families: QuerySet) -> pl.DataFrame:
    where, params = _id_filter(families, "f.id")
    columns = [*FAMILY_TEXT, *FAMILY_NUMBERS, *FAMILY_FLOATS]
    sql = (
        f"SELECT f.id, r.code, p.code, {', '.join('f.' + c for c in columns)} FROM registry_family f "
        "JOIN regions_region r ON r.id = f.kelurahan_id JOIN regions_region p ON p.id = r.parent_id "
        f"WHERE f.is_active{where}"
    )
    schema = {"family_id": pl.Int64, "kelurahan": pl.String, "kecamatan": pl.String,
              **{c: pl.String for c in FAMILY_TEXT}, **{c: pl.Int64 for c in FAMILY_NUMBERS}, **{c: pl.Float64 for c in FAMILY_FLOATS}}
    return pl.DataFrame(fetch(sql, params), schema=schema, orient="row")


def _members(families: QuerySet) -> pl.DataFrame:
    where, params = _id_filter(families, "m.family_id")
    sql = (
        f"SELECT m.family_id, {', '.join('m.' + c for c in MEMBER_TEXT)}, CAST(m.tanggal_lahir AS TEXT), m.is_active "
        f"FROM registry_member m JOIN registry_family f ON f.id = m.family_id WHERE f.is_active{where}"
    )
    schema = {"family_id": pl.Int64, **{c: pl.String for c in MEMBER_TEXT}, "tanggal_lahir": pl.String, "is_active": pl.Boolean}
    frame = pl.DataFrame(fetch(sql, params), schema=schema, orient="row")
    return frame.with_columns(pl.col("tanggal_lahir").str.to_date(strict=False))


def registry_state() -> tuple:
    families = Family.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    members = Member.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return families["n"], families["at"], members["n"], members["at"]


def registry_frames(families: QuerySet, scope_key: str, *, state: tuple | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(families, members) for the engine. `families` must already be scoped by the caller. `state`:
    the registry state when the caller has read it already (each read scans families and members)."""
    return _CACHE.get((scope_key, state or registry_state()), lambda: (_families(families), _members(families)))
