"""Uploaded kelurahan boundaries (GeoJSON polygons), one set per upload; the latest set is the map's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BoundarySet(models.Model):
    """One accepted upload: who, when, from which file; `synthetic` marks the demo's made-up boundaries."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now, db_index=True)
    file_name = models.CharField(_("berkas"), max_length=200)
    source = models.CharField(
        _("sumber"), max_length=300, help_text=_("Asal batas wilayah, mis. BIG / BPS / Bappeda, tahun.")
    )
    synthetic = models.BooleanField(_("sintetis"), default=False)
    code_property = models.CharField(_("properti kode"), max_length=100)
    code_kind = models.CharField(_("jenis kode"), max_length=20)
    warnings = models.JSONField(default=list, blank=True)  # "<id> / <en>" texts, e.g. kelurahan without a polygon

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d})"

    @classmethod
    def current(cls) -> BoundarySet | None:
        """The set the maps use: the latest upload."""
        return cls.objects.order_by("-uploaded_at", "-id").first()


class Boundary(models.Model):
    boundary_set = models.ForeignKey(BoundarySet, on_delete=models.CASCADE, related_name="boundaries")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    geometry = models.TextField(_("geometri (GeoJSON, WGS84)"))

    class Meta:
        ordering = ["region__code"]
        constraints = [models.UniqueConstraint(fields=["boundary_set", "region"], name="boundary_unique_region")]
