"""The berita acara of a musyawarah kelurahan, as PDF (WeasyPrint) and DOCX (python-docx), ready to sign.

Both formats print the same rows from `berita_acara_rows`: one per change request the meeting
decided, ordered by RW, RT and name, with the finding, the proposed changes, the decision and its
reason. What is masked: the document circulates on paper (kelurahan -> kecamatan -> Bapperida),
so NIK and No KK are printed masked (`127405******0001`), enough to tell two namesakes apart;
names, addresses and RT/RW are printed in full because the meeting signs for those families.
Cost: four queries whatever the number of decisions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tepat.accounts.masking import mask
from tepat.registry.fields import IDENTITY_FIELDS
from tepat.reports.formatting import HARI, tanggal
from tepat.reports.render import DocxBuilder, indonesian, pdf_bytes
from tepat.verivali.models import ChangeRequest, Keberadaan, LineTarget, Musyawarah, RequestKind, RequestStatus

SHOWN_IN_COLUMNS = ("kepala_keluarga", "alamat", "rt", "rw", "no_kk")  # an usulan baru's own columns in the table
DECISION_WORDS = {RequestStatus.APPROVED: "DISETUJUI", RequestStatus.REJECTED: "DITOLAK"}
SIGNERS = ("Lurah {kelurahan}", "Perwakilan masyarakat", "Pendamping / TKSK")
FIELD_WORDS = {
    "is_active": "status aktif",
    "kepala_keluarga": "kepala keluarga",
    "no_kk": "No KK",
    "nik": "NIK",
    "rt": "RT",
    "rw": "RW",
    "hubungan_dengan_kepala_keluarga": "hubungan",
    "tanggal_lahir": "tanggal lahir",
}


@dataclass
class DecisionRow:
    number: int
    name: str
    address: str
    no_kk: str
    finding: str
    changes: list[str]
    decision: str
    reason: str


@dataclass
class BeritaAcara:
    meeting: Musyawarah
    title: str
    opening: str
    attendees: list[str]
    rows: list[DecisionRow]
    totals: list[tuple[str, int]]
    signers: list[str] = field(default_factory=list)


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "(kosong)"
    if value is True or value is False:
        return "aktif" if value else "nonaktif"
    return mask(str(value)) if name in IDENTITY_FIELDS else str(value)


def _change_texts(request: ChangeRequest) -> list[str]:
    """'alamat: Jl. A → Jl. B', 'SITI: keluar dari data (meninggal)', 'anggota baru: BAYI'."""
    texts, new_members = [], defaultdict(dict)
    for line in request.lines.all():
        word = FIELD_WORDS.get(line.field, line.field.replace("_", " "))
        if line.target == LineTarget.NEW_MEMBER:
            new_members[line.new_member_index][line.field] = line.proposed
        elif line.field == "is_active":
            who = line.member.nama if line.member else "keluarga"
            texts.append(f"{who}: keluar dari data ({line.note})" if line.note else f"{who}: dinonaktifkan")
        elif request.kind == RequestKind.PROPOSAL:
            if line.field in SHOWN_IN_COLUMNS:
                continue
            texts.append(f"{word}: {_shown(line.field, line.proposed)}")
        else:
            who = f"{line.member.nama} – " if line.member else ""
            texts.append(f"{who}{word}: {_shown(line.field, line.current)} → {_shown(line.field, line.proposed)}")
    texts += [f"anggota baru: {values.get('nama', '')}" for _, values in sorted(new_members.items())]
    return texts


def _family_text(request: ChangeRequest) -> tuple[str, str, str]:
    """(name, address with RT/RW, masked No KK) from the family, or from the proposal for an usulan baru."""
    if request.family is not None:
        family = request.family
        values = {
            "kepala_keluarga": family.kepala_keluarga,
            "alamat": family.alamat,
            "rt": family.rt,
            "rw": family.rw,
            "no_kk": family.no_kk,
        }
    else:
        values = {line.field: line.proposed or "" for line in request.lines.all() if line.target == LineTarget.FAMILY}
    address = f"{values.get('alamat') or ''} RT {values.get('rt') or '-'}/RW {values.get('rw') or '-'}".strip()
    return values.get("kepala_keluarga") or "(tanpa nama)", address, mask(values.get("no_kk") or "")


def _finding(request: ChangeRequest) -> str:
    visit = request.visit
    parts = ["usulan baru" if request.kind == RequestKind.PROPOSAL else Keberadaan(visit.keberadaan).label]
    if visit.keterangan:
        parts.append(visit.keterangan)
    parts.append("memenuhi kriteria" if visit.memenuhi_kriteria else f"tidak memenuhi kriteria: {visit.alasan}")
    return "; ".join(str(p) for p in parts)


def _sort_key(row_and_request) -> tuple:
    _, request = row_and_request
    family = request.family
    return ((family.rw, family.rt) if family else ("~", "~")), row_and_request[0].name, request.pk


def berita_acara_rows(meeting: Musyawarah) -> list[DecisionRow]:
    requests = (
        meeting.decisions.filter(status__in=DECISION_WORDS)
        .select_related("family", "visit")
        .prefetch_related("lines__member")
        .order_by("pk")
    )
    pairs = []
    for request in requests:
        name, address, no_kk = _family_text(request)
        pairs.append(
            (
                DecisionRow(
                    0,
                    name,
                    address,
                    no_kk,
                    _finding(request),
                    _change_texts(request),
                    DECISION_WORDS[request.status],
                    request.reason,
                ),
                request,
            )
        )
    rows = [row for row, _ in sorted(pairs, key=_sort_key)]
    for number, row in enumerate(rows, start=1):
        row.number = number
    return rows


def _totals(rows: list[DecisionRow]) -> list[tuple[str, int]]:
    counted = Counter(row.decision for row in rows)
    return [
        ("Jumlah keluarga dibahas", len(rows)),
        ("Disetujui", counted["DISETUJUI"]),
        ("Ditolak", counted["DITOLAK"]),
    ]


def berita_acara(meeting: Musyawarah) -> BeritaAcara:
    kelurahan = meeting.kelurahan
    kecamatan = kelurahan.parent
    city = kecamatan.parent if kecamatan else None
    where = ", ".join(r.name.title() for r in (kecamatan, city) if r is not None)
    rows = berita_acara_rows(meeting)
    campaign = f" (kampanye {meeting.campaign.name})" if meeting.campaign else ""
    opening = (
        f"Pada hari ini {HARI[meeting.held_on.weekday()]}, tanggal {tanggal(meeting.held_on)}, bertempat di {meeting.place}, "
        f"telah dilaksanakan musyawarah Kelurahan {kelurahan.name.title()}{', Kecamatan ' + where if where else ''} "
        f"untuk verifikasi dan validasi data keluarga miskin dan rentan{campaign}. Musyawarah memutuskan "
        f"{len(rows)} usulan perubahan data keluarga sebagaimana tercantum di bawah ini."
    )
    return BeritaAcara(
        meeting=meeting,
        title=f"BERITA ACARA MUSYAWARAH KELURAHAN {kelurahan.name.upper()}",
        opening=opening,
        attendees=meeting.attendee_list(),
        rows=rows,
        totals=_totals(rows),
        signers=[s.format(kelurahan=kelurahan.name.title()) for s in SIGNERS],
    )


CLOSING = "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya."
NOTE = "NIK dan No KK ditulis tersamar; data lengkap ada di sistem Tepat."


@indonesian
def berita_acara_pdf(meeting: Musyawarah) -> bytes:
    document = berita_acara(meeting)
    return pdf_bytes(
        "reports/berita_acara.html",
        {"ba": document, "closing": CLOSING, "note": NOTE, "held_on": tanggal(meeting.held_on)},
    )


@indonesian
def berita_acara_docx(meeting: Musyawarah) -> bytes:
    ba = berita_acara(meeting)
    doc = DocxBuilder(title=ba.title).heading(ba.title, level=1)
    doc.paragraph(f"Tanggal: {tanggal(meeting.held_on)}    Tempat: {meeting.place}").paragraph(ba.opening)
    doc.paragraph("Peserta musyawarah:", bold=True)
    doc.table(["No", "Nama / jabatan", "Tanda tangan"], [(i, name, "") for i, name in enumerate(ba.attendees, start=1)])
    doc.paragraph("Hasil musyawarah:", bold=True)
    doc.table(
        ["No", "Kepala keluarga", "Alamat", "No KK", "Temuan kunjungan", "Perubahan diusulkan", "Keputusan", "Alasan"],
        [
            (r.number, r.name, r.address, r.no_kk, r.finding, "\n".join(r.changes) or "-", r.decision, r.reason)
            for r in ba.rows
        ],
    )
    doc.table(["Rekapitulasi", "Jumlah"], ba.totals)
    if meeting.notes:
        doc.paragraph("Catatan:", bold=True).paragraph(meeting.notes)
    doc.paragraph(NOTE).paragraph(CLOSING)
    doc.paragraph(f"{meeting.kelurahan.name.title()}, {tanggal(meeting.held_on)}")
    doc.signatures([(signer, "................................") for signer in ba.signers])
    return doc.bytes()


def berita_acara_filename(meeting: Musyawarah, kind: str) -> str:
    return f"berita-acara-{meeting.kelurahan.code}-{meeting.held_on:%Y%m%d}-{meeting.pk}.{kind}"
