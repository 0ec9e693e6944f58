"""Start a job: in a worker process through django-tasks, or inline when TEPAT_IMPORT_RUNNER is "sync" (tests)."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_tasks import task

from tepat.accounts.actor import actor_user
from tepat.jobs.kinds import RUNNERS
from tepat.jobs.lease import fail_job, heartbeat
from tepat.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)


def enqueue(kind: str, *, acting_user=None, batch=None, **params) -> Job:
    """Record the job and hand it to a worker (or run it now when the runner is "sync")."""
    user = actor_user(acting_user)
    job = Job.objects.create(kind=kind, user=user, batch=batch, params=params)
    if settings.TEPAT_IMPORT_RUNNER == "sync":
        execute(job)
        job.refresh_from_db()
        return job
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return job


def wait(job: Job, timeout: float) -> Job:
    """Poll until the job is finished or `timeout` seconds passed (for pages that show the result in place)."""
    deadline = time.monotonic() + timeout
    while not job.is_finished() and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    return job


def run_for_page(kind: str, *, acting_user, timeout: float = 240, **params) -> tuple[dict | None, str | None]:
    """For pages that show a job's result in place: (its result, None), or (None, why there is none yet)."""
    from django.utils.translation import gettext as _

    job = wait(enqueue(kind, acting_user=acting_user, **params), timeout)
    if job.status == JobStatus.DONE:
        return job.result, None
    if job.status == JobStatus.FAILED:
        return None, _("Proses gagal: %(reason)s") % {"reason": job.error}
    return None, _("Masih diproses (pekerjaan %(id)s); muat ulang halaman ini nanti.") % {"id": job.pk}


def execute(job: Job) -> None:
    """Run the job in this process with a heartbeat; any exception fails it with the reason."""
    with heartbeat(job):
        try:
            result = RUNNERS[job.kind](job)
        except BaseException as error:  # MemoryError from the worker's cap included: the job is failed, not lost
            log.exception("job %s crashed", job.pk)
            fail_job(job, f"{type(error).__name__}: {str(error)[:300]}")
            if not isinstance(error, Exception):
                raise
            return
    job.status, job.result, job.finished_at = JobStatus.DONE, result, timezone.now()
    job.save(update_fields=["status", "result", "finished_at"])


@task()
def run_job(job_id: int) -> None:
    close_old_connections()
    job = Job.objects.select_related("batch", "user").get(pk=job_id)
    if job.status == JobStatus.QUEUED:
        execute(job)
    close_old_connections()


@contextmanager
def tracked(kind: str, *, acting_user=None, batch=None, **params):
    """A job run by this very process (`tepat import`): same Job row and heartbeat as a worker's, so a
    `kill -9` of the command is seen as a dead job by the next process that opens the database."""
    user = actor_user(acting_user)
    job = Job.objects.create(kind=kind, user=user, batch=batch, params=params)
    with heartbeat(job):
        try:
            yield job
        except BaseException as error:
            fail_job(job, f"{type(error).__name__}: {str(error)[:300]}")
            raise
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.save(update_fields=["status", "finished_at"])
