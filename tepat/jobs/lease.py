"""Which process runs a job, its heartbeat, and the reaper that fails jobs whose process is gone.

Guarantee: a job whose process died (kill -9, out of memory, power cut) is marked failed, with the
reason, the next time any Tepat process opens the database — never "running" forever. On this host a
dead process is seen at once (its pid is gone or is another process now); a process on another host
is judged by its heartbeat (older than TEPAT_JOB_STALE_SECONDS).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from tepat.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)
HOST = socket.gethostname()


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None when there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_started(pid: int) -> int | None:
    """The start time of a process (clock ticks since boot), or None when there is no such live process."""
    fields = _stat(pid)
    return None if fields is None or fields[0] in ("Z", "X") else int(fields[19])


def awaits_its_parent(pid: int) -> bool:
    """A dead process its parent has not collected yet (a zombie): the parent knows why it died (the
    worker supervisor reads the signal before collecting it), so only the parent reports it. A zombie
    left to init (parent 1) is nobody's to report."""
    fields = _stat(pid)
    return fields is not None and fields[0] == "Z" and int(fields[1]) != 1


def is_alive(job: Job) -> bool:
    if job.host == HOST and job.pid:
        if awaits_its_parent(job.pid):
            return True
        started = process_started(job.pid)
        return started is not None and (job.pid_started is None or started == job.pid_started)
    stale = timezone.now() - timedelta(seconds=settings.TEPAT_JOB_STALE_SECONDS)
    return job.heartbeat_at is not None and job.heartbeat_at > stale


def claim(job: Job) -> None:
    """Mark the job running in this process."""
    pid = os.getpid()
    now = timezone.now()
    job.status, job.host, job.pid, job.pid_started = JobStatus.RUNNING, HOST, pid, process_started(pid)
    job.started_at = job.heartbeat_at = now
    job.save(update_fields=["status", "host", "pid", "pid_started", "started_at", "heartbeat_at"])


@contextmanager
def heartbeat(job: Job):
    """Claim the job and touch its heartbeat every TEPAT_JOB_HEARTBEAT_SECONDS from a thread while the body runs.

    A beat that finds the database busy (SQLite while the import writes) is simply skipped.
    """
    claim(job)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(settings.TEPAT_JOB_HEARTBEAT_SECONDS):
            with suppress(DatabaseError):
                Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        close_old_connections()

    thread = threading.Thread(target=beat, daemon=True, name=f"job-{job.pk}-heartbeat")
    thread.start()
    try:
        yield job
    finally:
        stop.set()
        thread.join(timeout=5)


def reap_stale(reasons: dict[int, str] | None = None) -> int:
    """Fail every running job whose process is gone (and its import batch). Returns how many.
    `reasons`: pid -> why, from the parent of processes of this host that it knows are dead (its
    zombies, which every other process leaves to it)."""
    reasons = reasons or {}
    reaped = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING):
        if (job.host == HOST and job.pid in reasons) or not is_alive(job):
            reason = reasons.get(job.pid) or (
                f"proses {job.pid} di {job.host} tidak ada lagi / process {job.pid} on {job.host} is gone"
            )
            fail_job(job, reason)
            reaped += 1
    return reaped


def fail_job(job: Job, reason: str) -> None:
    from tepat.jobs.kinds import on_failure

    job.status, job.error, job.finished_at = JobStatus.FAILED, reason, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    on_failure(job, reason)
    if job.task_id:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
            status="FAILED", finished_at=job.finished_at, exception_class_path="tepat.jobs.JobDied", traceback=reason
        )
    log.warning("job %s failed: %s", job.pk, reason)


_reaped_here = False


def reap_on_first_connection(sender, connection=connection, **kwargs) -> None:
    """The first database connection of every process fails the jobs of dead processes."""
    global _reaped_here
    if _reaped_here:
        return
    _reaped_here = True
    try:
        with connection.cursor() as cursor:
            if Job._meta.db_table not in connection.introspection.table_names(cursor):
                return
        if Job.objects.using(connection.alias).filter(status=JobStatus.RUNNING).exists():
            reap_stale()
    except DatabaseError:
        log.exception("could not check for jobs of dead processes")
