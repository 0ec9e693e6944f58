"""Official (macro) poverty figures by region and year, and targets as data with their legal basis."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    POVERTY_PCT = "poverty_pct", _("Persentase penduduk miskin (%)")
    EXTREME_PCT = "extreme_pct", _("Persentase penduduk miskin ekstrem (%)")


class Observation(models.Model):
    """One published value, with its source; extreme-poverty values carry their PPP basis."""

    indicator = models.CharField(_("indikator"), max_length=20, choices=Indicator.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="observations")
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.DecimalField(_("nilai"), max_digits=7, decimal_places=2)
    ppp_basis = models.CharField(_("dasar PPP"), max_length=30, blank=True)
    source = models.CharField(_("sumber"), max_length=200)

    class Meta:
        ordering = ["indicator", "region", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "region", "year", "ppp_basis"], name="observation_unique")]


class IndicatorTarget(models.Model):
    indicator = models.CharField(_("indikator"), max_length=20, choices=Indicator.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="indicator_targets")
    year = models.PositiveSmallIntegerField(_("tahun"))
    value = models.DecimalField(_("target"), max_digits=7, decimal_places=2)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)

    class Meta:
        ordering = ["indicator", "year"]
