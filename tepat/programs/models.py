"""The program catalogue (three strategies, responsible OPD, funding, unit cost) and versioned eligibility rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Strategy(models.TextChoices):
    KURANGI_BEBAN = "kurangi_beban", _("Kurangi beban pengeluaran")
    TINGKATKAN_PENDAPATAN = "tingkatkan_pendapatan", _("Tingkatkan pendapatan")
    KURANGI_KANTONG = "kurangi_kantong", _("Kurangi kantong kemiskinan")


class Funding(models.TextChoices):
    APBN = "apbn", "APBN"
    APBD_PROVINSI = "apbd_provinsi", _("APBD provinsi")
    APBD_KOTA = "apbd_kota", _("APBD kota")
    DANA_KELURAHAN = "dana_kelurahan", _("Dana kelurahan")
    CSR = "csr", "CSR"


class Unit(models.TextChoices):
    FAMILY = "family", _("keluarga")
    PERSON = "person", _("orang")


class Program(models.Model):
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    strategy = models.CharField(_("strategi"), max_length=30, choices=Strategy.choices)
    opd = models.ForeignKey(
        "accounts.Opd", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("OPD penanggung jawab")
    )
    funding = models.CharField(_("sumber dana"), max_length=20, choices=Funding.choices)
    unit = models.CharField(_("satuan"), max_length=10, choices=Unit.choices, default=Unit.FAMILY)
    unit_cost = models.DecimalField(_("biaya satuan (Rp)"), max_digits=14, decimal_places=0, default=0)
    year = models.PositiveSmallIntegerField(_("tahun"))
    deprivations = models.JSONField(_("deprivasi yang ditangani"), default=list, blank=True)
    max_desil = models.PositiveSmallIntegerField(
        _("desil tertinggi yang boleh menerima"),
        null=True,
        blank=True,
        help_text=_("Penerima di atas desil ini dihitung sebagai kesalahan inklusi."),
    )
    description = models.TextField(_("keterangan"), blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["strategy", "code"]

    def __str__(self) -> str:
        return self.name

    def current_rule(self) -> RuleVersion | None:
        """The latest version. Reads `prefetch_related("rules")` when the caller made it (no query per program)."""
        return max(self.rules.all(), key=lambda rule: rule.version, default=None)


class RuleVersion(models.Model):
    """One version of a program's eligibility rule. Versions are never edited: a change is a new version."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="rules")
    version = models.PositiveIntegerField()
    text = models.TextField(_("aturan"))
    reason = models.CharField(_("alasan perubahan"), max_length=255)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "version"], name="rule_program_version")]
        ordering = ["program", "-version"]


class TargetList(models.Model):
    """A frozen list of eligible families for a program: the rule version, the data state, who and when."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="target_lists")
    rule = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField(_("kuota keluarga"), null=True, blank=True)
    budget = models.DecimalField(_("anggaran (Rp)"), max_digits=16, decimal_places=0, null=True, blank=True)
    per_kecamatan = models.BooleanField(_("kuota per kecamatan"), default=False)
    priority = models.TextField(
        _("prioritaskan (aturan)"), blank=True, help_text=_("Keluarga yang memenuhi aturan ini didahulukan.")
    )
    eligible = models.PositiveIntegerField(_("keluarga memenuhi aturan"))
    registry_state = models.JSONField(_("keadaan data saat dibekukan"), default=dict)
    reference_date = models.DateField(_("tanggal acuan umur"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.program.name} ({self.created_at:%d-%m-%Y %H:%M})"


class TargetEntry(models.Model):
    target_list = models.ForeignKey(TargetList, on_delete=models.PROTECT, related_name="entries")
    family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(_("peringkat"))
    deprivations = models.PositiveSmallIntegerField(_("jumlah deprivasi"))
    reasons = models.JSONField(_("syarat yang terpenuhi"), default=list)

    class Meta:
        ordering = ["target_list", "rank"]
        constraints = [models.UniqueConstraint(fields=["target_list", "family"], name="target_entry_family")]


class InterventionStatus(models.TextChoices):
    DELIVERED = "tersalur", _("tersalur")
    PLANNED = "direncanakan", _("direncanakan")
    CANCELLED = "dibatalkan", _("dibatalkan")


class InterventionSource(models.TextChoices):
    FORM = "form", _("formulir")
    IMPORT = "import", _("impor berkas")


class Intervention(models.Model):
    """Assistance an OPD delivered (realisasi) to a family or a person. Never deleted: cancel with a status."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="interventions")
    family = models.ForeignKey("registry.Family", on_delete=models.PROTECT, related_name="interventions")
    member = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    date = models.DateField(_("tanggal"))
    amount = models.DecimalField(_("nilai (Rp)"), max_digits=14, decimal_places=0, default=0)
    units = models.DecimalField(_("jumlah satuan"), max_digits=10, decimal_places=2, default=1)
    status = models.CharField(
        _("status"), max_length=15, choices=InterventionStatus.choices, default=InterventionStatus.DELIVERED
    )
    source = models.CharField(max_length=10, choices=InterventionSource.choices)
    file_name = models.CharField(max_length=255, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True, help_text=_("Baris di berkas impor."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["program", "family"])]


class HeldRecipient(models.Model):
    """A realisasi row whose NIK / No KK matched no single registry family (unknown, ambiguous or
    missing): kept so the linkage (tepat.linkage) can propose candidates by name, birth date and
    kelurahan, and written as an Intervention once a confirmed link resolves it. Never deleted."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("tanggal"))
    amount = models.DecimalField(_("nilai (Rp)"), max_digits=14, decimal_places=0, default=0)
    units = models.DecimalField(_("jumlah satuan"), max_digits=10, decimal_places=2, default=1)
    status = models.CharField(_("status"), max_length=15, choices=InterventionStatus.choices)
    nik = models.CharField("NIK", max_length=32, blank=True)
    no_kk = models.CharField("No KK", max_length=32, blank=True)
    nama = models.CharField(_("nama"), max_length=200, blank=True)
    tanggal_lahir = models.DateField(_("tanggal lahir"), null=True, blank=True)
    kelurahan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=30, help_text=_("Kode masalah identitas (nik_unknown, nik_ambiguous, ...)."))
    file_name = models.CharField(max_length=255, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)
    intervention = models.OneToOneField(
        Intervention, null=True, blank=True, on_delete=models.PROTECT, related_name="held_from"
    )

    class Meta:
        ordering = ["id"]
