"""Undo one import: every record it created, changed or flagged returns to its state before it.

The state before is read from history: an import's `Change` rows hold `{field: [before, after]}`
for what it changed and mark what it flagged missing; what it created carries it as `first_batch`.
Nothing is deleted: created records are deactivated with REVERTED_REASON (an import that has them
again brings them back), and every record put back gets a `revert` Change row. Called by
`actions.do_revert_batch` inside its transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from tepat.registry import writer
from tepat.registry.bulk import fetch, fetch_in
from tepat.registry.importer.diff import REVERTED_REASON
from tepat.registry.importer.messages import RevertRefused
from tepat.registry.importer.profiles import load_profiles
from tepat.registry.models import BatchStatus, Change, ChangeAction, Family, ImportBatch, Member

TABLES = {"registry_family": Family, "registry_member": Member}


@dataclass
class Reverted:
    """How many records of each kind were put back."""

    deactivated: dict[str, int] = field(default_factory=dict)  # created by the import
    restored: dict[str, int] = field(default_factory=dict)  # changed by it
    unflagged: dict[str, int] = field(default_factory=dict)  # flagged missing by it

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"deactivated": self.deactivated, "restored": self.restored, "unflagged": self.unflagged}


def refusal(batch: ImportBatch) -> RevertRefused | None:
    """Why the batch cannot be reverted now, or None. A revert must not undo anything done after it:
    later imports of the same source are reverted first; later verivali edits or deactivations of its
    records block it. Cost: two queries."""
    if not batch.is_revertible():
        return RevertRefused("not_revertible", batch=batch.pk)
    profiles = load_profiles()
    source = profiles[batch.format].source
    later = (
        ImportBatch.objects.filter(
            pk__gt=batch.pk,
            status=BatchStatus.DONE,
            dry_run=False,
            reverted_at__isnull=True,
            format__in=[n for n, p in profiles.items() if p.source == source],
        )
        .exclude(report__has_key="same_as")
        .values_list("pk", flat=True)
    )
    if later:
        return RevertRefused("later_imports", batches=", ".join(str(pk) for pk in later))
    touched = Q(family__first_batch=batch) | Q(family_id__in=Change.objects.filter(batch=batch).values("family_id"))
    count = Change.objects.filter(touched, at__gt=batch.finished_at, batch__isnull=True).count()
    return RevertRefused("later_changes", count=count) if count else None


def revert(batch: ImportBatch, *, user_id: int | None, reason: str) -> Reverted:
    """Put back every record the batch wrote. Cost: one UPDATE per created-record table, one UPDATE per
    changed or flagged record (executemany), one bulk insert of history rows."""
    done, now = Reverted(), connection.ops.adapt_datetimefield_value(timezone.now())
    why = writer.Why(user_id, f"impor {batch.pk} dibatalkan: {reason}"[:255], batch.pk)
    history: list[tuple] = []
    for table, model in TABLES.items():
        name = model._meta.model_name
        done.deactivated[name] = _deactivate_created(table, batch, why, now, history)
        done.restored[name], done.unflagged[name] = _restore_changed(model, batch, why, now, history)
    writer.add_history(history)
    return done


def _deactivate_created(table: str, batch: ImportBatch, why: writer.Why, now, history: list) -> int:
    member = table == "registry_member"
    rows = fetch(
        f"SELECT id, {'family_id' if member else 'id'} FROM {table} WHERE first_batch_id = %s AND is_active", [batch.pk]
    )
    writer.update_records(
        table,
        ["is_active", "inactive_reason", "updated_at"],
        ((False, REVERTED_REASON, now, pk) for pk, _ in rows),
        extra_sql=", version = version + 1",
    )
    fields = json.dumps({"is_active": [True, False]})
    history += [
        writer.history(family, pk if member else None, ChangeAction.REVERT, fields, why, now) for pk, family in rows
    ]
    return len(rows)


def _restore_changed(model, batch: ImportBatch, why: writer.Why, now, history: list) -> tuple[int, int]:
    member = model is Member
    changes = list(
        Change.objects.filter(
            batch=batch, member__isnull=not member, action__in=[ChangeAction.UPDATE, ChangeAction.MISSING]
        ).values_list("family_id", "member_id", "action", "fields")
    )
    record = (lambda c: c[1]) if member else (lambda c: c[0])
    wrote, flagged = _previous_batches(model, batch, [record(c) for c in changes])
    export_dates = dict(ImportBatch.objects.filter(pk__in=set(wrote.values())).values_list("pk", "export_date"))
    groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for change in changes:
        pk, (family_id, member_id, action, fields) = record(change), change
        values = (
            {"missing_since_id": None}
            if action == ChangeAction.MISSING
            else _before(model, fields, wrote[pk], flagged.get(pk))
        )
        if action == ChangeAction.UPDATE and not member:
            values["export_date"] = export_dates.get(wrote[pk])
        groups[tuple(values)].append((*values.values(), now, pk))
        inverse = (
            {"ada_di_ekspor": [False, True]}
            if action == ChangeAction.MISSING
            else {f: [a, b] for f, (b, a) in fields.items()}
        )
        history.append(writer.history(family_id, member_id, ChangeAction.REVERT, inverse, why, now))
    for columns, rows in groups.items():  # a missing flag alone does not bump the version (as when it was set)
        writer.update_records(
            model._meta.db_table,
            [*columns, "updated_at"],
            rows,
            extra_sql="" if columns == ("missing_since_id",) else ", version = version + 1",
        )
    missing = sum(1 for c in changes if c[2] == ChangeAction.MISSING)
    return len(changes) - missing, missing


def _before(model, fields: dict, writer: int, flagged: int | None) -> dict:
    """Column values before the import, from a Change's {field: [before, after]} (values as the diff wrote them: text)."""
    values: dict[str, object] = {"batch_id": writer}
    for name, (before, _after) in fields.items():
        if name == "ada_di_ekspor":
            values["missing_since_id"] = flagged
        else:
            values[name] = _stored(model, name, before)
    return values


def _stored(model, name: str, text):
    """A history value (text, '' for empty) as the database column takes it."""
    column = model._meta.get_field(name)
    if name == "aset":
        value = json.loads(text) if text else {}
    elif text in ("", None) and column.null:
        value = None
    else:
        value = column.to_python(text)
    return column.get_db_prep_save(value, connection)


def _previous_batches(model, batch: ImportBatch, ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per record: the import that had last written it before `batch` (its `batch` column then) and the
    import whose missing flag it carried then. Reverted imports do not count: their writes were undone."""
    key = "member_id" if model is Member else "family_id"
    reverted = list(ImportBatch.objects.filter(reverted_at__isnull=False).values_list("pk", flat=True)) or [0]
    sql = (
        f"SELECT {key}, action, MAX(batch_id) FROM registry_change WHERE batch_id < %s AND action IN ('update', 'missing') "
        f"AND batch_id NOT IN ({', '.join(str(int(pk)) for pk in reverted)}) AND {key} IN ({{marks}}) GROUP BY {key}, action"
    )
    writer = dict(fetch_in(f"SELECT id, first_batch_id FROM {model._meta.db_table} WHERE id IN ({{marks}})", ids))
    flagged: dict[int, int] = {}
    for pk, action, last in _fetch_in_with(sql, batch.pk, ids):
        if action == ChangeAction.UPDATE:
            writer[pk] = max(writer.get(pk) or 0, last)
        else:
            flagged[pk] = last
    return writer, flagged


def _fetch_in_with(sql: str, first: int, keys: list[int], size: int = 5000) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        rows += fetch(sql.format(marks=", ".join(["%s"] * len(chunk))), [first, *chunk])
    return rows
