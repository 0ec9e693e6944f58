"""Every change to the registry goes through one of these functions: transactional, with history."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tepat.registry.importer import report as reports
from tepat.registry.importer.context import context_for
from tepat.registry.importer.load import write
from tepat.registry.importer.messages import FATAL, ImportFatal
from tepat.registry.importer.pipeline import prepare, sha256_of
from tepat.registry.models import BatchStatus, Change, ChangeAction, Family, ImportBatch, Member

Progress = Callable[[str, float], None]


def create_batch(path: Path, *, acting_user, file_name: str | None = None, requested_format: str = "auto",
                 dry_run: bool = False, export_date=None) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name=file_name or path.name, stored_path=str(path), requested_format=requested_format, dry_run=dry_run,
        export_date=export_date, user=acting_user if getattr(acting_user, "pk", None) else None,
    )


def do_import(batch: ImportBatch, *, acting_user, progress: Progress | None = None) -> ImportBatch:
    """Import the batch's file. Valid rows are written in one transaction; a fatal problem writes nothing.

    The report (batch.report) follows docs/import-report.md. Never raises for a bad file.
    """
    path = Path(batch.stored_path)
    track = _tracker(batch, progress)
    track("membaca berkas", 0.05)
    try:
        prepared = prepare(path, batch.requested_format, context_for)
    except ImportFatal as problem:
        return _fail(batch, problem, path)
    track("memeriksa selesai", 0.5)
    user_id = acting_user.pk if getattr(acting_user, "pk", None) else None
    with transaction.atomic():
        outcome = write(prepared, batch, user_id, track)
        batch.format = prepared.profile.name
        batch.sha256 = prepared.sha256
        batch.report = reports.build(prepared, outcome, dry_run=batch.dry_run, file_name=batch.file_name)
        _finish(batch, BatchStatus.DONE)
    if progress:
        progress("selesai", 1.0)
    return batch


def mark_interrupted_imports() -> int:
    """Uploads left running by a stopped server can never finish: say so on their page.

    Only web uploads (stored under UPLOAD_DIR): a `tepat import` may be running in another process.
    """
    uploads = str(settings.UPLOAD_DIR)
    return ImportBatch.objects.filter(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING], stored_path__startswith=uploads).update(
        status=BatchStatus.FAILED, stage="terputus: server dihentikan / interrupted: the server stopped",
        report={"format": None, "fatal": {"code": "interrupted", "message": FATAL["interrupted"].text()}},
    )


def _tracker(batch: ImportBatch, progress: Progress | None) -> Progress:
    def track(stage: str, fraction: float) -> None:
        if progress:
            progress(stage, fraction)
        batch.stage, batch.progress, batch.status = stage, int(fraction * 100), BatchStatus.RUNNING
        batch.save(update_fields=["stage", "progress", "status"])

    return track


def _fail(batch: ImportBatch, problem: ImportFatal, path: Path) -> ImportBatch:
    digest = sha256_of(path) if path.exists() else ""
    batch.sha256 = digest
    batch.report = reports.fatal(problem.code, str(problem), batch.file_name, digest)
    _finish(batch, BatchStatus.FAILED)
    return batch


def _finish(batch: ImportBatch, status: str) -> None:
    batch.status, batch.finished_at = status, timezone.now()
    batch.progress = 100
    batch.save()


@transaction.atomic
def do_deactivate_member(member: Member, *, acting_user, reason: str) -> Change:
    """Deactivate (never delete) a member, e.g. deceased or moved, with the reason in history.
    Returns the history row; `member` is refreshed."""
    if not reason.strip():
        raise ValueError("a reason is required")
    before = member.is_active
    Member.objects.filter(pk=member.pk).update(
        is_active=False, inactive_reason=reason, version=F("version") + 1, updated_at=timezone.now()
    )
    change = Change.objects.create(
        family_id=member.family_id, member=member, action=ChangeAction.DEACTIVATE,
        fields={"is_active": [before, False]}, reason=reason, user=acting_user,
    )
    member.refresh_from_db()
    return change


@transaction.atomic
def do_reactivate_member(member: Member, *, acting_user, reason: str) -> Change:
    """Undo a deactivation (e.g. a duplicate decision reversed): active again, the reason in history.
    Returns the history row; `member` is refreshed."""
    if not reason.strip():
        raise ValueError("a reason is required")
    before = member.is_active
    Member.objects.filter(pk=member.pk).update(is_active=True, inactive_reason="", version=F("version") + 1, updated_at=timezone.now())
    change = Change.objects.create(
        family_id=member.family_id, member=member, action=ChangeAction.UPDATE,
        fields={"is_active": [before, True]}, reason=reason, user=acting_user,
    )
    member.refresh_from_db()
    return change


@transaction.atomic
def do_deactivate_family(family: Family, *, acting_user, reason: str) -> Change:
    """Deactivate (never delete) a family with the reason in history. Returns the history row;
    `family` is refreshed."""
    if not reason.strip():
        raise ValueError("a reason is required")
    Family.objects.filter(pk=family.pk).update(
        is_active=False, inactive_reason=reason, version=F("version") + 1, updated_at=timezone.now()
    )
    change = Change.objects.create(
        family=family, action=ChangeAction.DEACTIVATE, fields={"is_active": [family.is_active, False]},
        reason=reason, user=acting_user,
    )
    family.refresh_from_db()
    return change


@transaction.atomic
def do_assign(families, *, enumerator, acting_user) -> int:
    """Assign families to an enumerator (verivali campaigns build on this). Returns how many are new."""
    from tepat.accounts.models import AuditAction, audit
    from tepat.registry.models import Assignment

    have = set(Assignment.objects.filter(enumerator=enumerator, is_active=True).values_list("family_id", flat=True))
    new = [Assignment(family_id=pk, enumerator=enumerator, assigned_by=acting_user) for pk in families.values_list("pk", flat=True) if pk not in have]
    Assignment.objects.bulk_create(new)
    if new:
        audit(AuditAction.FAMILIES_ASSIGNED, enumerator.username, acting_user=acting_user, families=[a.family_id for a in new])
    return len(new)
