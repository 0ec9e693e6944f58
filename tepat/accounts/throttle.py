"""Login throttling: at most LOGIN_MAX_FAILURES checked attempts per user per LOGIN_LOCK_SECONDS without a success.

Attempts are counted under two keys: the user name as Django's login reads it, folded further
(`normalise`: NFKC, surrounding blanks stripped, case folded), so "thr ", " thr", "ｔｈｒ", "thr\\t" and
"thr\\xa0" are one key; and the id of every user that name can log in as. A slot is taken on every key
*before* the password is checked, with one conditional UPDATE per key (`count < limit`), so 20
simultaneous guesses get at most `limit` password checks (docs/roles.md#login-throttling).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from tepat.accounts.models import LoginFailure


def as_typed(username: str) -> str:
    """The name exactly as Django's login form hands it to the backend (CharField strip, then NFKC)."""
    return unicodedata.normalize("NFKC", (username or "").strip())


def normalise(username: str) -> str:
    """The throttle's name key: Django's normalisation, stripped again (NFKC turns \\u3000 into a space) and casefolded."""
    return get_user_model().normalize_username(as_typed(username)).strip().casefold()


def keys_for(username: str) -> list[str]:
    """`name:<normalised>` and `user:<id>` of every account the name may log in as (case-insensitively)."""
    name = normalise(username)
    users = (
        get_user_model().objects.filter(username__iexact=as_typed(username)).values_list("pk", flat=True)
        if name
        else []
    )
    return [f"name:{name}"[:200], *(f"user:{pk}" for pk in users)]


def begin(username: str) -> list[str] | None:
    """Take one attempt on every key of this name; None when one of them is used up (locked: do not check).

    Guarantee: per key, at most LOGIN_MAX_FAILURES callers get a non-None answer within a window, however
    many run at once (each slot is one conditional UPDATE). A locked attempt does not extend the lock.
    Rows whose window has passed, of any name, are deleted first, so the table holds only the names tried
    within the last LOGIN_LOCK_SECONDS. Cost: 2 + number of keys statements.
    """
    keys = keys_for(username)
    now = timezone.now()
    LoginFailure.objects.filter(last_at__lt=now - timedelta(seconds=settings.LOGIN_LOCK_SECONDS)).delete()
    for key in keys:
        if not _take(key, now):
            return None
    return keys


def _take(key: str, now) -> bool:
    """One slot on `key`: False when its count has reached the limit."""
    for _ in range(2):  # a concurrent attempt may delete an expired row between our create and our update
        LoginFailure.objects.bulk_create([LoginFailure(key=key, count=0, last_at=now)], ignore_conflicts=True)
        if LoginFailure.objects.filter(key=key, count__lt=settings.LOGIN_MAX_FAILURES).update(
            count=F("count") + 1, last_at=now
        ):
            return True
        if LoginFailure.objects.filter(key=key).exists():
            return False
    return False


def succeeded(keys: list[str]) -> None:
    """A successful login clears the count of every key it was made under."""
    LoginFailure.objects.filter(key__in=keys).delete()


def clear(username: str) -> None:
    """Lift the lock of a name and its accounts (e.g. after an administrator resets the password)."""
    succeeded(keys_for(username))
