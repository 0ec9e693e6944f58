"""The offline form's shape, named once: its groups, fields and choice lists.

The XLSForm writer (`xlsform.py`) builds the form from these tables and the ingest (`ingest.py`)
reads submissions back through the same tables, so a field added here appears in both. No Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tepat.registry.importer.profiles import load_domains

# Group names: exports prefix each field with them ('kunjungan-keluarga' in ODK Central,
# 'kunjungan/keluarga' in KoboToolbox); the ingest strips exactly these.
VISIT, CORRECTIONS, MEMBERS, LOCATION, PHOTOS, SCREENING, META = (
    "kunjungan",
    "perbaikan",
    "anggota",
    "lokasi",
    "foto",
    "skrining",
    "meta",
)
GROUPS = (VISIT, CORRECTIONS, MEMBERS, LOCATION, PHOTOS, SCREENING, META)

NEW_MEMBER = "baru"  # the anggota choice for a member to add
REGISTERED, PROPOSAL = "terdaftar", "usulan_baru"  # jenis_kunjungan


@dataclass(frozen=True)
class Correction:
    """A correctable registry field: form field name, registry field, how it is asked."""

    name: str
    field: str
    label: str
    kind: str  # "text", "no_kk", "rt_rw", "decimal", or "domain" (choices from domains.json)


FAMILY_CORRECTIONS: tuple[Correction, ...] = (
    Correction("kepala_keluarga", "kepala_keluarga", "Nama kepala keluarga (perbaikan)", "text"),
    Correction("no_kk", "no_kk", "No KK (perbaikan, 16 angka)", "no_kk"),
    Correction("alamat", "alamat", "Alamat (perbaikan)", "text"),
    Correction("rt", "rt", "RT (perbaikan)", "rt_rw"),
    Correction("rw", "rw", "RW (perbaikan)", "rt_rw"),
    Correction("kepemilikan_rumah", "kepemilikan_rumah", "Kepemilikan rumah", "domain"),
    Correction("jenis_atap", "jenis_atap", "Jenis atap", "domain"),
    Correction("jenis_dinding", "jenis_dinding", "Jenis dinding", "domain"),
    Correction("jenis_lantai", "jenis_lantai", "Jenis lantai", "domain"),
    Correction("luas_lantai", "luas_lantai", "Luas lantai (m²)", "decimal"),
    Correction("sumber_air_minum", "sumber_air_minum", "Sumber air minum", "domain"),
    Correction("fasilitas_bab", "fasilitas_bab", "Fasilitas BAB (sanitasi)", "domain"),
    Correction("sumber_penerangan", "sumber_penerangan", "Sumber penerangan", "domain"),
    Correction("daya_listrik", "daya_listrik", "Daya listrik terpasang", "domain"),
    Correction("bahan_bakar_memasak", "bahan_bakar_memasak", "Bahan bakar memasak", "domain"),
)

MEMBER_CORRECTIONS: tuple[Correction, ...] = (
    Correction("nama_perbaikan", "nama", "Nama (perbaikan / anggota baru)", "text"),
    Correction("nik_perbaikan", "nik", "NIK (perbaikan / anggota baru, 16 angka)", "nik"),
    Correction("jenis_kelamin_anggota", "jenis_kelamin", "Jenis kelamin", "domain"),
    Correction("hubungan_anggota", "hubungan_dengan_kepala_keluarga", "Hubungan dengan kepala keluarga", "domain"),
    Correction("tanggal_lahir_anggota", "tanggal_lahir", "Tanggal lahir", "date"),
)
NEW_MEMBER_ONLY = ("jenis_kelamin_anggota", "hubungan_anggota", "tanggal_lahir_anggota")

# Photo kind (PhotoKind values) -> form field
PHOTO_FIELDS = {
    kind: f"foto_{kind}" for kind in ("depan_rumah", "atap", "lantai", "dinding", "jamban", "kartu_keluarga")
}


def choice_name(label: str) -> str:
    """A registry category as an XLSForm choice name: 'Kayu/Papan' -> 'kayu_papan', '>2200 VA' -> 'lebih_2200_va'."""
    text = label.lower().replace(">", " lebih ").replace("<", " kurang ")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "kosong"


@cache
def domain_choices(domain: str) -> tuple[tuple[str, str], ...]:
    """(choice name, registry value) for a registry category list, names unique within the list."""
    domains, _ = load_domains()
    seen: set[str] = set()
    choices = []
    for value in domains[domain]:
        name = base = choice_name(value)
        suffix = 2
        while name in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name)
        choices.append((name, value))
    return tuple(choices)


def domain_of(correction: Correction) -> str:
    """The domains.json list a domain correction takes its choices from."""
    return {"jenis_kelamin_anggota": "jenis_kelamin", "hubungan_anggota": "hubungan_dengan_kepala_keluarga"}.get(
        correction.name, correction.field
    )
