"""Registry lists as frames for download, with the user's masking applied. Scope is the caller's queryset."""
from __future__ import annotations

import polars as pl
from django.db.models import QuerySet

from tepat.accounts.masking import mask_expr
from tepat.accounts.roles import policy_for

FAMILY_EXPORT = {
    "source": "sumber", "source_key": "id_keluarga", "no_kk": "no_kk", "kepala_keluarga": "kepala_keluarga",
    "head_nik": "nik_kepala_keluarga", "kelurahan__parent__name": "kecamatan", "kelurahan__name": "kelurahan",
    "kelurahan__code": "kode_kemendagri", "alamat": "alamat", "rt": "rt", "rw": "rw", "desil": "desil",
    "desil_skala": "skala_desil", "jenis_lantai": "jenis_lantai", "jenis_dinding": "jenis_dinding", "jenis_atap": "jenis_atap",
    "sumber_air_minum": "sumber_air_minum", "fasilitas_bab": "fasilitas_bab", "sumber_penerangan": "sumber_penerangan",
    "bahan_bakar_memasak": "bahan_bakar_memasak", "penerima_pkh": "penerima_pkh", "penerima_bpnt": "penerima_bpnt",
    "penerima_sembako": "penerima_sembako", "resiko_stunting": "resiko_stunting", "is_active": "aktif",
}


def family_frame(user, families: QuerySet) -> pl.DataFrame:
    """One row per family with the head's NIK; NIK and No KK masked unless the role needs them."""
    from django.db.models import OuterRef, Subquery

    from tepat.registry.models import Member

    head = Member.objects.filter(family=OuterRef("pk"), hubungan_dengan_kepala_keluarga__iexact="kepala keluarga", is_active=True)
    rows = families.annotate(head_nik=Subquery(head.values("nik")[:1])).order_by("id").values_list(*FAMILY_EXPORT)
    frame = pl.DataFrame(list(rows), schema={name: pl.String for name in FAMILY_EXPORT.values()}, orient="row", strict=False)
    if not policy_for(user).sees_identity_numbers:
        dtsen_key = pl.col("id_keluarga") == pl.col("no_kk")  # a DTSEN family is keyed by its No KK
        frame = frame.with_columns(pl.when(dtsen_key).then(mask_expr("id_keluarga")).otherwise(pl.col("id_keluarga")).alias("id_keluarga"))
        frame = frame.with_columns(mask_expr("no_kk"), mask_expr("nik_kepala_keluarga"))
    return frame
