"""The meeting documents open and say what the meeting recorded, in Indonesian (text extracted from the files)."""

from __future__ import annotations

import io
import json
from datetime import date

import docx
import pypdf
import pytest

from tepat.meetings.actions import do_close_action_item, do_create_meeting, do_record_minutes
from tepat.meetings.documents import hari_tanggal, notulen_docx, notulen_pdf, daftar_hadir_pdf, undangan_docx
from tepat.meetings.models import ActionStatus
from tests.test_meetings import held_rakor, opds, values  # noqa: F401  (fixtures)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    """The PDF's words joined by single spaces (table cells wrap lines wherever the column ends)."""
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def next_rakor(held_rakor, cast):
    meeting, items = held_rakor
    do_record_minutes(
        meeting,
        "Rapat dibuka pukul 09.00 oleh Asisten.\n\nBPS memaparkan angka kemiskinan 2025.",
        acting_user=cast["analyst"],
    )
    do_close_action_item(items["data"], status=ActionStatus.DONE, acting_user=cast["analyst"])
    later = do_create_meeting(
        {**values(date(2026, 12, 9), title="Rakor TKPKD III"), "letter_number": "005/412/Bapperida/2026"},
        acting_user=cast["analyst"],
        opds=[items["muskel"].owner],
        regions=[],
    )
    return meeting, later, items


def test_indonesian_dates():
    assert hari_tanggal(date(2024, 12, 4)) == "Rabu, 4 Desember 2024"
    assert hari_tanggal(date(2026, 3, 11)) == "Rabu, 11 Maret 2026"


def test_the_notulen_docx_has_details_minutes_decisions_items_and_attendance(next_rakor):
    meeting, _later, items = next_rakor
    text = docx_text(notulen_docx(meeting))
    for expected in (
        "NOTULEN RAPAT",
        "Rakor TKPKD I",
        "Hari/tanggal\t: Rabu, 11 Maret 2026",
        "Waktu\t: 09.00 WIB s.d. selesai",
        "Tempat\t: Aula Bapperida",
        "Peserta\t: 2 dari 4 undangan hadir",
        "1. Pembukaan",
        "3. Tanya jawab",
        "BPS memaparkan angka kemiskinan 2025.",
        "1. Verivali P3KE selesai sebelum Juni [Dalam proses]",
        "Musyawarah kelurahan di 31 kelurahan",
        "31 Mei 2026",
        "Belum dimulai (terlambat)",
        "Data PBI APBD",
        "Selesai",
        "DAFTAR HADIR",
        "Camat Datuk Bandar",
        "BPS Kota Tanjungbalai (narasumber)",
        "Hendra / Statistisi Ahli Muda",
        "Tidak hadir",
        "Jumlah hadir: 2 dari 4 undangan",
        "Tanda tangan",
        "Pimpinan Rapat",
    ):
        assert expected in text, expected


def test_the_notulen_pdf_says_the_same(next_rakor):
    meeting, _later, _items = next_rakor
    text = pdf_text(notulen_pdf(meeting))
    for expected in (
        "NOTULEN RAPAT",
        "Rabu, 11 Maret 2026",
        "2 dari 4 undangan hadir",
        "Verivali P3KE selesai sebelum Juni",
        "Musyawarah kelurahan di 31 kelurahan",
        "31 Mei 2026",
        "DAFTAR HADIR",
        "BPS Kota Tanjungbalai",
        "Tidak hadir",
    ):
        assert expected in text, expected


def test_the_next_meetings_notulen_lists_the_carried_items(next_rakor):
    _meeting, later, items = next_rakor
    text = docx_text(notulen_docx(later))
    assert "Tindak lanjut hasil rapat sebelumnya (2 butir)" in text
    assert items["muskel"].what in text and items["rtlh"].what in text and items["data"].what not in text
    assert "Tindak lanjut hasil rapat sebelumnya" in pdf_text(notulen_pdf(later))


def test_the_attendance_list_pdf_has_a_signature_column(held_rakor):
    meeting, _ = held_rakor
    text = pdf_text(daftar_hadir_pdf(meeting))
    assert "DAFTAR HADIR" in text and "Tanda tangan" in text and "Dinas Perumahan dan Kawasan Permukiman" in text


def test_the_invitation_letter_is_an_indonesian_letter(next_rakor):
    _meeting, later, items = next_rakor
    text = docx_text(undangan_docx(later, letter_date=date(2026, 11, 28)))
    for expected in (
        "PEMERINTAH KOTA TANJUNGBALAI",
        "BADAN PERENCANAAN PEMBANGUNAN, RISET DAN INOVASI DAERAH",
        "Tanjungbalai, 28 November 2026",
        "Nomor\t: 005/412/Bapperida/2026",
        "Lampiran\t: 1 (satu) lembar",
        "Perihal\t: Undangan Rakor TKPKD III",
        "Kepada Yth.",
        "Hari/tanggal\t: Rabu, 9 Desember 2026",
        "Waktu\t: 09.00 WIB s.d. selesai",
        "Tempat\t: Aula Bapperida",
        "1. Pembukaan",
        "4. Tindak lanjut hasil rapat sebelumnya (2 butir)",
        "Nomor 53 Tahun 2020",
        "KEPALA BAPPERIDA KOTA TANJUNGBALAI",
        "SELAKU SEKRETARIS TKPKD",
        "Zul Abdiman",
        "DAFTAR UNDANGAN",
        "1. Kepala Dinas Sosial",
        "Lampiran Surat Nomor : 005/412/Bapperida/2026",
    ):
        assert expected in text, expected


def test_a_meeting_without_a_number_leaves_room_for_it_and_a_city_overrides_the_signer(held_rakor, settings):
    meeting, _ = held_rakor
    (settings.TEPAT_HOME / "meetings").mkdir(parents=True, exist_ok=True)
    (settings.TEPAT_HOME / "meetings" / "surat.json").write_text(
        json.dumps({"penandatangan_nama": "Budi, S.E.", "penandatangan_nip": "19700101 199001 1 001"})
    )
    text = docx_text(undangan_docx(meeting))
    assert "Nomor\t: 005/        /Bapperida/2026" in text
    assert "Budi, S.E." in text and "NIP. 19700101 199001 1 001" in text and "Zul Abdiman" not in text
