"""Registry lists as frames for download, with the user's masking applied. Scope is the caller's queryset."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import polars as pl
from django.db.models import OuterRef, QuerySet, Subquery

from tepat.accounts.masking import mask_expr
from tepat.accounts.roles import policy_for

FAMILY_EXPORT = {
    "source": "sumber",
    "source_key": "id_keluarga",
    "no_kk": "no_kk",
    "kepala_keluarga": "kepala_keluarga",
    "head_nik": "nik_kepala_keluarga",
    "kelurahan__parent__name": "kecamatan",
    "kelurahan__name": "kelurahan",
    "kelurahan__code": "kode_kemendagri",
    "alamat": "alamat",
    "rt": "rt",
    "rw": "rw",
    "desil": "desil",
    "desil_skala": "skala_desil",
    "jenis_lantai": "jenis_lantai",
    "jenis_dinding": "jenis_dinding",
    "jenis_atap": "jenis_atap",
    "sumber_air_minum": "sumber_air_minum",
    "fasilitas_bab": "fasilitas_bab",
    "sumber_penerangan": "sumber_penerangan",
    "bahan_bakar_memasak": "bahan_bakar_memasak",
    "penerima_pkh": "penerima_pkh",
    "penerima_bpnt": "penerima_bpnt",
    "penerima_sembako": "penerima_sembako",
    "resiko_stunting": "resiko_stunting",
    "is_active": "aktif",
}


TARGET_EXPORT = {
    "rank": "peringkat",
    "family__source_key": "id_keluarga",
    "family__kepala_keluarga": "kepala_keluarga",
    "head_nik": "nik_kepala_keluarga",
    "family__no_kk": "no_kk",
    "family__kelurahan__parent__name": "kecamatan",
    "family__kelurahan__name": "kelurahan",
    "family__alamat": "alamat",
    "family__rt": "rt",
    "family__rw": "rw",
    "family__desil": "desil",
    "deprivations": "jumlah_deprivasi",
    "reasons": "syarat_terpenuhi",
}


def head_nik(family_ref: str) -> Subquery:
    """The NIK of the active head of the family that `family_ref` points to (one subquery per row set)."""
    from tepat.registry.models import Member

    head = Member.objects.filter(
        family=OuterRef(family_ref), hubungan_dengan_kepala_keluarga__iexact="kepala keluarga", is_active=True
    )
    return Subquery(head.values("nik")[:1])


BATCH = 5000  # families per query when a download is written batch by batch (also under SQLite's parameter limit)


def family_frame(user, families: QuerySet) -> pl.DataFrame:
    """One row per family with the head's NIK; NIK and No KK masked unless the role needs them."""
    return pl.concat(list(family_batches(user, families)))


def _family_rows(user, families: QuerySet, limit: int | None = None) -> pl.DataFrame:
    """The families (the first `limit` by id) with the id first, masked per role."""
    rows = families.annotate(head_nik=head_nik("pk")).order_by("id").values_list("id", *FAMILY_EXPORT)
    schema = {"id": pl.Int64, **dict.fromkeys(FAMILY_EXPORT.values(), pl.String)}
    frame = pl.DataFrame(list(rows[:limit] if limit else rows), schema=schema, orient="row", strict=False)
    return _masked(user, frame)


def family_batches(user, families: QuerySet, ids: Sequence[int] | None = None) -> Iterator[pl.DataFrame]:
    """`family_frame` in batches of BATCH families by id (keyset: one query per batch), or, with `ids`, those
    families in the order given, BATCH ids per query (each batch by id).
    Guarantee: at least one (maybe empty) frame; the concatenation is the whole list. Cost: memory of one batch."""
    if ids is not None:
        for start in range(0, max(len(ids), 1), BATCH):
            yield _family_rows(user, families.filter(pk__in=ids[start : start + BATCH])).drop("id")
        return
    last = 0
    while True:
        frame = _family_rows(user, families.filter(pk__gt=last), BATCH)
        if frame.height or last == 0:
            yield frame.drop("id")
        if frame.height < BATCH:
            return
        last = frame["id"][-1]


def _masked(user, frame: pl.DataFrame) -> pl.DataFrame:
    """NIK, No KK (and a DTSEN family key, which is its No KK) masked unless the role needs them."""
    if policy_for(user).sees_identity_numbers:
        return frame
    dtsen_key = pl.col("id_keluarga") == pl.col("no_kk")
    frame = frame.with_columns(
        pl.when(dtsen_key).then(mask_expr("id_keluarga")).otherwise(pl.col("id_keluarga")).alias("id_keluarga")
    )
    return frame.with_columns(mask_expr("no_kk"), mask_expr("nik_kepala_keluarga"))


def target_frame(user, target_list, entries: QuerySet | None = None) -> pl.DataFrame:
    """A frozen target list for an OPD: rank, family, head NIK, address, desil, reasons; masked per role.
    `entries`: a subset of the list's entries (the API's pages); default all."""
    rows = (
        (target_list.entries.all() if entries is None else entries)
        .annotate(head_nik=head_nik("family_id"))
        .order_by("rank")
        .values_list(*TARGET_EXPORT)
    )
    rows = [(*row[:-1], "; ".join(row[-1])) for row in rows]
    return _masked(
        user, pl.DataFrame(rows, schema=dict.fromkeys(TARGET_EXPORT.values(), pl.String), orient="row", strict=False)
    )
