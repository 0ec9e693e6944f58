"""Who is who: scored pairs of registry records, the reviewers' decisions, and the identities the
confirmed links form. Source records are never changed by a cross-source link."""

from __future__ import annotations

from django.conf import settings as conf
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PairKind(models.TextChoices):
    DUPLICATE = "duplicate", _("ganda dalam satu sumber")
    CROSS_SOURCE = "cross_source", _("orang yang sama di P3KE dan DTSEN")
    FAMILY = "family", _("keluarga yang sama di P3KE dan DTSEN")
    REALISASI = "realisasi", _("penerima realisasi")


class PairMethod(models.TextChoices):
    NIK = "nik", _("NIK sama")
    PROBABILISTIC = "probabilistic", _("probabilistik")


class PairStatus(models.TextChoices):
    PENDING = "pending", _("menunggu tinjauan")
    LINKED = "linked", _("orang yang sama")
    REJECTED = "rejected", _("orang berbeda")
    UNSURE = "unsure", _("belum yakin")


class Decision(models.TextChoices):
    SAME = "same", _("Orang yang sama")
    DIFFERENT = "different", _("Orang berbeda")
    UNSURE = "unsure", _("Belum yakin")
    UNDO = "undo", _("Batalkan keputusan")
    AUTO = "auto", _("Ditautkan otomatis (NIK sama)")


DECISION_STATUS = {
    Decision.SAME: PairStatus.LINKED,
    Decision.DIFFERENT: PairStatus.REJECTED,
    Decision.UNSURE: PairStatus.UNSURE,
    Decision.UNDO: PairStatus.PENDING,
    Decision.AUTO: PairStatus.LINKED,
}


class LinkageModel(models.Model):
    """One trained model (splink settings with m/u), versioned: every run trains and stores one."""

    version = models.PositiveIntegerField(unique=True)
    settings = models.JSONField()
    stats = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        conf.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]


class Pair(models.Model):
    """Two records that may be one person (or one family). `weights`: {comparison: match weight}."""

    key = models.CharField(max_length=60, unique=True, help_text="kind:left:right")
    kind = models.CharField(max_length=15, choices=PairKind.choices)
    method = models.CharField(max_length=15, choices=PairMethod.choices)
    probability = models.FloatField()
    match_weight = models.FloatField(default=0)
    weights = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING)
    auto = models.BooleanField(
        default=False, help_text=_("Ditautkan otomatis (NIK sama, peluang di atas ambang atas).")
    )
    left_member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    right_member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    left_family = models.ForeignKey(
        "registry.Family", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # null for a realisasi pair: its left record is `recipient`
    right_family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "programs.HeldRecipient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Baris realisasi yang belum cocok (pasangan jenis realisasi)."),
    )
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="pairs")
    deactivated = models.ForeignKey(
        "registry.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Anggota yang dinonaktifkan karena ganda (dapat dipulihkan)."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        conf.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.key


class PairDecision(models.Model):
    """The history of a pair: every decision, who, when, why, before and after."""

    pair = models.ForeignKey(Pair, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    before = models.CharField(max_length=10, choices=PairStatus.choices)
    after = models.CharField(max_length=10, choices=PairStatus.choices)
    reason = models.CharField(max_length=255)
    user = models.ForeignKey(conf.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    change = models.ForeignKey(
        "registry.Change",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Riwayat registri: penonaktifan atau pemulihan anggota ganda."),
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]


class IdentityMember(models.Model):
    """A member's identity: the smallest member id of its group of confirmed links (recomputed)."""

    member = models.OneToOneField("registry.Member", on_delete=models.PROTECT, related_name="+")
    identity = models.BigIntegerField(db_index=True)
