"""Official series in: BPS-style tables (wide and long, csv and xlsx), the manual form, and every bad input
refused with its row and column while nothing is written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from tepat.indicators import series
from tepat.indicators.actions import do_import_series, do_record_observation
from tepat.indicators.models import Observation
from tepat.indicators.tracker import ensure_public_figures

KNOWN = {"12.74": "12.74", "1272": "12.74", "12": "12", "12.09": "12.09"}
WIDE = [
    "kode_wilayah",
    "nama_wilayah",
    "tahun",
    "penduduk",
    "jumlah_miskin",
    "persen_miskin",
    "p1",
    "p2",
    "jumlah_miskin_ekstrem",
    "persen_miskin_ekstrem",
    "basis_ppp",
    "gini",
    "sumber",
]


def parse(rows):
    return series.parse_table(rows, KNOWN.get)


def write(tmp_path, rows, name="seri.csv", delimiter=";"):
    path = tmp_path / name
    path.write_text("\n".join(delimiter.join(r) for r in rows), encoding="utf-8")
    return path


def wide_row(
    code="12.74",
    year="2024",
    people="186150",
    poor="22250",
    pct="11,97",
    p1="1,8",
    p2="0,4",
    xpoor="",
    xpct="",
    basis="",
    gini="0,31",
    source="BPS",
):
    return [code, "Kota Tanjungbalai", year, people, poor, pct, p1, p2, xpoor, xpct, basis, gini, source]


# ---------------------------------------------------------------- parser (pure)
def test_a_wide_bps_table_under_a_title_block_becomes_values():
    rows = [
        ["Tabel 1. Kemiskinan"],
        [],
        WIDE,
        wide_row(),
        wide_row(code="1272", year="2023", pct="12,21", poor="22700", people="185900"),
    ]
    parsed = parse(rows)
    assert parsed.ok and parsed.layout == "wide"
    values = {(v.region, v.year, v.indicator): v.value for v in parsed.values}
    assert values[("12.74", 2024, "poverty_pct")] == 11.97 and values[("12.74", 2023, "poverty_pct")] == 12.21
    assert values[("12.74", 2024, "penduduk")] == 186150 and values[("12.74", 2024, "gini")] == 0.31
    assert {v.row for v in parsed.values} == {4, 5}  # spreadsheet rows, the header is row 3


def test_a_long_table_reads_indonesia_and_ppp_bases():
    rows = [
        ["kode_wilayah", "tahun", "indikator", "nilai", "basis_ppp", "sumber"],
        ["ID", "2023", "persen_miskin_ekstrem", "1.12", "usd 1,90 ppp 2011", "BPS"],
        ["ID", "2025", "persen_miskin_ekstrem", "0.85", "USD 2.15 PPP 2017", "BPS"],
    ]
    parsed = parse(rows)
    assert parsed.ok and parsed.layout == "long"
    assert [(v.region, v.ppp_basis) for v in parsed.values] == [("", "USD 1.90 PPP 2011"), ("", "USD 2.15 PPP 2017")]


@pytest.mark.parametrize(
    "change, column, words",
    [
        ({"pct": "112"}, "persen_miskin", "0-100"),
        ({"pct": "-1"}, "persen_miskin", "negatif"),
        ({"code": "99.99"}, "kode_wilayah", "tidak dikenal"),
        ({"code": "1274"}, "kode_wilayah", "tidak dikenal"),  # Kemendagri digits without dots are not a BPS code
        ({"year": "20x4"}, "tahun", "Tahun"),
        ({"people": "186150,5"}, "penduduk", "bilangan bulat"),
        ({"xpct": "1,03", "basis": ""}, "basis_ppp", "PPP"),
        ({"gini": "31"}, "gini", "0-1"),
        ({"source": ""}, "sumber", "Sumber"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(change, column, words):
    parsed = parse([WIDE, wide_row(), wide_row(**{"year": "2023", **change})])
    assert not parsed.ok
    problem = parsed.errors[0]
    assert (problem.row, problem.column) == (3, column) and words in problem.message_id and problem.message_en


def test_a_value_given_twice_is_refused():
    parsed = parse([WIDE, wide_row(), wide_row()])
    assert [(p.row, p.column) for p in parsed.errors][:1] == [(3, "penduduk")]


def test_a_percentage_inconsistent_with_count_and_population_is_refused():
    parsed = parse([WIDE, wide_row(pct="14,5")])  # 22,250 / 186,150 = 11.95%
    problems = series.check_consistency(parsed.values, {})
    assert len(problems) == 1 and problems[0].row == 2 and "11.95%" in problems[0].message_id
    assert not series.check_consistency(parse([WIDE, wide_row(pct="11,97")]).values, {})  # within 0.5 point


def test_p2_above_p1_is_refused():
    problems = series.check_consistency(parse([WIDE, wide_row(p1="0,3", p2="0,4")]).values, {})
    assert problems and problems[0].column == "p2" and "P2 ≤ P1" in problems[0].message_id


def test_missing_years_and_mixed_bases_are_warnings_not_errors():
    rows = [
        ["kode_wilayah", "tahun", "indikator", "nilai", "basis_ppp", "sumber"],
        ["ID", "2021", "persen_miskin", "10", "", "x"],
        ["ID", "2024", "persen_miskin", "9", "", "x"],
        ["ID", "2023", "persen_miskin_ekstrem", "1.12", "USD 1.90 PPP 2011", "x"],
        ["ID", "2024", "persen_miskin_ekstrem", "0.9", "USD 2.15 PPP 2017", "x"],
    ]
    parsed = parse(rows)
    assert parsed.ok
    warnings = " ".join(p.message_id for p in series.series_warnings(parsed.values, {}))
    assert "2022, 2023" in warnings and "garis terpisah" in warnings


@given(st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2)), st.booleans())
def test_any_percentage_written_with_comma_or_dot_reads_back(value, comma):
    text = f"{value:.2f}".replace(".", "," if comma else ".")
    parsed = parse([["kode_wilayah", "tahun", "persen_miskin", "sumber"], ["12.74", "2024", text, "BPS"]])
    assert parsed.ok and parsed.values[0].value == pytest.approx(value)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([".", ",", ""]))
def test_any_count_with_thousands_separators_reads_back(count, separator):
    text = f"{count:,}".replace(",", separator)
    assert series.parse_number(text, whole=True) == count


@given(st.text(max_size=12))
def test_the_parser_never_crashes_on_any_cell(text):
    parsed = parse(
        [["kode_wilayah", "tahun", "persen_miskin", "p1", "basis_ppp", "sumber"], [text, text, text, text, text, text]]
    )
    assert parsed.ok == (not parsed.errors)
    for value in parsed.values:  # whatever was accepted is in range
        assert 0 <= value.value <= 100


# ---------------------------------------------------------------- action, CLI, web
def test_a_table_with_one_error_writes_nothing(db, regions, tmp_path):
    path = write(tmp_path, [WIDE, wide_row(), wide_row(year="2023", pct="101")])
    report = do_import_series(path, acting_user=None)
    assert report.errors and not report.written
    assert Observation.objects.count() == 0


def test_an_xlsx_table_is_saved_and_reimport_updates(db, regions, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Tabel kemiskinan"])
    sheet.append(WIDE)
    sheet.append(["12.74", "Kota Tanjungbalai", 2024, 186150, 22250, 11.97, 1.8, 0.4, None, None, None, 0.31, "BPS"])
    book.save(tmp_path / "seri.xlsx")
    first = do_import_series(tmp_path / "seri.xlsx", acting_user=None)
    assert first.errors == [] and first.created == 6
    again = do_import_series(tmp_path / "seri.xlsx", acting_user=None)
    assert (again.created, again.updated) == (0, 6)
    assert str(Observation.objects.get(indicator="poverty_pct").shown_value) == "11.97"


def test_the_stored_population_checks_a_later_percentage(db, regions, tmp_path):
    do_import_series(write(tmp_path, [WIDE, wide_row()]), acting_user=None)
    report = do_record_observation(
        region_code="12.74",
        year="2024",
        indicator_column="persen_miskin_ekstrem",
        value="5",
        ppp_basis="USD 2.15 PPP 2017",
        source="uji",
        acting_user=None,
    )
    assert report.errors == []  # no extreme count stored: nothing to contradict
    report = do_record_observation(
        region_code="12.74",
        year="2024",
        indicator_column="jumlah_miskin_ekstrem",
        value="1000",
        ppp_basis="USD 2.15 PPP 2017",
        source="uji",
        acting_user=None,
    )
    assert report.errors and "0.54%" in report.errors[0].message_id  # 1,000 / 186,150 vs the stored 5%
    assert not Observation.objects.filter(indicator="jumlah_miskin_ekstrem").exists()


def test_cli_import_exits_2_and_names_the_row(db, regions, tmp_path):
    from tepat.cli import main

    bad = write(tmp_path, [WIDE, wide_row(code="77.77")])
    result = CliRunner().invoke(main, ["indicators", "import", str(bad)])
    assert result.exit_code == 2 and "baris/row 2" in result.output and "kode_wilayah" in result.output
    good = write(tmp_path, [WIDE, wide_row()], name="ok.csv")
    result = CliRunner().invoke(main, ["indicators", "import", str(good), "--json"])
    report = json.loads(result.output)
    assert (
        result.exit_code == 0 and report["created"] + report["updated"] == 6
    )  # the CLI start adds the shipped figures


def test_only_analyst_and_admin_can_import_on_the_web(client, cast, tmp_path):
    for role, status in (("viewer", 404), ("camat", 404), ("opd", 404), ("analyst", 200), ("admin", 200)):
        client.force_login(cast[role])
        assert client.get("/indikator/impor/").status_code == status


def test_web_upload_shows_errors_and_saves_nothing_then_saves_a_good_file(client, cast, tmp_path):
    client.force_login(cast["analyst"])
    bad = write(tmp_path, [WIDE, wide_row(pct="150")])
    with bad.open("rb") as handle:
        page = client.post("/indikator/impor/", {"file": handle})
    body = page.content.decode()
    assert (
        page.status_code == 422
        and 'data-testid="series-refused"' in body
        and "persen_miskin" in body
        and "0-100" in body
    )
    assert Observation.objects.count() == 0
    good = write(tmp_path, [WIDE, wide_row()], name="ok.csv")
    with good.open("rb") as handle:
        page = client.post("/indikator/impor/", {"file": handle})
    assert 'data-testid="series-saved"' in page.content.decode() and Observation.objects.count() == 6


def test_manual_entry_form(client, cast):
    client.force_login(cast["admin"])
    form = {
        "region": "12",
        "year": "2024",
        "indicator": "persen_miskin",
        "value": "7,99",
        "ppp_basis": "",
        "source": "BPS Sumut",
    }
    page = client.post("/indikator/impor/", form)
    assert page.status_code == 200 and float(Observation.objects.get(region__code="12").value) == pytest.approx(7.99)
    page = client.post("/indikator/impor/", {**form, "indicator": "persen_miskin_ekstrem", "value": "1,2"})
    assert page.status_code == 422 and "PPP" in page.content.decode()


def test_shipped_figures_include_province_nation_and_neighbour_labelled(regions):
    ensure_public_figures()
    ensure_public_figures()  # idempotent
    assert Observation.objects.filter(region__isnull=True, indicator="extreme_pct").count() == 2
    assert Observation.objects.filter(region__code="12.09").exists()
    assert all(o.synthetic == o.source.startswith("Sintetis") for o in Observation.objects.all())
    assert not Observation.objects.filter(region__code="12.74", synthetic=True).exists()
