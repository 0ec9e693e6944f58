"""Restoring an archive written by `archive.make_backup` into an empty TEPAT_HOME and an empty database.

Order: refuse a non-empty home or database; unpack into `<home>/.restore` hashing every member; compare
with the manifest (every member present, same size and sha256, nothing extra); load the database; move
the files into place; compare every table's row count with the manifest. Any failure leaves the home
empty again (a PostgreSQL restore runs in one transaction)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings

from tepat.backup import BackupError, database
from tepat.backup.archive import CHUNK, FORMAT, MANIFEST, VERSION
from tepat.secure import KEY_FILE

STAGING = ".restore"


def _safe_name(member: tarfile.TarInfo) -> PurePosixPath:
    name = PurePosixPath(member.name)
    inside = name.as_posix() == MANIFEST or (len(name.parts) > 1 and name.parts[0] in ("database", "home"))
    if not member.isfile() or name.is_absolute() or ".." in name.parts or not inside:
        raise BackupError("unsafe_member", f"anggota arsip ditolak / archive member refused: {member.name!r}")
    return name


def _copy(source, target: Path) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        while chunk := source.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, sha.hexdigest()


def unpack(file: Path, staging: Path) -> dict[str, tuple[int, str]]:
    """Extract every member under `staging` (files 0600, folders 0700); returns {name: (size, sha256)}."""
    seen: dict[str, tuple[int, str]] = {}
    try:
        with tarfile.open(file, mode="r:gz") as tar:
            for member in tar:
                name = _safe_name(member)
                target = staging.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                seen[name.as_posix()] = _copy(tar.extractfile(member), target)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as problem:
        raise BackupError(
            "not_a_backup",
            f"{file.name}: bukan arsip cadangan Tepat yang utuh / not a complete Tepat backup ({problem})",
        ) from None
    return seen


def verify(seen: dict[str, tuple[int, str]], staging: Path) -> dict:
    """The manifest, when every member matches it exactly. Raises checksum_mismatch naming the members."""
    if MANIFEST not in seen:
        raise BackupError("not_a_backup", f"{MANIFEST} tidak ada / missing")
    manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version", 0) > VERSION:
        raise BackupError(
            "not_a_backup", f"format {manifest.get('format')} v{manifest.get('version')} tidak dikenal / unknown"
        )
    expected = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    wrong = sorted(name for name in expected if seen.get(name) != expected[name])
    extra = sorted(set(seen) - set(expected) - {MANIFEST})
    if wrong or extra:
        names = ", ".join((wrong + extra)[:10])
        raise BackupError(
            "checksum_mismatch",
            f"{len(wrong) + len(extra)} berkas tidak cocok dengan manifest / files do not match the manifest: {names}",
        )
    return manifest


def _empty(home: Path, keep: str = "") -> None:
    for child in (c for c in home.iterdir() if c.name != keep):
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def restore_backup(file: Path) -> dict:
    """Restore `file` into $TEPAT_HOME (must be empty or absent) and the configured (empty) database.
    Returns the manifest. Cost: one pass over the archive, a copy of the database, renames of the files."""
    home = Path(settings.TEPAT_HOME).resolve()
    if home.exists() and any(child.name != KEY_FILE for child in home.iterdir()):  # the key this process generated
        raise BackupError(
            "home_not_empty",
            f"TEPAT_HOME {home} tidak kosong; pulihkan ke folder kosong / is not empty; restore into an empty folder",
        )
    database.check_empty()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = home / STAGING
    try:
        manifest = verify(unpack(file, staging), staging)
        database.restore(staging.joinpath(*PurePosixPath(manifest["database"]).parts), manifest["engine"])
        if (staging / "home").exists():
            for child in (staging / "home").iterdir():
                shutil.move(child, home / child.name)
        shutil.rmtree(staging)
        _same_counts(manifest["counts"])
    except BaseException:
        _empty(home, keep=KEY_FILE)
        raise
    return manifest


def _same_counts(expected: dict[str, int]) -> None:
    found = database.row_counts()
    wrong = sorted(name for name, count in expected.items() if found.get(name) != count)
    if wrong:
        details = ", ".join(f"{n}: {found.get(n)} != {expected[n]}" for n in wrong[:10])
        raise BackupError("restore_incomplete", f"jumlah baris berbeda / row counts differ: {details}")
