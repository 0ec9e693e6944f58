"""The registry writer: the one module that writes families, members and their history.

Every change to a `Family` or `Member` row — an import, a verivali approval, a deactivation, a revert,
a linkage decision, a future API edit — goes through these functions. Each one writes the row, writes
its history (`Change`: who, when, why, each field's before and after, and the import it came from) and
bumps the registry's data version (tepat.registry.version), all in the caller's transaction (the
single-record functions open one when the caller has none). History rows are built by `history()` only.

Two forms of the same writer:
- single records (`create`, `update`, `deactivate`, `reactivate`, `touch`): the ORM, one row at a time,
  the in-memory record updated to match what was written (no reload);
- bulk (`insert_records`, `update_records`, `add_history`): COPY / executemany for the importer and
  revert, which diff whole sources in polars and must not build per-record ORM objects.

tests/test_one_writer.py fails when a module outside this one writes these tables.

Guarantee: a reader never sees a registry row without its history row or without a new version number
(one transaction). Cost: a single-record write is one UPDATE (or INSERT) of the row, one INSERT of its
history row and one UPDATE of the version row; a bulk write adds one version UPDATE per call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tepat.accounts.actor import Actor, actor_id
from tepat.registry.bulk import insert_frame, insert_rows, update_rows
from tepat.registry.models import Change, ChangeAction, Family, Member, VersionPart
from tepat.registry.version import bump

HISTORY_TABLE = Change._meta.db_table
HISTORY_COLUMNS = ("family_id", "member_id", "action", "fields", "reason", "user_id", "batch_id", "at")
RECORD_TABLES = frozenset({Family._meta.db_table, Member._meta.db_table})

Record = TypeVar("Record", Family, Member)


@dataclass(frozen=True)
class Why:
    """Who writes, why, and from which import (None: a person's edit). Stored on every history row."""

    user_id: int | None
    reason: str
    batch_id: int | None = None

    @classmethod
    def of(cls, actor: Actor, reason: str, batch_id: int | None = None) -> Why:
        return cls(actor_id(actor), reason[:255], batch_id)

    def saying(self, reason: str) -> Why:
        """The same who and source with another reason (cut to the column's 255 characters)."""
        return replace(self, reason=reason[:255])


def history(family_id: int, member_id: int | None, action: str, fields, why: Why, at) -> tuple:
    """One history row in HISTORY_COLUMNS order; `fields` is {field: [before, after]} (or that as JSON text)."""
    return (family_id, member_id, action, fields, why.reason, why.user_id, why.batch_id, at)


# --- single records -------------------------------------------------------------------------------


@transaction.atomic
def create(model: type[Record], values: dict, *, why: Why, shown: dict | None = None, **keys) -> tuple[Record, Change]:
    """A new record with `values` (and `keys`: family, source, source_key ...), and its history row.
    `shown`: the history's {field: [None, after]} as the user gave it; default from `values`."""
    record = model.objects.create(**keys, **values)
    bump(VersionPart.REGISTRY)
    fields = {name: [None, value] for name, value in (values if shown is None else shown).items()}
    return record, _change(record, ChangeAction.UPDATE, fields, why)


@transaction.atomic
def update(
    record: Record, values: dict, *, why: Why, shown: dict | None = None, action: str = ChangeAction.UPDATE
) -> Change:
    """Write `values` to the record (version + 1) with one history row. `shown`: the history's
    {field: [before, after]} as the user saw them; default read from the record before the write.
    Guarantee: `record` holds what was written afterwards (version included)."""
    fields = shown if shown is not None else {name: [getattr(record, name), value] for name, value in values.items()}
    now = timezone.now()
    type(record).objects.filter(pk=record.pk).update(**values, version=F("version") + 1, updated_at=now)
    bump(VersionPart.REGISTRY)
    for name, value in values.items():
        setattr(record, name, value)
    record.version, record.updated_at = record.version + 1, now
    return _change(record, action, fields, why)


def deactivate(record: Record, *, why: Why) -> Change:
    """Deactivate (never delete) a family or member; the reason is stored on the row and in history."""
    values = {"is_active": False, "inactive_reason": why.reason}
    return update(
        record, values, why=why, shown={"is_active": [record.is_active, False]}, action=ChangeAction.DEACTIVATE
    )


def reactivate(record: Record, *, why: Why) -> Change:
    """Active again (e.g. a duplicate decision reversed); history keeps both steps."""
    values = {"is_active": True, "inactive_reason": ""}
    return update(record, values, why=why, shown={"is_active": [record.is_active, True]})


@transaction.atomic
def touch(family: Family) -> None:
    """A new version of a family whose members changed (what a verivali request read is no longer current).
    No history row of its own: the members' rows carry it."""
    now = timezone.now()
    Family.objects.filter(pk=family.pk).update(version=F("version") + 1, updated_at=now)
    bump(VersionPart.REGISTRY)
    family.version, family.updated_at = family.version + 1, now


def _change(record: Family | Member, action: str, fields: dict, why: Why) -> Change:
    member = record if isinstance(record, Member) else None
    family_id = record.family_id if member else record.pk
    row = history(family_id, member.pk if member else None, action, fields, why, timezone.now())
    return Change.objects.create(**dict(zip(HISTORY_COLUMNS, row)))


# --- bulk (importer, revert) ----------------------------------------------------------------------


def insert_records(table: str, frame: pl.DataFrame) -> int:
    """Insert new records (a frame whose columns are the table's). Their history is `first_batch`."""
    _check(table)
    bump(VersionPart.REGISTRY)
    return insert_frame(table, frame)


def update_records(table: str, columns: Sequence[str], rows: Iterable[Sequence], extra_sql: str = "") -> int:
    """UPDATE records: each row is the `columns` values then the id. The caller adds their history rows
    with `add_history` in the same transaction."""
    _check(table)
    bump(VersionPart.REGISTRY)
    return update_rows(table, columns, rows, extra_sql=extra_sql)


def add_history(rows: Iterable[tuple]) -> int:
    """Insert history rows built by `history()`; `fields` given as dicts are written as JSON."""
    return insert_rows(HISTORY_TABLE, HISTORY_COLUMNS, (_encoded(row) for row in rows))


def _encoded(row: tuple) -> tuple:
    if isinstance(row[3], str):
        return row
    return (*row[:3], json.dumps(row[3], ensure_ascii=False), *row[4:])


def _check(table: str) -> None:
    if table not in RECORD_TABLES:
        raise ValueError(f"the registry writer writes {sorted(RECORD_TABLES)}, not {table!r}")
