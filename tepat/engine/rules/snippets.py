"""Named conditions an analyst writes as a bare word (`lantai_tanah`), as data: name -> rule text.

They are expanded when a rule is parsed. Family-level ones mirror the deprivations of
`tepat/registry/filters.py` (a test keeps them in step); `resiko_stunting` is also a field name, so
its snippet is called `berisiko_stunting`. Member-level ones are used inside member aggregates:
`ada_anggota(balita)`. A snippet may use other snippets, never itself.
The deprivations of the one deprivation catalogue (tepat.engine.deprivations) are snippets too:
`deprivasi_pendidikan`, `deprivasi_pekerjaan`, ... (the catalogue's rule text, defined there only).
"""

from __future__ import annotations

from tepat.engine.deprivations import snippets as deprivation_snippets

SNIPPETS: dict[str, str] = {
    # --- deprivations of a family (tepat/registry/filters.py DEPRIVATIONS)
    "lantai_tanah": 'jenis_lantai == "Tanah"',
    "dinding_tidak_layak": 'jenis_dinding in ["Bambu", "Plesteran anyaman bambu/kawat"]',
    "atap_tidak_layak": 'jenis_atap in ["Jerami/Ijuk/Rumbia/Daun-daunan", "Bambu"]',
    "air_tidak_layak": 'sumber_air_minum in ["Sumur Tidak Terlindung", "Air Permukaan (Sungai, Danau, dll)", "Air Hujan"]',
    "tanpa_jamban_sendiri": 'fasilitas_bab in ["Umum/Bersama", "Lainnya", "Tidak, Jamban Umum/Bersama"]',
    "tanpa_listrik_pln": 'sumber_penerangan in ["Listrik non-PLN", "Bukan listrik"]',
    "bahan_bakar_kayu": 'bahan_bakar_memasak == "Arang/Kayu"',
    "berisiko_stunting": 'resiko_stunting == "Beresiko Stunting"',
    # --- combinations (Kepmensos 262/HUK/2022 screening criteria)
    "rumah_tidak_layak": "lantai_tanah or dinding_tidak_layak or atap_tidak_layak",
    "listrik_450_atau_tanpa": 'daya_listrik == "450 VA" or tanpa_listrik_pln',
    # --- members (inside ada_anggota / semua_anggota / jumlah_anggota_yang)
    "balita": "umur < 5",
    "usia_sekolah": "umur >= 7 and umur <= 18",
    "usia_kerja": "umur >= 18 and umur <= 59",
    "lansia": "umur >= 60",
    # --- the deprivation catalogue (tepat/engine/deprivations/catalogue.json): deprivasi_<key>
    **deprivation_snippets(),
}
