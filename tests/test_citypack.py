"""The city pack and the national Kemendagri list: any kab/kota can be set up, and demonstrated, by code."""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pytest
from django.test import Client

from tepat.regions import pack
from tepat.regions.loading import NATIONAL, load_national
from tepat.regions.models import Level, Region

ROOT = Path(__file__).resolve().parent.parent
# Asahan's 25 kecamatan, as the idn-area-data list gives them (independent of the loader under test).
ASAHAN_KECAMATAN = 25


def test_the_national_list_has_every_level_and_stays_small():
    with gzip.open(NATIONAL, "rt", encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    dots = [c.count(".") for c in codes]
    assert (dots.count(0), dots.count(1), dots.count(2), dots.count(3)) == (38, 514, 7285, 83762)
    assert len(set(codes)) == len(codes) and NATIONAL.stat().st_size < 1_000_000


@pytest.mark.django_db
def test_loading_a_kabupaten_by_code_adds_its_kecamatan_and_desa_and_keeps_what_is_stored():
    tanjungbalai = Region.objects.get(code="12.74")
    outcome = load_national("12.09")
    assert not outcome.errors
    asahan = Region.objects.get(code="12.09")
    assert (asahan.name, asahan.level, asahan.parent.code) == ("Kabupaten Asahan", Level.KABKOTA, "12")
    assert Region.objects.filter(parent=asahan, level=Level.KECAMATAN).count() == ASAHAN_KECAMATAN
    assert Region.objects.get(code="12.09.20").name == "Kota Kisaran Timur"
    assert Region.objects.filter(code__startswith="12.09.", level=Level.KELURAHAN).count() == 204
    assert load_national("12.09").created == 0  # again: nothing new
    load_national("12")  # the whole province: Tanjungbalai's BPS code and population survive
    tanjungbalai.refresh_from_db()
    assert (tanjungbalai.bps_code, tanjungbalai.population) == ("1272", 187939)
    assert Region.objects.filter(level=Level.KABKOTA, parent__code="12").count() == 33


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, words", [("99.99", "tidak ada di daftar"), ("12.09.01", "harus kode provinsi"), ("abc", "harus kode")]
)
def test_a_code_that_is_not_a_loadable_region_is_refused_in_both_languages(code, words):
    before = Region.objects.count()
    outcome = load_national(code)
    assert words in outcome.errors[0] and " / " in outcome.errors[0]
    assert Region.objects.count() == before


def test_the_city_pack_is_chosen_by_the_region_code(settings, tmp_path):
    assert pack.own_file("regions.csv", "12.74") is not None and pack.own_file("regions.csv", "12.09") is None
    assert pack.pack_file("programs.json", "12.09").parent.name == "umum"  # the national default
    assert pack.fill({"tim": "TKPKD {wilayah}", "n": 3}, {"wilayah": "Kabupaten Asahan"}) == {
        "tim": "TKPKD Kabupaten Asahan",
        "n": 3,
    }


@pytest.mark.django_db
def test_the_letterhead_of_a_region_without_pack_names_that_region(settings):
    from tepat.meetings.documents import letter_settings

    load_national("12.09")
    settings.TEPAT_REGION_CODE = "12.09"
    letter = letter_settings()
    assert letter["pemerintah"] == "PEMERINTAH KABUPATEN ASAHAN" and letter["kota"] == "Asahan"
    assert "{" not in "".join(v for v in letter.values() if isinstance(v, str))


def test_no_python_outside_the_city_pack_names_tanjungbalai_by_code():
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "tepat").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"12\.74", line)
    ]
    assert found == []


@pytest.mark.django_db
def test_the_demo_of_kabupaten_asahan_shows_its_kecamatan_on_the_home_page(regions):
    from tepat.accounts.models import User
    from tepat.bootstrap import ensure_database
    from tepat.demo.load import load_demo
    from tepat.registry.models import Family

    ensure_database()
    lines: list[str] = []
    load_demo(300, echo=lines.append, region="12.09")
    assert Family.objects.filter(kelurahan__code__startswith="12.09.").count() == Family.objects.count() > 250
    client = Client()
    client.force_login(User.objects.get(username="analis"))
    page = client.get("/").content.decode()
    shown = [
        name
        for name in Region.objects.filter(parent__code="12.09").values_list("name", flat=True)
        if name.upper() in page.upper()
    ]
    assert len(shown) >= 10 and "Datuk Bandar" not in page
    camat = User.objects.get(username="camat")
    assert camat.region.code.startswith("12.09.")
    from tepat.meetings.models import ActionItem, Meeting

    assert ActionItem.objects.filter(what__contains="204 kelurahan").exists()  # Asahan's count, not Tanjungbalai's 31
    assert Meeting.objects.filter(place__contains="Kabupaten Asahan").exists()
    assert not Meeting.objects.filter(participants__region__code__startswith="12.74").exists()


@pytest.mark.django_db
def test_the_demo_runs_on_a_home_that_holds_an_imported_registry(regions, import_file, settings):
    from tepat.bootstrap import ensure_database
    from tepat.demo.generate import generate
    from tepat.demo.load import load_demo
    from tepat.programs.models import Intervention
    from tepat.registry.models import Family

    ensure_database()
    path = generate(200, "p3ke-individu", settings.TEPAT_HOME / "p3ke.csv", seed=7).path
    import_file(path)
    assert Family.objects.count() == 200
    assert not (settings.TEPAT_HOME / "demo").exists()
    lines: list[str] = []
    load_demo(300, echo=lines.append)
    assert any("dipakai ulang" in line for line in lines)
    assert (settings.TEPAT_HOME / "demo" / "realisasi-pkh-dinsos.csv").exists() and Intervention.objects.exists()
