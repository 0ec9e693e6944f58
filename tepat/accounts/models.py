"""Users with a role and an area or agency, the personal-data access log, and login throttling."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tepat.accounts.actor import actor_user
from tepat.accounts.roles import POLICIES, Role, Scope


class Opd(models.Model):
    """A city agency (Organisasi Perangkat Daerah)."""

    code = models.CharField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=200)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Kecamatan (camat) atau kelurahan (lurah)."),
    )
    opd = models.ForeignKey(Opd, null=True, blank=True, on_delete=models.PROTECT)

    def clean(self) -> None:
        scope = POLICIES[self.role].scope
        wanted = {Scope.KECAMATAN: "kecamatan", Scope.KELURAHAN: "kelurahan"}.get(scope)
        if wanted and (self.region is None or self.region.level != wanted):
            raise ValidationError({"region": _("Peran ini membutuhkan wilayah tingkat %(level)s.") % {"level": wanted}})
        if self.role == Role.OPD and self.opd is None:
            raise ValidationError({"opd": _("Operator OPD membutuhkan OPD.")})


class AccessKind(models.TextChoices):
    VIEW = "view", _("lihat")
    EXPORT = "export", _("unduh")


class PersonalDataAccess(models.Model):
    """Who viewed or exported personal data, when, and what (UU 27/2022)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    what = models.CharField(max_length=200)
    records = models.PositiveIntegerField(default=1)
    unmasked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["what"], name="accounts_access_what")]  # the access log's person search


class AuditAction(models.TextChoices):
    USER_CREATED = "user_created", _("pengguna dibuat")
    PASSWORD_RESET = "password_reset", _("kata sandi diganti")
    OPD_CREATED = "opd_created", _("OPD dibuat")
    FAMILIES_ASSIGNED = "families_assigned", _("keluarga ditugaskan")
    PROGRAM_SAVED = "program_saved", _("program disimpan")
    RULE_SAVED = "rule_saved", _("aturan disimpan")
    TARGET_FROZEN = "target_frozen", _("daftar sasaran dibekukan")
    INTERVENTIONS_IMPORTED = "interventions_imported", _("realisasi diimpor")
    INTERVENTION_RECORDED = "intervention_recorded", _("realisasi dicatat")
    USER_CHANGED = "user_changed", _("peran/wilayah/OPD pengguna diubah")
    USER_DEACTIVATED = "user_deactivated", _("pengguna dinonaktifkan")
    USER_REACTIVATED = "user_reactivated", _("pengguna diaktifkan kembali")


class AuditEvent(models.Model):
    """State changes outside the registry's own history (users, OPDs, assignments): who, when, what."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kosong: dilakukan lewat baris perintah di server."),
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    target = models.CharField(max_length=200)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]


def audit(action: str, target: str, *, acting_user, **details) -> AuditEvent:
    actor = actor_user(acting_user)
    return AuditEvent.objects.create(user=actor, action=action, target=target[:200], details=details)


class LoginFailure(models.Model):
    """Login attempts counted per key (`name:<normalised user name>` and `user:<id>`, see throttle.py).

    `count` is the number of attempts checked since the window began (a success deletes the row); it is
    raised before the password is checked, in one conditional UPDATE, so simultaneous guesses cannot
    pass the limit."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(default=timezone.now)
