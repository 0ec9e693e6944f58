"""The database part of a backup: SQLite through the online backup API, PostgreSQL through
pg_dump (custom format) in a repeatable-read snapshot whose row counts go into the manifest."""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tepat.backup import BackupError

SQLITE_NAME = "tepat.sqlite3"
PG_NAME = "tepat.pgdump"


def engine() -> str:
    """'sqlite' or 'postgresql': the backend of the configured database."""
    return {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor]


def tables() -> list[str]:
    """Every table of the installed apps that exists in the database, sorted."""
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _counts(cursor, names: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


def dump(folder: Path) -> tuple[Path, dict[str, int]]:
    """Write a consistent copy of the database into `folder`; returns its path and the row count of
    every table in that same copy. Guarantee: the copy and the counts are one point in time."""
    return _dump_sqlite(folder) if engine() == "sqlite" else _dump_postgresql(folder)


def _dump_sqlite(folder: Path) -> tuple[Path, dict[str, int]]:
    target = folder / SQLITE_NAME
    names = tables()
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # online backup API: pages copied while others may write
        counts = _counts(copy.cursor(), names)
    finally:
        copy.close()
    return target, counts


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if not candidates:
        raise BackupError(
            "tool_missing", f"{name} tidak ditemukan di PATH atau /usr/lib/postgresql/*/bin / {name} not found"
        )
    return max(candidates, key=lambda path: [int(part) for part in re.findall(r"\d+", path)])


# Options of TEPAT_DATABASE_URL's query string that pg_dump / pg_restore understand (libpq keywords);
# psycopg-only options (pool, server_side_binding, ...) are not passed on.
LIBPQ_KEYS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslcrl",
        "sslpassword",
        "application_name",
        "options",
        "connect_timeout",
        "target_session_attrs",
        "passfile",
        "service",
        "gssencmode",
        "channel_binding",
    }
)


def conninfo(settings_dict: dict) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the configured database, and the environment carrying the password
    (never on the command line)."""

    def quoted(value) -> str:
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"

    options = {k: v for k, v in settings_dict.get("OPTIONS", {}).items() if k in LIBPQ_KEYS}
    parts = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        **options,
    }
    text = " ".join(f"{key}={quoted(value)}" for key, value in parts.items() if value)
    env = {**os.environ, **({"PGPASSWORD": settings_dict["PASSWORD"]} if settings_dict.get("PASSWORD") else {})}
    return text, env


def _run(args: list[str], env: dict, code: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(code, f"{Path(args[0]).name} gagal / failed: {result.stderr.strip()[-2000:]}")


@contextmanager
def _snapshot():
    """A separate read-only repeatable-read transaction; yields (cursor, exported snapshot id)."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor, cursor.fetchone()[0]
        cursor.execute("COMMIT")
    finally:
        raw.close()


def _dump_postgresql(folder: Path) -> tuple[Path, dict[str, int]]:
    target = folder / PG_NAME
    info, env = conninfo(connection.settings_dict)
    names = tables()
    with _snapshot() as (cursor, snapshot):
        counts = _counts(cursor, names)
        _run(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={info}",
            ],
            env,
            "dump_failed",
        )
    return target, counts


def restore(dumped: Path, manifest_engine: str) -> None:
    """Load a dumped database into the configured one, which must be empty (SQLite: the file must not exist)."""
    if manifest_engine != engine():
        raise BackupError(
            "engine_mismatch",
            f"cadangan {manifest_engine}, database yang dikonfigurasi {engine()} / "
            f"backup is {manifest_engine}, configured database is {engine()}",
        )
    check_empty()
    if engine() == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connection.close()  # an open handle would keep pointing at the file being replaced
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(dumped, target)
        os.chmod(target, 0o600)
        return
    info, env = conninfo(connection.settings_dict)
    _run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={info}",
            str(dumped),
        ],
        env,
        "restore_failed",
    )


def check_empty() -> None:
    """Refuse early (before anything is unpacked) when the configured database already has tables."""
    if engine() == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        if target.exists() and target.stat().st_size > 0:
            raise BackupError("database_not_empty", f"{target} sudah ada / already exists")
    elif connection.introspection.table_names():
        raise BackupError(
            "database_not_empty", f"database {connection.settings_dict['NAME']} tidak kosong / is not empty"
        )


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _counts(cursor, tables())
