"""The open-data release (`tepat publish --out DIR`, and the analyst's download on the registry
indicators page): desil.csv and deprivasi.csv in long form, datapackage.json (Frictionless Data
Package) and audit.json, all from one audited public release (tepat.indicators.release).

Long form: level (kota | kecamatan | kelurahan), kode (Kemendagri; the city's own code at kota),
kategori, keluarga (empty where suppressed). desil.csv: kategori 1..10, tidak_diketahui, jumlah.
deprivasi.csv: per dimension k: k (families deprived), k_data (families with data on k); and jumlah.
Guarantee: the files are built in memory after the audit passed; a failed audit (DisclosureRisk)
writes nothing, and each file is written whole (temporary file, then rename).
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from datetime import date, datetime, UTC
from pathlib import Path

from tepat.indicators.release import CITY, DESIL_CATEGORIES, Release

LEVELS = ("kota", "kecamatan", "kelurahan")
FIELDS = ("level", "kode", "kategori", "keluarga")
DESIL_NAMES = {**{f"d{d}": str(d) for d in range(1, 11)}, "tanpa_desil": "tidak_diketahui", "jumlah": "jumlah"}
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _regions(release: Release, level: str) -> list[str]:
    return sorted(release.frames.desil[level]["region"].to_list()) if level in release.frames.desil else []


def desil_rows(release: Release, city_code: str) -> list[tuple]:
    return [
        (level, city_code if region == CITY else region, DESIL_NAMES[c], release.shown(("keluarga", level, region, c)))
        for level in LEVELS
        for region in _regions(release, level)
        for c in [*DESIL_CATEGORIES, "jumlah"]
    ]


def deprivation_rows(release: Release, city_code: str) -> list[tuple]:
    rows = []
    for level in LEVELS:
        for region in _regions(release, level):
            code = city_code if region == CITY else region
            rows.append((level, code, "jumlah", release.shown(("keluarga", level, region, "jumlah"))))
            for k in release.frames.dims:
                rows += [
                    (level, code, k, release.shown(("deprivasi", level, region, k))),
                    (level, code, f"{k}_data", release.shown(("deprivasi", level, region, f"{k}:data"))),
                ]
    return rows


def csv_text(rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _schema(categories: str) -> dict:
    return {
        "fields": [
            {"name": "level", "type": "string", "constraints": {"required": True, "enum": list(LEVELS)}},
            {"name": "kode", "type": "string", "description": "Kode wilayah Kemendagri (di tingkat kota: kode kota)"},
            {"name": "kategori", "type": "string", "description": categories},
            {
                "name": "keluarga",
                "type": "integer",
                "constraints": {"minimum": 0},
                "description": "Jumlah keluarga; kosong = disembunyikan (sel kecil atau sel pelindung)",
            },
        ],
        "missingValues": [""],
        "primaryKey": ["level", "kode", "kategori"],
    }


def rule_text(small: int) -> str:
    return (
        f"Sel primer: jumlah keluarga 1-{small - 1}. Sel pelindung dipilih atas semua tabel yang diterbitkan bersama "
        f"(desil, deprivasi, Alkire-Foster; kota, kecamatan, kelurahan dan totalnya) sehingga setiap sel tersembunyi "
        f"masih mempunyai paling sedikit {small} kemungkinan nilai menurut audit LP (min dan maks tiap sel dengan "
        f"semua sel terbit, semua penjumlahan dan nilai >= 0). / Primary cells: 1-{small - 1} families; every hidden "
        f"cell keeps at least {small} possible values under the LP audit."
    )


def datapackage(release: Release, *, city_code: str, city_name: str, sources: list[dict], created: datetime) -> dict:
    audit = release.protected.audit
    resource = {"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
    return {
        "profile": "data-package",  # audit.json is not tabular
        "name": f"tepat-registri-{city_code.replace('.', '-')}",
        "title": f"Indikator registri keluarga {city_name}: desil dan deprivasi per wilayah (hitungan registri, bukan estimasi survei)",
        "created": created.isoformat(timespec="seconds"),
        "licenses": [LICENSE],
        "sources": sources,
        "tepat:suppression": {
            "rule": rule_text(release.small),
            "small_cell": release.small,
            "method": "tepat.engine.disclosure (docs/measures.md)",
            "audit": {"passed": audit.passed, "hidden_cells": len(audit.intervals), "path": "audit.json"},
        },
        "resources": [
            {
                "name": "desil",
                "path": "desil.csv",
                **resource,
                "schema": _schema("Desil 1-10, tidak_diketahui (tanpa desil), jumlah (total baris)"),
            },
            {
                "name": "deprivasi",
                "path": "deprivasi.csv",
                **resource,
                "schema": _schema(
                    "Dimensi k: keluarga terdeprivasi; k_data: keluarga dengan data tentang k; jumlah: semua keluarga"
                ),
            },
            {"name": "audit", "path": "audit.json", "format": "json", "mediatype": "application/json"},
        ],
    }


def files(
    release: Release, *, city_code: str, city_name: str, sources: list[dict], created: datetime | None = None
) -> dict[str, bytes]:
    """Every file of the release, in memory (the audit has passed: a Release only exists audited)."""
    created = created or datetime.now(UTC)
    package = datapackage(release, city_code=city_code, city_name=city_name, sources=sources, created=created)
    return {
        "desil.csv": csv_text(desil_rows(release, city_code)),
        "deprivasi.csv": csv_text(deprivation_rows(release, city_code)),
        "datapackage.json": json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8"),
        "audit.json": json.dumps(release.protected.audit.summary(), ensure_ascii=False, indent=1).encode("utf-8"),
    }


def write(out: Path, contents: dict[str, bytes]) -> list[Path]:
    """Each file whole (temporary file in DIR, then rename)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in contents.items():
        temporary = out / f".{name}.tmp"
        temporary.write_bytes(body)
        os.replace(temporary, out / name)
        written.append(out / name)
    return written


def zipped(contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in contents.items():
            archive.writestr(name, body)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ Django side
def city(release: Release) -> tuple[str, str]:
    """The city's Kemendagri code and name: the parent of the release's kecamatan (else the kabkota region)."""
    from tepat.regions.models import Level, Region

    kecamatan = release.frames.desil["kecamatan"]["region"].to_list() if "kecamatan" in release.frames.desil else []
    found = (
        Region.objects.filter(children__code__in=kecamatan[:1]).first()
        or Region.objects.filter(level=Level.KABKOTA).order_by("code").first()
    )
    return (found.code, found.name) if found else (CITY, CITY)


def sources() -> list[dict]:
    """The finished imports behind the registry (format, file, export date)."""
    from tepat.registry.models import BatchStatus, ImportBatch

    batches = ImportBatch.objects.filter(status=BatchStatus.DONE, dry_run=False).order_by("-created_at")[:20]
    return [
        {
            "title": f"{b.format or 'registri'}: {b.file_name}",
            **({"version": str(b.export_date)} if b.export_date else {}),
        }
        for b in batches
    ] or [{"title": "Registri keluarga Tepat"}]


def public_files(today: date | None = None, protector=None) -> dict[str, bytes]:
    """The city's public release files (DisclosureRisk when the audit fails: nothing is returned)."""
    from tepat.indicators import registry
    from tepat.indicators.release import build, frames

    if protector is None:
        release = registry.public_release(today)
    else:
        table = registry.cached_family_table(None, today)
        release = build(
            frames(table, registry.af_at, registry.dimensions()), registry.small_cell(), protector=protector
        )
    code, name = city(release)
    return files(release, city_code=code, city_name=name, sources=sources())
