"""Reading a token from a request: find it by key, compare the hash in constant time, count the request.

Cost: one SELECT (token and user) per request, a counter increment (tepat.counters), and an UPDATE of the last use at most once
a minute per token (not a database commit per request: at a 1,000-family page per request, the commits,
not the queries, were the API's largest cost on SQLite).
Guarantee: an unknown, malformed, expired or revoked token and an inactive user all look the same (None).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tepat.api.actions import PREFIX, digest
from tepat import counters
from tepat.api.models import ApiToken

LAST_USE_EVERY = timedelta(minutes=1)  # `last_used_at` is exact to within this


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
    """Count this request in the token's current minute, across every process of the server (a counter file
    under $TEPAT_HOME/run/api-rate/, tepat.counters); raise RateLimited past TEPAT_API_RATE_PER_MINUTE.
    Record the use."""
    now = timezone.now()
    minute = int(now.timestamp() // 60)
    folder = Path(settings.TEPAT_HOME) / "run" / "api-rate"
    count = counters.increment(folder, f"{token.key}-{minute}")
    if count == 1:  # a token's first request of a minute: earlier minutes' counters are done with
        counters.remove_other_windows(folder, str(minute))
    if count > settings.TEPAT_API_RATE_PER_MINUTE:
        raise RateLimited(retry_after=max(1, 60 - int(now.timestamp()) % 60))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
