"""The English switch on the newer pages (dashboard, indicators, poverty pockets, verivali, meetings, reports),
and the English catalogue being complete and compiled."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "tepat" / "locale" / "en" / "LC_MESSAGES"

# page -> (English text that must appear, Indonesian text it replaces, which must be gone)
PAGES = {
    "/": (
        ["Overview", "Coordination meeting", "Programme coverage", "All meetings"],
        ["Ringkasan", "Rapat koordinasi", "Cakupan program", "Semua rapat"],
    ),
    "/indikator/": (
        ["Poverty indicators and their targets", "Stored official data", "Registry indicators"],
        ["Indikator kemiskinan dan targetnya", "Data resmi tersimpan", "Indikator registri"],
    ),
    "/kantong/": (
        ["Poverty pockets", "Kelurahan ranking", "Hotspot analysis", "Contiguity"],
        ["Kantong kemiskinan", "Peringkat kelurahan", "Analisis hotspot", "Ketetanggaan"],
    ),
    "/verivali/": (
        ["Verification and validation (verivali)", "New campaign", "No verivali campaigns yet."],
        ["Verifikasi dan validasi", "Kampanye baru", "Belum ada kampanye verivali."],
    ),
    "/rapat/": (
        ["TKPKD coordination meetings", "Rakor compliance", "Follow-up on decisions by meeting"],
        ["Rapat koordinasi TKPKD", "Kepatuhan rakor", "Tindak lanjut keputusan per rapat"],
    ),
    "/laporan/": (
        ["Reports", "Narrative sections", "Problems and obstacles"],
        ["Bagian naratif", "Permasalahan dan kendala", "Rekomendasi dan rencana tindak lanjut"],
    ),
}


@pytest.mark.parametrize("url", PAGES)
def test_the_newer_pages_switch_to_english(client, cast, url):
    english, indonesian = PAGES[url]
    client.force_login(cast["analyst"])
    before = client.get(url).content.decode()
    assert all(text in before for text in indonesian[:1]), "the page is Indonesian until the user switches"
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert [text for text in english if text not in body] == []
    assert [text for text in indonesian if text in body] == []


def test_the_navigation_is_in_english_after_the_switch(client, cast):
    client.force_login(cast["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    nav = client.get("/").content.decode()
    for english, indonesian in [
        ("Poverty pockets", "Kantong kemiskinan"),
        ("Meetings", ">Rapat<"),
        ("Reports", ">Laporan<"),
    ]:
        assert english in nav and indonesian not in nav


def test_english_messages_keep_their_placeholders(client, cast):
    """A year with no meeting yet: the three rakor of the year are still to hold, in both languages."""
    client.force_login(cast["analyst"])
    assert "masih 3 rakor lagi" in client.get("/rapat/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/rapat/"})
    body = client.get("/rapat/").content.decode()
    assert "3 more rakor to go" in body and "masih" not in body


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) is not installed")
def test_the_english_catalogue_is_complete_and_compiled(tmp_path):
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    check = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "fresh.mo"), str(po)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert "fuzzy" not in check.stderr and "untranslated" not in check.stderr, check.stderr
    assert (tmp_path / "fresh.mo").read_bytes() == mo.read_bytes(), "django.mo is older than django.po: compile it"


def test_the_hotspot_method_is_named_in_english(client, cast):
    client.force_login(cast["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/kantong/").content.decode()
    assert "Local Moran&#x27;s I (LISA)" in body or "Local Moran's I (LISA)" in body
    assert "Moran&#x27;s I lokal" not in body and "Moran's I lokal" not in body
