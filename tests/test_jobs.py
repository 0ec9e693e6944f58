"""Long jobs in real worker processes: a queued upload runs in `tepat worker`, a worker killed mid-job
fails the job with the reason, a `tepat import` killed with -9 is failed by the next process, and
two imports at once both succeed. Every process here is a real subprocess on a real database (SQLite
under a fresh TEPAT_HOME, or a fresh PostgreSQL database when TEPAT_DATABASE_URL is set)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.served import fresh_installation

ROOT = Path(__file__).resolve().parent.parent

# Run inside a subprocess: poll the database until a condition holds, print the state as JSON.
PROBE = """
import json, sys, time
from tepat.bootstrap import setup; setup()
from tepat.jobs.models import Job
from tepat.registry.models import ImportBatch, Family
want, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while True:
    job = Job.objects.filter(kind="import").order_by("-pk").first()  # not the snapshot jobs the supervisor queues
    state = {"job": job and {"id": job.pk, "status": job.status, "pid": job.pid, "error": job.error},
             "batches": [{"status": b.status, "report": b.report} for b in ImportBatch.objects.order_by("pk")],
             "families": Family.objects.count()}
    if want == "now" or (job and job.status == want) or time.monotonic() > deadline:
        break
    time.sleep(0.02)
print(json.dumps(state))
"""

ENQUEUE = """
import sys
from pathlib import Path
from tepat.bootstrap import setup; setup()
from tepat.registry.actions import create_batch
from tepat.jobs.run import enqueue
batch = create_batch(Path(sys.argv[1]), acting_user=None)
print(enqueue("import", batch=batch).pk)
"""


@pytest.fixture
def home(tmp_path):
    """Environment of a fresh installation (SQLite, or a PostgreSQL database of its own)."""
    with fresh_installation(tmp_path / "home") as env:
        tepat(env, "migrate")
        yield env


def tepat(env, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tepat", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def probe(env, want="now", timeout=60.0) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, want, str(timeout)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + 60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def generated(env, tmp_path, families: int, kind: str = "csv") -> Path:
    path = tmp_path / f"p3ke-{families}.{kind}"
    tepat(env, "generate", "--families", str(families), "--format", "p3ke-individu", "--out", str(path), "--seed", "5")
    return path


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_queued_import_runs_in_a_worker_process(home, tmp_path):
    path = generated(home, tmp_path, 40)
    subprocess.run([sys.executable, "-c", ENQUEUE, str(path)], cwd=ROOT, env=home, check=True, capture_output=True)
    assert probe(home)["batches"][0]["status"] == "queued"  # nothing runs it inside the caller
    worker = subprocess.Popen([sys.executable, "-m", "tepat", "worker"], cwd=ROOT, env=home)
    try:
        state = probe(home, "done")
    finally:
        stop(worker)
    assert state["job"]["status"] == "done"
    assert state["batches"][0]["status"] == "done" and state["families"] == 40
    assert state["job"]["pid"] != worker.pid  # run by a worker process, not the supervisor


def test_a_worker_killed_mid_job_fails_the_job_with_the_reason(home, tmp_path):
    path = generated(home, tmp_path, 3000)
    subprocess.run([sys.executable, "-c", ENQUEUE, str(path)], cwd=ROOT, env=home, check=True, capture_output=True)
    worker = subprocess.Popen([sys.executable, "-m", "tepat", "worker"], cwd=ROOT, env=home)
    try:
        running = probe(home, "running")
        assert running["job"]["status"] == "running"
        os.kill(running["job"]["pid"], signal.SIGKILL)
        state = probe(home, "failed")
    finally:
        stop(worker)
    assert "SIGKILL" in state["job"]["error"]
    batch = state["batches"][0]
    assert batch["status"] == "failed" and batch["report"]["fatal"]["code"] == "job_died"
    assert "SIGKILL" in batch["report"]["fatal"]["message"]
    assert state["families"] == 0  # the import's one transaction never committed


def test_a_cli_import_killed_with_minus_9_is_failed_by_the_next_command(home, tmp_path):
    path = generated(home, tmp_path, 3000)
    command = subprocess.Popen(
        [sys.executable, "-m", "tepat", "import", str(path)],
        cwd=ROOT,
        env=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    running = probe(home, "running")
    assert running["job"]["pid"] == command.pid
    command.send_signal(signal.SIGKILL)
    command.wait()
    assert probe(home)["batches"][0]["status"] == "failed"  # the probe itself opened the database
    state = probe(home)
    assert state["job"]["status"] == "failed" and "tidak ada lagi" in state["job"]["error"]
    assert state["batches"][0]["report"]["fatal"]["code"] == "job_died"


def test_two_cli_imports_at_once_both_succeed(home, tmp_path):
    path = generated(home, tmp_path, 1500)
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "tepat", "import", str(path)],
            cwd=ROOT,
            env=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in started]
    assert [process.returncode for process in started] == [0, 0], [err[-2000:] for _, err in outputs]
    state = probe(home)
    assert [b["status"] for b in state["batches"]] == ["done", "done"] and state["families"] == 1500
    counts = sorted((b["report"]["families"]["new"], b["report"]["families"]["unchanged"]) for b in state["batches"])
    assert counts == [(0, 1500), (1500, 0)]  # the second waited for the first's write, then found it all unchanged


CAPPED = """
import sys
from tepat.jobs.worker import cap_memory
cap_memory(int(sys.argv[1]))
try:
    hog = bytearray(int(sys.argv[2]) << 20)
except MemoryError:
    print("MemoryError")
else:
    print("allocated")
"""


@pytest.mark.parametrize("cap, want, outcome", [(300, 600, "MemoryError"), (0, 600, "allocated")])
def test_a_worker_process_cannot_take_more_than_its_memory_cap(cap, want, outcome):
    done = subprocess.run(
        [sys.executable, "-c", CAPPED, str(cap), str(want)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == outcome


@pytest.mark.django_db
def test_a_job_whose_task_a_dead_worker_had_claimed_is_failed_not_left_queued(import_file, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from tepat.jobs.lease import HOST
    from tepat.jobs.models import Job
    from tepat.jobs.run import run_job
    from tepat.jobs.worker import fail_claimed, worker_id
    from tepat.registry.actions import create_batch
    from tests.files import family_rows, write_csv

    batch = create_batch(write_csv(tmp_path / "a.csv", family_rows()), acting_user=None)
    job = Job.objects.create(kind="import", batch=batch)
    task = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(task.id))
    DBTaskResult.objects.filter(id=task.id).update(status="RUNNING", worker_ids=[worker_id(HOST, 999_999)])
    assert fail_claimed(999_998, "other worker") == 0
    assert fail_claimed(999_999, "killed by SIGKILL") == 1
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == "failed" and job.error == "killed by SIGKILL"
    assert batch.status == "failed" and batch.report["fatal"]["code"] == "job_died"
    assert DBTaskResult.objects.get(id=task.id).status == "FAILED"
