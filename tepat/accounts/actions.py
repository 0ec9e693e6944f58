"""User management actions: each writes one audited change."""
from __future__ import annotations

import csv
import secrets
from pathlib import Path

from django.db import transaction

from tepat.accounts import throttle
from tepat.accounts.models import AuditAction, Opd, User, audit
from tepat.regions.models import Region


def new_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def do_create_user(username: str, *, role: str, acting_user, region_code: str | None = None, opd_code: str | None = None,
                   password: str | None = None) -> tuple[User, str]:
    """Create a user with a role and its area or agency; returns the user and the clear password (shown once)."""
    user = User(username=username, role=role)
    user.region = Region.objects.get(code=region_code) if region_code else None
    user.opd = Opd.objects.get(code=opd_code) if opd_code else None
    user.full_clean(exclude=["password"])
    password = password or new_password()
    user.set_password(password)
    user.save()
    audit(AuditAction.USER_CREATED, username, acting_user=acting_user, role=role, region=region_code, opd=opd_code)
    return user, password


@transaction.atomic
def do_reset_password(username: str, *, acting_user) -> str:
    user = User.objects.get(username=username)
    password = new_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    throttle.clear(username)  # the new password works at once, even on a locked account
    audit(AuditAction.PASSWORD_RESET, username, acting_user=acting_user)
    return password


SHIPPED_OPDS = Path(__file__).resolve().parent / "data" / "opd.csv"


def ensure_shipped_opds() -> None:
    """Tanjungbalai's agencies ship with the project; another city adds its own with `tepat opd add`."""
    if Opd.objects.exists():
        return
    with SHIPPED_OPDS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            do_create_opd(row["code"], row["name"], acting_user=None)


@transaction.atomic
def do_create_opd(code: str, name: str, *, acting_user) -> Opd:
    opd = Opd(code=code, name=name)
    opd.full_clean()
    opd.save()
    audit(AuditAction.OPD_CREATED, code, acting_user=acting_user, name=name)
    return opd
