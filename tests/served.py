"""A real `tepat serve` (gunicorn processes + its worker) on 127.0.0.1, driven over HTTP like a browser without one:
log in, upload an export on the import page, follow the batch. Used by tests/test_serve.py and by
bench/import.py (peak memory of the web server during an upload)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process (VmHWM: its peak so far), in MB; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def _command(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Served:
    """`with Served(env) as site:` a migrated TEPAT_HOME, an admin user, the server and its worker running."""

    def __init__(self, env: dict[str, str], workers: int = 1, processes: int = 2) -> None:
        self.env, self.workers, self.processes, self.port = env, workers, processes, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def __enter__(self) -> Served:
        run = {"cwd": ROOT, "env": self.env, "capture_output": True, "text": True, "check": True}
        subprocess.run([sys.executable, "-m", "tepat", "migrate"], **run)
        created = subprocess.run([sys.executable, "-m", "tepat", "createuser", "kepala", "--role", "admin"], **run)
        self.password = created.stdout.strip().rsplit(": ", 1)[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tepat", "serve", "--port", str(self.port), "--workers", str(self.workers)]
            + ["--processes", str(self.processes), "--threads", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.opener.open(self.base + "/login/", timeout=5).read()
                break
            except OSError as error:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("tepat serve did not start") from error
                time.sleep(0.2)
        self._post("/login/", {"username": "kepala", "password": self.password})
        return self

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)  # as `systemctl stop` does
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()

    @property
    def worker_pids(self) -> list[int]:
        """The worker processes: children of the `tepat worker` supervisor that serve started."""
        return [pid for supervisor in children(self.process.pid) for pid in children(supervisor)]

    @property
    def web_pids(self) -> list[int]:
        """The processes serving pages: gunicorn's master and its request-serving children (not the job
        worker supervisor, `tepat worker`, nor its workers)."""
        master = self.process.pid
        return [master, *(pid for pid in children(master) if b"worker" not in _command(pid))]

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=60).read().decode()

    def wait_for(self, found, timeout: float = 60):
        """Poll `found()` every 0.1 s until it returns something (returned), or fail after `timeout` s."""
        deadline = time.monotonic() + timeout
        while (value := found()) is None:
            if time.monotonic() > deadline:
                raise TimeoutError("still not there")
            time.sleep(0.1)
        return value

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def _post(self, path: str, fields: dict[str, str], files: dict[str, Path] | None = None):
        self.opener.open(self.base + path, timeout=30).read()  # sets the csrf cookie
        fields = {**fields, "csrfmiddlewaretoken": self._csrf()}
        if files:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in fields.items()
            ]
            for name, path_ in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path_.name}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n".encode()
                    + path_.read_bytes()
                    + b"\r\n"
                )
            body, kind = b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": kind, "Referer": self.base + path}
        )
        return self.opener.open(request, timeout=600)

    def upload(self, path: Path) -> int:
        """Upload on the import page; the batch id it redirects to."""
        response = self._post("/impor/", {"format": "auto"}, {"file": path})
        return int(re.search(r"/impor/(\d+)/", response.geturl()).group(1))

    def report(self, batch: int, timeout: float = 600, sample=None) -> dict:
        """The batch's JSON report once it is finished (calling `sample()` every 50 ms meanwhile)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = self.opener.open(f"{self.base}/impor/{batch}/progres/", timeout=30).read().decode()
            if "hx-trigger" not in page:  # the fragment stops polling when the batch is finished
                return json.loads(self.opener.open(f"{self.base}/impor/{batch}/laporan.json", timeout=30).read())
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                if sample:
                    sample()
                time.sleep(0.05)
        raise TimeoutError(f"batch {batch} still running")


def fresh_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "TEPAT_HOME": str(home), "TEPAT_IMPORT_RUNNER": "worker", "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@contextmanager
def fresh_installation(home: Path):
    """The environment of a new installation: SQLite under `home`, or, when TEPAT_DATABASE_URL is set,
    a PostgreSQL database of its own on that server, dropped afterwards."""
    env = fresh_env(home)
    url = os.environ.get("TEPAT_DATABASE_URL")
    if not url:
        yield env
        return
    import psycopg

    from tepat.env import database_from_url

    config = database_from_url(url)
    name = f"tepat_fresh_{uuid.uuid4().hex[:8]}"
    admin = {
        "dbname": "postgres",
        "user": config["USER"],
        "host": config["HOST"],
        "port": config["PORT"] or None,
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    env["TEPAT_DATABASE_URL"] = (
        url.replace(f"/{config['NAME']}?", f"/{name}?", 1) if "?" in url else url.rsplit("/", 1)[0] + f"/{name}"
    )
    try:
        yield env
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
