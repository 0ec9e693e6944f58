"""What each kind of job runs, in the worker, and what a failure means for the object it works on.

Each function takes the Job and returns a JSON value stored as `job.result`. Adding a kind: one
entry in RUNNERS (and JobKind), one in FAILURES when the kind owns a row that must show the failure.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from collections.abc import Callable

from django.db import connection

from tepat.jobs.models import Job

IMPORT_LOCK = 0x7465706174  # "tepat": the PostgreSQL advisory lock that one import at a time holds


@contextmanager
def one_import_at_a_time():
    """Imports run one after the other: two at once would both find a family new and both insert it.

    SQLite already serialises them (every write transaction is IMMEDIATE and waits for the lock);
    PostgreSQL takes a session advisory lock, released when the import ends or its process dies.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])


def run_import(job: Job) -> dict:
    from tepat.registry.actions import do_import

    with one_import_at_a_time():
        batch = do_import(job.batch, acting_user=job.user)
    return {"batch": batch.pk, "status": batch.status}


def run_realisasi(job: Job) -> dict:
    from tepat.programs.actions import do_import_interventions
    from tepat.registry.importer.messages import ImportFatal

    try:
        report = do_import_interventions(
            Path(job.params["path"]), acting_user=job.user, file_name=job.params.get("file_name")
        )
    except ImportFatal as problem:
        return {"fatal": str(problem)}
    return {"report": report.as_dict()}


def run_odk(job: Job) -> dict:
    from tepat.verivali.models import Campaign
    from tepat.verivali.odk.ingest import ingest_file

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    return ingest_file(
        campaign,
        Path(job.params["path"]),
        acting_user=job.user,
        file_name=job.params.get("file_name"),
        include_rejected=job.params.get("include_rejected", False),
    ).as_dict()


def run_boundaries(job: Job) -> dict:
    from tepat.engine.spatial.geojson import BoundaryError
    from tepat.pockets.actions import do_upload_boundaries

    params = job.params
    try:
        stored = do_upload_boundaries(
            Path(params["path"]).read_bytes(),
            file_name=params["file_name"],
            source=params["source"],
            code_property=params.get("code_property"),
            acting_user=job.user,
        )
    except BoundaryError as error:
        return {"problems": [str(p) for p in error.problems]}
    return {"boundary_set": stored.pk, "polygons": stored.boundaries.count()}


def run_snapshot(job: Job) -> dict:
    """The registry snapshot of the version current now (tepat.registry.snapshot): idempotent (a
    version already written is not rewritten) and coalesced (queued once while due, however many
    versions passed)."""
    from tepat.registry.snapshot import build_snapshot

    built = build_snapshot()
    return {"snapshot": built.name, "built_at": built.built_at.isoformat()}


RUNNERS: dict[str, Callable[[Job], dict]] = {
    "import": run_import,
    "realisasi": run_realisasi,
    "odk": run_odk,
    "boundaries": run_boundaries,
    "snapshot": run_snapshot,
}


# Downloads (big tables, documents) made by the worker: tepat.jobs.exports.
def run_export(job: Job) -> dict:
    from tepat.jobs.exports import run_export as make_file

    return make_file(job)


RUNNERS["export"] = run_export


def _fail_batch(job: Job, reason: str) -> None:
    """The import page stops waiting: its batch is failed with the reason (a stable code, `job_died`)."""
    from django.utils import timezone

    from tepat.registry.importer.messages import FATAL
    from tepat.registry.models import BatchStatus, ImportBatch

    if job.batch_id is None:
        return
    report = {"format": None, "fatal": {"code": "job_died", "message": FATAL["job_died"].text(detail=reason)}}
    ImportBatch.objects.filter(pk=job.batch_id).exclude(status__in=[BatchStatus.DONE, BatchStatus.FAILED]).update(
        status=BatchStatus.FAILED,
        stage="gagal / failed",
        progress=100,
        finished_at=timezone.now(),
        report=report,
    )


FAILURES: dict[str, Callable[[Job, str], None]] = {"import": _fail_batch}


def on_failure(job: Job, reason: str) -> None:
    handler = FAILURES.get(job.kind)
    if handler:
        handler(job, reason)
