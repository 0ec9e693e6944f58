"""Token state changes, each one audited action (tepat.accounts.models.audit): create, revoke.

Their audit names are `AuditAction.API_TOKEN_CREATED` / `API_TOKEN_REVOKED` (the one vocabulary).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tepat.accounts.models import AuditAction, audit
from tepat.api.models import ApiToken

PREFIX = "tpt"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """The stored row and the token text, which exists only here: show it once."""

    token: ApiToken
    text: str


@transaction.atomic
def do_create_token(user, name: str, *, acting_user, days: int | None = None) -> NewToken:
    """A new token for `user`, valid `days` (default TEPAT_API_TOKEN_DAYS, at most TEPAT_API_TOKEN_MAX_DAYS).

    Guarantee: the secret has 256 bits from `secrets`; only its sha256 is stored."""
    days = days or settings.TEPAT_API_TOKEN_DAYS
    if not 1 <= days <= settings.TEPAT_API_TOKEN_MAX_DAYS:
        raise ValueError(
            f"masa berlaku 1..{settings.TEPAT_API_TOKEN_MAX_DAYS} hari / validity must be 1..{settings.TEPAT_API_TOKEN_MAX_DAYS} days"
        )
    name = name.strip()[:100]
    if not name:
        raise ValueError("nama token wajib diisi / the token needs a name")
    key = secrets.token_hex(6)
    text = f"{PREFIX}_{key}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, key=key, digest=digest(text), expires_at=timezone.now() + timedelta(days=days)
    )
    audit(AuditAction.API_TOKEN_CREATED, f"{user.username}: {name} ({key})", acting_user=acting_user, days=days)
    return NewToken(token, text)


@transaction.atomic
def do_revoke_token(token: ApiToken, *, acting_user) -> ApiToken:
    """Revoke now (idempotent: a revoked token keeps its first revocation time)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            AuditAction.API_TOKEN_REVOKED, f"{token.user.username}: {token.name} ({token.key})", acting_user=acting_user
        )
    return token
