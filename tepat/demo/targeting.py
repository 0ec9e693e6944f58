"""The demo's targeting data: a frozen PKH target list and an OPD's realisasi file, through the real actions."""

from __future__ import annotations

import random
from collections.abc import Callable

import polars as pl
from django.conf import settings

from tepat.accounts.models import User
from tepat.programs.actions import do_freeze_target_list, do_import_interventions
from tepat.programs.models import Program, TargetList
from tepat.registry.spreadsheet import csv_bytes


def load_targeting(analyst: User, operator: User, echo: Callable[[str], None]) -> None:
    """Idempotent: only when no target list exists yet."""
    if TargetList.objects.exists():
        return
    pkh = Program.objects.get(code="pkh")
    target = do_freeze_target_list(pkh, acting_user=analyst, quota=1500)
    echo(f"Daftar sasaran PKH dibekukan: {target.entries.count()} keluarga dari {target.eligible} yang memenuhi aturan")
    path = _realisasi_file(target, pkh.year)
    report = do_import_interventions(path, acting_user=operator, file_name=path.name)
    echo(f"Realisasi Dinas Sosial: {report.inserted} baris dicatat, {len(report.rejected)} ditolak (lihat /realisasi/)")


def _realisasi_file(target, year: int):
    """Most of the list served over the year, a few rows with the mistakes OPD files carry."""
    rng = random.Random(2024)
    heads = list(
        target.entries.filter(family__members__hubungan_dengan_kepala_keluarga="Kepala Keluarga").values_list(
            "family__members__nik", "family__kepala_keluarga"
        )[:1200]
    )
    rows = [
        ("pkh", nik, name, f"{rng.randint(1, 28):02d}-{rng.choice([3, 6, 9, 12]):02d}-{year}", "750000", "tersalur")
        for nik, name in heads
    ]
    rows += [
        ("pkh", "1274059999990001", "TIDAK ADA", f"01-03-{year}", "750000", "tersalur"),
        ("pkh", heads[0][0], heads[0][1], f"01-03-{year - 1}", "750000", "tersalur"),
        ("pkh", heads[1][0], heads[1][1], f"01-03-{year}", "-750000", "tersalur"),
    ]
    frame = pl.DataFrame(
        rows, schema=["kode_program", "nik", "nama_penerima", "tanggal", "nilai", "status"], orient="row"
    )
    path = settings.TEPAT_HOME / "demo" / "realisasi-pkh-dinsos.csv"
    path.parent.mkdir(parents=True, exist_ok=True)  # a home whose registry was imported has no demo folder yet
    path.write_bytes(csv_bytes(frame))
    return path
