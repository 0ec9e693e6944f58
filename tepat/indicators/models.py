"""Official (macro) figures by region and year, targets as data with their legal basis, and snapshots
of the registry's aggregated indicators (registry counts, not survey estimates)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    """The columns of a BPS-style table (docs/indikator.md); the value is the import column name's key."""

    POPULATION = "penduduk", _("Jumlah penduduk (jiwa)")
    POOR_COUNT = "jumlah_miskin", _("Jumlah penduduk miskin (jiwa)")
    POVERTY_PCT = "poverty_pct", _("Persentase penduduk miskin (%)")
    P1 = "p1", _("Indeks kedalaman kemiskinan (P1)")
    P2 = "p2", _("Indeks keparahan kemiskinan (P2)")
    POVERTY_LINE = "garis_kemiskinan", _("Garis kemiskinan (Rp/kapita/bulan)")
    EXTREME_COUNT = "jumlah_miskin_ekstrem", _("Jumlah penduduk miskin ekstrem (jiwa)")
    EXTREME_PCT = "extreme_pct", _("Persentase penduduk miskin ekstrem (%)")
    GINI = "gini", _("Rasio Gini")


# Indicators measured against a PPP basis: every value must carry one, and a series never mixes two.
PPP_INDICATORS = frozenset({Indicator.EXTREME_COUNT, Indicator.EXTREME_PCT})
PERCENT_INDICATORS = frozenset({Indicator.POVERTY_PCT, Indicator.EXTREME_PCT})


class Observation(models.Model):
    """One published value, with its source. `region` empty = Indonesia (the nation has no Kemendagri
    code in the region master). Extreme-poverty values carry their PPP basis."""

    indicator = models.CharField(_("indikator"), max_length=24, choices=Indicator.choices)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="observations"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.DecimalField(_("nilai"), max_digits=18, decimal_places=4)
    ppp_basis = models.CharField(_("dasar PPP"), max_length=30, blank=True)
    source = models.CharField(_("sumber"), max_length=200)
    synthetic = models.BooleanField(_("sintetis (contoh, bukan angka resmi)"), default=False)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "region", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year", "ppp_basis"], name="observation_unique")
        ]

    @property
    def region_name(self) -> str:
        return self.region.name if self.region_id else "Indonesia"

    @property
    def shown_value(self) -> str:
        """The value as written, without trailing zeros (186150, 12.21, 0.385)."""
        return format(self.value.normalize(), "f")


class IndicatorTarget(models.Model):
    indicator = models.CharField(_("indikator"), max_length=24, choices=Indicator.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="indicator_targets")
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.DecimalField(_("target"), max_digits=7, decimal_places=2)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)

    class Meta:
        ordering = ["indicator", "year"]


class RegistrySnapshot(models.Model):
    """The registry's aggregated indicators at one moment (counts per region, no personal data):
    compared later, e.g. before and after verivali. `data` is tepat.indicators.registry.snapshot_data()."""

    label = models.CharField(_("label"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registry_state = models.JSONField(default=dict)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.label}"
