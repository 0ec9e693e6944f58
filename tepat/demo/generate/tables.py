"""Constants of the generator: formats, paths, value domains, probability tables and names."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FORMATS = ("p3ke-keluarga", "p3ke-individu", "dtsen-keluarga", "dtsen-anggota")

_PKG = Path(__file__).resolve().parents[2]
PROFILES_DIR = _PKG / "registry" / "profiles"
_PACKS = _PKG / "regions" / "packs"
REGIONS_CSV = (
    _PACKS / (_PACKS / "default.txt").read_text().strip() / "regions.csv"
)  # the default city pack's region master

REFERENCE_DATE = np.datetime64("2024-06-30", "D")  # ages and usia_* flags are at this date
TITLE_ROWS = 11  # P3KE: title block rows 1-11, header row 12, data from row 13
CHUNK_FAMILIES = 50_000
OUTSIDE_PREFIXES = (120901, 120803, 127101)  # NIK first registered elsewhere in Sumatera Utara
MAX_ERROR_RATE = 0.5

# ----------------------------------------------------------------------------- value domains
# Label order equals domains.json order; probability tables below index these tuples.
LANTAI = ("Keramik/Granit/Marmer/Ubin/Tegel/Teraso", "Semen", "Kayu/Papan", "Bambu", "Tanah", "Lainnya")
ATAP = ("Beton", "Genteng", "Asbes/Seng", "Kayu/Sirap", "Bambu", "Jerami/Ijuk/Rumbia/Daun-daunan", "Lainnya")
DINDING = ("Tembok", "Kayu/Papan", "Seng", "Bambu", "Plesteran anyaman bambu/kawat", "Lainnya")
PENERANGAN = ("Listrik PLN meteran", "Listrik PLN non meteran", "Listrik non-PLN", "Bukan listrik")
BAHAN_BAKAR = ("Listrik/Gas", "Minyak Tanah", "Arang/Kayu", "Lainnya")
AIR_MINUM = (
    "Air Kemasan/Isi Ulang",
    "Ledeng/PAM",
    "Sumur Bor",
    "Sumur Terlindung",
    "Sumur Tidak Terlindung",
    "Air Permukaan (Sungai, Danau, dll)",
    "Air Hujan",
    "Lainnya",
)
KEPEMILIKAN = ("Milik Sendiri", "Kontrak/Sewa", "Bebas Sewa/Menumpang", "Dinas", "Lainnya")
PENDIDIKAN = (
    "Tidak Sekolah",
    "Tidak Tamat SD",
    "Masih SD",
    "Tamat SD",
    "Masih SLTP",
    "Tamat SLTP",
    "Masih SLTA",
    "Tamat SLTA",
    "Masih PT",
    "Tamat PT",
)
KAWIN = ("Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati")
STUNTING = ("Beresiko Stunting", "Tidak Beresiko Stunting", "Bukan Target Sasaran")
SEX = ("Laki-laki", "Perempuan")
HUBUNGAN = (
    "Kepala Keluarga",
    "Istri/Suami",
    "Anak",
    "Menantu",
    "Cucu",
    "Orang Tua/Mertua",
    "Famili Lain",
    "Pembantu",
    "Lainnya",
)
DAYA = ("450 VA", "900 VA", "1300 VA", "2200 VA", ">2200 VA", "Tanpa meteran")
FLAG = ("Tidak", "Ya")
# Latent toilet state: own+septic, own without septic, shared, other -> label per source.
BAB = {
    "p3ke": ("Milik Sendiri", "Milik Sendiri", "Umum/Bersama", "Lainnya"),
    "dtsen": ("Ya, dengan Septictank", "Ya, Tanpa Septictank", "Tidak, Jamban Umum/Bersama", "Lainnya"),
}
_DOMAIN_LABELS = {
    "jenis_lantai": LANTAI,
    "jenis_atap": ATAP,
    "jenis_dinding": DINDING,
    "sumber_penerangan": PENERANGAN,
    "bahan_bakar_memasak": BAHAN_BAKAR,
    "sumber_air_minum": AIR_MINUM,
    "kepemilikan_rumah": KEPEMILIKAN,
    "pendidikan": PENDIDIKAN,
    "status_kawin": KAWIN,
    "resiko_stunting": STUNTING,
    "jenis_kelamin": SEX,
    "hubungan_dengan_kepala_keluarga": HUBUNGAN,
    "daya_listrik": DAYA,
    "fasilitas_bab": BAB["p3ke"] + BAB["dtsen"],
    "_flags": FLAG,
}

# Free-text fields (no domain in domains.json).
JOBS = (
    "BELUM/TIDAK BEKERJA",
    "PELAJAR/MAHASISWA",
    "MENGURUS RUMAH TANGGA",
    "NELAYAN/PERIKANAN",
    "BURUH HARIAN LEPAS",
    "PEDAGANG",
    "WIRASWASTA",
    "SOPIR",
    "TUKANG BATU",
    "KARYAWAN SWASTA",
    "PETANI/PEKEBUN",
    "PENSIUNAN",
)
NELAYAN = 3
LAPANGAN_USAHA = (
    None,
    None,
    None,
    "Perikanan",
    "Konstruksi",
    "Perdagangan",
    "Perdagangan",
    "Transportasi dan Pergudangan",
    "Konstruksi",
    "Industri Pengolahan",
    "Pertanian",
    None,
)
STATUS_PEKERJAAN = (
    None,
    None,
    None,
    "Berusaha sendiri",
    "Pekerja bebas",
    "Berusaha sendiri",
    "Berusaha dibantu buruh tidak tetap",
    "Buruh/karyawan/pegawai",
    "Pekerja bebas",
    "Buruh/karyawan/pegawai",
    "Berusaha sendiri",
    None,
)
PARTISIPASI_BY_EDU = (
    "Tidak/belum pernah sekolah",
    "Tidak bersekolah lagi",
    "Masih sekolah",
    "Tidak bersekolah lagi",
    "Masih sekolah",
    "Tidak bersekolah lagi",
    "Masih sekolah",
    "Tidak bersekolah lagi",
    "Masih sekolah",
    "Tidak bersekolah lagi",
)
JENJANG_BY_EDU = (
    None,
    "SD/sederajat",
    "SD/sederajat",
    "SD/sederajat",
    "SMP/sederajat",
    "SMP/sederajat",
    "SMA/sederajat",
    "SMA/sederajat",
    "Perguruan Tinggi",
    "Perguruan Tinggi",
)
KLOSET = ("Leher angsa", "Plengsengan", "Cemplung/cubluk", "Tidak pakai")
TINJA = (
    "Tangki septik",
    "IPAL",
    "Kolam/sawah/sungai/danau/laut",
    "Lubang tanah",
    "Pantai/tanah lapang/kebun",
    "Lainnya",
)

# ----------------------------------------------------------------------------- probabilities
SIZE_P = (0.08, 0.15, 0.20, 0.22, 0.17, 0.09, 0.05, 0.025, 0.015)  # sizes 1..9, mean ~3.9
P3KE_CUTS = (0.15, 0.40, 0.70)  # desil 1-4 shares 15/25/30/30 %
HOUSING = {  # canonical field -> (labels, rows = P3KE desil 1..4)
    "jenis_lantai": (
        LANTAI,
        (
            (0.10, 0.35, 0.40, 0.03, 0.10, 0.02),
            (0.18, 0.40, 0.32, 0.02, 0.06, 0.02),
            (0.28, 0.42, 0.24, 0.01, 0.04, 0.01),
            (0.38, 0.40, 0.18, 0.01, 0.02, 0.01),
        ),
    ),
    "jenis_atap": (
        ATAP,
        (
            (0, 0.02, 0.85, 0.02, 0.01, 0.09, 0.01),
            (0.01, 0.03, 0.90, 0.01, 0, 0.04, 0.01),
            (0.01, 0.05, 0.91, 0.01, 0, 0.01, 0.01),
            (0.02, 0.06, 0.90, 0.01, 0, 0, 0.01),
        ),
    ),
    "jenis_dinding": (
        DINDING,
        (
            (0.20, 0.62, 0.08, 0.04, 0.03, 0.03),
            (0.32, 0.55, 0.06, 0.03, 0.02, 0.02),
            (0.45, 0.45, 0.05, 0.02, 0.02, 0.01),
            (0.58, 0.35, 0.03, 0.01, 0.02, 0.01),
        ),
    ),
    "sumber_penerangan": (
        PENERANGAN,
        ((0.70, 0.24, 0.03, 0.03), (0.80, 0.17, 0.02, 0.01), (0.87, 0.12, 0.01, 0), (0.92, 0.08, 0, 0)),
    ),
    "bahan_bakar_memasak": (
        BAHAN_BAKAR,
        ((0.80, 0.05, 0.14, 0.01), (0.87, 0.04, 0.08, 0.01), (0.92, 0.03, 0.04, 0.01), (0.95, 0.02, 0.02, 0.01)),
    ),
    "sumber_air_minum": (
        AIR_MINUM,
        (
            (0.40, 0.15, 0.15, 0.08, 0.10, 0.04, 0.06, 0.02),
            (0.48, 0.17, 0.14, 0.07, 0.07, 0.02, 0.04, 0.01),
            (0.55, 0.18, 0.13, 0.05, 0.05, 0.01, 0.02, 0.01),
            (0.62, 0.18, 0.11, 0.04, 0.03, 0, 0.01, 0.01),
        ),
    ),
    "kepemilikan_rumah": (
        KEPEMILIKAN,
        (
            (0.55, 0.18, 0.24, 0, 0.03),
            (0.60, 0.18, 0.19, 0.01, 0.02),
            (0.65, 0.18, 0.15, 0.01, 0.01),
            (0.70, 0.17, 0.11, 0.01, 0.01),
        ),
    ),
}
BAB_TABLE = ((0.30, 0.30, 0.28, 0.12), (0.42, 0.28, 0.22, 0.08), (0.55, 0.23, 0.17, 0.05), (0.66, 0.18, 0.13, 0.03))
DAYA_TABLE = (
    (0.62, 0.33, 0.04, 0.01, 0, 0),
    (0.50, 0.42, 0.07, 0.01, 0, 0),
    (0.38, 0.50, 0.10, 0.02, 0, 0),
    (0.28, 0.55, 0.14, 0.03, 0, 0),
)
KLOSET_TABLE = ((0.85, 0.10, 0.05, 0), (0.60, 0.15, 0.25, 0), (0.80, 0.10, 0.10, 0), (0, 0, 0.30, 0.70))
TINJA_TABLE = (
    (0.95, 0.05, 0, 0, 0, 0),
    (0, 0, 0.60, 0.30, 0.10, 0),
    (0.50, 0, 0.45, 0.05, 0, 0),
    (0, 0, 0.50, 0.10, 0.35, 0.05),
)
# PKH: ~45/30/18/8 % after the eligibility factor (children or elderly in the family).
PROGRAM_P = {
    "penerima_pkh": (0.54, 0.36, 0.21, 0.095),
    "penerima_bpnt": (0.55, 0.40, 0.25, 0.12),
    "penerima_bst": (0.30, 0.22, 0.15, 0.08),
    "penerima_bpum": (0.06, 0.06, 0.05, 0.05),
    "penerima_pbi": (0.85, 0.72, 0.58, 0.42),
    "memiliki_simpanan": (0.05, 0.09, 0.14, 0.20),
}
STUNTING_P = (0.50, 0.40, 0.32, 0.25)  # share "Beresiko" among families with a child under 5
ASSET_P = {
    "aset_gas": (0.03, 0.05, 0.08, 0.12),
    "aset_kulkas": (0.15, 0.25, 0.38, 0.50),
    "aset_ac": (0, 0.01, 0.02, 0.04),
    "aset_pemanas_air": (0, 0, 0.01, 0.02),
    "aset_telepon": (0.01, 0.02, 0.03, 0.04),
    "aset_tv": (0.55, 0.68, 0.78, 0.85),
    "aset_emas": (0.03, 0.06, 0.10, 0.15),
    "aset_komputer": (0.01, 0.02, 0.04, 0.07),
    "aset_sepeda_motor": (0.35, 0.50, 0.62, 0.72),
    "aset_mobil": (0, 0, 0.01, 0.02),
    "aset_perahu": (0.10, 0.08, 0.06, 0.04),
    "aset_smartphone": (0.50, 0.62, 0.74, 0.83),
    "aset_lahan": (0.03, 0.05, 0.08, 0.10),
    "aset_ternak": (0.05, 0.06, 0.07, 0.08),
}
EDU_AGE_EDGES = (7, 13, 16, 19, 23, 60)
EDU_TABLE = (
    (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    (0.04, 0, 0.96, 0, 0, 0, 0, 0, 0, 0),
    (0.02, 0.04, 0.06, 0.08, 0.80, 0, 0, 0, 0, 0),
    (0.01, 0.04, 0, 0.10, 0.05, 0.18, 0.62, 0, 0, 0),
    (0.02, 0.05, 0, 0.17, 0, 0.25, 0.03, 0.40, 0.08, 0),
    (0.04, 0.13, 0, 0.31, 0, 0.24, 0, 0.25, 0, 0.03),
    (0.20, 0.30, 0, 0.33, 0, 0.09, 0, 0.07, 0, 0.01),
)
MASIH = (2, 4, 6, 8)
JOB_TABLE = (
    (1,) + (0,) * 11,  # too young / out of school child
    (0, 1) + (0,) * 10,  # in school
    (0.08, 0, 0.55, 0.01, 0.12, 0.13, 0.04, 0, 0, 0.06, 0.01, 0),  # women 15-64
    (0.07, 0, 0, 0.26, 0.30, 0.09, 0.08, 0.06, 0.07, 0.05, 0.02, 0),  # men 15-64
    (0.60, 0, 0.14, 0.05, 0.05, 0.08, 0.02, 0, 0, 0, 0.03, 0.03),
)  # 65+
KAWIN_TABLE = (
    (1, 0, 0, 0),
    (0, 1, 0, 0),
    (0.35, 0, 0.55, 0.10),
    (0.04, 0, 0.30, 0.66),
    (0.75, 0, 0.22, 0.03),
    (0.15, 0, 0.38, 0.47),
    (0.82, 0.10, 0.07, 0.01),
    (0, 0.30, 0.05, 0.65),
    (0.45, 0.25, 0.10, 0.20),
)
AGE_FLAGS = (
    ("usia_dibawah_7_tahun", 0, 6),
    ("usia_7_sd_12", 7, 12),
    ("usia_13_sd_15", 13, 15),
    ("usia_16_sd_18", 16, 18),
    ("usia_19_sd_21", 19, 21),
    ("usia_22_sd_59", 22, 59),
    ("usia_60_tahun_keatas", 60, 200),
)

# ----------------------------------------------------------------------------- names, streets
MALE = (
    "AHMAD",
    "MUHAMMAD",
    "BUDI",
    "RUDI",
    "HENDRA",
    "JOKO",
    "AGUS",
    "SYAHRUL",
    "RIZKY",
    "FAJAR",
    "ANDI",
    "DEDI",
    "IRFAN",
    "YUSUF",
    "HASAN",
    "RIDWAN",
    "ARIF",
    "BAYU",
    "DIMAS",
    "EKO",
    "FIKRI",
    "GILANG",
    "HADI",
    "ILHAM",
    "LUKMAN",
    "MULYADI",
    "NANDA",
    "RAHMAT",
    "SURYA",
    "TAUFIK",
    "WAHYU",
    "ZULKIFLI",
    "AMRAN",
    "BAHTIAR",
    "DARMAN",
    "SAIFUL",
)
FEMALE = (
    "SITI",
    "NUR",
    "DEWI",
    "SRI",
    "RINA",
    "WATI",
    "FITRI",
    "AISYAH",
    "AYU",
    "INDAH",
    "MAYA",
    "NURUL",
    "PUTRI",
    "RAHMA",
    "YANTI",
    "ZAHRA",
    "DIAN",
    "EKA",
    "FATIMAH",
    "INTAN",
    "JULIANA",
    "KARTIKA",
    "LINA",
    "MEGA",
    "NOVITA",
    "ROSMAWATI",
    "SURYANI",
    "TUTI",
    "HALIMAH",
    "MARIANI",
    "SALMAH",
    "ROSNI",
)
MARGA = (
    "SIREGAR",
    "NASUTION",
    "HARAHAP",
    "LUBIS",
    "HASIBUAN",
    "PANE",
    "TANJUNG",
    "SITORUS",
    "SIMATUPANG",
    "PANJAITAN",
    "MANURUNG",
    "SINAGA",
    "DAMANIK",
    "PURBA",
    "SARAGIH",
    "POHAN",
    "RANGKUTI",
    "DAULAY",
    "MARPAUNG",
    "SIMANJUNTAK",
)
MALE_2 = (
    "SAPUTRA",
    "SYAHPUTRA",
    "PRATAMA",
    "HIDAYAT",
    "RAMADHAN",
    "SISWANTO",
    "KURNIAWAN",
    "SETIAWAN",
    "HAKIM",
    "RAHMAN",
    "EFENDI",
    "IRAWAN",
)
FEMALE_2 = (
    "SARI",
    "LESTARI",
    "WATI",
    "NINGSIH",
    "YANTI",
    "RAHMAWATI",
    "HANDAYANI",
    "SAFITRI",
    "PUSPITA",
    "ANGGRAINI",
    "SUSANTI",
    "WAHYUNI",
)
SECOND_NAMES = MARGA + MALE_2 + FEMALE_2 + (None,)
STREETS = (
    "Sudirman",
    "Diponegoro",
    "Imam Bonjol",
    "Teuku Umar",
    "Cokroaminoto",
    "Sisingamangaraja",
    "Pahlawan",
    "Merdeka",
    "Veteran",
    "Kartini",
    "Mesjid",
    "Pelabuhan",
    "Nelayan",
    "Bahagia",
    "Sentosa",
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Cempaka",
    "Kelapa",
    "Durian",
    "Rambutan",
    "Manggis",
    "Pantai",
    "Sungai",
    "Pendidikan",
    "Perintis",
    "Bakti",
    "Karya",
)
