"""The database half of an import: diff against the registry and write in bulk, with history, through
the registry writer's bulk form (tepat.registry.writer).

Runs inside the caller's transaction. Cost: one SELECT of the source's records, one COPY/executemany
per table, one UPDATE per changed record; no per-record ORM objects.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from collections.abc import Callable

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tepat.registry import writer
from tepat.registry.bulk import fetch, fetch_in
from tepat.registry.fields import FAMILY_FIELDS, MEMBER_FIELDS
from tepat.registry.importer.diff import Diff, MissingGuard, compare, missing_guard
from tepat.registry.importer.messages import HELD
from tepat.registry.importer.pipeline import Prepared
from tepat.registry.importer.profiles import Profile
from tepat.registry.models import ChangeAction

Progress = Callable[[str, float], None]


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Outcome:
    families: Counts = field(default_factory=Counts)
    members: Counts = field(default_factory=Counts)
    guard: MissingGuard | None = None


class MissingHeld(Exception):
    """Raised before anything is written: the import would flag more than the threshold share missing."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        guard = outcome.guard
        super().__init__(HELD["missing_over_threshold"].text(**held_values(guard)))


def held_values(guard: MissingGuard) -> dict[str, object]:
    return {
        "families": guard.families_in_file,
        "kelurahan": guard.kelurahan,
        "registry": guard.registry_active,
        "missing": guard.missing,
        "share": f"{guard.share():.0%}",
        "threshold": f"{guard.threshold:.0%}",
    }


def missing_threshold() -> float:
    """TEPAT_MISSING_THRESHOLD (setting, else environment variable): the share of the active families inside
    a file's coverage above which an import stops before flagging them missing. Default 0.10."""
    value = getattr(settings, "TEPAT_MISSING_THRESHOLD", None)
    return float(value if value is not None else os.getenv("TEPAT_MISSING_THRESHOLD", "0.10"))


def family_fields(profile: Profile, present: frozenset[str]) -> list[str]:
    """The registry fields this file speaks for; other fields keep what earlier imports wrote."""
    given = set(present)
    if profile.level == "individu" and "nama" in present:
        given.add("kepala_keluarga")
    if profile.desil and profile.desil.column in present:
        given |= {"desil", "desil_skala"}
    if profile.region_column:
        given.add("kelurahan_id")
    if given & set(profile.asset_columns):
        given.add("aset")
    return [f for f in FAMILY_FIELDS if f in given]


def member_fields(profile: Profile, present: frozenset[str]) -> list[str]:
    given = set(present) | ({"hubungan_dengan_kepala_keluarga", "nama"} if profile.head_from_row else set())
    return [f for f in MEMBER_FIELDS if f in given]


def _existing(table: str, incoming: pl.DataFrame, fields: list[str], source: str) -> pl.DataFrame:
    """The source's records, typed like the incoming frame so that values compare as equals."""
    casts = [f"CAST({f} AS TEXT)" if f in ("tanggal_lahir", "aset") else f for f in fields]
    select = ", ".join(["id", "source_key", *casts, "is_active", "inactive_reason", "missing_since_id"])
    rows = fetch(f"SELECT {select} FROM {table} WHERE source = %s", [source])
    types = {f: incoming.schema[f] if f in incoming.columns else pl.String for f in fields}
    schema = {
        "id": pl.Int64,
        "source_key": pl.String,
        **types,
        "is_active": pl.Boolean,
        "inactive_reason": pl.String,
        "missing_since_id": pl.Int64,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row", strict=False)
    if "aset" in fields:
        frame = frame.with_columns(pl.col("aset").map_elements(_canonical_json, return_dtype=pl.String))
    return frame


def _canonical_json(text: str | None) -> str:
    return json.dumps(json.loads(text) if text else {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def write(prepared: Prepared, batch, user_id: int | None, progress: Progress) -> Outcome:
    """Diff and write (unless batch.dry_run). Records written carry the batch and its export date.

    Guarantee: raises MissingHeld before writing anything when more than missing_threshold() of the
    active families inside the file's coverage would be flagged missing, unless batch.allow_missing.
    """
    outcome = Outcome()
    profile = prepared.profile
    family_ids: dict[str, int] = {}
    if profile.has_families:
        family_ids = _write_families(prepared, batch, user_id, outcome, progress)
    if profile.has_members:
        _write_members(prepared, batch, user_id, family_ids, outcome.members, progress)
    return outcome


def _write_families(prepared: Prepared, batch, user_id, outcome: Outcome, progress: Progress) -> dict[str, int]:
    counts = outcome.families
    exported = batch.export_date.isoformat() if batch.export_date else None
    profile, incoming = (
        prepared.profile,
        prepared.families.with_columns(pl.lit(exported, pl.String).alias("export_date")),
    )
    fields = family_fields(profile, prepared.present)
    existing = _existing("registry_family", incoming, fields, profile.source)
    covered = tuple(f for f in ("kelurahan_id", "desil") if f in fields)
    diff = compare(incoming, existing, fields, covered, held=tuple(prepared.rejected_family_keys))
    counts.new, counts.updated, counts.unchanged = diff.new.height, diff.changed.height, diff.unchanged
    counts.missing, counts.rejected = len(diff.missing_ids), len(prepared.rejected_family_keys)
    if "kelurahan_id" in existing.columns:
        outcome.guard = missing_guard(
            existing, prepared.coverage, counts.missing, prepared.families_in_file, missing_threshold()
        )
        if outcome.guard.trips() and not (batch.dry_run or batch.allow_missing):
            raise MissingHeld(outcome)
    if batch.dry_run:  # stand-in ids let the members of new families count as new
        return {
            **dict(existing.select("source_key", "id").iter_rows()),
            **{k: -i for i, k in enumerate(diff.new["source_key"], 1)},
        }
    progress("menulis keluarga", 0.6)
    _insert_new("registry_family", diff.new, (*FAMILY_FIELDS, "export_date"), profile.source, batch.pk)
    _apply_changes("registry_family", diff, fields, batch.pk, user_id, member=False, stamped=("export_date",))
    ids = dict(existing.select("source_key", "id").iter_rows())
    ids.update(
        fetch(
            "SELECT source_key, id FROM registry_family WHERE source = %s AND batch_id = %s", [profile.source, batch.pk]
        )
    )
    return ids


def _write_members(
    prepared: Prepared, batch, user_id, family_ids: dict[str, int], counts: Counts, progress: Progress
) -> None:
    profile = prepared.profile
    if not family_ids:
        family_ids = dict(fetch("SELECT source_key, id FROM registry_family WHERE source = %s", [profile.source]))
    incoming = prepared.members.with_columns(
        pl.col("family_key").replace_strict(family_ids, default=None, return_dtype=pl.Int64).alias("family_id")
    ).filter(pl.col("family_id").is_not_null())
    fields = ["family_id", *member_fields(profile, prepared.present)]
    existing = _existing("registry_member", incoming, fields, profile.source)
    covered = ("family_id",) if profile.level != "keluarga" else ()
    diff = compare(incoming, existing, fields, covered, held=_held_members(prepared.rejected_members, existing))
    counts.new, counts.updated, counts.unchanged = diff.new.height, diff.changed.height, diff.unchanged
    counts.missing = len(diff.missing_ids)
    counts.rejected = prepared.rows - prepared.members.height
    if batch.dry_run:
        return
    progress("menulis anggota", 0.8)
    _insert_new("registry_member", diff.new, ("family_id", *MEMBER_FIELDS), profile.source, batch.pk)
    _apply_changes("registry_member", diff, fields, batch.pk, user_id, member=True)


def _held_members(rejected: pl.DataFrame, existing: pl.DataFrame) -> tuple[str, ...]:
    """Registered members that a rejected row stands for, by NIK or, when the NIK is unreadable, by id_individu."""
    keys = set(rejected["nik"].drop_nulls())
    if "id_individu" in existing.columns:
        ids = rejected["id_individu"].drop_nulls().implode()
        keys |= set(existing.filter(pl.col("id_individu").is_in(ids))["source_key"])
    return tuple(keys)


def _insert_new(table: str, new: pl.DataFrame, fields, source: str, batch_id: int) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    data = new.select(
        pl.lit(source).alias("source"),
        "source_key",
        *fields,
        pl.lit(batch_id).alias("batch_id"),
        pl.lit(batch_id).alias("first_batch_id"),
        pl.lit(True).alias("is_active"),
        pl.lit("").alias("inactive_reason"),
        pl.lit(1).alias("version"),
        pl.lit(str(now)).alias("updated_at"),
    )
    writer.insert_records(table, data)


def _apply_changes(
    table: str, diff: Diff, fields: list[str], batch_id: int, user_id, member: bool, stamped: tuple[str, ...] = ()
) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    changed = diff.changed.select(*fields, *stamped, "id")
    writer.update_records(
        table,
        [*fields, *stamped, "batch_id", "updated_at"],
        ((*row[:-1], batch_id, now, row[-1]) for row in changed.iter_rows()),
        extra_sql=", version = version + 1, missing_since_id = NULL",
    )
    writer.update_records(table, ["missing_since_id", "updated_at"], ((batch_id, now, pk) for pk in diff.missing_ids))
    writer.update_records(table, ["is_active", "inactive_reason"], ((True, "", pk) for pk in diff.revived_ids))
    _history(table, diff, batch_id, user_id, member, now)


def _history(table: str, diff: Diff, batch_id: int, user_id, member: bool, now) -> None:
    why = writer.Why(user_id, f"impor berkas (batch {batch_id})", batch_id)
    family_of = _family_ids(table, diff, member)
    updates = [
        writer.history(family_of(pk), pk if member else None, ChangeAction.UPDATE, changes, why, now)
        for pk, changes in diff.changed.select("id", "_changes").iter_rows()
    ]
    missing = [
        writer.history(family_of(pk), pk if member else None, ChangeAction.MISSING, "{}", why, now)
        for pk in diff.missing_ids
    ]
    writer.add_history(updates + missing)


def _family_ids(table: str, diff: Diff, member: bool) -> Callable[[int], int]:
    if not member:
        return lambda pk: pk
    ids = diff.changed["id"].to_list() + diff.missing_ids
    return dict(fetch_in("SELECT id, family_id FROM registry_member WHERE id IN ({marks})", ids)).__getitem__
