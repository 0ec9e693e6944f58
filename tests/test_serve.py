"""`tepat serve` as a user starts it: the upload page hands the import to the worker that serve started
beside waitress; the progress fragment reports it while it runs and the report is the worker's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.served import ROOT, Served, children, fresh_installation

WHO_RAN_IT = "from tepat.bootstrap import setup; setup(); from tepat.jobs.models import Job; j = Job.objects.get(); print(j.status, j.pid)"


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
    with Served(env) as site:
        workers = site.worker_pids
        supervisor = children(site.process.pid)
        assert len(workers) == 1
        report = site.report(site.upload(path))
        ran_in = subprocess.run(
            [sys.executable, "-c", WHO_RAN_IT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
    assert report["families"]["new"] == 300 and report["rejected"] == []
    assert ran_in.stdout.split() == ["done", str(workers[0])]  # the worker process ran it, not waitress
    assert not [
        pid for pid in supervisor + workers if Path(f"/proc/{pid}").exists()
    ]  # SIGTERM to serve stopped its workers
