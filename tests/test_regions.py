"""The region master: Tanjungbalai ships with the project; other regions load from a csv, all or nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tepat.cli import main
from tepat.regions.codes import dotted, level_of
from tepat.regions.models import Region

HEADER = "code,name,level,parent,bps_code,population\n"


def load(tmp_path, body: str):
    path = tmp_path / "regions.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return CliRunner().invoke(main, ["regions", "load", str(path)])


def test_tanjungbalai_ships_with_its_6_kecamatan_and_31_kelurahan(regions):
    city = Region.objects.get(code="12.74")
    assert city.name == "Kota Tanjungbalai" and city.bps_code == "1272" and city.population == 187939
    assert Region.objects.filter(level="kecamatan", parent=city).count() == 6
    assert Region.objects.filter(level="kelurahan", parent__parent=city).count() == 31
    assert Region.objects.get(code="12.74.05.1010").name == "Pantai Johor"
    assert not Region.objects.filter(code="12.74.05.1001").exists()  # codes have gaps


def test_another_city_loads_from_a_file(regions, tmp_path):
    body = "12.71,Kota Sibolga,kabkota,12,1273,89000\n12.71.01,Sibolga Utara,kecamatan,12.71,,\n12.71.01.1001,Angin Nauli,kelurahan,12.71.01,,\n"
    result = load(tmp_path, body)
    assert result.exit_code == 0, result.output
    assert Region.objects.get(code="12.71.01.1001").parent.parent.name == "Kota Sibolga"


@pytest.mark.parametrize(
    "body, message",
    [
        ("12.71.1,Salah,kecamatan,12.71,,\n", "tidak berformat Kemendagri"),
        ("12.71.01,Salah,kelurahan,12.71,,\n", "bukan tingkat kelurahan"),
        ("12.99.01,Yatim,kecamatan,12.99,,\n", "induk '12.99' tidak ada"),
        ("12.74.07,Salah induk,kecamatan,12.71,,\n", "tidak sesuai kode"),
        ("12.71,Kota X,kabkota,12,12345,\n", "kode BPS"),
        ("12.71,Kota X,kabkota,12,,banyak\n", "bukan bilangan"),
    ],
)
def test_invalid_rows_are_listed_and_nothing_is_written(regions, tmp_path, body, message):
    from tepat.indicators.tracker import ensure_public_figures

    ensure_public_figures()  # the CLI's bootstrap adds the comparison regions of the official figures
    before = Region.objects.count()
    good = "12.72,Kota Baik,kabkota,12,,\n"
    result = load(tmp_path, good + body)
    assert result.exit_code == 2
    assert message in result.output and "baris 3" in result.output
    assert Region.objects.count() == before


@pytest.mark.parametrize(
    "digits, code", [("1274051010", "12.74.05.1010"), ("12.74.05", "12.74.05"), ("127405101", None)]
)
def test_kemendagri_digits_become_dotted_codes(digits, code):
    assert dotted(digits) == code
    if code:
        assert level_of(code) is not None
