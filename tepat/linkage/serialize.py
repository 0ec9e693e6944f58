"""Pairs as rows for the CLI and pages: both records as stored, NIK / No KK masked for masking roles."""

from __future__ import annotations

from tepat.accounts.masking import identity_for
from tepat.linkage.models import Pair

SIDE_FIELDS = ("source", "nik", "nama", "tanggal_lahir", "no_kk", "id_keluarga")


def _side(pair: Pair, side: str, user) -> dict:
    member, family = getattr(pair, f"{side}_member"), getattr(pair, f"{side}_family")
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
    return pairs.select_related("left_member", "right_member", "left_family", "right_family")
