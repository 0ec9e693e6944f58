"""`tepat serve` as a user starts it: several web processes (gunicorn) serve the pages; the upload page
hands the import to the worker that serve started beside them; the progress fragment reports it while
it runs and the report is the worker's; the worker, not a request, writes the new registry snapshot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.served import ROOT, Served, children, fresh_installation

WHO_RAN_IT = "from tepat.bootstrap import setup; setup(); from tepat.jobs.models import Job; j = Job.objects.get(kind='import'); print(j.status, j.pid)"


def test_an_upload_is_imported_by_the_worker_that_serve_starts(tmp_path):
    with fresh_installation(tmp_path / "home") as env:
        upload_through_serve(env, tmp_path)


def upload_through_serve(env, tmp_path):
    path = tmp_path / "p3ke.csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tepat",
            "generate",
            "--families",
            "300",
            "--format",
            "p3ke-individu",
            "--out",
            str(path),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with Served(env, processes=2) as site:
        workers = site.worker_pids
        supervisor = children(site.process.pid)
        web = [pid for pid in supervisor if b"\0worker\0" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 1 and len(web) == 2  # two web processes beside the job worker's supervisor
        report = site.report(site.upload(path))
        ran_in = subprocess.run(
            [sys.executable, "-c", WHO_RAN_IT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        built = site.wait_for(lambda: snapshot_builders(env) if len(snapshot_builders(env)) == 2 else None)
        page = site.wait_for(lambda: showing(site.get("/indikator/registri/"), "300 keluarga"))
    assert report["families"]["new"] == 300 and report["rejected"] == []
    assert ran_in.stdout.split() == ["done", str(workers[0])]  # the worker process ran it, not a web process
    assert built[1] == workers[0]  # the first at start (`tepat snapshot`), after the import the worker's
    assert 'data-testid="data-as-of"' not in page  # the page that shows the imported families reads the current version
    assert not [
        pid for pid in supervisor + workers if Path(f"/proc/{pid}").exists()
    ]  # SIGTERM to serve stopped its web processes and workers


def showing(page: str, text: str) -> str | None:
    return page if text in page else None


def snapshot_builders(env) -> list[int]:
    """The pid that wrote each registry snapshot, from snapshots/builds.log."""
    log = Path(env["TEPAT_HOME"]) / "snapshots" / "builds.log"
    return [int(line.split("pid=")[1].split()[0]) for line in log.read_text().splitlines()] if log.exists() else []
