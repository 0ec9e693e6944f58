"""The hand-back: a campaign's approved changes as rows for the central data (DTSEN update proposals through the
Kemensos channel, SIKS-NG), where an operator keys or uploads them.

One row per approved change line, with the registry's own column names (the P3KE / DTSEN profile of the family's
source, `tepat/registry/profiles/*.json`), the kind of update, old and new value, the family's and member's
identity numbers (full only for roles that see them, `tepat.accounts.masking.identity_for`), the musyawarah date and
the berita acara reference, and whether (when, through which channel) it was already sent
(`tepat.verivali.actions.do_record_handback`). Cost: three queries whatever the number of changes.
"""

from __future__ import annotations

import polars as pl

from tepat.accounts.masking import identity_for
from tepat.registry.fields import IDENTITY_FIELDS
from tepat.registry.importer.profiles import load_profiles
from tepat.verivali.documents import berita_acara_filename
from tepat.verivali.models import ChangeLine, ChangeRequest, Keberadaan, LineTarget, RequestKind, RequestStatus

HEADERS = {
    "no": "no",
    "usulan": "no_usulan",
    "jenis": "jenis_pembaruan",
    "kode_kemendagri": "kode_kemendagri",
    "kelurahan": "desa_kelurahan",
    "id_keluarga": "id_keluarga_p3ke",
    "no_kk": "no_kk",
    "nik": "nik",
    "nama": "nama",
    "kolom": "kolom",
    "lama": "nilai_lama",
    "baru": "nilai_baru",
    "keterangan": "keterangan",
    "musyawarah": "tanggal_musyawarah",
    "berita_acara": "berita_acara",
    "dikirim": "dikirim",
}
KIND_WORDS = {
    "update": "perbaikan data",
    "new_member": "penambahan anggota",
    "proposal": "usulan keluarga baru",
    Keberadaan.MENINGGAL: "nonaktif: meninggal",
    Keberadaan.PINDAH: "nonaktif: pindah",
    Keberadaan.GANDA: "nonaktif: ganda",
    Keberadaan.SUDAH_MAMPU: "nonaktif: sudah mampu",
    Keberadaan.TIDAK_DITEMUKAN: "nonaktif: tidak ditemukan",
    "tidak_memenuhi": "nonaktif: tidak memenuhi kriteria",
}
PROFILES = {"dtsen": ("dtsen-keluarga", "dtsen-anggota")}  # anything else reads as P3KE
DEFAULT_PROFILES = ("p3ke-keluarga", "p3ke-individu")


def column_name(source: str, field: str, member: bool) -> str:
    """The registry's column name for a field in the family's source format ('desil' -> 'desil_kesejahteraan')."""
    if field == "is_active":
        return "status_keberadaan"
    profile = load_profiles()[PROFILES.get(source, DEFAULT_PROFILES)[1 if member else 0]]
    return profile.header_for(field) if field in profile.columns else field


def approved_requests(campaign, *, unsent_only: bool = False, within=None):
    """The campaign's approved requests (those of `within`, a ChangeRequest queryset such as the user's scope)."""
    requests = (within if within is not None else ChangeRequest.objects.all()).filter(
        campaign=campaign, status=RequestStatus.APPROVED
    )
    requests = requests.select_related(
        "visit", "family", "created_family", "kelurahan", "musyawarah__kelurahan", "handback"
    ).order_by("kelurahan__code", "musyawarah__held_on", "pk")
    return requests.filter(handback__isnull=True) if unsent_only else requests


def _kind(request: ChangeRequest, line: ChangeLine) -> str:
    if request.kind == RequestKind.PROPOSAL:
        return KIND_WORDS["proposal"]
    if line.target == LineTarget.NEW_MEMBER:
        return KIND_WORDS["new_member"]
    if line.field == "is_active" and line.proposed is False:
        visit = request.visit
        if line.member_id is None:
            return KIND_WORDS.get(
                visit.keberadaan if visit.memenuhi_kriteria else "tidak_memenuhi", KIND_WORDS["tidak_memenuhi"]
            )
        found = [m for m in visit.payload.get("members", []) if m.get("member_id") == line.member_id]
        return KIND_WORDS.get(found[0].get("keberadaan") if found else "", "nonaktif")
    return KIND_WORDS["update"]


def _shown(user, field: str, value) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "aktif" if value else "nonaktif"
    return identity_for(user, str(value)) if field in IDENTITY_FIELDS else str(value)


def _new_members(lines: list[ChangeLine]) -> dict[int, dict]:
    members: dict[int, dict] = {}
    for line in lines:
        if line.target == LineTarget.NEW_MEMBER:
            members.setdefault(line.new_member_index, {})[line.field] = line.proposed
    return members


def _request_rows(request: ChangeRequest, lines: list[ChangeLine], user) -> list[dict]:
    family = request.created_family or request.family
    meeting = request.musyawarah
    new_members = _new_members(lines)
    common = {
        "usulan": request.pk,
        "kode_kemendagri": request.kelurahan.code.replace(".", ""),
        "kelurahan": request.kelurahan.name,
        "id_keluarga": (family.id_keluarga_p3ke or family.source_key) if family else "",
        "no_kk": _shown(user, "no_kk", family.no_kk if family else None),
        "musyawarah": f"{meeting.held_on:%d-%m-%Y}" if meeting else "",
        "berita_acara": berita_acara_filename(meeting, "pdf").removesuffix(".pdf") if meeting else "",
        "dikirim": f"{request.handback.sent_on:%d-%m-%Y} {request.handback.channel}" if request.handback else "",
    }
    rows = []
    for line in lines:
        person = line.member or None
        new = new_members.get(line.new_member_index, {}) if line.target == LineTarget.NEW_MEMBER else {}
        member_side = line.target in (LineTarget.MEMBER, LineTarget.NEW_MEMBER)
        rows.append(
            {
                **common,
                "jenis": _kind(request, line),
                "nik": _shown(user, "nik", person.nik if person else new.get("nik")),
                "nama": person.nama if person else (new.get("nama") or (family.kepala_keluarga if family else "")),
                "kolom": column_name(family.source if family else "", line.field, member_side),
                "lama": _shown(user, line.field, line.current),
                "baru": _shown(user, line.field, line.proposed),
                "keterangan": line.note,
            }
        )
    return rows


def handback_rows(campaign, user, *, unsent_only: bool = False, within=None) -> list[dict]:
    """Every approved change of the campaign as one row (keys of HEADERS), numbered from 1."""
    requests = list(approved_requests(campaign, unsent_only=unsent_only, within=within))
    lines: dict[int, list[ChangeLine]] = {}
    for line in ChangeLine.objects.filter(request__in=requests).select_related("member").order_by("request_id", "id"):
        lines.setdefault(line.request_id, []).append(line)
    rows = [row for request in requests for row in _request_rows(request, lines.get(request.pk, []), user)]
    for number, row in enumerate(rows, start=1):
        row["no"] = number
    return rows


def handback_frame(rows: list[dict]) -> pl.DataFrame:
    """The rows with the registry's header spelling, every cell text (identity numbers keep their digits)."""
    return pl.DataFrame(
        [{HEADERS[key]: str(row.get(key, "")) for key in HEADERS} for row in rows],
        schema=dict.fromkeys(HEADERS.values(), pl.String),
    )
