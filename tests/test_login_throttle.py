"""Login lockout: one count per user whatever variant of the name is typed, and no race past the limit."""

from __future__ import annotations

import threading

import django
import pytest

django.setup()  # also imported alone by the child process of the SQLite race test

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tepat.accounts.throttle import normalise  # noqa: E402

VARIANTS = ["thr", "thr ", " thr", "ｔｈｒ", "thr\t", "thr\xa0", "THR", "\u3000thr", "Thr\n"]


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def thr(regions):
    from tepat.accounts.actions import do_create_user

    return do_create_user("thr", role="analyst", acting_user=None, password="benar-sekali-123")[0]


def test_every_variant_of_a_name_is_one_key():
    assert {normalise(v) for v in VARIANTS} == {"thr"}
    assert normalise("t hr") != "thr"


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_locked_name_stays_locked_under_every_variant(variant, client, thr, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for wrong in ("thr", " thr", "ｔｈｒ"):  # failures under different spellings add up
        assert login(client, wrong, "salah").status_code == 200
    response = login(client, variant, "benar-sekali-123")
    assert response.status_code == 429 and "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_variants_that_django_accepts_log_in_and_clear_the_count(client, thr, settings):
    settings.LOGIN_MAX_FAILURES = 3
    login(client, "thr", "salah")
    login(client, "thr", "salah")
    assert login(client, "ｔｈｒ ", "benar-sekali-123").status_code == 302  # NFKC and strip, as Django does
    client.logout()
    for _ in range(2):
        assert login(client, "thr", "salah").status_code == 200  # the success cleared the count
    assert login(client, "thr", "benar-sekali-123").status_code == 302


def test_the_lock_ends_after_the_window(client, thr, settings):
    from datetime import timedelta

    from django.utils import timezone

    from tepat.accounts.models import LoginFailure

    settings.LOGIN_MAX_FAILURES = 2
    login(client, "thr", "salah")
    login(client, "thr", "salah")
    assert login(client, "thr", "benar-sekali-123").status_code == 429
    LoginFailure.objects.update(last_at=timezone.now() - timedelta(seconds=settings.LOGIN_LOCK_SECONDS + 1))
    assert login(client, "thr", "benar-sekali-123").status_code == 302


def test_a_password_reset_lifts_the_lock(client, thr, settings):
    from tepat.accounts.actions import do_reset_password

    settings.LOGIN_MAX_FAILURES = 2
    login(client, "thr", "salah")
    login(client, "thr", "salah")
    password = do_reset_password("thr", acting_user=None)
    assert login(client, "thr ", password).status_code == 302


def race(guesses: int = 20) -> list[int]:
    """`guesses` wrong passwords for thr, each in its own thread and database connection, released together."""
    start = threading.Barrier(guesses)
    statuses: list[int] = []

    def guess(index: int) -> None:
        try:
            start.wait()
            statuses.append(login(Client(), VARIANTS[index % len(VARIANTS)], f"salah-{index}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def race_in_a_fresh_home() -> None:
    """Run by the SQLite variant in a child process: a file database in $TEPAT_HOME, as in production
    (the in-memory test database shares one cache between threads and fails on any concurrent write)."""
    import json

    from tepat.bootstrap import ensure_database

    ensure_database()
    from tepat.accounts.actions import do_create_user

    do_create_user("thr", role="analyst", acting_user=None, password="benar-sekali-123")
    statuses = race()
    statuses.append(login(Client(), "thr", "benar-sekali-123").status_code)
    print(json.dumps(statuses))


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_wrong_guesses_check_at_most_five(thr, settings, tmp_path):
    """A slow real hasher (Argon2, the production one) widens the race; then the right password is refused too."""
    if connection.vendor == "sqlite":
        import json
        import os
        import subprocess
        import sys

        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("TEPAT_DATABASE_URL", "TEPAT_SECRET_KEY", "DJANGO_SETTINGS_MODULE")
        }
        env.update(
            TEPAT_HOME=str(tmp_path / "home"), TEPAT_LOGIN_MAX_FAILURES="5", DJANGO_SETTINGS_MODULE="tepat.settings"
        )
        code = "from tests.test_login_throttle import race_in_a_fresh_home; race_in_a_fresh_home()"
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        *statuses, right = json.loads(done.stdout.strip().splitlines()[-1])
    else:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
        thr.set_password("benar-sekali-123")
        thr.save()
        settings.LOGIN_MAX_FAILURES = 5
        statuses = race()
        right = login(Client(), "thr", "benar-sekali-123").status_code
    assert len(statuses) == 20 and sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == 5  # checked (wrong password shown); the other 15 refused unchecked
    assert right == 429


def test_counts_of_names_whose_window_has_passed_are_deleted(client, thr, settings):
    from datetime import timedelta

    from django.utils import timezone

    from tepat.accounts.models import LoginFailure

    old = timezone.now() - timedelta(seconds=settings.LOGIN_LOCK_SECONDS + 1)
    LoginFailure.objects.bulk_create([LoginFailure(key=f"name:tebakan{i}", count=1, last_at=old) for i in range(50)])
    login(client, "thr", "salah")
    assert set(LoginFailure.objects.values_list("key", flat=True)) == {"name:thr", f"user:{thr.pk}"}
