"""The secret key and private files: everything Tepat writes under $TEPAT_HOME is for its own user only.

- `secret_key(home)`: TEPAT_SECRET_KEY (or TEPAT_SECRET_KEY_FILE) when set; otherwise a random key generated
  once into `$TEPAT_HOME/secret_key` (mode 0600) and read back on every later start.
- `insecure_key(key)`: why a key must not serve the web app (known public value, too short, too simple).
- `private_umask()`: new files 0600 and folders 0700 in this process (called by settings, so every entry
  point: the `tepat` command, the WSGI app, django-admin).
- `private_dir`, `open_private`, `write_private`, `make_private`: the explicit modes where files are written
  (database, uploads, photos, evidence, reports), so a different umask of a caller does not widen them.
- `replace_private`: a file other processes read while it is rewritten (an import's progress, shared panels).
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
from pathlib import Path
from typing import IO

from django.core.exceptions import ImproperlyConfigured

from tepat.env import envsecret

FILE_MODE = 0o600
DIR_MODE = 0o700
KEY_FILE = "secret_key"
# Keys that are public: the one Tepat used before it generated its own, and common placeholders.
KNOWN_INSECURE = {
    "tepat-insecure-local-key-set-TEPAT_SECRET_KEY-in-production",
    "changeme",
    "change-me",
    "secret",
    "secret-key",
    "django-insecure",
    "insecure",
    "tepat",
    "test",
    "dev",
    "development",
}
MIN_KEY_LENGTH = 32


def private_umask() -> None:
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700 folders; an existing folder keeps its mode unless we made it."""
    missing = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)
    return Path(path)


def open_private(path: Path, mode: str = "wb") -> IO:
    """Open a file for writing with mode 0600 (created so, or narrowed when it existed), its folder 0700."""
    private_dir(Path(path).parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, mode)


def write_private(path: Path, data: bytes) -> Path:
    with open_private(path) as handle:
        handle.write(data)
    return Path(path)


def replace_private(path: Path, data: bytes) -> Path:
    """`data` as the whole new content of `path` (0600): written beside it under a name of this thread's, then
    renamed over it, so that a reader sees the old content or the new one, never a part."""
    path = Path(path)
    staged = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}")
    write_private(staged, data)
    os.replace(staged, path)
    return path


def make_private(path: Path) -> None:
    """Narrow a file some library wrote itself (xlsxwriter, SQLite) to 0600."""
    if Path(path).exists():
        os.chmod(path, FILE_MODE)


def secret_key(home: Path) -> str:
    """The configured key, else the one stored in $TEPAT_HOME (generated at the first start)."""
    given = envsecret("TEPAT_SECRET_KEY").strip()
    if given:
        return given
    path = Path(home) / KEY_FILE
    try:
        if not path.exists():
            return _generate(path)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, FILE_MODE)
        return path.read_text(encoding="utf-8").strip()
    except OSError as problem:
        raise ImproperlyConfigured(
            f"Kunci rahasia tidak dapat dibuat/dibaca di {path}: {problem.strerror}. Setel TEPAT_SECRET_KEY. / "
            f"Cannot create or read the secret key at {path}: {problem.strerror}. Set TEPAT_SECRET_KEY."
        ) from None


def _generate(path: Path) -> str:
    private_dir(path.parent)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def insecure_key(key: str) -> str | None:
    """Why `key` must not be used to serve (id / en), or None when it is acceptable."""
    if key in KNOWN_INSECURE or key.startswith("django-insecure-"):
        return "kunci rahasia ini diketahui publik / this secret key is publicly known"
    if len(key) < MIN_KEY_LENGTH:
        return f"kunci rahasia kurang dari {MIN_KEY_LENGTH} karakter / the secret key is shorter than {MIN_KEY_LENGTH} characters"
    if len(set(key)) < 5:
        return "kunci rahasia terlalu sederhana / the secret key is too simple"
    return None
