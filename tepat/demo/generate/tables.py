"""Constants of the generator: formats, paths, value domains, probability tables and names."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FORMATS = ("p3ke-keluarga", "p3ke-individu", "dtsen-keluarga", "dtsen-anggota")

_PKG = Path(__file__).resolve().parents[2]
PROFILES_DIR = _PKG / "registry" / "profiles"
_PACKS = _PKG / "regions" / "packs"
REGIONS_CSV = _PACKS / (_PACKS / "default.txt").read_text().strip() / "regions.csv"  # the default city pack's region master

REFERENCE_DATE = np.datetime64("2024-06-30", "D")  # ages and usia_* flags are at this date
TITLE_ROWS = 11  # P3KE: title block rows 1-11, header row 12, data from row 13
CHUNK_FAMILIES = 50_000
OUTSIDE_PREFIXES = (120901, 120803, 127101)  # NIK first registered elsewhere in Sumatera Utara
MAX_ERROR_RATE = 0.5

# ----------------------------------------------------------------------------- value domains
# Label order equals domains.json order; probability tables below index these tuples.
LANTAI = ("Keramik/Granit/Marmer/Ubin/Tegel/Teraso", "Semen", "Kayu/Papan", "Bambu", "Tanah",
          "Lainnya")
ATAP = ("Beton", "Genteng", "Asbes/Seng", "Kayu/Sirap", "Bambu", "Jerami/Ijuk/Rumbia/Daun-daunan",
        "Lainnya")
DINDING = ("Tembok", "Kayu/Papan", "Seng", "Bambu", "Plesteran anyaman bambu/kawat", "Lainnya")
PENERANGAN = ("Listrik PLN meteran", "Listrik PLN non meteran", "Listrik non-PLN", "Bukan listrik")
BAHAN_BAKAR = ("Listrik/Gas", "Minyak Tanah", "Arang/Kayu", "Lainnya")
AIR_MINUM = ("Air Kemasan/Isi Ulang", "Ledeng/PAM", "Sumur Bor", "Sumur Terlindung",
             "Sumur Tidak Terlindung", "Air Permukaan (Sungai, Danau, dll)", "Air Hujan", "Lainnya")
KEPEMILIKAN = ("Milik Sendiri", "Kontrak/Sewa", "Bebas Sewa/Menumpang", "Dinas", "Lainnya")
PENDIDIKAN = ("Tidak Sekolah", "Tidak Tamat SD", "Masih SD", "Tamat SD", "Masih SLTP",
              "Tamat SLTP", "Masih SLTA", "Tamat SLTA", "Masih PT", "Tamat PT")
KAWIN = ("Belum Kawin", "Kawin", "Cerai Hidup", "Cerai Mati")
STUNTING = ("Beresiko Stunting", "Tidak Beresiko Stunting", "Bukan Target Sasaran")
SEX = ("Laki-laki", "Perempuan")
HUBUNGAN = ("Kepala Keluarga", "Istri/Suami", "Anak", "Menantu", "Cucu", "Orang Tua/Mertua",
            "Famili Lain", "Pembantu", "Lainnya")
DAYA = ("450 VA", "900 VA", "1300 VA", "2200 VA", ">2200 VA", "Tanpa meteran")
FLAG = ("Tidak", "Ya")
# Latent toilet state: own+septic, own without septic, shared, other -> label per source.
BAB = {"p3ke": ("Milik Sendiri", "Milik Sendiri", "Umum/Bersama", "Lainnya"),
       "dtsen": ("Ya, dengan Septictank", "Ya, Tanpa Septictank", "Tidak, Jamban Umum/Bersama",
                 "Lainnya")}
_DOMAIN_LABELS = {"jenis_lantai": LANTAI, "jenis_atap": ATAP, "jenis_dinding": DINDING,
                  "sumber_penerangan": PENERANGAN, "bahan_bakar_memasak": BAHAN_BAKAR,
                  "sumber_air_minum": AIR_MINUM, "kepemilikan_rumah": KEPEMILIKAN,
                  "pendidikan": PENDIDIKAN, "status_kawin": KAWIN, "resiko_stunting": STUNTING,
                  "jenis_kelamin": SEX, "hubungan_dengan_kepala_keluarga": HUBUNGAN,
                  "daya_listrik": DAYA, "fasilitas_bab": BAB["p3ke"] + BAB["dtsen"], "_flags": FLAG}

# Free-text fields (no domain in domains.json).
JOBS = ("BELUM/TIDAK BEKERJA", "PELAJAR/MAHASISWA", "MENGURUS RUMAH TANGGA", "NELAYAN/PERIKANAN",
        "BURUH HARIAN LEPAS", "PEDAGANG", "WIRASWASTA", "SOPIR", "TUKANG BATU",
        "KARYAWAN SWASTA", "PETANI/PEKEBUN", "PENSIUNAN")
NELAYAN = 3
LAPANGAN_USAHA = (None, None, None, "Perikanan", "Konstruksi", "Perdagangan", "Perdagangan",
                  "Transportasi dan Pergudangan", "Konstruksi", "Industri Pengolahan", "Pertanian",
                  None)
STATUS_PEKERJAAN = (None, None, None, "Berusaha sendiri", "Pekerja bebas", "Berusaha sendiri",
                    "Berusaha dibantu buruh tidak tetap", "Buruh/karyawan/pegawai",
                    "Pekerja bebas", "Buruh/karyawan/pegawai", "Berusaha sendiri", None)
PARTISIPASI_BY_EDU = ("Tidak/belum pernah sekolah", "Tidak bersekolah lagi", "Masih sekolah",
                      "Tidak bersekolah lagi", "Masih sekolah", "Tidak bersekolah lagi",
                      "Masih sekolah", "Tidak bersekolah lagi", "Masih sekolah",
                      "Tidak bersekolah lagi")
JENJANG_BY_EDU = (None, "SD/sederajat", "SD/sederajat", "SD/sederajat", "SMP/sederajat",
                  "SMP/sederajat", "SMA/sederajat", "SMA/sederajat", "Perguruan Tinggi",
                  "Perguruan Tinggi")
KLOSET = ("Leher angsa", "Plengsengan", "Cemplung/cubluk", "Tidak pakai")
TINJA = ("Tangki septik", "IPAL", "Kolam/sawah/sungai/danau/laut", "Lubang tanah",
         "Pantai/tanah lapang/kebun", "Lainnya")

# ----------------------------------------------------------------------------- probabilities
SIZE_P = (0.08, 0.15, 0.20, 0.22, 0.17, 0.09, 0.05, 0.025, 0.015)  # sizes 1..9, mean ~3.9
P3KE_CUTS = (0.15, 0.40, 0.70)  # desil 1-4 shares 15/25/30/30 %
HOUSING = {  # canonical field -> (labels, rows = P3KE desil 1..4)
    "jenis_lantai": (LANTAI, ((.10, .35, .40, .03, .10, .02), (.18, .40, .32, .02, .06, .02),
                              (.28, .42, .24, .01, .04, .01), (.38, .40, .18, .01, .02, .01))),
    "jenis_atap": (ATAP, ((0, .02, .85, .02, .01, .09, .01), (.01, .03, .90, .01, 0, .04, .01),
                          (.01, .05, .91, .01, 0, .01, .01), (.02, .06, .90, .01, 0, 0, .01))),
    "jenis_dinding": (DINDING, ((.20, .62, .08, .04, .03, .03), (.32, .55, .06, .03, .02, .02),
                                (.45, .45, .05, .02, .02, .01), (.58, .35, .03, .01, .02, .01))),
    "sumber_penerangan": (PENERANGAN, ((.70, .24, .03, .03), (.80, .17, .02, .01),
                                       (.87, .12, .01, 0), (.92, .08, 0, 0))),
    "bahan_bakar_memasak": (BAHAN_BAKAR, ((.80, .05, .14, .01), (.87, .04, .08, .01),
                                          (.92, .03, .04, .01), (.95, .02, .02, .01))),
    "sumber_air_minum": (AIR_MINUM, ((.40, .15, .15, .08, .10, .04, .06, .02),
                                     (.48, .17, .14, .07, .07, .02, .04, .01),
                                     (.55, .18, .13, .05, .05, .01, .02, .01),
                                     (.62, .18, .11, .04, .03, 0, .01, .01))),
    "kepemilikan_rumah": (KEPEMILIKAN, ((.55, .18, .24, 0, .03), (.60, .18, .19, .01, .02),
                                        (.65, .18, .15, .01, .01), (.70, .17, .11, .01, .01))),
}
BAB_TABLE = ((.30, .30, .28, .12), (.42, .28, .22, .08), (.55, .23, .17, .05), (.66, .18, .13, .03))
DAYA_TABLE = ((.62, .33, .04, .01, 0, 0), (.50, .42, .07, .01, 0, 0), (.38, .50, .10, .02, 0, 0),
              (.28, .55, .14, .03, 0, 0))
KLOSET_TABLE = ((.85, .10, .05, 0), (.60, .15, .25, 0), (.80, .10, .10, 0), (0, 0, .30, .70))
TINJA_TABLE = ((.95, .05, 0, 0, 0, 0), (0, 0, .60, .30, .10, 0), (.50, 0, .45, .05, 0, 0),
               (0, 0, .50, .10, .35, .05))
# PKH: ~45/30/18/8 % after the eligibility factor (children or elderly in the family).
PROGRAM_P = {"penerima_pkh": (.54, .36, .21, .095),
             "penerima_bpnt": (.55, .40, .25, .12),
             "penerima_bst": (.30, .22, .15, .08), "penerima_bpum": (.06, .06, .05, .05),
             "penerima_pbi": (.85, .72, .58, .42), "memiliki_simpanan": (.05, .09, .14, .20)}
STUNTING_P = (.50, .40, .32, .25)  # share "Beresiko" among families with a child under 5
ASSET_P = {"aset_gas": (.03, .05, .08, .12), "aset_kulkas": (.15, .25, .38, .50),
           "aset_ac": (0, .01, .02, .04), "aset_pemanas_air": (0, 0, .01, .02),
           "aset_telepon": (.01, .02, .03, .04), "aset_tv": (.55, .68, .78, .85),
           "aset_emas": (.03, .06, .10, .15), "aset_komputer": (.01, .02, .04, .07),
           "aset_sepeda_motor": (.35, .50, .62, .72), "aset_mobil": (0, 0, .01, .02),
           "aset_perahu": (.10, .08, .06, .04), "aset_smartphone": (.50, .62, .74, .83),
           "aset_lahan": (.03, .05, .08, .10), "aset_ternak": (.05, .06, .07, .08)}
EDU_AGE_EDGES = (7, 13, 16, 19, 23, 60)
EDU_TABLE = ((1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
             (.04, 0, .96, 0, 0, 0, 0, 0, 0, 0),
             (.02, .04, .06, .08, .80, 0, 0, 0, 0, 0),
             (.01, .04, 0, .10, .05, .18, .62, 0, 0, 0),
             (.02, .05, 0, .17, 0, .25, .03, .40, .08, 0),
             (.04, .13, 0, .31, 0, .24, 0, .25, 0, .03),
             (.20, .30, 0, .33, 0, .09, 0, .07, 0, .01))
MASIH = (2, 4, 6, 8)
JOB_TABLE = ((1,) + (0,) * 11,  # too young / out of school child
             (0, 1) + (0,) * 10,  # in school
             (.08, 0, .55, .01, .12, .13, .04, 0, 0, .06, .01, 0),  # women 15-64
             (.07, 0, 0, .26, .30, .09, .08, .06, .07, .05, .02, 0),  # men 15-64
             (.60, 0, .14, .05, .05, .08, .02, 0, 0, 0, .03, .03))  # 65+
KAWIN_TABLE = ((1, 0, 0, 0), (0, 1, 0, 0), (.35, 0, .55, .10), (.04, 0, .30, .66),
               (.75, 0, .22, .03), (.15, 0, .38, .47), (.82, .10, .07, .01), (0, .30, .05, .65),
               (.45, .25, .10, .20))
AGE_FLAGS = (("usia_dibawah_7_tahun", 0, 6), ("usia_7_sd_12", 7, 12), ("usia_13_sd_15", 13, 15),
             ("usia_16_sd_18", 16, 18), ("usia_19_sd_21", 19, 21), ("usia_22_sd_59", 22, 59),
             ("usia_60_tahun_keatas", 60, 200))

# ----------------------------------------------------------------------------- names, streets
MALE = ("AHMAD", "MUHAMMAD", "BUDI", "RUDI", "HENDRA", "JOKO", "AGUS", "SYAHRUL", "RIZKY", "FAJAR",
        "ANDI", "DEDI", "IRFAN", "YUSUF", "HASAN", "RIDWAN", "ARIF", "BAYU", "DIMAS", "EKO",
        "FIKRI", "GILANG", "HADI", "ILHAM", "LUKMAN", "MULYADI", "NANDA", "RAHMAT", "SURYA",
        "TAUFIK", "WAHYU", "ZULKIFLI", "AMRAN", "BAHTIAR", "DARMAN", "SAIFUL")
FEMALE = ("SITI", "NUR", "DEWI", "SRI", "RINA", "WATI", "FITRI", "AISYAH", "AYU", "INDAH", "MAYA",
          "NURUL", "PUTRI", "RAHMA", "YANTI", "ZAHRA", "DIAN", "EKA", "FATIMAH", "INTAN",
          "JULIANA", "KARTIKA", "LINA", "MEGA", "NOVITA", "ROSMAWATI", "SURYANI", "TUTI",
          "HALIMAH", "MARIANI", "SALMAH", "ROSNI")
MARGA = ("SIREGAR", "NASUTION", "HARAHAP", "LUBIS", "HASIBUAN", "PANE", "TANJUNG", "SITORUS",
         "SIMATUPANG", "PANJAITAN", "MANURUNG", "SINAGA", "DAMANIK", "PURBA", "SARAGIH", "POHAN",
         "RANGKUTI", "DAULAY", "MARPAUNG", "SIMANJUNTAK")
MALE_2 = ("SAPUTRA", "SYAHPUTRA", "PRATAMA", "HIDAYAT", "RAMADHAN", "SISWANTO", "KURNIAWAN",
          "SETIAWAN", "HAKIM", "RAHMAN", "EFENDI", "IRAWAN")
FEMALE_2 = ("SARI", "LESTARI", "WATI", "NINGSIH", "YANTI", "RAHMAWATI", "HANDAYANI", "SAFITRI",
            "PUSPITA", "ANGGRAINI", "SUSANTI", "WAHYUNI")
SECOND_NAMES = MARGA + MALE_2 + FEMALE_2 + (None,)
STREETS = ("Sudirman", "Diponegoro", "Imam Bonjol", "Teuku Umar", "Cokroaminoto",
           "Sisingamangaraja", "Pahlawan", "Merdeka", "Veteran", "Kartini", "Mesjid", "Pelabuhan",
           "Nelayan", "Bahagia", "Sentosa", "Melati", "Mawar", "Anggrek", "Kenanga", "Cempaka",
           "Kelapa", "Durian", "Rambutan", "Manggis", "Pantai", "Sungai", "Pendidikan",
           "Perintis", "Bakti", "Karya")
