"""Registry data as the engine's input frames, within a user's scope, read from the registry snapshot.

The snapshot (tepat.registry.snapshot) holds the whole registry's frames once per registry version,
shared by every process; a scope is a filter on its region columns (or the assigned family ids),
pushed down into the Parquet scan. Frames are kept in-process per (scope, snapshot), so a rule
preview re-evaluates without re-reading.

`registry_state()` is the registry's version (tepat.registry.version): one query of a four-row
table, whatever the size of the registry; caches of registry-derived tables key on it.
"""

from __future__ import annotations

import polars as pl

from tepat.accounts.roles import Scope
from tepat.lru import LRU
from tepat.registry import snapshot as snapshots
from tepat.registry.models import VersionPart
from tepat.registry.version import current

WHOLE_REGISTRY = "city"  # the key of the unscoped frames: shared by the CLI, targeting, allocation and city-wide users


def follows_versions(scope_key: str) -> bool:
    """Whether what a scope sees changes only with the data versions, so that a value computed for it may be kept
    per version: not an enumerator's scope, whose assignments change without one."""
    return not scope_key.startswith(f"{Scope.ASSIGNED}:")


_CACHE: LRU[tuple[pl.DataFrame, pl.DataFrame]] = LRU(4)


def registry_state() -> snapshots.Snapshot:
    """The registry snapshot a request reads: the current version's, or the newest older one while
    another process builds it (`.stale`). Caches of registry-derived tables key on it (its name), so
    a table built from an older snapshot is never kept under a newer version.
    Cost: one query of four rows and a stat; the build only when no process has built any snapshot."""
    return snapshots.snapshot_for(current()[VersionPart.REGISTRY])


def scope_filter(scope_key: str) -> pl.Expr | None:
    """The snapshot rows of a scope key (tepat.programs.preview.scope_key): None for the whole registry.
    Cost: one small query for a kecamatan/kelurahan (its code) or an enumerator (its assignments)."""
    from tepat.regions.models import Region
    from tepat.registry.models import Assignment

    if scope_key == WHOLE_REGISTRY:
        return None
    scope, _, ident = scope_key.partition(":")
    if scope in (Scope.KECAMATAN, Scope.KELURAHAN) and ident.isdigit():
        code = Region.objects.filter(pk=int(ident)).values_list("code", flat=True).first()
        return pl.col(scope) == code if code else pl.lit(False)
    if scope == Scope.ASSIGNED and ident.isdigit():
        ids = list(
            Assignment.objects.filter(enumerator_id=int(ident), is_active=True).values_list("family_id", flat=True)
        )
        return pl.col("family_id").is_in(ids)
    return pl.lit(False)


def _scoped_frames(snap: snapshots.Snapshot, keep: pl.Expr | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    frames = []
    for part in ("families", "members"):
        lazy = snap.scan(part)
        frames.append((lazy if keep is None else lazy.filter(keep)).collect())
    families, members = frames
    families = families.sort("family_id")
    members = members.drop("kelurahan", "kecamatan").with_columns(pl.col("tanggal_lahir").str.to_date(strict=False))
    return families, members


def registry_frames(scope_key: str, *, state: snapshots.Snapshot | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(families, members) for the engine: active families of the scope and their members.
    `state`: registry_state() when the caller has read it. Cost: a dict lookup when this process has
    read the scope from this snapshot already; a scan of the scope's rows of the Parquet files otherwise."""
    snap = state or registry_state()
    if not follows_versions(scope_key):  # key on the assignments themselves
        keep = scope_filter(scope_key)
        return _CACHE.get((scope_key, snap.name, str(keep)), lambda: _scoped_frames(snap, keep))
    return _CACHE.get((scope_key, snap.name), lambda: _scoped_frames(snap, scope_filter(scope_key)))


def data_as_of(state: snapshots.Snapshot) -> dict | None:
    """For the "data per <time>" line of a page: the older snapshot's time while a newer one is built."""
    return {"at": state.built_at} if state.stale else None
