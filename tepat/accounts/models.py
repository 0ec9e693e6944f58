"""Users with a role and an area or agency, the personal-data access log, and login throttling."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tepat.accounts.actor import Actor, actor_user
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
    """The one audit vocabulary: every `AuditEvent.action` any app's `do_*` actions write.

    The stored values are the strings each app wrote before they were gathered here (old rows read as
    they did); grouped by the app that writes them.
    """

    # accounts
    USER_CREATED = "user_created", _("pengguna dibuat")
    PASSWORD_RESET = "password_reset", _("kata sandi diganti")
    OPD_CREATED = "opd_created", _("OPD dibuat")
    USER_CHANGED = "user_changed", _("peran/wilayah/OPD pengguna diubah")
    USER_DEACTIVATED = "user_deactivated", _("pengguna dinonaktifkan")
    USER_REACTIVATED = "user_reactivated", _("pengguna diaktifkan kembali")
    # api (tokens belong to an account)
    API_TOKEN_CREATED = "api_token_created", _("token API dibuat")
    API_TOKEN_REVOKED = "api_token_revoked", _("token API dicabut")
    # registry
    FAMILIES_ASSIGNED = "families_assigned", _("keluarga ditugaskan")
    # programs
    PROGRAM_SAVED = "program_saved", _("program disimpan")
    RULE_SAVED = "rule_saved", _("aturan disimpan")
    TARGET_FROZEN = "target_frozen", _("daftar sasaran dibekukan")
    INTERVENTIONS_IMPORTED = "interventions_imported", _("realisasi diimpor")
    INTERVENTION_RECORDED = "intervention_recorded", _("realisasi dicatat")
    # verivali (member names as in its former VerivaliAudit, still importable under that name)
    CAMPAIGN_CREATED = "vv_campaign_created", _("kampanye verivali dibuat")
    CAMPAIGN_ASSIGNED = "vv_campaign_assigned", _("keluarga kampanye ditugaskan")
    CAMPAIGN_REASSIGNED = "vv_campaign_reassigned", _("keluarga kampanye dialihkan")
    CAMPAIGN_CLOSED = "vv_campaign_closed", _("kampanye verivali ditutup")
    VISIT_SUBMITTED = "vv_visit_submitted", _("kunjungan verivali dikirim")
    MUSYAWARAH_RECORDED = "vv_musyawarah_recorded", _("musyawarah kelurahan dicatat")
    REQUEST_DECIDED = "vv_request_decided", _("usulan perubahan diputuskan")
    VISIT_EDITED = "vv_visit_edited", _("kunjungan diubah di server ODK/Kobo")
    HANDBACK_SENT = "vv_handback_sent", _("perubahan dikirim ke data pusat")
    # meetings
    MEETING_CREATED = "meeting_created", _("rapat dibuat")
    MEETING_UPDATED = "meeting_updated", _("rapat diubah")
    MEETING_INVITED = "meeting_invited", _("peserta diundang")
    MEETING_ATTENDANCE = "meeting_attendance", _("kehadiran dicatat")
    MEETING_MINUTES = "meeting_minutes", _("notulen dicatat")
    MEETING_HELD = "meeting_held", _("rapat terlaksana")
    MEETING_DECISION = "meeting_decision", _("keputusan dicatat")
    ACTION_ITEM_ADDED = "action_item_added", _("tindak lanjut dicatat")
    ACTION_PROGRESS = "action_progress", _("perkembangan dicatat")
    ACTION_ITEM_CLOSED = "action_item_closed", _("tindak lanjut ditutup")
    MEETING_CANCELLED = "meeting_cancelled", _("rapat dibatalkan")
    # indicators
    SERIES_IMPORTED = "series_imported", _("data resmi diimpor")
    OBSERVATION_RECORDED = "observation_recorded", _("data resmi dicatat")
    REGISTRY_SNAPSHOT = "registry_snapshot", _("snapshot registri disimpan")
    # pockets
    BOUNDARIES_UPLOADED = "boundaries_uploaded", _("batas wilayah diunggah")
    # reports
    REPORT_GENERATED = "report_generated", _("laporan dibuat")
    REPORT_SECTION_WRITTEN = "report_section_written", _("bagian laporan ditulis")


class AuditEvent(models.Model):
    """State changes outside the registry's own history (users, OPDs, assignments, programs, verivali,
    meetings, indicators, boundaries, reports): who, when, what. `action` is one of AuditAction."""

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


def audit(action: AuditAction, target: str, *, acting_user: Actor, **details) -> AuditEvent:
    """One audit row, in the caller's transaction. `action` must be in the vocabulary (ValueError otherwise)."""
    action = AuditAction(action)
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
