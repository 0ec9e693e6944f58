"""Every change to the registry goes through one of these functions: transactional, with history."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tepat.accounts.actor import Actor, actor_id, actor_user
from tepat.regions.models import Region
from tepat.registry import progress as live
from tepat.registry import writer
from tepat.registry.importer import report as reports
from tepat.registry.importer.context import context_for
from tepat.registry.importer.load import MissingHeld, write
from tepat.registry.importer.messages import FATAL, ImportFatal, RevertRefused
from tepat.registry.importer.pipeline import Prepared, prepare, sha256_of
from tepat.registry.importer.profiles import load_profiles
from tepat.registry.models import BatchStatus, Change, Family, ImportBatch, Member

Progress = Callable[[str, float], None]


def create_batch(
    path: Path,
    *,
    acting_user: Actor,
    file_name: str | None = None,
    requested_format: str = "auto",
    dry_run: bool = False,
    export_date=None,
    allow_missing: bool = False,
) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name=file_name or path.name,
        stored_path=str(path),
        requested_format=requested_format,
        dry_run=dry_run,
        export_date=export_date,
        user=actor_user(acting_user),
        allow_missing=allow_missing,
    )


def do_import(batch: ImportBatch, *, acting_user: Actor, progress: Progress | None = None) -> ImportBatch:
    """Import the batch's file. Valid rows are written in one transaction; a fatal problem writes nothing.

    The report (batch.report) follows docs/import-report.md. Never raises for a bad file.
    Guarantees: a file identical (sha256) to the last import of its source, into a registry unchanged
    since, is answered from that batch's report (cost: hashing the file and three small queries);
    an import that would flag more than the threshold share missing ends `held`, writing nothing.
    """
    path = Path(batch.stored_path)
    track = _tracker(batch, progress)
    track("membaca berkas", 0.05)
    digest = sha256_of(path) if path.is_file() else None
    previous = _same_file_as(batch, digest)
    if previous is not None:
        return _answer_from(batch, previous, progress)
    try:
        prepared = prepare(path, batch.requested_format, context_for, sha256=digest)
    except ImportFatal as problem:
        return _fail(batch, problem, path)
    try:
        track("memeriksa", 0.1)
        return _write(batch, prepared, actor_id(acting_user), track, progress)
    except ImportFatal as problem:  # found in a later chunk, while earlier ones were written: all rolled back
        return _fail(batch, problem, path)
    finally:
        prepared.close()


def _write(batch: ImportBatch, prepared: Prepared, user_id: int | None, track: Progress, progress) -> ImportBatch:
    """Write the prepared file and its report in one transaction (held: only the report)."""
    try:
        with transaction.atomic():
            outcome = write(prepared, batch, user_id, track)
            _record(
                batch,
                prepared,
                reports.build(
                    prepared,
                    outcome,
                    dry_run=batch.dry_run,
                    file_name=batch.file_name,
                    coverage=_codes(prepared.checked().coverage),
                ),
                BatchStatus.DONE,
            )
    except MissingHeld as problem:
        report = reports.build(
            prepared,
            problem.outcome,
            dry_run=False,
            file_name=batch.file_name,
            coverage=_codes(prepared.checked().coverage),
        )
        _record(batch, prepared, reports.held(report, problem), BatchStatus.HELD)
    if progress:
        progress("selesai", 1.0)
    return batch


@transaction.atomic
def do_confirm_missing(batch: ImportBatch, *, acting_user: Actor) -> ImportBatch:
    """A person confirmed that a held import is a full export: queue it again, allowed to flag missing.
    The caller runs it (tepat.registry.runner). Raises ValueError for a batch that is not held."""
    if not batch.is_held():
        raise ValueError(f"import {batch.pk} is not waiting for a confirmation")
    held = batch.report.get("held", {})
    batch.allow_missing, batch.status, batch.progress, batch.stage = True, BatchStatus.QUEUED, 0, ""
    batch.report = {
        **batch.report,
        "confirmed": {
            "by": getattr(acting_user, "username", None),
            "at": timezone.now().isoformat(),
            "missing": held.get("missing"),
            "registry_active": held.get("registry_active"),
        },
    }
    batch.save(update_fields=["allow_missing", "status", "progress", "stage", "report"])
    return batch


@transaction.atomic
def do_revert_batch(batch: ImportBatch, *, acting_user: Actor, reason: str) -> dict:
    """Undo an import: every record it created, changed or flagged missing returns to its state before it,
    read from history. History is kept; each record put back gets a `revert` Change (batch = this import)
    and the batch records who reverted it, when and why. Raises RevertRefused (nothing written) when it
    cannot be reverted now. Returns the counts, also stored in batch.report["reverted"]."""
    from tepat.registry import revert

    if not reason.strip():
        raise RevertRefused("reason_required")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    problem = revert.refusal(batch)
    if problem:
        raise problem
    user = actor_user(acting_user)
    counts = revert.revert(batch, user_id=actor_id(user), reason=reason.strip()).as_dict()
    batch.reverted_at, batch.reverted_by, batch.revert_reason = timezone.now(), user, reason.strip()[:255]
    batch.report = {
        **batch.report,
        "reverted": {
            "by": getattr(user, "username", None),
            "at": batch.reverted_at.isoformat(),
            "reason": batch.revert_reason,
            **counts,
        },
    }
    batch.save(update_fields=["reverted_at", "reverted_by", "revert_reason", "report"])
    return counts


def registry_mark() -> dict:
    """What a same-file import must find unchanged: the last history row and the region master's size.
    Cost: an index lookup and a count of the (small) region table."""
    return {"change": Change.objects.aggregate(last=Max("id"))["last"] or 0, "regions": Region.objects.count()}


def _same_file_as(batch: ImportBatch, digest: str | None) -> ImportBatch | None:
    """The last import of the same source when it had this very file and nothing changed since."""
    if not digest:
        return None
    previous = (
        ImportBatch.objects.filter(sha256=digest, status=BatchStatus.DONE, dry_run=False, reverted_at__isnull=True)
        .exclude(pk=batch.pk)
        .order_by("-pk")
        .first()
    )
    if previous is None or not previous.registry_mark or batch.requested_format not in ("auto", previous.format):
        return None
    profiles = load_profiles()
    source = profiles[previous.format].source
    same_source = [name for name, profile in profiles.items() if profile.source == source]
    later = ImportBatch.objects.filter(
        pk__gt=previous.pk, status=BatchStatus.DONE, dry_run=False, format__in=same_source
    )
    return None if later.exists() or previous.registry_mark != registry_mark() else previous


def _answer_from(batch: ImportBatch, previous: ImportBatch, progress: Progress | None) -> ImportBatch:
    batch.format, batch.sha256, batch.registry_mark = previous.format, previous.sha256, previous.registry_mark
    batch.report = reports.same_file(
        previous.report, dry_run=batch.dry_run, file_name=batch.file_name, batch_id=previous.pk
    )
    _finish(batch, BatchStatus.DONE)
    if progress:
        progress("selesai", 1.0)
    return batch


def _record(batch: ImportBatch, prepared: Prepared, report: dict, status: str) -> None:
    """Store the outcome; a confirmation given on a held import stays in the report."""
    confirmed = {"confirmed": batch.report["confirmed"]} if "confirmed" in batch.report else {}
    batch.format, batch.sha256, batch.report = prepared.profile.name, prepared.sha256, {**report, **confirmed}
    batch.registry_mark = registry_mark() if status == BatchStatus.DONE and not batch.dry_run else {}
    _finish(batch, status)


def _codes(region_ids) -> list[str]:
    return list(Region.objects.filter(pk__in=list(region_ids)).order_by("code").values_list("code", flat=True))


def mark_interrupted_imports() -> int:
    """Uploads left running by a stopped server can never finish: say so on their page.

    Only web uploads (stored under UPLOAD_DIR): a `tepat import` may be running in another process.
    """
    uploads = str(settings.UPLOAD_DIR)
    return ImportBatch.objects.filter(
        status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING], stored_path__startswith=uploads
    ).update(
        status=BatchStatus.FAILED,
        stage="terputus: server dihentikan / interrupted: the server stopped",
        report={"format": None, "fatal": {"code": "interrupted", "message": FATAL["interrupted"].text()}},
    )


def _tracker(batch: ImportBatch, progress: Progress | None) -> Progress:
    def track(stage: str, fraction: float) -> None:
        if progress:
            progress(stage, fraction)
        batch.stage, batch.progress, batch.status = stage, int(fraction * 100), BatchStatus.RUNNING
        batch.save(update_fields=["stage", "progress", "status"])  # unseen by others while the import's write runs
        live.save(batch.pk, stage, batch.progress)  # so the status page reads this

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
    live.forget(batch.pk)


@transaction.atomic
def do_deactivate_member(member: Member, *, acting_user: Actor, reason: str) -> Change:
    """Deactivate (never delete) a member, e.g. deceased or moved, with the reason in history.
    Returns the history row; `member` is refreshed."""
    return _refreshed(member, writer.deactivate(member, why=_why(acting_user, reason)))


@transaction.atomic
def do_reactivate_member(member: Member, *, acting_user: Actor, reason: str) -> Change:
    """Undo a deactivation (e.g. a duplicate decision reversed): active again, the reason in history.
    Returns the history row; `member` is refreshed."""
    return _refreshed(member, writer.reactivate(member, why=_why(acting_user, reason)))


@transaction.atomic
def do_deactivate_family(family: Family, *, acting_user: Actor, reason: str) -> Change:
    """Deactivate (never delete) a family with the reason in history. Returns the history row;
    `family` is refreshed."""
    return _refreshed(family, writer.deactivate(family, why=_why(acting_user, reason)))


def _why(acting_user: Actor, reason: str) -> writer.Why:
    if not reason.strip():
        raise ValueError("a reason is required")
    return writer.Why.of(acting_user, reason)


def _refreshed(record: Family | Member, change: Change) -> Change:
    """The caller's record as stored (it may have been read before another write of it)."""
    record.refresh_from_db()
    return change


@transaction.atomic
def do_assign(families, *, enumerator, acting_user: Actor) -> int:
    """Assign families to an enumerator (verivali campaigns build on this). Returns how many are new."""
    from tepat.accounts.models import AuditAction, audit
    from tepat.registry.models import Assignment

    have = set(Assignment.objects.filter(enumerator=enumerator, is_active=True).values_list("family_id", flat=True))
    new = [
        Assignment(family_id=pk, enumerator=enumerator, assigned_by=acting_user)
        for pk in families.values_list("pk", flat=True)
        if pk not in have
    ]
    Assignment.objects.bulk_create(new)
    if new:
        audit(
            AuditAction.FAMILIES_ASSIGNED,
            enumerator.username,
            acting_user=acting_user,
            families=[a.family_id for a in new],
        )
    return len(new)
