"""The berita acara of a musyawarah: PDF and DOCX that open and list each family with its decision."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from tepat.accounts.models import PersonalDataAccess
from tepat.registry.models import Family
from tepat.verivali.documents import berita_acara_docx, berita_acara_pdf
from tests.files import family_rows, write_xlsx


@pytest.fixture
def meeting(cast, import_file, tmp_path):
    """Three Pantai Johor families visited: one deceased member (approved), one moved (rejected), one pending; and an usulan baru."""
    from tepat.regions.models import Region
    from tepat.verivali.actions import (
        campaign_families,
        do_assign_campaign,
        do_create_campaign,
        do_decide_change_request,
        do_record_musyawarah,
        do_submit_visit,
    )

    rows = (
        family_rows("JOHOR1", base=1, kk_day="01")
        + family_rows("JOHOR2", base=2, alamat="Jl. Kedua")
        + family_rows("JOHOR3", base=3)
    )
    import_file(write_xlsx(tmp_path / "registry.xlsx", rows), cast["analyst"])
    region = Region.objects.get(code="12.74.05.1010")
    today = dt.date.today()
    campaign = do_create_campaign(
        {"name": "Verivali Uji", "period_start": today, "period_end": today, "max_desil": 2},
        kelurahan=[region],
        acting_user=cast["analyst"],
    )
    do_assign_campaign(campaign_families(campaign), enumerator=cast["enumerator"], acting_user=cast["analyst"])
    one, two, three = (Family.objects.get(source_key=k) for k in ("JOHOR1", "JOHOR2", "JOHOR3"))
    wife = one.members.get(nama="Siti")
    submit = lambda payload: do_submit_visit(campaign, payload, acting_user=cast["enumerator"], source="web")  # noqa: E731
    deceased = submit(
        {
            "submission_key": "a",
            "family_id": one.pk,
            "keberadaan": "terkonfirmasi",
            "memenuhi_kriteria": True,
            "members": [{"member_id": wife.pk, "keberadaan": "meninggal", "keterangan": "Agustus 2026"}],
        }
    )
    moved = submit(
        {
            "submission_key": "b",
            "family_id": two.pk,
            "keberadaan": "pindah",
            "memenuhi_kriteria": False,
            "alasan": "pindah ke Medan",
        }
    )
    submit({"submission_key": "c", "family_id": three.pk, "keberadaan": "terkonfirmasi", "memenuhi_kriteria": True})
    proposal = submit(
        {
            "submission_key": "d",
            "family_id": None,
            "kelurahan": "12.74.05.1010",
            "keberadaan": "terkonfirmasi",
            "memenuhi_kriteria": True,
            "fields": {"kepala_keluarga": "RAHMAT USULAN", "alamat": "Jl. Baru 9", "no_kk": ""},
        }
    )
    meeting = do_record_musyawarah(
        {
            "held_on": dt.date(2026, 11, 25),
            "place": "Aula Kelurahan Pantai Johor",
            "attendees": "Lurah Pantai Johor\nKetua LPM\nIbu Rahmawati (warga)",
        },
        kelurahan=region,
        acting_user=cast["lurah"],
        campaign=campaign,
    )
    do_decide_change_request(deceased.change_request, acting_user=cast["lurah"], approve=True, musyawarah=meeting)
    do_decide_change_request(
        moved.change_request,
        acting_user=cast["lurah"],
        approve=False,
        reason="Masih tinggal di rumah orang tua",
        musyawarah=meeting,
    )
    do_decide_change_request(proposal.change_request, acting_user=cast["lurah"], approve=True, musyawarah=meeting)
    return meeting


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_pdf_lists_each_decided_family_with_its_decision_reason_and_signatures(meeting):
    text = " ".join(pdf_text(berita_acara_pdf(meeting)).split())
    assert "BERITA ACARA MUSYAWARAH KELURAHAN PANTAI JOHOR" in text
    assert "Rabu, tanggal 25 November 2026" in text and "Aula Kelurahan Pantai Johor" in text
    assert "Ketua LPM" in text and "Ibu Rahmawati (warga)" in text
    assert "DISETUJUI" in text and "DITOLAK" in text and "Masih tinggal di rumah orang tua" in text
    assert "Siti: keluar dari data (meninggal; Agustus 2026)" in text and "RAHMAT USULAN" in text
    assert "Jumlah keluarga dibahas 3" in text and "Disetujui 2" in text and "Ditolak 1" in text
    assert "Lurah Pantai Johor" in text and "Perwakilan masyarakat" in text and "Pendamping" in text
    assert "1274050101800001" not in text  # identity numbers are printed masked


def test_the_docx_carries_the_same_rows(meeting):
    text = docx_text(berita_acara_docx(meeting))
    assert "BERITA ACARA MUSYAWARAH KELURAHAN PANTAI JOHOR" in text
    assert text.count("DISETUJUI") == 2 and text.count("DITOLAK") == 1
    assert (
        "pindah domisili; tidak memenuhi kriteria: pindah ke Medan" in text
        and "Masih tinggal di rumah orang tua" in text
    )
    assert "Perwakilan masyarakat" in text


def test_a_pending_request_is_not_in_the_berita_acara(meeting):
    text = pdf_text(berita_acara_pdf(meeting))
    assert "Jl. Kedua" in text and text.count("DISETUJUI") + text.count("DITOLAK") == 3


@pytest.mark.parametrize(
    "who, status",
    [("lurah", 200), ("camat", 200), ("analyst", 200), ("other_lurah", 404), ("enumerator", 404), ("viewer", 404)],
)
def test_the_download_is_for_the_kelurahan_its_kecamatan_and_the_city_and_is_logged(meeting, cast, who, status):
    client = Client()
    client.force_login(cast[who])
    response = client.get(reverse("verivali_berita_acara", args=[meeting.pk, "pdf"]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert PersonalDataAccess.objects.filter(
            user=cast[who], kind="export", what__startswith="berita acara"
        ).exists()
        docx = client.get(reverse("verivali_berita_acara", args=[meeting.pk, "docx"]))
        assert docx.status_code == 200 and "DISETUJUI" in docx_text(docx.content)


def test_the_cli_writes_the_berita_acara_by_extension(meeting, tmp_path):
    from click.testing import CliRunner

    from tepat.cli import main

    for suffix, start in ((".pdf", b"%PDF"), (".docx", b"PK")):
        out = tmp_path / f"ba{suffix}"
        result = CliRunner().invoke(main, ["verivali", "berita-acara", str(meeting.pk), "--out", str(out)])
        assert result.exit_code == 0 and "3 keputusan" in result.output and out.read_bytes().startswith(start)
