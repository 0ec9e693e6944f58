"""An example eligibility rule for each program of domain.md §2 (program code -> rule text).

They are starting points for the seeded program catalogue, not official criteria: each program's
guidelines (and the city's choice of desil range) decide the real rule. docs/rules.md explains each.
Each selects families on a P3KE-only registry as well as on DTSEN (fields only DTSEN carries are
paired with their P3KE reading; tests/test_program_views.py checks on the synthetic demo data).
"""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    # Kurangi beban pengeluaran (reduce spending)
    "pkh": 'desil <= 2 dan ada_anggota(balita atau usia_sekolah atau lansia atau disabilitas == "Ya")',
    "bpnt_sembako": "desil <= 3 and jumlah_anggota >= 1",
    "pbi_jk": 'desil <= 4 dan bukan penerima_pbi == "Ya"',
    "pip": (
        'desil <= 3 and ada_anggota(umur >= 6 and umur <= 21 and (partisipasi_sekolah == "Masih sekolah" '
        'or pendidikan in ["Masih SD", "Masih SLTP", "Masih SLTA"]))'
    ),
    # Kurangi kantong kemiskinan (basic services and housing)
    "rtlh_bsps": 'desil <= 3 dan kepemilikan_rumah == "Milik Sendiri" dan rumah_tidak_layak',
    "air_bersih": "desil <= 3 and air_tidak_layak",
    "jamban": "desil <= 3 and tanpa_jamban_sendiri",
    "listrik": 'desil <= 3 and (tanpa_listrik_pln or sumber_penerangan == "Listrik PLN non meteran")',
    # Tingkatkan pendapatan (raise income)
    "padat_karya": 'desil <= 2 and ada_anggota(usia_kerja and (status_bekerja == "Tidak" or pekerjaan == "BELUM/TIDAK BEKERJA"))',
    "pelatihan_vokasi": (
        'desil <= 3 and ada_anggota(umur >= 18 and umur <= 45 and (status_bekerja == "Tidak" or pekerjaan == "BELUM/TIDAK BEKERJA") '
        'and pendidikan in ["Tamat SLTP", "Masih SLTA", "Tamat SLTA"])'
    ),
    "kur_modal_usaha": (
        'desil >= 2 and desil <= 4 and ada_anggota(usia_kerja and pekerjaan in ["PEDAGANG", "WIRASWASTA", "NELAYAN/PERIKANAN"])'
    ),
}
