"""Login throttling: after LOGIN_MAX_FAILURES failures a username is locked for LOGIN_LOCK_SECONDS."""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from tepat.accounts.models import LoginFailure


def is_locked(username: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
    return LoginFailure.objects.filter(username=username.lower(), count__gte=settings.LOGIN_MAX_FAILURES, last_at__gte=since).exists()


def record_failure(username: str) -> None:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
    failure, created = LoginFailure.objects.get_or_create(username=username.lower())
    if not created and failure.last_at < since:
        failure.count = 0
        failure.save(update_fields=["count"])
    LoginFailure.objects.filter(pk=failure.pk).update(count=F("count") + 1, last_at=timezone.now())


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
