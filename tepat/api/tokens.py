"""Reading a token from a request: find it by key, compare the hash in constant time, count the request.

Cost: one SELECT (token and user) and one conditional UPDATE (rate window and last use) per request.
Guarantee: an unknown, malformed, expired or revoked token and an inactive user all look the same (None).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from tepat.api.actions import PREFIX, digest
from tepat.api.models import ApiToken


@dataclass(frozen=True)
class RateLimited(Exception):
    retry_after: int  # seconds until the next minute window


def find(text: str) -> ApiToken | None:
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(key=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, digest(text)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    return token


def count_request(token: ApiToken) -> None:
    """Count this request in the token's current minute; raise RateLimited past TEPAT_API_RATE_PER_MINUTE.

    Guarantee: the check and the increment are one UPDATE, so parallel requests cannot pass the limit."""
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    limit = settings.TEPAT_API_RATE_PER_MINUTE
    rows = ApiToken.objects.filter(pk=token.pk)
    counted = rows.filter(window_start=minute, window_count__lt=limit).update(
        window_count=F("window_count") + 1, last_used_at=now
    )
    if counted:
        return
    if rows.exclude(window_start=minute).update(window_start=minute, window_count=1, last_used_at=now):
        return
    raise RateLimited(retry_after=max(1, int((minute + timedelta(minutes=1) - now).total_seconds())))
