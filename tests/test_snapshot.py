"""Registry versions and snapshots: constant per-request cost, one build per version across threads and
processes, the user's scope on snapshot reads, pages while a snapshot is built, narrow invalidation."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tepat.accounts.scope import scoped
from tepat.programs import frames
from tepat.programs.actions import do_record_intervention
from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import Program
from tepat.programs.preview import scope_key
from tepat.registry import snapshot, version
from tepat.registry.actions import do_deactivate_family
from tepat.registry.models import Family, VersionPart
from tests.files import family_rows, write_xlsx
from tests.test_pockets import add_families, kelurahan

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def registry(import_file, cast, tmp_path):
    rows = family_rows("JOHOR", base=1) + family_rows("KOTA", base=2, kode="1274011001", alamat="Jl. Kota")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    return cast


def builds() -> list[str]:
    log = snapshot.root() / snapshot.BUILD_LOG
    return log.read_text(encoding="utf-8").splitlines() if log.is_file() else []


def test_every_registry_writer_moves_the_version_forward_and_a_rollback_does_not(registry):
    before = version.current()[VersionPart.REGISTRY]
    assert before.number >= 1  # the import bumped it
    do_deactivate_family(Family.objects.get(source_key="KOTA"), acting_user=registry["analyst"], reason="pindah")
    after = version.current()[VersionPart.REGISTRY]
    assert after.number == before.number + 1 and after.stamp != before.stamp
    with pytest.raises(RuntimeError), transaction.atomic():
        version.bump(VersionPart.REGISTRY)
        raise RuntimeError("rolled back")
    assert version.current()[VersionPart.REGISTRY] == after


def test_a_realisasi_row_leaves_the_registry_snapshot_and_its_panels_alone(registry):
    ensure_catalogue(2026)
    state = frames.registry_state()
    interventions = version.key(VersionPart.INTERVENTIONS)
    do_record_intervention(
        Program.objects.get(code="pkh"),
        Family.objects.get(source_key="JOHOR"),
        acting_user=registry["analyst"],
        date=date(2026, 3, 1),
        amount=100,
    )
    assert frames.registry_state() == state  # the pocket map, desil table and frames stay cached
    assert version.key(VersionPart.INTERVENTIONS) != interventions  # the coverage panel is rebuilt


def warm_queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # builds what a first visit builds
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/program/pkh/pratinjau/?text=desil+%3C%3D+2"])
def test_a_page_costs_the_same_queries_whatever_the_size_of_the_registry(client, cast, url):
    ensure_catalogue(2026)
    client.force_login(cast["analyst"])
    add_families({k.code: (2, 1) for k in kelurahan()})
    small = warm_queries(client, url)
    add_families({k.code: (40, 20) for k in kelurahan()})
    assert Family.objects.count() > 1000
    assert warm_queries(client, url) == small


@pytest.mark.parametrize("role", ["analyst", "camat", "lurah", "other_lurah", "enumerator", "viewer"])
def test_the_scope_is_applied_on_snapshot_reads(role, registry):
    from tepat.registry.actions import do_assign

    do_assign(
        Family.objects.filter(source_key="JOHOR"), enumerator=registry["enumerator"], acting_user=registry["analyst"]
    )
    user = registry[role]
    families, members = frames.registry_frames(scope_key(user))
    expected = scoped(user, Family.objects.filter(is_active=True))
    assert sorted(families["family_id"]) == sorted(expected.values_list("pk", flat=True))
    assert set(members["family_id"]) <= set(families["family_id"])
    assert members.height == sum(f.members.count() for f in expected)


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_build_one_snapshot_per_version(cast, import_file, tmp_path):
    import_file(
        write_xlsx(tmp_path / "a.xlsx", family_rows("JOHOR", base=1) + family_rows("KOTA", base=2, kode="1274011001"))
    )
    heights, errors = [], []

    def request() -> None:
        try:
            heights.append(frames.registry_frames(frames.WHOLE_REGISTRY)[0].height)
        except Exception as problem:
            errors.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and heights == [2] * 6
    assert len(builds()) == 1
    assert [p.name for p in snapshot.root().iterdir() if p.name.startswith(".") and p.is_dir()] == []


@pytest.mark.django_db(transaction=True)
def test_two_processes_build_one_snapshot(cast, import_file, tmp_path):
    import_file(
        write_xlsx(tmp_path / "a.xlsx", family_rows("JOHOR", base=1) + family_rows("KOTA", base=2, kode="1274011001"))
    )
    env = {**os.environ, "TEPAT_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tepat.settings"}
    if connection.vendor == "sqlite":  # the in-memory test database, copied into the file the processes open
        with sqlite3.connect(tmp_path / "tepat.sqlite3") as target:
            connection.connection.backup(target)
    else:
        database = connection.settings_dict
        env["TEPAT_DATABASE_URL"] = (
            f"postgresql://{database['USER']}@/{database['NAME']}?host={database['HOST']}&port={database['PORT']}"
        )
    code = (
        "import django; django.setup(); from tepat.programs import frames; "
        "print(frames.registry_frames(frames.WHOLE_REGISTRY)[0].height)"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [out.strip() for out, _ in outputs] == ["2", "2"], outputs
    assert len(builds()) == 1


def test_a_page_while_a_snapshot_is_built_shows_the_previous_data_and_says_so(client, registry):
    client.force_login(registry["analyst"])
    first = client.get("/")
    assert first.status_code == 200 and b'data-testid="data-as-of"' not in first.content
    add_families({"12.74.01.1002": (30, 0)})  # a new version, not yet written
    with open(snapshot.root() / snapshot.LOCK, "a+b") as handle:  # another process is building it
        fcntl.flock(handle, fcntl.LOCK_EX)
        during = client.get("/")
        pockets = client.get("/kantong/")
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert pockets.status_code == 200 and b'data-testid="data-as-of"' in pockets.content
    assert during.status_code == 200 and b'data-testid="data-as-of"' in during.content
    assert during.context["data_as_of"]["at"] == snapshot.newest().built_at
    assert sum(row["total"] or 0 for row in during.context["body"]) == 2  # the previous snapshot's families
    after = client.get("/")
    assert b'data-testid="data-as-of"' not in after.content
    assert sum(row["total"] or 0 for row in after.context["body"]) == 32
    assert len(builds()) == 2


@pytest.mark.skipif(os.environ.get("TEPAT_DATABASE_URL", "").startswith("postgres"), reason="SQLite's Arrow path")
@pytest.mark.django_db(transaction=True)  # a backup waits for the test's open write transaction
def test_the_arrow_read_of_a_sqlite_file_equals_the_rows_read(registry, tmp_path):
    with sqlite3.connect(tmp_path / "copy.sqlite3") as target:
        connection.connection.backup(target)
    version_rows, rows = snapshot._read_django_cursor()
    version_arrow, arrow = snapshot._read_sqlite_file(str(tmp_path / "copy.sqlite3"))
    assert version_arrow == version_rows
    for part in ("families", "members"):
        assert arrow[part].schema == rows[part].schema
        assert arrow[part].sort(pl.all()).equals(rows[part].sort(pl.all()))
    assert arrow["families"].height == 2 and arrow["members"].height == 6


def test_threads_missing_one_cache_key_build_it_once():
    from tepat.lru import LRU

    cache, calls, gate = LRU(2), [], threading.Event()

    def build() -> int:
        calls.append(1)
        gate.wait(5)
        return 42

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("frames", build))) for _ in range(5)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert results == [42] * 5 and len(calls) == 1


def test_processes_sharing_a_value_build_it_once_and_read_it(tmp_path):
    """The coverage panel's store (tepat.registry.shared): three processes want one key at once, one builds it."""
    code = (
        "import sys, os, time, types; from tepat.registry import shared; "
        "snap = types.SimpleNamespace(path=sys.argv[1]); "
        "build = lambda: (open(os.path.join(sys.argv[1], 'builds'), 'a').write('x'), time.sleep(0.5), [1, 2])[2]; "
        "print(shared.get(snap, ('coverage', 'city', 1), build))"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    assert [child.communicate(timeout=60)[0].strip() for child in children] == ["[1, 2]"] * 3
    assert (tmp_path / "builds").read_text() == "x"


def test_an_old_snapshot_is_removed_once_its_successor_is_older_than_the_grace_period(registry):
    first = frames.registry_state()
    add_families({"12.74.01.1002": (3, 0)})
    second = frames.registry_state()
    assert first.path.is_dir() and second.path.is_dir()  # within the grace period both stay
    old = time.time() - snapshot.GRACE_SECONDS - 1
    os.utime(second.path, (old, old))
    add_families({"12.74.01.1002": (1, 0)})
    third = frames.registry_state()
    assert not first.path.exists() and second.path.is_dir() and third.path.is_dir()


def test_frames_follow_an_import_and_its_revert(registry, import_file, tmp_path):
    from tepat.registry.actions import do_revert_batch

    assert frames.registry_frames(frames.WHOLE_REGISTRY)[0].height == 2
    batch = import_file(
        write_xlsx(tmp_path / "b.xlsx", family_rows("BARU", base=3, kode="1274011001")),
        registry["analyst"],
        allow_missing=True,
    )
    assert frames.registry_frames(frames.WHOLE_REGISTRY)[0].height == 3
    do_revert_batch(batch, acting_user=registry["admin"], reason="salah unggah")
    families, members = frames.registry_frames(frames.WHOLE_REGISTRY)
    assert families.height == 2 and members.height == 6


def test_served_pages_never_build_they_read_the_previous_snapshot_until_the_worker_writes_it(
    client, registry, monkeypatch
):
    from tepat.jobs.models import Job
    from tepat.programs.catalogue import ensure_catalogue

    ensure_catalogue(2026)
    client.force_login(registry["analyst"])
    assert client.get("/").status_code == 200  # the current version's snapshot, as `tepat serve` writes it at start
    monkeypatch.setattr(snapshot, "READERS_BUILD", False)  # what `tepat serve` sets before its processes fork
    add_families({"12.74.01.1002": (30, 0)})
    version.bump(VersionPart.REGISTRY)
    version.bump(VersionPart.REGISTRY)  # three versions passed: one build is due, of the latest
    pages = {url: client.get(url) for url in ("/", "/indikator/registri/", "/program/pkh/")}
    for url, page in pages.items():
        assert page.status_code == 200 and b'data-testid="data-as-of"' in page.content, url
    assert sum(row["total"] or 0 for row in pages["/"].context["body"]) == 2  # the previous snapshot's families
    assert len(builds()) == 1  # no request built one
    assert snapshot.queue_build() and not snapshot.queue_build()  # the job (run inline here) built it; once
    assert len(builds()) == 2 and Job.objects.filter(kind="snapshot").count() == 1
    after = client.get("/indikator/registri/")
    assert b'data-testid="data-as-of"' not in after.content and after.context["tables"].families == 32


def test_a_process_warms_the_new_snapshot_while_its_requests_still_read_the_previous_one(registry, monkeypatch):
    """tepat.serve.warm renders the first pages of the snapshot it warms (not of the one requests read)."""
    previous = frames.registry_state()
    monkeypatch.setattr(snapshot, "READERS_BUILD", False)
    monkeypatch.setattr(snapshot, "WARMED", {previous.name})
    add_families({"12.74.01.1002": (3, 0)})
    version.bump(VersionPart.REGISTRY)
    new = snapshot.build_snapshot()
    read = frames.registry_state()
    assert read.name == previous.name and read.stale  # requests: the previous one until this process has warmed
    with snapshot.warming(new.name):
        assert frames.registry_state() == new and not frames.registry_state().stale
    assert frames.registry_state().name == previous.name
