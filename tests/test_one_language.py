"""Every page in one language at a time: after switching to English, no Indonesian text that the
catalogue translates is left visible (an Indonesian msgid in an English page means a string that was
not translated where it is shown), and no raw measure key is visible in either language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.files import family_rows, write_xlsx
from tests.test_gaps import RAW_KEYS, visible_text

KEYS = [key for key in RAW_KEYS if not key[0].isdigit()]  # region codes may show beside names elsewhere

PO = Path(__file__).resolve().parent.parent / "tepat" / "locale" / "en" / "LC_MESSAGES" / "django.po"
PAGES = [
    "/",
    "/indikator/",
    "/indikator/registri/",
    "/indikator/multidimensi/?level=kelurahan",
    "/kantong/",
    "/keluarga/",
    "/keluarga/{family}/",
    "/program/",
    "/program/pip/",
    "/sasaran/",
    "/realisasi/",
    "/kesenjangan/",
    "/kesenjangan/?measure=cakupan&by=kelurahan",
    "/kesenjangan/?measure=inklusi&by=kecamatan",
    "/alokasi/",
    "/rapat/",
    "/tindak-lanjut/",
    "/verivali/",
    "/laporan/",
]
MIN_LENGTH = 14  # shorter msgids ("Desil", "Kelurahan", "Program") read the same in both languages


def _entries() -> list[tuple[str, str]]:
    """(Indonesian, English) catalogue entries that differ, long enough to be unambiguous, without placeholders."""
    text = PO.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)*)"', text, re.M)
    return [
        (i, e)
        for i, e in entries
        if min(len(i), len(e)) >= MIN_LENGTH and i != e and "%" not in i + e and "{" not in i + e
    ]


def indonesian_msgids() -> list[str]:
    return [i for i, _ in _entries()]


def english_msgstrs() -> list[str]:
    return [e for _, e in _entries()]


@pytest.fixture
def city(import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.registry.models import Family

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="1", penerima_pkh="Ya") + family_rows("B", base=2, desil="2")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    return {"family": Family.objects.order_by("id").first().pk}


def test_english_pages_show_no_indonesian_catalogue_text_and_no_raw_keys(client, cast, city):
    client.force_login(cast["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    msgids, found = indonesian_msgids(), {}
    for template in PAGES:
        url = template.format(**city)
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        left = [m for m in msgids if m in text] + [k for k in KEYS if k in text]
        if left:
            found[url] = left
    assert found == {}, "\n".join(f"{url}: {left}" for url, left in found.items())


def test_indonesian_pages_show_no_english_catalogue_text(client, cast, city):
    client.force_login(cast["analyst"])
    msgstrs, found = english_msgstrs(), {}
    for template in PAGES:
        url = template.format(**city)
        text = visible_text(client.get(url).content.decode())
        left = [m for m in msgstrs if m in text]
        if left:
            found[url] = left
    assert found == {}, "\n".join(f"{url}: {left}" for url, left in found.items())


def test_the_follow_up_filter_names_its_choices_in_the_users_language(client, cast):
    client.force_login(cast["analyst"])
    assert '<option value="terbuka" selected>terbuka</option>' in client.get("/tindak-lanjut/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/tindak-lanjut/").content.decode()
    assert (
        '<option value="terbuka" selected>open</option>' in body
        and '<option value="terlambat">overdue</option>' in body
    )
