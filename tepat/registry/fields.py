"""The registry's data fields, named once. Importer, diff, history and exports all use these lists.

No Django here: the importer's pure part and the engine read these names too.
"""

from __future__ import annotations

FAMILY_TEXT = (
    "id_keluarga_p3ke",
    "no_kk",
    "alamat",
    "rt",
    "rw",
    "kepala_keluarga",
    "desil_skala",
    "kepemilikan_rumah",
    "memiliki_simpanan",
    "jenis_atap",
    "jenis_dinding",
    "jenis_lantai",
    "sumber_penerangan",
    "daya_listrik",
    "bahan_bakar_memasak",
    "sumber_air_minum",
    "fasilitas_bab",
    "penerima_bpnt",
    "penerima_bpum",
    "penerima_bst",
    "penerima_pkh",
    "penerima_sembako",
    "penerima_pbi",
    "resiko_stunting",
)
FAMILY_NUMBERS = ("desil", "desil_nasional", "desil_provinsi", "desil_kabupaten_kota")
FAMILY_FLOATS = ("latitude", "longitude", "luas_lantai")
FAMILY_FIELDS = ("kelurahan_id", *FAMILY_TEXT, *FAMILY_NUMBERS, *FAMILY_FLOATS, "aset")

MEMBER_TEXT = (
    "id_individu",
    "nik",
    "nama",
    "padan_dukcapil",
    "jenis_kelamin",
    "hubungan_dengan_kepala_keluarga",
    "status_kawin",
    "pendidikan",
    "partisipasi_sekolah",
    "pekerjaan",
    "status_bekerja",
    "disabilitas",
    "penyakit_kronis",
)
MEMBER_FIELDS = (*MEMBER_TEXT, "tanggal_lahir")

# Fields that carry a NIK or a No KK: masked for roles that do not need them.
IDENTITY_FIELDS = ("nik", "no_kk")
