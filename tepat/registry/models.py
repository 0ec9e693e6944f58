"""Families (keluarga) and members (anggota), independent of the file they came from, with history.

Field names follow the P3KE column names in snake_case so that users recognise them in rules.
Categorical values are kept as given (text); values outside their domain are reported at import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Source(models.TextChoices):
    P3KE = "p3ke", "P3KE"
    DTSEN = "dtsen", "DTSEN"
    VERIVALI = "verivali", _("Usulan verivali")


class DesilScale(models.TextChoices):
    P3KE = "p3ke", _("P3KE (1-4)")
    DTSEN_NASIONAL = "dtsen-nasional", _("DTSEN nasional (1-10)")
    DTSEN_PROVINSI = "dtsen-provinsi", _("DTSEN provinsi (1-10)")
    DTSEN_KABKOTA = "dtsen-kabkota", _("DTSEN kab/kota (1-10)")


def _text(label: str, size: int = 80) -> models.CharField:
    return models.CharField(label, max_length=size, blank=True, default="")


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("berjalan")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")
    HELD = "held", _("menunggu konfirmasi")  # nothing kept: too many families would be marked missing

    @classmethod
    def settled(cls) -> tuple[str, ...]:
        """Statuses in which nothing more happens without a person."""
        return (cls.DONE, cls.FAILED, cls.HELD)


class ImportBatch(models.Model):
    """One import of one file: who, when, what file, and the report."""

    format = models.CharField(_("format"), max_length=20, blank=True)
    requested_format = models.CharField(max_length=20, default="auto")
    file_name = models.CharField(_("nama berkas"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    dry_run = models.BooleanField(default=False)
    export_date = models.DateField(_("tanggal ekspor sumber"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    progress = models.PositiveIntegerField(default=0, help_text="0-100")
    stage = models.CharField(max_length=80, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    allow_missing = models.BooleanField(
        _("boleh menandai banyak keluarga tidak ada lagi"),
        default=False,
        help_text=_("Dikonfirmasi pengguna: impor boleh menandai lebih dari ambang keluarga sebagai tidak ada lagi."),
    )
    registry_mark = models.JSONField(
        default=dict, blank=True, help_text="registry state when the import finished (same-file shortcut)"
    )
    reverted_at = models.DateTimeField(pgettext_lazy("import", "dibatalkan pada"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revert_reason = models.CharField(pgettext_lazy("import", "alasan pembatalan"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def is_finished(self) -> bool:
        """Nothing runs: done, failed, or held for a confirmation (the progress bar stops polling)."""
        return self.status in BatchStatus.settled()

    def is_held(self) -> bool:
        return self.status == BatchStatus.HELD

    def is_revertible(self) -> bool:
        """A written import not yet reverted (whether later changes block it is asked of do_revert_batch)."""
        return self.status == BatchStatus.DONE and not self.dry_run and self.reverted_at is None


# The links from a record to the imports that wrote it, created it and found it missing. Django keeps them (PROTECT:
# an import with records cannot be deleted) but the database does not check them: a million-family import would
# otherwise check three links per row at commit (about a fifth of its time on PostgreSQL), and the one writer
# (tepat.registry.writer) only ever writes the id of the import it runs, in the same transaction.
IMPORT_LINK = {"null": True, "blank": True, "on_delete": models.PROTECT, "db_constraint": False}


class Family(models.Model):
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    source_key = models.CharField(_("kunci sumber"), max_length=40)
    id_keluarga_p3ke = _text(_("ID Keluarga P3KE"), 40)
    no_kk = _text(_("No KK"), 16)
    export_date = models.DateField(_("tanggal ekspor"), null=True, blank=True)
    # The import links (batch, first_batch, missing_since) are checked by Django, not by the database: see
    # IMPORT_LINK below.
    batch = models.ForeignKey(ImportBatch, related_name="families", **IMPORT_LINK)
    first_batch = models.ForeignKey(
        ImportBatch, related_name="+", db_index=False, help_text=_("Impor yang membuat catatan ini."), **IMPORT_LINK
    )
    kelurahan = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="families")
    alamat = _text(_("alamat"), 255)
    rt = _text("RT", 5)
    rw = _text("RW", 5)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    kepala_keluarga = _text(_("kepala keluarga"), 120)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True, db_index=True)
    desil_skala = models.CharField(_("skala desil"), max_length=16, choices=DesilScale.choices, blank=True)
    desil_nasional = models.PositiveSmallIntegerField(null=True, blank=True)
    desil_provinsi = models.PositiveSmallIntegerField(null=True, blank=True)
    desil_kabupaten_kota = models.PositiveSmallIntegerField(null=True, blank=True)
    kepemilikan_rumah = _text(_("kepemilikan rumah"))
    memiliki_simpanan = _text(_("memiliki simpanan"))
    jenis_atap = _text(_("jenis atap"))
    jenis_dinding = _text(_("jenis dinding"))
    jenis_lantai = _text(_("jenis lantai"))
    luas_lantai = models.FloatField(null=True, blank=True)
    sumber_penerangan = _text(_("sumber penerangan"))
    daya_listrik = _text(_("daya listrik terpasang"), 20)
    bahan_bakar_memasak = _text(_("bahan bakar memasak"))
    sumber_air_minum = _text(_("sumber air minum"))
    fasilitas_bab = _text(_("fasilitas BAB"))
    penerima_bpnt = _text(_("penerima BPNT"), 10)
    penerima_bpum = _text(_("penerima BPUM"), 10)
    penerima_bst = _text(_("penerima BST"), 10)
    penerima_pkh = _text(_("penerima PKH"), 10)
    penerima_sembako = _text(_("penerima Sembako"), 10)
    penerima_pbi = _text(_("penerima PBI"), 10)
    resiko_stunting = _text(_("resiko stunting"), 40)
    aset = models.JSONField(_("aset"), default=dict, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    inactive_reason = _text(_("alasan nonaktif"), 255)
    missing_since = models.ForeignKey(
        ImportBatch,
        related_name="+",
        db_index=False,
        help_text=_("Tidak ada lagi di ekspor sumber sejak impor ini."),
        **IMPORT_LINK,
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_key"], name="family_source_key")]
        indexes = [models.Index(fields=["kelurahan", "desil"]), models.Index(fields=["no_kk"])]

    def __str__(self) -> str:
        return f"{self.kepala_keluarga} ({self.source_key})"


class Member(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members")
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices)
    source_key = models.CharField(_("kunci sumber"), max_length=40)
    id_individu = _text(_("ID individu"), 40)
    nik = models.CharField("NIK", max_length=16, blank=True, default="")  # indexed in Meta: equality only
    nama = _text(_("nama"), 120)
    padan_dukcapil = _text(_("padan Dukcapil"), 10)
    jenis_kelamin = _text(_("jenis kelamin"), 20)
    tanggal_lahir = models.DateField(_("tanggal lahir"), null=True, blank=True)
    hubungan_dengan_kepala_keluarga = _text(_("hubungan dengan kepala keluarga"), 40)
    status_kawin = _text(_("status kawin"), 20)
    pendidikan = _text(_("pendidikan"), 40)
    partisipasi_sekolah = _text(_("partisipasi sekolah"), 40)
    pekerjaan = _text(_("pekerjaan"), 80)
    status_bekerja = _text(_("status bekerja"), 40)
    disabilitas = _text(_("disabilitas"), 80)
    penyakit_kronis = _text(_("penyakit kronis"), 80)
    # Not indexed: bulk imports write millions of members, and nothing looks members up by batch.
    batch = models.ForeignKey(ImportBatch, related_name="members", db_index=False, **IMPORT_LINK)
    first_batch = models.ForeignKey(ImportBatch, related_name="+", db_index=False, **IMPORT_LINK)
    is_active = models.BooleanField(_("aktif"), default=True)
    inactive_reason = _text(_("alasan nonaktif"), 255)
    missing_since = models.ForeignKey(ImportBatch, related_name="+", db_index=False, **IMPORT_LINK)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_key"], name="member_source_key")]
        # A plain index: `db_index=True` on a CharField also makes PostgreSQL's `_like` index (for LIKE 'x%'),
        # which nothing asks of a NIK and which cost a fifth of the COPY of a million families' members.
        indexes = [models.Index(fields=["nik"], name="member_nik")]

    def __str__(self) -> str:
        return self.nama

    def is_head(self) -> bool:
        return self.hubungan_dengan_kepala_keluarga.lower() == "kepala keluarga"


class ChangeAction(models.TextChoices):
    UPDATE = "update", _("diubah")
    DEACTIVATE = "deactivate", _("dinonaktifkan")
    MISSING = "missing", _("tidak ada di ekspor terbaru")
    REVERT = "revert", _("dikembalikan (impor dibatalkan)")


class Change(models.Model):
    """One change to one family or member: who, when, why, and each field's before and after.

    Records created by an import carry that batch as `first_batch` (who, when, which file); a Change
    row is written for every later update, deactivation or missing flag, and for each record an
    import's revert puts back (action `revert`, `batch` = the reverted import).
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="changes")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=12, choices=ChangeAction.choices)
    fields = models.JSONField(default=dict, help_text="{field: [before, after]}")
    reason = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]


class Assignment(models.Model):
    """A family assigned to an enumerator; verivali campaigns create these. Scopes the enumerator role."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="assignments")
    enumerator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)


class VersionPart(models.TextChoices):
    """The parts of the data that caches and snapshots depend on (tepat.registry.version)."""

    REGISTRY = "registry", _("registri keluarga dan anggota")
    PROGRAMS = "programs", _("program, aturan dan daftar sasaran")
    INTERVENTIONS = "interventions", _("intervensi dan realisasi")
    MEETINGS = "meetings", _("rapat koordinasi")
    VERIVALI = "verivali", _("verifikasi dan validasi lapangan")


class RegistryVersion(models.Model):
    """One row per part: `number` grows by one in the same transaction as every write that changes the
    part; `stamp` is new at each bump, so a number reused after a rolled-back write still differs."""

    part = models.CharField(max_length=20, primary_key=True, choices=VersionPart.choices)
    number = models.BigIntegerField(default=0)
    stamp = models.CharField(max_length=16, default="")
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.part} {self.number}"
