"""`tepat backup` / `tepat restore`: a demo-like home (a generated registry imported twice, a verivali visit
with a photo, a meeting's evidence document, a report file) backed up, restored elsewhere (a new TEPAT_HOME
and, on PostgreSQL, a second database) and found complete; damaged or misdirected restores refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.verivali_support import payload, png_bytes, vv  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent


def snapshot() -> dict:
    """What a restore must bring back, read through the models of the configured database."""
    from tepat.accounts.models import AuditEvent, PersonalDataAccess, User
    from tepat.meetings.models import ActionProgress
    from tepat.registry.models import Change, Family, Member
    from tepat.verivali.models import ChangeRequest, Visit, VisitPhoto

    return {
        "families": sorted(
            [f.source_key, f.no_kk, f.kepala_keluarga, f.desil, f.version, f.is_active] for f in Family.objects.all()
        ),
        "members": sorted(Member.objects.values_list("nik", flat=True)),
        "history": sorted([c.pk, c.family_id, c.action, c.batch_id] for c in Change.objects.all()),
        "visits": sorted(Visit.objects.values_list("pk", flat=True)),
        "requests": ChangeRequest.objects.count(),
        "photos": sorted([p.path, p.sha256] for p in VisitPhoto.objects.all()),
        "evidence": sorted(
            [p.evidence_path, p.evidence_name] for p in ActionProgress.objects.exclude(evidence_path="")
        ),
        "users": sorted([u.username, u.role, u.is_active] for u in User.objects.all()),
        "audit": AuditEvent.objects.count(),
        "access_log": PersonalDataAccess.objects.count(),
    }


def main() -> None:
    """Run in a restored home: print its snapshot (`python -c 'import tests.test_backup as t; t.main()'`)."""
    from tepat.bootstrap import setup

    setup()
    print(json.dumps(snapshot(), default=str))


def tepat(*args: str, home: Path, database_url: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "TEPAT_DATABASE_URL"}
    env.update({"TEPAT_HOME": str(home), **({"TEPAT_DATABASE_URL": database_url} if database_url else {})})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def restored_snapshot(home: Path, database_url: str | None) -> dict:
    result = tepat("-c", "import tests.test_backup as t; t.main()", home=home, database_url=database_url)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def files(home: Path) -> dict[str, str]:
    """Every file under a home but the database, collected static files and the secret key a process generates
    at its first start when TEPAT_SECRET_KEY is not set: {relative path: sha256}."""
    skip = ("tepat.sqlite3", "static/", "secret_key")
    return {
        p.relative_to(home).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in home.rglob("*")
        if p.is_file() and not p.relative_to(home).as_posix().startswith(skip)
    }


def contents(home: Path) -> list[Path]:
    """What a failed restore left in a home (the secret key the restoring process generated stays)."""
    return [p for p in home.iterdir() if p.name != "secret_key"]


@pytest.fixture
def target_database():
    """None on SQLite (the restore makes a new file); on PostgreSQL the URL of a second, empty database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield None
        return
    import psycopg

    from tepat.backup.database import conninfo

    params = connection.settings_dict
    name = f"{params['NAME']}_restore"
    admin_info, _ = conninfo({**params, "NAME": "postgres"})
    with psycopg.connect(admin_info, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://{params['USER']}@/{name}?host={params['HOST']}&port={params['PORT']}"
    with psycopg.connect(admin_info, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _changed_addresses(source: Path, target: Path) -> Path:
    """The same export with a new address for every row: the next import writes a history row per family."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    sheet = book.active
    header_row = next(row for row in sheet.iter_rows() if any(cell.value == "alamat" for cell in row))
    column = next(cell.column for cell in header_row if cell.value == "alamat")
    for row in range(header_row[0].row + 1, sheet.max_row + 1):
        sheet.cell(row=row, column=column).value = f"Jl. Pindah {row}"
    book.save(target)
    return target


@pytest.fixture
def demo_home(transactional_db, vv, import_file, settings, tmp_path):
    """Returns the home. Generated P3KE registry imported twice (the second with changes: history rows),
    a visit with a photo, an evidence document, a report file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tepat.accounts.models import Opd
    from tepat.demo.generate import generate
    from tepat.meetings.actions import do_add_action_item, do_create_meeting, do_record_progress
    from tepat.verivali.actions import do_submit_visit
    from tepat.verivali.models import VisitSource

    cast = vv.cast
    (tmp_path / "imports").mkdir()
    first = generate(40, "p3ke-individu", tmp_path / "imports" / "p3ke-1.xlsx", seed=3)
    import_file(first.path, cast["analyst"], allow_missing=True)  # the campaign's 4 families are not in the file
    import_file(
        _changed_addresses(first.path, tmp_path / "imports" / "p3ke-2.xlsx"), cast["analyst"], allow_missing=True
    )
    do_submit_visit(
        vv.campaign,
        payload(vv.mine, photos=[{"kind": "depan_rumah", "name": "rumah.png", "content": png_bytes()}]),
        acting_user=cast["enumerator"],
        source=VisitSource.WEB,
    )
    meeting = do_create_meeting(
        {
            "type": "rakor",
            "title": "Rakor TKPKD I",
            "date": dt.date(2026, 3, 11),
            "start_time": dt.time(9),
            "place": "Aula Bapperida",
            "chair": "Asisten",
            "agenda": "Pembukaan",
        },
        acting_user=cast["analyst"],
    )
    item = do_add_action_item(
        meeting,
        what="Musyawarah kelurahan",
        owner=Opd.objects.get(code="dinsos"),
        due=dt.date(2026, 5, 1),
        acting_user=cast["analyst"],
    )
    do_record_progress(
        item,
        note="selesai",
        acting_user=cast["opd"],
        evidence=SimpleUploadedFile("berita acara.pdf", b"%PDF-1.4 bukti musyawarah", content_type="application/pdf"),
    )
    (tmp_path / "reports").mkdir(exist_ok=True)
    (tmp_path / "reports" / "bahan-rakor-2026.pdf").write_bytes(b"%PDF-1.4 laporan")
    return tmp_path


@pytest.fixture
def outside(tmp_path_factory):
    return tmp_path_factory.mktemp("outside")


def test_a_restore_elsewhere_finds_every_family_history_row_document_and_photo(demo_home, outside, target_database):
    from tepat.backup.archive import make_backup

    before, before_files = snapshot(), files(demo_home)
    assert (
        len(before["families"]) == 44 and len(before["history"]) >= 40
    )  # 40 imported (+4 of the campaign), each changed once
    assert len(before["photos"]) == 1 and len(before["evidence"]) == 1
    assert {"imports/p3ke-1.xlsx", "reports/bahan-rakor-2026.pdf", before["photos"][0][0]} <= set(before_files)
    archive = outside / "tepat.tar.gz"
    manifest = make_backup(archive)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert manifest["counts"]["registry_family"] == len(before["families"])

    home = outside / "restored"
    result = tepat("-m", "tepat", "restore", str(archive), home=home, database_url=target_database)
    assert result.returncode == 0, result.stderr
    assert "dipulihkan dan diperiksa" in result.stdout
    assert restored_snapshot(home, target_database) == before
    assert files(home) == before_files
    photo_path, photo_sha = before["photos"][0]
    assert hashlib.sha256((home / photo_path).read_bytes()).hexdigest() == photo_sha
    assert (home / "meetings" / before["evidence"][0][0]).read_bytes() == b"%PDF-1.4 bukti musyawarah"
    assert all(p.stat().st_mode & 0o077 == 0 for p in home.rglob("*") if p.is_file() and "static" not in p.parts)

    again = tepat("-m", "tepat", "restore", str(archive), home=home, database_url=target_database)
    assert again.returncode == 2 and "[home_not_empty]" in again.stderr
    if target_database:  # a new empty home but the same, now filled, database
        refused = tepat("-m", "tepat", "restore", str(archive), home=outside / "third", database_url=target_database)
        assert refused.returncode == 2 and "[database_not_empty]" in refused.stderr
        assert not (outside / "third").exists() or not contents(outside / "third")


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy an archive member by member, letting `change(name, data)` alter the bytes (the manifest kept as is)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_a_tampered_archive_is_refused_naming_the_file_and_leaves_the_home_empty(demo_home, outside, target_database):
    from tepat.backup.archive import make_backup

    archive = make_backup(outside / "tepat.tar.gz") and outside / "tepat.tar.gz"
    tampered = outside / "tampered.tar.gz"
    _rewrite(
        archive,
        tampered,
        lambda name, data: data[:-1] + b"X" if name.endswith("rumah.png") or "depan_rumah" in name else data,
    )
    home = outside / "restored"
    result = tepat("-m", "tepat", "restore", str(tampered), home=home, database_url=target_database)
    assert result.returncode == 2 and "[checksum_mismatch]" in result.stderr and "depan_rumah" in result.stderr
    assert contents(home) == []
    (outside / "junk.tar.gz").write_bytes(b"\x1f\x8b not really gzip")
    junk = tepat("-m", "tepat", "restore", str(outside / "junk.tar.gz"), home=home, database_url=target_database)
    assert junk.returncode == 2 and "[not_a_backup]" in junk.stderr and contents(home) == []
    if target_database:  # the database is still empty: a good archive now restores into it
        assert tepat("-m", "tepat", "restore", str(archive), home=home, database_url=target_database).returncode == 0


def test_an_archive_member_outside_the_home_is_refused(outside, tmp_path):
    from tepat.backup import BackupError
    from tepat.backup.restore import unpack

    evil = outside / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("home/../../etc/passwd")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(BackupError) as problem:
        unpack(evil, outside / "staging")
    assert problem.value.code == "unsafe_member" and not (outside / "etc").exists()


def test_the_backup_refuses_to_write_inside_the_home(db, settings, tmp_path):
    from tepat.backup import BackupError
    from tepat.backup.archive import make_backup

    with pytest.raises(BackupError) as problem:
        make_backup(tmp_path / "inside.tar.gz")
    assert problem.value.code == "out_inside_home" and not (tmp_path / "inside.tar.gz").exists()


def test_the_commands_back_up_and_restore_a_sqlite_home(outside):
    """The whole path through the CLI on a file database (the test database itself is in memory)."""
    if os.environ.get("TEPAT_DATABASE_URL"):
        pytest.skip("the command-line SQLite path; PostgreSQL is covered by the restore test above")
    home, registry = outside / "home", outside / "p3ke.xlsx"
    assert (
        tepat(
            "-m",
            "tepat",
            "generate",
            "--families",
            "30",
            "--format",
            "p3ke-individu",
            "--out",
            str(registry),
            home=home,
            database_url=None,
        ).returncode
        == 0
    )
    assert tepat("-m", "tepat", "import", str(registry), home=home, database_url=None).returncode == 0
    (home / "uploads" / "catatan.txt").write_text("berkas di TEPAT_HOME")
    backup = tepat("-m", "tepat", "backup", "--out", str(outside / "b.tar.gz"), home=home, database_url=None)
    assert backup.returncode == 0, backup.stderr
    restored = tepat("-m", "tepat", "restore", str(outside / "b.tar.gz"), home=outside / "home2", database_url=None)
    assert restored.returncode == 0, restored.stderr
    assert restored_snapshot(outside / "home2", None) == restored_snapshot(home, None)
    assert len(restored_snapshot(outside / "home2", None)["families"]) == 30
    assert (outside / "home2" / "uploads" / "catatan.txt").read_text() == "berkas di TEPAT_HOME"
    missing = tepat(
        "-m", "tepat", "backup", "--out", str(outside / "c.tar.gz"), home=outside / "nothing", database_url=None
    )
    assert missing.returncode == 2 and "[no_database]" in missing.stderr


def test_pg_tools_are_found_under_usr_lib_postgresql_when_not_on_path(monkeypatch):
    import glob

    from tepat.backup import BackupError
    from tepat.backup.database import pg_tool

    monkeypatch.setenv("PATH", "/nonexistent")
    installed = glob.glob("/usr/lib/postgresql/*/bin/pg_dump")
    if installed:
        assert pg_tool("pg_dump") in installed and pg_tool("pg_dump").startswith("/usr/lib/postgresql/")
    else:
        with pytest.raises(BackupError) as problem:
            pg_tool("pg_dump")
        assert problem.value.code == "tool_missing"


def test_the_pg_connection_string_quotes_values_and_keeps_the_password_off_the_command_line():
    from tepat.backup.database import conninfo

    info, env = conninfo(
        {
            "NAME": "tepat kota",
            "USER": "o'brien",
            "PASSWORD": "rahasia",
            "HOST": "/tmp/sock",
            "PORT": "5432",
            "OPTIONS": {"sslmode": "require", "server_side_binding": True, "pool": "x"},
        }
    )
    assert info == "dbname='tepat kota' user='o\\'brien' host='/tmp/sock' port='5432' sslmode='require'"
    assert "rahasia" not in info and env["PGPASSWORD"] == "rahasia"
