"""Registry persons as the linkage engine's input frame (tepat.engine.linkage.prepare.PERSON_SCHEMA)."""

from __future__ import annotations

import polars as pl

from tepat.engine.linkage.prepare import PERSON_SCHEMA
from tepat.registry.bulk import fetch

PERSONS_SQL = (
    "SELECT m.id, f.source, f.id, m.nik, m.nama, CAST(m.tanggal_lahir AS TEXT), m.jenis_kelamin, "
    "m.hubungan_dengan_kepala_keluarga, f.no_kk, r.code, f.rt, f.rw "
    "FROM registry_member m JOIN registry_family f ON f.id = m.family_id JOIN regions_region r ON r.id = f.kelurahan_id "
    "WHERE m.is_active AND f.is_active AND f.source IN ('p3ke', 'dtsen')"
)


def person_frame() -> pl.DataFrame:
    """Every active P3KE and DTSEN member, one SQL query. Cost: O(members)."""
    schema = {**PERSON_SCHEMA, "tanggal_lahir": pl.String}
    frame = pl.DataFrame(fetch(PERSONS_SQL, []), schema=schema, orient="row")
    return frame.with_columns(pl.col("tanggal_lahir").str.slice(0, 10).str.to_date(strict=False))


RECIPIENTS_SQL = (
    "SELECT -h.id, 'realisasi', NULL, h.nik, h.nama, CAST(h.tanggal_lahir AS TEXT), NULL, NULL, h.no_kk, r.code, "
    "NULL, NULL FROM programs_heldrecipient h LEFT JOIN regions_region r ON r.id = h.kelurahan_id "
    "WHERE h.intervention_id IS NULL AND h.nama <> ''"
)


def recipient_frame() -> pl.DataFrame:
    """Held realisasi rows not yet resolved (tepat.programs.models.HeldRecipient), as persons whose
    record_id is minus the row's id (never colliding with a member id). Cost: O(held rows)."""
    schema = {**PERSON_SCHEMA, "tanggal_lahir": pl.String}
    frame = pl.DataFrame(fetch(RECIPIENTS_SQL, []), schema=schema, orient="row")
    return frame.with_columns(pl.col("tanggal_lahir").str.slice(0, 10).str.to_date(strict=False))
