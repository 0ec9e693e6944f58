"""Verivali: campaigns, who visits which family, what the visit found, and the kelurahan's decision on it.

Nothing here changes the registry. A visit becomes a ChangeRequest (current vs proposed, line by line);
only `tepat.verivali.actions.do_decide_change_request` applies an approved request to the registry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tepat.accounts.models import AuditAction


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("disiapkan")
    ACTIVE = "active", _("berjalan")
    CLOSED = "closed", _("selesai")


class Keberadaan(models.TextChoices):
    """What the enumerator found, for the family and for each member (P3KE muskel reasons)."""

    TERKONFIRMASI = "terkonfirmasi", _("terkonfirmasi")
    TIDAK_DITEMUKAN = "tidak_ditemukan", _("tidak ditemukan")
    PINDAH = "pindah", _("pindah domisili")
    MENINGGAL = "meninggal", _("meninggal")
    GANDA = "ganda", _("ganda (duplikat)")
    SUDAH_MAMPU = "sudah_mampu", _("sudah mampu")
    LAINNYA = "lainnya", _("lainnya")


# Keberadaan values that take a family or member off the active registry when the request is approved.
DEACTIVATING = frozenset(
    {
        Keberadaan.TIDAK_DITEMUKAN,
        Keberadaan.PINDAH,
        Keberadaan.MENINGGAL,
        Keberadaan.GANDA,
        Keberadaan.SUDAH_MAMPU,
    }
)


class VisitSource(models.TextChoices):
    WEB = "web", _("formulir web")
    ODK = "odk", "ODK Central"
    KOBO = "kobo", "KoboToolbox"


class PhotoKind(models.TextChoices):
    DEPAN_RUMAH = "depan_rumah", _("tampak depan rumah")
    ATAP = "atap", _("atap")
    LANTAI = "lantai", _("lantai")
    DINDING = "dinding", _("dinding")
    JAMBAN = "jamban", _("jamban / toilet")
    KARTU_KELUARGA = "kartu_keluarga", _("kartu keluarga")


class RequestKind(models.TextChoices):
    UPDATE = "update", _("perbaikan data")
    PROPOSAL = "proposal", _("usulan baru")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("menunggu musyawarah")
    APPROVED = "approved", _("disetujui")
    REJECTED = "rejected", _("ditolak")
    CONFLICT = "conflict", _("bertentangan")


class ReviewFlag(models.TextChoices):
    """What the server's reviewer said, when the visit is still taken (ODK Central ReviewState, Kobo _validation_status)."""

    NONE = "", _("belum ditinjau")
    HAS_ISSUES = "has_issues", _("ada masalah (ODK Central)")
    ON_HOLD = "on_hold", _("ditahan (KoboToolbox)")
    REJECTED = "rejected", _("ditolak peninjau server, tetap dimasukkan")


class RevisionOutcome(models.TextChoices):
    REPLACED = "replaced", _("usulan yang menunggu diganti")
    AFTER_DECISION = "after_decision", _("diubah setelah diputuskan: usulan tidak diubah")


class LineTarget(models.TextChoices):
    FAMILY = "family", _("keluarga")
    MEMBER = "member", _("anggota")
    NEW_MEMBER = "new_member", _("anggota baru")


VerivaliAudit = AuditAction  # the verivali part of the one audit vocabulary (accounts.AuditAction), old name


class Campaign(models.Model):
    """A verification round: a period, the kelurahan it covers and the families chosen for it."""

    name = models.CharField(_("nama"), max_length=200)
    period_start = models.DateField(_("mulai"))
    period_end = models.DateField(_("selesai"))
    kelurahan = models.ManyToManyField("regions.Region", related_name="verivali_campaigns", verbose_name=_("kelurahan"))
    max_desil = models.PositiveSmallIntegerField(
        _("desil tertinggi"),
        null=True,
        blank=True,
        help_text=_("Keluarga aktif sampai desil ini diikutkan; kosong = semua."),
    )
    selection = models.TextField(
        _("keluarga yang dipilih"),
        blank=True,
        help_text=_("Uraian pemilihan keluarga, mis. 'desil 1-2' atau filter registri yang dipakai."),
    )
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError(
                {"period_end": _("Tanggal selesai sebelum tanggal mulai / the end date is before the start date.")}
            )

    def accepts_visits(self) -> bool:
        return self.status == CampaignStatus.ACTIVE


class CampaignFamily(models.Model):
    """A family in a campaign and its current enumerator (history in CampaignAssignment)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="families")
    family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, related_name="verivali_campaigns")
    enumerator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="verivali_families"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "family"], name="vv_campaign_family")]
        indexes = [models.Index(fields=["campaign", "enumerator"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.family_id}"


class CampaignAssignment(models.Model):
    """One stint of one enumerator on one campaign family; a reassignment ends it and starts another."""

    campaign_family = models.ForeignKey(CampaignFamily, on_delete=models.CASCADE, related_name="assignments")
    enumerator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("alasan"), max_length=255, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_family"], condition=Q(ended_at__isnull=True), name="vv_one_open_assignment"
            )
        ]


class Musyawarah(models.Model):
    """A kelurahan meeting (musyawarah kelurahan) that decided change requests; the berita acara lists them."""

    kelurahan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200)
    attendees = models.TextField(_("peserta"), help_text=_("Satu nama (dan jabatan) per baris."))
    notes = models.TextField(_("catatan"), blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Musyawarah {self.kelurahan.name} {self.held_on:%d-%m-%Y}"

    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class Visit(models.Model):
    """What one enumerator recorded at one family (or a proposed new family), as submitted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="visits")
    family = models.ForeignKey(
        "registry.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="verivali_visits"
    )
    kelurahan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    enumerator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verivali_visits")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = models.CharField(max_length=120)
    source = models.CharField(_("sumber"), max_length=6, choices=VisitSource.choices)
    raw = models.JSONField(_("kiriman asli"), default=dict, blank=True)
    payload = models.JSONField(default=dict, blank=True, help_text="the normalised payload, photos by name only")
    started_version = models.PositiveIntegerField(null=True, blank=True)
    keberadaan = models.CharField(_("keberadaan"), max_length=16, choices=Keberadaan.choices)
    keterangan = models.CharField(_("keterangan"), max_length=255, blank=True)
    memenuhi_kriteria = models.BooleanField(_("memenuhi kriteria"))
    alasan = models.CharField(_("alasan"), max_length=255, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    gps_accuracy = models.FloatField(null=True, blank=True)
    checklist = models.JSONField(_("daftar periksa"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    received_at = models.DateTimeField(default=timezone.now)
    instance_id = models.CharField(
        max_length=120,
        blank=True,
        db_index=True,
        help_text="the current version's instanceID (ODK meta-instanceID, Kobo _uuid)",
    )
    review_flag = models.CharField(
        _("tinjauan server"), max_length=12, choices=ReviewFlag.choices, blank=True, default=""
    )
    edits = models.PositiveSmallIntegerField(_("jumlah perubahan di server"), default=0)
    edited_after_decision = models.BooleanField(_("diubah setelah diputuskan"), default=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "submission_key"], name="vv_submission_key")]

    def __str__(self) -> str:
        return f"Kunjungan #{self.pk}"

    def is_proposal(self) -> bool:
        return self.family_id is None


class VisitRevision(models.Model):
    """An edit of an ingested submission on the server (ODK Central `Edits`, a new Kobo `_uuid`): before and after."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="revisions")
    instance_id = models.CharField(max_length=120, db_index=True)
    previous_instance_id = models.CharField(max_length=120, blank=True)
    before = models.JSONField(default=dict)  # the visit's payload and raw row before the edit
    after = models.JSONField(default=dict)  # the edited payload and raw row
    outcome = models.CharField(max_length=16, choices=RevisionOutcome.choices)
    request_status = models.CharField(max_length=10, blank=True, help_text="the request's status when the edit arrived")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]

    def changed_parts(self) -> list[str]:
        """The payload parts the edit changed (names only: a corrected NIK is not shown here)."""
        before, after = self.before.get("payload") or {}, self.after.get("payload") or {}
        skip = {"submission_key", "submitted_at"}
        return [key for key in after if key not in skip and before.get(key) != after.get(key)]


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("jenis"), max_length=16, choices=PhotoKind.choices)
    path = models.CharField(max_length=500, help_text="relative to TEPAT_HOME")
    original_name = models.CharField(max_length=255, blank=True)
    image_format = models.CharField(max_length=10)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["kind", "id"]

    def absolute_path(self):
        return settings.TEPAT_HOME / self.path


class ChangeRequest(models.Model):
    """A visit's result waiting for the musyawarah: one per visit, one line per proposed change."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="change_request")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="change_requests")
    family = models.ForeignKey(
        "registry.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="verivali_requests"
    )
    kelurahan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    family_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="Family.version the proposal is based on"
    )
    conflict_with = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    conflict_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("alasan keputusan"), max_length=255, blank=True)
    musyawarah = models.ForeignKey(
        Musyawarah, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    created_family = models.ForeignKey(
        "registry.Family",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the family an approved usulan baru created",
    )
    applied = models.ManyToManyField("registry.Change", blank=True, related_name="+")
    handback = models.ForeignKey(
        "HandBack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="the hand-back to the central data that carried this approved change",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kelurahan", "status"]), models.Index(fields=["family", "status"])]

    def __str__(self) -> str:
        return f"Usulan #{self.pk}"

    def is_open(self) -> bool:
        return self.status in (RequestStatus.PENDING, RequestStatus.CONFLICT)

    def conflicting_requests(self) -> models.QuerySet[ChangeRequest]:
        """The later open requests that were marked conflict because of this one (same family and field):
        they wait for this one to be decided. One query; empty for a request nobody collided with."""
        return conflicting_with([self])


def conflicting_with(requests) -> models.QuerySet[ChangeRequest]:
    """The open requests marked conflict because of any of `requests`, oldest first (one query for a whole page)."""
    return (
        ChangeRequest.objects.filter(
            conflict_with__in=requests, status__in=(RequestStatus.PENDING, RequestStatus.CONFLICT)
        )
        .select_related("visit__enumerator")
        .order_by("created_at", "id")
    )


class ChangeLine(models.Model):
    """One proposed change: a family field, a member field, a member (de)activation or a new member's field.

    `current` is the registry value when the request was made (None for new records); approval refuses
    when the registry no longer holds it.
    """

    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="lines")
    target = models.CharField(max_length=10, choices=LineTarget.choices)
    member = models.ForeignKey("registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_member_index = models.PositiveSmallIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60)
    current = models.JSONField(null=True, blank=True)
    proposed = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]

    def key(self) -> tuple:
        """What two requests must share to collide: the same record and field."""
        return (self.target, self.member_id, self.field)


class HandBack(models.Model):
    """Approved changes sent back to the central data (DTSEN update via the Kemensos channel, SIKS-NG), as the
    analyst recorded it: when, through which channel, which requests."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="handbacks")
    sent_on = models.DateField(_("tanggal dikirim"))
    channel = models.CharField(
        _("saluran"), max_length=120, help_text=_("mis. SIKS-NG, surat ke Dinas Sosial Provinsi")
    )
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.sent_on:%d-%m-%Y} {self.channel}"
