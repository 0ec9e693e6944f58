"""Secret key, private files under $TEPAT_HOME, security headers, cookies and session lifetime."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tepat.secure import insecure_key, secret_key

ROOT = Path(__file__).resolve().parent.parent
OLD_PUBLIC_KEY = "tepat-insecure-local-key-set-TEPAT_SECRET_KEY-in-production"


def child_env(home: Path, **extra) -> dict:
    """The environment of a fresh installation: no key, SQLite under `home`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TEPAT_DATABASE_URL", "TEPAT_SECRET_KEY", "TEPAT_SECRET_KEY_FILE")
    }
    env.update(TEPAT_HOME=str(home), **extra)
    return env


def tepat(home: Path, *args: str, timeout: int = 120, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tepat", *args],
        cwd=ROOT,
        env=child_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=lambda: os.umask(0o022),
    )


def modes(home: Path) -> dict[str, str]:
    return {str(p.relative_to(home)): oct(stat.S_IMODE(p.stat().st_mode)) for p in [home, *home.rglob("*")]}


def test_without_a_key_one_is_generated_once_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("TEPAT_SECRET_KEY", raising=False)
    monkeypatch.delenv("TEPAT_SECRET_KEY_FILE", raising=False)
    home = tmp_path / "home"
    first = secret_key(home)
    assert insecure_key(first) is None and len(first) >= 50
    assert oct(stat.S_IMODE((home / "secret_key").stat().st_mode)) == "0o600"
    assert oct(stat.S_IMODE(home.stat().st_mode)) == "0o700"
    assert secret_key(home) == first and secret_key(tmp_path / "other") != first
    monkeypatch.setenv("TEPAT_SECRET_KEY", "k" * 10 + "ey-from-the-environment-0123456789")
    assert secret_key(home) == "k" * 10 + "ey-from-the-environment-0123456789"


@pytest.mark.parametrize(
    "key, refused",
    [
        (OLD_PUBLIC_KEY, True),
        ("django-insecure-abcdefghijklmnopqrstuvwxyz0123456789", True),
        ("short-key", True),
        ("a" * 60, True),
        ("Zq8v1Lr4sW2nXc7bT9yHf3Kj6Pd0Mg5Ue", False),
    ],
)
def test_known_insecure_keys_are_recognised(key, refused):
    assert (insecure_key(key) is not None) == refused


def test_a_fresh_home_is_private_after_migrate_even_with_an_open_umask(tmp_path):
    home = tmp_path / "home"
    done = tepat(home, "migrate")
    assert done.returncode == 0, done.stderr
    found = modes(home)
    assert "secret_key" in found and "tepat.sqlite3" in found
    loose = {name: mode for name, mode in found.items() if mode not in ("0o600", "0o700")}
    assert loose == {}
    assert all(mode == "0o700" for name, mode in found.items() if (home / name).is_dir() or name == ".")


def test_serve_refuses_a_known_insecure_key(tmp_path):
    for key in (OLD_PUBLIC_KEY, "pendek"):
        done = tepat(tmp_path / "home", "serve", "--port", "1", TEPAT_SECRET_KEY=key)
        assert done.returncode == 2 and "TEPAT_SECRET_KEY" in done.stderr and "Tepat berjalan" not in done.stdout


def test_files_written_by_the_app_are_private_whatever_the_umask(tmp_path, settings):
    """Uploads, photos and evidence get 0600 and their folders 0700 even when the caller's umask is 022."""
    from tepat.registry.runner import store_upload
    from tepat.secure import open_private, write_private

    previous = os.umask(0o022)
    try:
        upload = store_upload(SimpleUploadedFile("p3ke.csv", b"a;b\n1;2\n"))
        photo = write_private(settings.TEPAT_HOME / "verivali" / "photos" / "1" / "2" / "rumah-0.jpg", b"\xff\xd8")
        with open_private(settings.TEPAT_HOME / "meetings" / "bukti" / "3" / "x.pdf") as handle:
            handle.write(b"%PDF")
    finally:
        os.umask(previous)
    for path in (upload, photo, settings.TEPAT_HOME / "meetings" / "bukti" / "3" / "x.pdf"):
        assert oct(stat.S_IMODE(path.stat().st_mode)) == "0o600", path
        assert oct(stat.S_IMODE(path.parent.stat().st_mode)) == "0o700", path.parent


def test_evidence_and_photos_go_through_the_private_writers():
    """The modules that store people's files use the private writers, not a bare open/write_bytes."""
    for module in (
        "tepat/registry/runner.py",
        "tepat/verivali/photos.py",
        "tepat/meetings/actions.py",
        "tepat/registry/importer/report.py",
    ):
        text = (ROOT / module).read_text()
        assert "tepat.secure import" in text and "write_bytes(" not in text and '.open("wb")' not in text, module


# --- headers, cookies, sessions --------------------------------------------------------------------------------


def test_every_page_gets_a_strict_csp_and_personal_pages_are_not_stored(client, cast):
    login_page = client.get("/login/")
    policy = login_page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    client.force_login(cast["lurah"])
    for url in ("/", "/keluarga/", "/keluarga/unduh.csv", "/keluarga/unduh.xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store", url
        assert response["Content-Security-Policy"] == policy


TEMPLATES = ROOT / "tepat" / "templates" / "web"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_has_inline_script_handlers_or_styles():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, re.compile(r"\sstyle\s*=|<style", re.I)):
            found += [f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []


def test_https_settings_come_from_tepat_https(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER, "
        "s.SESSION_COOKIE_AGE, s.TEPAT_SESSION_REFRESH_SECONDS)"
    )
    env = child_env(tmp_path / "h", DJANGO_SETTINGS_MODULE="tepat.settings")
    on = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "TEPAT_HTTPS": "1"}, capture_output=True, text=True
    )
    off = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert on.stdout.split() == ["True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "32400", "300"], (
        on.stderr
    )
    assert off.stdout.split()[:4] == ["False", "False", "True", "None"]


def test_behind_the_proxy_cookies_are_secure_and_http_only(client, cast, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.post(
        "/login/", {"username": "analyst", "password": "rahasia-123"}, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_a_session_ends_after_a_working_day_without_requests_and_each_request_extends_it(client, cast, settings):
    from django.contrib.sessions.models import Session

    settings.TEPAT_SESSION_REFRESH_SECONDS = 0  # every request rewrites the session (the default: every 5 minutes)
    client.post("/login/", {"username": "analyst", "password": "rahasia-123"})
    row = Session.objects.get()
    assert timedelta(hours=8) < row.expire_date - timezone.now() <= timedelta(hours=9)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date - timezone.now() > timedelta(hours=8)  # the request moved the end
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_between_refreshes_a_page_view_writes_no_session(client, cast):
    from django.contrib.sessions.models import Session

    client.post("/login/", {"username": "analyst", "password": "rahasia-123"})
    assert client.get("/").status_code == 200  # the first request after login rewrites it once
    end = Session.objects.get().expire_date
    Session.objects.update(expire_date=end - timedelta(minutes=1))
    assert client.get("/keluarga/").status_code == 200
    assert Session.objects.get().expire_date == end - timedelta(minutes=1)  # within 5 minutes: not rewritten
