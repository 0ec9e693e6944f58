"""Registry snapshots: the engine's frames (active families, their members) written once per registry
version as Parquet under `$TEPAT_HOME/snapshots/<version>/`, read lazily by every process.

Guarantees:
- one builder at a time across threads and processes (an fcntl lock on `snapshots/.build.lock`); a
  version's directory appears whole (written under a temporary name, then renamed) or not at all;
- the files hold the data of the version in their directory's name (the version row and the tables
  are read in one read transaction where the database allows it: a file database, outside a
  caller's transaction);
- a reader never waits for a build when an older snapshot exists: it reads that one, marked `stale`
  (pages say "data per <time>"); it waits only when there is no snapshot at all;
- directories of older versions are removed GRACE_SECONDS after a newer one is written.

Built without Python row tuples: SQLite files through ADBC (Arrow record batches), PostgreSQL through
`COPY (...) TO STDOUT` as csv parsed by polars. Only an in-memory SQLite database or a SQLite read
inside the caller's open transaction (the tests) goes through the Django cursor's rows.

Who builds: the job worker (`tepat worker`'s supervisor queues a `snapshot` job when the current
version has none, `queue_build`; the job runs `build_snapshot()`), and `tepat serve` before it
forks. Requests of `tepat serve` never build (READERS_BUILD): they read the previous version and the
page says "data per <time>". Commands and tests build on demand.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection, transaction

from tepat.filelock import file_lock
from tepat.registry.fields import FAMILY_FLOATS, FAMILY_NUMBERS, FAMILY_TEXT, MEMBER_TEXT
from tepat.registry.models import VersionPart
from tepat.registry.version import TABLE, Version, current

GRACE_SECONDS = 600
SNAPSHOT_JOB = "snapshot"  # tepat.jobs.models.JobKind.SNAPSHOT
# Whether a reader that finds its version missing builds it. On for commands and tests; `tepat serve`
# turns it off before it forks (tepat.serve.prepare): requests read the previous snapshot, the job worker builds.
READERS_BUILD = True
# In a served process: the snapshots whose tables this process has computed (tepat.serve.Warmer); a
# request reads the newest of them until the warmer has done the current one. None: no warmer.
WARMED: set[str] | None = None
LOCK = ".build.lock"
MANIFEST = "snapshot.json"
BUILD_LOG = "builds.log"

FAMILY_SCHEMA = {
    "family_id": pl.Int64,
    "kelurahan": pl.String,
    "kecamatan": pl.String,
    **dict.fromkeys(FAMILY_TEXT, pl.String),
    **dict.fromkeys(FAMILY_NUMBERS, pl.Int64),
    **dict.fromkeys(FAMILY_FLOATS, pl.Float64),
}
MEMBER_SCHEMA = {
    "family_id": pl.Int64,
    "kelurahan": pl.String,
    "kecamatan": pl.String,
    **dict.fromkeys(MEMBER_TEXT, pl.String),
    "tanggal_lahir": pl.String,
    "is_active": pl.Int64,
}
REGION_JOIN = "JOIN regions_region r ON r.id = f.kelurahan_id JOIN regions_region p ON p.id = r.parent_id"
QUERIES = {
    "families": (
        f"SELECT f.id, r.code AS kelurahan, p.code AS kecamatan, {', '.join('f.' + c for c in (*FAMILY_TEXT, *FAMILY_NUMBERS, *FAMILY_FLOATS))} "
        f"FROM registry_family f {REGION_JOIN} WHERE f.is_active",
        FAMILY_SCHEMA,
    ),
    "members": (
        f"SELECT m.family_id, r.code AS kelurahan, p.code AS kecamatan, {', '.join('m.' + c for c in MEMBER_TEXT)}, CAST(m.tanggal_lahir AS TEXT), "
        f"CAST(m.is_active AS INTEGER) FROM registry_member m JOIN registry_family f ON f.id = m.family_id {REGION_JOIN} "
        "WHERE f.is_active",
        MEMBER_SCHEMA,
    ),
}
VERSION_SQL = f"SELECT number, stamp FROM {TABLE} WHERE part = '{VersionPart.REGISTRY}'"


@dataclass(frozen=True)
class Snapshot:
    """A written snapshot. `stale`: an older version than the one asked for (a newer one is being built)."""

    name: str
    path: Path
    built_at: datetime = field(compare=False)
    stale: bool = field(default=False, compare=False)
    families: int | None = field(default=None, compare=False)  # active families written (None: an older manifest)
    members: int | None = field(default=None, compare=False)

    def scan(self, part: str) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / f"{part}.parquet")


def root() -> Path:
    return Path(settings.TEPAT_HOME) / "snapshots"


def snapshot_for(version: Version) -> Snapshot:
    """The snapshot of `version`, or of the newest older version while it is being built (`stale`).
    Cost: a stat when it exists. Otherwise, in a served process (READERS_BUILD off), a listing of the
    snapshot directory: the job worker builds it (`queue_build`). Elsewhere (commands, tests), the
    build, once per version: whoever asks first builds, the others read the older one meanwhile."""
    found = _ready(version.name)
    if not READERS_BUILD:
        return _served(found)
    if found:
        return found
    with _lock(wait=False) as held:
        if held:
            return _ready(version.name) or _build()
    previous = newest()
    if previous is not None:
        return Snapshot(previous.name, previous.path, previous.built_at, stale=True)
    with _lock(wait=True):
        return _ready(version.name) or _build()


_WARMING = threading.local()


@contextlib.contextmanager
def warming(name: str):
    """In this thread, pages read snapshot `name` before the process switches to it (tepat.serve.warm renders
    the first pages of the new snapshot, not of the one requests still read)."""
    _WARMING.name = name
    try:
        yield
    finally:
        _WARMING.name = None


def _served(found: Snapshot | None) -> Snapshot:
    """In a served process: the version's snapshot once this process has warmed its tables (`WARMED`,
    tepat.serve.Warmer), else the newest one it has warmed (or any on disk), marked stale. Never builds,
    except on a server whose snapshot directory was emptied under it."""
    if found is not None and (WARMED is None or found.name in WARMED or found.name == getattr(_WARMING, "name", None)):
        return found
    previous = next((s for s in map(_ready, sorted(WARMED or (), reverse=True)) if s), None) or newest()
    if previous is not None:
        return Snapshot(previous.name, previous.path, previous.built_at, stale=True)
    return found or build_snapshot()


def queue_build() -> bool:
    """Queue a `snapshot` job when the current registry version has no snapshot and no build is queued
    yet (the job worker's supervisor calls it every second: every version move, from any process, is
    seen; many moves give one build, of the version current when the job runs). Returns whether it
    queued one. Cost: one query of the version table and a stat; one more query while a build is due."""
    from tepat.jobs.models import Job, JobStatus
    from tepat.jobs.run import enqueue

    if _ready(current()[VersionPart.REGISTRY].name):
        return False
    if Job.objects.filter(kind=SNAPSHOT_JOB, status=JobStatus.QUEUED).exists():
        return False
    enqueue(SNAPSHOT_JOB)
    return True


def build_snapshot(version: Version | None = None) -> Snapshot:
    """Write the snapshot of `version` (default: the current registry version) unless it exists; waits
    for a concurrent builder. For the job worker after an import or an approval."""
    version = version or current()[VersionPart.REGISTRY]
    with _lock(wait=True):
        return _ready(version.name) or _build()


def newest() -> Snapshot | None:
    """The most recent complete snapshot on disk."""
    if not root().is_dir():
        return None
    names = sorted((p.name for p in root().iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True)
    return next((s for s in map(_ready, names) if s), None)


def _ready(name: str) -> Snapshot | None:
    manifest = root() / name / MANIFEST
    if not manifest.is_file():
        return None
    built = json.loads(manifest.read_text(encoding="utf-8"))
    at = datetime.fromisoformat(built["built_at"])
    return Snapshot(name, manifest.parent, at, families=built.get("families"), members=built.get("members"))


def _lock(*, wait: bool):
    """The build lock (tepat.filelock): True while this caller holds it; False (wait=False) when another one does."""
    root().mkdir(parents=True, exist_ok=True)
    return file_lock(root() / LOCK, wait=wait)


def _build() -> Snapshot:
    """Read the registry (one consistent read), write it under a temporary name, rename. Caller holds the lock."""
    (number, stamp), frames = _read()
    name = Version(number, stamp).name
    if _ready(name):  # the database moved on to a version already written
        return _ready(name)
    work = root() / f".{name}.{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for part, frame in frames.items():
        frame.write_parquet(work / f"{part}.parquet", statistics=True)
    built_at = datetime.now(UTC)
    (work / MANIFEST).write_text(
        json.dumps(
            {
                "built_at": built_at.isoformat(),
                "pid": os.getpid(),
                "families": frames["families"].height,
                "members": frames["members"].height,
            }
        ),
        encoding="utf-8",
    )
    os.rename(work, root() / name)
    with open(root() / BUILD_LOG, "a", encoding="utf-8") as log:  # one line per build: what operators (and tests) read
        log.write(f"{built_at.isoformat()} {name} pid={os.getpid()} families={frames['families'].height}\n")
    _remove_old(name)
    return _ready(name)


def _remove_old(keep: str) -> None:
    """Snapshots whose successor was written more than GRACE_SECONDS ago (a reader that chose one
    just before has that long to scan it), and temporary directories of builders that died."""
    cutoff = time.time() - GRACE_SECONDS
    names = sorted(p.name for p in root().iterdir() if p.is_dir() and not p.name.startswith("."))
    for older, successor in zip(names, names[1:]):
        if older != keep and (root() / successor).stat().st_mtime < cutoff:
            shutil.rmtree(root() / older, ignore_errors=True)
    for path in root().glob(".*"):
        if path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def _read() -> tuple[tuple[int, str], dict[str, pl.DataFrame]]:
    if connection.vendor == "postgresql":
        return _read_postgresql()
    if connection.in_atomic_block or connection.is_in_memory_db():
        return _read_django_cursor()
    return _read_sqlite_file(connection.settings_dict["NAME"])


def _typed(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    frame = frame.rename(dict(zip(frame.columns, schema))).cast(schema, strict=False)
    return frame.with_columns(pl.col("is_active").cast(pl.Boolean)) if "is_active" in frame.columns else frame


def _version_of(rows: list) -> tuple[int, str]:
    return (int(rows[0][0]), rows[0][1]) if rows else (0, "")


def _read_sqlite_file(path: str) -> tuple[tuple[int, str], dict[str, pl.DataFrame]]:
    """ADBC: Arrow record batches straight from SQLite, one read transaction (WAL: a consistent view)."""
    from adbc_driver_sqlite import dbapi

    with dbapi.connect(f"file:{path}?mode=ro", autocommit=True) as db, db.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(VERSION_SQL)
        version = _version_of(cursor.fetchall())
        frames = {}
        for part, (sql, schema) in QUERIES.items():
            cursor.execute(sql)
            frames[part] = _typed(pl.from_arrow(cursor.fetch_arrow_table()), schema)
        cursor.execute("COMMIT")
    return version, frames


def _read_postgresql() -> tuple[tuple[int, str], dict[str, pl.DataFrame]]:
    """COPY ... TO STDOUT (csv) into polars; REPEATABLE READ outside a caller's transaction."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute(VERSION_SQL)
        version = _version_of(cursor.fetchall())
        frames = {}
        for part, (sql, schema) in QUERIES.items():
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                data = b"".join(bytes(block) for block in copy)
            frames[part] = _typed(
                pl.read_csv(io.BytesIO(data), has_header=False, schema={k: _csv_type(v) for k, v in schema.items()}),
                schema,
            )
    return version, frames


def _csv_type(dtype) -> pl.DataType:
    return pl.String if dtype == pl.String else dtype


def _read_django_cursor() -> tuple[tuple[int, str], dict[str, pl.DataFrame]]:
    """Rows through the Django cursor: only for in-memory databases and reads inside an open transaction."""
    from tepat.registry.bulk import fetch

    frames = {
        part: _typed(pl.DataFrame(fetch(sql), schema=schema, orient="row", strict=False), schema)
        for part, (sql, schema) in QUERIES.items()
    }
    return _version_of(fetch(VERSION_SQL)), frames
