"""`tepat serve`: gunicorn (a pre-forking production WSGI server) with several processes of several
threads each (`gthread` workers), and the job worker (`tepat worker`) beside it.

Why gunicorn's gthread workers (argued in docs/operations.md#processes): a page is mostly Python
(templates, ORM, the engine's polars calls), so one process uses at most one core; processes use
every core, threads overlap a request's database and disk waits, and an idle keep-alive connection
costs a socket in the process's poller, not a thread, so 100 users' browsers do not exhaust a
connection limit as they did waitress's 100 channels.

Before the first process forks, the master makes the current registry snapshot exist (`tepat
snapshot` in a child: polars must not run in a process that forks). Each process, before it accepts
a request, computes what the first pages read (`warm`), then a thread of it (`Warmer`) warms every
newer snapshot the job worker writes before the process's requests switch to it. Requests never
build a snapshot: until then they read the previous one and say so (tepat.registry.snapshot.READERS_BUILD,
WARMED).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

import click
from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)
KEEPALIVE_SECONDS = 5  # a browser's next click usually comes within this; an idle socket costs no thread
CONNECTIONS_PER_PROCESS = 1000  # gthread's worker_connections: clients one process keeps at once


def default_processes() -> int:
    """Web processes for this machine: one per core plus one (a process waiting on the database or a
    lock leaves its core to another), at least 2, at most 8. Cost: memory, about 250 MB each at 100k families."""
    return max(2, min(8, (os.cpu_count() or 1) + 1))


class Server(BaseApplication):
    """Gunicorn configured from arguments, not from a file or the command line."""

    def __init__(self, application, options: dict) -> None:
        self.application, self.options = application, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def options(host: str, port: int, processes: int, threads: int, on_exit) -> dict:
    """Gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html)."""
    return {
        "bind": f"{host}:{port}",
        "workers": processes,
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": CONNECTIONS_PER_PROCESS,
        "backlog": 2048,
        "keepalive": KEEPALIVE_SECONDS,
        "timeout": 300,  # a process whose main loop is stuck that long is restarted (a long request alone does not stall it)
        "graceful_timeout": 30,
        "preload_app": True,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "tepat-web",
        "pre_fork": _close_connections,
        "post_worker_init": _worker_ready,
        "on_exit": on_exit,
    }


def _close_connections(server, worker) -> None:
    """A database connection opened by the master must not be shared by its forks."""
    from django.db import connections

    connections.close_all()


def prepare() -> None:
    """The current registry snapshot on disk before any process forks (written by `tepat snapshot` in
    a child process: polars must not run in a process that forks, its thread pool would not survive
    the fork); from then on the served processes never build one (READERS_BUILD)."""
    from tepat.registry import snapshot

    subprocess.run([sys.executable, "-m", "tepat", "snapshot"], check=True, stdout=subprocess.DEVNULL)
    snapshot.READERS_BUILD = False


WARM_PAGES = ("/", "/indikator/registri/", "/kantong/")  # what a city-wide user opens first


def warm(snap) -> None:
    """Compute in this process what the first pages of a registry version need (the whole registry's
    frames, family table and public release; the home, indicators and pockets pages as a city-wide
    analyst sees them: panels, tables, charts), so that no request does."""
    from tepat.accounts.models import User
    from tepat.indicators.registry import cached_family_table, public_release
    from tepat.programs.frames import WHOLE_REGISTRY, registry_frames
    from tepat.registry.snapshot import warming

    registry_frames(WHOLE_REGISTRY, state=snap)
    cached_family_table(None, state=snap)
    steps = [lambda: public_release(state=snap)]
    analyst = User.objects.filter(is_active=True, role__in=("analyst", "admin")).order_by("pk").first()
    if analyst is not None:
        steps += [lambda path=path: _render(path, analyst) for path in WARM_PAGES]
    with warming(snap.name):
        for step in steps:
            try:
                step()
            except Exception:  # a panel that fails here fails on its page too, with its own message
                log.exception("warming %s", snap.name)


def _render(path: str, user) -> None:
    """The page as `user` gets it, through its view (no session, no HTTP): fills this process's caches."""
    from django.test import RequestFactory
    from django.urls import resolve

    request = RequestFactory().get(path)
    request.user = user
    match = resolve(path)
    match.func(request, *match.args, **match.kwargs)


class Warmer(threading.Thread):
    """Per served process: warms each new registry snapshot (written by the job worker) before this
    process's requests switch to it; until then they read the previous one ("data per ...")."""

    def __init__(self, every: float = 1.0) -> None:
        super().__init__(daemon=True, name="snapshot-warmer")
        self.every = every

    def step(self) -> None:
        from tepat.registry import snapshot
        from tepat.registry.models import VersionPart
        from tepat.registry.version import current

        found = snapshot._ready(current()[VersionPart.REGISTRY].name)
        if found is not None and found.name not in snapshot.WARMED:
            started = time.monotonic()
            warm(found)
            snapshot.WARMED.add(found.name)
            log.warning("pid %s warmed snapshot %s in %.1f s", os.getpid(), found.name, time.monotonic() - started)

    def run(self) -> None:
        from django.db import DatabaseError, close_old_connections

        while True:
            try:
                self.step()
            except DatabaseError:
                log.exception("snapshot warmer")
                close_old_connections()
            except Exception:  # never let the thread die: the process would stay on an old snapshot
                log.exception("snapshot warmer")
            time.sleep(self.every)


def _worker_ready(worker) -> None:
    """gunicorn's post_worker_init: warm the current snapshot before this process accepts a request."""
    from tepat.registry import snapshot

    snapshot.WARMED = set()
    warmer = Warmer()
    try:
        warmer.step()
    except Exception:  # a process that cannot warm still serves (its first requests compute what they read)
        log.exception("warming at start")
    warmer.start()


def serve(host: str, port: int, threads: int, workers: int | None = None, processes: int | None = None) -> None:
    """Gunicorn for the pages (`processes` × `threads`), and beside it `tepat worker` (TEPAT_WORKERS
    processes) for the long jobs and the registry snapshots. Refuses (exit 2) a public or weak secret key."""
    from django.conf import settings

    from tepat.cli_support import fail
    from tepat.secure import insecure_key

    problem = insecure_key(settings.SECRET_KEY)
    if problem:
        fail(
            f"TEPAT_SECRET_KEY: {problem}. Hapus variabel itu agar Tepat membuat kunci acak di $TEPAT_HOME, atau setel "
            "kunci acak yang panjang / unset it so Tepat generates a random key in $TEPAT_HOME, or set a long random key."
        )
    from tepat.wsgi import application

    processes = processes or int(os.environ.get("TEPAT_WEB_PROCESSES") or 0) or default_processes()
    workers = settings.TEPAT_WORKERS if workers is None else workers
    prepare()
    supervisor = (
        subprocess.Popen([sys.executable, "-m", "tepat", "worker", "--processes", str(workers)])
        if workers > 0
        else None
    )

    def stop_workers(server) -> None:  # gunicorn's master exits (SIGTERM from `systemctl stop`, Ctrl+C)
        if supervisor:
            supervisor.terminate()
            supervisor.wait(timeout=60)

    click.echo(f"Tepat berjalan di http://{host}:{port}/ ({processes} proses × {threads} utas; Ctrl+C untuk berhenti)")
    try:
        Server(application, options(host, port, processes, threads, stop_workers)).run()
    finally:
        stop_workers(None)
