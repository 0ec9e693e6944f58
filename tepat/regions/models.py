"""The region master: Kemendagri codes (the key), BPS codes (nullable), hierarchy and population."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABKOTA = "kabkota", _("Kabupaten/Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan/Desa")


class Region(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    bps_code = models.CharField(_("kode BPS"), max_length=10, null=True, blank=True, unique=True)
    population = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    population_source = models.CharField(_("sumber data penduduk"), max_length=120, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def digits(self) -> str:
        """The code without dots, as it appears in NIKs and in P3KE's Kode Kemendagri."""
        return self.code.replace(".", "")
