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
