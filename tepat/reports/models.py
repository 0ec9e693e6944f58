"""The parts of a report a person writes (problems, recommendations), kept per report kind and period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    LP2KD = "lp2kd", _("LP2KD (laporan tahunan)")
    PERIODIC = "periodik", _("Laporan percepatan penghapusan kemiskinan ekstrem")


class WrittenSection(models.TextChoices):
    PROBLEMS = "permasalahan", _("Permasalahan dan kendala")
    RECOMMENDATIONS = "rekomendasi", _("Rekomendasi dan rencana tindak lanjut")


class ReportText(models.Model):
    """Free text for one section of one report; the latest row wins, earlier ones stay as history."""

    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    period = models.CharField(_("periode"), max_length=10)
    section = models.CharField(max_length=20, choices=WrittenSection.choices)
    text = models.TextField(_("isi"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["kind", "period", "section"])]
