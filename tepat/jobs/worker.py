"""`tepat worker`: a supervisor that keeps N worker processes alive, each running one job at a time.

Each worker process caps its own address space (resource.setrlimit, TEPAT_JOB_MEMORY_MB) and runs
django-tasks' database worker loop. When one dies (killed, or aborted past its memory cap), the
supervisor fails the job it was running, with the reason, and starts a new process. So at most N jobs
run at once per supervisor, and none of them can take the web server's memory. A thread of the
supervisor queues a registry snapshot job whenever the registry version has no snapshot yet
(`watch_snapshots`).
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings

log = logging.getLogger(__name__)


def cap_memory(megabytes: int) -> None:
    """Past this much address space an allocation fails: a MemoryError (the job fails) or an abort (the process dies)."""
    if megabytes > 0:
        limit = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_child(interval: float = 0.5) -> None:
    """One worker process: claim a queued task, run it, repeat."""
    from django_tasks_db.management.commands.db_worker import Worker

    from tepat.jobs.lease import HOST

    cap_memory(settings.TEPAT_JOB_MEMORY_MB)
    os.nice(max(settings.TEPAT_JOB_NICE, 0))  # imports, snapshots and exports yield the cores to page requests
    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id(HOST, os.getpid()),
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


def worker_id(host: str, pid: int) -> str:
    return f"{host[:40]}-{pid}"


def fail_claimed(pid: int, reason: str) -> int:
    """Jobs whose task the dead worker process had claimed but not started yet (killed between the two
    steps): still `queued` on their side, they would wait forever. Returns how many were failed."""
    from django_tasks_db.models import DBTaskResult

    from tepat.jobs.lease import HOST, fail_job
    from tepat.jobs.models import Job, JobStatus

    dead = worker_id(HOST, pid)
    running = DBTaskResult.objects.filter(status="RUNNING").values_list(
        "id", "worker_ids"
    )  # few rows: one per busy worker
    claimed = [str(task) for task, workers in running if dead in (workers or [])]
    jobs = list(Job.objects.filter(status=JobStatus.QUEUED, task_id__in=claimed))
    for job in jobs:
        fail_job(job, reason)
    return len(jobs)


def exit_code(pid: int) -> int | None:
    """How a child ended, as Popen.returncode says it (negative: the signal), without collecting it
    (waitid WNOWAIT): it stays a zombie, which other processes' reapers leave to this parent
    (tepat.jobs.lease.awaits_its_parent). None while it runs."""
    ended = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    if ended is None or ended.si_pid == 0:
        return None
    return ended.si_status if ended.si_code == os.CLD_EXITED else -ended.si_status


def _spawn() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tepat", "worker", "--child"])


def _describe(code: int) -> str:
    if code < 0:
        name = signal.Signals(-code).name
        hint = (
            f" (batas memori {settings.TEPAT_JOB_MEMORY_MB} MB?) / (memory cap {settings.TEPAT_JOB_MEMORY_MB} MB?)"
            if -code in (6, 9)
            else ""
        )
        return f"proses pekerja dihentikan oleh {name}{hint} / the worker process was killed by {name}"
    return f"proses pekerja keluar dengan kode {code} / the worker process exited with code {code}"


def watch_snapshots(stopping: threading.Event, every: float = 1.0) -> None:
    """Queue a registry snapshot build whenever the registry version has none (tepat.registry.snapshot.
    queue_build), from a thread of its own: a write that waits for the database lock does not hold up
    the watch over the worker processes."""
    from django.db import DatabaseError, close_old_connections

    from tepat.registry.snapshot import queue_build

    while not stopping.wait(every):
        try:
            queue_build()
        except DatabaseError:
            log.exception("could not check the registry snapshot")
            close_old_connections()


def supervise(processes: int, echo=print) -> None:
    """Keep `processes` workers running until SIGTERM/SIGINT; fail the job of any that dies."""
    from tepat.jobs.lease import reap_stale

    children = [_spawn() for _ in range(processes)]
    started = [time.monotonic()] * processes
    quick_deaths = 0  # children that died within 10 s of starting, in a row: wait longer before the next
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    watching = threading.Event()
    watcher = threading.Thread(target=watch_snapshots, args=(watching,), daemon=True, name="snapshot-watch")
    watcher.start()
    echo(f"{processes} pekerja berjalan / workers running (pid {', '.join(str(c.pid) for c in children)})")
    while not stopping:
        time.sleep(0.5)
        for index, child in enumerate(children):
            code = exit_code(child.pid)
            if code is None:
                continue
            reap_stale({child.pid: _describe(code)})  # while it is a zombie, no other process reports it
            fail_claimed(child.pid, _describe(code))
            child.wait()  # collected only now: the job carries the signal, not "process gone"
            quick_deaths = quick_deaths + 1 if time.monotonic() - started[index] < 10 else 0
            if quick_deaths:
                time.sleep(
                    min(30, 2**quick_deaths)
                )  # a child that cannot start (database gone) is not restarted in a busy loop
            if not stopping:
                children[index], started[index] = _spawn(), time.monotonic()
    watching.set()
    watcher.join(timeout=30)
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    reap_stale()
