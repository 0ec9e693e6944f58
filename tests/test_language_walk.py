"""Every page in one language at a time, as every role that can open it, over the demo.

The walk reuses the masking walk's page list (tests/test_masking_walk.py: every URL pattern of the
project, parameterised ones with real demo objects), GETs each HTML page in Indonesian and in English
with the Django test client and reads its visible text (tags, attributes, scripts and code blocks —
`<code>`, `<pre>`, the rule box `<textarea>` — removed; chart text in inline SVG kept). It fails on:

- an English page showing an Indonesian UI word (ID_WORDS) or an Indonesian catalogue msgid;
- an Indonesian page showing an English UI word (EN_WORDS) or an English catalogue msgstr;
- a raw key (`served_not_eligible`, `is_active`, `program_air_bersih`: any snake_case word) in either.

Data is not UI: a word inside a value the database holds (a name, an address, an agency's or a
program's name, a meeting's agenda line, a file name, an access-log line, a registry value domain such as
"Ya, dengan Septictank") is not counted, nor a word in
capitals (registry values and names: "BELUM/TIDAK BEKERJA", "BAYI BARU"). Stored reports (import and
upload reports) are not data: their messages must be shown in the reader's language.
What it cannot see: an untranslated word outside the word lists, and text only shown after a POST.
`test_the_check_finds_an_untranslated_string_and_a_raw_key` shows it fails on a real page.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import defaultdict

import pytest
from django.urls import reverse

from tests.test_masking_walk import POST_ONLY, _objects, _params, all_url_names, demo  # noqa: F401  (fixture)
from tests.test_one_language import english_msgstrs, indonesian_msgids

# Indonesian UI words that are not English words (nor names of administrative units and terms kept in
# both languages such as kelurahan, kecamatan, desil, rakor, verivali, musyawarah)
ID_WORDS = frozenset(
    [
        "dan",
        "yang",
        "tidak",
        "belum",
        "dengan",
        "untuk",
        "dari",
        "atau",
        "ada",
        "sudah",
        "akan",
        "oleh",
        "pada",
        "ini",
        "itu",
        "dalam",
        "tanpa",
        "semua",
        "jumlah",
        "tanggal",
        "tahun",
        "bulan",
        "keluarga",
        "anggota",
        "simpan",
        "unduh",
        "unggah",
        "kembali",
        "lihat",
        "ubah",
        "hapus",
        "cari",
        "tampilkan",
        "pilih",
        "tambah",
        "buat",
        "kirim",
        "batal",
        "batalkan",
        "keluar",
        "masuk",
        "menunggu",
        "disetujui",
        "ditolak",
        "dibatalkan",
        "berkas",
        "baris",
        "kolom",
        "halaman",
        "nilai",
        "nama",
        "alamat",
        "sebelum",
        "sesudah",
        "terakhir",
        "baru",
        "daftar",
        "rincian",
        "catatan",
        "alasan",
        "peserta",
        "hadir",
        "jadwal",
        "tempat",
        "waktu",
        "pukul",
        "kunjungan",
        "usulan",
        "perubahan",
        "sesuai",
        "jalur",
        "sasaran",
        "anggaran",
        "penerima",
        "layak",
        "dilayani",
        "miskin",
        "ekstrem",
        "rumah",
        "tangga",
        "kepala",
        "umur",
        "pendidikan",
        "pekerjaan",
        "wilayah",
        "kota",
        "selesai",
        "gagal",
        "berjalan",
        "lebih",
        "kurang",
        "sampai",
        "sejak",
        "tindak",
        "lanjut",
        "terbuka",
        "terlambat",
        "ditutup",
        "rapat",
        "laporan",
        "kesenjangan",
        "cakupan",
        "pengguna",
        "peran",
        "sandi",
        "belum",
        "tersalur",
        "dicatat",
        "disimpan",
        "diubah",
        "dibuat",
        "dihapus",
        "berikutnya",
        "sebelumnya",
        "halaman",
        "keterangan",
        "jenis",
        "sumber",
        "tujuan",
        "hasil",
        "unggahan",
        "riwayat",
        "pesan",
        "kosong",
        "disembunyikan",
        "bukan",
        "diunduh",
        "kampanye",
        "petugas",
        "pendata",
        "tugas",
        "keputusan",
        "notula",
        "undangan",
        "bahan",
        "dokumen",
    ]
)
# English UI words that are not Indonesian words (nor terms kept in both languages: program, target, data,
# status, format, total, hotspot, rakor)
EN_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "with",
        "for",
        "from",
        "to",
        "in",
        "on",
        "by",
        "is",
        "are",
        "was",
        "not",
        "yes",
        "none",
        "all",
        "download",
        "upload",
        "save",
        "cancel",
        "delete",
        "edit",
        "search",
        "show",
        "back",
        "next",
        "previous",
        "page",
        "family",
        "families",
        "member",
        "members",
        "household",
        "report",
        "reports",
        "rows",
        "row",
        "column",
        "value",
        "values",
        "name",
        "address",
        "date",
        "year",
        "month",
        "day",
        "open",
        "closed",
        "overdue",
        "pending",
        "approved",
        "rejected",
        "waiting",
        "submitted",
        "error",
        "warning",
        "file",
        "files",
        "people",
        "person",
        "user",
        "users",
        "role",
        "password",
        "sign",
        "meeting",
        "meetings",
        "minutes",
        "attendance",
        "decision",
        "decisions",
        "action",
        "actions",
        "items",
        "coverage",
        "convergence",
        "exclusion",
        "inclusion",
        "overlap",
        "unserved",
        "eligible",
        "served",
        "budget",
        "objective",
        "only",
        "more",
        "less",
        "than",
        "when",
        "which",
        "who",
        "what",
        "this",
        "that",
        "there",
        "here",
        "has",
        "have",
        "been",
        "can",
        "cannot",
        "must",
        "will",
        "should",
        "new",
        "list",
        "map",
        "chart",
        "table",
        "poor",
        "extreme",
    ]
)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]*")  # a snake_case key is one word (the raw-key check reads it)
RAW_KEY = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-]|\.\w)")
HIDDEN = re.compile(r"<!--.*?-->|<(script|style|code|pre|textarea|kbd|samp|template|title)\b.*?</\1\s*>", re.S | re.I)
LANGUAGE_NAMES = {"English", "Bahasa Indonesia"}  # the language switch names the other language in its own words
ALL = ""  # data_index's key of every value
REPORTS = {"report", "result"}  # JSON fields holding import / upload reports, shown through the page's words
FILES = {"csv", "xlsx", "pdf", "docx", "svg", "png", "json", "zip"}
PER_PATTERN = 1  # objects walked per parameterised page (the masking walk walks more)


def text_nodes(page: str) -> list[str]:
    """The visible text of a page, one entry per text node (code blocks, comments and tags removed)."""
    page = HIDDEN.sub(" ", page)
    nodes = (html_lib.unescape(" ".join(t.split())) for t in re.split(r"<[^>]+>", page))
    return [n for n in nodes if n and n not in LANGUAGE_NAMES]


def _strings(value) -> list[str]:
    """The text leaves of a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in _strings(item)] if isinstance(value, list) else []


def data_index() -> dict[str, list[str]]:
    """word (lower case) or raw key -> the values held in the database that contain it (longest first),
    ALL -> every value: every text field without choices and every JSON field but the stored reports, of
    every Tepat model."""
    from django.apps import apps
    from django.db import models

    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("tepat."):
            continue
        for field in model._meta.concrete_fields:
            column = model.objects.values_list(field.name, flat=True).distinct()
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                values |= set(column)
            elif isinstance(field, models.JSONField) and field.name not in REPORTS:
                values |= {text for value in column for text in _strings(value)}
    from tepat.engine.rules.schema import load_domains

    values |= {value for domain in load_domains().values() for value in domain}  # registry value domains
    values |= {line for value in values if value and "\n" in value for line in value.splitlines()}
    values = {" ".join(value.split()) for value in values if value}  # as text_nodes shows it
    index = defaultdict(list)
    for value in sorted((v for v in values if v), key=len, reverse=True):
        for word in {w.lower() for w in WORD.findall(value)} & (ID_WORDS | EN_WORDS):
            index[word].append(value)
        for key in RAW_KEY.findall(value):
            index[key].append(value)
        index[ALL].append(value)
    return index


def _without_data(node: str, word: str, index: dict[str, list[str]]) -> str:
    for value in index[word] if word in index else (v for v in index.get(ALL, ()) if word in v):
        node = node.replace(value, " ")
    return node


def findings(page: str, language: str, index: dict[str, list[str]], catalogue: list[str]) -> list[str]:
    """What a reader of `language` would see in the other language, or as a raw key."""
    foreign = ID_WORDS if language == "en" else EN_WORDS
    found, nodes = [], text_nodes(page)
    for node in nodes:
        for word in _words(node) & foreign:
            if word in _words(_without_data(node, word, index)):
                found.append(f"{word!r} in {node[:90]!r}")
        for key in set(RAW_KEY.findall(node)):
            if key in RAW_KEY.findall(_without_data(node, key, index)):
                found.append(f"key {key!r} in {node[:90]!r}")
    text = "\n".join(nodes)
    for entry in (e for e in catalogue if e in text):  # then the nodes that hold it, data removed
        if any(entry in _without_data(node, entry, index) for node in nodes if entry in node):
            found.append(f"catalogue {entry[:60]!r}")
    return found


def _words(text: str) -> set[str]:
    """The lower-cased words of a text, but words in capitals (registry values and names)."""
    return {w.lower() for w in WORD.findall(text) if not w.isupper()}


def page_urls() -> list[str]:
    """Every HTML page of the project: each URL pattern, parameterised ones with PER_PATTERN demo objects
    (downloads and images, whose kwargs name a file type, are the masking walk's business)."""
    params = _params(_objects())
    urls = []
    for name, route in all_url_names().items():
        if name in POST_ONLY:
            continue
        for kwargs in params.get(name, [{}])[:PER_PATTERN] if "<" in route else [{}]:
            if not FILES & {str(v) for v in kwargs.values()}:
                urls.append(reverse(name, kwargs=kwargs))
    return urls


def walk(client, user, language: str, urls: list[str], catalogue) -> tuple[int, dict[str, list[str]]]:
    """(pages read, url -> findings) for `user` in `language` (the data index is read again after each
    page with findings: the walk itself writes access-log lines that the log page shows)."""
    client.force_login(user)
    client.cookies.pop("django_language", None)
    if language == "en":
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    read, found, index = 0, {}, data_index()
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        read += 1
        left = findings(response.content.decode(), language, index, catalogue)
        if left:
            index = data_index()
            left = findings(response.content.decode(), language, index, catalogue)
        if left:
            found[url] = left
    return read, found


def test_the_check_finds_an_untranslated_string_and_a_raw_key(client, cast):
    """The check on a real English page: clean as rendered; an Indonesian label, an English page's raw key
    and an Indonesian catalogue msgid are found; the same key inside <code> and a name held as data are not."""
    from tepat.accounts.models import Opd

    client.force_login(cast["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/rapat/").content.decode()
    catalogue = indonesian_msgids()
    assert findings(page, "en", data_index(), catalogue) == []
    planted = page.replace(
        "</main>",
        "<label>Alasan perubahan</label><td>served_not_eligible</td><code>is_active</code>"
        "<p>Belum ada unggahan.</p><p>Rapat Pleno dan Evaluasi</p></main>",
    )
    Opd.objects.create(code="pleno", name="Rapat Pleno dan Evaluasi")  # a name held as data
    assert sorted(findings(planted, "en", data_index(), catalogue)) == [
        "'ada' in 'Belum ada unggahan.'",
        "'alasan' in 'Alasan perubahan'",
        "'belum' in 'Belum ada unggahan.'",
        "'perubahan' in 'Alasan perubahan'",
        "'unggahan' in 'Belum ada unggahan.'",
        "catalogue 'Alasan perubahan'",
        "catalogue 'Belum ada unggahan.'",
        "key 'served_not_eligible' in 'served_not_eligible'",
    ]
    english = "<main><button>Download the report</button> <a>English</a></main>"
    assert sorted(findings(english, "id", {}, [])) == [
        "'download' in 'Download the report'",
        "'report' in 'Download the report'",
        "'the' in 'Download the report'",
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_shows_one_language_and_no_raw_key_for_every_role(client, demo, language):
    urls, catalogue = page_urls(), (indonesian_msgids() if language == "en" else english_msgstrs())
    report, reads = {}, {}
    for username, user in sorted(demo.items()):
        reads[username], found = walk(client, user, language, urls, catalogue)
        report.update({f"{username} {url}": left for url, left in found.items()})
    assert reads["analis"] > 35 and min(reads.values()) >= 3, reads  # the walk reached the pages
    assert report == {}, "\n".join(f"{where}: {left}" for where, left in report.items())
