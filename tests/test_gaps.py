"""Convergence and gap pages on the live registry: figures from rules, target lists, realisasi and flags; drill-down."""

from __future__ import annotations

import re

import fastexcel
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tepat import formatting
from tepat.accounts.models import AccessKind, PersonalDataAccess
from tepat.programs.actions import do_save_rule
from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.gap_labels import MEASURES as TERMS
from tepat.programs.gap_labels import column_term
from tepat.programs.gap_report import Names, headers
from tepat.programs.gaps import MEASURES, gap_inputs
from tepat.programs.models import Program
from tests.files import family_rows, write_xlsx


@pytest.fixture
def registry(import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="1", penerima_pkh="Ya") + family_rows(
        "B", base=2, desil="1", penerima_pkh="Tidak"
    )
    rows += family_rows("C", base=3, desil="3", penerima_pkh="Ya")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    do_save_rule(Program.objects.get(code="pkh"), "desil <= 2", acting_user=cast["analyst"], reason="uji")


def test_coverage_counts_flags_as_interventions_and_drills_to_families(client, cast, registry):
    client.force_login(cast["analyst"])
    page = client.get("/kesenjangan/", {"measure": "cakupan"}).content.decode()
    assert "pkh" in page and "50%" in page  # A served of A and B eligible
    drill = client.get(
        "/kesenjangan/rinci/",
        {"measure": "eksklusi", "column": "excluded", "program": "pkh", "strategy": "kurangi_beban"},
    )
    body = drill.content.decode()
    assert drill.status_code == 200 and 'data-testid="drill-total">1<' in body
    inclusion = client.get(
        "/kesenjangan/rinci/",
        {"measure": "inklusi", "column": "not_eligible", "program": "pkh", "strategy": "kurangi_beban"},
    )
    assert 'data-testid="drill-total">1<' in inclusion.content.decode()  # C is served but desil 3


def test_gap_pages_are_for_rule_editors_only(client, cast, registry):
    client.force_login(cast["camat"])
    assert client.get("/kesenjangan/").status_code == 404


# ---------------------------------------------------------------- issue 14: a page people read
RAW_KEYS = [
    "extreme_poor",
    "kurangi_beban",
    "tingkatkan_pendapatan",
    "served_not_eligible",
    "served_eligible",
    "program_pkh",
    "strategies_0",
    "not_registered",
    "exclusion_rate",
    "12.74.05.1010",
]


def visible_text(html: str) -> str:
    """What a reader sees: no tags, attributes, scripts or SVG (chart text is checked on its own)."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("measure", list(MEASURES))
@pytest.mark.parametrize("by", ["", "kecamatan", "kelurahan"])
def test_every_measure_reads_in_names_with_a_chart_and_definitions(client, cast, registry, measure, by):
    client.force_login(cast["analyst"])
    body = client.get("/kesenjangan/", {"measure": measure, "by": by}).content.decode()
    text = visible_text(body)
    assert [key for key in RAW_KEYS if key in text] == []
    assert str(TERMS[measure][0].definition) in text
    assert 'data-testid="gap-chart"' in body and "<svg" in body
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"|font-size:\s*([\d.]+)px', body) for s in s if s]
    assert sizes and min(sizes) >= 11, f"chart text as small as {min(sizes)} px"
    if by == "kelurahan":
        assert 'title="12.74.05.1010">Pantai Johor<' in body  # the code on hover


def test_coverage_names_programs_and_strategies_and_formats_rates(client, cast, registry):
    client.force_login(cast["analyst"])
    text = visible_text(client.get("/kesenjangan/", {"measure": "cakupan"}).content.decode())
    assert "Program Keluarga Harapan (PKH)" in text and "Kurangi beban pengeluaran" in text
    assert "50,0%" in text and "Layak dan dilayani" in text


def test_the_page_is_all_english_after_the_switch(client, cast, registry):
    client.force_login(cast["analyst"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/kesenjangan/"})
    body = client.get("/kesenjangan/", {"measure": "cakupan", "by": "kelurahan"}).content.decode()
    text = visible_text(body)
    assert "Programme coverage" in text and "50.0%" in text and "Eligible and served" in text
    assert [
        word for word in ("Cakupan program", "Layak dan dilayani", "Kurangi beban", "per kelurahan") if word in text
    ] == []
    assert "Kelurahan" in body and ">Programme coverage — by kelurahan<" in body  # the chart's title too


def test_every_engine_column_has_words():
    """A count the engine adds without an entry in gap_labels would show its key: fail here first."""
    from tepat.engine.convergence import STRATEGIES, program_column

    programs = {"pkh": "PKH"}
    columns = [
        "extreme_poor",
        *STRATEGIES,
        program_column("pkh"),
        *[f"strategies_{n}" for n in range(4)],
        "converged",
        "converged_share",
        "eligible",
        "served",
        "served_eligible",
        "served_not_eligible",
        "coverage",
        "target",
        "excluded",
        "exclusion_rate",
        "not_eligible",
        "above_desil",
        "not_registered",
        "inclusion",
        "stacked",
        "unserved",
        "unserved_share",
    ]
    strategies = {s: s.title() for s in STRATEGIES}
    assert all(column_term(c, programs, strategies).label for c in columns)
    with pytest.raises(KeyError):
        column_term("brand_new_count", programs, strategies)


def test_the_engine_and_the_words_agree_on_the_demo_registry(cast, registry):
    inputs, names = gap_inputs(None), Names.load()
    for build in MEASURES.values():
        for by in (None, "kelurahan"):
            assert all(h["label"] for h in headers(build(inputs, by), names))


def _sheet(content: bytes) -> pl.DataFrame:
    return fastexcel.read_excel(content).load_sheet(0).to_polars()


def test_the_table_downloads_as_the_page_shows_it_and_is_logged(client, cast, registry):
    client.force_login(cast["analyst"])
    response = client.get("/kesenjangan/unduh.xlsx", {"measure": "cakupan", "by": "kelurahan"})
    sheet = _sheet(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="kesenjangan-cakupan-')
    assert {"Kelurahan", "Kode kelurahan", "Program", "Layak", "Cakupan (%)"} <= set(sheet.columns)
    pkh = sheet.filter(
        (pl.col("Program") == "Program Keluarga Harapan (PKH)") & (pl.col("Kelurahan") == "Pantai Johor")
    )
    assert pkh["Layak"].to_list() == [2] and pkh["Cakupan (%)"].to_list() == [50.0]
    csv = client.get("/kesenjangan/unduh.csv", {"measure": "konvergensi"}).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith('"Miskin ekstrem",')
    logged = PersonalDataAccess.objects.filter(
        user=cast["analyst"], kind=AccessKind.EXPORT, what__startswith="kesenjangan"
    )
    assert logged.count() == 2


def test_the_drill_down_names_its_cell_links_families_and_downloads_them_masked(client, cast, registry):
    client.force_login(cast["admin"])  # edits rules, sees masked NIK / No KK
    query = {
        "measure": "eksklusi",
        "by": "kelurahan",
        "column": "excluded",
        "program": "pkh",
        "strategy": "kurangi_beban",
        "kecamatan": "12.74.05",
        "kelurahan": "12.74.05.1010",
    }
    page = client.get("/kesenjangan/rinci/", query).content.decode()
    assert "Kesalahan eksklusi: Tereksklusi" in visible_text(page) and "Program Keluarga Harapan (PKH)" in page
    assert re.search(r'<a href="/keluarga/\d+/">Budi</a>', page)
    sheet = _sheet(client.get("/kesenjangan/rinci/unduh.xlsx", query).content)
    assert sheet.height == 1 and sheet["nik_kepala_keluarga"].to_list() == ["127405******0002"]
    assert PersonalDataAccess.objects.filter(
        user=cast["admin"], kind=AccessKind.EXPORT, records=1, unmasked=False
    ).exists()


def test_downloads_need_the_export_right_and_a_known_kind(client, cast, registry):
    client.force_login(cast["analyst"])
    assert client.get("/kesenjangan/unduh.pdf").status_code == 404
    assert client.get("/kesenjangan/rinci/unduh.csv", {"measure": "eksklusi", "column": "nope"}).status_code == 404


@given(st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=3), st.integers(0, 3))
def test_one_number_format_per_language_keeps_the_digits(value, decimals):
    indonesian, english = formatting.number(value, decimals, "id"), formatting.number(value, decimals, "en")
    assert indonesian.translate(str.maketrans(".,", ",.")) == english
    from decimal import ROUND_HALF_UP, Decimal

    expected = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # half up, as people round
    assert Decimal(english.replace(",", "")) == expected
    assert formatting.money(750000, "id") == "Rp750.000" and formatting.percent(0.0103, 2, "id") == "1,03%"
