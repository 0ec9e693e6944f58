"""Backup / restore and the access log's person search on a city-scale home, each against its floor.

    .venv/bin/python bench/backup.py --home /tmp/tepat-backup-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv

HOME gets FILE imported (skipped when it holds families already), PHOTOS files of 256 KB random bytes
(incompressible, like JPEG photos) under verivali/photos/bench/, and LOG access-log rows.

- backup: `make_backup` (the code behind `tepat backup`) against the floor: SQLite's backup API into a
  file, then `tar -czf` (system gzip, level 6) of that copy and the same files. Both hash nothing
  extra; ours also hashes every byte (sha256) and counts every table.
- restore: `tepat restore` in a child process (Python start-up, unpack with sha256, row counts, migrate
  check) against `tar -xzf` of the same archive.
- person search: `/log-akses/?nik=...` for one family's head (first page, rendered), against the same
  page without a search (count and first page of the whole log); also the time of the one indexed
  query for the exact texts naming the family (no re-evaluated lists).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pages import ROOT, registry_home


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--log", type=int, default=200_000)
    return parser.parse_args()


def add_photos(home: Path, count: int) -> None:
    folder = home / "verivali" / "photos" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        path = folder / f"foto-{index}.jpg"
        if not path.exists():
            path.write_bytes(os.urandom(256 * 1024))


def add_log(rows: int) -> None:
    """Family pages, list pages (5 filters, any page) and downloads by 20 users, spread over a year."""
    from datetime import timedelta

    from django.utils import timezone

    from tepat.accounts.models import PersonalDataAccess, User
    from tepat.registry.models import Family

    if PersonalDataAccess.objects.count() >= rows:
        return
    users = [
        User.objects.get_or_create(username=f"bench-{i}", defaults={"role": ["analyst", "opd", "admin"][i % 3]})[0]
        for i in range(20)
    ]
    ids = list(Family.objects.values_list("pk", flat=True))
    filters = ["", "desil=1", "kecamatan=12.74.05", "q=SITI", "desil=2&deprivation=lantai_tanah"]
    rng, now = random.Random(7), timezone.now()

    def text() -> str:
        roll = rng.random()
        if roll < 0.6:
            return f"keluarga {rng.choice(ids)}"
        if roll < 0.97:
            return f"daftar keluarga {rng.choice(filters)}&page={rng.randint(1, 400)}".replace(" &", " ")
        return f"daftar keluarga ({rng.choice(['csv', 'xlsx'])}) {rng.choice(filters)}"

    batch = [
        PersonalDataAccess(
            user=rng.choice(users),
            kind="view",
            what=text(),
            records=50,
            at=now - timedelta(minutes=rng.randint(0, 525_600)),
        )
        for _ in range(rows)
    ]
    PersonalDataAccess.objects.bulk_create(batch, batch_size=5000)


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bench_backup(home: Path, work: Path) -> Path:
    from django.db import connection

    from tepat.backup.archive import make_backup

    ours = seconds(lambda: make_backup(work / "ours.tar.gz"))

    def floor() -> None:
        staging = work / "floor"
        staging.mkdir()
        copy = sqlite3.connect(staging / "tepat.sqlite3")
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.close()
        subprocess.run(
            [
                "tar",
                "-czf",
                str(work / "floor.tar.gz"),
                "-C",
                str(staging),
                "tepat.sqlite3",
                "-C",
                str(home),
                "--exclude=tepat.sqlite3*",
                "--exclude=static",
                ".",
            ],
            check=True,
        )

    base = seconds(floor)
    size = (work / "ours.tar.gz").stat().st_size / 1e6
    print(
        f"backup   ours {ours:6.2f} s   floor (backup API + tar -czf) {base:6.2f} s   ratio {ours / base:4.2f}   archive {size:.0f} MB"
    )
    return work / "ours.tar.gz"


def bench_restore(archive: Path, work: Path) -> None:
    env = {**{k: v for k, v in os.environ.items() if k != "TEPAT_DATABASE_URL"}, "TEPAT_HOME": str(work / "restored")}
    ours = seconds(
        lambda: subprocess.run(
            [sys.executable, "-m", "tepat", "restore", str(archive)], check=True, cwd=ROOT, env=env, capture_output=True
        )
    )
    (work / "untar").mkdir()
    base = seconds(lambda: subprocess.run(["tar", "-xzf", str(archive), "-C", str(work / "untar")], check=True))
    print(f"restore  ours {ours:6.2f} s   floor (tar -xzf) {base:6.2f} s   ratio {ours / base:4.2f}")


def bench_person_search(admin) -> None:
    from django.test import Client

    from tepat.accounts.accesslog import NAMED, LogQuery, find_person
    from tepat.accounts.models import PersonalDataAccess
    from tepat.registry.models import Member

    member = Member.objects.filter(hubungan_dengan_kepala_keluarga="Kepala Keluarga").order_by("pk")[500]
    client = Client()
    client.force_login(admin)
    ours = min(seconds(lambda: client.get(f"/log-akses/?nik={member.nik}")) for _ in range(3))
    ids = [member.family_id]
    texts = [t for rule in NAMED.values() for t in rule(ids)]
    exact = min(seconds(lambda: list(PersonalDataAccess.objects.filter(what__in=texts)[:50])) for _ in range(3))
    plain = min(seconds(lambda: client.get("/log-akses/")) for _ in range(3))
    found = LogQuery(nik=member.nik).entries(find_person(member.nik)).count()
    print(
        f"person   ours {ours * 1000:7.0f} ms ({found} entries)   floor: the log page without a search {plain * 1000:5.0f} ms "
        f"(ratio {ours / plain:4.1f}); the exact texts alone {exact * 1000:.1f} ms   over {PersonalDataAccess.objects.count()} log rows"
    )


def main() -> None:
    args = arguments()
    os.environ.pop("TEPAT_DATABASE_URL", None)
    registry_home(args.home, args.file)
    from tepat.accounts.models import User
    from tepat.registry.models import Family

    add_photos(args.home, args.photos)
    add_log(args.log)
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create(
        username="bench-admin", role="admin"
    )
    print(f"{Family.objects.count()} families, {args.photos} photos of 256 KB")
    work = Path(tempfile.mkdtemp(prefix="tepat-backup-bench-"))
    try:
        bench_restore(bench_backup(args.home, work), work)
        bench_person_search(admin)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
