"""Coordination meetings (rakor TKPKD and others), who was invited and came, decisions and action items.

Action items are the follow-up of decisions: an owner OPD, a due date, a status, progress notes with
evidence. An item still open when the next meeting is created is linked to it (`carried_to`), so the
next agenda lists it under "Tindak lanjut hasil rapat sebelumnya".
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


class MeetingType(models.TextChoices):
    RAKOR = "rakor", _("Rapat Koordinasi TKPKD")
    TEKNIS = "teknis", _("Rapat Teknis")
    FGD = "fgd", _("Focus Group Discussion (FGD)")
    MUSYAWARAH = "musyawarah", _("Musyawarah")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    HELD = "held", _("Terlaksana")
    CANCELLED = "cancelled", _("Dibatalkan")  # kept with its reason, never counted


class Meeting(models.Model):
    type = models.CharField(_("jenis rapat"), max_length=12, choices=MeetingType.choices, default=MeetingType.RAKOR)
    title = models.CharField(_("judul"), max_length=200)
    date = models.DateField(_("tanggal"), db_index=True)
    start_time = models.TimeField(_("jam mulai"))
    end_time = models.TimeField(_("jam selesai"), null=True, blank=True, help_text=_("Kosong: sampai selesai."))
    place = models.CharField(_("tempat"), max_length=200)
    chair = models.CharField(
        _("pimpinan rapat"), max_length=200, help_text=_("Nama dan jabatan, mis. Asisten Administrasi Umum.")
    )
    agenda = models.TextField(_("acara"), help_text=_("Satu butir acara per baris."))
    minutes = models.TextField(_("notulen"), blank=True)
    letter_number = models.CharField(
        _("nomor surat undangan"),
        max_length=80,
        blank=True,
        help_text=_("Kosong: dicetak dengan ruang untuk nomor agenda."),
    )
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-start_time"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d-%m-%Y})"

    def agenda_items(self) -> list[str]:
        """The agenda as typed, one item per non-empty line (leading numbering and bullets removed)."""
        items = (line.strip().lstrip("-•*").strip() for line in self.agenda.splitlines())
        return [_strip_number(item) for item in items if item]

    def carried_items_in_order(self):
        return self.carried_items.select_related("owner", "meeting").order_by("due", "pk")

    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def ordinal(self) -> int:
        """1 for the year's first meeting of this type (by date), 2 for the second ..."""
        earlier = (
            Meeting.objects.filter(type=self.type, date__year=self.date.year)
            .exclude(status=MeetingStatus.CANCELLED)
            .filter(Q(date__lt=self.date) | Q(date=self.date, pk__lt=self.pk))
        )
        return earlier.count() + 1

    def attendance(self) -> tuple[int, int]:
        """(present, invited)."""
        participants = list(self.participants.values_list("attended", flat=True))
        return sum(1 for a in participants if a), len(participants)


def _strip_number(item: str) -> str:
    head, dot, rest = item.partition(".")
    return rest.strip() if dot and head.strip().isdigit() and rest.strip() else item


def roman(number: int) -> str:
    return ROMAN[number - 1] if 0 < number <= len(ROMAN) else str(number)


class ParticipantKind(models.TextChoices):
    OPD = "opd", _("OPD")
    REGION = "region", _("Camat / Lurah")
    GUEST = "guest", _("Narasumber / undangan lain")


class Participant(models.Model):
    """One invitation: an OPD, the camat or lurah of a region, or a named guest (e.g. BPS's statistician)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("jenis"), max_length=8, choices=ParticipantKind.choices)
    opd = models.ForeignKey("accounts.Opd", null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(_("nama"), max_length=200, blank=True)
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    institution = models.CharField(_("instansi"), max_length=200, blank=True)
    is_speaker = models.BooleanField(_("narasumber"), default=False)
    attended = models.BooleanField(_("hadir"), null=True, blank=True, help_text=_("Kosong: belum dicatat."))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="participant_one_invitee",
                condition=(
                    Q(kind="opd", opd__isnull=False, region__isnull=True)
                    | Q(kind="region", region__isnull=False, opd__isnull=True)
                    | (Q(kind="guest", opd__isnull=True, region__isnull=True) & ~Q(institution=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        """How the invitee is named on the invitation and the attendance list."""
        if self.kind == ParticipantKind.OPD:
            return self.opd.name
        if self.kind == ParticipantKind.REGION:
            return f"{self.region_title()} {self.region.name}"
        return self.institution

    def region_title(self) -> str:
        return "Camat" if self.region.level == "kecamatan" else "Lurah"

    def attendance_label(self) -> str:
        return {True: _("hadir"), False: _("tidak hadir"), None: _("belum dicatat")}[self.attended]


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveIntegerField(_("nomor"))
    text = models.TextField(_("keputusan / kesepakatan"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Belum dimulai")
    IN_PROGRESS = "in_progress", _("Sedang berjalan")
    DONE = "done", _("Selesai")
    DROPPED = "dropped", _("Dibatalkan")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItemQuerySet(models.QuerySet):
    def still_open(self) -> ActionItemQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None) -> ActionItemQuerySet:
        return self.still_open().filter(due__lt=today or timezone.localdate())


class ActionItem(models.Model):
    """Something an OPD must do by a date, agreed in a meeting (usually under one of its decisions)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items")
    what = models.TextField(_("tindak lanjut"))
    owner = models.ForeignKey(
        "accounts.Opd", on_delete=models.PROTECT, related_name="action_items", verbose_name=_("OPD penanggung jawab")
    )
    due = models.DateField(_("batas waktu"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closing_note = models.TextField(_("catatan penutupan"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    carried_to = models.ManyToManyField(
        Meeting,
        blank=True,
        related_name="carried_items",
        help_text=_("Rapat berikutnya yang membahas butir ini karena belum selesai."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.what

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        """The due date has passed and the item is neither done nor dropped."""
        return self.is_open() and self.due < (today or timezone.localdate())

    def days_overdue(self, today: date | None = None) -> int:
        return max(0, ((today or timezone.localdate()) - self.due).days) if self.is_open() else 0


class ActionProgress(models.Model):
    """A progress report on an action item, optionally with an evidence file under TEPAT_HOME/meetings."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="progress")
    note = models.TextField(_("perkembangan"))
    evidence_name = models.CharField(_("nama berkas bukti"), max_length=200, blank=True)
    evidence_path = models.CharField(max_length=300, blank=True, help_text="relative to TEPAT_HOME/meetings")
    status_after = models.CharField(_("status sesudahnya"), max_length=12, choices=ActionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
