"""Family-list filters, as data: each deprivation and receipt flag is a name, a label and a Q."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

DEPRIVATIONS: dict[str, tuple[str, Q]] = {
    "lantai_tanah": (_("Lantai tanah"), Q(jenis_lantai="Tanah")),
    "dinding_tidak_layak": (
        _("Dinding bambu/anyaman"),
        Q(jenis_dinding__in=["Bambu", "Plesteran anyaman bambu/kawat"]),
    ),
    "atap_tidak_layak": (_("Atap jerami/bambu"), Q(jenis_atap__in=["Jerami/Ijuk/Rumbia/Daun-daunan", "Bambu"])),
    "air_tidak_layak": (
        _("Air minum tidak layak"),
        Q(sumber_air_minum__in=["Sumur Tidak Terlindung", "Air Permukaan (Sungai, Danau, dll)", "Air Hujan"]),
    ),
    "tanpa_jamban_sendiri": (
        _("Tanpa jamban sendiri"),
        Q(fasilitas_bab__in=["Umum/Bersama", "Lainnya", "Tidak, Jamban Umum/Bersama"]),
    ),
    "tanpa_listrik_pln": (_("Tanpa listrik PLN"), Q(sumber_penerangan__in=["Listrik non-PLN", "Bukan listrik"])),
    "bahan_bakar_kayu": (_("Memasak dengan arang/kayu"), Q(bahan_bakar_memasak="Arang/Kayu")),
    "resiko_stunting": (_("Berisiko stunting"), Q(resiko_stunting="Beresiko Stunting")),
}

RECEIPT_FLAGS: dict[str, str] = {
    "penerima_pkh": "PKH",
    "penerima_bpnt": "BPNT",
    "penerima_sembako": "Sembako",
    "penerima_bst": "BST",
    "penerima_bpum": "BPUM",
    "penerima_pbi": "PBI",
}


@dataclass
class FamilyFilter:
    kecamatan: str = ""
    kelurahan: str = ""
    desil: str = ""
    deprivation: str = ""
    receipt: str = ""
    receipt_value: str = "Ya"
    q: str = ""
    include_inactive: bool = False

    @classmethod
    def from_query(cls, params) -> FamilyFilter:
        return cls(
            kecamatan=params.get("kecamatan", ""),
            kelurahan=params.get("kelurahan", ""),
            desil=params.get("desil", ""),
            deprivation=params.get("deprivation", ""),
            receipt=params.get("receipt", ""),
            receipt_value="Tidak" if params.get("receipt_value") == "Tidak" else "Ya",
            q=params.get("q", "").strip(),
            include_inactive=params.get("inactive") == "1",
        )

    def apply(self, families: QuerySet) -> QuerySet:
        if not self.include_inactive:
            families = families.filter(is_active=True)
        if self.kecamatan:
            families = families.filter(kelurahan__parent__code=self.kecamatan)
        if self.kelurahan:
            families = families.filter(kelurahan__code=self.kelurahan)
        if self.desil.isdigit():
            families = families.filter(desil=int(self.desil))
        if self.deprivation in DEPRIVATIONS:
            families = families.filter(DEPRIVATIONS[self.deprivation][1])
        if self.receipt in RECEIPT_FLAGS:
            families = families.filter(**{self.receipt: self.receipt_value})
        if self.q:
            families = families.filter(
                Q(kepala_keluarga__icontains=self.q) | Q(source_key=self.q) | Q(no_kk=self.q) | Q(members__nik=self.q)
            ).distinct()
        return families
