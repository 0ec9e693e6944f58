"""Briefing pack, LP2KD and periodic report: built from live data, opened and read back as a user would."""

from __future__ import annotations

import io
from datetime import date

import docx
import pypdf
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from tepat.indicators.tracker import ensure_public_figures
from tepat.programs.actions import do_record_intervention, do_save_rule
from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import Program
from tepat.registry.models import Family
from tepat.reports.periods import PeriodError, parse_period
from tests.files import family_rows, write_xlsx


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def live(import_file, cast, tmp_path):
    """Three desil-1 families, PKH's rule, one PKH payment of Rp 750.000 this year; the shipped public figures."""
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(date.today().year)
    ensure_public_figures()
    rows = (
        family_rows("A", base=1, desil="1") + family_rows("B", base=2, desil="1") + family_rows("C", base=3, desil="1")
    )
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    pkh = Program.objects.get(code="pkh")
    do_save_rule(pkh, "desil <= 2", acting_user=cast["analyst"], reason="uji")
    family = Family.objects.order_by("id").first()
    do_record_intervention(pkh, family, acting_user=cast["opd"], date=date(date.today().year, 3, 1), amount=750000)
    return cast


def test_the_briefing_pack_shows_targets_people_and_realisasi(client, live):
    client.force_login(live["analyst"])
    response = client.get("/laporan/briefing.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Bahan Rapat Koordinasi TKPKD" in text and "Kota Tanjungbalai" in text
    assert "1.936" in text  # 1,03 % of 187.939 people, in Indonesian notation
    assert "Inpres 4/2022" in text and "Inpres 8/2025" in text
    assert "Rp 750.000" in text  # Dinas Sosial's PKH payment this year
    assert "Keluarga desil 1 (miskin ekstrem) di registri: 3" in text


def test_lp2kd_docx_carries_the_written_sections_and_the_figures(client, live):
    client.force_login(live["analyst"])
    year = str(date.today().year)
    client.post(
        "/laporan/lp2kd/tulis/",
        {
            "periode": year,
            "permasalahan": "Data P3KE belum diverifikasi di 4 kelurahan.",
            "rekomendasi": "Verivali selesai sebelum rakor III.",
        },
    )
    text = docx_text(client.get("/laporan/lp2kd.docx", {"periode": year}).content)
    assert "Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah" in text
    assert "Data P3KE belum diverifikasi di 4 kelurahan." in text and "Verivali selesai sebelum rakor III." in text
    assert "Rp 750.000" in text and "Program Keluarga Harapan" in text
    pdf = pdf_text(client.get("/laporan/lp2kd.pdf", {"periode": year}).content)
    assert "Verivali selesai sebelum rakor III." in pdf


def test_the_quarterly_report_counts_only_its_quarter(client, live):
    client.force_login(live["analyst"])
    year = date.today().year
    first = pdf_text(client.get("/laporan/periodik.pdf", {"periode": f"{year}-Q1"}).content)
    second = pdf_text(client.get("/laporan/periodik.pdf", {"periode": f"{year}-Q2"}).content)
    assert (
        f"Triwulan I {year}" in first
        and "Inpres 4/2022" in first
        and "Total realisasi anggaran pada periode ini: Rp 750.000" in first
    )
    assert "Total realisasi anggaran pada periode ini: Rp 0" in second


def test_reports_are_for_the_secretariat_and_audited(client, live):
    from tepat.accounts.models import AuditEvent

    for role in ("camat", "lurah", "viewer", "enumerator", "opd"):
        client.force_login(live[role])
        assert client.get("/laporan/").status_code == 404 and client.get("/laporan/briefing.pdf").status_code == 404
    client.force_login(live["admin"])
    client.get("/laporan/briefing.pdf")
    assert AuditEvent.objects.filter(action="report_generated", user=live["admin"]).exists()


def test_a_bad_period_gets_a_message_not_an_error(client, live):
    client.force_login(live["analyst"])
    page = client.get("/laporan/", {"periode": "2026-Q5"}).content.decode()
    assert "triwulan 5 tidak ada" in page
    assert client.get("/laporan/periodik.pdf", {"periode": "kemarin"}, follow=True).status_code == 200


def test_the_cli_writes_the_briefing_and_refuses_a_wrong_format(live, tmp_path):
    from tepat.cli import main

    runner = CliRunner()
    out = tmp_path / "bahan.pdf"
    result = runner.invoke(main, ["report", "briefing", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Bahan Rapat Koordinasi TKPKD" in pdf_text(out.read_bytes())
    wrong = runner.invoke(main, ["report", "briefing", "--out", str(tmp_path / "bahan.docx")])
    assert wrong.exit_code == 2 and "format .docx" in wrong.output
    lp2kd = runner.invoke(
        main, ["report", "lp2kd", "--year", str(date.today().year), "--out", str(tmp_path / "lp2kd.docx")]
    )
    assert lp2kd.exit_code == 0 and "Rp 750.000" in docx_text((tmp_path / "lp2kd.docx").read_bytes())
    bad = runner.invoke(main, ["report", "periodic", "--period", "2026-S3", "--out", str(tmp_path / "p.pdf")])
    assert bad.exit_code == 2 and "semester 3 tidak ada" in bad.output


@pytest.mark.parametrize(
    "text, label, start, end",
    [
        ("2026", "Tahun 2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q3", "Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q4", "Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31)),
        ("2025-S1", "Semester I 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("2024-S2", "Semester II 2024", date(2024, 7, 1), date(2024, 12, 31)),
    ],
)
def test_periods_read_as_written(text, label, start, end):
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@given(st.text(max_size=12))
def test_any_text_is_a_period_or_a_clear_refusal(text):
    try:
        period = parse_period(text)
    except PeriodError as problem:
        assert "/" in str(problem)  # Indonesian / English
    else:
        assert period.start <= period.end and period.contains(period.start) and period.start.year == period.end.year


@given(st.integers(2000, 2100), st.sampled_from([("Q", 4), ("S", 2)]))
def test_the_parts_of_a_year_tile_it(year, kind):
    letter, parts = kind
    periods = [parse_period(f"{year}-{letter}{n}") for n in range(1, parts + 1)]
    assert periods[0].start == date(year, 1, 1) and periods[-1].end == date(year, 12, 31)
    assert all((b.start - a.end).days == 1 for a, b in zip(periods, periods[1:]))


def test_every_table_of_the_lp2kd_comes_as_xlsx_with_formulas_neutralised(client, live):
    import openpyxl

    from tepat.programs.models import Program

    Program.objects.filter(code="pkh").update(name='=HYPERLINK("http://x")')
    client.force_login(live["analyst"])
    response = client.get("/laporan/lp2kd.xlsx", {"periode": str(date.today().year)})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert any("Indikator" in name for name in book.sheetnames) and any("Program" in name for name in book.sheetnames)
    programs = book[[n for n in book.sheetnames if n.endswith("Program")][0]]
    values = [cell.value for row in programs.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values and 750000 in values


def test_the_briefing_pack_lists_verivali_progress_and_open_action_items(client, live):
    from datetime import time, timedelta

    from tepat.accounts.models import Opd
    from tepat.meetings.actions import do_add_action_item, do_create_meeting
    from tepat.meetings.models import MeetingType

    meeting = do_create_meeting(
        {
            "type": MeetingType.RAKOR,
            "title": "Rakor TKPKD I",
            "date": date.today() - timedelta(days=60),
            "start_time": time(9),
            "place": "Aula",
            "chair": "Sekda",
            "agenda": "Evaluasi",
        },
        acting_user=live["analyst"],
    )
    do_add_action_item(
        meeting,
        what="Salurkan PKH ke 40 keluarga yang belum terlayani",
        owner=Opd.objects.get(code="dinsos"),
        due=date.today() - timedelta(days=5),
        acting_user=live["analyst"],
    )
    client.force_login(live["analyst"])
    text = " ".join(pdf_text(client.get("/laporan/briefing.pdf").content).split())
    assert "Salurkan PKH ke 40 keluarga yang belum terlayani" in text and "Dinas Sosial" in text
    assert "Kemajuan verivali per kelurahan" in text
    lp2kd = docx_text(client.get("/laporan/lp2kd.docx", {"periode": str(date.today().year)}).content)
    assert "Rakor TKPKD terlaksana 0 kali dari minimal 3 kali setahun" in lp2kd


def test_reports_on_an_empty_installation_still_open(client, cast):
    """A fresh city: no registry, no programs, no figures yet; the documents say so instead of failing."""
    client.force_login(cast["analyst"])
    for path in ("/laporan/briefing.pdf", "/laporan/lp2kd.docx", "/laporan/periodik.xlsx"):
        assert client.get(path).status_code == 200
    assert "Belum ada data." in pdf_text(client.get("/laporan/briefing.pdf").content)
