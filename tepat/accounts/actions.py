"""User management actions: each writes one audited change."""

from __future__ import annotations

import csv
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tepat.accounts.actor import actor_id
from tepat.accounts import throttle
from tepat.accounts.models import AuditAction, Opd, User, audit
from tepat.accounts.roles import Role
from tepat.regions.models import Region


def new_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def do_create_user(
    username: str,
    *,
    role: str,
    acting_user,
    region_code: str | None = None,
    opd_code: str | None = None,
    password: str | None = None,
) -> tuple[User, str]:
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


def _not_yourself(user: User, acting_user, field: str) -> None:
    if actor_id(acting_user) == user.pk:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Anda tidak dapat mengubah peran atau menonaktifkan akun Anda sendiri."), code="own_account"
                )
            }
        )


def _keeps_an_admin(user: User, field: str) -> None:
    """Refuse to leave the city without an active admin (nobody could manage users from the web)."""
    others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(
            {field: ValidationError(_("Ini admin aktif terakhir; buat admin lain dahulu."), code="last_admin")}
        )


@transaction.atomic
def do_change_user(
    username: str, *, role: str, acting_user, region_code: str | None = None, opd_code: str | None = None
) -> User:
    """Set a user's role, region and OPD (each as `do_create_user` takes them); one audit row with before/after.

    Guarantee: never the acting user's own role, never the last active admin's."""
    user = User.objects.select_for_update(of=("self",)).select_related("region", "opd").get(username=username)
    before = {
        "role": user.role,
        "region": user.region.code if user.region else None,
        "opd": user.opd.code if user.opd else None,
    }
    after = {"role": role, "region": region_code or None, "opd": opd_code or None}
    if before["role"] != role:
        _not_yourself(user, acting_user, "role")
        if user.role == Role.ADMIN and user.is_active:
            _keeps_an_admin(user, "role")
    user.role = role
    user.region = Region.objects.get(code=region_code) if region_code else None
    user.opd = Opd.objects.get(code=opd_code) if opd_code else None
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "region", "opd"])
    audit(AuditAction.USER_CHANGED, username, acting_user=acting_user, before=before, after=after)
    return user


@transaction.atomic
def do_set_active(username: str, active: bool, *, acting_user) -> User:
    """Deactivate (no login, open sessions end) or reactivate a user; history and log rows stay.

    Guarantee: never the acting user's own account, never the last active admin."""
    user = User.objects.select_for_update().get(username=username)
    if user.is_active == active:
        return user
    if not active:
        _not_yourself(user, acting_user, "is_active")
        if user.role == Role.ADMIN:
            _keeps_an_admin(user, "is_active")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit(AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED, username, acting_user=acting_user)
    return user


def ensure_shipped_opds() -> None:
    """The agencies of the city pack (opd.csv; national default in packs/umum/); add others with `tepat opd add`."""
    from tepat.regions.pack import pack_file

    if Opd.objects.exists():
        return
    with pack_file("opd.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            do_create_opd(row["code"], row["name"], acting_user=None)


@transaction.atomic
def do_create_opd(code: str, name: str, *, acting_user) -> Opd:
    opd = Opd(code=code, name=name)
    opd.full_clean()
    opd.save()
    audit(AuditAction.OPD_CREATED, code, acting_user=acting_user, name=name)
    return opd
