"""The database half of an import: diff against the registry and write in bulk, with history, through
the registry writer's bulk form (tepat.registry.writer), one chunk of whole families at a time.

Runs inside the caller's transaction: an error in any chunk leaves nothing written. Cost: per chunk, one
SELECT of the registered records of the chunk's keys and one COPY/executemany per table; once, the source's
families (id, key, kelurahan, desil, state) for the missing set; one UPDATE per changed record; no per-record
ORM objects. Memory ~ one chunk and the ids of the file's registered members.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from collections.abc import Callable

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tepat.registry import writer
from tepat.registry.bulk import Statistics, fetch, fetch_frame, fetch_frame_in, fetch_in
from tepat.registry.fields import FAMILY_FIELDS, MEMBER_FIELDS
from tepat.registry.importer.diff import Diff, MissingGuard, absent, compare, missing_guard
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

    def add(self, diff: Diff) -> None:
        """Count one chunk's diff."""
        self.new += diff.new.height
        self.updated += diff.changed.height
        self.unchanged += diff.unchanged


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


STATE = ("is_active", "inactive_reason", "missing_since_id")


def _existing(table: str, incoming: pl.DataFrame, fields: list[str], source: str, keys=None) -> pl.DataFrame:
    """The source's records (only those whose source_key is in `keys` when given), typed like the incoming frame
    so that values compare as equals. Cost: one query (one per 5000 keys on SQLite), built batch by batch."""
    casts = [f"CAST({f} AS TEXT)" if f in ("tanggal_lahir", "aset") else f for f in fields]
    select = f"SELECT {', '.join(['id', 'source_key', *casts, *STATE])} FROM {table} WHERE source = %s"
    types = {f: incoming.schema[f] if f in incoming.columns else pl.String for f in fields}
    schema = {"id": pl.Int64, "source_key": pl.String, **types}
    schema |= {"is_active": pl.Boolean, "inactive_reason": pl.String, "missing_since_id": pl.Int64}
    if keys is None:
        frame = fetch_frame(select, [source], schema)
    else:
        frame = fetch_frame_in(select + " AND {keys}", [source], "source_key", keys, schema)
    if "aset" in fields:
        frame = frame.with_columns(pl.col("aset").map_elements(_canonical_json, return_dtype=pl.String))
    return frame


def _canonical_json(text: str | None) -> str:
    return json.dumps(json.loads(text) if text else {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass
class _Run:
    """One import's write: what it writes and what it has seen so far, chunk by chunk."""

    prepared: Prepared
    batch: object
    user_id: int | None
    outcome: Outcome
    writing: bool  # False: a dry run, or counting for a held import
    registered: pl.DataFrame  # the source's families before this import: id, source_key, covered fields, state
    members_before: int  # the source's members before this import
    stand_ins: int = 0  # dry run: negative ids given to new families so far
    seen: list[pl.Series] = field(default_factory=list)  # ids of the registered members the file has
    lacking: list[pl.DataFrame] = field(default_factory=list)  # registered members a chunk's families lack
    statistics: Statistics = field(default_factory=Statistics)

    @property
    def source(self) -> str:
        return self.prepared.profile.source

    def family_fields(self) -> list[str]:
        return family_fields(self.prepared.profile, self.prepared.present)

    def member_fields(self) -> list[str]:
        return ["family_id", *member_fields(self.prepared.profile, self.prepared.present)]

    def inserted(self) -> None:
        """Keep the planner's statistics of the tables this import fills (a lookup by key must use the index)."""
        self.statistics.grown("registry_family", self.registered.height + self.outcome.families.new)
        self.statistics.grown("registry_member", self.members_before + self.outcome.members.new)


def _start(prepared: Prepared, batch, user_id: int | None) -> _Run:
    """What the registry holds of the source before the import writes: its families (what each chunk is diffed
    against, and the missing families and the guard are decided from once the last chunk is checked) and the
    count of its members. Cost: one query of the source's families (key, id, covered fields and state: about
    100 MB for a million families) and one count."""
    source, covered = prepared.profile.source, _covered(prepared)
    typed = pl.DataFrame(schema=dict.fromkeys(covered, pl.Int64))
    registered = _existing("registry_family", typed, covered, source)
    ((members,),) = fetch("SELECT COUNT(*) FROM registry_member WHERE source = %s", [source])
    run = _Run(prepared, batch, user_id, Outcome(), not batch.dry_run, registered, members)
    run.inserted()
    return run


def write(prepared: Prepared, batch, user_id: int | None, progress: Progress) -> Outcome:
    """Diff and write (unless batch.dry_run), chunk by chunk, each as soon as it is checked (the checks run in a
    thread of their own: tepat.registry.importer.pipeline). Records written carry the batch and its export date.

    Guarantee: when more than missing_threshold() of the active families inside the file's coverage would be
    flagged missing, unless batch.allow_missing, nothing is written and MissingHeld is raised with the counts.
    That needs the whole file, so the chunks are written inside a savepoint, undone when the guard holds.
    The registry, history and counts are those of diffing the whole file at once: a family lies in one chunk
    and a member (NIK) in one row, so each chunk is diffed against the registry as it was before the import.
    """
    profile, run = prepared.profile, _start(prepared, batch, user_id)
    try:
        with transaction.atomic():
            _write_chunks(run, progress)
            missing = _missing_families(run) if profile.has_families and _covered(prepared) else []
    except _Held:
        _count_only(run)
        raise MissingHeld(run.outcome) from None
    checked = prepared.checked()
    if profile.has_members:
        run.outcome.members.rejected = checked.rows - prepared.parts.heights["members"]
        missing_members = _missing_members(run)
        run.outcome.members.missing = len(missing_members)
        if run.writing:
            _flag_missing("registry_member", missing_members, batch.pk, user_id, member=True)
    if run.writing:
        _flag_missing("registry_family", missing, batch.pk, user_id, member=False)
    return run.outcome


class _Held(Exception):
    """The missing guard holds the import: undo the chunks written so far."""


def _write_chunks(run: _Run, progress: Progress) -> None:
    """Each chunk as it comes from the checks: its families, then its members."""
    parts, profile = run.prepared.parts, run.prepared.profile
    for number, (families, members) in enumerate(parts):
        part = f" {number + 1}/{len(parts)}" if len(parts) > 1 else ""
        progress(f"menulis keluarga{part}", 0.1 + 0.8 * number / len(parts))
        ids = _family_chunk(families, run) if profile.has_families else _registered_families(members, run.source)
        if profile.has_members:
            progress(f"menulis anggota{part}", 0.1 + 0.8 * (number + 0.5) / len(parts))
            _member_chunk(members, ids, run)
        run.inserted()


def _covered(prepared: Prepared) -> list[str]:
    """The fields whose values in the file select the registered families it speaks for (see diff.absent)."""
    return [f for f in ("kelurahan_id", "desil") if f in family_fields(prepared.profile, prepared.present)]


def _missing_families(run: _Run) -> list[int]:
    """The registered families the file lacks, and the missing guard (raises _Held when it holds the import),
    from the families registered before the import. Cost: one read of the file's family keys and covered fields."""
    prepared, counts, covered, before = run.prepared, run.outcome.families, _covered(run.prepared), run.registered
    checked = prepared.checked()
    counts.rejected = len(checked.rejected_family_keys)
    incoming = prepared.parts.column("families", ["source_key", *covered])
    missing = absent(incoming, before, covered, held=checked.rejected_family_keys)
    counts.missing = len(missing)
    if "kelurahan_id" in covered:
        guard = missing_guard(before, checked.coverage, counts.missing, checked.families_in_file, missing_threshold())
        run.outcome.guard = guard
        if guard.trips() and not (run.batch.dry_run or run.batch.allow_missing):
            raise _Held
    return missing


def _count_only(run: _Run) -> None:
    """The would-be family counts of a held import, diffed chunk by chunk without writing."""
    found = run.outcome.families
    run.outcome = Outcome(families=Counts(missing=found.missing, rejected=found.rejected), guard=run.outcome.guard)
    run.writing, run.stand_ins = False, 0
    for families, _ in run.prepared.parts:
        _family_chunk(families, run)


def _family_chunk(families: pl.DataFrame, run: _Run) -> pl.DataFrame:
    """Diff and write one chunk's families. Returns source_key -> id of the chunk's families (for their members)."""
    counts, batch = run.outcome.families, run.batch
    exported = batch.export_date.isoformat() if batch.export_date else None
    incoming = families.with_columns(pl.lit(exported, pl.String).alias("export_date"))
    fields = run.family_fields()
    registered = run.registered.join(incoming.select("source_key"), on="source_key", how="semi")
    existing = _existing("registry_family", incoming, fields, run.source, keys=registered["source_key"].to_list())
    diff = compare(incoming, existing, fields)
    counts.add(diff)
    known = existing.select("source_key", "id")
    if not run.writing:  # stand-in ids let the members of new families count as new
        first, run.stand_ins = run.stand_ins, run.stand_ins + diff.new.height
        stand_in = pl.int_range(first + 1, run.stand_ins + 1, eager=True, dtype=pl.Int64) * -1
        return pl.concat([known, pl.DataFrame({"source_key": diff.new["source_key"], "id": stand_in})])
    _insert_new("registry_family", diff.new, (*FAMILY_FIELDS, "export_date"), run.source, batch.pk)
    _apply_changes("registry_family", diff, fields, batch.pk, run.user_id, member=False, stamped=("export_date",))
    return pl.concat([known, _family_ids_of(diff.new["source_key"].to_list(), run.source)])


def _family_ids_of(keys: list[str], source: str) -> pl.DataFrame:
    schema = {"source_key": pl.String, "id": pl.Int64}
    select = "SELECT source_key, id FROM registry_family WHERE source = %s AND {keys}"
    return fetch_frame_in(select, [source], "source_key", keys, schema)


def _registered_families(members: pl.DataFrame, source: str) -> pl.DataFrame:
    """source_key -> id of the registered families a member-level chunk names."""
    return _family_ids_of(members["family_key"].drop_nulls().unique().to_list(), source)


def _member_chunk(members: pl.DataFrame, family_ids: pl.DataFrame, run: _Run) -> None:
    """Diff and write one chunk's members; note the registered members its families lack (missing unless
    another chunk has them)."""
    counts, batch, fields = run.outcome.members, run.batch, run.member_fields()
    ids = family_ids.rename({"source_key": "family_key", "id": "family_id"})
    incoming = members.join(ids, on="family_key", how="inner", maintain_order="left")
    keys = incoming["source_key"].to_list() if run.members_before else []  # the first import looks nothing up
    existing = _existing("registry_member", incoming, fields, run.source, keys=keys)
    run.seen.append(existing["id"])
    if run.prepared.profile.level != "keluarga":  # a person-level file speaks for every member of its families
        run.lacking.append(_lacking(incoming, family_ids, run))
    diff = compare(incoming, existing, fields)
    counts.add(diff)
    if run.writing:
        _insert_new("registry_member", diff.new, ("family_id", *MEMBER_FIELDS), run.source, batch.pk)
        _apply_changes("registry_member", diff, fields, batch.pk, run.user_id, member=True)


def _lacking(incoming: pl.DataFrame, family_ids: pl.DataFrame, run: _Run) -> pl.DataFrame:
    """Active, not yet missing, registered members of the chunk's families that the chunk does not have.
    Read before the chunk is written. Cost: one query by the ids of the chunk's families registered before."""
    person = "id_individu" if "id_individu" in run.member_fields() else "NULL"
    select = (
        f"SELECT id, source_key, {person} FROM registry_member "
        "WHERE source = %s AND is_active AND missing_since_id IS NULL AND {keys}"
    )
    schema = {"id": pl.Int64, "source_key": pl.String, "id_individu": pl.String}
    families = family_ids.join(run.registered, on="id", how="semi")["id"].to_list() if run.members_before else []
    found = fetch_frame_in(select, [run.source], "family_id", families, schema)
    return found.join(incoming.select("source_key"), on="source_key", how="anti")


def _missing_members(run: _Run) -> list[int]:
    """The registered members of the file's families that no chunk has, and no rejected row stands for
    (by NIK or, when the NIK is unreadable, by id_individu)."""
    if not run.lacking:
        return []
    rejected = run.prepared.checked().rejected_members
    seen = pl.concat(run.seen).implode() if run.seen else pl.Series([], dtype=pl.Int64).implode()
    held = pl.col("source_key").is_in(rejected["nik"].drop_nulls().implode())
    held |= pl.col("id_individu").is_in(rejected["id_individu"].drop_nulls().implode()).fill_null(False)
    lacking = pl.concat(run.lacking).unique("id")
    return lacking.filter(~pl.col("id").is_in(seen) & ~held).sort("id")["id"].to_list()


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
    writer.update_records(table, ["is_active", "inactive_reason"], ((True, "", pk) for pk in diff.revived_ids))
    why = writer.Why(user_id, f"impor berkas (batch {batch_id})", batch_id)
    family_of = _family_ids(table, diff.changed["id"].to_list(), member)
    writer.add_history(
        writer.history(family_of(pk), pk if member else None, ChangeAction.UPDATE, changes, why, now)
        for pk, changes in diff.changed.select("id", "_changes").iter_rows()
    )


def _flag_missing(table: str, ids: list[int], batch_id: int, user_id, member: bool) -> None:
    """Flag the records the export lacks as missing since this batch, with their history rows."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    writer.update_records(table, ["missing_since_id", "updated_at"], ((batch_id, now, pk) for pk in ids))
    why = writer.Why(user_id, f"impor berkas (batch {batch_id})", batch_id)
    family_of = _family_ids(table, ids, member)
    writer.add_history(
        writer.history(family_of(pk), pk if member else None, ChangeAction.MISSING, "{}", why, now) for pk in ids
    )


def _family_ids(table: str, ids: list[int], member: bool) -> Callable[[int], int]:
    if not member:
        return lambda pk: pk
    return dict(fetch_in("SELECT id, family_id FROM registry_member WHERE id IN ({marks})", ids)).__getitem__
