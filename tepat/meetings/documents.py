"""A meeting's documents: minutes (notulen) with the attendance list, the attendance list alone (to sign),
and the invitation letter (undangan), in Indonesian letter format.

`DOCUMENTS` maps a download name to its builder; each builder takes the meeting and returns bytes.
The letterhead and the signer come from the city pack's `surat.json` (tepat/regions/pack.py); a city overrides any key with its own
`$TEPAT_HOME/meetings/surat.json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tepat.meetings.models import ActionItem, Meeting, roman
from tepat.meetings.queries import decision_state
from tepat.reports.formatting import hari_tanggal, tanggal
from tepat.reports.render import DocxBuilder, indonesian, pdf_bytes


ANGKA = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh")
CARRIED_HEADING = "Tindak lanjut hasil rapat sebelumnya"


def letter_settings() -> dict:
    """The city pack's letterhead and signer (surat.json), with the keys of $TEPAT_HOME/meetings/surat.json on top."""
    from tepat.regions.pack import read_json

    values = read_json("surat.json")
    local = Path(settings.TEPAT_HOME) / "meetings" / "surat.json"
    if local.exists():
        values.update(json.loads(local.read_text(encoding="utf-8")))
    return values


def waktu(meeting: Meeting, zone: str) -> str:
    """09.00 WIB s.d. selesai | 09.00 s.d. 12.00 WIB"""
    start = meeting.start_time.strftime("%H.%M")
    if meeting.end_time:
        return f"{start} s.d. {meeting.end_time.strftime('%H.%M')} {zone}"
    return f"{start} {zone} s.d. selesai"


def letter_number(meeting: Meeting, letter: dict) -> str:
    """The number typed on the meeting, or the classification/unit/year pattern with room for the agenda number."""
    return meeting.letter_number or f"{letter['kode_klasifikasi']}/        /{letter['unit']}/{meeting.date.year}"


def count_words(number: int) -> str:
    """1 (satu)"""
    return f"{number} ({ANGKA[number]})" if number < len(ANGKA) else str(number)


@dataclass
class Facts:
    """What every document of a meeting says, computed once."""

    meeting: Meeting
    letter: dict
    when: str
    time: str
    agenda: list[str]
    carried: list[ActionItem]
    participants: list
    present: int
    invited: int
    decisions: list
    items: list[ActionItem]
    today: date


def facts(meeting: Meeting, today: date | None = None) -> Facts:
    letter = letter_settings()
    participants = list(meeting.participants.select_related("opd", "region"))
    carried = list(meeting.carried_items_in_order())
    agenda = meeting.agenda_items() + ([f"{CARRIED_HEADING} ({len(carried)} butir)"] if carried else [])
    decisions = [(x, decision_state(x).label) for x in meeting.decisions.prefetch_related("action_items")]
    return Facts(
        meeting=meeting,
        letter=letter,
        when=hari_tanggal(meeting.date),
        time=waktu(meeting, letter["zona_waktu"]),
        agenda=agenda,
        carried=carried,
        participants=participants,
        present=sum(1 for p in participants if p.attended),
        invited=len(participants),
        decisions=decisions,
        items=list(meeting.action_items.select_related("owner", "decision").order_by("decision__number", "due", "pk")),
        today=today or timezone.localdate(),
    )


def _item_row(index: int, item: ActionItem, today: date) -> tuple:
    status = item.get_status_display() + (" (terlambat)" if item.is_overdue(today) else "")
    return (index, item.what, item.owner.name, tanggal(item.due), status)


ITEM_HEADER = ("No", "Tindak lanjut", "OPD penanggung jawab", "Batas waktu", "Status")
ATTENDANCE_HEADER = ("No", "Nama / Jabatan", "Instansi / Undangan", "Kehadiran", "Tanda tangan")


def attendance_rows(f: Facts) -> list[tuple]:
    rows = []
    for index, p in enumerate(f.participants, 1):
        who = " / ".join(x for x in (p.name, p.position) if x) or "-"
        mark = {True: "Hadir", False: "Tidak hadir", None: ""}[p.attended]
        rows.append((index, who, p.label() + (" (narasumber)" if p.is_speaker else ""), mark, f"{index}. ............"))
    return rows


# --- DOCX --------------------------------------------------------------------------------------------------


def _details(doc: DocxBuilder, f: Facts) -> None:
    for label, value in (
        ("Jenis rapat", f.meeting.get_type_display()),
        ("Hari/tanggal", f.when),
        ("Waktu", f.time),
        ("Tempat", f.meeting.place),
        ("Pimpinan rapat", f.meeting.chair),
        ("Peserta", f"{f.present} dari {f.invited} undangan hadir"),
    ):
        doc.paragraph(f"{label}\t: {value}")


def _attendance_docx(doc: DocxBuilder, f: Facts) -> None:
    doc.heading("DAFTAR HADIR", 1).paragraph(f.meeting.title, bold=True).paragraph(f"{f.when}, {f.meeting.place}")
    doc.table(ATTENDANCE_HEADER, attendance_rows(f))
    doc.paragraph(f"Jumlah hadir: {f.present} dari {f.invited} undangan")


@indonesian
def notulen_docx(meeting: Meeting) -> bytes:
    f = facts(meeting)
    doc = DocxBuilder(title=f"Notulen {meeting.title}")
    doc.heading("NOTULEN RAPAT", 0).paragraph(meeting.title, bold=True)
    _details(doc, f)
    doc.heading("Acara", 2)
    for index, item in enumerate(f.agenda, 1):
        doc.paragraph(f"{index}. {item}")
    if f.carried:
        doc.heading(CARRIED_HEADING, 2).table(
            ITEM_HEADER, [_item_row(i, x, f.today) for i, x in enumerate(f.carried, 1)]
        )
    doc.heading("Jalannya rapat", 2)
    for block in (meeting.minutes or "(notulen belum dicatat)").split("\n\n"):
        doc.paragraph(block.strip())
    doc.heading("Keputusan / kesepakatan", 2)
    for decision, state in f.decisions:
        doc.paragraph(f"{decision.number}. {decision.text} [{state}]")
    if not f.decisions:
        doc.paragraph("Tidak ada keputusan yang dicatat.")
    doc.heading("Rencana tindak lanjut", 2).table(
        ITEM_HEADER, [_item_row(i, x, f.today) for i, x in enumerate(f.items, 1)]
    )
    doc.paragraph(f"{f.letter['kota']}, {tanggal(meeting.date)}")
    doc.signatures([("Notulis", "...................................."), ("Pimpinan Rapat", meeting.chair)])
    doc.page_break()
    _attendance_docx(doc, f)
    return doc.bytes()


@indonesian
def daftar_hadir_docx(meeting: Meeting) -> bytes:
    f = facts(meeting)
    doc = DocxBuilder(title=f"Daftar hadir {meeting.title}")
    _attendance_docx(doc, f)
    doc.signatures([("", ""), ("Pimpinan Rapat", meeting.chair)])
    return doc.bytes()


@indonesian
def undangan_docx(meeting: Meeting, letter_date: date | None = None) -> bytes:
    """The invitation letter with the invitee list as its attachment (lampiran)."""
    f = facts(meeting)
    letter, number = f.letter, letter_number(meeting, f.letter)
    sent = tanggal(letter_date or timezone.localdate())
    doc = DocxBuilder(title=f"Undangan {meeting.title}")
    _letterhead(doc, letter)
    _right(doc, f"{letter['kota']}, {sent}")
    for label, value in (
        ("Nomor", number),
        ("Sifat", "Penting"),
        ("Lampiran", f"{count_words(1)} lembar"),
        ("Perihal", f"Undangan {meeting.title}"),
    ):
        doc.paragraph(f"{label}\t: {value}")
    doc.paragraph("Kepada Yth.").paragraph("Bapak/Ibu (daftar terlampir)").paragraph("di -").paragraph("      Tempat")
    doc.paragraph(
        f"Dalam rangka pelaksanaan tugas {letter['tim']} sesuai Peraturan Menteri Dalam Negeri Nomor 53 Tahun 2020, "
        f"dengan hormat kami mengundang Bapak/Ibu untuk menghadiri {meeting.title} yang akan dilaksanakan pada:"
    )
    for label, value in (("Hari/tanggal", f.when), ("Waktu", f.time), ("Tempat", meeting.place)):
        doc.paragraph(f"{label}\t: {value}")
    doc.paragraph("Acara\t:")
    for index, item in enumerate(f.agenda, 1):
        doc.paragraph(f"\t{index}. {item}")
    doc.paragraph(
        "Mengingat pentingnya acara tersebut, diharapkan kehadiran Bapak/Ibu tepat waktu dan tidak diwakilkan. "
        "OPD penanggung jawab tindak lanjut rapat sebelumnya diminta membawa laporan perkembangannya."
    )
    doc.paragraph("Demikian disampaikan, atas perhatian dan kehadirannya diucapkan terima kasih.")
    _signature(doc, letter)
    doc.page_break()
    doc.paragraph(f"Lampiran Surat Nomor : {number}").paragraph(f"Tanggal : {sent}")
    doc.heading("DAFTAR UNDANGAN", 2)
    for index, p in enumerate(f.participants, 1):
        doc.paragraph(f"{index}. {_addressee(p)}")
    return doc.bytes()


def _addressee(participant) -> str:
    if participant.kind == "opd":
        return f"Kepala {participant.opd.name}"
    if participant.kind == "region":
        return participant.label()
    named = ", ".join(x for x in (participant.name, participant.position) if x)
    return f"{named} — {participant.institution}" if named else participant.institution


def _letterhead(doc: DocxBuilder, letter: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for text in (letter["pemerintah"], letter["instansi"], letter.get("alamat", "")):
        if text:
            paragraph = doc.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(text).bold = text != letter.get("alamat")
    doc.rule()


def _right(doc: DocxBuilder, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _signature(doc: DocxBuilder, letter: dict) -> None:
    lines = [*letter["penandatangan_jabatan"].split("\n"), "", "", "", letter["penandatangan_nama"]]
    if letter.get("penandatangan_nip"):
        lines.append(f"NIP. {letter['penandatangan_nip']}")
    doc.signature_block(lines)


# --- PDF ---------------------------------------------------------------------------------------------------


def _pdf_context(meeting: Meeting) -> dict:
    f = facts(meeting)
    return {
        "f": f,
        "meeting": meeting,
        "carried_heading": CARRIED_HEADING,
        "attendance": attendance_rows(f),
        "carried_rows": [_item_row(i, x, f.today) for i, x in enumerate(f.carried, 1)],
        "item_rows": [_item_row(i, x, f.today) for i, x in enumerate(f.items, 1)],
        "item_header": ITEM_HEADER,
        "attendance_header": ATTENDANCE_HEADER,
        "signed_on": tanggal(meeting.date),
    }


@indonesian
def notulen_pdf(meeting: Meeting) -> bytes:
    return pdf_bytes("reports/notulen.html", _pdf_context(meeting))


@indonesian
def daftar_hadir_pdf(meeting: Meeting) -> bytes:
    return pdf_bytes("reports/daftar_hadir.html", _pdf_context(meeting))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@dataclass(frozen=True)
class Document:
    label: str  # lazy: in the reader's language on the meeting page
    content_type: str
    build: Callable[[Meeting], bytes]


DOCUMENTS: dict[str, Document] = {
    "undangan.docx": Document(_("Surat undangan (DOCX)"), DOCX, undangan_docx),
    "daftar-hadir.pdf": Document(_("Daftar hadir (PDF)"), PDF, daftar_hadir_pdf),
    "daftar-hadir.docx": Document(_("Daftar hadir (DOCX)"), DOCX, daftar_hadir_docx),
    "notulen.pdf": Document(_("Notulen + daftar hadir (PDF)"), PDF, notulen_pdf),
    "notulen.docx": Document(_("Notulen + daftar hadir (DOCX)"), DOCX, notulen_docx),
}


def file_name(meeting: Meeting, name: str) -> str:
    """notulen-rakor-2026-07-15.pdf"""
    stem, suffix = name.rsplit(".", 1)
    return f"{stem}-{meeting.type}-{meeting.date:%Y-%m-%d}.{suffix}"


__all__ = [
    "DOCUMENTS",
    "daftar_hadir_docx",
    "daftar_hadir_pdf",
    "facts",
    "hari_tanggal",
    "notulen_docx",
    "notulen_pdf",
    "roman",
    "tanggal",
    "undangan_docx",
]
