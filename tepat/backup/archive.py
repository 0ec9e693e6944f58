"""One backup archive: `database/<dump>`, `home/<every file under TEPAT_HOME>`, and `manifest.json`
(sha256 and size of every member, the database engine and the row count of every table).

The database is copied first, then the files: a file written meanwhile may be in the archive without
its row (harmless), never a row without its file."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from datetime import datetime, UTC
from pathlib import Path

from django.conf import settings
from django.db import connection

from tepat.backup import BackupError, database

FORMAT = "tepat-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class HashingReader:
    """Reads exactly `size` bytes of a file for tarfile while hashing them."""

    def __init__(self, handle, size: int) -> None:
        self.handle, self.left, self.sha = handle, size, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(self.left if n < 0 else min(n, self.left))
        self.left -= len(data)
        self.sha.update(data)
        return data


def _skipped(home: Path) -> set[Path]:
    """Not copied as files: the live SQLite database (it goes in as its consistent copy) and collected static files."""
    name = Path(connection.settings_dict["NAME"]) if database.engine() == "sqlite" else None
    live = {Path(f"{name}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")} if name else set()
    return live | {Path(settings.STATIC_ROOT).resolve()}


def home_files(home: Path, exclude: set[Path]) -> list[Path]:
    """Every regular file under `home` (symbolic links not followed), sorted, minus `exclude` (files or folders)."""
    found = []
    for folder, dirs, files in os.walk(home):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in exclude and not (here / d).is_symlink())
        found += [
            here / f
            for f in sorted(files)
            if (here / f).is_file() and not (here / f).is_symlink() and (here / f).resolve() not in exclude
        ]
    return found


def _add(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(os.fstat(handle.fileno()).st_mtime)
        reader = HashingReader(handle, size)
        tar.addfile(info, reader)
    return {"path": name, "size": size, "sha256": reader.sha.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now().timestamp())
    tar.addfile(info, _Bytes(data))


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n < 0 else self.at + n
        chunk, self.at = self.data[self.at : end], min(end, len(self.data))
        return chunk


def make_backup(out: Path) -> dict:
    """Write the archive to `out` (mode 0600, written under a temporary name then renamed); returns the manifest.

    Cost: one pass over the database and every file; memory stays at one chunk."""
    home, out = Path(settings.TEPAT_HOME).resolve(), out.resolve()
    if out.is_relative_to(home):
        raise BackupError(
            "out_inside_home",
            f"{out} ada di dalam TEPAT_HOME {home}; simpan di luar / is inside TEPAT_HOME; write it elsewhere",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".tepat-backup-") as work:
        dumped, counts = database.dump(Path(work))
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                entries = [_add(tar, dumped, f"database/{dumped.name}")]
                entries += [
                    _add(tar, path, "home/" + path.relative_to(home).as_posix())
                    for path in home_files(home, _skipped(home))
                ]
                manifest = {
                    "format": FORMAT,
                    "version": VERSION,
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    "engine": database.engine(),
                    "database": f"database/{dumped.name}",
                    "counts": counts,
                    "files": entries,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, out)
    return manifest
