"""Small strict readers for settings that come from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


def envbool(name: str, default: str = "False") -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the file that NAME_FILE points to (for container secrets)."""
    path = os.getenv(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.getenv(name, default)


def tepat_home() -> Path:
    """The one folder the app writes to: database, uploads, reports."""
    return Path(os.getenv("TEPAT_HOME", "var")).resolve()


def database_from_url(url: str) -> dict:
    """Turn postgresql://user:pass@host:port/name?host=/socket into Django's DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"TEPAT_DATABASE_URL must start with postgresql://, not {parts.scheme}://")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.pop("host", parts.hostname or ""),
        "PORT": query.pop("port", str(parts.port or "")),
        "CONN_MAX_AGE": 60,
        "OPTIONS": query,
    }


def sqlite_database(home: Path) -> dict:
    """WAL, and a writer waits for the lock (TEPAT_SQLITE_BUSY_SECONDS, default 600) instead of failing with
    `database is locked`: a second import simply waits for the first one's write transaction. Connections
    are kept for 60 s like PostgreSQL's: opening one (and its PRAGMAs) cost ~5% of a served page's CPU."""
    busy = envint("TEPAT_SQLITE_BUSY_SECONDS", "600")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(home / "tepat.sqlite3"),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={busy * 1000};",
            "transaction_mode": "IMMEDIATE",
            "timeout": busy,
        },
    }
