"""Pairs as rows for the CLI and pages: both records as stored, NIK / No KK masked for masking roles."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import gettext as _

from tepat.accounts.masking import identity_for
from tepat.linkage.models import Pair

SIDE_FIELDS = ("source", "nik", "nama", "tanggal_lahir", "no_kk", "id_keluarga")


def _held_as_records(held) -> tuple[SimpleNamespace, SimpleNamespace]:
    """A held realisasi row read like a (member, family) pair: what the OPD's file said."""
    member = SimpleNamespace(
        nik=held.nik,
        nama=held.nama,
        tanggal_lahir=held.tanggal_lahir,
        jenis_kelamin="",
        hubungan_dengan_kepala_keluarga="",
    )
    family = SimpleNamespace(
        source="realisasi",
        get_source_display=lambda: _("Realisasi %(file)s baris %(row)s") % {"file": held.file_name, "row": held.row},
        kepala_keluarga=held.nama,
        no_kk=held.no_kk,
        kelurahan=held.kelurahan or SimpleNamespace(name=""),
        rt="",
        rw="",
        alamat="",
        id_keluarga_p3ke="",
        source_key="",
    )
    return member, family


def records(pair: Pair, side: str) -> tuple:
    """(member or None, family) of one side; the left of a realisasi pair is its held row."""
    if side == "left" and pair.recipient_id:
        return _held_as_records(pair.recipient)
    return getattr(pair, f"{side}_member"), getattr(pair, f"{side}_family")


def _side(pair: Pair, side: str, user) -> dict:
    member, family = records(pair, side)
    return {
        "source": family.source,
        "nik": identity_for(user, member.nik) if member else None,
        "nama": member.nama if member else family.kepala_keluarga,
        "tanggal_lahir": member.tanggal_lahir.isoformat() if member and member.tanggal_lahir else None,
        "no_kk": identity_for(user, family.no_kk),
        "id_keluarga": family.id_keluarga_p3ke or identity_for(user, family.source_key),
    }


def pair_row(pair: Pair, user) -> dict:
    """id, kind, method, probability, status, left, right (docs/linkage.md, `tepat linkage pairs`)."""
    return {
        "id": pair.pk,
        "kind": pair.kind,
        "method": pair.method,
        "probability": round(pair.probability, 6),
        "status": pair.status,
        "left": _side(pair, "left", user),
        "right": _side(pair, "right", user),
    }


def with_records(pairs):
    return pairs.select_related("left_member", "right_member", "left_family", "right_family", "recipient__kelurahan")
