"""One row per long job: what it is, who asked, which process runs it, and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("impor registri")
    REALISASI = "realisasi", _("impor realisasi")
    ODK = "odk", _("kiriman ODK")
    BOUNDARIES = "boundaries", _("batas wilayah")
    EXPORT = "export", _("unduhan")
    SNAPSHOT = "snapshot", _("snapshot registri")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("berjalan")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class Job(models.Model):
    kind = models.CharField(max_length=16, choices=JobKind.choices)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)  # what the kind's function is called with
    batch = models.ForeignKey(
        "registry.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)  # the django-tasks result id, when queued through a worker
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    pid_started = models.BigIntegerField(
        null=True, blank=True
    )  # the process's start time (/proc), so a reused pid is not mistaken
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
